#!/bin/bash
# build.sh - how long sampan-build takes to pack a course with a large video,
# against `zip -r` storing the media (-n .mp4), side by side on the same
# files in one run.  sampan-build also hashes every byte, signs, and reads the
# bundle back to verify it; zip only copies and computes CRC-32.
#
#   bench/build.sh [VIDEO_MB] [RUNS]     (defaults: 1000 MB, 2 runs)
#
# Prints a table and the ratio sampan-build / zip (lower is better; the
# target is at most 1.2).  Times are wall-clock seconds, the best of RUNS,
# with the page cache warm for both (the course is read once first).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
mb=${1:-1000}
runs=${2:-2}
b=${SAMPAN_BUILD:-$top/build/sampan-build}
work=$(mktemp -d "${TMPDIR:-/tmp}/sampan-bench-build-XXXXXX")
trap 'rm -rf "$work"' EXIT

[ -x "$b" ] || { echo "build.sh: $b: not built (run make)" >&2; exit 3; }
command -v zip >/dev/null || { echo "build.sh: zip is missing (apt-get install zip)" >&2; exit 3; }

# A course: course.yml, one lesson, a faststart MP4 of $mb MB (ftyp, moov, then mdat).
mkdir -p "$work/course/lessons" "$work/course/media"
cat >"$work/course/course.yml" <<YML
id: org.sampan.bench.video
version: "1"
language: en
title: {en: Benchmark course}
publisher: {name: Sampan benchmarks}
licence: CC0-1.0
lessons: [lessons/01-video.md]
YML
printf '# A long video\n\n![A long video](../media/video.mp4)\n' >"$work/course/lessons/01-video.md"
printf 'WEBVTT\n\n00:00.000 --> 00:05.000\nA long video\n' >"$work/course/media/video.en.vtt"
/usr/bin/python3 - "$work/course/media/video.mp4" "$mb" <<'PY'
import os, struct, sys
path, mb = sys.argv[1], int(sys.argv[2])
size = mb * 1000 * 1000
with open(path, "wb") as f:
    f.write(struct.pack(">I4s4sI4s", 20, b"ftyp", b"isom", 512, b"isom"))
    f.write(struct.pack(">I4s", 8, b"moov"))
    f.write(struct.pack(">I4s", size + 8, b"mdat"))
    block = os.urandom(1 << 20)
    left = size
    while left:
        n = min(left, len(block))
        f.write(block[:n])
        left -= n
PY
"$b" keygen -o "$work/key" --no-password >/dev/null
cat "$work/course/media/video.mp4" >/dev/null   # warm the page cache for both

best() { sort -n | head -1; }
time_it() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null 2>&1; t1=$(date +%s.%N); awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f\n", b - a }'; }

sampan=() zipt=()
for i in $(seq "$runs"); do
	rm -f "$work/out.sampan" "$work/out.zip"
	sampan+=("$(time_it "$b" build "$work/course" -k "$work/key.key" -o "$work/out.sampan" -q)")
	zipt+=("$(cd "$work" && time_it zip -r -q -n .mp4 "$work/out.zip" course)")
done
s=$(printf '%s\n' "${sampan[@]}" | best)
z=$(printf '%s\n' "${zipt[@]}" | best)
size=$(stat -c %s "$work/out.sampan")
echo "| tool | seconds (best of $runs) | all runs | output bytes |"
echo "| --- | ---: | --- | ---: |"
echo "| sampan-build build | $s | ${sampan[*]} | $size |"
echo "| zip -r -n .mp4 | $z | ${zipt[*]} | $(stat -c %s "$work/out.zip") |"
echo "ratio sampan-build / zip: $(awk -v a="$s" -v b="$z" 'BEGIN { printf "%.2f", a / b }') (course of $mb MB)"
