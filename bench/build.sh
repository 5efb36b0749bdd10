#!/bin/bash
# build.sh - a section of bench/run.sh: how long sampan-build takes to pack the
# corpus, against `zip -r` storing the media (-n .mp4) and zimwriterfs, side by
# side on the same courses in one run.  sampan-build also renders the lessons'
# Markdown, hashes every byte, signs, and reads the bundle back to verify it;
# zip only copies and computes CRC-32; zimwriterfs packs the pages sampan-build
# rendered (as extracted from the bundles), compresses them and indexes their
# text.  The page cache is warm for all three: the corpus was read to prepare it.
# Needs the environment bench/run.sh sets; prints Markdown.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$BENCH_TOP/bench/lib.sh"
out=$BENCH_WORK/build-out
mkdir -p "$out"
courses=()
declare -A iso3=()
while read -r c _ code; do
	courses+=("$c")
	iso3[$c]=$code
done < <("$PYTHON" "$BENCH_TOP/bench/corpus.py" --languages --courses "$(ls "$BENCH_CORPUS" | wc -l)" -)

sampan_all() {
	local c
	for c in "${courses[@]}"; do
		"$SAMPAN_BUILD" build "$BENCH_CORPUS/$c" -k "$BENCH_KEY" -o "$out/$c.sampan" -q
	done
}
zip_all() {
	local c
	for c in "${courses[@]}"; do
		(cd "$BENCH_CORPUS" && zip -r -q -n .mp4 "$out/$c.zip" "$c")
	done
}
zim_all() {
	local c
	for c in "${courses[@]}"; do
		(cd "$BENCH_SITE/c/org.sampan.bench.$c" && zimwriterfs -w index.html -I media/icon.png \
			-l "${iso3[$c]}" -t "Benchmark course $c" -d "A Sampan benchmark course" -c "Sampan benchmarks" \
			-p "Sampan benchmarks" . "$out/$c.zim")
	done
}

s=() z=() w=()
for _ in $(seq "$BENCH_RUNS"); do
	rm -f "$out"/*
	s+=("$(timed sampan_all)")
	z+=("$(timed zip_all)")
	w+=("$(timed zim_all)")
done
size() { du -cb "$out"/*."$1" | tail -1 | cut -f1; }
ss=$(size sampan) zs=$(size zip) ws=$(size zim)
sb=$(lowest "${s[@]}") zb=$(lowest "${z[@]}") wb=$(lowest "${w[@]}")
input=$(du -cb "$BENCH_CORPUS" | tail -1 | cut -f1)
figure build_sampan "$sb"
figure build_zip "$zb"
figure build_zim "$wb"

echo "## Build time and size"
echo
echo "The ${#courses[@]} courses of the corpus ($input bytes of course folders), one after the other;"
echo "seconds are the best of $BENCH_RUNS runs, wall clock."
echo
echo "| tool | seconds | all runs | output bytes | Sampan / tool (time) | Sampan / tool (bytes) |"
echo "| --- | ---: | --- | ---: | ---: | ---: |"
echo "| sampan-build build | $sb | ${s[*]} | $ss | | |"
echo "| zip -r -n .mp4 | $zb | ${z[*]} | $zs | $(ratio "$sb" "$zb") | $(ratio "$ss" "$zs" 3) |"
echo "| zimwriterfs (of the extracted pages) | $wb | ${w[*]} | $ws | $(ratio "$sb" "$wb") | $(ratio "$ss" "$ws" 3) |"
echo
echo "Commands, for each course cNNNN:"
echo
echo '```sh'
echo 'build/sampan-build build WORK/main/corpus/cNNNN -k WORK/key.key -o OUT/cNNNN.sampan -q'
echo '(cd WORK/main/corpus && zip -r -q -n .mp4 OUT/cNNNN.zip cNNNN)'
echo '(cd WORK/main/site/c/org.sampan.bench.cNNNN && zimwriterfs -w index.html -I media/icon.png \'
echo '    -l ISO639-3 -t "Benchmark course cNNNN" -d "A Sampan benchmark course" -c "Sampan benchmarks" \'
echo '    -p "Sampan benchmarks" . OUT/cNNNN.zim)'
echo '```'
