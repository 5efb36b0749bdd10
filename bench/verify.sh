#!/bin/bash
# verify.sh - a section of bench/run.sh: full verification of the largest bundle
# by `sampan-play verify` (ZIP structure, names, signature, manifest, and the
# SHA-256 of every byte of every entry), against hashing the same file with
# coreutils' sha256sum and with `openssl dgst -sha256`.  The file is in the page
# cache for all three.  Needs the environment bench/run.sh sets; prints Markdown.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$BENCH_TOP/bench/lib.sh"

f=$BENCH_BUNDLES/${BENCH_COURSE_ID##*.}.sampan
bytes=$(stat -c %s "$f")
cat "$f" >/dev/null

v=() s=() o=()
for _ in $(seq "$BENCH_RUNS"); do
	v+=("$(timed "$SAMPAN_PLAY" verify -q "$f" --trust "$BENCH_PUB")")
	s+=("$(timed sha256sum "$f")")
	o+=("$(timed openssl dgst -sha256 "$f")")
done
rate() { awk -v b="$bytes" -v t="$1" 'BEGIN { printf "%.0f", b / 1e6 / t }'; }
vr=$(rate "$(lowest "${v[@]}")") sr=$(rate "$(lowest "${s[@]}")") or=$(rate "$(lowest "${o[@]}")")
figure verify_sampan "$vr"
figure verify_sha256sum "$sr"
figure verify_openssl "$or"

echo "## Full verification"
echo
echo "Course 1's bundle, $bytes bytes.  MB/s = 10^6 bytes a second, from the best of $BENCH_RUNS runs."
echo "sampan-play hashes a bundle's entries on two threads; sha256sum and openssl use one."
echo
echo "| command | MB/s | seconds, every run | Sampan / command |"
echo "| --- | ---: | --- | ---: |"
echo "| sampan-play verify | $vr | ${v[*]} | |"
echo "| sha256sum | $sr | ${s[*]} | $(ratio "$vr" "$sr") |"
echo "| openssl dgst -sha256 | $or | ${o[*]} | $(ratio "$vr" "$or") |"
echo
echo '```sh'
echo "build/sampan-play verify -q WORK/main/bundles/c0001.sampan --trust WORK/key.pub"
echo "sha256sum WORK/main/bundles/c0001.sampan"
echo "openssl dgst -sha256 WORK/main/bundles/c0001.sampan"
echo '```'
