#!/bin/bash
# make-deps.sh - the Makefile rebuilds what includes a header when the header
# changes (every object, both programs' main.o and every test program), and
# passes CPPFLAGS to every compile.  Works on the build folder the tests run
# from with `make -n -W HEADER` (what would be rebuilt were HEADER touched):
# nothing is built or changed.  Prints TAP.
source "$(dirname "$0")/../lib/tap.sh"

# A make of our own, not the one that runs the tests (its flags and jobserver).
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES
O_REL=${BUILD_DIR#"$TOP"/}
# Under make leakcheck and make test-arm64 the programs are wrappers in a folder of the
# build folder: the build folder is the one above.
case $O_REL in */valgrind-wrap | */run-with-wrap) O_REL=${O_REL%/*} ;; esac
mk() { make --no-print-directory -C "$TOP" O="$O_REL" "$@"; }

tests=$(cd "$TOP" && for t in tests/unit/test_*.c; do
	t=${t#tests/unit/}
	echo "$O_REL/tests/${t%.c}"
done)
# shellcheck disable=SC2086
targets="all $tests"

# shellcheck disable=SC2086
if ! mk -q $targets 2>/dev/null; then
	not_ok "the build folder $O_REL is up to date before the checks" \
		"run 'make O=$O_REL all' and build the tests first: nothing else can be told"
	done_testing
	exit
fi
ok "the build folder $O_REL is up to date before the checks"

# Which compiled file includes which header, directly or through another one:
# read from the sources themselves (#include "..." resolved in the folders the
# Makefile gives), independently of the compiler's dependency files.
"$PYTHON" - "$TOP" "$O_REL" >"$WORK/expect" <<'EOF'
import os, re, sys
top, out = sys.argv[1], sys.argv[2]
os.chdir(top)
inc = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.M)
dirs = {  # the -I folders of each kind of file (Makefile), its own folder first
    "bundle": ["bundle"], "common": ["common", "bundle"], "builder": ["builder", "bundle", "common"],
    "player": ["player", "bundle", "common"],
    "tests/unit": ["tests/unit", "bundle", "builder", "common", "player", "tests/unit/helpers"],
    "tests/unit/helpers": ["tests/unit/helpers", "bundle"],
}
def resolve(name, here, search):
    for d in [here] + search:
        p = os.path.normpath(os.path.join(d, name))
        if os.path.isfile(p):
            return p
    return None
def closure(src, search):
    seen, todo = set(), [src]
    while todo:
        f = todo.pop()
        for name in inc.findall(open(f, encoding="utf-8").read()):
            p = resolve(name, os.path.dirname(f), search)
            if p and p.endswith(".h") and p not in seen:
                seen.add(p)
                todo.append(p)
    return seen
for kind, search in dirs.items():
    for name in sorted(os.listdir(kind)):
        src = os.path.join(kind, name)
        if not name.endswith(".c") or (kind == "tests/unit" and not name.startswith("test_")):
            continue
        if kind == "tests/unit":
            target = f"{out}/tests/{name[:-2]}"
        else:
            target = f"{out}/{src[:-2]}.o"
        for h in sorted(closure(src, search)):
            print(h, target)
EOF
if [ ! -s "$WORK/expect" ]; then
	not_ok "the sources' includes were read" "$(head -c 500 "$WORK/expect")"
	done_testing
	exit
fi

for h in $(cut -d' ' -f1 "$WORK/expect" | sort -u); do
	# shellcheck disable=SC2086
	mk -n -W "$h" $targets >"$WORK/plan" 2>&1
	missing=""
	for t in $(awk -v h="$h" '$1 == h { print $2 }' "$WORK/expect"); do
		grep -q -- "-o $t " "$WORK/plan" || missing="$missing $t"
	done
	if [ -z "$missing" ]; then
		ok "touching $h rebuilds everything that includes it"
	else
		not_ok "touching $h rebuilds everything that includes it" "not rebuilt:$missing"
	fi
done

# A source file added to a folder, or an object lost from the build folder,
# is compiled into its library again: in a build folder whose every file is
# up to date (empty stand-ins, newer than the sources), one object missing.
stand=$WORK/stand-in
# shellcheck disable=SC2086
for f in $(cd "$BUILD_DIR" && find . -name '*.o' -o -name '*.a' -o -name 'sampan-*' -o -name '*.h' | sort); do
	mkdir -p "$stand/$(dirname "$f")"
	: >"$stand/$f"
done
sleep 1 # the libraries and programs newer than their objects
for f in $(cd "$stand" && find . -name '*.a' -o -name 'sampan-*'); do touch "$stand/$f"; done
rm -f "$stand/bundle/utf8.o"
if mk -n O="$stand" all 2>&1 | grep -q -- "-o $stand/bundle/utf8.o "; then
	ok "an object missing from the build folder is compiled again"
else
	not_ok "an object missing from the build folder is compiled again" "$(mk -n O="$stand" all 2>&1 | head -5)"
fi

# CPPFLAGS reaches the compiler (Debian's -D_FORTIFY_SOURCE=2 comes that way).
# shellcheck disable=SC2086
mk -n -W bundle/sbuf.h CPPFLAGS=-DSAMPAN_CPPFLAGS_PROBE $targets >"$WORK/plan" 2>&1
compiles=$(grep -c -- ' -c -o ' "$WORK/plan")
probed=$(grep -- ' -c -o ' "$WORK/plan" | grep -c -- '-DSAMPAN_CPPFLAGS_PROBE')
if [ "$compiles" -gt 0 ] && [ "$compiles" -eq "$probed" ]; then
	ok "CPPFLAGS is passed to every compile ($compiles)"
else
	not_ok "CPPFLAGS is passed to every compile" "$probed of $compiles compiles have it"
fi
done_testing
