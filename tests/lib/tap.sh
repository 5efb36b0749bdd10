# tap.sh - helpers for the end-to-end test scripts (sourced): TAP output,
# temporary folders, and expectations that check exit codes and messages,
# so that a crash never passes as "failed as expected".
set -u
TAP_N=0
TAP_FAILED=0
TOP=${SAMPAN_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BUILD_DIR=${O:-build}
case "$BUILD_DIR" in /*) ;; *) BUILD_DIR=$TOP/$BUILD_DIR ;; esac
SAMPAN_BUILD=$BUILD_DIR/sampan-build
PYTHON=${PYTHON:-/usr/bin/python3}
# Waits for a program are this many times longer under valgrind (make leakcheck).
TAP_SLOW=${TAP_SLOW:-1}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

ok() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $1"
}

not_ok() {
	TAP_N=$((TAP_N + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok $TAP_N - $1"
	shift
	for line in "$@"; do echo "# $line"; done
}

# check DESCRIPTION COMMAND...: ok when the command succeeds.
check() {
	local desc=$1
	shift
	if "$@" >"$WORK/.out" 2>&1; then
		ok "$desc"
	else
		not_ok "$desc" "exit $?: $(head -c 2000 "$WORK/.out")"
	fi
}

# expect_exit CODE PATTERN DESCRIPTION COMMAND...: the command exits with CODE and its
# stderr+stdout matches the extended regular expression PATTERN ('' for any).
expect_exit() {
	local code=$1 pattern=$2 desc=$3 rc
	shift 3
	"$@" >"$WORK/.out" 2>&1
	rc=$?
	if [ "$rc" -ne "$code" ]; then
		not_ok "$desc" "exit $rc, expected $code: $(head -c 2000 "$WORK/.out")"
	elif [ -n "$pattern" ] && ! grep -Eq -- "$pattern" "$WORK/.out"; then
		not_ok "$desc" "output does not match /$pattern/: $(head -c 2000 "$WORK/.out")"
	else
		ok "$desc"
	fi
}

# serve_start NAME ARGS...: start `sampan-play serve ARGS...` on loopback, on
# a free port, output in NAME.out and NAME.err; sets SERVED_PID and SERVED_URL
# (empty when no address was printed within 10 s, times TAP_SLOW).
serve_start() {
	local name=$1
	shift
	"$BUILD_DIR/sampan-play" serve --bind 127.0.0.1 --port 0 -q "$@" >"$name.out" 2>"$name.err" &
	SERVED_PID=$!
	SERVED_URL=
	for _ in $(seq $((100 * TAP_SLOW))); do
		SERVED_URL=$(sed -n 's/^Serving at //p' "$name.out" 2>/dev/null | head -1)
		[ -n "$SERVED_URL" ] && break
		sleep 0.1
	done
}

done_testing() {
	echo "1..$TAP_N"
	[ "$TAP_FAILED" -eq 0 ]
}
