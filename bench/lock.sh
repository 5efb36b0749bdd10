#!/bin/bash
# lock.sh - a section of bench/run.sh: a course's page latency while clients pull
# the course's largest deflated entry again and again.  Such a pull inflates and
# hashes up to 64 MiB; a player that holds the course's lock through that read
# keeps every other request of the course waiting behind it.
#
# Its own course: course 1 of the corpus with a table of LOCK_TEXT_MB (24) MB
# (bench/corpus.py --big-text-mb), deflated in the bundle.  Systems, all running
# at once and loaded in turn: sampan-play as it is (the table kept in memory once
# checked), sampan-play with --cache-memory 16M (too little to keep it: every
# pull reads, inflates and hashes it), and, when SAMPAN_PLAY_BEFORE names another
# build of sampan-play, that one (a before and after, side by side).  wrk loads
# the lesson page alone, then while 2 connections pull the table without gzip.
# Needs the environment bench/run.sh sets; prints Markdown.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$BENCH_TOP/bench/lib.sh"
stop_servers_on_exit

: "${LOCK_TEXT_MB:=24}"
d=$BENCH_DURATION
work=$BENCH_WORK/lock
id=org.sampan.bench.c0001
big=media/measurements.csv
mkdir -p "$work/corpus" "$work/bundles"
say "lock: a course with a $LOCK_TEXT_MB MB table"
"$PYTHON" "$BENCH_TOP/bench/corpus.py" "$work/corpus" --courses 1 --video-mb 1 \
	--big-text-mb "$LOCK_TEXT_MB"
"$SAMPAN_BUILD" build "$work/corpus/c0001" -k "$BENCH_KEY" -o "$work/bundles/c0001.sampan" -q
read -r big_size big_comp < <("$PYTHON" -c 'import sys, zipfile
i = zipfile.ZipFile(sys.argv[1]).getinfo(sys.argv[2]); print(i.file_size, i.compress_size)' \
	"$work/bundles/c0001.sampan" "$big")

systems=(now small)
declare -A label=([now]="sampan-play" [small]="sampan-play --cache-memory 16M" [before]="sampan-play before")
declare -A extra=([now]="" [small]="--cache-memory 16M" [before]="")
declare -A binary=([now]=$SAMPAN_PLAY [small]=$SAMPAN_PLAY)
if [ -n "${SAMPAN_PLAY_BEFORE:-}" ]; then
	systems=(before now small)
	binary[before]=$(realpath "$SAMPAN_PLAY_BEFORE")
fi
declare -A base=()
for s in "${systems[@]}"; do
	port=$(probe port)
	base[$s]=http://127.0.0.1:$port/c/$id
	# shellcheck disable=SC2086 # extra is a list of options
	server_start "lock-$s" "${base[$s]}/$BENCH_PAGE" "${binary[$s]}" serve "$work/bundles" \
		--bind 127.0.0.1 --port "$port" --trust "$BENCH_PUB" --cache "$work/cache-$s" -q ${extra[$s]}
	# the first pull of each, so that only what repeats is measured
	curl -s -o /dev/null "${base[$s]}/$big"
done

# One run: the page alone, then the page while 2 connections pull the table.
# Appends "P50 P99 REQ/S" (alone) "P50 P99 REQ/S PULL_MIB/S" (pulled) to $work/SYSTEM.
mkdir -p "$work/runs"
lua=$BENCH_TOP/bench/wrk.lua
for _ in $(seq "$BENCH_RUNS"); do
	for s in "${systems[@]}"; do
		say "lock: ${label[$s]}"
		alone=$(wrk_run -t1 -c4 "-d${d}s" --latency -s "$lua" "${base[$s]}/$BENCH_PAGE")
		wrk_run -t1 -c2 "-d$((d + 2))s" --latency -s "$lua" "${base[$s]}/$big" >"$work/runs/pull" &
		puller=$!
		sleep 1
		pulled=$(wrk_run -t1 -c4 "-d${d}s" --latency -s "$lua" "${base[$s]}/$BENCH_PAGE")
		wait "$puller"
		read -r ar a50 a99 _ <<<"$alone"
		read -r pr p50 p99 _ <<<"$pulled"
		pmib=$(cut -d' ' -f4 "$work/runs/pull")
		echo "$a50 $a99 $ar $p50 $p99 $pr $pmib" >>"$work/runs/$s"
	done
done
servers_stop_all

# best SYSTEM: the run with the lowest p99 while pulled.
best() { sort -g -k5 "$work/runs/$1" | head -1; }
col() { cut -d' ' -f"$1" <<<"$2"; }
declare -A B=()
for s in "${systems[@]}"; do B[$s]=$(best "$s"); done
for s in "${systems[@]}"; do
	figure "lock_p99_alone_$s" "$(col 2 "${B[$s]}")"
	figure "lock_p99_pulled_$s" "$(col 5 "${B[$s]}")"
	figure "lock_p99_ratio_$s" "$(ratio "$(col 5 "${B[$s]}")" "$(col 2 "${B[$s]}")")"
done

row() { # LABEL COLUMN
	local line="| $1 |" s
	for s in "${systems[@]}"; do line+=" $(col "$2" "${B[$s]}") |"; done
	if [ -n "${B[before]:-}" ]; then
		line+=" $(ratio "$(col "$2" "${B[now]}")" "$(col "$2" "${B[before]}")") |"
		line+=" $(ratio "$(col "$2" "${B[small]}")" "$(col "$2" "${B[before]}")") |"
	fi
	echo "$line"
}

echo "## A course's pages while its largest entry is pulled"
echo
echo "Course 1 of the corpus with a table of $big_size bytes (\`$big\`, deflated to $big_comp in"
echo "its bundle: the course's largest deflated entry).  wrk loads the course's lesson page"
echo "(\`$BENCH_PAGE\`, 4 connections, $d s) alone, then while 2 connections pull the"
echo "table again and again without gzip, as a download manager does: each pull inflates and hashes"
echo "the whole table unless the player keeps it.  The systems run at once and take turns,"
echo "$BENCH_RUNS times; each column is the run with the lowest p99 while pulled.  Latencies in ms."
if [ -n "${B[before]:-}" ]; then
	echo "\"sampan-play before\" is the build named by SAMPAN_PLAY_BEFORE (commit ${SAMPAN_BEFORE_COMMIT:-unknown}),"
	echo "which held the course's lock through each read of an entry."
fi
echo
header="| figure |"
rule="| --- |"
for s in "${systems[@]}"; do
	header+=" ${label[$s]} |"
	rule+=" ---: |"
done
if [ -n "${B[before]:-}" ]; then
	header+=" now / before | 16M / before |"
	rule+=" ---: | ---: |"
fi
echo "$header"
echo "$rule"
row "page p50, alone" 1
row "page p99, alone" 2
row "page requests/s, alone" 3
row "page p50, while the table is pulled" 4
row "page p99, while the table is pulled" 5
row "page requests/s, while the table is pulled" 6
row "table pulled, MiB/s (2 connections)" 7
line="| page p99 pulled / alone |"
for s in "${systems[@]}"; do line+=" $(ratio "$(col 5 "${B[$s]}")" "$(col 2 "${B[$s]}")") |"; done
[ -n "${B[before]:-}" ] && line+=" | |"
echo "$line"
echo
echo "Every run, page p99 alone / while pulled (ms):"
echo
for s in "${systems[@]}"; do
	echo "- ${label[$s]}: $(awk '{ printf "%s%s / %s", (NR > 1 ? "; " : ""), $2, $5 }' "$work/runs/$s")."
done
echo
echo '```sh'
echo "bench/corpus.py WORK/lock/corpus --courses 1 --video-mb 1 --big-text-mb $LOCK_TEXT_MB"
echo "build/sampan-play serve WORK/lock/bundles --bind 127.0.0.1 --port PORT --trust WORK/key.pub --cache WORK/lock/cache -q [--cache-memory 16M]"
echo "wrk -t1 -c4 -d${d}s --latency -s bench/wrk.lua URL/$BENCH_PAGE                  # alone, then while:"
echo "wrk -t1 -c2 -d$((d + 2))s --latency -s bench/wrk.lua URL/$big"
echo '```'
