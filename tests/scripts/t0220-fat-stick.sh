#!/bin/bash
# t0220-fat-stick.sh - keys and bundles written onto a real FAT file system,
# as on the USB sticks producers and teachers carry: a mkfs.vfat image mounted
# with fusefat (FUSE, no kernel vfat needed).  FAT has no hard links, so
# keygen must take its names another way, and still never replace a key
# without --force.  Without FUSE this fails, loudly: it never passes unrun.
source "$(dirname "$0")/../lib/test-lib.sh"
MNT=$WORK/stick

test_setup 'a FAT stick is mounted (fusefat)' '
	missing= &&
	for tool in mkfs.vfat fusefat fusermount; do
		command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
	done &&
	{ test -z "$missing" || { echo "missing:$missing (scripts/install-deps.sh installs dosfstools and fusefat)"; false; }; } &&
	{ test -c /dev/fuse || { echo "no /dev/fuse on this machine: FUSE is needed to mount a FAT image without the kernel vfat"; false; }; } &&
	truncate -s 32M stick.img &&
	mkfs.vfat -n STICK stick.img >/dev/null &&
	mkdir "$MNT" &&
	fusefat -o rw+ stick.img "$MNT" &&
	test_at_end "fusermount -u $MNT" &&
	grep -q " $MNT fuse" /proc/mounts &&
	"$B" init course
'
test_expect_success 'the stick has no hard links, as FAT' '
	touch "$MNT/a" && ! ln "$MNT/a" "$MNT/b"; rc=$?;
	rm -f "$MNT/a" "$MNT/b"; test $rc = 0
'
test_expect_success 'keygen writes a key pair onto the stick' '
	expect_exit 0 "secret key" "$B" keygen -o "$MNT/one" --no-password
'
test_expect_success 'both keys are on the stick' '
	"$B" keygen -o "$MNT/two" --no-password &&
	test -s "$MNT/two.key" && test -s "$MNT/two.pub"
'
test_expect_success 'keygen refuses to replace a key on the stick' '
	"$B" keygen -o "$MNT/three" --no-password &&
	expect_exit 1 "already exists; use --force" "$B" keygen -o "$MNT/three" --no-password
'
test_expect_success 'the refused keygen left the key as it was' '
	"$B" keygen -o "$MNT/four" --no-password && cp "$MNT/four.key" four.before &&
	"$B" keygen -o "$MNT/four" --no-password;
	test_cmp four.before "$MNT/four.key"
'
test_expect_success 'keygen refuses when only the public key is there' '
	"$B" keygen -o "$MNT/five" --no-password && rm "$MNT/five.key" &&
	expect_exit 1 "five.pub: already exists" "$B" keygen -o "$MNT/five" --no-password
'
test_expect_success 'and writes no secret key' '
	"$B" keygen -o "$MNT/six" --no-password && rm "$MNT/six.key" &&
	"$B" keygen -o "$MNT/six" --no-password;
	test ! -e "$MNT/six.key"
'
test_expect_success 'keygen --force replaces the pair on the stick' '
	"$B" keygen -o "$MNT/seven" --no-password && cp "$MNT/seven.pub" seven.before &&
	expect_exit 0 "secret key" "$B" keygen -o "$MNT/seven" --no-password --force &&
	! cmp -s seven.before "$MNT/seven.pub"
'
test_expect_success 'no temporary file is left on the stick' '
	"$B" keygen -o "$MNT/eight" --no-password &&
	"$B" keygen -o "$MNT/eight" --no-password;
	"$B" keygen -o "$MNT/eight" --no-password --force &&
	test_equal "" "$(find "$MNT" -name "*.tmp-*")"
'
# the key on the stick signs a course; the player takes the bundle from the stick.
# (Built beside, then copied: fusefat itself cannot seek back in a file it writes.)
test_expect_success 'build signs with the secret key from the stick' '
	"$B" keygen -o "$MNT/producer" --no-password &&
	expect_exit 0 Built "$B" build course -k "$MNT/producer.key" -o course.sampan
'
test_expect_success 'the bundle on the stick verifies with the public key on it' '
	"$B" keygen -o "$MNT/teacher" --no-password &&
	"$B" build course -k "$MNT/teacher.key" -o teacher.sampan -q &&
	cp teacher.sampan "$MNT/teacher.sampan" &&
	expect_exit 0 valid "$P" verify "$MNT/teacher.sampan" --trust "$MNT/teacher.pub"
'
test_done
