#!/bin/bash
# t2100-vectors-audit.sh - the README's stock-tool audit ("Check a bundle with
# stock tools": unzip, sha256sum -c --strict, minisign -H -V), run as written
# on every valid conformance vector, with the check for unlisted files of
# format-spec/bundle-v1.md 8.8: it passes, unzip writes exactly the bundle's
# entries inside its folder, nothing else changes, no link is created, and
# every file can be read by its owner.  Then the invalid vectors that would
# fool the audit show what the rules prevent: from them unzip does create a
# symbolic link, or writes a file under another name, while sampan-build
# verify and sampan-play extract refuse them.
source "$(dirname "$0")/../lib/test-lib.sh"
VECTORS=$TOP/format-spec/vectors
export XDG_CONFIG_HOME=$WORK/config
export LC_ALL=C.UTF-8

# The audit, as the README gives it: the block under "Check a bundle with stock
# tools", with the publisher's key file at an absolute path.
audit=$(awk '/^## Check a bundle with stock tools/ { on = 1; next }
	on && /^```sh/ { code = 1; next }
	code && /^```/ { exit }
	code { print }' "$TOP/README.md")
test_expect_success "the README's audit: unzip, sha256sum -c --strict, minisign -H -V" '
	echo "$audit" | grep -q "^unzip -d course course.sampan" &&
	echo "$audit" | grep -q "sha256sum -c --strict META-INF/MANIFEST" &&
	echo "$audit" | grep -q "minisign -H -V .*-p publisher.pub"
'
audit=${audit//publisher.pub/$VECTORS/test.pub}

# The check for unlisted files of bundle-v1.md 8.8, run in the audit folder.
unlisted() {
	diff <(find . -type f | sed 's|^\./||' |
		grep -v -x -e mimetype -e META-INF/MANIFEST -e META-INF/MANIFEST.minisig |
		LC_ALL=C sort) \
		<(grep -v '^#' META-INF/MANIFEST | cut -b 67- | LC_ALL=C sort)
}

# What is in WORK outside the audit folder and this test's logs, with sizes and times.
snapshot() { find "$WORK" \( -path "$WORK/box" -o -path "$WORK/logs" -o -name ".case.out" -o -name ".expect.out" \) -prune -o -printf '%p %y %s %T@\n' | sort; }

entries_of() { # BUNDLE: its entry names, one a line, sorted
	"$PYTHON" -c 'import sys, zipfile
print("\n".join(sorted(zipfile.ZipFile(sys.argv[1]).namelist())))' "$1"
}

audit_every_valid_vector() {
	local count=0 bad=() f name before rc problem
	mkdir -p logs
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
	echo "$count valid vectors audited"
	[ "${#bad[@]}" -eq 0 ] && [ "$count" -ge 16 ] || { printf '%s\n' "${bad[@]:0:10}"; return 1; }
}
test_expect_success 'the audit passes on every valid vector: only their entries written, in the folder, no link' '
	audit_every_valid_vector
'

# --- the vectors that would fool the audit ------------------------------------------
# unzip BUNDLE: a stock unzip into box/course (as the audit does), no questions.
stock_unzip() {
	rm -rf box && mkdir box
	(cd box && unzip -q -d course "$1" </dev/null >/dev/null 2>&1)
}
refused_by_sampan() { # BUNDLE RULE: sampan-build verify and sampan-play extract refuse it
	expect_exit 1 "$2" "$B" verify "$1" --trust "$VECTORS/test.pub" &&
	expect_exit 1 "$2" "$P" extract "$1" refused --trust "$VECTORS/test.pub" &&
	test ! -e refused
}
links=0
for f in "$VECTORS"/invalid/not-regular-symlink*.sampan; do
	name=$(basename "$f" .sampan)
	links=$((links + 1))
	test_expect_success "$name: unzip creates a link; Sampan refuses it (NOT_REGULAR_FILE)" "
		stock_unzip '$f' &&
		link=\$(find box -type l -printf '%P -> %l') &&
		echo \"unzip made: \$link\" && test -n \"\$link\" &&
		refused_by_sampan '$f' NOT_REGULAR_FILE
	"
done
test_expect_success "$links link vectors, hosts 0, 2, 3, 5, 16 and 30" "test $links -ge 6"
for pair in "name-invalid-version-suffix lessons/a.html;1 lessons/a.html" "name-invalid-semicolon-end lessons/notes; lessons/notes"; do
	set -- $pair
	test_expect_success "$1: unzip writes '$2' as '$3'; Sampan refuses it (NAME_INVALID)" "
		stock_unzip \"\$VECTORS/invalid/$1.sampan\" &&
		test ! -e 'box/course/$2' && test -f 'box/course/$3' &&
		refused_by_sampan \"\$VECTORS/invalid/$1.sampan\" NAME_INVALID
	"
done
test_done
