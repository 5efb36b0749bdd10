#!/bin/bash
# run.sh - `make bench`: Sampan against its peers, side by side on one machine in
# one run, written to bench/RESULTS.md with a plot, bench/startup-memory.png.
#
#   bench/run.sh                 the default run: 3 courses, a 200 MB video, 2 runs of
#                                everything, start-up with 1, 10, 100 and 600 bundles
#   BENCH_FULL=1 bench/run.sh    a larger run: 20 courses, a 1000 MB video, 3 runs, 10 s loads
#
# Settings (environment; BENCH_FULL changes the defaults): BENCH_COURSES (3),
# BENCH_VIDEO_MB (200), BENCH_RUNS (2), BENCH_DURATION (5, seconds of each wrk
# load), BENCH_LADDER ("1 10 100 600", numbers of bundles to start with),
# BENCH_OUT (bench/, where RESULTS.md and the plot go).  SAMPAN_BUILD,
# SAMPAN_PLAY and PYTHON name the programs (build/sampan-build, build/sampan-play,
# python3).  The peers come from Debian's packages: `scripts/install-deps.sh bench`.
# BENCH_UPDATE_MB (1024, MB of video in the course the update section updates);
# BENCH_UPDATE_CACHE (a folder: the update section keeps the videos it encodes
# there and takes them from there the next time, instead of encoding them again).
# BENCH_SECTIONS ("build serve verified lock startup verify update search", the sections
# to run): a subset runs only those and keeps the other sections of RESULTS.md,
# with their figures and targets, as they were measured (RESULTS.md says when and
# at which commit each section was).  SAMPAN_PLAY_BEFORE names another build of
# sampan-play (and SAMPAN_BEFORE_COMMIT its commit) for the sections that show a
# before and after side by side (verified, lock).
#
# One corpus feeds every system (bench/corpus.py): its courses are built into
# bundles for sampan-play, extracted from them to disk for nginx and
# `python3 -m http.server`, and packed from there by zimwriterfs for
# kiwix-serve.  A second corpus of small courses, as many as the largest
# number in BENCH_LADDER, is prepared the same way for the start-up figures.
#
# Sections, each a script in bench/ that prints Markdown and adds its figures
# to $BENCH_FIGURES: build.sh, serve.sh, verified.sh, lock.sh, startup.sh,
# verify.sh, update.sh (which makes its own course of BENCH_UPDATE_MB of video
# with ffmpeg, and uses none of the corpus).  Search
# latency is not measured here: when bench/search.sh exists it is run last
# with the same environment and its Markdown is added to RESULTS.md.  The
# environment every section gets:
#   BENCH_TOP BENCH_WORK BENCH_FIGURES BENCH_RUNS BENCH_DURATION BENCH_LADDER
#   SAMPAN_BUILD SAMPAN_PLAY PYTHON
#   SAMPAN_PLAY_BEFORE, SAMPAN_BEFORE_COMMIT  (optional) a build to compare with
#   BENCH_KEY, BENCH_PUB       the benchmarks' secret and public keys
#   BENCH_CORPUS               course folders (c0001 ...), BENCH_BUNDLES their bundles
#                              (c0001.sampan ...), BENCH_SITE the bundles extracted to
#                              disk (c/ID/...), BENCH_ZIM their ZIM files (c0001.zim ...)
#   BENCH_MANY_CORPUS, BENCH_MANY_BUNDLES, BENCH_MANY_SITE, BENCH_MANY_ZIM
#                              the same for the small courses (c1001 ...)
#   BENCH_COURSE_ID (org.sampan.bench.c0001), BENCH_PAGE (lessons/01-introduction.html),
#   BENCH_VIDEO (media/video.mp4): the course, lesson page and video measured
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
t_start=$EPOCHREALTIME
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

if [ "${BENCH_FULL:-0}" = 1 ]; then
	: "${BENCH_COURSES:=20}" "${BENCH_VIDEO_MB:=1000}" "${BENCH_RUNS:=3}" "${BENCH_DURATION:=10}"
fi
: "${BENCH_COURSES:=3}" "${BENCH_VIDEO_MB:=200}" "${BENCH_RUNS:=2}" "${BENCH_DURATION:=5}"
: "${BENCH_LADDER:=1 10 100 600}" "${BENCH_OUT:=$top/bench}"
: "${SAMPAN_BUILD:=$top/build/sampan-build}" "${SAMPAN_PLAY:=$top/build/sampan-play}"
: "${PYTHON:=python3}"
SAMPAN_BUILD=$(realpath "$SAMPAN_BUILD")
SAMPAN_PLAY=$(realpath "$SAMPAN_PLAY")
BENCH_OUT=$(realpath "$BENCH_OUT")
export BENCH_TOP=$top BENCH_RUNS BENCH_DURATION BENCH_LADDER SAMPAN_BUILD SAMPAN_PLAY PYTHON
if [ -n "${SAMPAN_PLAY_BEFORE:-}" ]; then
	SAMPAN_PLAY_BEFORE=$(realpath "$SAMPAN_PLAY_BEFORE")
	[ -x "$SAMPAN_PLAY_BEFORE" ] || { echo "bench: SAMPAN_PLAY_BEFORE: $SAMPAN_PLAY_BEFORE is not a program" >&2; exit 2; }
	export SAMPAN_PLAY_BEFORE SAMPAN_BEFORE_COMMIT
fi
all_sections=(build serve verified lock startup verify update)
[ -f "$top/bench/search.sh" ] && all_sections+=(search)
read -r -a sections <<<"${BENCH_SECTIONS:-${all_sections[*]}}"
for s in "${sections[@]}"; do
	[[ " ${all_sections[*]} " == *" $s "* ]] ||
		{ echo "bench: BENCH_SECTIONS: no section '$s' (${all_sections[*]})" >&2; exit 2; }
done
running() { [[ " ${sections[*]} " == *" $1 "* ]]; }

for tool in "$SAMPAN_BUILD" "$SAMPAN_PLAY"; do
	[ -x "$tool" ] || { echo "bench: $tool: not built (run make)" >&2; exit 3; }
done
for tool in nginx kiwix-serve zimwriterfs wrk gnuplot zip sha256sum openssl curl "$PYTHON"; do
	command -v "$tool" >/dev/null ||
		{ echo "bench: $tool is missing (scripts/install-deps.sh bench installs it)" >&2; exit 3; }
done
# shellcheck disable=SC2086 # a list of numbers
max_n=$(printf '%s\n' $BENCH_LADDER | sort -n | tail -1)
if ! [ "$max_n" -ge 1 ] || ! [ "$max_n" -le 600 ]; then
	echo "bench: BENCH_LADDER: numbers of bundles, 1 to 600" >&2
	exit 2
fi

BENCH_WORK=$(mktemp -d "${TMPDIR:-/tmp}/sampan-bench-XXXXXX")
trap 'rm -rf "$BENCH_WORK"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
export BENCH_WORK BENCH_FIGURES=$BENCH_WORK/figures
: >"$BENCH_FIGURES"
# The sections not run this time keep what RESULTS.md says of them: their
# figures (a comment at its end, read before this run's, which come after and
# win), and their text between the comments that mark each section.
old_results=$BENCH_OUT/RESULTS.md
if [ ${#sections[@]} -lt ${#all_sections[@]} ] && [ -f "$old_results" ]; then
	sed -n '/^<!-- figures$/,/^-->$/{/^<!--/d;/^-->/d;p}' "$old_results" >>"$BENCH_FIGURES"
fi
# shellcheck source=bench/lib.sh
source "$top/bench/lib.sh"
jobs=$(nproc)

# ---- the corpus, for every system ----
# prepare DIR FIRST COUNT [corpus.py options]: course folders, bundles, pages on disk, ZIMs.
prepare() {
	local dir=$1 first=$2 count=$3
	shift 3
	mkdir -p "$dir/corpus" "$dir/bundles" "$dir/site/c" "$dir/zim"
	"$PYTHON" "$top/bench/corpus.py" "$dir/corpus" --first "$first" --courses "$count" "$@"
	# shellcheck disable=SC2016
	"$PYTHON" "$top/bench/corpus.py" "$dir/corpus" --first "$first" --courses "$count" --languages |
		xargs -P "$jobs" -L 1 bash -c '
			set -euo pipefail
			"$SAMPAN_BUILD" build "$0/corpus/$1" -k "$BENCH_KEY" -o "$0/bundles/$1.sampan" -q
			"$SAMPAN_PLAY" extract "$0/bundles/$1.sampan" "$0/site/c/org.sampan.bench.$1" \
				--trust "$BENCH_PUB" -q
			cd "$0/site/c/org.sampan.bench.$1"
			zimwriterfs -J 1 -w index.html -I media/icon.png -l "$3" -t "Benchmark course $1" \
				-d "A Sampan benchmark course" -c "Sampan benchmarks" -p "Sampan benchmarks" \
				. "$0/zim/$1.zim" >/dev/null' "$dir"
}

export BENCH_KEY=$BENCH_WORK/key.key BENCH_PUB=$BENCH_WORK/key.pub
"$SAMPAN_BUILD" keygen -o "$BENCH_WORK/key" --no-password >/dev/null
# nginx's workers run as nobody when it starts as root: they must reach the pages.
chmod 755 "$BENCH_WORK"

# update.sh makes its own course: a run of that section alone prepares no corpus.
t0=$EPOCHREALTIME
if [ "${sections[*]}" != update ]; then
	say "preparing $BENCH_COURSES courses (a $BENCH_VIDEO_MB MB video)$(running startup && echo " and $max_n small ones")"
	prepare "$BENCH_WORK/main" 1 "$BENCH_COURSES" --video-mb "$BENCH_VIDEO_MB"
	running startup && prepare "$BENCH_WORK/many" 1001 "$max_n" --small-video-kb 64
fi
prepare_seconds=$(sub "$t0" "$EPOCHREALTIME")
for part in corpus bundles site zim; do
	upper=${part^^}
	export "BENCH_$upper=$BENCH_WORK/main/$part" "BENCH_MANY_$upper=$BENCH_WORK/many/$part"
done
export BENCH_COURSE_ID=org.sampan.bench.c0001 BENCH_PAGE=lessons/01-introduction.html \
	BENCH_VIDEO=media/video.mp4

# ---- the sections ----
mkdir -p "$BENCH_WORK/out"
commit=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)
for s in "${sections[@]}"; do
	say "$s ($(sub "$t_start" "$EPOCHREALTIME") s so far)"
	t0=$EPOCHREALTIME
	l0=$(cut -d' ' -f1 /proc/loadavg)
	bash "$top/bench/$s.sh" >"$BENCH_WORK/out/$s.md"
	echo "$s $(sub "$t0" "$EPOCHREALTIME")" >>"$BENCH_WORK/out/seconds"
	figure "measured_$s" "$(date -u '+%Y-%m-%d_%H:%M_UTC'),$commit,$l0-$(cut -d' ' -f1 /proc/loadavg)"
done
# section NAME: its Markdown between its marks, from this run or else from the last RESULTS.md.
section() {
	echo "<!-- section $1 -->"
	if running "$1"; then
		cat "$BENCH_WORK/out/$1.md"
	elif [ -f "$old_results" ]; then
		sed -n "/^<!-- section $1 -->\$/,/^<!-- end $1 -->\$/{/^<!-- /d;p}" "$old_results"
	fi
	echo "<!-- end $1 -->"
}

# ---- RESULTS.md ----
fig() { awk -v k="$1" '$1 == k { v = $2 } END { print (v == "" ? "n/a" : v) }' "$BENCH_FIGURES"; }
# verdict VALUE OP LIMIT: "met" or "**missed**".
verdict() {
	awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN {
		if (v == "n/a") { print "not measured"; exit }
		ok = (op == ">=") ? v + 0 >= l + 0 : (op == "<=") ? v + 0 <= l + 0 : v + 0 < l + 0
		print ok ? "met" : "**missed**" }'
}
version() { "$@" 2>&1 | grep -m1 . | tr -s ' \t' ' ' | sed 's/|/\\|/g'; }

results=$BENCH_WORK/RESULTS.md
total=$(sub "$t_start" "$EPOCHREALTIME")
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
n=$max_n
{
	echo "# Sampan benchmarks"
	echo
	echo "Written by \`make bench\` (bench/run.sh) on $(date -u '+%Y-%m-%d %H:%M UTC'); do not edit, run it again"
	echo "(\`BENCH_SECTIONS=\"serve lock\" make bench\` runs some sections and keeps the others)."
	echo "Every figure was measured $BENCH_RUNS times (BENCH_RUNS), the systems taking turns; each table gives"
	echo "the best run (highest rate, lowest time or memory) and lists every run where it helps."
	echo "Absolute figures drift on a shared machine; the ratios, taken side by side, drift less."
	echo
	echo "| section | measured | commit | load average (1 min) at its start and end |"
	echo "| --- | --- | --- | --- |"
	for s in "${all_sections[@]}"; do
		m=$(fig "measured_$s")
		[ "$m" = n/a ] && continue
		IFS=, read -r when at loads <<<"$m"
		echo "| $s | ${when//_/ } | $at | ${loads/-/, } |"
	done
	echo
	echo "## Machine and versions"
	echo
	echo "| | |"
	echo "| --- | --- |"
	echo "| CPU | $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(nproc) cores$(grep -qw sha_ni /proc/cpuinfo && echo ', SHA extensions') |"
	echo "| memory | $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) |"
	echo "| system | $(. /etc/os-release && echo "$PRETTY_NAME"), Linux $(uname -r) |"
	echo "| load average (1, 5, 15 min) | $load_start at the start of this run, $load_end at its end: whatever else runs on the machine takes its share of the cores |"
	echo "| sampan-play, sampan-build | $(version "$SAMPAN_PLAY" --version), $(version "$SAMPAN_BUILD" --version) (commit $(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)) |"
	echo "| nginx | $(version nginx -v) |"
	echo "| kiwix-serve | $(version kiwix-serve --version), $(kiwix-serve --version 2>&1 | grep -m1 libkiwix | tr -d '+') |"
	echo "| zimwriterfs | $(version zimwriterfs --version), $(zimwriterfs --version 2>&1 | grep -m1 libzim | tr -d '+') |"
	echo "| python3 | $(version "$PYTHON" --version) |"
	echo "| wrk | $(wrk -v 2>&1 | grep -m1 -o 'wrk [^ ]*') |"
	echo "| zip | $(zip -v | sed -n 2p | sed 's/This is //; s/, by Info-ZIP.//') |"
	echo "| sha256sum | $(version sha256sum --version) |"
	echo "| openssl | $(version openssl version) |"
	echo "| gnuplot | $(version gnuplot --version) |"
	echo
	echo "## Settings"
	echo
	echo "\`BENCH_COURSES=$BENCH_COURSES BENCH_VIDEO_MB=$BENCH_VIDEO_MB BENCH_RUNS=$BENCH_RUNS BENCH_DURATION=$BENCH_DURATION BENCH_LADDER=\"$BENCH_LADDER\"\`"
	echo "(\`make bench BENCH_FULL=1\` runs a larger set).  The corpus: \`bench/corpus.py\`, $BENCH_COURSES"
	echo "courses in turn in Thai, Chinese, Khmer, Vietnamese, English, Lao and Burmese, three"
	echo "lessons each with pictures, a drawing, a video and its subtitles; course 1's video is"
	echo "$BENCH_VIDEO_MB MB, the others 256 kB; and $max_n small courses (64 kB videos) for start-up."
	echo "WORK below is the run's temporary folder; build/ and bench/ are the repository's."
	echo
	echo "## Targets"
	echo
	echo "Targets to report against, not tests: where one is missed, [NOTES.md](NOTES.md) says why"
	echo "and what would close it."
	echo
	echo "| target | Sampan | peer | Sampan / peer | verdict |"
	echo "| --- | ---: | ---: | ---: | --- |"
	r=$(ratio "$(fig page_rps_sampan)" "$(fig page_rps_nginx)")
	echo "| lesson page requests/s at least nginx's | $(fig page_rps_sampan) | nginx $(fig page_rps_nginx) | $r | $(verdict "$r" '>=' 1) |"
	r=$(ratio "$(fig video_mibs_sampan)" "$(fig video_mibs_nginx)")
	echo "| whole video MiB/s at least 0.9 × nginx's | $(fig video_mibs_sampan) | nginx $(fig video_mibs_nginx) | $r | $(verdict "$r" '>=' 0.9) |"
	r=$(ratio "$(fig range_mibs_sampan)" "$(fig range_mibs_nginx)")
	echo "| video in 1 MiB Range requests, MiB/s at least 0.9 × nginx's | $(fig range_mibs_sampan) | nginx $(fig range_mibs_nginx) | $r | $(verdict "$r" '>=' 0.9) |"
	v=$(fig "rss_idle_sampan_$n")
	echo "| resident memory with $n bundles, idle, under 20 MiB | $v MiB | kiwix-serve $(fig "rss_idle_kiwix_$n") MiB | $(ratio "$v" "$(fig "rss_idle_kiwix_$n")") | $(verdict "$v" '<' 20) |"
	v=$(fig "rss_all_sampan_$n")
	echo "| resident memory with $n bundles, after a page of each, under 20 MiB | $v MiB | kiwix-serve $(fig "rss_all_kiwix_$n") MiB | $(ratio "$v" "$(fig "rss_all_kiwix_$n")") | $(verdict "$v" '<' 20) |"
	v=$(fig "start_warm_sampan_$n")
	echo "| warm start with $n bundles within 0.2 s | $v s | kiwix-serve $(fig "start_second_kiwix_$n") s | $(ratio "$v" "$(fig "start_second_kiwix_$n")") | $(verdict "$v" '<=' 0.2) |"
	v=$(fig "start_cold_sampan_$n")
	echo "| cold start (empty cache) with $n bundles within 10 s | $v s | kiwix-serve $(fig "start_first_kiwix_$n") s | $(ratio "$v" "$(fig "start_first_kiwix_$n")") | $(verdict "$v" '<=' 10) |"
	r=$(ratio "$(fig build_sampan)" "$(fig build_zip)")
	echo "| build time within 1.2 × \`zip -r -n .mp4\` | $(fig build_sampan) s | zip $(fig build_zip) s | $r | $(verdict "$r" '<=' 1.2) |"
	r=$(ratio "$(fig verify_sampan)" "$(fig verify_openssl)")
	echo "| full verification at least 0.8 × \`openssl dgst -sha256\` | $(fig verify_sampan) MB/s | openssl $(fig verify_openssl) MB/s | $r | $(verdict "$r" '>=' 0.8) |"
	r=$(ratio "$(fig video_cold_sampan)" "$(fig video_cold_openssl)")
	echo "| video sent cold (every chunk read and hashed) at least 0.8 × \`openssl dgst -sha256\` | $(fig video_cold_sampan) MiB/s | openssl $(fig video_cold_openssl) MiB/s | $r | $(verdict "$r" '>=' 0.8) |"
	r=$(ratio "$(fig video_warm_sampan)" "$(fig video_warm_nginx)")
	echo "| video to a class (warm, --cache-memory 256M) at least 0.9 × nginx's | $(fig video_warm_sampan) MiB/s | nginx $(fig video_warm_nginx) MiB/s | $r | $(verdict "$r" '>=' 0.9) |"
	v=$(fig update_text_pct)
	echo "| update for a changed lesson text under 1 % of the course's bundle (about 1 GB of video) | $v % | | | $(verdict "$v" '<' 1) |"
	r=$(ratio "$(fig update_apply_text_s)" "$(fig update_copy_text_install_s)")
	echo "| applying that update no slower than \`sampan-play install\` of the whole new bundle (copy and verify) | $(fig update_apply_text_s) s | install $(fig update_copy_text_install_s) s | $r | $(verdict "$r" '<=' 1) |"
	r=$(ratio "$(fig update_apply_text_s)" "$(fig update_copy_text_cp_s)")
	echo "| applying that update no slower than \`cp\` of the whole new bundle (no check) | $(fig update_apply_text_s) s | cp $(fig update_copy_text_cp_s) s | $r | $(verdict "$r" '<=' 1) |"
	r=$(ratio "$(fig update_apply_reenc_s)" "$(fig update_copy_reenc_install_s)")
	echo "| applying the update of a re-encoded video no slower than \`sampan-play install\` of the whole new bundle | $(fig update_apply_reenc_s) s | install $(fig update_copy_reenc_install_s) s | $r | $(verdict "$r" '<=' 1) |"
	v=$(fig lock_p99_ratio_small)
	echo "| page p99 while its course's largest entry is pulled, at most 2 × alone (--cache-memory 16M: every pull read) | $v × | | | $(verdict "$v" '<=' 2) |"
	echo
	for s in "${all_sections[@]}"; do
		[ "$s" = search ] && continue
		section "$s"
		echo
	done
	if [ -f "$BENCH_WORK/out/search.md" ] || [ -f "$old_results" ]; then
		section search
		echo
	else
		# Search latency: measured by bench/search.sh once search exists (see the header).
		echo "## Search"
		echo
		echo "Not measured: bench/search.sh, which measures search latency, does not exist yet."
		echo
	fi
	echo "## Time taken"
	echo
	echo "Preparing the corpora (generating, building, extracting, packing ZIMs, $jobs at a time): $prepare_seconds s."
	awk '{ printf "Section %s: %s s. ", $1, $2 }' "$BENCH_WORK/out/seconds"
	echo
	echo "The whole run: $total s."
	echo
	# Every figure, for the targets of a later run of some sections (last one wins).
	echo "<!-- figures"
	awk '{ v[$1] = $2; if (!($1 in seen)) { seen[$1] = 1; k[++n] = $1 } } END { for (i = 1; i <= n; i++) print k[i], v[k[i]] }' \
		"$BENCH_FIGURES"
	echo "-->"
} >"$results"

# The plot, made from the start-up section's table.
if [ -s "$BENCH_WORK/startup.dat" ]; then
	gnuplot -e "datafile='$BENCH_WORK/startup.dat'; outfile='$BENCH_WORK/startup-memory.png'" \
		"$top/bench/startup-memory.gp"
	mv "$BENCH_WORK/startup-memory.png" "$BENCH_OUT/startup-memory.png"
fi
# Nothing of this machine's paths in a file meant to be committed.
sed -i "s|$BENCH_WORK|WORK|g; s|$top/||g" "$results"
# The section make bench-pi writes (bench/pi.sh) is kept as it was.
if [ -f "$BENCH_OUT/RESULTS.md" ] && grep -q '^<!-- bench-pi -->$' "$BENCH_OUT/RESULTS.md"; then
	echo >>"$results"
	sed -n '/^<!-- bench-pi -->$/,/^<!-- \/bench-pi -->$/p' "$BENCH_OUT/RESULTS.md" >>"$results"
fi
mv "$results" "$BENCH_OUT/RESULTS.md"
say "wrote $BENCH_OUT/RESULTS.md and $BENCH_OUT/startup-memory.png in $total s"
