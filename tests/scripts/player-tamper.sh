#!/bin/bash
# player-tamper.sh - the bytes sent are the bytes checked: a bundle's
# entries are changed in place while sampan-play serves it (as an attacker
# with the stick, or cheap flash returning other bytes on a later read,
# would), and no changed byte ever leaves, at any time after the change,
# for whole, Range and gzip requests of stored, chunked and deflated
# entries, nor in a download already under way.  Every answer is either the
# entry's original bytes (checked before the change and kept in memory) or
# a refusal (a 5xx, or a response cut short), and once the kept bytes are
# pushed out of memory the change is caught.  The real binary over real
# HTTP on loopback.  Prints TAP.
source "$(dirname "$0")/../lib/tap.sh"
B=$SAMPAN_BUILD
cd "$WORK" || exit 1

# t.py: the entries' bytes as stored, changes in place, and the verdict on an answer.
cat >t.py <<'PY'
import os, struct, sys, zipfile, zlib

def raw_place(bundle, name):
    """(offset of the stored bytes in the file, stored length, ZipInfo)."""
    with zipfile.ZipFile(bundle) as z:
        info = z.getinfo(name)
    with open(bundle, "rb") as f:
        f.seek(info.header_offset)
        h = f.read(30)
    n, x = struct.unpack("<HH", h[26:30])
    return info.header_offset + 30 + n + x, info.compress_size, info

def expected(bundle, name, kind):
    """The bytes a faithful server sends: the entry as it is, or its gzip member."""
    with zipfile.ZipFile(bundle) as z:
        plain = z.read(name)
    if kind == "plain":
        return plain
    off, n, info = raw_place(bundle, name)
    with open(bundle, "rb") as f:
        f.seek(off)
        raw = f.read(n)
    return (bytes([0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF]) + raw +
            struct.pack("<II", zlib.crc32(plain), len(plain)))

cmd = sys.argv[1]
if cmd == "change":
    # change BUNDLE ENTRY OFFSET LEN [keep-time]: flip LEN stored bytes of ENTRY in place
    bundle, name, at, n = sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
    keep = len(sys.argv) > 6
    st = os.stat(bundle)
    off, size, _ = raw_place(bundle, name)
    assert at + n <= size
    with open(bundle, "r+b") as f:
        f.seek(off + at)
        b = f.read(n)
        f.seek(off + at)
        f.write(bytes(c ^ 0xFF for c in b))
    if keep:
        # The same size and time: nothing on the file says it changed.
        os.utime(bundle, ns=(st.st_atime_ns, st.st_mtime_ns))
elif cmd == "download":
    # download HOST PORT PATH OUT BUNDLE ENTRY OFFSET LEN: GET PATH with a small receive
    # buffer (so the server cannot run far ahead); after its first MiB, change the entry's
    # bytes in place (as "change ... keep-time"); then take the rest.  Prints the status.
    import socket
    host, port, path, out = sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
    s.connect((host, port))
    s.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
    data = b""
    while b"\r\n\r\n" not in data:
        data += s.recv(65536)
    head, body = data.split(b"\r\n\r\n", 1)
    while len(body) < 1048576:
        b = s.recv(65536)
        if not b:
            break
        body += b
    sys.argv = ["", "change", *sys.argv[6:10], "keep-time"]
    bundle, name, at, n = sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
    st = os.stat(bundle)
    off, size, _ = raw_place(bundle, name)
    with open(bundle, "r+b") as f:
        f.seek(off + at)
        b = f.read(n)
        f.seek(off + at)
        f.write(bytes(c ^ 0xFF for c in b))
    os.utime(bundle, ns=(st.st_atime_ns, st.st_mtime_ns))
    while True:
        try:
            b = s.recv(1 << 20)
        except OSError:
            break
        if not b:
            break
        body += b
    open(out, "wb").write(body)
    print(head.split(b" ")[1].decode())
elif cmd == "verdict":
    # verdict BODY CODE PRISTINE ENTRY plain|gzip FIRST LEN|-: "original", "refused" or
    # "CHANGED ...": the answer is the LEN bytes at FIRST (- to the end), cut short, or a 5xx
    body, code, bundle, name, kind, first, n = sys.argv[2:9]
    got = open(body, "rb").read()
    want = expected(bundle, name, kind)[int(first):]
    if n != "-":
        want = want[:int(n)]
    if code.startswith("5"):
        print("refused")
    elif code in ("200", "206") and want.startswith(got):
        print("original" if len(got) == len(want) else "refused")
    elif code in ("200", "206"):
        k = next(i for i in range(len(got)) if i >= len(want) or got[i] != want[i])
        print(f"CHANGED: HTTP {code}, {len(got)} bytes, byte {int(first) + k} differs")
    else:
        print(f"CHANGED: HTTP {code}")
PY

# --- a course: chunked stored entries, a small stored one, a large deflated one ----------
"$B" keygen -o pub --no-password >/dev/null
"$B" init src --title "Pumps" >/dev/null
sed -i 's/^id: .*/id: org.example.pumps/' src/course.yml
head -c 3500000 /dev/urandom >src/media/video.bin   # chunks 0-3
head -c 5500000 /dev/urandom >src/media/other2.bin  # to push the others out of memory
head -c 10000000 /dev/urandom >src/media/slow.bin   # downloaded while it changes
head -c 300000 /dev/urandom >src/media/small.bin    # stored, checked whole
head -c 2500000 /dev/urandom >src/media/unread.bin  # changed before anyone reads it
for f in 1 2 3 4; do head -c 900000 /dev/urandom >"src/media/filler$f.bin"; done
"$PYTHON" - >src/media/notes.txt <<'PY'
import random
r = random.Random(7)
words = "pump valve seal impeller bearing shaft casing gasket pressure flow".split()
print("\n".join(" ".join(r.choice(words) for _ in range(12)) for _ in range(6000)))
PY
printf '\n[v](../media/video.bin) [p](../media/other2.bin) [s](../media/slow.bin)\n[m](../media/small.bin) [n](../media/notes.txt) [u](../media/unread.bin)\n[1](../media/filler1.bin) [2](../media/filler2.bin) [3](../media/filler3.bin) [4](../media/filler4.bin)\n' \
	>>src/lessons/01-welcome.md
mkdir lib
"$B" build src -k pub.key -o lib/pumps.sampan -q
cp lib/pumps.sampan pristine.sampan
PRISTINE=$WORK/pristine.sampan
BUNDLE=$WORK/lib/pumps.sampan
MiB=1048576

# The least memory the player takes (4M): four chunks, so they are pushed out soon.
serve_start server lib --trust pub.pub --cache "$WORK/cache" --cache-memory 4M
SERVER=$SERVED_PID URL=$SERVED_URL
trap 'kill $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
C=${URL}c/org.example.pumps
[ -n "$URL" ] && ok "serve starts with --cache-memory 4M" || not_ok "serve starts with --cache-memory 4M" "$(cat server.err)"

N=0
# ask ENTRY plain|gzip FIRST LEN|- [curl args]: one request for LEN bytes at FIRST (- to the
# end); prints the verdict on its answer.
ask() {
	local name=$1 kind=$2 first=$3 n=$4 code
	shift 4
	N=$((N + 1))
	code=$(curl -s --max-time $((20 * TAP_SLOW)) -o "body.$N" -w '%{http_code}' "$@" "$C/$name")
	"$PYTHON" t.py verdict "body.$N" "$code" "$PRISTINE" "$name" "$kind" "$first" "$n"
}
# never_changed DESCRIPTION VERDICT...: ok unless an answer carried a changed byte.
never_changed() {
	local desc=$1 v
	shift
	for v in "$@"; do
		case $v in original | refused) ;; *) not_ok "$desc" "$*"; return ;; esac
	done
	ok "$desc ($*)"
}
# push_out: four small entries asked for twice each (kept as much asked for as anything
# the test asks for twice), then all of other2.bin once: what was kept before is pushed
# out of the 4M.
push_out() {
	local f
	for f in 1 2 3 4; do
		curl -s --max-time $((20 * TAP_SLOW)) -o /dev/null "$C/media/filler$f.bin"
		curl -s --max-time $((20 * TAP_SLOW)) -o /dev/null "$C/media/filler$f.bin"
	done
	curl -s --max-time $((20 * TAP_SLOW)) -o /dev/null "$C/media/other2.bin"
}
change() { "$PYTHON" t.py change "$BUNDLE" "$@" keep-time; }

# --- before any change: every kind of answer is the entry's bytes -----------------------
v=(
	"$(ask media/video.bin plain 1000 16 -H 'Range: bytes=1000-1015')"
	"$(ask media/video.bin plain $((2 * MiB + 500)) 16 -H "Range: bytes=$((2 * MiB + 500))-$((2 * MiB + 515))")"
	"$(ask media/small.bin plain 0 -)"
	"$(ask media/small.bin plain 100 100 -H 'Range: bytes=100-199')"
	"$(ask media/notes.txt gzip 0 - -H 'Accept-Encoding: gzip')"
	"$(ask media/notes.txt plain 0 -)"
	"$(ask media/notes.txt plain 5000 1000 -H 'Range: bytes=5000-5999')"
)
if [ "${v[*]}" = "original original original original original original original" ]; then
	ok "before any change: Range, whole and gzip answers are the entries' bytes"
else
	not_ok "before any change: Range, whole and gzip answers are the entries' bytes" "${v[*]}"
fi

# --- a chunk read, checked and sent, then changed in the file ------------------------------
change media/video.bin 1000 16
v1=$(ask media/video.bin plain 1000 16 -H 'Range: bytes=1000-1015')
never_changed "a chunk changed after it was sent: the same Range again" "$v1"
v2=$(ask media/video.bin plain 0 -)
never_changed "a chunk changed after it was sent: the whole entry" "$v2"
push_out
v3=$(ask media/video.bin plain 1000 16 -H 'Range: bytes=1000-1015')
v4=$(ask media/video.bin plain 0 - -H 'Range: bytes=0-')
v5=$(ask media/video.bin plain 0 -)
never_changed "once pushed out of memory, the changed chunk: Range, open Range, whole" "$v3" "$v4" "$v5"
[ "$v3" = refused ] && [ "$v4" = refused ] && [ "$v5" = refused ] &&
	ok "once pushed out of memory, the changed chunk is caught and refused" ||
	not_ok "once pushed out of memory, the changed chunk is caught and refused" "$v3 $v4 $v5"

# --- a chunk changed before anyone read it -------------------------------------------------
change media/unread.bin $((2 * MiB + 10)) 4
v1=$(ask media/unread.bin plain $((2 * MiB)) 100 -H "Range: bytes=$((2 * MiB))-$((2 * MiB + 99))")
v2=$(ask media/unread.bin plain 0 -)
v3=$(ask media/unread.bin plain $MiB - -H "Range: bytes=$MiB-")
never_changed "a chunk changed before anyone read it: Range, whole, a Range across it" "$v1" "$v2" "$v3"
[ "$v1" = refused ] && [ "$v2" = refused ] && [ "$v3" = refused ] &&
	ok "... refused: 5xx for its Range, the others cut short before it" ||
	not_ok "... refused: 5xx for its Range, the others cut short before it" "$v1 $v2 $v3"

# --- a small stored entry, checked whole ----------------------------------------------------
v0=$(ask media/small.bin plain 0 -)
change media/small.bin 150 8
v1=$(ask media/small.bin plain 0 -)
v2=$(ask media/small.bin plain 100 100 -H 'Range: bytes=100-199')
push_out
v3=$(ask media/small.bin plain 0 -)
v4=$(ask media/small.bin plain 100 100 -H 'Range: bytes=100-199')
never_changed "a small stored entry changed after it was sent: whole and Range, before and after memory is reused" \
	"$v0" "$v1" "$v2" "$v3" "$v4"
[ "$v3" = refused ] && [ "$v4" = refused ] && ok "... and caught once its kept bytes are gone" ||
	not_ok "... and caught once its kept bytes are gone" "$v3 $v4"

# --- a deflated entry: gzip passthrough, inflated, Range ------------------------------------
read -r off size < <("$PYTHON" -c 'import sys,zipfile
z = zipfile.ZipFile(sys.argv[1]); i = z.getinfo("media/notes.txt"); print(i.compress_size // 2, i.compress_size)' "$PRISTINE")
v0=$(ask media/notes.txt gzip 0 - -H 'Accept-Encoding: gzip')
v00=$(ask media/notes.txt plain 0 -)
change media/notes.txt "$off" 8
v1=$(ask media/notes.txt gzip 0 - -H 'Accept-Encoding: gzip')
v2=$(ask media/notes.txt plain 0 -)
v3=$(ask media/notes.txt plain 5000 1000 -H 'Range: bytes=5000-5999')
never_changed "a deflated entry changed after it was sent: gzip, inflated, Range" "$v0" "$v00" "$v1" "$v2" "$v3"
push_out
v4=$(ask media/notes.txt gzip 0 - -H 'Accept-Encoding: gzip')
v5=$(ask media/notes.txt plain 0 -)
v6=$(ask media/notes.txt plain 5000 1000 -H 'Range: bytes=5000-5999')
never_changed "... and once memory is reused: gzip, inflated, Range" "$v4" "$v5" "$v6"
[ "$v4 $v5 $v6" = "refused refused refused" ] && ok "... caught and refused ($size bytes of deflate)" ||
	not_ok "... caught and refused" "$v4 $v5 $v6"

# --- a download under way when a chunk it will send is changed -------------------------------
# Chunk 8 is read and sent first (a student seeking), then a download of the whole entry
# starts, and once its first MiB has come chunk 8 changes in the file (the client reads
# through a small buffer, so the server cannot have sent so far ahead).
v=$(ask media/slow.bin plain $((8 * MiB)) 16 -H "Range: bytes=$((8 * MiB))-$((8 * MiB + 15))")
host=${URL#http://}
host=${host%%/*}
code=$("$PYTHON" t.py download "${host%:*}" "${host##*:}" /c/org.example.pumps/media/slow.bin \
	slow.bin "$BUNDLE" media/slow.bin $((8 * MiB + 100)) 16)
v2=$("$PYTHON" t.py verdict slow.bin "$code" "$PRISTINE" media/slow.bin plain 0 -)
never_changed "a download under way never sends the chunk changed meanwhile ($(stat -c %s slow.bin) bytes came)" "$v" "$v2"

# --- changed with its time: the library sees it on its next look; no answer in between differs --
"$PYTHON" t.py change "$BUNDLE" media/video.bin $((MiB + 5)) 16
seen=()
for _ in $(seq 15); do
	seen+=("$(ask media/video.bin plain $MiB 64 -H "Range: bytes=$MiB-$((MiB + 63))")")
	sleep 0.2
done
never_changed "changed with a new time: every answer for 3 s, across the library's next look" "${seen[@]}"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$C/lessons/01-welcome.html")" = 200 ] &&
	ok "the course's untouched pages are still served" || not_ok "the course's untouched pages are still served"
grep -q 'does not match' server.err && ok "each refusal is logged with the entry and the rule" ||
	not_ok "each refusal is logged" "$(tail -5 server.err)"

kill -TERM "$SERVER"
wait "$SERVER"
[ $? = 0 ] && ok "the server stops cleanly" || not_ok "the server stops cleanly"
done_testing
