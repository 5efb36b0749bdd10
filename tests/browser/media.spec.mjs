// media.spec.mjs - the pump course's video plays, seeks and shows its subtitles in two
// languages; a seek into a long video is fetched with a Range request answered 206; the
// maintenance log's download link gives the bundle's PDF byte for byte.
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { TIMEOUT, VIEWPORTS, courseUrl, extracted, launch, sha256, sha256File, withPage } from './lib/classroom.mjs';

let browser;
before(async () => {
	browser = await launch();
});
after(async () => {
	await browser?.close();
});

const VIDEO_LESSON = courseUrl('pump', 'lessons/02-an-toan.html');

/** The cues of a WebVTT file: { start, end, text } in seconds. */
function cues(file) {
	const seconds = (t) => t.split(':').reduce((acc, part) => acc * 60 + parseFloat(part), 0);
	const out = [];
	for (const block of readFileSync(file, 'utf8').split(/\r?\n\r?\n/)) {
		const lines = block.split(/\r?\n/);
		const at = lines.findIndex((l) => l.includes('-->'));
		if (at < 0) continue;
		const [start, end] = lines[at].split('-->').map((s) => seconds(s.trim().split(/\s+/)[0]));
		out.push({ start, end, text: lines.slice(at + 1).join('\n').trim() });
	}
	return out;
}

function cueAt(list, t) {
	const c = list.find((x) => x.start <= t && t < x.end);
	assert.ok(c, `the subtitles have a cue at ${t} s`);
	return c.text;
}

/** Waits until the video's currentTime passes t while playing; returns it. */
async function playsPast(video, t, what) {
	try {
		await video.page().waitForFunction(
			([v, limit]) => !v.paused && v.currentTime > limit,
			[await video.elementHandle(), t],
			{ timeout: 20_000 },
		);
	} catch {
		const state = await video.evaluate((v) => ({ t: v.currentTime, paused: v.paused, error: v.error && v.error.message }));
		assert.fail(`${what}: the video did not play past ${t} s (now at ${state.t} s, paused ${state.paused}, error ${state.error})`);
	}
	return video.evaluate((v) => v.currentTime);
}

async function seek(video, t) {
	await video.evaluate(
		(v, to) =>
			new Promise((resolve, reject) => {
				const timer = setTimeout(() => reject(new Error(`no 'seeked' event after seeking to ${to} s`)), 15_000);
				v.addEventListener('seeked', () => (clearTimeout(timer), resolve()), { once: true });
				v.currentTime = to;
			}),
		t,
	);
}

/** The cue text a track shows now, once its file has loaded. */
async function showing(video, index) {
	return video.evaluate(async (v, i) => {
		const track = v.querySelectorAll('track')[i];
		if (track.readyState !== 2)
			await new Promise((resolve, reject) => {
				track.addEventListener('load', resolve, { once: true });
				track.addEventListener('error', () => reject(new Error(`subtitles '${track.src}' did not load`)), { once: true });
			});
		// activeCues follow currentTime on the next time update.
		await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
		const cues = v.textTracks[i].activeCues;
		return cues && cues.length ? cues[0].text : null;
	}, index);
}

test('the sample video plays, from a Range request answered 206', TIMEOUT, async () => {
	await withPage(browser, 'video plays', {}, async ({ page, rec }) => {
		await page.goto(VIDEO_LESSON);
		const video = page.locator('video');
		await video.scrollIntoViewIfNeeded();
		await page.waitForFunction((v) => v.readyState >= 1, await video.elementHandle());
		assert.equal(Math.round(await video.evaluate((v) => v.duration)), 16, 'the video lasts 16 s');
		const [w, h] = await video.evaluate((v) => [v.videoWidth, v.videoHeight]);
		assert.deepEqual([w, h], [640, 360], 'the browser decodes the 640x360 picture');
		await video.evaluate((v) => v.play());
		const t = await playsPast(video, 1.5, 'the sample video');
		assert.ok(t > 1.5, `time advances (${t} s)`);

		const size = statSync(extracted('media/pump.mp4')).size;
		const fetched = rec.to('media/pump.mp4');
		assert.ok(fetched.length >= 1, 'the browser fetched the video');
		for (const f of fetched) {
			assert.match(f.range, /^bytes=\d+-\d*$/, `the video is asked for by Range (${f.range || 'no Range header'})`);
			assert.equal(f.status, 206, `a Range request for the video is answered 206, not ${f.status}`);
			const start = Number(f.range.slice(6).split('-')[0]);
			assert.match(
				f.headers['content-range'] || '',
				new RegExp(`^bytes ${start}-\\d+/${size}$`),
				`Content-Range names the bytes asked for and the whole size, ${size}`,
			);
		}
	});
});

test('seeking to the middle of the sample video plays from there, with the subtitle of that moment', TIMEOUT, async () => {
	await withPage(browser, 'video seeks', { viewport: VIEWPORTS.laptop }, async ({ page }) => {
		await page.goto(VIDEO_LESSON);
		const video = page.locator('video');
		await page.waitForFunction((v) => v.readyState >= 1, await video.elementHandle());
		await seek(video, 8.5);
		const at = await video.evaluate((v) => v.currentTime);
		assert.ok(Math.abs(at - 8.5) < 0.1, `the video is at 8.5 s after the seek (${at} s)`);
		assert.equal(await showing(video, 0), cueAt(cues(extracted('media/pump.vi.vtt')), 8.5), 'the Vietnamese subtitle of 8.5 s shows');
		await video.evaluate((v) => v.play());
		const t = await playsPast(video, 9.5, 'after the seek');
		assert.ok(t < 12, `it plays on from the middle, not from elsewhere (${t} s)`);
	});
});

test('subtitles in Vietnamese and English are listed, and switch', TIMEOUT, async () => {
	await withPage(browser, 'subtitles', {}, async ({ page, rec }) => {
		await page.goto(VIDEO_LESSON);
		const video = page.locator('video');
		await page.waitForFunction((v) => v.readyState >= 1, await video.elementHandle());
		const tracks = await video.evaluate((v) =>
			[...v.textTracks].map((t) => ({ kind: t.kind, language: t.language, label: t.label, mode: t.mode })),
		);
		assert.deepEqual(
			tracks,
			[
				{ kind: 'subtitles', language: 'vi', label: 'Tiếng Việt', mode: 'showing' },
				{ kind: 'subtitles', language: 'en', label: 'English', mode: 'disabled' },
			],
			'two subtitle tracks, named in their own languages, the course language shown first',
		);
		await seek(video, 4.5);
		const vi = cues(extracted('media/pump.vi.vtt'));
		const en = cues(extracted('media/pump.en.vtt'));
		assert.equal(await showing(video, 0), cueAt(vi, 4.5), 'the Vietnamese subtitle shows');

		// Switch to English, as the player's captions menu does.
		await video.evaluate((v) => {
			v.textTracks[0].mode = 'disabled';
			v.textTracks[1].mode = 'showing';
		});
		assert.equal(await showing(video, 1), cueAt(en, 4.5), 'after the switch the English subtitle shows');
		assert.equal(
			await video.evaluate((v) => [...v.textTracks].filter((t) => t.mode === 'showing').length),
			1,
			'one language at a time',
		);
		const vtt = rec.to('media/pump.en.vtt');
		assert.ok(vtt.length >= 1 && vtt.every((r) => r.status === 200), 'the English subtitles came from the player (200)');
		await seek(video, 12.5);
		assert.equal(await showing(video, 1), cueAt(en, 12.5), 'and follow the video');
	});
});

test('seeking to the middle of a long video fetches the middle with a Range request answered 206', TIMEOUT, async () => {
	await withPage(browser, 'long video', {}, async ({ page, rec }) => {
		await page.goto(courseUrl('long', 'lessons/01-video.html'));
		const video = page.locator('video');
		await page.waitForFunction((v) => v.readyState >= 1, await video.elementHandle());
		const duration = await video.evaluate((v) => v.duration);
		assert.equal(Math.round(duration), 60, 'the long video lasts a minute');
		await video.evaluate((v) => v.play());
		await playsPast(video, 0.5, 'the long video');
		const before = rec.to('media/long.mp4').length;
		const first = rec.to('media/long.mp4')[0];
		const size = Number((first.headers['content-range'] || '').split('/')[1]);
		assert.ok(size > 20e6, `the first answer's Content-Range gives the whole size (${first.headers['content-range']})`);

		await seek(video, duration / 2);
		const t = await playsPast(video, duration / 2 + 1, 'after seeking to the middle');
		assert.ok(t < duration / 2 + 10, `it plays on from the middle (${t} s)`);
		const later = rec.to('media/long.mp4').slice(before);
		const mid = later.find((r) => /^bytes=[1-9]\d*-/.test(r.range));
		assert.ok(
			mid,
			`the seek made a Range request into the file (requests after the seek: ${JSON.stringify(later.map((r) => r.range))})`,
		);
		const start = Number(mid.range.slice(6).split('-')[0]);
		assert.ok(start > size / 4 && start < (size * 3) / 4, `the Range starts near the middle: byte ${start} of ${size}`);
		assert.equal(mid.status, 206, `the Range request is answered 206, not ${mid.status}`);
		assert.match(mid.headers['content-range'] || '', new RegExp(`^bytes ${start}-\\d+/${size}$`), 'with its Content-Range');
	});
});

test('the PDF link downloads the bundle\'s file intact', TIMEOUT, async () => {
	await withPage(browser, 'pdf download', {}, async ({ page }) => {
		await page.goto(courseUrl('pump', 'lessons/03-bao-duong.html'));
		const link = page.locator('main a[href$="maintenance-log.pdf"]').first();
		assert.equal(await link.getAttribute('download'), '', 'the link is a download link');
		const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
		assert.equal(download.suggestedFilename(), 'maintenance-log.pdf', 'saved under its own name');
		const file = await download.path();
		assert.ok(file, `the download finished (${await download.failure()})`);
		const bytes = readFileSync(file);
		assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-', 'the file is a PDF');
		assert.equal(sha256(bytes), sha256File(extracted('media/maintenance-log.pdf')), 'its SHA-256 is the bundle entry\'s');
	});
});
