#!/bin/bash
# vectors-audit.sh - the README's stock-tool audit ("Check a bundle with stock
# tools": unzip, sha256sum -c --strict, minisign -H -V), run as written on
# every valid conformance vector, with the check for unlisted files of
# format-spec/bundle-v1.md 8.8: it passes, unzip writes exactly the bundle's
# entries inside its folder, nothing else changes, no link is created, and
# every file can be read by its owner.  Then the invalid vectors that would
# fool the audit show what the rules prevent: from them unzip does create a
# symbolic link, or writes a file under another name, while sampan-build
# verify and sampan-play extract refuse them.  Prints TAP.
source "$(dirname "$0")/../lib/tap.sh"
B=$SAMPAN_BUILD
P=$BUILD_DIR/sampan-play
VECTORS=$TOP/format-spec/vectors
cd "$WORK" || exit 1
export XDG_CONFIG_HOME=$WORK/config
export LC_ALL=C.UTF-8

# The audit, as the README gives it: the block under "Check a bundle with stock
# tools", with the publisher's key file at an absolute path.
audit=$(awk '/^## Check a bundle with stock tools/ { on = 1; next }
	on && /^```sh/ { code = 1; next }
	code && /^```/ { exit }
	code { print }' "$TOP/README.md")
if echo "$audit" | grep -q '^unzip -d course course.sampan' &&
	echo "$audit" | grep -q 'sha256sum -c --strict META-INF/MANIFEST' &&
	echo "$audit" | grep -q 'minisign -H -V .*-p publisher.pub'; then
	ok "the README's audit: unzip, sha256sum -c --strict, minisign -H -V"
else
	not_ok "the README has the audit commands this test runs" "$audit"
fi
audit=${audit//publisher.pub/$VECTORS/test.pub}

# The check for unlisted files of bundle-v1.md 8.8, run in the audit folder.
unlisted() {
	diff <(find . -type f | sed 's|^\./||' |
		grep -v -x -e mimetype -e META-INF/MANIFEST -e META-INF/MANIFEST.minisig |
		LC_ALL=C sort) \
		<(grep -v '^#' META-INF/MANIFEST | cut -b 67- | LC_ALL=C sort)
}

# What is in WORK outside the audit folder and this test's logs, with sizes and times.
snapshot() { find "$WORK" \( -path "$WORK/box" -o -path "$WORK/logs" \) -prune -o -printf '%p %y %s %T@\n' | sort; }
mkdir logs

entries_of() { # BUNDLE: its entry names, one a line, sorted
	"$PYTHON" -c 'import sys, zipfile
print("\n".join(sorted(zipfile.ZipFile(sys.argv[1]).namelist())))' "$1"
}

count=0
bad=()
for f in "$VECTORS"/valid/*.sampan; do
	name=$(basename "$f" .sampan)
	count=$((count + 1))
	rm -rf box && mkdir box && cp "$f" box/course.sampan
	before=$(snapshot)
	(cd box && bash -e -c "$audit" </dev/null) >logs/audit.out 2>&1
	rc=$?
	problem=
	if [ "$rc" -ne 0 ] || ! grep -q '^Signature and comment signature verified' logs/audit.out; then
		problem="the audit fails (exit $rc): $(tail -c 400 logs/audit.out)"
	elif [ -n "$(find box -type l)" ]; then
		problem="links: $(find box -type l -printf '%p -> %l ')"
	elif [ "$(cd box/course && find . -type f | sed 's|^\./||' | LC_ALL=C sort)" != "$(entries_of "$f" | LC_ALL=C sort)" ]; then
		problem="the files unzip wrote are not the entries: $(cd box/course && find . -type f | head -20)"
	elif [ -n "$(find box -mindepth 1 -not -path 'box/course' -not -path 'box/course/*' -not -path box/course.sampan)" ]; then
		problem="written beside the audit folder: $(find box -mindepth 1 -not -path 'box/course*' | head)"
	elif [ "$before" != "$(snapshot)" ]; then
		problem="something changed outside the audit folder: $(diff <(echo "$before") <(snapshot) | head -5)"
	elif [ -n "$(find box/course -type f ! -perm -u=r)" ]; then
		problem="files their owner cannot read: $(find box/course -type f ! -perm -u=r | head)"
	elif ! (cd box/course && unlisted) >logs/unlisted.out 2>&1; then
		problem="unlisted or missing files: $(head -c 400 logs/unlisted.out)"
	fi
	[ -z "$problem" ] || bad+=("$name: $problem")
done
if [ "${#bad[@]}" -eq 0 ] && [ "$count" -ge 16 ]; then
	ok "the audit passes on all $count valid vectors: only their entries written, in the folder, no link"
else
	not_ok "the audit passes on every valid vector, writing only its entries in the folder, no link" "${bad[@]:0:10}"
fi

# --- the vectors that would fool the audit ------------------------------------------
# unzip BUNDLE: a stock unzip into box/course (as the audit does), no questions.
stock_unzip() {
	rm -rf box && mkdir box
	(cd box && unzip -q -d course "$1" </dev/null >/dev/null 2>&1)
}
refused_by_sampan() { # BUNDLE RULE: sampan-build verify and sampan-play extract refuse it
	"$B" verify "$1" --trust "$VECTORS/test.pub" >logs/out 2>&1
	[ $? -eq 1 ] && grep -q "$2" logs/out || return 1
	"$P" extract "$1" refused --trust "$VECTORS/test.pub" >logs/out 2>&1
	[ $? -eq 1 ] && grep -q "$2" logs/out && [ ! -e refused ]
}
n=0
for f in "$VECTORS"/invalid/not-regular-symlink*.sampan; do
	name=$(basename "$f" .sampan)
	n=$((n + 1))
	stock_unzip "$f"
	link=$(find box -type l -printf '%P -> %l')
	if [ -n "$link" ] && refused_by_sampan "$f" NOT_REGULAR_FILE; then
		ok "$name: unzip creates the link $link; Sampan refuses it (NOT_REGULAR_FILE)"
	else
		not_ok "$name: unzip creates a link and Sampan refuses the bundle" "link: '$link'" "$(head -c 300 logs/out)"
	fi
	rm -rf box
done
[ "$n" -ge 6 ] && ok "$n link vectors, hosts 0, 2, 3, 5, 16 and 30" || not_ok "link vectors for hosts 0, 2, 3, 5, 16 and 30" "$n"
for pair in "name-invalid-version-suffix lessons/a.html;1 lessons/a.html" "name-invalid-semicolon-end lessons/notes; lessons/notes"; do
	set -- $pair
	stock_unzip "$VECTORS/invalid/$1.sampan"
	if [ ! -e "box/course/$2" ] && [ -f "box/course/$3" ] &&
		refused_by_sampan "$VECTORS/invalid/$1.sampan" NAME_INVALID; then
		ok "$1: unzip writes '$2' as '$3'; Sampan refuses it (NAME_INVALID)"
	else
		not_ok "$1: unzip renames '$2' and Sampan refuses the bundle" "$(cd box/course 2>/dev/null && find . -type f | head)" "$(head -c 300 logs/out)"
	fi
	rm -rf box
done
done_testing
