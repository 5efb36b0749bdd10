#!/bin/bash
# run.sh - the classroom in a real browser.  Builds the sample courses (and, for the
# tests, a course of their own with a long video) into signed bundles, serves them with
# sampan-play on a free loopback port, and drives Debian's Chromium with playwright-core.
#
#   run.sh test SAMPAN_BUILD SAMPAN_PLAY         every *.spec.mjs here; ends with
#                                                 "N passed, N failed", exit 1 on a failure
#   run.sh screenshots SAMPAN_BUILD SAMPAN_PLAY  the README's pictures, into docs/screenshots/
#
# `make test-browser` and `make screenshots` run it after installing Chromium and Node.js.
# What it makes goes into build/browser/: the bundles, the server's output, and
# requests.log, one line for every request of every test.
set -euo pipefail

mode=${1:-}
b=${2:-}
p=${3:-}
case "$mode" in
test | screenshots) ;;
*)
	echo "usage: run.sh test|screenshots SAMPAN_BUILD SAMPAN_PLAY" >&2
	exit 2
	;;
esac
[ -x "$b" ] && [ -x "$p" ] || {
	echo "run.sh: '$b' or '$p' is not a program: run make first" >&2
	exit 2
}
top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/tests/browser
out=$top/build/browser
b=$(cd "$(dirname "$b")" && pwd)/$(basename "$b")
p=$(cd "$(dirname "$p")" && pwd)/$(basename "$p")
key=$top/samples/keys/sample.key
pub=$top/samples/keys/sample.pub

die() {
	echo "run.sh: $*" >&2
	exit 3
}

# --- the bundles ---------------------------------------------------------------------
bash "$top/samples/make-media.sh" >/dev/null || die "samples/make-media.sh failed"
rm -rf "$out/library" "$out/src" "$out/extract" "$out/cache" "$out/trusted"
mkdir -p "$out/library" "$out/src" "$out/extract" "$out/trusted"
for dir in "$top"/samples/*/; do
	[ -f "$dir/course.yml" ] || continue
	name=$(basename "$dir")
	"$b" build "$dir" -k "$key" -o "$out/library/$name.sampan" -q ||
		die "sampan-build could not build samples/$name"
done
# A real Carpentries lesson, unmodified (tests/fixtures/README.md): its episodes as the
# lessons of a course, with their fenced divs, folded solutions, output and figures.
mkdir "$out/src/shell-novice"
tar -C "$out/src/shell-novice" -xJf "$top/tests/fixtures/shell-novice.tar.xz" ||
	die "cannot unpack tests/fixtures/shell-novice.tar.xz"
{
	printf 'id: org.sampan.tests.shell-novice\nversion: 1\nlanguage: en\n'
	printf 'title: The Unix Shell\npublisher:\n  name: The Carpentries\n'
	printf 'licence: CC-BY-4.0\nallow_html: true\nlessons:\n'
	(cd "$out/src/shell-novice" && for f in episodes/*.md learners/setup.md; do echo "  - $f"; done)
} >"$out/src/shell-novice/course.yml"
mkdir "$out/src/shell-novice/learners/data"
cp "$out/src/shell-novice/episodes/data/shell-lesson-data.zip" "$out/src/shell-novice/learners/data/"
"$b" build "$out/src/shell-novice" -k "$key" -o "$out/library/shell-novice.sampan" -q 2>/dev/null ||
	die "sampan-build could not build the Carpentries lesson"
if [ "$mode" = test ]; then
	# A minute of a test pattern at a constant 3 Mbit/s: about 23 MB, so that a seek to
	# the middle needs bytes the browser has not fetched yet.
	cp -R "$here/fixtures/long-video" "$out/src/long-video"
	ffmpeg -nostdin -hide_banner -loglevel error -y \
		-f lavfi -i "testsrc2=size=640x360:rate=24" -f lavfi -i "sine=frequency=440:sample_rate=44100" \
		-t 60 -c:v libx264 -preset ultrafast -b:v 3M -maxrate 3M -bufsize 1M \
		-x264-params nal-hrd=cbr:keyint=24 -pix_fmt yuv420p -c:a aac -b:a 64k \
		-movflags +faststart -map_metadata -1 -fflags +bitexact "$out/src/long-video/media/long.mp4" ||
		die "ffmpeg could not make the long test video"
	"$b" build "$out/src/long-video" -k "$key" -o "$out/library/long-video.sampan" -q ||
		die "sampan-build could not build the long-video test course"
	# The files as the bundle holds them, verified: what downloads are compared with.
	"$p" extract "$out/library/pump-maintenance.sampan" "$out/extract/pump-maintenance" \
		--trust "$pub" --trust-dir "$out/trusted" -q ||
		die "sampan-play extract refused pump-maintenance.sampan"
fi

# --- the browser's packages ----------------------------------------------------------
# npm ci again only when the lock file changed since the last install.
if [ ! -f "$here/node_modules/.package-lock.json" ] ||
	[ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
	(cd "$here" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed in tests/browser"
fi

# --- the server ----------------------------------------------------------------------
"$p" serve "$out/library" --bind 127.0.0.1 --port 0 -q --trust "$pub" \
	--trust-dir "$out/trusted" --cache "$out/cache" >"$out/serve.out" 2>"$out/serve.err" &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null' EXIT
url=
for _ in $(seq 100); do
	url=$(sed -n 's/^Serving at //p' "$out/serve.out" | head -1)
	[ -n "$url" ] && break
	kill -0 "$server" 2>/dev/null || break
	sleep 0.1
done
[ -n "$url" ] || die "sampan-play serve printed no address: $(cat "$out/serve.err")"

export SAMPAN_URL=$url SAMPAN_TOP=$top SAMPAN_OUT=$out
export SAMPAN_EXTRACT=$out/extract
cd "$here"
if [ "$mode" = screenshots ]; then
	node screenshots.mjs
	exit
fi
: >"$out/requests.log"
# The specs run one after another, each with its own browser (a 2-core machine runs
# two Chromiums slower than one after the other).  A new *.spec.mjs joins by itself.
rc=0
node --test --test-concurrency=1 --test-reporter=./lib/reporter.mjs \
	--test-reporter-destination=stdout ./*.spec.mjs || rc=$?
if ! kill -0 "$server" 2>/dev/null; then
	echo "run.sh: sampan-play serve stopped during the tests: $(tail -5 "$out/serve.err")" >&2
	rc=1
fi
exit "$rc"
