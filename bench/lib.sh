# shellcheck shell=bash
# lib.sh - what bench/run.sh and its sections share; sourced, never run.
#
# Needs BENCH_TOP (the repository), BENCH_WORK (the run's folder), PYTHON and
# BENCH_FIGURES (a file of "KEY VALUE" lines the summary is made from).
# Times are wall-clock seconds taken with bash's EPOCHREALTIME (no fork).

probe() { "$PYTHON" "$BENCH_TOP/bench/probe.py" "$@"; }

say() { echo "bench: $*" >&2; }
die() {
	echo "bench: $*" >&2
	exit 1
}

# figure KEY VALUE: one figure for the summary of bench/RESULTS.md.
figure() { echo "$1 $2" >>"$BENCH_FIGURES"; }

# sub T0 T1: T1 - T0 in seconds, three decimals.
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# timed COMMAND...: run COMMAND, its output discarded; print its wall-clock seconds.
timed() {
	local t0=$EPOCHREALTIME
	if ! "$@" >/dev/null 2>&1; then
		die "failed: $*"
	fi
	sub "$t0" "$EPOCHREALTIME"
}

# lowest / highest: the smallest or largest of the numbers given as arguments.
lowest() { printf '%s\n' "$@" | sort -g | head -1; }
highest() { printf '%s\n' "$@" | sort -g | tail -1; }

# ratio A B [DIGITS]: A / B, or "n/a" when either is missing or B is zero.
ratio() {
	awk -v a="${1:-}" -v b="${2:-}" -v d="${3:-2}" \
		'BEGIN { if (a == "" || b == "" || a == "n/a" || b == "n/a" || b + 0 == 0) print "n/a"; else printf "%.*f\n", d, a / b }'
}

# mib KIB: kibibytes as mebibytes, one decimal.
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# ---- servers ----
# Each server is started by `probe.py launch`, which stays as its parent and
# prints the start-up time once the server answers.  A section that starts
# servers calls stop_servers_on_exit first, and never starts one in a subshell.
declare -A BENCH_WAITER=()

# server_start NAME URL COMMAND...: start COMMAND and wait until URL answers 200.
# Sets SERVER_PID and SERVER_SECONDS (launch to first 200).  Its output goes to
# $BENCH_WORK/logs/NAME.log.
server_start() {
	local name=$1 url=$2 ready waiter
	shift 2
	mkdir -p "$BENCH_WORK/logs"
	ready="$BENCH_WORK/logs/$name.ready"
	: >"$ready"
	probe launch "$url" "$BENCH_WORK/logs/$name.log" -- "$@" >"$ready" &
	waiter=$!
	until grep -q ' ' "$ready"; do
		if ! kill -0 "$waiter" 2>/dev/null; then
			wait "$waiter" || true
			tail -n 20 "$BENCH_WORK/logs/$name.log" >&2 || true
			die "$name did not start: $*"
		fi
		sleep 0.01
	done
	# shellcheck disable=SC2034 # SERVER_SECONDS is for the caller
	read -r SERVER_SECONDS SERVER_PID <"$ready"
	BENCH_WAITER[$SERVER_PID]=$waiter
}

# server_stop PID: stop a server started by server_start and wait until it is gone.
server_stop() {
	local pid=$1 waiter=${BENCH_WAITER[$1]:-}
	kill -TERM "$pid" 2>/dev/null || true
	if [ -n "$waiter" ]; then
		for _ in $(seq 100); do
			kill -0 "$waiter" 2>/dev/null || break
			sleep 0.05
		done
		kill -KILL "$pid" 2>/dev/null || true
		wait "$waiter" 2>/dev/null || true
	fi
	unset "BENCH_WAITER[$pid]"
}

servers_stop_all() {
	local pid
	for pid in "${!BENCH_WAITER[@]}"; do
		server_stop "$pid"
	done
}

# stop_servers_on_exit: whatever ends the script (an error, Ctrl-C, kill) stops its servers.
stop_servers_on_exit() {
	trap servers_stop_all EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# ---- wrk ----
# wrk_run WRK-ARGUMENTS...: run wrk with bench/wrk.lua (give the URL and any
# `-- range SIZE` after the options); prints "REQ/S P50_MS P99_MS MIB/S ERRORS BYTES/REQUEST".
wrk_run() {
	local out line
	if ! out=$(wrk "$@" 2>&1); then
		echo "$out" >&2
		die "wrk failed: $*"
	fi
	line=$(grep '^BENCH ' <<<"$out") || die "wrk printed no figures: $*"
	awk '{ d = $3 / 1e6; printf "%.0f %.2f %.2f %.1f %d %.0f\n", $2 / d, $5 / 1000, $6 / 1000, $4 / d / 1048576, $7 + $8, ($2 ? $4 / $2 : 0) }' <<<"$line"
}
