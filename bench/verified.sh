#!/bin/bash
# verified.sh - a section of bench/run.sh: video served with every byte checked.
# sampan-play reads each 1 MiB chunk into memory, hashes it there and sends it
# from there, and keeps checked chunks for the next students (--cache-memory).
#
# Cold: the first read of every chunk (a fresh player, one client, the whole
# video once), against `openssl dgst -sha256` of the same bytes: what hashing
# every byte costs.  Warm: a class on one video (8 connections, the whole video
# again and again, and 1 MiB Range requests), against nginx sending the same
# file with sendfile; the lesson page too, so the targets are seen beside it.
# sampan-play runs as it is (128M) and with --cache-memory 256M, which holds the
# whole video; and, when SAMPAN_PLAY_BEFORE names another build, that one, side
# by side.  Memory is the resident memory of each server, idle and at its
# highest under the video loads: for sampan-play it includes the checked chunks
# kept, for nginx the file is in the system's page cache, which no process owns.
# Needs the environment bench/run.sh sets; prints Markdown.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$BENCH_TOP/bench/lib.sh"
stop_servers_on_exit

id=$BENCH_COURSE_ID
d=$BENCH_DURATION
work=$BENCH_WORK/verified
video_file=$BENCH_SITE/c/$id/$BENCH_VIDEO
video_bytes=$(stat -c %s "$video_file")
mkdir -p "$work/runs"

systems=(now big nginx)
declare -A label=([now]="sampan-play" [big]="sampan-play --cache-memory 256M" [nginx]=nginx
	[before]="sampan-play before")
declare -A binary=([now]=$SAMPAN_PLAY [big]=$SAMPAN_PLAY)
declare -A extra=([now]="" [big]="--cache-memory 256M" [before]="")
sampans=(now big)
if [ -n "${SAMPAN_PLAY_BEFORE:-}" ]; then
	systems=(before now big nginx)
	sampans=(before now big)
	binary[before]=$(realpath "$SAMPAN_PLAY_BEFORE")
fi

# sampan_start SYSTEM: a fresh player (an empty cache folder); sets BASE and SERVER_PID.
sampan_start() {
	local s=$1 port
	port=$(probe port)
	rm -rf "$work/cache-$s"
	BASE=http://127.0.0.1:$port/c/$id
	# shellcheck disable=SC2086 # extra is a list of options
	server_start "verified-$s" "$BASE/$BENCH_PAGE" "${binary[$s]}" serve "$BENCH_BUNDLES" \
		--bind 127.0.0.1 --port "$port" --trust "$BENCH_PUB" --cache "$work/cache-$s" -q ${extra[$s]}
}

# ---- cold: a fresh player, the whole video once ----
for _ in $(seq "$BENCH_RUNS"); do
	for s in "${sampans[@]}"; do
		say "verified: cold, ${label[$s]}"
		sampan_start "$s"
		curl -s -o /dev/null -w '%{size_download} %{time_total}\n' "$BASE/$BENCH_VIDEO" |
			awk -v want="$video_bytes" '$1 != want { exit 1 } { printf "%.1f\n", $1 / $2 / 1048576 }' \
				>>"$work/runs/cold.$s" || die "verified: ${label[$s]} sent a short video"
		server_stop "$SERVER_PID"
	done
	t0=$EPOCHREALTIME
	openssl dgst -sha256 "$video_file" >/dev/null
	awk -v b="$video_bytes" -v t="$(sub "$t0" "$EPOCHREALTIME")" 'BEGIN { printf "%.1f\n", b / t / 1048576 }' \
		>>"$work/runs/cold.openssl"
done

# ---- warm: every server at once, loaded in turn ----
declare -A base=() pid=() idle=()
for s in "${sampans[@]}"; do
	sampan_start "$s"
	base[$s]=$BASE
	pid[$s]=$SERVER_PID
done
port=$(probe port)
base[nginx]=http://127.0.0.1:$port/c/$id
ngx=$work/nginx
mkdir -p "$ngx"
cat >"$ngx/nginx.conf" <<CONF
worker_processes auto;
daemon off;
pid $ngx/nginx.pid;
error_log $ngx/error.log;
$([ "$(id -u)" = 0 ] && echo "user root;")
events { worker_connections 1024; }
http {
	include /etc/nginx/mime.types;
	default_type application/octet-stream;
	access_log off;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 100000;
	gzip on;
	client_body_temp_path $ngx/body;
	proxy_temp_path $ngx/proxy;
	fastcgi_temp_path $ngx/fastcgi;
	uwsgi_temp_path $ngx/uwsgi;
	scgi_temp_path $ngx/scgi;
	server {
		listen 127.0.0.1:$port;
		root $BENCH_SITE;
	}
}
CONF
server_start verified-nginx "${base[nginx]}/$BENCH_PAGE" nginx -p "$ngx" -c "$ngx/nginx.conf" -e "$ngx/error.log"
pid[nginx]=$SERVER_PID
sleep 2
for s in "${systems[@]}"; do idle[$s]=$(probe rss "${pid[$s]}"); done
# The class has started: every chunk has been read once (what the cold figure measures).
for s in "${systems[@]}"; do curl -s -o /dev/null "${base[$s]}/$BENCH_VIDEO"; done

lua=$BENCH_TOP/bench/wrk.lua
wrk_args() { # TEST SYSTEM
	case $1 in
	page) WRK_ARGS=(-t2 -c32 "-d${d}s" --latency -s "$lua" "${base[$2]}/$BENCH_PAGE") ;;
	gzip) WRK_ARGS=(-t2 -c32 "-d${d}s" --latency -H "Accept-Encoding: gzip" -s "$lua" "${base[$2]}/$BENCH_PAGE") ;;
	video) WRK_ARGS=(-t2 -c8 "-d${d}s" --latency -s "$lua" "${base[$2]}/$BENCH_VIDEO") ;;
	range) WRK_ARGS=(-t2 -c8 "-d${d}s" --latency -s "$lua" "${base[$2]}/$BENCH_VIDEO" -- range "$video_bytes") ;;
	esac
}
tests=(video range page gzip)
for _ in $(seq "$BENCH_RUNS"); do
	for test in "${tests[@]}"; do
		for s in "${systems[@]}"; do
			say "verified: $test, ${label[$s]}"
			probe peak "${pid[$s]}" "$d" >"$work/peak" &
			sampler=$!
			wrk_args "$test" "$s"
			figures=$(wrk_run "${WRK_ARGS[@]}")
			wait "$sampler"
			echo "$figures $(cat "$work/peak")" >>"$work/runs/$test.$s"
		done
	done
done
servers_stop_all

col() { cut -d' ' -f"$1" <<<"$2"; }
# best TEST SYSTEM: the run with the highest rate (requests/s, or MiB/s for video).
best() {
	local f=$work/runs/$1.$2 c=1
	[ -s "$f" ] || { echo "n/a n/a n/a n/a n/a n/a n/a"; return; }
	case $1 in video | range) c=4 ;; esac
	sort -g -k"$c" "$f" | tail -1
}
declare -A B=() cold=()
for test in "${tests[@]}"; do
	for s in "${systems[@]}"; do B[$test.$s]=$(best "$test" "$s"); done
done
for s in "${sampans[@]}" openssl; do
	# shellcheck disable=SC2046 # a list of numbers
	cold[$s]=$(highest $(cat "$work/runs/cold.$s"))
done
peak() { # SYSTEM: the highest resident memory under the video loads, MiB
	local v=0 t
	for t in video range; do
		# shellcheck disable=SC2046
		v=$(highest "$v" $(cut -d' ' -f7 "$work/runs/$t.$1"))
	done
	mib "$v"
}
figure video_cold_sampan "${cold[now]}"
figure video_cold_openssl "${cold[openssl]}"
figure video_warm_sampan "$(col 4 "${B[video.big]}")"
figure video_warm_nginx "$(col 4 "${B[video.nginx]}")"
figure video_warm_rss_sampan "$(peak big)"

echo "## Video with every byte checked"
echo
echo "Course 1's video (\`$BENCH_VIDEO\`, $video_bytes bytes), chunk by chunk: sampan-play reads"
echo "each 1 MiB into memory, hashes it there against META-INF/chunks and sends that memory,"
echo "keeping checked chunks for the next students, as much as --cache-memory allows (128M by"
echo "default; 256M holds this video).  **Cold** is a fresh player sending the whole video once"
echo "to one client: every chunk read and hashed on the way, against \`openssl dgst -sha256\` of the"
echo "same file (the file in the system's cache for both).  **Warm** is a class on one video"
echo "after it started: 8 connections taking the whole video again and again, or 1 MiB Range"
echo "requests over it, against nginx (sendfile).  The lesson page is beside them.  Best of"
echo "$BENCH_RUNS runs, the systems taking turns$([ -n "${B[video.before]:-}" ] && echo "; \"sampan-play before\" is the build named by SAMPAN_PLAY_BEFORE (commit ${SAMPAN_BEFORE_COMMIT:-unknown}), which hashed each chunk once per open bundle and sent it from a second read of the file")."
echo
header="| figure |"
rule="| --- |"
for s in "${systems[@]}"; do
	header+=" ${label[$s]} |"
	rule+=" ---: |"
done
echo "$header openssl dgst -sha256 | sampan-play / openssl | 256M / openssl | sampan-play / nginx | 256M / nginx |"
echo "$rule ---: | ---: | ---: | ---: | ---: |"
line="| video, first read of every chunk (cold), MiB/s |"
for s in "${systems[@]}"; do line+=" ${cold[$s]:-} |"; done
line+=" ${cold[openssl]} | $(ratio "${cold[now]}" "${cold[openssl]}") | $(ratio "${cold[big]}" "${cold[openssl]}") | | |"
echo "$line"
row() { # LABEL TEST COLUMN
	local line="| $1 |" s
	for s in "${systems[@]}"; do line+=" $(col "$3" "${B[$2.$s]}") |"; done
	line+=" | | | $(ratio "$(col "$3" "${B[$2.now]}")" "$(col "$3" "${B[$2.nginx]}")")"
	line+=" | $(ratio "$(col "$3" "${B[$2.big]}")" "$(col "$3" "${B[$2.nginx]}")") |"
	echo "$line"
}
row "whole video, a class of 8 (warm), MiB/s" video 4
row "1 MiB Range requests, 8 connections (warm), MiB/s" range 4
row "1 MiB Range requests, p99 latency, ms" range 3
row "lesson page, requests/s (32 connections)" page 1
row "lesson page with gzip, requests/s" gzip 1
line="| resident memory idle, MiB |"
for s in "${systems[@]}"; do line+=" $(mib "${idle[$s]}") |"; done
echo "$line | | | $(ratio "$(mib "${idle[now]}")" "$(mib "${idle[nginx]}")") | $(ratio "$(mib "${idle[big]}")" "$(mib "${idle[nginx]}")") |"
line="| resident memory, highest under the video loads, MiB |"
for s in "${systems[@]}"; do line+=" $(peak "$s") |"; done
echo "$line | | | $(ratio "$(peak now)" "$(peak nginx)") | $(ratio "$(peak big)" "$(peak nginx)") |"
echo
echo "Every run, MiB/s or requests/s:"
echo
for s in "${sampans[@]}" openssl; do
	echo "- cold, ${label[$s]:-openssl dgst -sha256}: $(paste -sd' ' "$work/runs/cold.$s")."
done
for test in "${tests[@]}"; do
	c=1
	case $test in video | range) c=4 ;; esac
	line="- $test:"
	for s in "${systems[@]}"; do line+=" ${label[$s]} $(cut -d' ' -f$c "$work/runs/$test.$s" | paste -sd' ');"; done
	echo "${line%;}."
done
echo
echo "Commands (URL as in the section above; nginx.conf the same):"
echo
echo '```sh'
echo "build/sampan-play serve WORK/main/bundles --bind 127.0.0.1 --port PORT --trust WORK/key.pub --cache WORK/verified/cache -q [--cache-memory 256M]"
echo "curl -s -o /dev/null -w '%{size_download} %{time_total}' URL/$BENCH_VIDEO      # cold: a fresh player each time"
echo "openssl dgst -sha256 WORK/main/site/c/$id/$BENCH_VIDEO"
for test in "${tests[@]}"; do
	wrk_args "$test" now
	printf 'wrk'
	printf ' %q' "${WRK_ARGS[@]}" | sed "s|http://127.0.0.1:[0-9]*/c/$id|URL|; s|$BENCH_TOP/||"
	echo
done
echo '```'
