// lesson-markdown.spec.mjs - a real Carpentries lesson, built as it is (run.sh): on a
// 320 px phone and a laptop, its challenges are labelled boxes, its solutions are folded
// and open with a tap or the keyboard, output is labelled, the pages never scroll
// sideways, figures are shown at their own size on a laptop and scaled down (never up) to
// a phone's width; printed, the boxes stay whole.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TIMEOUT, VIEWPORTS, courseUrl, launch, withPage } from './lib/classroom.mjs';

const SMALL_PHONE = { width: 320, height: 568 };
const PAGE = 'episodes/02-filedir.html';

let browser;
before(async () => {
	browser = await launch();
});
after(async () => {
	await browser?.close();
});

async function sidewaysScroll(page) {
	return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

for (const [device, viewport] of Object.entries({ 'small phone': SMALL_PHONE, laptop: VIEWPORTS.laptop })) {
	const size = `${viewport.width}x${viewport.height}`;

	test(`${device} ${size}: challenges are boxes, solutions folded until opened, output labelled, nothing scrolls sideways`, TIMEOUT, async () => {
		await withPage(browser, `lesson markdown ${device}`, { viewport }, async ({ page }) => {
			for (const entry of ['episodes/01-intro.html', PAGE, 'episodes/04-pipefilter.html', 'episodes/05-loop.html']) {
				await page.goto(courseUrl('shell', entry));
				assert.ok((await sidewaysScroll(page)) <= 0, `${entry}: the page scrolls sideways on a ${size} screen`);
				const text = await page.locator('main').innerText();
				assert.ok(!text.includes(':::'), `${entry}: a fence shows`);
				assert.ok(!/\{(alt=|#|\.[a-z])/.test(text), `${entry}: an attribute block shows`);
			}
			await page.goto(courseUrl('shell', PAGE));
			const challenge = page.locator('div.box.challenge').first();
			assert.equal(await challenge.locator('.box-label').innerText(), 'Challenge');
			const edge = await challenge.evaluate((el) => getComputedStyle(el).borderInlineStartWidth);
			assert.equal(edge, '5px', 'a challenge has its coloured edge');

			const solution = page.locator('details.box.solution').first();
			const answer = solution.locator(':scope > :not(summary)').first();
			assert.equal(await solution.getAttribute('open'), null, 'a solution starts folded');
			assert.ok(!(await answer.isVisible()), "a folded solution's text is hidden");
			await solution.locator('summary').click();
			assert.ok(await answer.isVisible(), 'a tap on its summary shows the solution');
			await solution.locator('summary').click();
			await solution.locator('summary').focus();
			await page.keyboard.press('Enter');
			assert.ok(await answer.isVisible(), 'Enter on its summary shows the solution');

			const output = page.locator('figure.code.output').first();
			assert.equal(await output.locator('figcaption').innerText(), 'Output');
			const name = await output.evaluate((el) => el.getAttribute('aria-label') || el.querySelector('figcaption')?.textContent);
			assert.equal(name, 'Output', "output is named for a screen reader by its caption");
		});
	});

	test(`${device} ${size}: a figure drawn in millimetres keeps its size, and shrinks to a narrow screen`, TIMEOUT, async () => {
		await withPage(browser, `lesson figures ${device}`, { viewport }, async ({ page }) => {
			await page.goto(courseUrl('shell', PAGE));
			const fig = page.locator('img[src="fig/filesystem.svg"]');
			await fig.scrollIntoViewIfNeeded();
			const small = await fig.evaluate((img) => ({ w: img.clientWidth, h: img.clientHeight, column: img.parentElement.clientWidth }));
			// 54.99 mm by 29.27 mm at 96 px to the inch
			assert.equal(small.w, Math.min(208, small.column), `filesystem.svg is ${small.w} px wide`);
			assert.ok(Math.abs(small.h - (small.w * 111) / 208) <= 1, `filesystem.svg keeps its proportions (${small.w}x${small.h})`);
			const big = page.locator('img[src="fig/shell_script_for_loop_flow_chart.svg"]').first();
			await page.goto(courseUrl('shell', 'episodes/05-loop.html'));
			await big.scrollIntoViewIfNeeded();
			const b = await big.evaluate((img) => ({ w: img.clientWidth, column: img.parentElement.clientWidth }));
			assert.ok(b.w <= b.column && b.w <= 1021, `a figure wider than the screen is scaled down (${b.w} px in ${b.column} px)`);
		});
	});
}

test('printed, boxes and folded solutions keep their frame and break no page in two', TIMEOUT, async () => {
	await withPage(browser, 'lesson print', { viewport: VIEWPORTS.laptop }, async ({ page }) => {
		await page.goto(courseUrl('shell', PAGE));
		await page.emulateMedia({ media: 'print' });
		const style = await page.locator('div.box.challenge').first().evaluate((el) => getComputedStyle(el).breakInside);
		assert.equal(style, 'avoid');
		const pdf = await page.pdf({ format: 'A4' });
		assert.ok(pdf.length > 10000, 'the lesson prints');
	});
});
