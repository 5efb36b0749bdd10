#!/bin/sh
# lint-web.sh - the player's stylesheets and script (player/assets/), checked by
# stylelint and ESLint, npm packages pinned in scripts/weblint/package-lock.json and
# installed there (npm ci) when the lock file is newer than the installed ones.
# Needs node and npm (scripts/install-deps.sh weblint).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
here=$top/scripts/weblint
if [ ! -f "$here/node_modules/.package-lock.json" ] ||
	[ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
	(cd "$here" && npm ci --no-audit --no-fund --loglevel=error) ||
		{ echo "lint: npm ci failed in scripts/weblint" >&2; exit 3; }
fi
status=0
if ! "$here/node_modules/.bin/stylelint" --config "$here/stylelint.config.mjs" \
	"$top"/player/assets/*.css; then
	echo "lint: stylelint found problems in player/assets/*.css" >&2
	status=1
fi
if ! (cd "$top" && "$here/node_modules/.bin/eslint" --config "$here/eslint.config.mjs" \
	player/assets/*.js); then
	echo "lint: ESLint found problems in player/assets/*.js" >&2
	status=1
fi
exit $status
