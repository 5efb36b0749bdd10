#!/bin/bash
# t2200-vectors-stock-tools.sh - the valid vectors pass stock tools (minisign
# -V, unzip -t, Python's zipfile, sha256sum -c --strict), the signature
# vectors fail stock minisign (format-spec/vectors/check-stock-tools.sh, one
# case per check), and the generator reproduces every committed vector byte
# for byte.
source "$(dirname "$0")/../lib/test-lib.sh"
vectors=$TOP/format-spec/vectors

test_setup 'the stock tools run on every vector' '
	bash "$vectors/check-stock-tools.sh" >stock.out 2>&1;
	grep -Eq "^(PASS|FAIL) " stock.out
'
while IFS= read -r line; do
	case "$line" in
	PASS\ * | FAIL\ *)
		test_expect_success "${line#* }" "test_equal PASS ${line%% *}"
		;;
	esac
done <stock.out

test_expect_success 'generate.py reproduces all the committed vector files' '
	"$PYTHON" "$vectors/generate.py" out >/dev/null &&
	for f in "$vectors"/valid/* "$vectors"/invalid/* "$vectors"/*.pub "$vectors"/*.key; do
		cmp "$f" "out/${f#"$vectors"/}" || return 1
	done &&
	test_equal "$(find "$vectors/valid" "$vectors/invalid" -type f | wc -l)" \
		"$(find out/valid out/invalid -type f | wc -l)"
'
test_done
