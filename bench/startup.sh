#!/bin/bash
# startup.sh - how long sampan-play takes to start with N bundles, and how
# much memory it holds once idle: with the sample courses, then with N small
# courses (default 600), the first start (nothing in its cache) and the
# second (its cache from the first).
#
#   bench/startup.sh [N]
#
# Start-up is the time from launch to the "Serving at" line, after which
# every bundle has been opened and verified; memory is VmRSS from /proc
# after two idle seconds.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-600}
b=${SAMPAN_BUILD:-$top/build/sampan-build}
p=${SAMPAN_PLAY:-$top/build/sampan-play}
work=$(mktemp -d "${TMPDIR:-/tmp}/sampan-bench-startup-XXXXXX")
trap 'rm -rf "$work"' EXIT

"$b" keygen -o "$work/key" --no-password >/dev/null
"$b" init "$work/course" --title "Benchmark course" >/dev/null
mkdir -p "$work/lib" "$work/samples"
for i in $(seq -w 1 "$n"); do
	sed -i "s/^id: .*/id: org.sampan.bench.c$i/" "$work/course/course.yml"
	"$b" build "$work/course" -k "$work/key.key" -o "$work/lib/c$i.sampan" -q
done
bash "$top/samples/make-media.sh" >/dev/null
for dir in "$top"/samples/*/; do
	[ -f "$dir/course.yml" ] || continue
	"$b" build "$dir" -k "$top/samples/keys/sample.key" -o "$work/samples/$(basename "$dir").sampan" -q
done

# measure LABEL LIBRARY KEY CACHE: start-up seconds and idle VmRSS
measure() {
	local label=$1 lib=$2 key=$3 cache=$4 t0 t1 pid rss
	rm -f "$work/out"
	t0=$(date +%s.%N)
	"$p" serve "$lib" --bind 127.0.0.1 --port 0 --trust "$key" --cache "$cache" -q >"$work/out" 2>/dev/null &
	pid=$!
	until grep -q '^Serving at' "$work/out" 2>/dev/null; do sleep 0.005; done
	t1=$(date +%s.%N)
	sleep 2
	rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status")
	kill "$pid"
	wait "$pid" || true
	printf '| %s | %s | %.1f |\n' "$label" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')" "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')"
}

echo "| library | start-up (s) | idle resident memory (MiB) |"
echo "| --- | ---: | ---: |"
measure "3 sample courses" "$work/samples" "$top/samples/keys/sample.pub" "$work/cache-s"
measure "$n courses, first start" "$work/lib" "$work/key.pub" "$work/cache"
measure "$n courses, second start" "$work/lib" "$work/key.pub" "$work/cache"
