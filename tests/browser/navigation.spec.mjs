// navigation.spec.mjs - a student's way through the classroom on a phone and on a
// laptop: catalog, course, lesson, next lesson and back again; the catalog in each of its
// ten interface languages, chosen by ?lang=, by the browser's language, or by the switcher.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BASE, COURSES, TIMEOUT, VIEWPORTS, courseUrl, launch, url, withPage } from './lib/classroom.mjs';

let browser;
before(async () => {
	browser = await launch();
});
after(async () => {
	await browser?.close();
});

const PUMP_TITLE = { en: 'Centrifugal pump maintenance', vi: 'Bảo dưỡng máy bơm ly tâm', th: 'การบำรุงรักษาปั๊มหอยโข่ง' };

// The catalog's heading in each interface language, in the switcher's order (player/catalog.c).
const INTERFACE = [
	['en', 'Courses'],
	['zh-Hans', '课程'],
	['th', 'รายวิชา'],
	['vi', 'Khóa học'],
	['km', 'វគ្គសិក្សា'],
	['lo', 'ຫຼັກສູດ'],
	['my', 'သင်တန်းများ'],
	['ms', 'Kursus'],
	['id', 'Kursus'],
	['fil', 'Mga kurso'],
];

async function heading(page) {
	return (await page.locator('h1').first().innerText()).trim();
}

/** A lesson's title as its tab shows it: "LESSON · COURSE". */
async function lessonTitle(page) {
	return (await page.title()).split(' · ')[0];
}

/** The page fits the screen's width: nothing to scroll sideways. */
async function assertNoSidewaysScroll(page, what) {
	const { scroll, width } = await page.evaluate(() => ({
		scroll: document.documentElement.scrollWidth,
		width: window.innerWidth,
	}));
	assert.ok(scroll <= width, `${what}: the page is ${scroll} px wide on a ${width} px screen`);
}

for (const [device, viewport] of Object.entries(VIEWPORTS)) {
	const size = `${viewport.width}x${viewport.height}`;

	test(`${device} ${size}: catalog, course, lesson, next lesson, and back`, TIMEOUT, async () => {
		await withPage(browser, `navigation ${device}`, { viewport }, async ({ page }) => {
			await page.goto(BASE);
			assert.equal(await heading(page), 'Courses', 'the catalog in English by default');
			const cards = page.locator('li.course');
			const titles = await cards.locator('h2').allInnerTexts();
			for (const want of [
				'Electrical safety for trainee electricians',
				'Introduction to gem cutting: faceting and polishing',
				PUMP_TITLE.en,
			])
				assert.ok(titles.includes(want), `the catalog lists '${want}' (it lists ${JSON.stringify(titles)})`);
			await assertNoSidewaysScroll(page, 'the catalog');

			// The course: its card's "Open course" button.
			const card = cards.filter({ hasText: PUMP_TITLE.en });
			await card.getByRole('link', { name: 'Open course' }).click();
			await page.waitForURL(courseUrl('pump'));
			assert.equal(await heading(page), PUMP_TITLE.vi, "the course's home page, in its own language");
			const lessons = page.locator('ol.lessons a');
			assert.equal(await lessons.count(), 5, 'the course lists its five lessons');
			await assertNoSidewaysScroll(page, "the course's home page");

			// The first lesson, then the next one through the pager.
			const first = (await lessons.first().innerText()).trim();
			await lessons.first().click();
			await page.waitForURL(courseUrl('pump', 'lessons/01-cau-tao.html'));
			assert.equal(await lessonTitle(page), first, 'the first lesson has the title the list gave it');
			assert.equal((await page.locator('nav.pager .pos').innerText()).trim(), 'Bài 1/5', 'the pager tells where we are');
			await assertNoSidewaysScroll(page, 'the first lesson');
			const next = page.locator('nav.pager a[rel=next]');
			const nextTitle = (await next.locator('.title').innerText()).trim();
			await next.click();
			await page.waitForURL(courseUrl('pump', 'lessons/02-an-toan.html'));
			assert.equal(await lessonTitle(page), nextTitle, 'the next lesson is the one the pager named');
			assert.equal((await page.locator('nav.pager .pos').innerText()).trim(), 'Bài 2/5');
			await assertNoSidewaysScroll(page, 'the second lesson');

			// The folded table of contents opens and marks the lesson we are on.
			await page.locator('nav.contents summary').click();
			const current = page.locator('nav.contents a[aria-current=page]');
			assert.ok(await current.isVisible(), 'the contents open and show the current lesson');
			// (its text without the player's mark of a lesson opened on this phone)
			const currentText = await current.evaluate((a) => {
				const copy = a.cloneNode(true);
				copy.querySelectorAll('.sampan-tick, .sampan-hide').forEach((el) => el.remove());
				return copy.textContent.trim();
			});
			assert.equal(currentText, nextTitle);

			// "Previous" goes back one lesson.
			await page.locator('nav.pager a[rel=prev]').click();
			await page.waitForURL(courseUrl('pump', 'lessons/01-cau-tao.html'));
			assert.equal(await lessonTitle(page), first, 'Previous returns to the first lesson');

			// The browser's Back button retraces every step.
			await page.goBack();
			await page.waitForURL(courseUrl('pump', 'lessons/02-an-toan.html'));
			assert.equal(await lessonTitle(page), nextTitle, 'Back returns to the second lesson');
			await page.goBack();
			await page.waitForURL(courseUrl('pump', 'lessons/01-cau-tao.html'));
			assert.equal(await lessonTitle(page), first, 'Back returns to the first lesson');
			await page.goBack();
			await page.waitForURL(courseUrl('pump'));
			assert.equal(await heading(page), PUMP_TITLE.vi, "Back returns to the course's home page");
			await page.goBack();
			await page.waitForURL(BASE);
			assert.equal(await heading(page), 'Courses', 'Back returns to the catalog');

			// The course's name in the header leads home from any lesson.
			await page.goto(courseUrl('pump', 'lessons/03-bao-duong.html'));
			await page.locator('header.site a.course').click();
			await page.waitForURL(courseUrl('pump', 'index.html'));
			assert.equal(await heading(page), PUMP_TITLE.vi, "the header's link leads to the course's home page");
		});
	});

	test(`${device} ${size}: the interface language, by ?lang=, by the browser's language and by the switcher`, TIMEOUT, async () => {
		// A Thai browser gets the catalog in Thai, with the course titles that have a Thai version.
		await withPage(browser, `language ${device} th`, { viewport, locale: 'th-TH' }, async ({ page }) => {
			await page.goto(BASE);
			assert.equal(await heading(page), 'รายวิชา', 'Accept-Language: th gives the Thai catalog');
			assert.equal(await page.getAttribute('html', 'lang'), 'th');
			const pump = page.locator('li.course h2', { hasText: PUMP_TITLE.th });
			assert.equal(await pump.count(), 1, "the pump course's title is shown in Thai");
			assert.equal(await pump.getAttribute('lang'), 'th', 'and marked as Thai');
			// ?lang= wins over the browser's language.
			await page.goto(url('/?lang=vi'));
			assert.equal(await heading(page), 'Khóa học', '?lang=vi gives the Vietnamese catalog');
			assert.equal(await page.getAttribute('html', 'lang'), 'vi');
			await assertNoSidewaysScroll(page, 'the catalog in Vietnamese');
		});

		// The switcher: each of the ten languages in turn, by clicking its link.
		await withPage(browser, `language ${device} switcher`, { viewport }, async ({ page }) => {
			await page.goto(BASE);
			const links = page.locator('nav.ui-lang a');
			assert.deepEqual(
				await links.evaluateAll((as) => as.map((a) => a.getAttribute('hreflang'))),
				INTERFACE.map(([tag]) => tag),
				'the switcher offers the ten interface languages',
			);
			for (const [tag, title] of [...INTERFACE.slice(1), INTERFACE[0]]) {
				await page.locator(`nav.ui-lang a[hreflang="${tag}"]`).click();
				await page.waitForURL((u) => u.searchParams.get('lang') === tag);
				assert.equal(await heading(page), title, `the switcher's ${tag} gives the catalog in ${tag}`);
				assert.equal(await page.getAttribute('html', 'lang'), tag, `the page says it is in ${tag}`);
				assert.equal(
					await page.locator('nav.ui-lang a[aria-current]').getAttribute('hreflang'),
					tag,
					`the switcher marks ${tag} as the current language`,
				);
				await assertNoSidewaysScroll(page, `the catalog in ${tag}`);
			}

			// The language filter keeps the interface language and shows only courses in it.
			await page.goto(url('/?lang=vi'));
			await page.locator('nav.filter a[lang=th]').click();
			await page.waitForURL((u) => u.searchParams.get('filter') === 'th' && u.searchParams.get('lang') === 'vi');
			assert.equal(await heading(page), 'Khóa học', 'filtering keeps the Vietnamese interface');
			const shown = await page.locator('li.course a.open').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
			assert.deepEqual(
				shown.sort(),
				[`/c/${COURSES.electrical}/`, `/c/${COURSES.pump}/`],
				'only the courses with Thai lessons are listed',
			);
		});
	});
}
