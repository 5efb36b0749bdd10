// screenshots.mjs - the README's pictures of the classroom, taken in headless Chromium from
// the sample courses and the Carpentries lesson served by run.sh (`make screenshots`), into
// docs/screenshots/.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { BASE, courseUrl, launch, withPage } from './lib/classroom.mjs';

const dir = path.join(process.env.SAMPAN_TOP || '.', 'docs', 'screenshots');
mkdirSync(dir, { recursive: true });
// A phone's screen is sharp: two device pixels to a CSS pixel.
const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 };

const browser = await launch();
try {
	// The catalog as a student's phone shows it.
	await withPage(browser, 'screenshot catalog', phone, async ({ page }) => {
		await page.goto(BASE);
		await page.evaluate(() => document.fonts.ready.then(() => true));
		// A student who opened three lessons of the first course and passed the third one's
		// quiz: the first screen, as the phone shows it.
		await page.goto(courseUrl('electrical', 'lessons/01-hazards.html'));
		await page.goto(courseUrl('electrical', 'lessons/02-ppe-and-tools.html'));
		await page.goto(courseUrl('electrical', 'lessons/03-safe-isolation.html'));
		const exactly = (text) => new RegExp(`^\\s*${text}\\s*$`);
		const choose = (n, text) => page.locator(`section.quiz fieldset#quiz-1-q${n} .choices label`, { hasText: exactly(text) }).click();
		await choose(1, 'ทดสอบ–วัด–ทดสอบ');
		for (const pair of ['L–N', 'L–E', 'N–E']) await choose(2, pair);
		await choose(3, 'ผิด');
		await page.locator('section.quiz fieldset#quiz-1-q4 input[type=text]').fill('จุดเดิม');
		await page.locator('section.quiz fieldset#quiz-1-q4 input[type=text]').press('Enter');
		await page.waitForFunction(() => /4\D+4/.test(document.querySelector('section.quiz p.score').textContent));
		await page.goto(BASE);
		await page.evaluate(() => document.fonts.ready.then(() => true));
		await page.screenshot({ path: path.join(dir, 'catalog-phone.png') });
	});

	// The pump course's video lesson, playing step 2 with its Vietnamese subtitle.
	await withPage(browser, 'screenshot lesson', phone, async ({ page }) => {
		await page.goto(courseUrl('pump', 'lessons/02-an-toan.html'));
		const video = page.locator('video');
		// The heading above the video, the video and its caption in one screen.
		await page.evaluate(() => {
			const figure = document.querySelector('figure.media') || document.querySelector('video');
			window.scrollTo(0, figure.getBoundingClientRect().top + window.scrollY - 200);
		});
		await page.waitForFunction((v) => v.readyState >= 1, await video.elementHandle());
		// Played from 5.5 s, so that the controls have faded by 9 s, as they do for a student.
		await video.evaluate((v) => {
			v.currentTime = 5.5;
			return v.play();
		});
		await page.waitForFunction((v) => v.currentTime >= 9.2, await video.elementHandle(), { timeout: 20_000 });
		await page.screenshot({ path: path.join(dir, 'lesson-video-phone.png') });
	});

	// A Carpentries lesson as it is: a challenge, its folded solution, a command and its
	// output, a figure.
	await withPage(browser, 'screenshot carpentries', phone, async ({ page }) => {
		await page.goto(courseUrl('shell', 'episodes/04-pipefilter.html'));
		await page.evaluate(() => document.fonts.ready.then(() => true));
		// The pipeline's last command and its output, the figure, the challenge and its
		// folded solution: the figure loaded first (pictures load as they come on screen).
		const fig = page.locator('img[src="fig/redirects-and-pipes.svg"]');
		await fig.scrollIntoViewIfNeeded();
		await page.waitForFunction((img) => img.complete && img.naturalWidth > 0, await fig.elementHandle());
		const top = await page.evaluate(() => {
			const cmd = [...document.querySelectorAll('pre code.language-bash')].find((c) => c.textContent.includes('| sort -n | head -n 1'));
			return cmd.closest('pre').getBoundingClientRect().top + window.scrollY - 12;
		});
		await page.screenshot({ path: path.join(dir, 'carpentries-phone.png'), fullPage: true, clip: { x: 0, y: top, width: phone.viewport.width, height: 1400 } });
	});

	// A lesson with the player's bar: the way back, its place in the course, search, the language.
	await withPage(browser, 'screenshot chrome', phone, async ({ page }) => {
		await page.goto(courseUrl('electrical', 'lessons/03-safe-isolation.html'));
		await page.evaluate(() => document.fonts.ready.then(() => true));
		await page.screenshot({ path: path.join(dir, 'lesson-chrome-phone.png') });
	});

	// A lesson and its self-check quiz on a Thai phone: the player's bar at the top, and,
	// further down the same page, the quiz's first question answered wrong, then right, with
	// the verdict and the key's feedback unfolded.  One phone screen of two parts of the
	// page, the fold between them drawn as a hatched band.
	await withPage(browser, 'screenshot quiz', { ...phone, locale: 'th-TH' }, async ({ page, context }) => {
		await page.goto(courseUrl('electrical', 'lessons/03-safe-isolation.html'));
		await page.evaluate(() => document.fonts.ready.then(() => true));
		const first = page.locator('section.quiz fieldset#quiz-1-q1');
		await first.locator('.choices label', { hasText: 'ล็อกและติดป้าย' }).click();
		await first.locator('.choices label', { hasText: 'ทดสอบ–วัด–ทดสอบ' }).click();
		await first.locator('details.answer > summary').click();
		await first.locator('p.verdict').waitFor();
		await page.mouse.click(1, 1); // no focus ring left on the key
		const box = (selector) =>
			page.locator(selector).evaluate((e) => {
				const r = e.getBoundingClientRect();
				return { top: r.top + window.scrollY, bottom: r.bottom + window.scrollY };
			});
		const { width, height } = phone.viewport;
		const fold = 28;
		const top = (await box('nav.contents')).bottom; // the bar, the course's name, the folded contents
		const quiz = (await box('section.quiz')).top - 16;
		const part = async (y, h) => (await page.screenshot({ fullPage: true, clip: { x: 0, y, width, height: h } })).toString('base64');
		const above = await part(0, top);
		const below = await part(quiz, height - top - fold);
		const sheet = await context.newPage(); // about:blank: the two parts, one above the other
		await sheet.setContent(
			`<body style="margin:0"><img style="display:block;width:${width}px" src="data:image/png;base64,${above}">` +
				`<div style="height:${fold}px;box-sizing:border-box;border-block:1px solid #9ca3af;` +
				`background:repeating-linear-gradient(135deg,#e5e7eb 0 6px,#f3f4f6 6px 12px)"></div>` +
				`<img style="display:block;width:${width}px" src="data:image/png;base64,${below}"></body>`,
		);
		await sheet.screenshot({ path: path.join(dir, 'lesson-quiz-phone.png') });
	});

	// The projector page on a 1920x1080 screen, for the wall.
	await withPage(browser, 'screenshot projector', { viewport: { width: 1920, height: 1080 } }, async ({ page }) => {
		await page.goto(new URL('join', BASE).href);
		await page.evaluate(() => document.fonts.ready.then(() => true));
		await page.screenshot({ path: path.join(dir, 'projector.png') });
	});

	// Search results for a Thai word, in a Thai interface, waiting for the index first.
	for (let i = 0; i < 200; i++) {
		const d = await (await fetch(new URL('api/search.json?q=x', BASE))).json();
		if (d.courses > 0 && d.indexed === d.courses) break;
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	await withPage(browser, 'screenshot search', { ...phone, locale: 'th-TH' }, async ({ page }) => {
		await page.goto(new URL(`search?q=${encodeURIComponent('ไฟฟ้า')}&lang=th`, BASE).href);
		await page.evaluate(() => document.fonts.ready.then(() => true));
		await page.screenshot({ path: path.join(dir, 'search-phone.png'), fullPage: true, clip: { x: 0, y: 0, width: 390, height: 1280 } });
	});
} finally {
	await browser.close();
}
console.log('screenshots: docs/screenshots/catalog-phone.png, lesson-chrome-phone.png, lesson-quiz-phone.png, lesson-video-phone.png, carpentries-phone.png, search-phone.png and projector.png');
