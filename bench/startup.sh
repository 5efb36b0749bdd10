#!/bin/bash
# startup.sh - a section of bench/run.sh: how long sampan-play and kiwix-serve
# take to start with 1, 10, 100 and 600 bundles (BENCH_LADDER), and how much
# memory each holds, idle and after serving one page of every course.
#
# Start-up is the time from launch until the last course's lesson page answers
# 200 (a student can read it), polled every 2 ms by bench/probe.py.
# sampan-play starts cold (an empty --cache folder: every bundle verified and
# indexed for the first time) and then warm (the cache of the cold start).
# kiwix-serve keeps no cache: it starts twice, and the two are the same kind
# of start.  Memory is VmRSS two seconds after start-up, and again right after
# one GET of the first lesson page of every course.
# When SAMPAN_PLAY_BEFORE names another build of sampan-play, it starts cold and
# warm too, in the same turns, and a second table compares the two builds.
# Writes $BENCH_WORK/startup.dat for the plot; needs the environment bench/run.sh
# sets; prints Markdown.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$BENCH_TOP/bench/lib.sh"
stop_servers_on_exit

# shellcheck disable=SC2086 # a list of numbers
ladder=$(printf '%s\n' $BENCH_LADDER | sort -n | uniq | paste -sd' ')
mapfile -t all < <(cd "$BENCH_MANY_BUNDLES" && ls | sed 's/\.sampan$//')

# measure SYSTEM N CACHE: start, wait, measure, stop; sets MEASURED to "SECONDS IDLE_KIB ALL_KIB|".
measure() {
	local system=$1 n=$2 cache=$3 port urls=() zims=() c idle after secs
	local courses=("${all[@]:0:n}")
	port=$(probe port)
	if [ "$system" = sampan ] || [ "$system" = before ]; then
		local play=$SAMPAN_PLAY
		[ "$system" = before ] && play=$SAMPAN_PLAY_BEFORE
		for c in "${courses[@]}"; do
			urls+=("http://127.0.0.1:$port/c/org.sampan.bench.$c/$BENCH_PAGE")
		done
		server_start "$system-$n" "${urls[n - 1]}" "$play" serve "$BENCH_WORK/ladder/$n" \
			--bind 127.0.0.1 --port "$port" --trust "$BENCH_PUB" --cache "$cache" -q
	else
		for c in "${courses[@]}"; do
			urls+=("http://127.0.0.1:$port/$c/$BENCH_PAGE")
			zims+=("$BENCH_MANY_ZIM/$c.zim")
		done
		server_start "kiwix-$n" "${urls[n - 1]}" kiwix-serve --nosearchbar -i 127.0.0.1 -p "$port" \
			"${zims[@]}"
	fi
	secs=$SERVER_SECONDS
	sleep 2
	idle=$(probe rss "$SERVER_PID")
	probe get "${urls[@]}"
	after=$(probe rss "$SERVER_PID")
	server_stop "$SERVER_PID"
	MEASURED="$secs $idle $after|"
}

# The libraries: the first N bundles of the small courses, hard-linked.
for n in $ladder; do
	mkdir -p "$BENCH_WORK/ladder/$n"
	for c in "${all[@]:0:n}"; do
		ln "$BENCH_MANY_BUNDLES/$c.sampan" "$BENCH_WORK/ladder/$n/"
	done
done

declare -A runs=()
for n in $ladder; do
	for _ in $(seq "$BENCH_RUNS"); do
		cache=$BENCH_WORK/ladder-cache/$n
		rm -rf "$cache"
		say "startup: $n bundles, sampan-play cold, warm; kiwix-serve twice"
		measure sampan "$n" "$cache"
		runs[cold.$n]+=$MEASURED
		measure sampan "$n" "$cache"
		runs[warm.$n]+=$MEASURED
		measure kiwix "$n" -
		runs[first.$n]+=$MEASURED
		measure kiwix "$n" -
		runs[second.$n]+=$MEASURED
		if [ -n "${SAMPAN_PLAY_BEFORE:-}" ]; then
			rm -rf "$cache-before"
			measure before "$n" "$cache-before"
			runs[bcold.$n]+=$MEASURED
			measure before "$n" "$cache-before"
			runs[bwarm.$n]+=$MEASURED
		fi
	done
done

# pick KIND N FIELD low|all: the lowest of a field over the runs, or every run.
pick() {
	local v
	v=$(tr '|' '\n' <<<"${runs[$1.$2]}" | grep . | cut -d' ' -f"$3")
	if [ "$4" = all ]; then paste -sd' ' <<<"$v"; else sort -g <<<"$v" | head -1; fi
}

dat=$BENCH_WORK/startup.dat
echo "# bundles sampan_cold_s sampan_warm_s kiwix_first_s kiwix_second_s sampan_idle_mib kiwix_idle_mib sampan_all_mib kiwix_all_mib" >"$dat"
echo "## Start-up and memory against the number of bundles"
echo
echo "Small courses (three lessons, pictures, a 64 kB video, subtitles; about $(du -b "$BENCH_MANY_BUNDLES/${all[0]}.sampan" | cut -f1) bytes a bundle),"
echo "the same as bundles and as ZIM files.  Seconds from launch until the last course's lesson"
echo "page answers; memory in MiB.  Best of $BENCH_RUNS runs (lowest), every run in brackets."
echo
echo "| bundles | sampan-play cold (s) | sampan-play warm (s) | kiwix-serve first (s) | kiwix-serve second (s) | warm Sampan / kiwix | sampan-play idle | kiwix-serve idle | sampan-play after a page of each | kiwix-serve after a page of each |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for n in $ladder; do
	cold=$(pick cold "$n" 1 low) warm=$(pick warm "$n" 1 low)
	first=$(pick first "$n" 1 low) second=$(pick second "$n" 1 low)
	# Memory: the idle figure of both sampan-play starts, of both kiwix-serve starts.
	# shellcheck disable=SC2046
	si=$(mib "$(lowest $(pick cold "$n" 2 all) $(pick warm "$n" 2 all))")
	# shellcheck disable=SC2046
	ki=$(mib "$(lowest $(pick first "$n" 2 all) $(pick second "$n" 2 all))")
	# shellcheck disable=SC2046
	sa=$(mib "$(lowest $(pick cold "$n" 3 all) $(pick warm "$n" 3 all))")
	# shellcheck disable=SC2046
	ka=$(mib "$(lowest $(pick first "$n" 3 all) $(pick second "$n" 3 all))")
	echo "| $n | $cold ($(pick cold "$n" 1 all)) | $warm ($(pick warm "$n" 1 all)) | $first ($(pick first "$n" 1 all)) | $second ($(pick second "$n" 1 all)) | $(ratio "$warm" "$second") | $si | $ki | $sa | $ka |"
	echo "$n $cold $warm $first $second $si $ki $sa $ka" >>"$dat"
	figure "start_cold_sampan_$n" "$cold"
	figure "start_warm_sampan_$n" "$warm"
	figure "start_first_kiwix_$n" "$first"
	figure "start_second_kiwix_$n" "$second"
	figure "rss_idle_sampan_$n" "$si"
	figure "rss_idle_kiwix_$n" "$ki"
	figure "rss_all_sampan_$n" "$sa"
	figure "rss_all_kiwix_$n" "$ka"
done
echo
if [ -n "${SAMPAN_PLAY_BEFORE:-}" ]; then
	echo "The same for \"sampan-play before\", the build named by SAMPAN_PLAY_BEFORE (commit"
	echo "${SAMPAN_BEFORE_COMMIT:-unknown}), started in the same turns; the ratios are this build / before."
	echo
	echo "| bundles | before cold (s) | before warm (s) | warm now / before | before idle | before after a page of each | after a page of each, now / before |"
	echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
	for n in $ladder; do
		warm=$(pick warm "$n" 1 low) bwarm=$(pick bwarm "$n" 1 low)
		# shellcheck disable=SC2046
		sa=$(mib "$(lowest $(pick cold "$n" 3 all) $(pick warm "$n" 3 all))")
		# shellcheck disable=SC2046
		bi=$(mib "$(lowest $(pick bcold "$n" 2 all) $(pick bwarm "$n" 2 all))")
		# shellcheck disable=SC2046
		ba=$(mib "$(lowest $(pick bcold "$n" 3 all) $(pick bwarm "$n" 3 all))")
		echo "| $n | $(pick bcold "$n" 1 low) ($(pick bcold "$n" 1 all)) | $bwarm ($(pick bwarm "$n" 1 all)) | $(ratio "$warm" "$bwarm") | $bi | $ba | $(ratio "$sa" "$ba") |"
		figure "start_warm_before_$n" "$bwarm"
		figure "rss_all_before_$n" "$ba"
	done
	echo
fi
echo "![Start-up time and resident memory against the number of bundles](startup-memory.png)"
echo
echo "Commands (LIB: a folder of the first N bundles; PORT: a free port):"
echo
echo '```sh'
echo "build/sampan-play serve LIB --bind 127.0.0.1 --port PORT --trust WORK/key.pub --cache WORK/ladder-cache/N -q"
echo "kiwix-serve --nosearchbar -i 127.0.0.1 -p PORT WORK/many/zim/c1001.zim ... (the first N)"
echo "bench/probe.py launch URL LOG -- COMMAND...   # seconds until URL answers 200"
echo "bench/probe.py rss PID; bench/probe.py get URL...   # VmRSS; one GET of each course's page"
echo '```'
