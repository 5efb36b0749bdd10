#!/bin/bash
# t3970-player-parts-5gib.sh - a 5 GiB course, more than FAT32 holds in one
# file, built with `sampan-build build --split fat32` into two parts (the
# first of 4 GiB - 1 byte), verified in full by sampan-play, and served:
# Range requests across the seam give the course's bytes.  The media are
# sparse files (5 GiB on disk only once written as the bundle), with known
# bytes around the place the seam falls in.  Needs about 11 GB of free disk
# for a minute or two.  Under `make test-arm64` (qemu-user) the same test runs
# on a course of 320 MiB in parts of 128 MiB.
source "$(dirname "$0")/../lib/test-lib.sh"
BIN=$BUILD_DIR
# Under `make leakcheck` the programs are valgrind's wrappers: 5 GiB through valgrind
# would take hours, so the programs themselves run here (the other scripts take the
# same code paths under valgrind, on small bundles in parts).
if [ "$(basename "$BIN")" = valgrind-wrap ]; then
	BIN=$(dirname "$BIN")
	echo "# under leakcheck: the programs themselves, not valgrind's wrappers"
fi
B=$BIN/sampan-build
P=$BIN/sampan-play
SAMPAN_PLAY=$P
# The course: two sparse media files of MB MiB, split at SPLIT bytes; the seam falls
# at about SEAM_MB MiB into FILE, where known bytes are written.
MB=2560 SPLIT=4294967295 SPLIT_ARG=fat32 FILE=b.bin SEAM_MB=1536 PARTS=2
# Under `make test-arm64` the programs run in qemu-user, where hashing 5 GiB several times
# over would take most of CI's time: the same test on a 320 MiB course in parts of 128 MiB
# (the 5 GiB course runs on the machine's own build).
if [ "$(basename "$BIN")" = run-with-wrap ]; then
	MB=160 SPLIT=134217728 SPLIT_ARG=128M FILE=a.bin SEAM_MB=128 PARTS=3
	echo "# under qemu-user: a 320 MiB course in parts of 128 MiB"
fi
KEY=$TOP/samples/keys/sample.key
PUB=$TOP/samples/keys/sample.pub
export XDG_CONFIG_HOME=$WORK/config XDG_CACHE_HOME=$WORK/xdg-cache
LAST=$(printf 'big.sampan.%03d' "$PARTS") AFTER=$(printf 'big.sampan.%03d' $((PARTS + 1)))

test_setup "$((MB * 4 / 1024 + 1)) GB of free disk for the course, and the course" '
	free_kb=$(df -Pk "$WORK" | awk "NR == 2 { print \$4 }") &&
	echo "$((free_kb / 1024)) MB free" &&
	test "$free_kb" -ge $((MB * 2 * 2 * 1024 + 1024 * 1024)) &&
	"$B" init big >/dev/null 2>&1 &&
	sed -i "s/^id: .*/id: org.example.five-gib/" big/course.yml &&
	truncate -s "${MB}M" big/media/a.bin big/media/b.bin &&
	"$PYTHON" - "big/media/$FILE" "$SEAM_MB" <<-PY
	# Known bytes where the seam falls: 16 MiB around SEAM_MB MiB into FILE (for 5 GiB,
	# the bundle'"'"'s 4 GiB - 1 byte is about 2.5 GiB of a.bin and some headers before b.bin).
	import hashlib, sys
	with open(sys.argv[1], "r+b") as f:
	    f.seek(int(sys.argv[2]) * 1048576 - 8 * 1048576)
	    for i in range(16 * 1048576 // 32):
	        f.write(hashlib.sha256(b"seam %d" % i).digest())
	PY
'
# The parts, built when a case needs them.
built() {
	test -e "$LAST" || "$B" build big -k "$KEY" -o big.sampan --split "$SPLIT_ARG" -q
}
test_expect_success "build --split $SPLIT_ARG writes a $((MB * 2)) MiB course as $PARTS parts" '
	start=$(date +%s) &&
	expect_exit 0 "stored as $PARTS parts" "$B" build big -k "$KEY" -o big.sampan --split "$SPLIT_ARG" &&
	echo "built in $(($(date +%s) - start)) s"
'
test_expect_success "big.sampan.001 holds $SPLIT bytes ($SPLIT_ARG), and the rest is in parts up to $LAST" '
	built && ls -l && test "$(stat -c %s big.sampan.001)" -eq "$SPLIT" &&
	test -e "$LAST" && test ! -e "$AFTER" && test ! -e big.sampan
'
test_expect_success 'sampan-play verify checks every byte of the parts' '
	built && expect_exit 0 valid "$P" verify big.sampan --trust "$PUB" -q
'

# Where FILE's bytes start in the joined parts, read with Python's zipfile over the parts.
data_offset() {
	"$PYTHON" - "$FILE" big.sampan.??? <<-'PY'
	import io, os, sys, zipfile
	class Joined(io.RawIOBase):
	    def __init__(self, paths):
	        self.files = [open(p, "rb") for p in paths]
	        self.sizes = [os.path.getsize(p) for p in paths]
	        self.pos = 0
	    def seekable(self): return True
	    def readable(self): return True
	    def seek(self, off, whence=0):
	        self.pos = off if whence == 0 else self.pos + off if whence == 1 else sum(self.sizes) + off
	        return self.pos
	    def tell(self): return self.pos
	    def readinto(self, b):
	        start, pos = 0, self.pos
	        for f, size in zip(self.files, self.sizes):
	            if pos < start + size:
	                f.seek(pos - start)
	                data = f.read(min(len(b), start + size - pos))
	                b[:len(data)] = data
	                self.pos += len(data)
	                return len(data)
	            start += size
	        return 0
	z = zipfile.ZipFile(io.BufferedReader(Joined(sys.argv[2:])))
	i = z.getinfo("media/" + sys.argv[1])
	print(i.header_offset + 30 + len(i.filename))
	PY
}
# The parts on a stick (hard links: no second copy), served; sets SERVED_URL.
serving() {
	[ -n "${SERVED_URL:-}" ] && return 0
	built && mkdir -p stick && ln -f big.sampan.0?? stick/ && serve_start s stick --trust "$PUB"
}
across_the_seam() {
	local data seam pair from to code wrong=0
	data=$(data_offset) || return 1
	seam=$((SPLIT - data))
	echo "the seam is $seam bytes into media/$FILE"
	for pair in "$((seam - 1)) $seam" "$((seam - 1048576)) $((seam + 1048576))" \
		"$((seam - 3)) $((seam + 5000000))"; do
		read -r from to <<<"$pair"
		code=$(curl -s -r "$from-$to" -o got.bin -w '%{http_code}' "${SERVED_URL}c/org.example.five-gib/media/$FILE")
		tail -c +$((from + 1)) "big/media/$FILE" | head -c $((to - from + 1)) >want.bin
		[ "$code" = 206 ] && cmp -s got.bin want.bin || { echo "bytes=$from-$to: $code"; wrong=1; }
	done
	[ "$wrong" -eq 0 ]
}
test_expect_success 'Range requests across the seam of the parts give the course'"'"'s bytes (206)' '
	serving && across_the_seam
'
test_expect_success 'the catalog gives the size of all the parts' '
	serving &&
	size=$(curl -s "${SERVED_URL}api/catalog.json" | "$PYTHON" -c "import json,sys; print(json.load(sys.stdin)[\"courses\"][0][\"size\"])") &&
	test_equal "$(stat -c %s stick/big.sampan.??? | awk "{ n += \$1 } END { printf \"%.0f\", n }")" "$size"
'
test_done
