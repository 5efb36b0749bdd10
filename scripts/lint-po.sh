#!/bin/sh
# lint-po.sh - the interface strings: po/sampan.pot is what xgettext finds in the
# sources given (run `make pot` when it is not), and every po/LANG.po translates
# every string of it (msgcmp: none missing, none fuzzy, none untranslated).
set -u
status=0
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

"$top/scripts/pot.sh" "$tmp" "$@" || exit 1
if ! diff -q -I '^"POT-Creation-Date:' "$top/po/sampan.pot" "$tmp" >/dev/null; then
	diff -u -I '^"POT-Creation-Date:' "$top/po/sampan.pot" "$tmp" | head -40 >&2
	echo "lint: po/sampan.pot is not what the sources hold (run 'make pot')" >&2
	status=1
fi
for po in "$top"/po/*.po; do
	if ! msgcmp "$po" "$top/po/sampan.pot"; then
		echo "lint: $(basename "$po"): strings above are missing, fuzzy or untranslated" >&2
		status=1
	fi
done
exit $status
