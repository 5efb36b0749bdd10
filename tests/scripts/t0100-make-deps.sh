#!/bin/bash
# t0100-make-deps.sh - the Makefile rebuilds what includes a header when the
# header changes (every object, both programs' main.o and every test program),
# compiles a source file again when its object is missing, and passes CPPFLAGS
# to every compile.  Works on the build folder the tests run from with
# `make -n -W HEADER` (what would be rebuilt were HEADER touched): nothing is
# built or changed.
source "$(dirname "$0")/../lib/test-lib.sh"

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
targets="all $tests"

test_setup "the build folder is up to date before the checks" '
	mk -q $targets || {
		echo "run \"make O=$O_REL all\" and build the tests first: nothing else can be told"
		false
	}
'

# Which compiled file includes which header, directly or through another one:
# read from the sources themselves (#include "..." resolved in the folders the
# Makefile gives), independently of the compiler's dependency files.
test_setup "the sources' includes are read" '
	"$PYTHON" - "$TOP" "$O_REL" >expect <<-EOF &&
	import os, re, sys
	top, out = sys.argv[1], sys.argv[2]
	os.chdir(top)
	inc = re.compile(r"^\s*#\s*include\s*\"([^\"]+)\"", re.M)
	dirs = {  # the -I folders of each kind of file (Makefile), its own folder first
	    "bundle": ["bundle"], "common": ["common", "bundle"],
	    "builder": ["builder", "bundle", "common"], "player": ["player", "bundle", "common"],
	    "tests/unit": ["tests/unit", "bundle", "builder", "common", "player", "tests/unit/helpers"],
	    "tests/unit/helpers": ["tests/unit/helpers", "bundle", "common", "builder"],
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
	test -s expect
'

for h in $(cd "$TOP" && ls bundle/*.h common/*.h builder/*.h player/*.h tests/unit/helpers/*.h); do
	test_expect_success "touching $h rebuilds everything that includes it" "
		mk -n -W $h \$targets >plan 2>&1 &&
		missing= &&
		for t in \$(awk -v h=$h '\$1 == h { print \$2 }' expect); do
			grep -q -- \"-o \$t \" plan || missing=\"\$missing \$t\"
		done &&
		echo \"not rebuilt:\$missing\" && test -z \"\$missing\"
	"
done

# A source file added to a folder, or an object lost from the build folder,
# is compiled into its library again: in a build folder whose every file is
# up to date (empty stand-ins, newer than the sources), one object missing.
test_expect_success 'an object missing from the build folder is compiled again' '
	for f in $(cd "$BUILD_DIR" && find . -name "*.o" -o -name "*.a" -o -name "sampan-*" -o -name "*.h" | sort); do
		mkdir -p "stand-in/$(dirname "$f")" && : >"stand-in/$f" || return 1
	done &&
	sleep 1 && # the libraries and programs newer than their objects
	for f in $(cd stand-in && find . -name "*.a" -o -name "sampan-*"); do touch "stand-in/$f"; done &&
	rm -f stand-in/bundle/utf8.o &&
	mk -n O="$WORK/stand-in" all >plan 2>&1 &&
	test_grep -F -- "-o $WORK/stand-in/bundle/utf8.o " plan
'

# CPPFLAGS reaches the compiler (Debian's -D_FORTIFY_SOURCE=2 comes that way).
test_expect_success 'CPPFLAGS is passed to every compile' '
	mk -n -W bundle/sbuf.h CPPFLAGS=-DSAMPAN_CPPFLAGS_PROBE $targets >plan 2>&1 &&
	compiles=$(grep -c -- " -c -o " plan) &&
	probed=$(grep -- " -c -o " plan | grep -c -- -DSAMPAN_CPPFLAGS_PROBE) &&
	echo "$probed of $compiles compiles have it" &&
	test "$compiles" -gt 0 && test "$compiles" -eq "$probed"
'
test_done
