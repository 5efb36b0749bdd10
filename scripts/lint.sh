#!/bin/sh
# lint.sh - style and safety checks: clang-format, banned libc calls, cppcheck.
set -u
status=0

log=$(mktemp)
if ! clang-format --dry-run --Werror "$@" 2>"$log"; then
	head -40 "$log" >&2
	echo "lint: clang-format: the files above are not formatted (run 'make format')" >&2
	status=1
fi
rm -f "$log"

# Unsafe calls never appear (the same list as git's banned.h).
if grep -nE '\b(strcpy|strcat|sprintf|vsprintf|strtok|atoi|atol|gets|strncpy|strncat)[[:space:]]*\(' "$@" \
	| grep -v '^[^:]*:[0-9]*:[[:space:]]*\*'; then
	echo "lint: banned calls above (use snprintf, memcpy with a checked length, strtoul...)" >&2
	status=1
fi

if command -v cppcheck >/dev/null 2>&1; then
	if ! cppcheck --quiet --error-exitcode=1 --std=c11 --inline-suppr \
		--enable=warning,portability --suppress=missingIncludeSystem "$@"; then
		echo "lint: cppcheck found problems" >&2
		status=1
	fi
fi
exit $status
