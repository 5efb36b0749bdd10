#!/bin/bash
# po-build.sh - the interface translations at build time: each po/LANG.po is
# compiled by `msgfmt --check` into the catalog the player carries; a .po it
# rejects fails the build, naming the file, and leaves no catalog behind; a
# string marked fuzzy is left out (shown in English).  Works on a copy of the
# sources, building the catalogs alone.  Prints TAP.
source "$(dirname "$0")/../lib/tap.sh"

unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES
src=$WORK/src
mkdir -p "$src"
(cd "$TOP" && git ls-files -z Makefile po player scripts | xargs -0 cp --parents -t "$src")
mk() { make --no-print-directory -C "$src" O=out "$@"; }

check "a translation compiles into the catalog the player carries" mk out/po/th.mo
if msgunfmt "$src/out/po/th.mo" 2>/dev/null | grep -A1 -x 'msgid "Courses"' | grep -qx 'msgstr "รายวิชา"'; then
	ok "the Thai catalog holds the Thai strings"
else
	not_ok "the Thai catalog holds the Thai strings" "$(msgunfmt "$src/out/po/th.mo" 2>&1 | head -5)"
fi

# A string marked fuzzy (a translator unsure of it) is not used.
rm -f "$src/out/po/th.mo"
"$PYTHON" - "$src/po/th.po" <<'PY'
import sys
p = sys.argv[1]
s = open(p, encoding="utf-8").read()
s = s.replace('msgctxt "catalog"\nmsgid "Courses"\n', '#, fuzzy\nmsgctxt "catalog"\nmsgid "Courses"\n', 1)
open(p, "w", encoding="utf-8").write(s)
PY
check "a translation with a fuzzy string compiles" mk out/po/th.mo
if msgunfmt "$src/out/po/th.mo" 2>/dev/null | grep -A1 -x 'msgid "Courses"' | grep -qx 'msgstr "รายวิชา"'; then
	not_ok "a fuzzy string is left out of the catalog" "the fuzzy Thai title is in th.mo"
else
	ok "a fuzzy string is left out of the catalog"
fi

# A translation msgfmt --check rejects (its plural forms lie) fails the build.
sed -i 's/^"Plural-Forms: nplurals=1; plural=0;\\n"$/"Plural-Forms: nplurals=1; plural=n;\\n"/' \
	"$src/po/km.po"
expect_exit 2 'km\.po' "a translation msgfmt --check rejects fails the build, naming it" \
	mk out/po/km.mo
if [ -e "$src/out/po/km.mo" ] || [ -e "$src/out/po/km.mo.tmp" ]; then
	not_ok "a rejected translation leaves no catalog behind" "$(ls "$src/out/po")"
else
	ok "a rejected translation leaves no catalog behind"
fi
printf 'msgid "x"\nmsgstr "unterminated\n' >"$src/po/lo.po"
expect_exit 2 'lo\.po' "a translation that is not PO at all fails the build" mk out/po/lo.mo

done_testing
