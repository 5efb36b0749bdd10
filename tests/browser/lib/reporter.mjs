// reporter.mjs - a reporter for node's test runner: one line per test, the failure's
// message under it, and the project's closing line "N passed, N failed".  A spec file
// that cannot even load is reported by node as a failed test of its own, so it counts.
import path from 'node:path';

function indent(text) {
	return String(text)
		.trimEnd()
		.split('\n')
		.map((line) => `    ${line}`)
		.join('\n');
}

function message(error) {
	// node wraps what a test threw; show what the test said.
	const e = error && error.code === 'ERR_TEST_FAILURE' && error.cause ? error.cause : error;
	if (!e) return 'failed';
	return e.message || String(e);
}

export default async function* reporter(source) {
	let passed = 0;
	let failed = 0;
	for await (const event of source) {
		const { type, data } = event;
		if (type !== 'test:pass' && type !== 'test:fail') {
			if (type === 'test:stderr' || type === 'test:stdout') yield data.message;
			continue;
		}
		// Only leaves count: a test whose subtests were reported is their sum.
		if (data.details && data.details.type === 'suite') continue;
		const file = data.file ? path.basename(data.file) : '';
		const ms = data.details ? Math.round(data.details.duration_ms) : 0;
		if (type === 'test:pass') {
			passed++;
			yield `ok   ${file}: ${data.name} (${ms} ms)\n`;
		} else {
			failed++;
			yield `FAIL ${file}: ${data.name} (${ms} ms)\n${indent(message(data.details.error))}\n`;
		}
	}
	yield `${passed} passed, ${failed} failed\n`;
}
