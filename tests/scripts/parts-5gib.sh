#!/bin/bash
# parts-5gib.sh - a 5 GiB course, more than FAT32 holds in one file, built
# with `sampan-build build --split fat32` into two parts (the first of
# 4 GiB - 1 byte), verified in full by sampan-play, and served: Range
# requests across the seam give the course's bytes.  The media are sparse
# files (5 GiB on disk only once written as the bundle), with known bytes
# around the place the seam falls in.  Needs about 11 GB of free disk for a
# minute or two.  Prints TAP.
source "$(dirname "$0")/../lib/tap.sh"
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
KEY=$TOP/samples/keys/sample.key
PUB=$TOP/samples/keys/sample.pub
cd "$WORK" || exit 1
export XDG_CONFIG_HOME=$WORK/config XDG_CACHE_HOME=$WORK/xdg-cache

free_kb=$(df -Pk "$WORK" | awk 'NR == 2 { print $4 }')
if [ "$free_kb" -lt $((11 * 1024 * 1024)) ]; then
	not_ok "11 GB of free disk under $WORK for a 5 GiB course" "$((free_kb / 1024)) MB free"
	done_testing
	exit
fi

"$B" init big >/dev/null 2>&1
sed -i 's/^id: .*/id: org.example.five-gib/' big/course.yml
truncate -s 2560M big/media/a.bin big/media/b.bin
# Known bytes where the seam falls: 16 MiB around 1.5 GiB into b.bin (the bundle's
# 4 GiB - 1 byte is about 2.5 GiB of a.bin and some headers before it).
"$PYTHON" - big/media/b.bin <<'EOF'
import hashlib, sys
with open(sys.argv[1], "r+b") as f:
    f.seek(1536 * 1048576 - 8 * 1048576)
    for i in range(16 * 1048576 // 32):
        f.write(hashlib.sha256(b"seam %d" % i).digest())
EOF

start=$(date +%s)
expect_exit 0 'stored as 2 parts' "build --split fat32 writes a 5 GiB course as two parts" \
	"$B" build big -k "$KEY" -o big.sampan --split fat32
ls -l >ls.out
p1=$(stat -c %s big.sampan.001 2>/dev/null || echo 0)
if [ "$p1" -eq 4294967295 ] && [ -e big.sampan.002 ] && [ ! -e big.sampan.003 ] && [ ! -e big.sampan ]; then
	ok "big.sampan.001 holds 4294967295 bytes, the largest FAT32 file, and .002 the rest"
else
	not_ok "the two parts" "$(cat ls.out)"
fi
expect_exit 0 'valid' "sampan-play verify checks every byte of the two parts" \
	"$P" verify big.sampan --trust "$PUB" -q
echo "# built and verified in $(($(date +%s) - start)) s"

# Where b.bin's bytes start in the joined parts, read with Python's zipfile over both files.
"$PYTHON" - big.sampan.001 big.sampan.002 >offset <<'EOF'
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
z = zipfile.ZipFile(io.BufferedReader(Joined(sys.argv[1:])))
i = z.getinfo("media/b.bin")
print(i.header_offset + 30 + len(i.filename))
EOF
data=$(cat offset)
seam=$((4294967295 - data))
echo "# the seam is $seam bytes into media/b.bin"

mkdir stick && mv big.sampan.00? stick/
BUILD_DIR=$BIN serve_start s stick --trust "$PUB"
if [ -z "$SERVED_URL" ]; then
	not_ok "serve starts" "$(cat s.err)"
else
	wrong=()
	for pair in "$((seam - 1)) $seam" "$((seam - 1048576)) $((seam + 1048576))" \
		"$((seam - 3)) $((seam + 5000000))"; do
		read -r from to <<<"$pair"
		code=$(curl -s -r "$from-$to" -o got.bin -w '%{http_code}' "${SERVED_URL}c/org.example.five-gib/media/b.bin")
		tail -c +$((from + 1)) big/media/b.bin | head -c $((to - from + 1)) >want.bin
		[ "$code" = 206 ] && cmp -s got.bin want.bin || wrong+=("bytes=$from-$to: $code")
	done
	if [ "${#wrong[@]}" -eq 0 ]; then
		ok "Range requests across the seam of the two parts give the course's bytes (206)"
	else
		not_ok "Range requests across the seam" "${wrong[@]}"
	fi
	size=$(curl -s "${SERVED_URL}api/catalog.json" | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["courses"][0]["size"])')
	if [ "$size" -eq $((p1 + $(stat -c %s stick/big.sampan.002))) ]; then
		ok "the catalog gives the size of both parts: $size bytes"
	else
		not_ok "the catalog gives the size of both parts" "$size"
	fi
	kill "$SERVED_PID"
	wait "$SERVED_PID" 2>/dev/null
fi

done_testing
