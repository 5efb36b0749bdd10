#!/bin/bash
# t0310-man-pages.sh - the man pages (man/*.scd, made by scdoc into $O/man/)
# render without a groff warning, name every command and option that the
# programs' --help names, and sampan-bundle(5) cites only sections and rule
# names that format-spec/bundle-v1.md has, with the same limits.
source "$(dirname "$0")/../lib/test-lib.sh"
SPEC=$TOP/format-spec/bundle-v1.md
MANOUT=$BUILD_DIR/man

# render PAGE: the page as plain text, wide, no overstrike; groff's warnings in warn.
render() {
	groff -t -man -Tutf8 -ww -rLL=300n -P-cbou "$1" 2>warn
}

for page in sampan-play.1 sampan-build.1 sampan-bundle.5; do
	test_setup "$page is made from man/$page.scd" "
		test -s \"\$MANOUT/$page\" && render \"\$MANOUT/$page\" >$page.txt && cp warn $page.warn
	"
	test_expect_success "$page renders without a groff warning" "test_equal '' \"\$(head -20 $page.warn)\""
	test_expect_success "$page has NAME and SEE ALSO" "
		test_grep '^NAME' $page.txt && test_grep '^SEE ALSO' $page.txt
	"
done

# help_matches PROGRAM PAGE: every command of PROGRAM, and every long option of every
# command's --help, appears in the page.
help_matches() {
	local prog=$1 page=$2 cmd opt missing=""
	test -x "$BUILD_DIR/$prog" || { echo "$BUILD_DIR/$prog is not built"; return 1; }
	for cmd in $("$BUILD_DIR/$prog" --help | sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p'); do
		grep -Eq "^ +$cmd( |$)|^ *$prog $cmd" "$page.txt" || missing="$missing $cmd"
		for opt in $("$BUILD_DIR/$prog" "$cmd" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
			grep -qF -- "$opt" "$page.txt" || missing="$missing $cmd:$opt"
		done
	done
	echo "missing:$missing"
	[ -z "$missing" ]
}
test_expect_success 'sampan-play.1 names every command and option of sampan-play --help' '
	help_matches sampan-play sampan-play.1
'
test_expect_success 'sampan-build.1 names every command and option of sampan-build --help' '
	help_matches sampan-build sampan-build.1
'

# Every section sampan-bundle(5) cites (§N or §N.N) is a heading of the specification.
test_expect_success 'sampan-bundle(5) cites only sections of bundle-v1.md' '
	missing= &&
	cited=$(grep -oE "§[0-9]+(\.[0-9]+)*" sampan-bundle.5.txt | sort -u | tr -d "§") &&
	for sec in $cited; do
		grep -Eq "^#{2,4} ${sec//./\\.}\.? " "$SPEC" || missing="$missing §$sec"
	done &&
	echo "missing:$missing" && test -n "$cited" && test -z "$missing"
'
# Every rule name it shows is a rule of section 14.3.
test_expect_success 'sampan-bundle(5) names only rule names of section 14.3' '
	rules=$(grep -oE "\b[A-Z][A-Z0-9]*(_[A-Z0-9]+)+\b" sampan-bundle.5.txt | sort -u |
		grep -vx SOURCE_DATE_EPOCH) &&
	missing= &&
	for r in $rules; do
		grep -q "^| \`$r\` |" "$SPEC" || missing="$missing $r"
	done &&
	echo "unknown:$missing" && test -n "$rules" && test -z "$missing"
'
# The limits it gives are the figures of section 3.8's table.
test_expect_success 'sampan-bundle(5) gives the limits of section 3.8' '
	limits=$(sed -n "/^### 3.8 Limits/,/^### 4/p" "$SPEC") &&
	missing= &&
	for figure in "65,000" "1,024 bytes" "16 MiB" "16 KiB" "4 MiB" "64 MiB" "200 ×" "2^40"; do
		grep -qF -- "$figure" <<<"$limits" || missing="$missing [$figure not in §3.8]"
	done &&
	for figure in "65,000" "1,024" "16 MiB" "16 KiB" "4 MiB" "64 MiB" "200" "2^40"; do
		grep -qF -- "$figure" sampan-bundle.5.txt || missing="$missing [$figure not in the page]"
	done &&
	echo "$missing" && test -z "$missing"
'
test_done
