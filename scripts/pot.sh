#!/bin/sh
# pot.sh - extract the player's interface strings into a gettext template:
#   scripts/pot.sh OUTPUT SOURCE...
# The strings are the calls of player/l10n.h: l10n_get(lang, CONTEXT, MSGID) and
# l10n_nget(lang, CONTEXT, MSGID, PLURAL, n), with the comments starting
# "TRANSLATORS:" just above them.  Locations name the file alone, so that moving
# code around does not change the template.
set -eu
out=$1
shift
exec xgettext --from-code=UTF-8 --language=C --keyword= --keyword=l10n_get:2c,3 \
	--keyword=l10n_nget:2c,3,4 --add-comments=TRANSLATORS: --sort-by-file \
	--add-location=file --package-name=Sampan --package-version="${VERSION:-0}" \
	--msgid-bugs-address="the issue tracker of Sampan" --output="$out" "$@"
