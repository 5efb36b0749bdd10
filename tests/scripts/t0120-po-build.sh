#!/bin/bash
# t0120-po-build.sh - the interface translations at build time: each
# po/LANG.po is compiled by `msgfmt --check` into the catalog the player
# carries; a .po it rejects fails the build, naming the file, and leaves no
# catalog behind; a string marked fuzzy is left out (shown in English).
# Works on copies of the sources, building the catalogs alone.
source "$(dirname "$0")/../lib/test-lib.sh"

# A make of our own, not the one that runs the tests (its flags and jobserver).
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES
# mk DIR TARGET...: make in a copy of the sources, its build folder DIR/out.
mk() {
	local dir=$1
	shift
	make --no-print-directory -C "$dir" O=out "$@"
}
# copy NAME: a copy of the sources the catalogs are built from, as NAME.
copy() {
	cp -r "$WORK/src" "$WORK/$1"
}
# thai_courses DIR: the Thai catalog built in DIR has the catalog's title in Thai.
thai_courses() {
	msgunfmt "$1/out/po/th.mo" >"$1/th.txt" &&
		grep -A1 -x 'msgid "Courses"' "$1/th.txt" | grep -qx 'msgstr "รายวิชา"'
}
# mark_fuzzy DIR: the Thai catalog title marked fuzzy (a translator unsure of it).
mark_fuzzy() {
	"$PYTHON" - "$1/po/th.po" <<-'PY'
	import sys
	p = sys.argv[1]
	s = open(p, encoding="utf-8").read()
	t = s.replace('msgctxt "catalog"\nmsgid "Courses"\n', '#, fuzzy\nmsgctxt "catalog"\nmsgid "Courses"\n', 1)
	assert t != s, "no catalog title in th.po"
	open(p, "w", encoding="utf-8").write(t)
	PY
}
# break_plurals DIR: km.po's plural forms lie, which msgfmt --check rejects.
break_plurals() {
	sed -i 's/^"Plural-Forms: nplurals=1; plural=0;\\n"$/"Plural-Forms: nplurals=1; plural=n;\\n"/' \
		"$1/po/km.po" &&
		grep -q 'plural=n;' "$1/po/km.po"
}

test_setup 'a copy of the sources the catalogs are built from' '
	mkdir src &&
	(cd "$TOP" && git ls-files -z Makefile po player scripts | xargs -0 cp --parents -t "$WORK/src")
'
test_expect_success 'a translation compiles into the catalog the player carries' '
	copy th && mk th out/po/th.mo && test -s th/out/po/th.mo
'
test_expect_success 'the Thai catalog holds the Thai strings' '
	copy th2 && mk th2 out/po/th.mo && thai_courses th2
'
test_expect_success 'a translation with a fuzzy string compiles' '
	copy fuzzy && mark_fuzzy fuzzy && mk fuzzy out/po/th.mo && test -s fuzzy/out/po/th.mo
'
test_expect_success 'a fuzzy string is left out of the catalog' '
	copy fuzzy2 && mark_fuzzy fuzzy2 && mk fuzzy2 out/po/th.mo &&
	msgunfmt fuzzy2/out/po/th.mo >/dev/null && ! thai_courses fuzzy2
'
test_expect_success 'a translation msgfmt --check rejects fails the build, naming it' '
	copy km && break_plurals km && expect_exit 2 "km\.po" mk km out/po/km.mo
'
test_expect_success 'a rejected translation leaves no catalog behind' '
	copy km2 && break_plurals km2 && expect_exit 2 "km\.po" mk km2 out/po/km.mo &&
	test ! -e km2/out/po/km.mo && test ! -e km2/out/po/km.mo.tmp
'
test_expect_success 'a translation that is not PO at all fails the build' '
	copy lo && printf "msgid \"x\"\nmsgstr \"unterminated\n" >lo/po/lo.po &&
	expect_exit 2 "lo\.po" mk lo out/po/lo.mo
'
test_done
