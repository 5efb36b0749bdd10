// search.spec.mjs - search as a student uses it: a Thai word typed into the catalog's box
// and a Chinese word both open the right lesson section; a word only in a solution says
// "Lesson › Section › Challenge: title › Solution" on a phone; a word spoken in the video opens
// it at that moment with its subtitles; suggestions appear while typing; a typo offers
// "did you mean" as a link and its results marked as a similar spelling; the results page
// passes axe-core, works by keyboard alone and stays under 100 KB.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';
import { BASE, TIMEOUT, VIEWPORTS, launch, tabTo, transferred, url, withPage } from './lib/classroom.mjs';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let browser;
before(async () => {
	browser = await launch();
	// The player indexes in the background after it starts: wait until every course is in.
	for (let i = 0; i < 200; i++) {
		const d = await (await fetch(url('api/search.json?q=x'))).json();
		if (d.courses > 0 && d.indexed === d.courses) return;
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	throw new Error('the search index was not ready within 20 s');
});
after(async () => {
	await browser?.close();
});

/** Follows the first result and checks the section it names is on the page and in view. */
async function firstResultOpensItsSection(page, pagePath, what) {
	const first = page.locator('ol.results li a').first();
	await first.waitFor();
	const href = await first.getAttribute('href');
	assert.ok(href.includes(pagePath), `${what}: the first result is in ${pagePath} (${href})`);
	await first.click();
	await page.waitForURL((u) => u.pathname.endsWith(pagePath));
	const id = decodeURIComponent(new URL(page.url()).hash.slice(1));
	assert.ok(id, `${what}: the link names a section (${page.url()})`);
	const target = page.locator(`[id="${id}"]`);
	assert.equal(await target.count(), 1, `${what}: the lesson has the section '${id}'`);
	const box = await target.boundingBox();
	const height = page.viewportSize().height;
	assert.ok(box && box.y >= -2 && box.y < height, `${what}: the section's heading is on screen (y ${box && box.y})`);
}

for (const [device, viewport] of Object.entries(VIEWPORTS)) {
	test(`${device}: a Thai word typed into the catalog's search box opens its lesson section`, TIMEOUT, async () => {
		await withPage(browser, `search thai ${device}`, { viewport, locale: 'th-TH' }, async ({ page }) => {
			await page.goto(BASE);
			await page.locator('#q').fill('ไฟฟ้า');
			await page.locator('#q').press('Enter');
			await page.waitForURL((u) => u.pathname === '/search');
			assert.equal(await page.locator('html').getAttribute('lang'), 'th', 'the results speak Thai');
			const marks = await page.locator('ol.results mark').allInnerTexts();
			assert.ok(marks.includes('ไฟฟ้า'), `the word is marked in the results (${marks.slice(0, 5).join(', ')})`);
			await firstResultOpensItsSection(page, 'lessons/01-hazards.html', 'ไฟฟ้า');
		});
	});
}

test('a Chinese word inside longer sentences opens the right lesson of the gem course', TIMEOUT, async () => {
	await withPage(browser, 'search chinese', { locale: 'zh-CN' }, async ({ page }) => {
		await page.goto(url(`search?q=${encodeURIComponent('抛光')}`));
		const courses = await page.locator('ol.results .hit-course').allInnerTexts();
		assert.ok(courses.length >= 3, `several sections are found (${courses.length})`);
		assert.ok(courses.every((c) => c.includes('宝石')), `they are all in the gem course (${courses.join(' | ')})`);
		await firstResultOpensItsSection(page, 'lessons/03-machine.html', '抛光');
	});
});

test('phone: a word only in a solution names the lesson, section and boxes it is in, and opens the challenge', TIMEOUT, async () => {
	await withPage(browser, 'search solution phone', { viewport: VIEWPORTS.phone, locale: 'vi-VN' }, async ({ page }) => {
		await page.goto(url(`search?q=${encodeURIComponent('cao su non')}&lang=vi`));
		const first = page.locator('ol.results li').first();
		assert.equal(await first.locator('.hit-lesson').innerText(), 'Xử lý sự cố thường gặp', 'the lesson');
		assert.equal(
			await first.locator('.hit-heading').innerText(),
			'Máy chạy nhưng không lên nước › Thử thách: Mất nước sau mười phút › Lời giải',
			'its section, the challenge and the solution, labelled in Vietnamese',
		);
		const marks = await first.locator('.snippet mark').allInnerTexts();
		assert.ok(marks.join(' ').includes('cao'), `the snippet marks the words found (${marks.join(', ')})`);
		const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
		assert.ok(wide <= 0, `the long result line wraps on a phone (${wide} px too wide)`);
		await firstResultOpensItsSection(page, 'lessons/04-su-co.html', 'cao su non');
	});
});

test('a word spoken in the video opens the video at that moment, with its subtitles', TIMEOUT, async () => {
	await withPage(browser, 'search subtitle', { viewport: VIEWPORTS.laptop }, async ({ page, rec }) => {
		await page.goto(url('search?q=isolator&filter=en'));
		const cue = page.locator('ol.results li', { has: page.locator('.cue') }).first();
		assert.match(await cue.locator('.cue').innerText(), /0:04/, 'the hit says where in the video it is');
		await cue.locator('a').click();
		await page.waitForURL((u) => u.pathname === '/watch');
		const video = page.locator('video');
		await page.waitForFunction((v) => v.readyState >= 1, await video.elementHandle());
		const at = await video.evaluate((v) => v.currentTime);
		assert.ok(Math.abs(at - 4) < 0.25, `the video starts at the cue, 4 s (${at} s)`);
		const tracks = await video.evaluate((v) => [...v.textTracks].map((t) => `${t.language}:${t.mode}`));
		assert.deepEqual(tracks.sort(), ['en:showing', 'vi:disabled'], 'both subtitle tracks, the cue\'s own showing');
		await video.evaluate((v) => v.play());
		await page.waitForFunction((v) => !v.paused && v.currentTime > 5, await video.elementHandle(), { timeout: 20_000 });
		const shown = await video.evaluate((v) => {
			const c = v.textTracks[0].activeCues;
			return c && c.length ? c[0].text : '';
		});
		assert.match(shown, /isolator/i, `the English subtitle of that moment shows (${shown})`);
		const fetched = rec.to('media/pump.mp4');
		assert.ok(fetched.length > 0 && fetched.every((f) => f.status === 206), 'the video comes by Range requests answered 206');
		await page.locator('a.open').click();
		await page.waitForURL((u) => u.pathname.endsWith('lessons/02-an-toan.html'));
	});
});

test('suggestions appear while typing, and one opens its lesson', TIMEOUT, async () => {
	await withPage(browser, 'search suggestions', {}, async ({ page }) => {
		await page.goto(BASE);
		await page.locator('#q').pressSequentially('impel', { delay: 60 });
		const links = page.locator('#suggest li a');
		await links.first().waitFor({ timeout: 5000 });
		const titles = await links.allInnerTexts();
		assert.ok(titles.length > 0 && titles.length <= 6, `one to six suggestions (${titles.length})`);
		await links.first().click();
		await page.waitForURL((u) => u.pathname.includes('/c/org.sampan.samples.pump-maintenance/') || u.pathname === '/watch');
	});
});

for (const [device, viewport] of Object.entries(VIEWPORTS)) {
	const colorScheme = device === 'phone' ? 'dark' : 'light';
	test(`${device}, ${colorScheme}: a typo offers "did you mean" as a link; close matches are marked`, TIMEOUT, async () => {
		await withPage(browser, `search did you mean ${device}`, { viewport, colorScheme, locale: 'vi-VN' }, async ({ page }) => {
			await page.goto(url('search?q=isolaton&lang=vi'));
			const link = page.locator('p.did-you-mean a');
			assert.equal(await link.innerText(), 'isolator', 'the word the courses have is offered');
			assert.match(await page.locator('p.did-you-mean').innerText(), /^Có phải bạn muốn tìm isolator\?$/, 'in the interface language');
			const marked = page.locator('ol.results li.approximate');
			assert.ok((await marked.count()) > 0, 'its results are shown, nothing else being found');
			assert.equal(await marked.first().locator('.approx').innerText(), 'Cách viết gần giống', 'each marked as a similar spelling');
			await page.evaluate(AXE);
			const result = await page.evaluate(() => axe.run(document, { resultTypes: ['violations'] }));
			const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`);
			assert.deepEqual(serious, [], 'no serious or critical violation');
			await link.click();
			await page.waitForURL((u) => u.pathname === '/search' && u.searchParams.get('q') === 'isolator');
			const marks = await page.locator('ol.results mark').allInnerTexts();
			assert.ok(marks.some((m) => /isolator/i.test(m)), `the word is found and marked (${marks.slice(0, 5).join(', ')})`);
			assert.equal(await page.locator('ol.results li.approximate').count(), 0, 'exactly, so nothing is marked approximate');
		});
	});
}

for (const [device, viewport] of Object.entries(VIEWPORTS)) {
	const colorScheme = device === 'phone' ? 'light' : 'dark';
	test(`${device}, ${colorScheme}: the results page passes axe-core and weighs under 100 KB`, TIMEOUT, async () => {
		await withPage(browser, `search axe ${device}`, { viewport, colorScheme }, async ({ page, rec }) => {
			await page.goto(url(`search?q=${encodeURIComponent('ไฟ')}`));
			await page.evaluate(AXE); // evaluated, not injected: the player's CSP allows no inline script
			const result = await page.evaluate(() => axe.run(document, { resultTypes: ['violations'] }));
			const serious = result.violations
				.filter((v) => v.impact === 'serious' || v.impact === 'critical')
				.map((v) => `${v.id} (${v.impact}): ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`);
			assert.deepEqual(serious, [], 'no serious or critical violation');
			const { total, parts } = await transferred(rec);
			assert.ok(total < 100 * 1024, `the results page weighs ${total} bytes: ${parts.join(', ')}`);
		});
	});
}

test('search by keyboard alone: Tab to the box, type, Enter, Tab to a result, Enter', TIMEOUT, async () => {
	await withPage(browser, 'search keyboard', {}, async ({ page }) => {
		await page.goto(BASE);
		const box = await tabTo(page, (f) => f.tag === 'input', 'the search box');
		assert.ok(box.indicator, 'the search box shows its focus');
		await page.keyboard.type('pump');
		await page.keyboard.press('Enter');
		await page.waitForURL((u) => u.pathname === '/search');
		const hit = await tabTo(page, (f) => f.tag === 'a' && /^\/(c\/|watch)/.test(f.href || '') && !f.href.endsWith('/'), 'a result');
		assert.ok(hit.indicator, `the result shows its focus (${hit.text})`);
		assert.ok(hit.onScreen, 'the focused result is on screen');
		const from = page.url();
		await page.keyboard.press('Enter');
		await page.waitForURL((u) => u.href !== from);
		assert.ok(/\/(c\/|watch\?)/.test(page.url()), `Enter followed the result to a lesson or a video (${page.url()})`);
	});
});
