#!/bin/bash
# pi.sh - make bench-pi: a classroom on a Raspberry Pi 4 with 1 GB, simulated by bench/pi.py
# (its header says how), written into bench/RESULTS.md between the lines <!-- bench-pi -->
# and <!-- /bench-pi --> (replaced at every run; make bench keeps them).  Needs root, for
# the control group.  Settings: PI_COURSES, PI_PHONES, PI_SECONDS, PI_KBITS, PI_CPU,
# PI_MEM_MB (bench/pi.py).  Reports figures against the targets; exits 0 unless the
# measuring itself failed.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
: "${SAMPAN_BUILD:=$top/build/sampan-build}" "${SAMPAN_PLAY:=$top/build/sampan-play}"
: "${PYTHON:=python3}" "${BENCH_OUT:=$top/bench}"
out=$(mktemp)
trap 'rm -f "$out" "$out.md"' EXIT
rc=0
"$PYTHON" "$top/bench/pi.py" "$(realpath "$SAMPAN_BUILD")" "$(realpath "$SAMPAN_PLAY")" >"$out" || rc=$?
if ! grep -q '^## A Raspberry Pi 4 classroom' "$out"; then
	cat "$out" >&2
	echo "bench-pi: the measuring failed" >&2
	exit 3
fi
{
	echo "<!-- bench-pi -->"
	cat "$out"
	echo
	echo "Written by \`make bench-pi\` on $(date -u '+%Y-%m-%d %H:%M') UTC, commit" \
		"$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown); run it again rather than edit."
	echo "<!-- /bench-pi -->"
} >"$out.md"
"$PYTHON" - "$BENCH_OUT/RESULTS.md" "$out.md" <<'PY'
import re, sys
path, new = sys.argv[1], open(sys.argv[2], encoding="utf-8").read()
try:
    old = open(path, encoding="utf-8").read()
except FileNotFoundError:
    old = "# Sampan benchmarks\n"
block = re.compile(r"<!-- bench-pi -->.*?<!-- /bench-pi -->\n", re.S)
text = block.sub(lambda m: new, old) if block.search(old) else old.rstrip("\n") + "\n\n" + new
open(path, "w", encoding="utf-8").write(text)
PY
cat "$out"
[ "$rc" -eq 0 ] || echo "bench-pi: a target is missed (above); bench/NOTES.md says why" >&2
