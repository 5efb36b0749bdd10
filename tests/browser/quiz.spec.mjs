// quiz.spec.mjs - the self-check quizzes of the sample lessons (Vietnamese, Thai, Chinese),
// on a 390x844 and a 320x640 phone: answered wrong and right, with JavaScript on (the
// player's quiz.js: a verdict at once, the student's own answers marked in the key, a
// score, the quiz recorded as passed on the phone) and off (the key unfolds under "Check
// your answer" with every answer's feedback); nothing is submitted, nothing leaves the
// player's origin, the page stays under 100 KB, axe-core finds no serious or critical
// violation with the answers shown; the page extracted to disk works without the script.
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import {
	AXE,
	COURSES,
	PHONES,
	TIMEOUT,
	courseUrl,
	extracted,
	launch,
	quizQuestion,
	transferred,
	withPage,
} from './lib/classroom.mjs';

const PUMP = 'lessons/02-an-toan.html';

let browser;
before(async () => {
	browser = await launch();
});
after(async () => {
	await browser?.close();
});

/** Ticks the choice whose label holds text (a radio button or a checkbox). */
async function choose(page, n, text) {
	await quizQuestion(page, n).locator('.choices label', { hasText: text }).click();
}

/** The key's line of a choice, and whether it is shown. */
function keyLine(page, n, text) {
	return quizQuestion(page, n).locator('details.answer ul.key > li', { hasText: text });
}

async function noSideways(page) {
	return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

for (const [device, viewport] of Object.entries(PHONES)) {
	test(`${device}, JavaScript on: wrong then right gets the verdict, the key marks the student's answers, a score, and the quiz is recorded as passed`, TIMEOUT, async () => {
		const rec = await withPage(browser, `quiz js ${device}`, { viewport }, async ({ page, context }) => {
			// The player's progress script, when the page has it, keeps what record() is given:
			// a stand-in here sees the very call the quiz makes.
			await context.addInitScript(() => {
				window.__passed = [];
				Object.defineProperty(window, 'sampanProgress', {
					configurable: true,
					get() {
						return this.__real || { record: (c, k, key) => window.__passed.push([c, k, key]) };
					},
					set(v) {
						// the real one, once progress.js runs: calls go through it and are seen too
						const record = v.record;
						this.__real = { ...v, record: (c, k, key) => (window.__passed.push([c, k, key]), record(c, k, key)) };
					},
				});
			});
			await page.goto(courseUrl('pump', PUMP));
			const start = page.url();
			assert.ok((await noSideways(page)) <= 0, 'the quiz makes the page scroll sideways');
			assert.equal(await page.locator('section.quiz .box-label').innerText(), 'Tự kiểm tra');
			assert.ok(!(await page.locator('section.quiz p.score').isVisible()), 'no score before an answer');

			await choose(page, 1, 'Đóng van hút và van đẩy');
			const verdict = quizQuestion(page, 1).locator('p.verdict');
			assert.equal(await verdict.innerText(), '✗ Chưa đúng, hãy thử lại.');
			assert.equal(await page.locator('section.quiz p.score').innerText(), 'Đúng 0/4 câu');
			await quizQuestion(page, 1).locator('details.answer > summary').click();
			const wrong = keyLine(page, 1, 'Đóng van hút');
			assert.match(await wrong.getAttribute('class'), /wrong chosen/);
			assert.ok(await wrong.locator('.feedback').isVisible(), "the wrong answer's feedback shows");
			assert.match(await wrong.innerText(), /Sai\s+Đóng van hút và van đẩy\s+Van được đóng sau/);

			await choose(page, 1, 'Khoá cầu dao');
			assert.equal(await verdict.innerText(), '✓ Câu trả lời của bạn đúng.');
			assert.match(await keyLine(page, 1, 'Khoá cầu dao').getAttribute('class'), /right chosen/);
			assert.doesNotMatch(await wrong.getAttribute('class'), /chosen/);
			assert.equal(await page.locator('section.quiz p.score').innerText(), 'Đúng 1/4 câu');

			// several right answers: one of two is not yet right
			await choose(page, 2, 'Chờ trục');
			assert.equal(await quizQuestion(page, 2).locator('p.verdict').innerText(), '✗ Chưa đúng, hãy thử lại.');
			await choose(page, 2, 'Mở nút xả');
			assert.equal(await quizQuestion(page, 2).locator('p.verdict').innerText(), '✓ Câu trả lời của bạn đúng.');
			await choose(page, 3, 'Sai');
			assert.equal(await quizQuestion(page, 3).locator('p.verdict').innerText(), '✓ Câu trả lời của bạn đúng.');

			// a short answer: Enter checks it; case and spaces do not matter
			const field = quizQuestion(page, 4).locator('input[type=text]');
			await field.fill('nước nóng');
			await field.press('Enter');
			assert.equal(await quizQuestion(page, 4).locator('p.verdict').innerText(), '✗ Chưa đúng, hãy thử lại.');
			assert.deepEqual(await page.evaluate(() => window.__passed), [], 'recorded as passed before every answer was right');
			await field.fill('  Hướng  nước phun ra ');
			await field.press('Enter');
			assert.equal(await quizQuestion(page, 4).locator('p.verdict').innerText(), '✓ Câu trả lời của bạn đúng.');
			assert.equal(await page.locator('section.quiz p.score').innerText(), 'Đúng 4/4 câu');
			const passed = await page.evaluate(() => window.__passed);
			assert.deepEqual(passed.at(-1), [COURSES.pump, 'passed', `${PUMP}#quiz-1`]);
			assert.equal(page.url(), start, 'answering went nowhere');

			// axe with the verdicts and a key shown
			await page.evaluate(AXE);
			const result = await page.evaluate(() => axe.run(document, { resultTypes: ['violations'] }));
			const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
			assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), []);
			assert.ok((await noSideways(page)) <= 0, 'the answered quiz makes the page scroll sideways');

			// kept by the player's progress script, in this browser alone, through a reload
			await page.reload();
			const kept = await page.evaluate(([c, k]) => window.sampanProgress.has(c, 'passed', k), [COURSES.pump, `${PUMP}#quiz-1`]);
			assert.ok(kept, 'the quiz passed is not kept on the phone');
		});
		// the player's own script, and the page, from the player alone
		assert.ok(rec.to('/_sampan/quiz.js').length >= 1, 'the page loads the quiz script');
		for (const e of rec.entries) assert.equal(e.method, 'GET', `${e.method} ${e.url}: an answer was sent`);
		assert.ok(rec.entries.every((e) => !new URL(e.url).search), 'an address carried answers');
	});

	test(`${device}, JavaScript off: the key unfolds with every answer's feedback, and nothing navigates`, TIMEOUT, async () => {
		await withPage(browser, `quiz no js ${device}`, { viewport, javaScriptEnabled: false }, async ({ page, rec }) => {
			await page.goto(courseUrl('pump', PUMP));
			const requests = rec.entries.length;
			const box = quizQuestion(page, 1).locator('details.answer');
			const wrong = keyLine(page, 1, 'Đóng van hút');
			assert.ok(!(await wrong.isVisible()), 'the key is folded before the student answers');
			await choose(page, 1, 'Đóng van hút và van đẩy');
			assert.ok(await quizQuestion(page, 1).locator('input[value="1"]').isChecked());
			await box.locator('summary').click();
			assert.match(await wrong.innerText(), /Sai\s+Đóng van hút và van đẩy\s+Van được đóng sau, khi trục đã dừng hẳn\./);
			const right = keyLine(page, 1, 'Khoá cầu dao');
			assert.match(await right.innerText(), /^Đúng\s+Khoá cầu dao/);
			assert.ok(await right.locator('.feedback').isVisible());
			assert.equal(await quizQuestion(page, 1).locator('p.verdict').count(), 0, 'a verdict without JavaScript');

			const field = quizQuestion(page, 4).locator('input[type=text]');
			await field.fill('hướng nước phun ra');
			await field.press('Enter');
			await page.waitForTimeout(300);
			assert.equal(rec.entries.length, requests, 'Enter in the answer field made a request');
			await quizQuestion(page, 4).locator('details.answer > summary').click();
			assert.match(await quizQuestion(page, 4).locator('ul.key').innerText(), /hướng nước phun ra \/ nước phun ra/);
		});
	});
}

test('the Thai and Chinese quizzes answer in their own language', TIMEOUT, async () => {
	await withPage(browser, 'quiz th zh', { viewport: PHONES['phone 390x844'] }, async ({ page }) => {
		await page.goto(courseUrl('electrical', 'lessons/03-safe-isolation.html'));
		await choose(page, 1, 'ล็อกและติดป้าย');
		assert.equal(await quizQuestion(page, 1).locator('p.verdict').innerText(), '✗ ยังไม่ถูก ลองอีกครั้ง');
		await choose(page, 1, 'ทดสอบ–วัด–ทดสอบ');
		assert.equal(await quizQuestion(page, 1).locator('p.verdict').innerText(), '✓ คำตอบของคุณถูกต้อง');
		assert.equal(await page.locator('section.quiz p.score').innerText(), 'ถูก 1 จาก 4 ข้อ');
		await quizQuestion(page, 1).locator('summary').click();
		assert.equal(await quizQuestion(page, 1).locator('summary').innerText(), 'ตรวจคำตอบ');

		await page.goto(courseUrl('gem', 'lessons/01-safety.html'));
		const field = quizQuestion(page, 4).locator('input[type=text]');
		await field.fill('矽肺');
		await field.press('Enter');
		assert.equal(await quizQuestion(page, 4).locator('p.verdict').innerText(), '✓ 回答正确。');
		assert.equal(await page.locator('section.quiz p.score').innerText(), '答对 1 题，共 4 题');
	});
});

test('printed for a worksheet, a quiz keeps its questions and choices, not its key, verdicts or score', TIMEOUT, async () => {
	await withPage(browser, 'quiz print', { viewport: PHONES['phone 390x844'] }, async ({ page }) => {
		await page.goto(courseUrl('pump', PUMP));
		await choose(page, 1, 'Khoá cầu dao');
		await quizQuestion(page, 1).locator('summary').click();
		assert.ok(await quizQuestion(page, 1).locator('p.verdict').isVisible());
		await page.emulateMedia({ media: 'print' });
		assert.ok(await quizQuestion(page, 1).locator('legend').isVisible(), 'the question is printed');
		assert.ok(await quizQuestion(page, 1).locator('.choices label').first().isVisible(), 'the choices are printed');
		for (const what of ['details.answer', 'p.verdict'])
			assert.ok(!(await quizQuestion(page, 1).locator(what).isVisible()), `${what} is printed`);
		assert.ok(!(await page.locator('section.quiz p.score').isVisible()), 'the score is printed');
	});
});

test('the quiz page is under 100 KB with its script, its pictures and fonts', TIMEOUT, async () => {
	let weight = { total: 0, parts: [] };
	let scripts = 0;
	await withPage(browser, 'quiz weight', { viewport: PHONES['phone 390x844'] }, async ({ page, rec }) => {
		await page.goto(courseUrl('pump', PUMP), { waitUntil: 'networkidle' });
		await page.evaluate(() => document.querySelectorAll('img[loading=lazy]').forEach((img) => (img.loading = 'eager')));
		await page.waitForFunction(() => [...document.images].every((img) => img.complete));
		await page.evaluate(() => document.fonts.ready.then(() => true));
		weight = await transferred(rec);
		scripts = rec.to('/_sampan/quiz.js').length;
	});
	assert.equal(scripts, 1, 'the quiz script was weighed');
	assert.ok(weight.total > 1000 && weight.total < 100 * 1024, `${weight.total} bytes:\n${weight.parts.join('\n')}`);
});

test('extracted to disk, the quiz works without the player or its script', TIMEOUT, async () => {
	const context = await browser.newContext({ viewport: PHONES['small phone 320x640'] });
	try {
		const page = await context.newPage();
		const off = [];
		page.on('request', (r) => {
			if (!r.url().startsWith('file:')) off.push(r.url());
		});
		await page.goto(pathToFileURL(extracted(PUMP)).href);
		await choose(page, 3, 'Đúng');
		await quizQuestion(page, 3).locator('summary').click();
		assert.match(await quizQuestion(page, 3).locator('ul.key > li.right').innerText(), /^Đúng\s+Sai\s+Lắp lại tấm che khớp nối trước khi cấp điện\./);
		assert.ok(await quizQuestion(page, 3).locator('ul.key > li.right .feedback').isVisible());
		assert.equal(await page.locator('script').count(), 0, 'a page of the bundle holds a script');
		assert.deepEqual(off, []);
	} finally {
		await context.close();
	}
});
