#!/bin/bash
# updates-build.sh - sampan-build diff and build --split, and the stock-tool
# audits of what they write (format-spec/bundle-v1.md, sections 20 and 21).
# Two versions of a course (a lesson's text corrected; a video with one
# scene changed) give an update that is a small fraction of the course,
# passes `sha256sum -c` and `minisign -V`, and, applied with nothing but
# tail, head, cat and rdiff by following its steps, gives the new bundle's
# exact bytes.  diff refuses a downgrade and another publisher's key.  A
# bundle built with --split is stored as parts that every command reads as
# one, that `cat` joins into the same bytes as the bundle built whole; and
# a source over 4 GiB is warned about.  Prints TAP.
source "$(dirname "$0")/../lib/tap.sh"
B=$SAMPAN_BUILD
cd "$WORK" || exit 1
export SOURCE_DATE_EPOCH=1700000000
KEY=$TOP/samples/keys/sample.key
PUB=$TOP/samples/keys/sample.pub
OTHER=$TOP/format-spec/vectors/other.key

# A course of two lessons and a 3 MiB "video" of pseudo-random bytes.
make_course() { # DIR VERSION LESSON-TEXT SCENE
	"$B" init "$1" >/dev/null 2>&1
	sed -i "s/^version: .*/version: \"$2\"/; s/^id: .*/id: org.example.updates/" "$1/course.yml"
	printf "\n%s\n\n![The film](../media/film.mp4)\n" "$3" >>"$1/lessons/01-welcome.md"
	"$PYTHON" - "$1/media/film.mp4" "$4" <<'EOF'
import hashlib, sys
out = bytearray()
i = 0
while len(out) < 3 * 1048576:
    out += hashlib.sha256(b"film %d" % i).digest()
    i += 1
scene = sys.argv[2].encode()
if scene != b"-":
    at = 1500000
    new = b"".join(hashlib.sha256(scene + b"%d" % k).digest() for k in range(3200))
    out[at:at + len(new)] = new
open(sys.argv[1], "wb").write(bytes(out))
EOF
}

make_course v1 1.0 "Keep the pump clean." -
make_course v2 1.1 "Keep the pump clean and dry." -
make_course v3 1.2 "Keep the pump clean and dry." "a new scene"
for v in v1 v2 v3; do
	"$B" build "$v" -k "$KEY" -o "$v.sampan" -q >"$v.log" 2>&1 || not_ok "build $v" "$(cat "$v.log")"
done

# --- diff: a corrected lesson ----------------------------------------------------------
expect_exit 0 'Wrote text.sampan-update: org.example.updates 1.0 to 1.1' \
	"diff writes an update for a corrected lesson" \
	"$B" diff v1.sampan v2.sampan -k "$KEY" -o text.sampan-update
size_new=$(stat -c %s v2.sampan)
size_upd=$(stat -c %s text.sampan-update)
if [ "$size_upd" -lt $((size_new / 20)) ]; then
	ok "the update is $size_upd bytes for a bundle of $size_new"
else
	not_ok "the update is small" "$size_upd bytes for $size_new"
fi

# Apply an update with stock tools, following META-INF/update: BASE UPDATE OUT
stock_apply() {
	local base=$1 upd=$2 out=$3 dir=$WORK/stock.$$ line
	rm -rf "$dir" && mkdir "$dir" && unzip -q -d "$dir" "$upd" || return 1
	: >"$out"
	while IFS= read -r line; do
		set -- $line
		case $1 in
		'#') ;;
		copy) tail -c +$(($2 + 1)) "$base" | head -c "$3" >>"$out" ;;
		data) cat "$dir/$2" >>"$out" ;;
		patch)
			tail -c +$(($2 + 1)) "$base" | head -c "$3" >"$dir/basis"
			rdiff patch "$dir/basis" "$dir/$5" "$dir/patched" && cat "$dir/patched" >>"$out" &&
				rm -f "$dir/patched"
			;;
		*) return 1 ;;
		esac
	done <"$dir/META-INF/update"
	# the step list names the target by its SHA-256
	[ "$(sha256sum <"$out" | cut -c1-64)" = "$(sed -n 's/^# sha256: //p' "$dir/META-INF/update")" ]
}

audit() { # UPDATE: the audit of section 21.8
	rm -rf audit && mkdir audit && unzip -q -d audit "$1" && (
		cd audit && sha256sum -c --strict META-INF/MANIFEST >/dev/null &&
			minisign -H -V -m META-INF/MANIFEST -x META-INF/MANIFEST.minisig -p "$PUB" &&
			minisign -H -V -m target/META-INF/MANIFEST -x target/META-INF/MANIFEST.minisig -p "$PUB"
	)
}
expect_exit 0 'sampan-update:1	id:org.example.updates	from:1.0	to:1.1' \
	"the update passes sha256sum -c and minisign -V, for itself and its target" audit text.sampan-update
check "stock tools apply it: tail, head and cat give the new bundle's SHA-256" \
	stock_apply v1.sampan text.sampan-update stock-v2.sampan
check "... and its exact bytes" cmp stock-v2.sampan v2.sampan

# --- diff: a video with one scene changed --------------------------------------------
expect_exit 0 '1 entry as deltas of' "diff carries a video changed in part as a delta" \
	"$B" diff v2.sampan v3.sampan -k "$KEY" -o video.sampan-update
size_upd=$(stat -c %s video.sampan-update)
if [ "$size_upd" -lt $((1024 * 1024)) ]; then
	ok "the update for a 3 MiB video with a 100 KB scene changed is $size_upd bytes"
else
	not_ok "the video update is small" "$size_upd bytes"
fi
if unzip -l video.sampan-update | grep -q ' delta/0'; then ok "it holds a delta/ entry"; else
	not_ok "it holds a delta/ entry" "$(unzip -l video.sampan-update)"
fi
check "stock tools apply it, rdiff patch for the delta" \
	stock_apply v2.sampan video.sampan-update stock-v3.sampan
check "... giving the new bundle's exact bytes" cmp stock-v3.sampan v3.sampan
check "sampan-build verify accepts the bundle the stock tools made" \
	"$B" verify stock-v3.sampan --trust "$PUB" -q

# --- diff refuses what is not an update -------------------------------------------------
expect_exit 1 'UPDATE_DOWNGRADE' "diff refuses to go from 1.1 down to 1.0" \
	"$B" diff v2.sampan v1.sampan -k "$KEY" -o down.sampan-update
expect_exit 1 'KEY_UNTRUSTED|UPDATE_SIGNER' "diff refuses a key that did not sign the versions" \
	"$B" diff v1.sampan v2.sampan -k "$OTHER" -o other.sampan-update
if [ ! -e down.sampan-update ] && [ ! -e other.sampan-update ] && ! ls .*.tmp-* >/dev/null 2>&1; then
	ok "a refused diff leaves no file"
else
	not_ok "a refused diff leaves no file" "$(ls -a)"
fi
expect_exit 2 'diff needs' "diff without -o is a usage error" "$B" diff v1.sampan v2.sampan -k "$KEY"
expect_exit 0 'sampan-build diff OLD.sampan NEW.sampan' "diff --help" "$B" diff --help

# --- build --split ---------------------------------------------------------------------
expect_exit 0 'stored as 4 parts' "build --split 1M stores a bundle of 3 MB as 4 parts" \
	"$B" build v3 -k "$KEY" -o split.sampan --split 1M
if [ -e split.sampan.004 ] && [ ! -e split.sampan.005 ] && [ ! -e split.sampan ] &&
	[ "$(stat -c %s split.sampan.001)" -eq 1048576 ]; then
	ok "the parts are split.sampan.001 to .004, the first 1 MiB"
else
	not_ok "the parts are there" "$(ls -l split.sampan*)"
fi
cat split.sampan.??? >joined.sampan
check "cat joins the parts into the same bytes as the bundle built whole" cmp joined.sampan v3.sampan
for arg in split.sampan split.sampan.001; do
	expect_exit 0 "valid" "sampan-build verify reads $arg as one bundle" \
		"$B" verify "$arg" --trust "$PUB" -q
done
expect_exit 0 'org.example.updates' "sampan-build inspect reads the parts" "$B" inspect split.sampan
expect_exit 2 'give .*split.sampan or its first part' "a later part alone is a usage error" \
	"$B" verify split.sampan.002 --trust "$PUB"
mv split.sampan.003 aside
expect_exit 1 'part split.sampan.003 is missing.*PART_MISSING' "a missing part is named" \
	"$B" verify split.sampan --trust "$PUB"
mv aside split.sampan.003
cp v1.sampan split.sampan.005
expect_exit 1 'part split.sampan.005 is not part of the bundle.*PART_EXTRA' \
	"a stray part after the last is named" "$B" verify split.sampan --trust "$PUB"
mv split.sampan.005 split.sampan.006
expect_exit 1 'part split.sampan.005 is missing.*PART_MISSING' \
	"a stray part after a gap is refused, naming the gap" "$B" verify split.sampan --trust "$PUB"
rm split.sampan.006
expect_exit 0 'SHA-256' "built again without --split, the bundle is one file" \
	"$B" build v3 -k "$KEY" -o split.sampan
if [ -e split.sampan ] && ! ls split.sampan.0* >/dev/null 2>&1; then
	ok "... and the parts of the earlier build are gone"
else
	not_ok "the old parts are gone" "$(ls split.sampan*)"
fi
expect_exit 2 'not a size' "--split below 1M is a usage error" \
	"$B" build v3 -k "$KEY" -o x.sampan --split 1000
expect_exit 0 '--split SIZE' "build --help documents --split" "$B" build --help

# --- the lint's warning: a course over 4 GiB ----------------------------------------------
"$B" init big >/dev/null 2>&1
truncate -s 2500M big/media/a.bin big/media/b.bin
expect_exit 0 'warning: .*does not fit in one file on a FAT32 USB stick; build it with --split fat32' \
	"check warns that a 5 GB course does not fit on FAT32 as one file" "$B" check big

done_testing
