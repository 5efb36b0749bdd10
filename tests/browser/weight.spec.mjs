// weight.spec.mjs - what a phone pays for a page on the classroom's network: the catalog,
// the projector page, and every page of every sample course, each with all its pictures but without its audio
// and video, under 100 KB transferred (a fresh browser each, so nothing comes from cache).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BASE, TIMEOUT, courseUrl, launch, transferred, url, withPage } from './lib/classroom.mjs';

const BUDGET = 100 * 1024;
const SAMPLES = ['electrical', 'pump', 'gem'];

let browser;
before(async () => {
	browser = await launch();
});
after(async () => {
	await browser?.close();
});

/** The bytes a fresh browser transfers for the page, every picture loaded; the fonts it fetched. */
async function weigh(address) {
	let total = 0;
	let parts = [];
	let fonts = [];
	await withPage(browser, `weight ${new URL(address).pathname}`, {}, async ({ page, rec }) => {
		await page.goto(address);
		// Pictures further down load as the student scrolls: count them all.
		await page.evaluate(() => document.querySelectorAll('img[loading=lazy]').forEach((img) => (img.loading = 'eager')));
		await page.waitForFunction(() => [...document.images].every((img) => img.complete));
		await page.evaluate(() => document.fonts.ready.then(() => true));
		({ total, parts } = await transferred(rec));
		fonts = rec.entries.filter((e) => e.type === 'font').map((e) => e.url);
	});
	return { address, total, parts, fonts };
}

function overBudget(results) {
	return results
		.filter((r) => r.total >= BUDGET)
		.map((r) => `${r.address}: ${r.total} bytes (${r.parts.join(', ')})`);
}

test('the catalog and the projector page, in English and in the languages with their own scripts, are under 100 KB', TIMEOUT, async () => {
	const results = [];
	for (const address of [BASE, url('/?lang=th'), url('/?lang=km'), url('/?lang=lo'), url('/?lang=my'), url('/?lang=zh-Hans'), url('/join'), url('/join?lang=my')])
		results.push(await weigh(address));
	assert.deepEqual(overBudget(results), [], 'over 100 KB');
	assert.ok(results.every((r) => r.total > 1000), 'every page was weighed');
});

test('every page of every sample course is under 100 KB without its audio and video', TIMEOUT, async () => {
	const pages = [];
	await withPage(browser, 'weight: the courses\' pages', {}, async ({ page }) => {
		for (const course of SAMPLES) {
			await page.goto(courseUrl(course));
			pages.push(courseUrl(course), ...(await page.locator('ol.lessons a').evaluateAll((as) => as.map((a) => a.href))));
		}
	});
	assert.ok(pages.length >= 18, `the three courses list their pages (${pages.length})`);
	const results = [];
	for (const address of pages) results.push(await weigh(address));
	assert.deepEqual(overBudget(results), [], 'over 100 KB');

	// Khmer and Burmese pages offer the player's Noto fonts; a browser that has them, as
	// this one does (Debian's fonts-noto-core), must use its own and fetch none.
	const fetched = results.flatMap((r) => r.fonts.map((f) => `${r.address}: ${f}`));
	assert.deepEqual(fetched, [], 'a browser with the fonts installed downloaded fonts');
});
