// a11y.spec.mjs - accessibility: axe-core finds no serious or critical violation on the
// catalog and on every page of every sample course, in light and dark colours; every page
// is usable by keyboard alone (Tab reaches every link, focus is visible, Enter follows).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BASE, COURSES, TIMEOUT, VIEWPORTS, axeProblems, courseUrl, focused, launch, tabThrough, tabTo, url, withPage } from './lib/classroom.mjs';

const SAMPLES = ['electrical', 'pump', 'gem', 'shell'];

let browser;
before(async () => {
	browser = await launch();
});
after(async () => {
	await browser?.close();
});

/** The course's home page and every lesson it lists. */
async function coursePages(page, course) {
	await page.goto(courseUrl(course));
	const lessons = await page.locator('ol.lessons a').evaluateAll((as) => as.map((a) => a.href));
	assert.ok(lessons.length > 0, `${course}: its home page lists lessons`);
	return [courseUrl(course), ...lessons];
}

for (const [device, viewport] of Object.entries(VIEWPORTS)) {
	const size = `${viewport.width}x${viewport.height}`;
	// The phone in light colours, the laptop in dark: both palettes are checked.
	const colorScheme = device === 'phone' ? 'light' : 'dark';

	test(`${device} ${size}, ${colorScheme}: axe-core finds no serious or critical violation on the catalog`, TIMEOUT, async () => {
		const problems = [];
		await withPage(browser, `axe catalog ${device}`, { viewport, colorScheme, expectedErrors: ['/no-such-page'] }, async ({ page }) => {
			for (const address of [BASE, url('/?lang=km'), url('/?lang=my&filter=my'), url('/no-such-page')]) {
				await page.goto(address);
				problems.push(...(await axeProblems(page)));
			}
		});
		assert.deepEqual(problems, [], `violations:\n${problems.join('\n')}`);
	});

	test(`${device} ${size}, ${colorScheme}: axe-core finds no serious or critical violation on any page of the sample courses`, TIMEOUT, async () => {
		const problems = [];
		let checked = 0;
		await withPage(browser, `axe courses ${device}`, { viewport, colorScheme }, async ({ page }) => {
			for (const course of SAMPLES) {
				for (const address of await coursePages(page, course)) {
					await page.goto(address);
					problems.push(...(await axeProblems(page)));
					checked++;
				}
			}
		});
		assert.ok(checked >= 18, `every page was checked (${checked})`);
		assert.deepEqual(problems, [], `violations:\n${problems.join('\n')}`);
	});

	test(`${device} ${size}: Tab reaches every link of the catalog, a course and its lessons, with the focus visible`, TIMEOUT, async () => {
		const problems = [];
		await withPage(browser, `keyboard tour ${device}`, { viewport }, async ({ page }) => {
			const pages = [BASE, courseUrl('pump'), courseUrl('pump', 'lessons/02-an-toan.html'), courseUrl('pump', 'lessons/03-bao-duong.html'), courseUrl('gem', 'lessons/01-safety.html')];
			for (const address of pages) {
				await page.goto(address);
				const path = new URL(address).pathname;
				const order = await tabThrough(page);
				// Links a sighted user can see (the folded contents are opened by their summary).
				const links = await page.locator('a[href]').evaluateAll((as) =>
					as
						.filter((a) => a.getClientRects().length > 0 && !a.closest('details:not([open])'))
						.map((a) => `${a.getAttribute('href')} '${(a.innerText || '').trim().replace(/\s+/g, ' ')}'`),
				);
				const reached = new Set(order.filter((f) => f.tag === 'a').map((f) => `${f.href} '${f.text}'`));
				for (const link of links) if (!reached.has(link)) problems.push(`${path}: Tab never reaches the link ${link}`);
				let media = '';
				for (const f of order) {
					// Inside <video controls> focus moves between the browser's own buttons,
					// which draw their own ring; the element's ring is checked on entry.
					const inside = (f.tag === 'video' || f.tag === 'audio') && media === f.tag;
					media = f.tag === 'video' || f.tag === 'audio' ? f.tag : '';
					if (inside) continue;
					if (!f.indicator) problems.push(`${path}: no visible focus on ${f.tag} ${f.href || ''} '${f.text}'`);
					if (!f.onScreen) problems.push(`${path}: the focused ${f.tag} ${f.href || ''} '${f.text}' is off the screen`);
				}
			}
		});
		assert.deepEqual(problems, [], problems.join('\n'));
	});

	test(`${device} ${size}: from the catalog to the next lesson and its video with the keyboard alone`, TIMEOUT, async () => {
		await withPage(browser, `keyboard path ${device}`, { viewport }, async ({ page }) => {
			await page.goto(BASE);
			const pump = `/c/${COURSES.pump}/`;
			await tabTo(page, (f) => f.href === pump && f.text === 'Open course', "the pump course's Open course button");
			await page.keyboard.press('Enter');
			await page.waitForURL(courseUrl('pump'));

			// The skip link comes first, shows when focused, and skips to the text.
			const skip = await tabTo(page, () => true, 'anything');
			assert.equal(skip.href, '#main', 'the first Tab on a course page reaches "skip to content"');
			assert.ok(skip.onScreen, 'the skip link shows when focused');
			await page.keyboard.press('Enter');
			const first = await tabTo(page, (f) => f.tag === 'a', 'a link');
			assert.equal(first.href, 'lessons/01-cau-tao.html', 'after skipping, Tab goes to the first lesson, past the header');
			await page.keyboard.press('Enter');
			await page.waitForURL(courseUrl('pump', 'lessons/01-cau-tao.html'));

			// The folded contents open from the keyboard, and their links are then reachable.
			const contents = (await page.locator('nav.contents summary').innerText()).trim();
			await tabTo(page, (f) => f.tag === 'summary' && f.text === contents, 'the contents');
			await page.keyboard.press('Enter');
			assert.equal(await page.locator('nav.contents details').getAttribute('open'), '', 'Enter opens the contents');
			const listed = await tabTo(page, () => true, 'anything');
			assert.equal(listed.href, '01-cau-tao.html', "the next Tab goes into the contents' list");

			await tabTo(page, (f) => f.href === '02-an-toan.html' && f.text.includes('→'), 'the pager\'s next-lesson link');
			await page.keyboard.press('Enter');
			await page.waitForURL(courseUrl('pump', 'lessons/02-an-toan.html'));

			// The video's controls: Enter plays, Space pauses.
			await tabTo(page, (f) => f.tag === 'video', 'the video');
			await page.keyboard.press('Enter');
			await page.waitForFunction(() => document.querySelector('video').currentTime > 0.5, null, { timeout: 15_000 });
			await page.keyboard.press('Space');
			await page.waitForFunction(() => document.querySelector('video').paused);
			assert.ok((await focused(page)).tag === 'video', 'focus stays on the video');
		});
	});
}

test('the QR code on the catalog is named by the address it shows', TIMEOUT, async () => {
	await withPage(browser, 'qr label', {}, async ({ page }) => {
		await page.goto(BASE);
		await page.locator('.join summary').click(); // folded: one tap away on a phone
		const shown = (await page.locator('.url').innerText()).trim();
		assert.equal(shown, BASE, 'the catalog shows the address it is served at');
		const qr = page.getByRole('img', { name: shown });
		assert.equal(await qr.count(), 1, `the QR code's accessible name is the address (${await page.locator('.qr svg').getAttribute('aria-label')})`);
	});
});
