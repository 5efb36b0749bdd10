# test-lib.sh - the end-to-end test scripts' library (sourced), after git's
# t/test-lib.sh: each script is a numbered area, tests/scripts/tNNNN-AREA.sh,
# made of cases that name themselves,
#
#	test_expect_success 'keygen never overwrites a key without --force' '
#		expect_exit 1 "already exists" "$B" keygen -o k1 --no-password
#	'
#
# and prints TAP: "ok N - TITLE" or "not ok N - TITLE" with what the case
# said, then "1..N".  Every case runs alone:
#
#	bash tests/scripts/t1000-builder.sh --run=7        case 7 (and the setups)
#	bash tests/scripts/t1000-builder.sh --run=3-5,9    a range and a case
#	bash tests/scripts/t1000-builder.sh --run='!4'     every case but 4
#	bash tests/scripts/t1000-builder.sh -v             each case's commands and output
#	bash tests/scripts/t1000-builder.sh -i             stop at the first failure
#
# A case's body is shell code run in the script's own shell, in the script's
# work folder ($WORK, removed at the end), and passes when its last command
# does: chain the steps with && as git's tests do.  test_setup bodies make
# what the cases share (keys, bundles, a running server); they run whatever
# --run selects, so a case never depends on another case, only on setups.
# A case the --run selection leaves out prints "ok N # skip", which
# tests/run-tests.sh never counts as passed.
#
# Variables: TOP (the repository), BUILD_DIR (the programs' folder: $O),
# B and SAMPAN_BUILD (sampan-build), P and SAMPAN_PLAY (sampan-play), PYTHON,
# TAP_SLOW (waits are this many times longer: valgrind, qemu).
TOP=${SAMPAN_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BUILD_DIR=${O:-build}
case "$BUILD_DIR" in /*) ;; *) BUILD_DIR=$TOP/$BUILD_DIR ;; esac
SAMPAN_BUILD=$BUILD_DIR/sampan-build
SAMPAN_PLAY=$BUILD_DIR/sampan-play
B=$SAMPAN_BUILD
P=$SAMPAN_PLAY
PYTHON=${PYTHON:-/usr/bin/python3}
TAP_SLOW=${TAP_SLOW:-1}

test_count=0
test_failed=0
test_run_spec=
test_verbose=
test_immediate=
test_at_end=()

while [ $# -gt 0 ]; do
	case $1 in
	--run=*) test_run_spec=${1#--run=} ;;
	--run | -r)
		shift
		test_run_spec=${1:-}
		;;
	-v | --verbose) test_verbose=t ;;
	-i | --immediate) test_immediate=t ;;
	-h | --help)
		sed -n '1,/^# Variables/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "$0: unknown option '$1' (--run=N[-M][,...], -v, -i)" >&2
		exit 2
		;;
	esac
	shift
done

WORK=$(mktemp -d)
test_cleanup() {
	local i
	for ((i = ${#test_at_end[@]} - 1; i >= 0; i--)); do
		eval "${test_at_end[$i]}" >/dev/null 2>&1
	done
	cd / && rm -rf "$WORK"
}
trap test_cleanup EXIT
cd "$WORK" || exit 1

# test_at_end COMMAND: run COMMAND (a string, evaluated) when the script ends,
# however it ends: stop a server, unmount a file system.  Last added, first run.
test_at_end() {
	test_at_end+=("$1")
}

# Whether case number $1 is selected by --run ("1,3-5,8-", "!2").
test_selected() {
	local n=$1 spec=$test_run_spec item lo hi negated=
	[ -z "$spec" ] && return 0
	case $spec in '!'*)
		negated=t
		spec=${spec#!}
		;;
	esac
	local IFS=', '
	for item in $spec; do
		case $item in
		*-*)
			lo=${item%-*}
			hi=${item#*-}
			[ -z "$lo" ] && lo=1
			[ -z "$hi" ] && hi=$n
			;;
		*) lo=$item hi=$item ;;
		esac
		if [ "$n" -ge "$lo" ] 2>/dev/null && [ "$n" -le "$hi" ] 2>/dev/null; then
			[ -z "$negated" ]
			return
		fi
	done
	[ -n "$negated" ]
}

# Run a body, its output kept in $WORK/.case.out (shown with -v, or on failure).
test_run_body() {
	local title=$1 body=$2 rc
	if [ -n "$test_verbose" ]; then
		printf '# %s: %s\n' "$test_count" "$title"
		printf '%s\n' "$body" | sed 's/^/#   | /'
	fi
	eval "$body" >"$WORK/.case.out" 2>&1 </dev/null
	rc=$?
	if [ -n "$test_verbose" ] && [ -s "$WORK/.case.out" ]; then
		sed 's/^/#   > /' "$WORK/.case.out"
	fi
	return $rc
}

test_report() {
	local ok=$1 title=$2
	if [ "$ok" = 0 ]; then
		echo "ok $test_count - $title"
		return
	fi
	test_failed=$((test_failed + 1))
	echo "not ok $test_count - $title"
	head -c 3000 "$WORK/.case.out" | sed 's/^/# /'
	if [ -n "$test_immediate" ]; then
		echo "1..$test_count"
		exit 1
	fi
}

# test_expect_success TITLE BODY: one case.
test_expect_success() {
	test_count=$((test_count + 1))
	if ! test_selected "$test_count"; then
		echo "ok $test_count # skip $1 (--run)"
		return 0
	fi
	test_run_body "$1" "$2"
	test_report $? "$1"
}

# test_setup TITLE BODY: what the cases share; runs whatever --run selects, and
# is a case of its own (a setup that fails is a failure).
test_setup() {
	test_count=$((test_count + 1))
	test_run_body "setup: $1" "$2"
	test_report $? "setup: $1"
}

# test_ok TITLE / test_not_ok TITLE [LINE...]: a result the script has
# worked out itself, counted as a case (for a script whose cases are found
# as it runs, such as one per system it installs into: scripts/test-kit.sh).
test_ok() {
	test_count=$((test_count + 1))
	echo "ok $test_count - $1"
}
test_not_ok() {
	local line
	test_count=$((test_count + 1))
	test_failed=$((test_failed + 1))
	echo "not ok $test_count - $1"
	shift
	for line in "$@"; do printf '%s\n' "$line" | sed 's/^/# /'; done
}

test_done() {
	echo "1..$test_count"
	[ "$test_failed" -eq 0 ]
	exit
}

# ---- helpers for bodies --------------------------------------------------------

# expect_exit CODE PATTERN COMMAND...: COMMAND exits with CODE and its output
# (stdout and stderr) matches the extended regular expression PATTERN ('' for
# any).  A crash is never "failed as expected": the code is checked exactly.
expect_exit() {
	local code=$1 pattern=$2 rc
	shift 2
	"$@" >"$WORK/.expect.out" 2>&1
	rc=$?
	cat "$WORK/.expect.out"
	if [ "$rc" -ne "$code" ]; then
		echo "exit $rc, expected $code: $*"
		return 1
	fi
	if [ -n "$pattern" ] && ! grep -Eq -- "$pattern" "$WORK/.expect.out"; then
		echo "the output does not match /$pattern/: $*"
		return 1
	fi
}

# test_grep [-v] [-i] [-E] [-F] [-x] PATTERN FILE: the file has (with -v: has
# no) a line matching the extended regular expression (-E, the default; -F: the
# fixed string; -x: the whole line; -i: case aside); says what it found
# otherwise.  A file that cannot be read fails either way.
test_grep() {
	local invert= how=-E whole= icase=
	while :; do
		case $1 in
		-v) invert=t ;;
		-i) icase=-i ;;
		-E) how=-E ;;
		-F) how=-F ;;
		-x) whole=-x ;;
		--)
			shift
			break
			;;
		*) break ;;
		esac
		shift
	done
	local rc
	grep -q $how $whole $icase -- "$1" "$2"
	rc=$?
	if [ "$rc" -gt 1 ]; then
		echo "test_grep: cannot search $2 for '$1'"
		return 1
	fi
	if [ -z "$invert" ]; then
		[ "$rc" -eq 0 ] && return 0
		echo "no line matching '$1' in $2:"
	else
		[ "$rc" -eq 1 ] && return 0
		echo "a line matching '$1' in $2:"
	fi
	head -c 2000 "$2"
	return 1
}

# test_cmp EXPECTED ACTUAL: the same bytes; the difference shown otherwise.
test_cmp() {
	cmp -s "$1" "$2" && return 0
	echo "$1 and $2 differ:"
	diff -u "$1" "$2" | head -40
	return 1
}

# test_equal EXPECTED ACTUAL: two strings are equal; both shown otherwise.
test_equal() {
	[ "$1" = "$2" ] && return 0
	printf 'expected: %s\n     got: %s\n' "$1" "$2"
	return 1
}

# serve_start NAME ARGS...: start `sampan-play serve ARGS...` on loopback, on
# a free port, quiet (with SERVE_LOG=t, the library's changes logged), output
# in NAME.out and NAME.err; sets SERVED_PID and SERVED_URL (empty, and a
# failure, when no address was printed within 10 s, times TAP_SLOW).  The
# server is stopped when the script ends.
serve_start() {
	local name=$1 quiet=-q
	shift
	[ -n "${SERVE_LOG:-}" ] && quiet=
	"$SAMPAN_PLAY" serve --bind 127.0.0.1 --port 0 $quiet "$@" >"$name.out" 2>"$name.err" &
	SERVED_PID=$!
	test_at_end "kill $SERVED_PID; wait $SERVED_PID"
	SERVED_URL=
	for _ in $(seq $((100 * TAP_SLOW))); do
		SERVED_URL=$(sed -n 's/^Serving at //p' "$name.out" 2>/dev/null | head -1)
		[ -n "$SERVED_URL" ] && break
		sleep 0.1
	done
	[ -n "$SERVED_URL" ] || { cat "$name.err"; return 1; }
}

# shell_novice_source DIR ID: The Unix Shell (tests/fixtures/, unmodified) unpacked into DIR
# with a course.yml of id ID whose lessons are its episodes and setup page, in order; a
# script adds keys after `lessons:` with `cat >>DIR/course.yml`.
SHELL_NOVICE="$TOP/tests/fixtures/shell-novice.tar.xz" # unmodified: tests/fixtures/README.md
shell_novice_source() {
	mkdir "$1" && tar -C "$1" -xJf "$SHELL_NOVICE" &&
	{
		printf 'id: %s\nversion: 1\nlanguage: en\ntitle: The Unix Shell\n' "$2"
		printf 'publisher:\n  name: The Carpentries\nlicence: CC-BY-4.0\nlessons:\n'
		(cd "$1" && for f in episodes/*.md learners/setup.md; do printf '  - %s\n' "$f"; done)
	} >"$1/course.yml"
}
