#!/bin/sh
# Check the Sampan v1 test vectors with stock tools only.
#
# For every valid/*.sampan:
#   - unzip -t succeeds
#   - Python's zipfile testzip() finds no bad entry
#   - minisign -V -H verifies META-INF/MANIFEST.minisig over META-INF/MANIFEST
#     with test.pub
#   - stock minisign, signing the extracted MANIFEST with test.key and the same
#     trusted comment, writes the same signature lines (Ed25519 is
#     deterministic), so the signature writer matches minisign byte for byte
#   - after a plain unzip, sha256sum -c --strict META-INF/MANIFEST passes
# For every invalid/*.sampan whose rule (first line of its .txt) is
# SIGNATURE_BAD, TRUSTED_COMMENT_BAD, KEY_UNTRUSTED or SIGNATURE_LEGACY:
#   - minisign -V -H with test.pub FAILS
#
# Needs: minisign, unzip, coreutils (sha256sum), python3 (Debian's).
# Prints one line per check, then "N passed, N failed"; exit status 1 on any
# failure.

set -u

here=$(cd "$(dirname "$0")" && pwd)
python=/usr/bin/python3
[ -x "$python" ] || python=python3
LC_ALL=C.UTF-8
export LC_ALL

for tool in minisign unzip sha256sum "$python"; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "missing tool: $tool" >&2
        exit 2
    fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

passed=0
failed=0

pass() {
    echo "PASS $1"
    passed=$((passed + 1))
}

fail() {
    echo "FAIL $1"
    if [ -s "$tmp/log" ]; then
        sed 's/^/    /' "$tmp/log" | head -n 20
    fi
    failed=$((failed + 1))
}

# expect_ok DESCRIPTION COMMAND...: the command must succeed
expect_ok() {
    desc=$1
    shift
    if "$@" >"$tmp/log" 2>&1; then pass "$desc"; else fail "$desc"; fi
}

# expect_fail DESCRIPTION COMMAND...: the command must fail
expect_fail() {
    desc=$1
    shift
    if "$@" >"$tmp/log" 2>&1; then fail "$desc (unexpectedly succeeded)"; else pass "$desc"; fi
}

# extract BUNDLE: META-INF/MANIFEST and its signature into $tmp/sig/
extract_signature() {
    rm -rf "$tmp/sig"
    mkdir "$tmp/sig"
    unzip -p "$1" META-INF/MANIFEST >"$tmp/sig/MANIFEST" 2>/dev/null &&
        unzip -p "$1" META-INF/MANIFEST.minisig >"$tmp/sig/MANIFEST.minisig" 2>/dev/null
}

zip_testzip() {
    "$python" -c 'import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    bad = z.testzip()
print("testzip:", bad)
sys.exit(0 if bad is None else 1)' "$1"
}

minisign_verify() {
    minisign -V -H -p "$here/test.pub" -m "$tmp/sig/MANIFEST" -x "$tmp/sig/MANIFEST.minisig"
}

minisign_same_signature() {
    tc=$(sed -n '3{s/\r$//;s/^trusted comment: //;p;}' "$tmp/sig/MANIFEST.minisig")
    rm -f "$tmp/sig/stock.minisig"
    minisign -S -s "$here/test.key" -m "$tmp/sig/MANIFEST" \
        -x "$tmp/sig/stock.minisig" -t "$tc" </dev/null || return 1
    tr -d '\r' <"$tmp/sig/MANIFEST.minisig" | tail -n 3 >"$tmp/sig/ours.tail"
    tail -n 3 "$tmp/sig/stock.minisig" >"$tmp/sig/stock.tail"
    cmp "$tmp/sig/ours.tail" "$tmp/sig/stock.tail"
}

sha256sum_check() {
    rm -rf "$tmp/x"
    mkdir "$tmp/x"
    unzip -q "$1" -d "$tmp/x" || return 1
    (cd "$tmp/x" && sha256sum -c --strict --quiet META-INF/MANIFEST)
}

found=0
for bundle in "$here"/valid/*.sampan; do
    [ -e "$bundle" ] || continue
    found=1
    name=valid/$(basename "$bundle")
    expect_ok "$name: unzip -t" unzip -tq "$bundle"
    expect_ok "$name: python zipfile testzip() is None" zip_testzip "$bundle"
    if extract_signature "$bundle"; then
        expect_ok "$name: minisign -V -H verifies the manifest" minisign_verify
        expect_ok "$name: stock minisign -S writes the same signature lines" \
            minisign_same_signature
    else
        : >"$tmp/log"
        fail "$name: extract META-INF/MANIFEST and its signature"
    fi
    expect_ok "$name: sha256sum -c --strict META-INF/MANIFEST" sha256sum_check "$bundle"
done

for txt in "$here"/invalid/*.txt; do
    [ -e "$txt" ] || continue
    rule=$(head -n 1 "$txt")
    case $rule in
    SIGNATURE_BAD | TRUSTED_COMMENT_BAD | KEY_UNTRUSTED | SIGNATURE_LEGACY) ;;
    *) continue ;;
    esac
    found=1
    bundle=${txt%.txt}.sampan
    name=invalid/$(basename "$bundle")
    if extract_signature "$bundle"; then
        expect_fail "$name ($rule): minisign -V -H rejects it" minisign_verify
    else
        : >"$tmp/log"
        fail "$name: extract META-INF/MANIFEST and its signature"
    fi
done

if [ "$found" = 0 ]; then
    : >"$tmp/log"
    fail "no vectors found next to this script (run generate.py first)"
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
