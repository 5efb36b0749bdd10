#!/bin/bash
# t0200-out-of-memory.sh - out of memory, both programs say so and exit 3
# (README, "Exit codes"): never an abort (134), a crash, or a verdict on the
# course.  Allocations are made to fail by tests/lib/failmalloc.c
# (LD_PRELOAD), built beside the programs as tests/failmalloc.so.
source "$(dirname "$0")/../lib/test-lib.sh"
BIN=$BUILD_DIR
# Under `make leakcheck` the programs are valgrind's wrappers (shell scripts that the
# failing allocations would break): run the programs themselves, beside the wrappers.
[ "$(basename "$BIN")" = valgrind-wrap ] && BIN=$(dirname "$BIN")
B=$BIN/sampan-build
P=$BIN/sampan-play
SHIM=$BIN/tests/failmalloc.so
# A sanitizer's runtime wants to come first; the shim hands every allocation it lets
# through to it.  Leaks are not the point of these runs: they stop half way on purpose.
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0:detect_leaks=0"

# failing MIN|AFTER VALUE COMMAND...: run with allocations failing.
failing() {
	local what=$1 value=$2
	shift 2
	env LD_PRELOAD="$SHIM" "SAMPAN_FAIL_MALLOC_$what=$value" "$@"
}

test_setup 'the allocation failure library, a key, a course with a 3 MB lesson and its bundle' '
	test -e "$SHIM" || { echo "no tests/failmalloc.so beside the programs: run the tests through make"; false; } &&
	"$B" keygen -o k --no-password &&
	"$B" init course &&
	"$PYTHON" -c "
with open(\"course/lessons/03-long.md\", \"w\") as f:
    f.write(\"# A long lesson\n\n\" + (\"Words of a long lesson. \" * 40 + \"\n\n\") * 3000)
" &&
	sed -i "s|^  - lessons/02-next-steps.md\$|&\n  - lessons/03-long.md|" course/course.yml &&
	"$B" build course -k k.key -o course.sampan -q &&
	"$B" init small
'
test_expect_success 'the course with a 3 MB lesson checks with memory to spare' '
	expect_exit 0 "" "$B" check course
'

# --- one large allocation fails (a long lesson, a big page) ------------------
test_expect_success 'check: out of memory exits 3 with a message' '
	expect_exit 3 "^sampan-build: (.+: )?out of memory$" failing MIN 1000000 "$B" check course
'
test_expect_success 'check: out of memory is no abort' '
	failing MIN 1000000 "$B" check course >check.out 2>&1;
	test_grep -v Abort check.out
'
test_expect_success 'build: out of memory exits 3 with a message' '
	expect_exit 3 "^sampan-build: (.+: )?out of memory$" \
		failing MIN 1000000 "$B" build course -k k.key -o oom.sampan
'
test_expect_success 'build: out of memory leaves no bundle and no temporary file' '
	mkdir oomdir &&
	failing MIN 1000000 "$B" build course -k k.key -o oomdir/oom.sampan;
	test_equal "" "$(ls -A oomdir)"
'
test_expect_success 'the same build with memory to spare' '
	expect_exit 0 Built "$B" build course -k k.key -o spare.sampan
'
test_expect_success 'sampan-play verify: out of memory exits 3 with a message' '
	expect_exit 3 "^sampan-play: course.sampan: out of memory$" \
		failing MIN 1000000 "$P" verify course.sampan --trust k.pub
'
test_expect_success 'sampan-play extract: out of memory exits 3 with a message' '
	expect_exit 3 "^sampan-play: course.sampan: out of memory$" \
		failing MIN 1000000 "$P" extract course.sampan site --trust k.pub
'
test_expect_success 'extract: out of memory leaves no folder' '
	failing MIN 1000000 "$P" extract course.sampan site2 --trust k.pub;
	test ! -e site2
'

# --- every allocation of check, each in turn, fails ------------------------
test_setup 'how many allocations check makes on a small course' '
	total=$(env LD_PRELOAD="$SHIM" SAMPAN_FAIL_MALLOC_COUNT=1 "$B" check small 2>&1 >/dev/null |
		sed -n "s/^failmalloc: \([0-9]*\) allocations\$/\1/p") &&
	echo "$total allocations" && test "$total" -gt 100
'
test_expect_success 'check exits 3 with a message whichever of its allocations fails' '
	bad= &&
	for n in $(seq 0 $((total - 1))); do
		failing AFTER "$n" "$B" check small >run 2>&1
		rc=$?
		# "sampan-build: out of memory", or "sampan-build: FILE: out of memory" from the library
		if [ "$rc" -ne 3 ] || ! grep -Eq "^sampan-build: (.+: )?out of memory\$" run; then
			bad="$bad $n:exit$rc"
			[ -n "${first_bad:-}" ] || first_bad=$(tail -3 run)
		fi
	done &&
	echo "of $total allocations, failing these went wrong:$bad" "${first_bad:-}" &&
	test -z "$bad"
'
test_done
