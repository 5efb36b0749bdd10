#!/bin/bash
# t0110-layers.sh - the floors hold (scripts/layers.sh, run by make lint):
# bundle/ <- common/ <- builder/ and player/, proved from the objects and the
# includes; and the check does catch a program holding the other's code, a
# library calling up, and an include across.
source "$(dirname "$0")/../lib/test-lib.sh"
# Under make leakcheck and make test-arm64 the programs are wrappers in a folder of the
# build folder: the objects are in the one above.
OBJ=$BUILD_DIR
case $(basename "$OBJ") in valgrind-wrap | run-with-wrap) OBJ=$(dirname "$OBJ") ;; esac

test_setup 'a copy of the build folder and of the sources to break' '
	mkdir objs tree &&
	cp "$OBJ"/libsampan-*.a "$OBJ"/sampan-build "$OBJ"/sampan-play objs/ &&
	cp -r "$TOP/scripts" "$TOP/bundle" "$TOP/common" "$TOP/builder" "$TOP/player" tree/
'
test_expect_success 'the floors hold in this build' '
	"$TOP/scripts/layers.sh" "$OBJ"
'
# What the program itself asks the loader for (readelf reads any architecture's
# ELF, so this holds for the arm64 build too, where ldd cannot look).
test_expect_success 'sampan-play needs no library of the builder (no libyaml, cmark-gfm, gumbo, libarchive)' '
	readelf -d "$OBJ/sampan-play" >dynamic &&
	test_grep "NEEDED.*libsodium" dynamic &&
	test_grep -v -E "NEEDED.*(libyaml|libcmark|libgumbo|libarchive)" dynamic
'
test_expect_success 'a sampan-play holding the builder is caught' '
	cp -r objs a && cp objs/sampan-build a/sampan-play &&
	expect_exit 1 "layers: sampan-play holds the builder.s code: [0-9]+ symbols \(.*cmd_build" \
		"$TOP/scripts/layers.sh" a
'
test_expect_success 'a sampan-build holding the player is caught' '
	cp -r objs b && cp objs/sampan-play b/sampan-build &&
	expect_exit 1 "layers: sampan-build holds the player.s code" "$TOP/scripts/layers.sh" b
'
test_expect_success 'a bundle library calling the floor is caught' '
	cp -r objs c && cp objs/libsampan-builder.a c/libsampan-bundle.a &&
	expect_exit 1 "layers: libsampan-bundle.a calls the floor: [0-9]+ symbols \(.*cli_" \
		"$TOP/scripts/layers.sh" c
'
test_expect_success 'an include from the player of a builder header is caught' '
	echo "#include \"links.h\"" >>tree/player/qr.h &&
	expect_exit 1 "layers: player/qr.h includes builder/links.h" tree/scripts/layers.sh objs
'
test_expect_success 'an include from the bundle library of the floor is caught' '
	cp -r tree tree2 && echo "#include \"xalloc.h\"" >>tree2/bundle/sbuf.c &&
	expect_exit 1 "layers: bundle/sbuf.c includes common/xalloc.h" tree2/scripts/layers.sh objs
'
test_done
