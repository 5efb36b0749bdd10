// phone.spec.mjs - a lesson a student can use on a phone, at 390x844, 320x640 and on a
// laptop: the catalog opens on the courses (the address and QR code a tap away); every
// course page has the player's bar, with a working way back to the catalog and a search
// box for the course; the lessons opened are marked on the phone, survive a reload and go
// with "Clear"; the projector page fills a 1920x1080 screen; nothing on any of these pages
// scrolls sideways at 320 px; a lesson prints without the bar; axe-core finds no serious
// or critical violation on the new pages.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BASE, COURSES, TIMEOUT, axeProblems, courseUrl, launch, url, withPage } from './lib/classroom.mjs';

const SAMPLES = ['electrical', 'pump', 'gem'];
const SIZES = {
	phone: { width: 390, height: 844 },
	small: { width: 320, height: 640 },
	laptop: { width: 1366, height: 768 },
};

let browser;
before(async () => {
	browser = await launch();
});
after(async () => {
	await browser?.close();
});

/** Nothing to scroll sideways; the wider elements named when there is. */
async function sideways(page) {
	return page.evaluate(() => {
		const width = window.innerWidth;
		if (document.documentElement.scrollWidth <= width) return '';
		const wide = [...document.querySelectorAll('body *')]
			.filter((el) => el.getBoundingClientRect().right > width + 1)
			.slice(0, 5)
			.map((el) => `${el.tagName.toLowerCase()}.${el.className}`);
		return `${location.pathname}${location.search}: ${document.documentElement.scrollWidth} px wide on ${width} (${wide.join(', ')})`;
	});
}

/** Every page of the sample courses: their home pages and the lessons they list. */
async function allCoursePages(page) {
	const pages = [];
	for (const course of SAMPLES) {
		await page.goto(courseUrl(course));
		pages.push(courseUrl(course), ...(await page.locator('ol.lessons a').evaluateAll((as) => as.map((a) => a.href))));
	}
	return pages;
}

for (const [device, viewport] of Object.entries(SIZES)) {
	const size = `${viewport.width}x${viewport.height}`;

	test(`${device} ${size}: the catalog opens on the courses, the address a tap away`, TIMEOUT, async () => {
		await withPage(browser, `phone catalog ${device}`, { viewport }, async ({ page }) => {
			await page.goto(BASE);
			const box = await page.locator('li.course').first().boundingBox();
			assert.ok(box, 'the catalog has a course');
			assert.ok(box.y >= 0 && box.y + box.height <= viewport.height,
				`the first course card is on the first screen: from ${box.y} to ${box.y + box.height} on ${viewport.height} px`);
			const qr = page.locator('.join .qr');
			assert.equal(await qr.isVisible(), false, 'the QR code is folded away');
			await page.locator('.join summary').click();
			assert.ok(await qr.isVisible(), 'one tap shows the QR code');
			assert.ok(await page.locator('.join .url').isVisible(), 'and the address');
			assert.equal(await sideways(page), '');
			await page.locator('.join a[href^="/join"]').click();
			await page.waitForURL(/\/join\?lang=en$/);
			assert.ok(await page.locator('.projector .qr svg').isVisible(), 'the projector page is a tap further');
		});
	});

	test(`${device} ${size}: every course page has the bar, a way back to the catalog and a search box`, TIMEOUT, async () => {
		const problems = [];
		await withPage(browser, `phone chrome ${device}`, { viewport }, async ({ page }) => {
			const pages = await allCoursePages(page);
			assert.ok(pages.length >= 18, `every page of the samples (${pages.length})`);
			for (const address of pages) {
				await page.goto(address);
				const bar = page.locator('nav.sampan-bar');
				const home = bar.locator('a.sampan-home');
				const search = bar.locator('form.sampan-find input[name=q]');
				if (!(await home.isVisible())) problems.push(`${address}: no visible way back to the catalog`);
				else if (new URL(await home.evaluate((a) => a.href)).pathname !== '/') problems.push(`${address}: the way back leads elsewhere`);
				if (!(await search.isVisible())) problems.push(`${address}: no visible search box`);
				const wide = await sideways(page);
				if (wide) problems.push(wide);
				const b = await bar.boundingBox();
				if (b && b.height > (viewport.width < 600 ? 110 : 60)) problems.push(`${address}: the bar is ${b.height} px high`);
			}
			// The way back works, and the search box searches the course.
			await page.goto(courseUrl('pump', 'lessons/02-an-toan.html'));
			assert.match(await page.locator('.sampan-pos').innerText(), /^Lesson 2 of 5$/);
			await page.locator('nav.sampan-bar a.sampan-home').click();
			await page.waitForURL(url('/?lang=en'));
			assert.equal((await page.locator('h1').innerText()).trim(), 'Courses');
			await page.goBack();
			await page.locator('form.sampan-find input[name=q]').fill('bơm');
			await page.locator('form.sampan-find input[name=q]').press('Enter');
			await page.waitForURL(/\/search\?/);
			const u = new URL(page.url());
			assert.equal(u.searchParams.get('course'), COURSES.pump, 'the search is scoped to the course');
			const courses = await page.locator('ol.results .hit-course').allInnerTexts();
			assert.ok(courses.length > 0, 'the course search finds something');
			assert.equal(await page.locator('#course').inputValue(), COURSES.pump, 'the results page can widen it to every course');
			// The next lesson through the bar, in the interface language chosen.
			await page.goto(courseUrl('pump', 'lessons/02-an-toan.html?lang=th'));
			assert.equal(await page.locator('nav.sampan-bar').getAttribute('lang'), 'th');
			await page.locator('nav.sampan-bar a[rel=next]').click();
			await page.waitForURL(courseUrl('pump', 'lessons/03-bao-duong.html?lang=th'));
			assert.match(await page.locator('.sampan-pos').innerText(), /3/);
		});
		assert.deepEqual(problems, [], problems.join('\n'));
	});

	test(`${device} ${size}: the lessons opened are marked, survive a reload and go with Clear`, TIMEOUT, async () => {
		await withPage(browser, `phone progress ${device}`, { viewport }, async ({ page }) => {
			await page.goto(courseUrl('pump'));
			assert.equal(await page.locator('ol.lessons .sampan-tick').count(), 0, 'nothing opened yet');
			await page.goto(courseUrl('pump', 'lessons/01-cau-tao.html'));
			await page.goto(courseUrl('pump', 'lessons/03-bao-duong.html'));
			await page.goto(courseUrl('pump'));
			await page.reload();
			const ticked = await page.locator('ol.lessons a:has(.sampan-tick)').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
			assert.deepEqual(ticked, ['lessons/01-cau-tao.html', 'lessons/03-bao-duong.html'], 'the two lessons opened are marked');
			await page.goto(BASE);
			await page.reload();
			const line = page.locator(`li.course[data-course="${COURSES.pump}"] p.progress`);
			assert.equal((await line.innerText()).trim(), '2 of 5 lessons opened');
			assert.equal(await page.locator(`li.course[data-course="${COURSES.gem}"] p.progress`).isVisible(), false);
			const stored = await page.evaluate(() => Object.keys(localStorage));
			assert.deepEqual(stored, ['sampan.progress.1'], 'kept in the browser alone');
			await page.locator('.progress-clear button').click();
			assert.equal(await line.isVisible(), false, 'Clear takes the marks away');
			await page.reload();
			assert.equal(await line.isVisible(), false, 'and they stay gone');
			assert.equal(await page.locator('.progress-clear').isVisible(), false);
			await page.goto(courseUrl('pump'));
			assert.equal(await page.locator('ol.lessons .sampan-tick').count(), 0, 'the course is unmarked too');
		});
	});

	test(`${device} ${size}: the whole interface fits the screen's width, and axe-core finds nothing serious`, TIMEOUT, async () => {
		const problems = [];
		await withPage(browser, `phone fit ${device}`, { viewport, expectedErrors: ['/no-such-page'] }, async ({ page }) => {
			const addresses = [
				BASE,
				url('/?lang=my'),
				url('/join'),
				url('/join?lang=km'),
				url(`/search?q=pump&course=${COURSES.pump}`),
				url('/search?q=%E0%B9%84%E0%B8%9F%E0%B8%9F%E0%B9%89%E0%B8%B2&lang=th'),
				url('/no-such-page'),
				courseUrl('pump', 'lessons/02-an-toan.html?lang=lo'),
			];
			for (const address of addresses) {
				await page.goto(address);
				const wide = await sideways(page);
				if (wide) problems.push(wide);
				problems.push(...(await axeProblems(page)));
			}
			// the folded parts open
			await page.goto(BASE);
			await page.locator('.join summary').click();
			problems.push(...(await axeProblems(page)));
			await page.goto(courseUrl('gem', 'lessons/01-safety.html'));
			await page.locator('.sampan-langs summary').click();
			const wide = await sideways(page);
			if (wide) problems.push(wide);
			problems.push(...(await axeProblems(page)));
		});
		assert.deepEqual(problems, [], problems.join('\n'));
	});

	test(`${device} ${size}: the search form keeps the Course label beside its list`, TIMEOUT, async () => {
		await withPage(browser, `phone search form ${device}`, { viewport }, async ({ page }) => {
			await page.goto(url('/search?q=pump'));
			const label = await page.locator('label[for=course]').boundingBox();
			const select = await page.locator('#course').boundingBox();
			assert.ok(label.x >= 0 && label.x + label.width <= viewport.width, `the label is on screen (${label.x}+${label.width})`);
			assert.ok(select.x + select.width <= viewport.width, 'the list is on screen');
			assert.ok(Math.abs(label.y + label.height / 2 - (select.y + select.height / 2)) < 12, 'the label sits on the line of its list');
			assert.ok(select.x > label.x, 'the list follows its label');
		});
	});
}

test('a lesson prints without the bar, its folded parts folded', TIMEOUT, async () => {
	await withPage(browser, 'print', {}, async ({ page }) => {
		await page.goto(courseUrl('pump', 'lessons/02-an-toan.html'));
		await page.locator('nav.contents summary').click();
		await page.emulateMedia({ media: 'print' });
		assert.equal(await page.locator('nav.sampan-bar').isVisible(), false, 'no bar on paper');
		assert.equal(await page.locator('nav.contents ol').isVisible(), false, 'an open fold prints folded');
		assert.ok(await page.locator('main h1').isVisible(), 'the lesson itself prints');
	});
});

test('the projector page fills a 1920x1080 screen and counts devices', TIMEOUT, async () => {
	await withPage(browser, 'projector', { viewport: { width: 1920, height: 1080 } }, async ({ page }) => {
		await page.goto(url('/join'));
		const fit = await page.evaluate(() => ({
			w: document.documentElement.scrollWidth,
			h: document.documentElement.scrollHeight,
		}));
		assert.ok(fit.w <= 1920 && fit.h <= 1080, `nothing to scroll: ${fit.w}x${fit.h}`);
		const qr = await page.locator('.qr svg').boundingBox();
		assert.ok(qr.height >= 0.8 * 1080, `the QR code is as large as the screen allows (${qr.height} px high)`);
		const address = page.locator('main .url');
		const fontSize = await address.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
		assert.ok(fontSize >= 48, `the address is large (${fontSize} px)`);
		const a = await address.boundingBox();
		assert.ok(a.x + a.width <= qr.x, 'the address beside the QR code, not under it');
		assert.equal((await address.innerText()).trim(), BASE);
		// this browser is on the loopback address: this machine, not a device in the room
		assert.match(await page.locator('#devices').innerText(), /^\d+ devices? seen in the last 5 minutes$/);
		const j = await page.evaluate(() => fetch('/api/join.json').then((r) => r.json()));
		assert.equal(typeof j.devices, 'number');
		assert.deepEqual(await axeProblems(page), []);
	});
});
