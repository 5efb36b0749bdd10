#!/bin/bash
# t1300-updates-build.sh - sampan-build diff and build --split, and the
# stock-tool audits of what they write (format-spec/bundle-v1.md, sections 20
# and 21).  Two versions of a course (a lesson's text corrected; a video with
# one scene changed) give an update that is a small fraction of the course,
# passes `sha256sum -c` and `minisign -V`, and, applied with nothing but tail,
# head, cat and rdiff by following its steps, gives the new bundle's exact
# bytes.  diff refuses a downgrade and another publisher's key.  A bundle built
# with --split is stored as parts that every command reads as one, that `cat`
# joins into the same bytes as the bundle built whole; and a source over 4 GiB
# is warned about.
source "$(dirname "$0")/../lib/test-lib.sh"
export SOURCE_DATE_EPOCH=1700000000
KEY=$TOP/samples/keys/sample.key
PUB=$TOP/samples/keys/sample.pub
OTHER=$TOP/format-spec/vectors/other.key

# A course of two lessons and a 3 MiB "video" of pseudo-random bytes.
make_course() { # DIR VERSION LESSON-TEXT SCENE
	"$B" init "$1" >/dev/null 2>&1 &&
		sed -i "s/^version: .*/version: \"$2\"/; s/^id: .*/id: org.example.updates/" "$1/course.yml" &&
		printf "\n%s\n\n![The film](../media/film.mp4)\n" "$3" >>"$1/lessons/01-welcome.md" &&
		"$PYTHON" - "$1/media/film.mp4" "$4" <<-'PY'
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
	PY
}

# Apply an update with stock tools, following META-INF/update: BASE UPDATE OUT
stock_apply() {
	local base=$1 upd=$2 out=$3 dir=$WORK/stock.$$ line
	rm -rf "$dir" && mkdir "$dir" && unzip -q -d "$dir" "$upd" || return 1
	: >"$out"
	while IFS= read -r line; do
		# shellcheck disable=SC2086
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

# The updates the cases share, made when a case needs one.
text_update() {
	test -e text.sampan-update ||
		"$B" diff v1.sampan v2.sampan -k "$KEY" -o text.sampan-update -q
}
video_update() {
	test -e video.sampan-update ||
		"$B" diff v2.sampan v3.sampan -k "$KEY" -o video.sampan-update -q
}
# build_split NAME: v3 built with --split 1M as NAME.sampan.001...
build_split() {
	"$B" build v3 -k "$KEY" -o "$1.sampan" --split 1M -q
}

test_setup 'three versions of a course: a lesson corrected, then a scene of its video changed' '
	make_course v1 1.0 "Keep the pump clean." - &&
	make_course v2 1.1 "Keep the pump clean and dry." - &&
	make_course v3 1.2 "Keep the pump clean and dry." "a new scene" &&
	for v in v1 v2 v3; do
		"$B" build "$v" -k "$KEY" -o "$v.sampan" -q || return 1
	done
'

# --- diff: a corrected lesson ----------------------------------------------------------
test_expect_success 'diff writes an update for a corrected lesson' '
	rm -f text.sampan-update &&
	expect_exit 0 "Wrote text.sampan-update: org.example.updates 1.0 to 1.1" \
		"$B" diff v1.sampan v2.sampan -k "$KEY" -o text.sampan-update
'
test_expect_success 'the update is less than a twentieth of the bundle' '
	text_update &&
	size_new=$(stat -c %s v2.sampan) && size_upd=$(stat -c %s text.sampan-update) &&
	echo "$size_upd bytes for $size_new" &&
	test "$size_upd" -lt $((size_new / 20))
'
test_expect_success 'the update passes sha256sum -c and minisign -V, for itself and its target' '
	text_update &&
	expect_exit 0 "sampan-update:1	id:org.example.updates	from:1.0	to:1.1" audit text.sampan-update
'
test_expect_success 'stock tools apply it: tail, head and cat give the new bundle'"'"'s SHA-256' '
	text_update && stock_apply v1.sampan text.sampan-update stock-v2.sampan
'
test_expect_success '... and its exact bytes' '
	text_update && stock_apply v1.sampan text.sampan-update stock-v2b.sampan &&
	cmp stock-v2b.sampan v2.sampan
'

# --- diff: a video with one scene changed --------------------------------------------
test_expect_success 'diff carries a video changed in part as a delta' '
	rm -f video.sampan-update &&
	expect_exit 0 "1 entry as deltas of" \
		"$B" diff v2.sampan v3.sampan -k "$KEY" -o video.sampan-update
'
test_expect_success 'the update for a 3 MiB video with a 100 KB scene changed is under 1 MiB' '
	video_update && size_upd=$(stat -c %s video.sampan-update) && echo "$size_upd bytes" &&
	test "$size_upd" -lt $((1024 * 1024))
'
test_expect_success 'it holds a delta/ entry' '
	video_update && unzip -l video.sampan-update >entries && test_grep " delta/0" entries
'
test_expect_success 'stock tools apply it, rdiff patch for the delta' '
	video_update && stock_apply v2.sampan video.sampan-update stock-v3.sampan
'
test_expect_success '... giving the new bundle'"'"'s exact bytes' '
	video_update && stock_apply v2.sampan video.sampan-update stock-v3b.sampan &&
	cmp stock-v3b.sampan v3.sampan
'
test_expect_success 'sampan-build verify accepts the bundle the stock tools made' '
	video_update && stock_apply v2.sampan video.sampan-update stock-v3c.sampan &&
	"$B" verify stock-v3c.sampan --trust "$PUB" -q
'

# --- diff refuses what is not an update -------------------------------------------------
test_expect_success 'diff refuses to go from 1.1 down to 1.0' '
	expect_exit 1 UPDATE_DOWNGRADE "$B" diff v2.sampan v1.sampan -k "$KEY" -o down.sampan-update
'
test_expect_success 'diff refuses a key that did not sign the versions' '
	expect_exit 1 "KEY_UNTRUSTED|UPDATE_SIGNER" \
		"$B" diff v1.sampan v2.sampan -k "$OTHER" -o other.sampan-update
'
test_expect_success 'a refused diff leaves no file' '
	mkdir refused && (
		cd refused &&
		"$B" diff ../v2.sampan ../v1.sampan -k "$KEY" -o down.sampan-update -q;
		"$B" diff ../v1.sampan ../v2.sampan -k "$OTHER" -o other.sampan-update -q;
		ls -A >../left && test ! -s ../left
	) || { cat left; false; }
'
test_expect_success 'diff without -o is a usage error' '
	expect_exit 2 "diff needs" "$B" diff v1.sampan v2.sampan -k "$KEY"
'
test_expect_success 'diff --help' '
	expect_exit 0 "sampan-build diff OLD.sampan NEW.sampan" "$B" diff --help
'

# --- build --split ---------------------------------------------------------------------
test_expect_success 'build --split 1M stores a bundle of 3 MB as 4 parts' '
	expect_exit 0 "stored as 4 parts" "$B" build v3 -k "$KEY" -o split.sampan --split 1M
'
test_expect_success 'the parts are split.sampan.001 to .004, the first 1 MiB' '
	mkdir p && build_split p/split &&
	ls -l p >parts && cat parts &&
	test -e p/split.sampan.004 && test ! -e p/split.sampan.005 && test ! -e p/split.sampan &&
	test "$(stat -c %s p/split.sampan.001)" -eq 1048576
'
test_expect_success 'cat joins the parts into the same bytes as the bundle built whole' '
	mkdir j && build_split j/split && cat j/split.sampan.??? >joined.sampan && cmp joined.sampan v3.sampan
'
for arg in split.sampan split.sampan.001; do
	test_expect_success "sampan-build verify reads $arg as one bundle" "
		mkdir -p v && { test -e v/split.sampan.004 || build_split v/split; } &&
		expect_exit 0 valid \"\$B\" verify v/$arg --trust \"\$PUB\"
	"
done
test_expect_success 'sampan-build inspect reads the parts' '
	mkdir i && build_split i/split && expect_exit 0 org.example.updates "$B" inspect i/split.sampan
'
test_expect_success 'a later part alone is a usage error' '
	mkdir l && build_split l/split &&
	expect_exit 2 "give .*split.sampan or its first part" "$B" verify l/split.sampan.002 --trust "$PUB"
'
test_expect_success 'a missing part is named' '
	mkdir m && build_split m/split && mv m/split.sampan.003 aside &&
	expect_exit 1 "part .*split.sampan.003 is missing.*PART_MISSING" \
		"$B" verify m/split.sampan --trust "$PUB"
'
test_expect_success 'a stray part after the last is named' '
	mkdir e && build_split e/split && cp v1.sampan e/split.sampan.005 &&
	expect_exit 1 "part .*split.sampan.005 is not part of the bundle.*PART_EXTRA" \
		"$B" verify e/split.sampan --trust "$PUB"
'
test_expect_success 'a stray part after a gap is refused, naming the gap' '
	mkdir g && build_split g/split && cp v1.sampan g/split.sampan.006 &&
	expect_exit 1 "part .*split.sampan.005 is missing.*PART_MISSING" \
		"$B" verify g/split.sampan --trust "$PUB"
'
test_expect_success 'built again without --split, the bundle is one file' '
	mkdir w && build_split w/split &&
	expect_exit 0 SHA-256 "$B" build v3 -k "$KEY" -o w/split.sampan && test -e w/split.sampan
'
test_expect_success '... and the parts of the earlier build are gone' '
	mkdir w2 && build_split w2/split && "$B" build v3 -k "$KEY" -o w2/split.sampan -q &&
	ls w2 >left && test_grep -v "split.sampan.0" left
'
test_expect_success '--split below 1M is a usage error' '
	expect_exit 2 "not a size" "$B" build v3 -k "$KEY" -o x.sampan --split 1000
'
test_expect_success 'build --help documents --split' '
	expect_exit 0 "--split SIZE" "$B" build --help
'

# --- the lint's warning: a course over 4 GiB ----------------------------------------------
test_expect_success 'check warns that a 5 GB course does not fit on FAT32 as one file' '
	"$B" init big >/dev/null 2>&1 &&
	truncate -s 2500M big/media/a.bin big/media/b.bin &&
	expect_exit 0 "warning: .*does not fit in one file on a FAT32 USB stick; build it with --split fat32" \
		"$B" check big
'
test_done
