#!/bin/bash
# update.sh - a section of bench/run.sh: updates (format-spec section 21) of a
# course with about 1 GB of H.264 video (BENCH_UPDATE_MB, 1024), where one
# lesson's text changed, and where one video was re-encoded: the size of the
# update `sampan-build diff` writes, against the whole new bundle, and the
# time and memory of applying it (`sampan-play install UPDATE`: write, sync,
# verify every byte, rename), against copying the whole new bundle into the
# library with `cp` and with `sampan-play install NEW.sampan` (copy, sync,
# verify).  Every file is in the page cache first, so the figures are the
# programs' work, not the disk's.  Needs the environment bench/run.sh sets;
# prints Markdown.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$BENCH_TOP/bench/lib.sh"

mb=${BENCH_UPDATE_MB:-1024}
dir=$BENCH_WORK/update
rm -rf "$dir" && mkdir -p "$dir" && cd "$dir"
export XDG_CONFIG_HOME=$dir/config XDG_CACHE_HOME=$dir/cache SOURCE_DATE_EPOCH=1700000000

# Two videos of mb/4 MB each (ffmpeg's testsrc2 and SMPTE bars, with grain so that
# libx264 fills its 32 Mbit/s), used by four lessons: mb MB of video in all.
seconds=$(((mb / 4) * 8 / 32))
video() { # OUT SOURCE BITRATE
	ffmpeg -loglevel error -y -f lavfi -i "$2,noise=alls=24:allf=t" -t "$seconds" -c:v libx264 \
		-preset ultrafast -b:v "$3" -maxrate "$3" -bufsize 16M -pix_fmt yuv420p \
		-movflags +faststart "$1"
}
# cached OUT SOURCE BITRATE: video, or its copy kept in BENCH_UPDATE_CACHE from an earlier run
cached() {
	local keep=${BENCH_UPDATE_CACHE:+$BENCH_UPDATE_CACHE/update-$mb-$1}
	if [ -n "$keep" ] && [ -s "$keep" ]; then
		cp "$keep" "$1"
		return
	fi
	video "$@"
	if [ -n "$keep" ]; then
		mkdir -p "$BENCH_UPDATE_CACHE" && cp "$1" "$keep.tmp" && mv "$keep.tmp" "$keep"
	fi
}
say "update: encoding $mb MB of video${BENCH_UPDATE_CACHE:+ (or taking it from BENCH_UPDATE_CACHE)}"
cached a.mp4 "testsrc2=size=1280x720:rate=25" 32M
cached b.mp4 "smptehdbars=size=1280x720:rate=25" 32M
# the re-encode: b's source again, at another bitrate, as a producer would after an edit
cached b2.mp4 "smptehdbars=size=1280x720:rate=25" 24M

course() { # DIR VERSION TEXT VIDEO2
	"$SAMPAN_BUILD" init "$1" >/dev/null 2>&1
	sed -i "s/^version: .*/version: \"$2\"/; s/^id: .*/id: org.sampan.bench.update/" "$1/course.yml"
	printf '\n%s\n' "$3" >>"$1/lessons/01-welcome.md"
	for i in 1 2 3 4; do
		v=a.mp4
		[ $((i % 2)) = 0 ] && v=b.mp4
		[ "$i" = 2 ] && v=$4
		cp "$v" "$1/media/video$i.mp4"
		printf '\n![Video %d](../media/video%d.mp4)\n' "$i" "$i" >>"$1/lessons/02-next-steps.md"
	done
}
course v1 1.0 "Keep the pump clean." b.mp4
course v2 1.1 "Keep the pump clean and dry." b.mp4
course v3 1.2 "Keep the pump clean." b2.mp4
for v in v1 v2 v3; do
	"$SAMPAN_BUILD" build "$v" -k "$BENCH_KEY" -o "$v.sampan" -q 2>"$v.log" || die "build $v: $(tail -3 "$v.log")"
done

# diff DIR FROM TO NAME: write the update, timed; print its seconds
d_text=$(timed "$SAMPAN_BUILD" diff v1.sampan v2.sampan -k "$BENCH_KEY" -o text.sampan-update)
d_reenc=$(timed "$SAMPAN_BUILD" diff v1.sampan v3.sampan -k "$BENCH_KEY" -o reenc.sampan-update)
size() { stat -c %s "$1"; }
verdict_pct() { awk -v v="$1" 'BEGIN { print (v + 0 < 1) ? "met" : "missed" }'; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", 100 * a / b }'; }
s_v2=$(size v2.sampan) s_v3=$(size v3.sampan)
s_text=$(size text.sampan-update) s_reenc=$(size reenc.sampan-update)
# what travels whole in the re-encode: mostly the new video
"$SAMPAN_BUILD" diff v1.sampan v3.sampan -k "$BENCH_KEY" -o reenc2.sampan-update >reenc.out
cat ./*.sampan ./*.sampan-update >/dev/null

# apply UPDATE NEW: install the update into a library holding v1, timed with its peak memory
# (KiB); and the two copies of the whole new bundle.  Prints "apply_s apply_kib cp_s install_s install_kib".
measure() {
	local upd=$1 new=$2 t kib a=() ak=() c=() i=() ik=()
	for _ in $(seq "$BENCH_RUNS"); do
		rm -rf lib && mkdir lib && cp v1.sampan lib/ && sync
		t=$EPOCHREALTIME
		/usr/bin/time -f %M -o rss "$SAMPAN_PLAY" install "$upd" --library lib --trust "$BENCH_PUB" -q
		a+=("$(sub "$t" "$EPOCHREALTIME")") ak+=("$(cat rss)")
		rm -rf lib && mkdir lib && sync
		c+=("$(timed sh -c "cp '$new' lib/ && sync 'lib/$new'")")
		rm -rf lib && mkdir lib && sync
		t=$EPOCHREALTIME
		/usr/bin/time -f %M -o rss "$SAMPAN_PLAY" install "$new" --library lib --trust "$BENCH_PUB" -q
		i+=("$(sub "$t" "$EPOCHREALTIME")") ik+=("$(cat rss)")
	done
	echo "$(lowest "${a[@]}") $(lowest "${ak[@]}") $(lowest "${c[@]}") $(lowest "${i[@]}") $(lowest "${ik[@]}") ${a[*]} / ${c[*]} / ${i[*]}"
}
read -r ta_text ka_text tc_text ti_text ki_text runs_text <<<"$(measure text.sampan-update v2.sampan)"
read -r ta_reenc ka_reenc tc_reenc ti_reenc ki_reenc runs_reenc <<<"$(measure reenc.sampan-update v3.sampan)"

figure update_text_pct "$(pct "$s_text" "$s_v2")"
figure update_reenc_pct "$(pct "$s_reenc" "$s_v3")"
figure update_apply_text_s "$ta_text"
figure update_apply_reenc_s "$ta_reenc"
figure update_copy_text_cp_s "$tc_text"
figure update_copy_text_install_s "$ti_text"
figure update_copy_reenc_cp_s "$tc_reenc"
figure update_copy_reenc_install_s "$ti_reenc"
figure update_apply_text_kib "$ka_text"

echo "## Updates"
echo
echo "A course of $(awk -v b="$s_v2" 'BEGIN { printf "%.0f", b / 1e6 }') MB: four lessons, each with an H.264 video of $((mb / 4)) MB"
echo "(ffmpeg's testsrc2 and SMPTE bars with grain, libx264 at 32 Mbit/s).  Version 1.1 corrects one"
echo "lesson's text; version 1.2 has the second video re-encoded at 24 Mbit/s."
echo "\`sampan-build diff\` writes the update from 1.0; \`sampan-play install UPDATE\` applies it"
echo "to 1.0 in a library folder (writes the new version beside it, syncs it, verifies"
echo "every byte, renames it, removes 1.0); against it, the whole new bundle copied into"
echo "the library by \`cp\` (and \`sync\` of the copy), and by \`sampan-play install NEW.sampan\` (copy,"
echo "sync, verify every byte).  Every file is in the page cache first.  Seconds: the best"
echo "of $BENCH_RUNS runs; memory: peak resident (GNU time's %M)."
echo
echo "| change | new bundle | update | update / bundle | diff (s) | apply (s) | cp (s) | install NEW (s) | apply / cp | apply / install NEW | apply memory | install NEW memory |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
echo "| one lesson's text | $s_v2 | $s_text | $(pct "$s_text" "$s_v2") % | $d_text | $ta_text | $tc_text | $ti_text | $(ratio "$ta_text" "$tc_text") | $(ratio "$ta_text" "$ti_text") | $(mib "$ka_text") MiB | $(mib "$ki_text") MiB |"
echo "| one video re-encoded | $s_v3 | $s_reenc | $(pct "$s_reenc" "$s_v3") % | $d_reenc | $ta_reenc | $tc_reenc | $ti_reenc | $(ratio "$ta_reenc" "$tc_reenc") | $(ratio "$ta_reenc" "$ti_reenc") | $(mib "$ka_reenc") MiB | $(mib "$ki_reenc") MiB |"
echo
echo "Every run, seconds (apply / cp / install NEW): text: $runs_text; re-encode: $runs_reenc."
echo
echo "The re-encoded video shares no bytes with the old one, so it travels whole: \`diff\` said"
echo "\"$(tail -1 reenc.out | sed 's/^ *//')\"."
echo
echo '```sh'
echo "build/sampan-build diff v1.sampan v2.sampan -k WORK/key.key -o text.sampan-update"
echo "build/sampan-play install text.sampan-update --library lib --trust WORK/key.pub -q"
echo "cp v2.sampan lib/ && sync lib/v2.sampan"
echo "build/sampan-play install v2.sampan --library lib --trust WORK/key.pub -q"
echo '```'
echo
echo "Targets: the update for a text change under 1 % of the bundle:"
echo "$(pct "$s_text" "$s_v2") % ($(verdict_pct "$(pct "$s_text" "$s_v2")")); applying no slower than copying the"
echo "whole new bundle: $(ratio "$ta_text" "$tc_text") × \`cp\` and $(ratio "$ta_text" "$ti_text") × \`install NEW\` for the text change,"
echo "$(ratio "$ta_reenc" "$tc_reenc") × and $(ratio "$ta_reenc" "$ti_reenc") × for the re-encode (see NOTES.md)."
