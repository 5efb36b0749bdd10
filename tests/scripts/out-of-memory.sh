#!/bin/bash
# out-of-memory.sh - out of memory, both programs say so and exit 3 (README,
# "Exit codes"): never an abort (134), a crash, or a verdict on the course.
# Allocations are made to fail by tests/lib/failmalloc.c (LD_PRELOAD), built
# beside the programs as tests/failmalloc.so.  Prints TAP.
source "$(dirname "$0")/../lib/tap.sh"
BIN=$BUILD_DIR
# Under `make leakcheck` the programs are valgrind's wrappers (shell scripts that the
# failing allocations would break): run the programs themselves, beside the wrappers.
[ "$(basename "$BIN")" = valgrind-wrap ] && BIN=$(dirname "$BIN")
B=$BIN/sampan-build
P=$BIN/sampan-play
SHIM=$BIN/tests/failmalloc.so
if [ ! -e "$SHIM" ]; then
	not_ok "the allocation failure library is built" "no tests/failmalloc.so beside the programs: run the tests through make"
	done_testing
	exit
fi
# A sanitizer's runtime wants to come first; the shim hands every allocation it lets
# through to it.  Leaks are not the point of these runs: they stop half way on purpose.
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0:detect_leaks=0"

# failing MIN|AFTER VALUE COMMAND...: run with allocations failing.
failing() {
	local what=$1 value=$2
	shift 2
	env LD_PRELOAD="$SHIM" "SAMPAN_FAIL_MALLOC_$what=$value" "$@"
}

cd "$WORK" || exit 1
"$B" keygen -o k --no-password >/dev/null 2>&1
"$B" init course >/dev/null 2>&1
"$PYTHON" - <<'EOF'
with open("course/lessons/03-long.md", "w") as f:
    f.write("# A long lesson\n\n" + ("Words of a long lesson. " * 40 + "\n\n") * 3000)
EOF
sed -i 's|^  - lessons/02-next-steps.md$|&\n  - lessons/03-long.md|' course/course.yml
expect_exit 0 '' "the course with a 3 MB lesson checks with memory to spare" "$B" check course

# --- one large allocation fails (a long lesson, a big page) ------------------
expect_exit 3 '^sampan-build: (.+: )?out of memory$' "check: out of memory exits 3 with a message" \
	failing MIN 1000000 "$B" check course
if ! grep -q 'Abort' "$WORK/.out"; then ok "check: no abort"; else not_ok "check: no abort" "$(cat "$WORK/.out")"; fi
expect_exit 3 '^sampan-build: (.+: )?out of memory$' "build: out of memory exits 3 with a message" \
	failing MIN 1000000 "$B" build course -k k.key -o course.sampan
if [ ! -e course.sampan ] && [ -z "$(find . -maxdepth 1 -name '.course.sampan*')" ]; then
	ok "build: out of memory leaves no bundle and no temporary file"
else
	not_ok "build: out of memory leaves no bundle and no temporary file" "$(ls -a)"
fi
expect_exit 0 'Built' "the same build with memory to spare" "$B" build course -k k.key -o course.sampan
expect_exit 3 '^sampan-play: course.sampan: out of memory$' "sampan-play verify: out of memory exits 3 with a message" \
	failing MIN 1000000 "$P" verify course.sampan --trust k.pub
expect_exit 3 '^sampan-play: course.sampan: out of memory$' "sampan-play extract: out of memory exits 3 with a message" \
	failing MIN 1000000 "$P" extract course.sampan site --trust k.pub
if [ ! -e site ]; then ok "extract: out of memory leaves no folder"; else not_ok "extract: out of memory leaves no folder" "$(ls -R site | head)"; fi

# --- every allocation of check, each in turn, fails ------------------------
sed -i '/03-long.md/d' course/course.yml
rm course/lessons/03-long.md
total=$(env LD_PRELOAD="$SHIM" SAMPAN_FAIL_MALLOC_COUNT=1 "$B" check course 2>&1 >/dev/null |
	sed -n 's/^failmalloc: \([0-9]*\) allocations$/\1/p')
if [ -n "$total" ] && [ "$total" -gt 100 ]; then
	ok "check makes $total allocations"
else
	not_ok "check makes some allocations" "counted '$total'"
	total=0
fi
step=1
bad=""
for n in $(seq 0 "$step" $((total - 1))); do
	failing AFTER "$n" "$B" check course >"$WORK/run" 2>&1
	rc=$?
	# "sampan-build: out of memory", or "sampan-build: FILE: out of memory" from the library
	if [ "$rc" -ne 3 ] || ! grep -Eq '^sampan-build: (.+: )?out of memory$' "$WORK/run"; then
		bad="$bad $n:exit$rc"
		[ -z "${first_bad:-}" ] && first_bad=$(tail -3 "$WORK/run")
	fi
done
if [ -z "$bad" ]; then
	ok "check exits 3 with a message whichever of its $total allocations fails"
else
	not_ok "check exits 3 with a message whichever of its allocations fails" \
		"allocation:exit$(echo "$bad" | head -c 600)" "${first_bad:-}"
fi
done_testing
