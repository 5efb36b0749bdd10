#!/bin/bash
# run-tests.sh - run every test program, count the results, print one summary line.
#
# Each argument is a cmocka test program; it runs with TAP output and each
# "ok"/"not ok" line is one result ("ok N # skip" counts as a failure: a
# full run skips nothing).  A program that crashes or exits non-zero
# without reporting a failure counts as one more failure, so a sanitizer
# abort can never pass as green.  The end-to-end scripts, tests/scripts/t*.sh
# (one per area, each case runnable alone: tests/lib/test-lib.sh), print TAP
# the same way.  With VALGRIND=1 every program runs under valgrind and a
# leak or invalid access fails it; the scripts then run sampan-build and
# sampan-play under valgrind too (VALGRIND_SCRIPTS=GLOB picks some), with
# their waits TAP_SLOW (20) times longer.  With RUN_SCRIPTS=0 only the programs
# given run (make test-unit).  With RUN_WITH=PROGRAM (make test-arm64: qemu-aarch64-static)
# every test program and every run of sampan-build and sampan-play in the scripts goes
# through PROGRAM, with waits TAP_SLOW (5) times longer.
set -u
export CMOCKA_MESSAGE_OUTPUT=TAP
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export SAMPAN_TOP="${SAMPAN_TOP:-$(cd "$(dirname "$0")/.." && pwd)}"
export O="${O:-build}"

passed=0
failed=0
failed_names=()
log_dir=$(mktemp -d)
trap 'rm -rf "$log_dir"' EXIT

run_one() {
	local name=$1
	shift
	local log="$log_dir/$(basename "$name").log"
	local rc
	"$@" >"$log" 2>&1
	rc=$?
	local ok notok skipped
	ok=$(grep -E '^ok [0-9]+' "$log" | grep -cvE '^ok [0-9]+ # (skip|SKIP)')
	notok=$(grep -cE '^not ok [0-9]+' "$log")
	# A case skipped is not a case passed: in a full run nothing is skipped.
	skipped=$(grep -cE '^ok [0-9]+ # (skip|SKIP)' "$log")
	notok=$((notok + skipped))
	passed=$((passed + ok))
	failed=$((failed + notok))
	if [ "$notok" -gt 0 ] || [ "$rc" -ne 0 ] || [ $((ok + notok)) -eq 0 ]; then
		if [ "$notok" -eq 0 ]; then
			failed=$((failed + 1))
		fi
		failed_names+=("$name")
		echo "FAIL $name (exit $rc)"
		grep -E '^not ok|^ok [0-9]+ # (skip|SKIP)|^# |ERROR|Sanitizer|runtime error|definitely lost|Invalid' "$log" | head -40
	else
		echo "ok   $name ($ok)"
	fi
}

# wrap_dir DIR: DIR gets the man pages and service files of $O beside the wrappers.
wrap_dir() {
	local d
	for d in man service tests; do
		[ -e "$O/$d" ] && ln -sfn "$(cd "$O" && pwd)/$d" "$1/$d"
	done
}

for prog in "$@"; do
	if [ -n "${RUN_WITH:-}" ]; then
		run_one "$prog" $RUN_WITH "$prog"
	elif [ "${VALGRIND:-0}" = 1 ]; then
		run_one "$prog" valgrind -q --error-exitcode=99 --leak-check=full \
			--errors-for-leak-kinds=definite,indirect "$prog"
	else
		run_one "$prog" "$prog"
	fi
done

if [ "${RUN_SCRIPTS:-1}" = 0 ]; then
	:
elif [ -n "${RUN_WITH:-}" ]; then
	# sampan-build and sampan-play as wrappers of the same names that run them through RUN_WITH.
	wrap="$(cd "$O" && pwd)/run-with-wrap"
	rm -rf "$wrap"
	mkdir -p "$wrap"
	# An LD_PRELOAD meant for the program (tests/failmalloc.so) is handed to it alone.
	for prog in sampan-build sampan-play; do
		cat >"$wrap/$prog" <<WRAP
#!/bin/sh
if [ -n "\${LD_PRELOAD:-}" ]; then
	p=\$LD_PRELOAD
	unset LD_PRELOAD
	exec $RUN_WITH -E LD_PRELOAD="\$p" "$(cd "$O" && pwd)/$prog" "\$@"
fi
exec $RUN_WITH "$(cd "$O" && pwd)/$prog" "\$@"
WRAP
		chmod +x "$wrap/$prog"
	done
	wrap_dir "$wrap"
	for script in "$SAMPAN_TOP"/tests/scripts/${RUN_SCRIPTS_GLOB:-*}.sh; do
		[ -e "$script" ] || continue
		O="$wrap" TAP_SLOW="${TAP_SLOW:-5}" run_one "$script" bash "$script"
	done
elif [ "${VALGRIND:-0}" != 1 ]; then
	for script in "$SAMPAN_TOP"/tests/scripts/*.sh; do
		[ -e "$script" ] || continue
		run_one "$script" bash "$script"
	done
else
	# The end-to-end scripts with every run of sampan-build and sampan-play
	# under valgrind: wrappers of the same names, in a folder of their own,
	# each process's report in a log; a report of any error or leak fails.
	wrap="$(cd "$O" && pwd)/valgrind-wrap"
	rm -rf "$wrap"
	mkdir -p "$wrap/logs"
	for prog in sampan-build sampan-play; do
		cat >"$wrap/$prog" <<WRAP
#!/bin/sh
exec valgrind -q --log-file="$wrap/logs/$prog.%p.log" --leak-check=full \\
	--errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \\
	"$(cd "$O" && pwd)/$prog" "\$@"
WRAP
		chmod +x "$wrap/$prog"
	done
	wrap_dir "$wrap"
	for script in "$SAMPAN_TOP"/tests/scripts/${VALGRIND_SCRIPTS:-*}.sh; do
		[ -e "$script" ] || continue
		O="$wrap" TAP_SLOW="${TAP_SLOW:-20}" run_one "$script" bash "$script"
	done
	runs=$(find "$wrap/logs" -name '*.log' | wc -l)
	reports=$(find "$wrap/logs" -name '*.log' -size +0 | sort)
	if [ -z "$reports" ]; then
		passed=$((passed + 1))
		echo "ok   valgrind: no error and no leak in $runs runs of sampan-build and sampan-play"
	else
		failed=$((failed + 1))
		failed_names+=("valgrind")
		echo "FAIL valgrind: $(echo "$reports" | wc -l) of $runs runs reported errors or leaks"
		for r in $(echo "$reports" | head -5); do
			echo "# $r"
			head -30 "$r"
		done
	fi
fi

if [ ${#failed_names[@]} -gt 0 ]; then
	echo "failed: ${failed_names[*]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
