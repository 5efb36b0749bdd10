#!/bin/bash
# man-pages.sh - the man pages (man/*.scd, made by scdoc into $O/man/) render
# without a groff warning, name every command and option that the programs'
# --help names, and sampan-bundle(5) cites only sections and rule names that
# format-spec/bundle-v1.md has, with the same limits.  Prints TAP.
source "$(dirname "$0")/../lib/tap.sh"
SPEC=$TOP/format-spec/bundle-v1.md
MANOUT=$BUILD_DIR/man

# render PAGE: the page as plain text, wide, no overstrike; groff's warnings in $WORK/warn.
render() {
	groff -t -man -Tutf8 -ww -rLL=300n -P-cbou "$1" 2>"$WORK/warn"
}

for page in sampan-play.1 sampan-build.1 sampan-bundle.5; do
	if [ ! -s "$MANOUT/$page" ]; then
		not_ok "$page is made from man/$page.scd" "$MANOUT/$page is missing or empty"
		continue
	fi
	render "$MANOUT/$page" >"$WORK/$page.txt"
	if [ -s "$WORK/warn" ]; then
		not_ok "$page renders without a groff warning" "$(head -20 "$WORK/warn")"
	else
		ok "$page renders without a groff warning"
	fi
	if grep -q "^NAME" "$WORK/$page.txt" && grep -q "^SEE ALSO" "$WORK/$page.txt"; then
		ok "$page has NAME and SEE ALSO"
	else
		not_ok "$page has NAME and SEE ALSO" "$(head -20 "$WORK/$page.txt")"
	fi
done

# help_matches PROGRAM PAGE: every command of PROGRAM, and every long option of every
# command's --help, appears in the page.
help_matches() {
	local prog=$1 page=$2 cmd opt missing=""
	if [ ! -x "$BUILD_DIR/$prog" ]; then
		not_ok "$page names what $prog --help names" "$BUILD_DIR/$prog is not built"
		return
	fi
	for cmd in $("$BUILD_DIR/$prog" --help | sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p'); do
		grep -Eq "^ +$cmd( |$)|^ *$prog $cmd" "$WORK/$page.txt" || missing="$missing $cmd"
		for opt in $("$BUILD_DIR/$prog" "$cmd" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
			grep -qF -- "$opt" "$WORK/$page.txt" || missing="$missing $cmd:$opt"
		done
	done
	if [ -z "$missing" ]; then
		ok "$page names every command and option of $prog --help"
	else
		not_ok "$page names every command and option of $prog --help" "missing:$missing"
	fi
}
help_matches sampan-play sampan-play.1
help_matches sampan-build sampan-build.1

# Every section sampan-bundle(5) cites (§N or §N.N) is a heading of the specification.
if [ -s "$WORK/sampan-bundle.5.txt" ]; then
	missing=""
	cited=$(grep -oE '§[0-9]+(\.[0-9]+)*' "$WORK/sampan-bundle.5.txt" | sort -u | tr -d '§')
	for sec in $cited; do
		grep -Eq "^#{2,4} ${sec//./\\.}\.? " "$SPEC" || missing="$missing §$sec"
	done
	if [ -n "$cited" ] && [ -z "$missing" ]; then
		ok "sampan-bundle(5) cites $(echo "$cited" | wc -l) sections, each a heading of bundle-v1.md"
	else
		not_ok "sampan-bundle(5) cites only sections of bundle-v1.md" "missing:$missing"
	fi

	# Every rule name it shows is a rule of section 14.3.
	rules=$(grep -oE '\b[A-Z][A-Z0-9]*(_[A-Z0-9]+)+\b' "$WORK/sampan-bundle.5.txt" | sort -u |
		grep -vx 'SOURCE_DATE_EPOCH')
	missing=""
	for r in $rules; do
		grep -q "^| \`$r\` |" "$SPEC" || missing="$missing $r"
	done
	if [ -n "$rules" ] && [ -z "$missing" ]; then
		ok "sampan-bundle(5) names $(echo "$rules" | wc -w) rule names, each in section 14.3"
	else
		not_ok "sampan-bundle(5) names only rule names of section 14.3" "unknown:$missing"
	fi

	# The limits it gives are the figures of section 3.8's table.
	limits=$(sed -n '/^### 3.8 Limits/,/^### 4/p' "$SPEC")
	missing=""
	for figure in "65,000" "1,024 bytes" "16 MiB" "16 KiB" "4 MiB" "64 MiB" "200 ×" "2^40"; do
		grep -qF -- "$figure" <<<"$limits" || missing="$missing [$figure not in §3.8]"
	done
	for figure in "65,000" "1,024" "16 MiB" "16 KiB" "4 MiB" "64 MiB" "200" "2^40"; do
		grep -qF -- "$figure" "$WORK/sampan-bundle.5.txt" || missing="$missing [$figure not in the page]"
	done
	if [ -z "$missing" ]; then
		ok "sampan-bundle(5) gives the limits of section 3.8"
	else
		not_ok "sampan-bundle(5) gives the limits of section 3.8" "$missing"
	fi
fi

done_testing
