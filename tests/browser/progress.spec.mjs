// progress.spec.mjs - what a student's phone keeps, and only the phone: a self-check quiz
// answered right is marked beside its lesson in the course's contents and counted on the
// catalog, in the interface language, through a reload, and gone after "Clear" (at 390x844
// and 320x640, nothing wider than the screen, axe-core finding nothing serious); and the
// interface language picked in the bar outlives the links of the course's own pages, with
// JavaScript and without, kept in one cookie that holds the language alone, even where the
// phone's cache holds the next lesson in another language.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
	BASE,
	COURSES,
	PHONES,
	TIMEOUT,
	axeProblems,
	courseUrl,
	launch,
	quizQuestion,
	withPage,
} from './lib/classroom.mjs';

const LESSON = 'lessons/02-an-toan.html';

let browser;
before(async () => {
	browser = await launch();
});
after(async () => {
	await browser?.close();
});

/** The pump lesson's quiz, every question answered right (quiz.spec.mjs checks the verdicts). */
async function passQuiz(page) {
	const choose = (n, text) => quizQuestion(page, n).locator('.choices label', { hasText: text }).click();
	await choose(1, 'Khoá cầu dao');
	await choose(2, 'Chờ trục');
	await choose(2, 'Mở nút xả');
	await choose(3, 'Sai');
	const field = quizQuestion(page, 4).locator('input[type=text]');
	await field.fill('hướng nước phun ra');
	await field.press('Enter');
	assert.equal(await page.locator('section.quiz p.score').innerText(), 'Đúng 4/4 câu');
}

/** The mark beside the lesson in the course's contents ('' when there is none). */
async function contentsMark(page) {
	const mark = page.locator(`ol.lessons a[href="${LESSON}"] .sampan-passed, nav.contents a[href$="${LESSON.split('/')[1]}"] .sampan-passed`);
	return (await mark.count()) ? (await mark.first().textContent()).trim() : '';
}

/** How far the page, or one element, reaches past the screen's right edge (0: not at all). */
async function pastTheEdge(page, selector) {
	return page.evaluate((sel) => {
		const width = window.innerWidth;
		const boxes = sel ? [...document.querySelectorAll(sel)].map((e) => e.getBoundingClientRect().right) : [];
		return Math.max(0, document.documentElement.scrollWidth - width, ...boxes.map((r) => Math.ceil(r - width)));
	}, selector);
}

for (const [device, viewport] of Object.entries(PHONES)) {
	test(`${device}: a quiz passed is marked in the contents and on the catalog, through a reload, and goes with Clear`, TIMEOUT, async () => {
		const problems = [];
		await withPage(browser, `progress quiz ${device}`, { viewport }, async ({ page }) => {
			await page.goto(courseUrl('pump'));
			assert.equal(await contentsMark(page), '', 'a quiz marked before any was answered');

			await page.goto(courseUrl('pump', LESSON));
			await passQuiz(page);
			// the lesson's own folded contents are marked at once
			assert.equal(await contentsMark(page), '1 quiz passed');

			await page.goto(courseUrl('pump'));
			assert.equal(await contentsMark(page), '1 quiz passed');
			const mark = page.locator(`ol.lessons a[href="${LESSON}"] .sampan-passed`);
			assert.ok(await mark.isVisible(), 'the mark is not on screen');
			assert.equal(await mark.getAttribute('lang'), 'en', "the mark is not in the interface's language");
			assert.equal(await pastTheEdge(page, '.sampan-passed'), 0, 'the mark reaches past the screen');
			problems.push(...(await axeProblems(page)));
			await page.reload();
			assert.equal(await contentsMark(page), '1 quiz passed', 'the mark is gone after a reload');

			await page.goto(BASE);
			const line = page.locator(`li.course[data-course="${COURSES.pump}"] p.progress`);
			assert.equal((await line.innerText()).trim(), '1 of 5 lessons opened · 1 quiz passed');
			assert.equal(await pastTheEdge(page, 'p.progress'), 0, "the course's line reaches past the screen");
			problems.push(...(await axeProblems(page)));
			await page.reload();
			assert.equal((await line.innerText()).trim(), '1 of 5 lessons opened · 1 quiz passed', 'gone after a reload');
			assert.deepEqual(await page.evaluate(() => Object.keys(localStorage)), ['sampan.progress.1'], 'kept in the browser alone');

			await page.locator('.progress-clear button').click();
			assert.equal(await line.isVisible(), false, 'Clear leaves the line');
			await page.reload();
			assert.equal(await line.isVisible(), false, 'the line is back after Clear and a reload');
			await page.goto(courseUrl('pump'));
			assert.equal(await contentsMark(page), '', 'the contents keep the mark after Clear');
		});
		assert.deepEqual(problems, [], problems.join('\n'));
	});
}

test('phone 390x844: a quiz passed alone still shows on the catalog, and Clear is offered for it', TIMEOUT, async () => {
	await withPage(browser, 'progress quiz only', { viewport: PHONES['phone 390x844'] }, async ({ page }) => {
		// a phone that kept the quiz but not the lesson (a lesson opened before progress.js came)
		await page.goto(BASE);
		await page.evaluate(([c, k]) => window.sampanProgress.record(c, 'passed', k), [COURSES.pump, `${LESSON}#quiz-1`]);
		await page.reload();
		const line = page.locator(`li.course[data-course="${COURSES.pump}"] p.progress`);
		assert.equal((await line.innerText()).trim(), '1 quiz passed');
		assert.ok(await page.locator('.progress-clear').isVisible(), 'no Clear for a quiz passed');
	});
});

/** The bar's interface language, and its name in the switcher. */
async function barLanguage(page) {
	return page.locator('nav.sampan-bar').getAttribute('lang');
}

for (const js of [true, false]) {
	const viewport = js ? PHONES['phone 390x844'] : PHONES['small phone 320x640'];
	test(`JavaScript ${js ? 'on' : 'off'}: Thai picked in the bar stays through the lesson's own links, the cached English copy aside`, TIMEOUT, async () => {
		await withPage(browser, `progress language js=${js}`, { viewport, javaScriptEnabled: js }, async ({ page, context, rec }) => {
			// an English phone that has the next lesson in its cache already
			await page.goto(courseUrl('pump', LESSON));
			assert.equal(await barLanguage(page), 'en');
			await page.goto(courseUrl('pump', 'lessons/01-cau-tao.html'));
			assert.equal(await barLanguage(page), 'en');
			assert.deepEqual(await context.cookies(), [], 'a cookie before any language was picked');

			// Thai, picked in the bar's menu
			await page.locator('details.sampan-langs > summary').click();
			await page.locator('details.sampan-langs a[hreflang="th"]').click();
			await page.waitForURL(/\?lang=th$/);
			assert.equal(await barLanguage(page), 'th');
			const cookies = await context.cookies();
			assert.deepEqual(
				cookies.map((c) => [c.name, c.value, c.path, c.sameSite, c.httpOnly]),
				[['sampan_lang', 'th', '/', 'Lax', false]],
				'the one cookie is not the language alone',
			);
			assert.ok(cookies[0].expires > Date.now() / 1000 + 300 * 86400, 'the choice is forgotten within the year');

			// the lesson's own "next" link: no ?lang=, and the bar stays Thai
			const before = rec.to(LESSON).length;
			await page.locator('nav.pager a[rel=next]').click();
			await page.waitForURL(courseUrl('pump', LESSON));
			assert.equal(await barLanguage(page), 'th', 'the bar fell back to English after a link of the lesson');
			assert.match(await page.locator('.sampan-pos').innerText(), /2/);
			assert.ok(rec.to(LESSON).length > before, 'the English copy in the cache was shown without asking');
			// the course's own link to its home page, then the catalog without ?lang=
			await page.locator('header.site a.course').click();
			assert.equal(await barLanguage(page), 'th');
			await page.goto(BASE);
			assert.equal(await page.locator('html').getAttribute('lang'), 'th');

			// English again from the catalog's switcher: the next page is English
			await page.locator('nav.ui-lang a[hreflang="en"]').click();
			await page.waitForURL(/lang=en/);
			await page.goto(courseUrl('pump', 'lessons/01-cau-tao.html'));
			assert.equal(await barLanguage(page), 'en');
			assert.deepEqual((await context.cookies()).map((c) => [c.name, c.value]), [['sampan_lang', 'en']]);
		});
	});
}
