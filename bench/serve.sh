#!/bin/bash
# serve.sh - a section of bench/run.sh: one lesson page and one large video,
# served by sampan-play (from the bundles), nginx and `python3 -m http.server`
# (from the same files extracted to disk) and kiwix-serve (from ZIM files packed
# from them), all four running at once on 127.0.0.1 and loaded in turn by wrk;
# and the resident memory of each, idle and at its highest under load.  When
# SAMPAN_PLAY_BEFORE names another build of sampan-play, it runs beside them
# as a fifth system, "sampan-play before", loaded in the same turns.
# Needs the environment bench/run.sh sets; prints Markdown.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$BENCH_TOP/bench/lib.sh"
stop_servers_on_exit

systems=(sampan nginx kiwix python)
peers=(nginx kiwix python)
declare -A label=([sampan]=sampan-play [nginx]=nginx [kiwix]=kiwix-serve [python]="python3 -m http.server"
	[before]="sampan-play before")
declare -A short=([nginx]=nginx [kiwix]=kiwix [python]=python [before]=before)
if [ -n "${SAMPAN_PLAY_BEFORE:-}" ]; then
	systems+=(before)
	peers+=(before)
fi
declare -A base=() pid=()
id=$BENCH_COURSE_ID
zim=${id##*.}
video_bytes=$(stat -c %s "$BENCH_SITE/c/$id/$BENCH_VIDEO")
d=$BENCH_DURATION

# ---- start the four servers ----
port=$(probe port)
base[sampan]=http://127.0.0.1:$port/c/$id
server_start sampan "${base[sampan]}/$BENCH_PAGE" "$SAMPAN_PLAY" serve "$BENCH_BUNDLES" \
	--bind 127.0.0.1 --port "$port" --trust "$BENCH_PUB" --cache "$BENCH_WORK/serve-cache" -q
pid[sampan]=$SERVER_PID
if [ -n "${SAMPAN_PLAY_BEFORE:-}" ]; then
	port=$(probe port)
	base[before]=http://127.0.0.1:$port/c/$id
	server_start before "${base[before]}/$BENCH_PAGE" "$SAMPAN_PLAY_BEFORE" serve "$BENCH_BUNDLES" \
		--bind 127.0.0.1 --port "$port" --trust "$BENCH_PUB" --cache "$BENCH_WORK/serve-cache-before" -q
	pid[before]=$SERVER_PID
fi

port=$(probe port)
base[nginx]=http://127.0.0.1:$port/c/$id
ngx=$BENCH_WORK/nginx
mkdir -p "$ngx"
cat >"$ngx/nginx.conf" <<CONF
# nginx as a static file server at its usual best: sendfile, long keep-alive, no access log.
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
server_start nginx "${base[nginx]}/$BENCH_PAGE" nginx -p "$ngx" -c "$ngx/nginx.conf" -e "$ngx/error.log"
pid[nginx]=$SERVER_PID

port=$(probe port)
base[kiwix]=http://127.0.0.1:$port/$zim
server_start kiwix "${base[kiwix]}/$BENCH_PAGE" kiwix-serve --nosearchbar -i 127.0.0.1 -p "$port" \
	"$BENCH_ZIM"/*.zim
pid[kiwix]=$SERVER_PID

port=$(probe port)
base[python]=http://127.0.0.1:$port/c/$id
server_start python "${base[python]}/$BENCH_PAGE" "$PYTHON" -m http.server "$port" --bind 127.0.0.1 \
	--directory "$BENCH_SITE"
pid[python]=$SERVER_PID

# Range requests: only where the server answers one with 206.
declare -A ranges=()
for s in "${systems[@]}"; do
	code=$(curl -s -o /dev/null -w '%{http_code}' -r 0-1023 "${base[$s]}/$BENCH_VIDEO")
	ranges[$s]=$([ "$code" = 206 ] && echo yes || echo no)
done

sleep 2
declare -A idle=()
for s in "${systems[@]}"; do idle[$s]=$(probe rss "${pid[$s]}"); done

# ---- the loads, each system in turn, BENCH_RUNS times ----
# load TEST SYSTEM: one wrk run; appends "REQ/S P50 P99 MIB/S ERRORS BYTES/REQ PEAK_KIB" to $BENCH_WORK/serve/TEST.SYSTEM
# wrk_args TEST SYSTEM: the arguments of wrk for one test, into the array WRK_ARGS.
wrk_args() {
	local lua=$BENCH_TOP/bench/wrk.lua
	case $1 in
	page) WRK_ARGS=(-t2 -c32 "-d${d}s" --latency -s "$lua" "${base[$2]}/$BENCH_PAGE") ;;
	gzip) WRK_ARGS=(-t2 -c32 "-d${d}s" --latency -H "Accept-Encoding: gzip" -s "$lua" "${base[$2]}/$BENCH_PAGE") ;;
	video) WRK_ARGS=(-t2 -c8 "-d${d}s" --latency -s "$lua" "${base[$2]}/$BENCH_VIDEO") ;;
	range) WRK_ARGS=(-t2 -c8 "-d${d}s" --latency -s "$lua" "${base[$2]}/$BENCH_VIDEO" -- range "$video_bytes") ;;
	esac
}
mkdir -p "$BENCH_WORK/serve"
load() {
	local test=$1 s=$2 sampler figures peak
	probe peak "${pid[$s]}" "$d" >"$BENCH_WORK/serve/peak" &
	sampler=$!
	wrk_args "$test" "$s"
	figures=$(wrk_run "${WRK_ARGS[@]}")
	wait "$sampler"
	peak=$(cat "$BENCH_WORK/serve/peak")
	echo "$figures $peak" >>"$BENCH_WORK/serve/$test.$s"
}
tests=(page gzip video range)
for test in "${tests[@]}"; do
	for _ in $(seq "$BENCH_RUNS"); do
		for s in "${systems[@]}"; do
			[ "$test" = range ] && [ "${ranges[$s]}" = no ] && continue
			say "serve: $test, ${label[$s]}"
			load "$test" "$s"
		done
	done
done
servers_stop_all

# best TEST SYSTEM: the run with the highest rate (requests/s, or MiB/s for video).
best() {
	local f=$BENCH_WORK/serve/$1.$2 col=1
	[ -s "$f" ] || { echo "n/a n/a n/a n/a n/a n/a n/a"; return; }
	case $1 in video | range) col=4 ;; esac
	sort -g -k"$col" "$f" | tail -1
}
all_runs() { # TEST SYSTEM COLUMN
	local f=$BENCH_WORK/serve/$1.$2
	[ -s "$f" ] && cut -d' ' -f"$3" "$f" | paste -sd' ' || echo n/a
}
col() { cut -d' ' -f"$1" <<<"$2"; }
declare -A B=()
for test in "${tests[@]}"; do
	for s in "${systems[@]}"; do B[$test.$s]=$(best "$test" "$s"); done
done
peak_of() { # SYSTEM TEST...: the highest peak resident memory of those tests' runs, MiB
	local s=$1 t v=0
	shift
	for t in "$@"; do
		# shellcheck disable=SC2046
		[ -s "$BENCH_WORK/serve/$t.$s" ] && v=$(highest "$v" $(cut -d' ' -f7 "$BENCH_WORK/serve/$t.$s"))
	done
	mib "$v"
}

for s in "${systems[@]}"; do
	figure "page_rps_$s" "$(col 1 "${B[page.$s]}")"
	figure "video_mibs_$s" "$(col 4 "${B[video.$s]}")"
	figure "range_mibs_$s" "$(col 4 "${B[range.$s]}")"
done

# row LABEL TEST COLUMN [lower]: one line of the table, the ratios Sampan / peer.
row() {
	local name=$1 test=$2 c=$3 line v s
	line="| $name |"
	for s in "${systems[@]}"; do
		v=$(col "$c" "${B[$test.$s]}")
		[ "$test" = range ] && [ "${ranges[$s]}" = no ] && v="no Range"
		line+=" $v |"
	done
	for s in "${peers[@]}"; do
		line+=" $(ratio "$(col "$c" "${B[$test.sampan]}")" "$(col "$c" "${B[$test.$s]}")") |"
	done
	echo "$line"
}
mem_row() { # LABEL VALUES-BY-SYSTEM...
	local name=$1 line s
	shift
	declare -A m=()
	for s in "${systems[@]}"; do
		m[$s]=$1
		shift
	done
	line="| $name |"
	for s in "${systems[@]}"; do line+=" ${m[$s]} |"; done
	for s in "${peers[@]}"; do line+=" $(ratio "${m[sampan]}" "${m[$s]}") |"; done
	echo "$line"
}

page_bytes=$(stat -c %s "$BENCH_SITE/c/$id/$BENCH_PAGE")
echo "## Serving a classroom"
echo
echo "All four servers run at once on 127.0.0.1 and wrk loads each in turn for $d s, $BENCH_RUNS"
echo "times; each cell is the best run (highest rate, with that run's latencies).  The lesson page"
echo "is \`$BENCH_PAGE\` of course 1 ($page_bytes bytes of HTML); the video is its"
echo "\`$BENCH_VIDEO\` ($video_bytes bytes).  wrk runs on the same two cores as the server."
echo "Latencies are in milliseconds (lower is better; so is a ratio below 1 for them)."
echo
[ -n "${SAMPAN_PLAY_BEFORE:-}" ] &&
	echo "\"sampan-play before\" is the build named by SAMPAN_PLAY_BEFORE (commit ${SAMPAN_BEFORE_COMMIT:-unknown})." && echo
head="| figure |" rule="| --- |"
for s in "${systems[@]}"; do head+=" ${label[$s]/python3 -m http.server/python3 http.server} |" rule+=" ---: |"; done
for s in "${peers[@]}"; do head+=" Sampan / ${short[$s]} |" rule+=" ---: |"; done
echo "$head"
echo "$rule"
row "lesson page, requests/s (32 connections)" page 1
row "lesson page, p50 latency" page 2
row "lesson page, p99 latency" page 3
row "lesson page, bytes per response (with headers)" page 6
row "lesson page with Accept-Encoding: gzip, requests/s" gzip 1
row "lesson page with gzip, p50 latency" gzip 2
row "lesson page with gzip, p99 latency" gzip 3
row "lesson page with gzip, bytes per response" gzip 6
row "whole video, MiB/s (8 connections)" video 4
row "video in 1 MiB Range requests, MiB/s (8 connections)" range 4
row "video in 1 MiB Range requests, p99 latency" range 3
idle_row=() page_row=() video_row=()
for s in "${systems[@]}"; do
	idle_row+=("$(mib "${idle[$s]}")")
	page_row+=("$(peak_of "$s" page gzip)")
	video_row+=("$(peak_of "$s" video range)")
done
mem_row "resident memory idle, MiB" "${idle_row[@]}"
mem_row "resident memory, highest under page loads, MiB" "${page_row[@]}"
mem_row "resident memory, highest under video loads, MiB" "${video_row[@]}"
for s in "${systems[@]}"; do
	figure "rss_idle_serve_$s" "$(mib "${idle[$s]}")"
done
echo
errors=()
for test in "${tests[@]}"; do
	for s in "${systems[@]}"; do
		f=$BENCH_WORK/serve/$test.$s
		[ -s "$f" ] || continue
		e=$(awk '{ n += $5 } END { print n + 0 }' "$f")
		[ "$e" = 0 ] || errors+=("${label[$s]}, $test: $e")
	done
done
echo "Every run, requests/s or MiB/s:"
echo
for test in "${tests[@]}"; do
	line="- $test:"
	c=1
	case $test in video | range) c=4 ;; esac
	for s in "${systems[@]}"; do line+=" ${label[$s]} $(all_runs "$test" "$s" "$c");"; done
	echo "${line%;}."
done
echo
if [ ${#errors[@]} -eq 0 ]; then
	echo "Errors reported by wrk (socket errors, timeouts, statuses over 399): none."
else
	echo "Errors reported by wrk (socket errors, timeouts, statuses over 399), over all runs:"
	printf '%s; ' "${errors[@]}" | sed 's/; $/./'
	echo
fi
echo "Memory is VmRSS from /proc, summed over a server's processes (nginx's master and $(nproc)"
echo "workers), idle two seconds after start and sampled every 0.1 s during each load."
echo "python3 http.server answers a Range request with the whole file, so it has no Range figure."
echo "kiwix-serve runs with --nosearchbar, so that it sends the page as it is in the ZIM file."
echo
echo "Commands (PORT: a free port; nginx.conf as written by bench/serve.sh: sendfile, gzip on, no access log):"
echo
echo '```sh'
echo "build/sampan-play serve WORK/main/bundles --bind 127.0.0.1 --port PORT --trust WORK/key.pub --cache WORK/serve-cache -q"
echo "nginx -p WORK/nginx -c WORK/nginx/nginx.conf -e WORK/nginx/error.log     # root WORK/main/site"
echo "kiwix-serve --nosearchbar -i 127.0.0.1 -p PORT WORK/main/zim/*.zim"
echo "python3 -m http.server PORT --bind 127.0.0.1 --directory WORK/main/site"
for test in "${tests[@]}"; do
	wrk_args "$test" sampan
	printf 'wrk'
	printf ' %q' "${WRK_ARGS[@]}" | sed "s|http://127.0.0.1:[0-9]*/c/$id|URL|; s|$BENCH_TOP/||"
	echo
done
echo '```'
echo
echo "URL is http://127.0.0.1:PORT/c/$id for sampan-play, nginx and python3, and"
echo "http://127.0.0.1:PORT/$zim for kiwix-serve."
echo
echo "<details><summary>nginx.conf</summary>"
echo
echo '```nginx'
sed -e "s|$ngx|WORK/nginx|g; s|$BENCH_SITE|WORK/main/site|g; s|127.0.0.1:[0-9]*;|127.0.0.1:PORT;|" \
	-e '/^$/d' "$ngx/nginx.conf"
echo '```'
echo
echo "</details>"
