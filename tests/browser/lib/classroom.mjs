// classroom.mjs - what every browser spec shares: the served library (started by run.sh),
// Debian's Chromium through playwright-core, and withPage(), which opens a fresh browser
// context, records every request it makes, and fails the test when one of them left the
// player's origin, broke the Content-Security-Policy, or was answered with an error.
import { createHash } from 'node:crypto';
import { appendFileSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium } from 'playwright-core';

function required(name) {
	const value = process.env[name];
	if (!value) throw new Error(`${name} is not set: run the browser tests with make test-browser`);
	return value;
}

/** The served classroom, e.g. "http://127.0.0.1:41234/". */
export const BASE = required('SAMPAN_URL');
export const ORIGIN = new URL(BASE).origin;
/** The files of the pump course's bundle, extracted and verified by sampan-play extract. */
export const EXTRACT = process.env.SAMPAN_EXTRACT || '';
const OUT = required('SAMPAN_OUT');

export const VIEWPORTS = {
	phone: { width: 360, height: 640 },
	laptop: { width: 1280, height: 800 },
};

/** The two phone sizes the phone-first pages are checked at. */
export const PHONES = {
	'phone 390x844': { width: 390, height: 844 },
	'small phone 320x640': { width: 320, height: 640 },
};

/** Question n of a lesson's first quiz. */
export function quizQuestion(page, n) {
	return page.locator(`section.quiz fieldset#quiz-1-q${n}`);
}

/** The sample courses' ids (samples/) and the tests' own (tests/browser/fixtures/). */
export const COURSES = {
	electrical: 'org.sampan.samples.electrical-safety',
	pump: 'org.sampan.samples.pump-maintenance',
	gem: 'org.sampan.samples.gem-processing',
	long: 'org.sampan.tests.long-video',
	shell: 'org.sampan.tests.shell-novice',
};

/** An address on the player: url('/c/ID/') */
export function url(pathname) {
	return new URL(pathname, BASE).href;
}

/** The course's page or file: courseUrl('pump', 'lessons/02-an-toan.html') */
export function courseUrl(course, entry = '') {
	return url(`/c/${COURSES[course] || course}/${entry}`);
}

/** The path of an entry of the pump course's bundle as extracted. */
export function extracted(entry) {
	if (!EXTRACT) throw new Error('SAMPAN_EXTRACT is not set: run the tests with make test-browser');
	return path.join(EXTRACT, 'pump-maintenance', entry);
}

export function sha256(bytes) {
	return createHash('sha256').update(bytes).digest('hex');
}

export function sha256File(file) {
	return sha256(readFileSync(file));
}

/** One test's timeout: generous for a 2-core machine, short of hanging CI. */
export const TIMEOUT = { timeout: 90_000 };

/** axe-core's script, for a page to evaluate. */
export const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical violations on the page, one line each. */
export async function axeProblems(page) {
	await page.evaluate(AXE); // evaluated, not injected: the player's CSP allows no inline script
	const result = await page.evaluate(() => axe.run(document, { resultTypes: ['violations'] }));
	return result.violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map((v) => `${page.url()}: ${v.id} (${v.impact}): ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`);
}

/**
 * Debian's Chromium, headless.  Host names other than the loopback address resolve to
 * nothing, so whatever the browser itself would fetch (its updater, its account checks)
 * never leaves the machine; the pages' own requests are checked by withPage().
 */
export async function launch() {
	return chromium.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		args: [
			'--autoplay-policy=no-user-gesture-required',
			'--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
			'--disable-component-update',
			'--disable-sync',
			'--no-first-run',
		],
	});
}

function leaves(address) {
	const u = new URL(address);
	if (u.protocol === 'data:' || u.protocol === 'blob:') return false; // never on the network
	return u.origin !== ORIGIN;
}

/**
 * Every request of one browser context, with its answer: entries of
 * { url, method, type, range, status, headers, failure, request }.
 */
export class Recorder {
	constructor(context, name, expectedErrors = []) {
		this.name = name;
		this.expectedErrors = expectedErrors;
		this.entries = [];
		this.cspViolations = [];
		this.pageErrors = [];
		const byRequest = new Map();
		context.on('request', (r) => {
			const headers = r.headers();
			const entry = {
				url: r.url(),
				method: r.method(),
				type: r.resourceType(),
				range: headers.range || '',
				status: 0,
				headers: {},
				failure: '',
				request: r,
			};
			byRequest.set(r, entry);
			this.entries.push(entry);
		});
		context.on('response', (res) => {
			const entry = byRequest.get(res.request());
			if (!entry) return;
			entry.status = res.status();
			entry.headers = res.headers();
		});
		context.on('requestfailed', (r) => {
			const entry = byRequest.get(r);
			if (entry) entry.failure = (r.failure() && r.failure().errorText) || 'failed';
		});
		context.on('console', (msg) => {
			if (/Content[- ]Security[- ]Policy/i.test(msg.text())) this.cspViolations.push(msg.text());
		});
		context.on('weberror', (e) => this.pageErrors.push(String(e.error())));
	}

	/** The entries whose address ends with suffix (e.g. 'media/pump.mp4'). */
	to(suffix) {
		return this.entries.filter((e) => new URL(e.url).pathname.endsWith(suffix));
	}

	/** What went wrong, one line each: requests off the origin, error answers, CSP violations, page errors. */
	problems() {
		const out = [];
		for (const e of this.entries) {
			if (leaves(e.url)) out.push(`a request left the player's origin ${ORIGIN}: ${e.method} ${e.url}`);
			else if (e.status >= 400 && !this.expectedErrors.includes(new URL(e.url).pathname))
				out.push(`${e.method} ${e.url} was answered ${e.status}`);
		}
		for (const v of this.cspViolations) out.push(`Content-Security-Policy violation: ${v}`);
		for (const v of this.pageErrors) out.push(`error in the page: ${v}`);
		return out;
	}

	/** One line per request into build/browser/requests.log. */
	log() {
		const lines = this.entries.map(
			(e) =>
				`${this.name}\t${e.method}\t${e.status || e.failure || 'no answer'}\t${e.range ? `[${e.range}] ` : ''}${e.url}\n`,
		);
		if (lines.length) appendFileSync(path.join(OUT, 'requests.log'), lines.join(''));
	}
}

/**
 * Runs fn({ page, context, rec }) in a new context of browser, then fails when a request
 * left the origin, was refused by the Content-Security-Policy, or got an error status
 * (but for the paths in options.expectedErrors).  The other options are Playwright's for
 * a context; the default viewport is the phone's, the locale en-US.  name labels the
 * requests in requests.log.
 */
export async function withPage(browser, name, options, fn) {
	const { expectedErrors = [], ...contextOptions } = options;
	const context = await browser.newContext({
		viewport: VIEWPORTS.phone,
		locale: 'en-US',
		acceptDownloads: true,
		...contextOptions,
	});
	context.setDefaultTimeout(15_000);
	const rec = new Recorder(context, name, expectedErrors);
	let problems = [];
	try {
		const page = await context.newPage();
		await fn({ page, context, rec });
	} finally {
		// Let answers still under way arrive before they are judged.
		await new Promise((resolve) => setTimeout(resolve, 100));
		problems = rec.problems();
		rec.log();
		await context.close();
	}
	if (problems.length) throw new Error(`${name}:\n${problems.join('\n')}`);
	return rec;
}

/**
 * The focused element as a keyboard user sees it: what it is, whether it is on screen,
 * and what shows its focus (an outline of 2 px or more, or a box shadow; '' for none).
 */
export async function focused(page) {
	return page.evaluate(() => {
		const el = document.activeElement;
		if (!el || el === document.body || el === document.documentElement) return null;
		const cs = getComputedStyle(el);
		const r = el.getBoundingClientRect();
		const outline =
			cs.outlineStyle !== 'none' &&
			parseFloat(cs.outlineWidth) >= 2 &&
			!/^rgba\(\d+, \d+, \d+, 0\)$|^transparent$/.test(cs.outlineColor);
		const shadow = cs.boxShadow && cs.boxShadow !== 'none';
		return {
			tag: el.tagName.toLowerCase(),
			href: el.getAttribute('href'),
			absHref: el.href || null,
			text: (el.innerText || el.getAttribute('aria-label') || '').trim().replace(/\s+/g, ' '),
			onScreen: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth,
			indicator: outline || shadow ? `${cs.outlineStyle} ${cs.outlineWidth} ${cs.outlineColor}` : '',
		};
	});
}

/** Presses Tab until focus comes back round (or max presses); the focused elements in order. */
export async function tabThrough(page, max = 120) {
	const seen = [];
	for (let i = 0; i < max; i++) {
		await page.keyboard.press('Tab');
		const f = await focused(page);
		if (!f) {
			if (seen.length) break; // past the last element
			continue;
		}
		if (seen.length && f.absHref && f.absHref === seen[0].absHref && f.text === seen[0].text) break;
		seen.push(f);
	}
	return seen;
}

/** Presses Tab until the focused element matches (f) => boolean; fails naming what was focused. */
export async function tabTo(page, matches, what, max = 60) {
	const seen = [];
	for (let i = 0; i < max; i++) {
		await page.keyboard.press('Tab');
		const f = await focused(page);
		if (f && matches(f)) return f;
		seen.push(f ? `${f.tag} ${f.href || ''} '${f.text}'` : '(nothing)');
	}
	throw new Error(`Tab never reached ${what}; it went through: ${seen.join(', ')}`);
}

/**
 * Bytes transferred for a page: headers and (compressed) bodies of every answer but the
 * audio and video ones, as the browser counted them.
 */
export async function transferred(rec) {
	let total = 0;
	const parts = [];
	for (const e of rec.entries) {
		if (e.type === 'media') continue;
		const s = await e.request.sizes();
		const n = s.responseHeadersSize + s.responseBodySize;
		total += n;
		parts.push(`${n} ${new URL(e.url).pathname}`);
	}
	return { total, parts };
}
