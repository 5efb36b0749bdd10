#!/bin/bash
# vectors-stock-tools.sh - the valid vectors pass stock tools (minisign -V,
# unzip -t, Python's zipfile, sha256sum -c --strict), the signature vectors
# fail stock minisign, and the generator reproduces every committed vector
# byte for byte.  Prints TAP.
set -u
top=${SAMPAN_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
vectors=$top/format-spec/vectors
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; }

# 1. stock tools, one TAP line per check
while IFS= read -r line; do
	case "$line" in
	PASS\ *) ok "${line#PASS }" ;;
	FAIL\ *) not_ok "${line#FAIL }" ;;
	esac
done < <(bash "$vectors/check-stock-tools.sh" 2>&1)

# 2. the generator is deterministic and matches what is committed
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
if "${PYTHON:-/usr/bin/python3}" "$vectors/generate.py" "$out" >/dev/null 2>&1; then
	same=1
	for f in "$vectors"/valid/* "$vectors"/invalid/* "$vectors"/*.pub "$vectors"/*.key; do
		rel=${f#"$vectors"/}
		if ! cmp -s "$f" "$out/$rel"; then
			same=0
			echo "# differs: $rel"
		fi
	done
	count_committed=$(find "$vectors/valid" "$vectors/invalid" -type f | wc -l)
	count_generated=$(find "$out/valid" "$out/invalid" -type f | wc -l)
	[ "$count_committed" = "$count_generated" ] || same=0
	if [ $same = 1 ]; then
		ok "generate.py reproduces all $count_committed committed vector files"
	else
		not_ok "generate.py reproduces the committed vectors (run 'make vectors')"
	fi
else
	not_ok "generate.py runs"
fi
echo "1..$n"
