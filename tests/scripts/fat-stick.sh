#!/bin/bash
# fat-stick.sh - keys and bundles written onto a real FAT file system, as on
# the USB sticks producers and teachers carry: a mkfs.vfat image mounted with
# fusefat (FUSE, no kernel vfat needed).  FAT has no hard links, so keygen
# must take its names another way, and still never replace a key without
# --force.  Without FUSE this fails, loudly: it never passes unrun.  Prints TAP.
source "$(dirname "$0")/../lib/tap.sh"
B=$SAMPAN_BUILD
P=$BUILD_DIR/sampan-play
MNT=$WORK/stick
trap 'fusermount -u "$MNT" 2>/dev/null; rm -rf "$WORK"' EXIT

missing=""
for tool in mkfs.vfat fusefat fusermount; do
	command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
if [ -n "$missing" ]; then
	not_ok "a FAT stick can be mounted" "missing:$missing (scripts/install-deps.sh installs dosfstools and fusefat)"
	done_testing
	exit
fi
if [ ! -c /dev/fuse ]; then
	not_ok "a FAT stick can be mounted" "no /dev/fuse on this machine: FUSE is needed to mount a FAT image without root's kernel vfat"
	done_testing
	exit
fi
truncate -s 32M "$WORK/stick.img"
mkfs.vfat -n STICK "$WORK/stick.img" >/dev/null
mkdir "$MNT"
if ! fusefat -o rw+ "$WORK/stick.img" "$MNT" >"$WORK/fusefat.log" 2>&1 ||
	! grep -q " $MNT fuse" /proc/mounts; then
	not_ok "a FAT stick can be mounted" "fusefat failed: $(head -c 500 "$WORK/fusefat.log")"
	done_testing
	exit
fi
ok "a FAT stick is mounted (fusefat)"
if ln "$MNT/../stick.img" "$MNT/probe" 2>/dev/null || { touch "$MNT/a" && ln "$MNT/a" "$MNT/b" 2>/dev/null; }; then
	not_ok "the stick has no hard links, as FAT" "ln worked: this is not the file system the test needs"
else
	ok "the stick has no hard links, as FAT"
fi
rm -f "$MNT/a" "$MNT/b"

cd "$WORK" || exit 1
expect_exit 0 'secret key' "keygen writes a key pair onto the stick" "$B" keygen -o "$MNT/producer" --no-password
if [ -s "$MNT/producer.key" ] && [ -s "$MNT/producer.pub" ]; then
	ok "both keys are on the stick"
else
	not_ok "both keys are on the stick" "$(ls -la "$MNT")"
fi
cp "$MNT/producer.key" before.key
expect_exit 1 'already exists; use --force' "keygen refuses to replace a key on the stick" \
	"$B" keygen -o "$MNT/producer" --no-password
if cmp -s before.key "$MNT/producer.key"; then
	ok "the refused keygen left the key as it was"
else
	not_ok "the refused keygen left the key as it was"
fi
rm "$MNT/producer.key"
expect_exit 1 'producer.pub: already exists' "keygen refuses when only the public key is there" \
	"$B" keygen -o "$MNT/producer" --no-password
if [ ! -e "$MNT/producer.key" ]; then ok "and writes no secret key"; else not_ok "and writes no secret key"; fi
expect_exit 0 'secret key' "keygen --force replaces the pair on the stick" \
	"$B" keygen -o "$MNT/producer" --no-password --force
if [ -z "$(find "$MNT" -name '*.tmp-*')" ]; then
	ok "no temporary file is left on the stick"
else
	not_ok "no temporary file is left on the stick" "$(ls -la "$MNT")"
fi

# the key on the stick signs a course; the player takes the bundle from the stick.
# (Built beside, then copied: fusefat itself cannot seek back in a file it writes.)
"$B" init course >/dev/null 2>&1
expect_exit 0 'Built' "build signs with the secret key from the stick" \
	"$B" build course -k "$MNT/producer.key" -o course.sampan
cp course.sampan "$MNT/course.sampan"
expect_exit 0 'valid' "the bundle on the stick verifies with the public key on it" \
	"$P" verify "$MNT/course.sampan" --trust "$MNT/producer.pub"
fusermount -u "$MNT"
done_testing
