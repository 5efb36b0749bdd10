#!/bin/bash
# t3600-player-tamper.sh - the bytes sent are the bytes checked: a bundle's
# entries are changed in place while sampan-play serves it (as an attacker
# with the stick, or cheap flash returning other bytes on a later read,
# would), and no changed byte ever leaves, at any time after the change, for
# whole, Range and gzip requests of stored, chunked and deflated entries, nor
# in a download already under way.  Every answer is either the entry's
# original bytes (checked before the change and kept in memory) or a refusal
# (a 5xx, or a response cut short), and once the kept bytes are pushed out of
# memory the change is caught.  Each scenario has a server of its own, on a
# copy of the bundle, with the least memory the player takes (4M: four
# chunks, so they are pushed out soon).  The real binary over real HTTP on
# loopback.
source "$(dirname "$0")/../lib/test-lib.sh"
MiB=1048576

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

N=0
# ask ENTRY plain|gzip FIRST LEN|- [curl args]: one request for LEN bytes at FIRST (- to the
# end) to the scenario's server; prints the verdict on its answer.
ask() {
	local name=$1 kind=$2 first=$3 n=$4 code
	shift 4
	N=$((N + 1))
	code=$(curl -s --max-time $((20 * TAP_SLOW)) -o "body.$N" -w '%{http_code}' "$@" "$C/$name")
	"$PYTHON" t.py verdict "body.$N" "$code" "$PRISTINE" "$name" "$kind" "$first" "$n"
}
# never_changed VERDICT...: no answer carried a changed byte.
never_changed() {
	local v
	echo "$*"
	for v in "$@"; do
		case $v in original | refused) ;; *) return 1 ;; esac
	done
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
# scenario NAME: a copy of the bundle in NAME/, served; sets BUNDLE, URL, C, SERVER.
scenario() {
	mkdir -p "$1" && cp "$PRISTINE" "$1/pumps.sampan" &&
	serve_start "$1/server" "$1" --trust pub.pub --cache "$WORK/$1/cache" --cache-memory 4M &&
	BUNDLE=$WORK/$1/pumps.sampan URL=$SERVED_URL C=${SERVED_URL}c/org.example.pumps SERVER=$SERVED_PID
}

# --- a course: chunked stored entries, a small stored one, a large deflated one ----------
test_setup 'a course with chunked, small stored and large deflated entries' '
	"$B" keygen -o pub --no-password &&
	"$B" init src --title Pumps && sed -i "s/^id: .*/id: org.example.pumps/" src/course.yml &&
	head -c 3500000 /dev/urandom >src/media/video.bin &&   # chunks 0-3
	head -c 5500000 /dev/urandom >src/media/other2.bin &&  # to push the others out of memory
	head -c 10000000 /dev/urandom >src/media/slow.bin &&   # downloaded while it changes
	head -c 300000 /dev/urandom >src/media/small.bin &&    # stored, checked whole
	head -c 2500000 /dev/urandom >src/media/unread.bin &&  # changed before anyone reads it
	for f in 1 2 3 4; do head -c 900000 /dev/urandom >"src/media/filler$f.bin"; done &&
	"$PYTHON" - >src/media/notes.txt <<-PY &&
	import random
	r = random.Random(7)
	words = "pump valve seal impeller bearing shaft casing gasket pressure flow".split()
	print("\n".join(" ".join(r.choice(words) for _ in range(12)) for _ in range(6000)))
	PY
	printf "\n[v](../media/video.bin) [p](../media/other2.bin) [s](../media/slow.bin)\n[m](../media/small.bin) [n](../media/notes.txt) [u](../media/unread.bin)\n[1](../media/filler1.bin) [2](../media/filler2.bin) [3](../media/filler3.bin) [4](../media/filler4.bin)\n" \
		>>src/lessons/01-welcome.md &&
	"$B" build src -k pub.key -o pristine.sampan -q &&
	PRISTINE=$WORK/pristine.sampan
'

# --- before any change: every kind of answer is the entry's bytes -----------------------
test_expect_success "before any change: Range, whole and gzip answers are the entries' bytes" '
	scenario before &&
	v=("$(ask media/video.bin plain 1000 16 -H "Range: bytes=1000-1015")"
		"$(ask media/video.bin plain $((2 * MiB + 500)) 16 -H "Range: bytes=$((2 * MiB + 500))-$((2 * MiB + 515))")"
		"$(ask media/small.bin plain 0 -)"
		"$(ask media/small.bin plain 100 100 -H "Range: bytes=100-199")"
		"$(ask media/notes.txt gzip 0 - -H "Accept-Encoding: gzip")"
		"$(ask media/notes.txt plain 0 -)"
		"$(ask media/notes.txt plain 5000 1000 -H "Range: bytes=5000-5999")") &&
	test_equal "original original original original original original original" "${v[*]}"
'

# --- a chunk read, checked and sent, then changed in the file ------------------------------
test_setup 'a chunk sent, changed in the file, asked for again, then pushed out and asked for' '
	scenario sent &&
	ask media/video.bin plain 1000 16 -H "Range: bytes=1000-1015" &&
	change media/video.bin 1000 16 &&
	v1=$(ask media/video.bin plain 1000 16 -H "Range: bytes=1000-1015") &&
	v2=$(ask media/video.bin plain 0 -) &&
	push_out &&
	v3=$(ask media/video.bin plain 1000 16 -H "Range: bytes=1000-1015") &&
	v4=$(ask media/video.bin plain 0 - -H "Range: bytes=0-") &&
	v5=$(ask media/video.bin plain 0 -)
'
test_expect_success 'a chunk changed after it was sent: the same Range again' 'never_changed "$v1"'
test_expect_success 'a chunk changed after it was sent: the whole entry' 'never_changed "$v2"'
test_expect_success 'once pushed out of memory, the changed chunk: Range, open Range, whole' '
	never_changed "$v3" "$v4" "$v5"
'
test_expect_success 'once pushed out of memory, the changed chunk is caught and refused' '
	test_equal "refused refused refused" "$v3 $v4 $v5"
'

# --- a chunk changed before anyone read it -------------------------------------------------
test_setup 'a chunk changed before anyone read it, then asked for' '
	scenario unread &&
	change media/unread.bin $((2 * MiB + 10)) 4 &&
	u1=$(ask media/unread.bin plain $((2 * MiB)) 100 -H "Range: bytes=$((2 * MiB))-$((2 * MiB + 99))") &&
	u2=$(ask media/unread.bin plain 0 -) &&
	u3=$(ask media/unread.bin plain $MiB - -H "Range: bytes=$MiB-")
'
test_expect_success 'a chunk changed before anyone read it: Range, whole, a Range across it' '
	never_changed "$u1" "$u2" "$u3"
'
test_expect_success '... refused: 5xx for its Range, the others cut short before it' '
	test_equal "refused refused refused" "$u1 $u2 $u3"
'

# --- a small stored entry, checked whole ----------------------------------------------------
test_setup 'a small stored entry sent, changed, asked for, pushed out, asked for' '
	scenario small &&
	s0=$(ask media/small.bin plain 0 -) &&
	change media/small.bin 150 8 &&
	s1=$(ask media/small.bin plain 0 -) &&
	s2=$(ask media/small.bin plain 100 100 -H "Range: bytes=100-199") &&
	push_out &&
	s3=$(ask media/small.bin plain 0 -) &&
	s4=$(ask media/small.bin plain 100 100 -H "Range: bytes=100-199")
'
test_expect_success 'a small stored entry changed after it was sent: whole and Range, before and after memory is reused' '
	never_changed "$s0" "$s1" "$s2" "$s3" "$s4"
'
test_expect_success '... and caught once its kept bytes are gone' '
	test_equal "refused refused" "$s3 $s4"
'

# --- a deflated entry: gzip passthrough, inflated, Range ------------------------------------
test_setup 'a deflated entry sent, changed, asked for, pushed out, asked for' '
	scenario deflated &&
	read -r off size < <("$PYTHON" -c "import sys,zipfile
z = zipfile.ZipFile(sys.argv[1]); i = z.getinfo(\"media/notes.txt\"); print(i.compress_size // 2, i.compress_size)" "$PRISTINE") &&
	d0=$(ask media/notes.txt gzip 0 - -H "Accept-Encoding: gzip") &&
	d00=$(ask media/notes.txt plain 0 -) &&
	change media/notes.txt "$off" 8 &&
	d1=$(ask media/notes.txt gzip 0 - -H "Accept-Encoding: gzip") &&
	d2=$(ask media/notes.txt plain 0 -) &&
	d3=$(ask media/notes.txt plain 5000 1000 -H "Range: bytes=5000-5999") &&
	push_out &&
	d4=$(ask media/notes.txt gzip 0 - -H "Accept-Encoding: gzip") &&
	d5=$(ask media/notes.txt plain 0 -) &&
	d6=$(ask media/notes.txt plain 5000 1000 -H "Range: bytes=5000-5999")
'
test_expect_success 'a deflated entry changed after it was sent: gzip, inflated, Range' '
	never_changed "$d0" "$d00" "$d1" "$d2" "$d3"
'
test_expect_success '... and once memory is reused: gzip, inflated, Range' '
	never_changed "$d4" "$d5" "$d6"
'
test_expect_success '... caught and refused' '
	test_equal "refused refused refused" "$d4 $d5 $d6"
'

# --- a download under way when a chunk it will send is changed -------------------------------
# Chunk 8 is read and sent first (a student seeking), then a download of the whole entry
# starts, and once its first MiB has come chunk 8 changes in the file (the client reads
# through a small buffer, so the server cannot have sent so far ahead).
test_expect_success 'a download under way never sends the chunk changed meanwhile' '
	scenario download &&
	w=$(ask media/slow.bin plain $((8 * MiB)) 16 -H "Range: bytes=$((8 * MiB))-$((8 * MiB + 15))") &&
	host=${URL#http://} && host=${host%%/*} &&
	code=$("$PYTHON" t.py download "${host%:*}" "${host##*:}" /c/org.example.pumps/media/slow.bin \
		slow.bin "$BUNDLE" media/slow.bin $((8 * MiB + 100)) 16) &&
	w2=$("$PYTHON" t.py verdict slow.bin "$code" "$PRISTINE" media/slow.bin plain 0 -) &&
	echo "$(stat -c %s slow.bin) bytes came" &&
	never_changed "$w" "$w2"
'

# --- changed with its time: the library sees it on its next look; no answer in between differs --
test_setup 'an entry changed with a new time, asked for across the library next look' '
	scenario newtime &&
	"$PYTHON" t.py change "$BUNDLE" media/video.bin $((MiB + 5)) 16 &&
	seen=() &&
	for _ in $(seq 15); do
		seen+=("$(ask media/video.bin plain $MiB 64 -H "Range: bytes=$MiB-$((MiB + 63))")")
		sleep 0.2
	done
'
test_expect_success 'changed with a new time: every answer for 3 s, across the library next look' '
	never_changed "${seen[@]}"
'
test_expect_success "the course's untouched pages are still served" '
	test_equal 200 "$(curl -s -o /dev/null -w "%{http_code}" "$C/lessons/01-welcome.html")"
'
test_expect_success 'each refusal is logged with the entry and the rule' '
	ask media/video.bin plain $MiB 64 -H "Range: bytes=$MiB-$((MiB + 63))" &&
	test_grep "does not match" newtime/server.err
'
test_expect_success 'the server stops cleanly' '
	kill -TERM $SERVER && wait $SERVER
'
test_done
