#!/bin/bash
# player-commands.sh - sampan-play verify, list, install and extract end to
# end: the real binary on real bundles, keys, folders, a full disk and kill -9.
# Prints TAP.
source "$(dirname "$0")/../lib/tap.sh"
SAMPAN_PLAY=$BUILD_DIR/sampan-play
P=$SAMPAN_PLAY
B=$SAMPAN_BUILD
VECTORS=$TOP/format-spec/vectors

if [ ! -x "$P" ] && [ ! -e "$TOP/player/main.c" ]; then
	echo "ok 1 # SKIP sampan-play is not built yet (no player/main.c)"
	echo "1..1"
	exit 0
fi

umask 022
# The trust folder is the test's own: never the keys of whoever runs the tests.
export XDG_CONFIG_HOME=$WORK/config
TRUSTED=$XDG_CONFIG_HOME/sampan/trusted
cd "$WORK" || exit 1

# no_file DESCRIPTION PATH...: ok when none of the paths exists.
no_file() {
	local desc=$1 p
	shift
	for p in "$@"; do
		if [ -e "$p" ] || [ -L "$p" ]; then
			not_ok "$desc" "$p exists: $(ls -la "$p" 2>&1 | head -20)"
			return
		fi
	done
	ok "$desc"
}

# empty_dir DESCRIPTION DIR: ok when DIR exists and is empty.
empty_dir() {
	if [ -d "$2" ] && [ -z "$(ls -A "$2")" ]; then
		ok "$1"
	else
		not_ok "$1" "$(ls -la "$2" 2>&1 | head -20)"
	fi
}

# flip_byte FILE ENTRY: change one byte inside a stored entry's data.
flip_byte() {
	local off b
	off=$("$PYTHON" - "$1" "$2" <<'PY'
import struct, sys, zipfile
path, name = sys.argv[1], sys.argv[2]
info = zipfile.ZipFile(path).getinfo(name)
assert info.compress_type == zipfile.ZIP_STORED and info.file_size > 2000
with open(path, "rb") as f:
    f.seek(info.header_offset)
    h = f.read(30)
n, e = struct.unpack("<HH", h[26:30])
print(info.header_offset + 30 + n + e + 1000)
PY
	) || return 1
	b=$(dd if="$1" bs=1 skip="$off" count=1 2>/dev/null | od -An -tu1 | tr -d ' ')
	printf "\\x$(printf %02x $((b ^ 255)))" | dd of="$1" bs=1 seek="$off" conv=notrunc 2>/dev/null
}

# --- bundles and keys -----------------------------------------------------------
"$B" keygen -o k1 --no-password >/dev/null 2>&1
"$B" keygen -o k2 --no-password >/dev/null 2>&1
"$B" init "$WORK/course" >/dev/null 2>&1
head -c 3000000 /dev/urandom >"$WORK/course/media/noise.bin"
id=$(sed -n 's/^id: *"\{0,1\}\([^" ]*\)"\{0,1\} *$/\1/p' "$WORK/course/course.yml")
"$B" build "$WORK/course" -k k1.key -o one.sampan -q 2>/dev/null
sed -i 's/^version: .*/version: "2"/' "$WORK/course/course.yml"
"$B" build "$WORK/course" -k k1.key -o two.sampan -q 2>/dev/null
"$B" build "$WORK/course" -k k2.key -o other-key.sampan -q 2>/dev/null
cp one.sampan tampered.sampan
flip_byte tampered.sampan media/noise.bin
if [ -n "$id" ] && [ -s one.sampan ] && [ -s two.sampan ] && [ -s other-key.sampan ] &&
	! cmp -s one.sampan tampered.sampan; then
	ok "test bundles made (course $id, versions 1 and 2, another key, one byte flipped)"
else
	not_ok "test bundles made" "id '$id': $(ls -la)"
fi
entries=$(unzip -Z1 one.sampan | wc -l)

# --- the interface ------------------------------------------------------------
for cmd in verify list install extract; do
	expect_exit 0 "usage: sampan-play $cmd" "$cmd --help prints its usage" "$P" "$cmd" --help
	expect_exit 2 'usage' "$cmd with an unknown option is a usage error" "$P" "$cmd" --frobnicate
done
expect_exit 2 'needs at least one FILE' "verify without a file is a usage error" "$P" verify --trust k1.pub
expect_exit 2 'needs one FILE.sampan and --library' "install without --library is a usage error" "$P" install one.sampan --trust k1.pub
expect_exit 2 'needs one FILE.sampan and one DIR' "extract without DIR is a usage error" "$P" extract one.sampan --trust k1.pub
expect_exit 2 'no trusted key' "without any trusted key, verify says where keys go" "$P" verify one.sampan
expect_exit 3 'sampan-play: not-there.pub: ' "a --trust key file that cannot be read is a system error, as in sampan-build" "$P" verify one.sampan --trust not-there.pub
echo 'not a key' >bad.pub
expect_exit 2 'bad.pub' "a --trust file that is not a key is a usage error" "$P" verify one.sampan --trust bad.pub
expect_exit 2 'allow-unsigned' "--allow-unsigned is not offered" "$P" verify one.sampan --trust k1.pub --allow-unsigned

# --- trust: --trust, the default trust folder, --trust-dir --------------------------
mkdir -p "$TRUSTED" && cp k1.pub "$TRUSTED/"
expect_exit 0 'valid' "the trust folder under \$XDG_CONFIG_HOME is read by default" "$P" verify one.sampan
mkdir keys && cp k2.pub keys/
expect_exit 1 'KEY_UNTRUSTED' "--trust-dir replaces the default folder" "$P" verify one.sampan --trust-dir keys
expect_exit 0 'valid' "--trust adds to the folder's keys" "$P" verify one.sampan --trust-dir keys --trust k1.pub
expect_exit 2 'no trusted key' "a missing --trust-dir adds nothing" "$P" verify one.sampan --trust-dir no-such-folder
rm -rf "$TRUSTED"
mkdir -p "$WORK/home/.config/sampan/trusted" && cp k1.pub "$WORK/home/.config/sampan/trusted/"
expect_exit 0 'valid' "\$HOME/.config/sampan/trusted when XDG_CONFIG_HOME is unset" env -u XDG_CONFIG_HOME HOME="$WORK/home" "$P" verify one.sampan
mkdir -p "$WORK/rel/sampan/trusted" && cp k2.pub "$WORK/rel/sampan/trusted/"
expect_exit 0 'valid' "a relative XDG_CONFIG_HOME is ignored, as XDG says" env XDG_CONFIG_HOME=rel HOME="$WORK/home" "$P" verify one.sampan
rm -rf "${WORK:?}/home" "${WORK:?}/rel"

# --- verify ---------------------------------------------------------------------
expect_exit 0 "^$(printf '%s' "one.sampan: valid: course $id version 1")" "verify accepts a good bundle" "$P" verify one.sampan --trust k1.pub
expect_exit 0 '^OK +media/noise.bin$' "verify prints one OK line per entry" "$P" verify one.sampan --trust k1.pub
lines=$(grep -c '^OK ' "$WORK/.out")
if [ "$lines" = "$entries" ]; then ok "one line for each of the $entries entries"; else not_ok "one line for each of the $entries entries" "$lines OK lines"; fi
expect_exit 1 '^FAIL +media/noise.bin: .*DIGEST_MISMATCH' "verify finds the flipped byte: DIGEST_MISMATCH" "$P" verify tampered.sampan --trust k1.pub
expect_exit 1 'tampered.sampan: INVALID: 1 of [0-9]+ entries failed' "verify's verdict counts the failed entries" "$P" verify tampered.sampan --trust k1.pub
expect_exit 1 '^FAIL +other-key.sampan: .*KEY_UNTRUSTED' "verify refuses a bundle of an untrusted key: KEY_UNTRUSTED" "$P" verify other-key.sampan --trust k1.pub
expect_exit 1 '^FAIL +.*name-invalid-dotdot.sampan: .*NAME_INVALID' "verify refuses a name with '..'" "$P" verify "$VECTORS/invalid/name-invalid-dotdot.sampan" --trust "$VECTORS/test.pub"
expect_exit 1 'tampered.sampan: INVALID' "verify of several bundles exits 1 when one is invalid" "$P" verify one.sampan tampered.sampan --trust k1.pub
expect_exit 3 '^FAIL +missing.sampan: ' "verify of a missing file is a system error" "$P" verify missing.sampan --trust k1.pub
expect_exit 0 '' "verify -q prints no OK line" bash -c "'$P' verify -q one.sampan --trust k1.pub | grep -q '^OK' && exit 9 || exit 0"

# --- list -------------------------------------------------------------------------
mkdir shelf
cp one.sampan shelf/b-pump.sampan
cp other-key.sampan shelf/c-other.sampan
cp "$VECTORS/invalid/name-invalid-dotdot.sampan" shelf/a-dotdot.sampan
echo 'not a bundle' >shelf/d-text.sampan
cp one.sampan shelf/.hidden.sampan
cp one.sampan shelf/readme.txt
T=$'\t'
"$P" list shelf --trust k1.pub >list.out 2>&1
rc=$?
if [ "$rc" -eq 0 ]; then ok "list exits 0 with refused bundles"; else not_ok "list exits 0 with refused bundles" "exit $rc: $(cat list.out)"; fi
names=$(cut -f8 list.out | tr '\n' ' ')
if [ "$names" = "a-dotdot.sampan b-pump.sampan c-other.sampan d-text.sampan " ]; then
	ok "list shows every *.sampan, sorted by file name, hidden and other files left out"
else
	not_ok "list shows every *.sampan, sorted by file name" "$(cat list.out)"
fi
if grep -q "^OK${T}${id}${T}1${T}[^${T}]*${T}2${T}3.0 MB${T}[0-9A-F]\{16\}${T}b-pump.sampan$" list.out; then
	ok "an OK line: status, id, version, title, lessons, size, signer, file"
else
	not_ok "an OK line: status, id, version, title, lessons, size, signer, file" "$(cat list.out)"
fi
if grep -q "^REFUSED${T}.*${T}c-other.sampan${T}.*KEY_UNTRUSTED" list.out &&
	grep -q "^REFUSED${T}.*${T}a-dotdot.sampan${T}.*NAME_INVALID" list.out &&
	grep -q "^REFUSED${T}.*${T}d-text.sampan${T}.*NOT_ZIP" list.out; then
	ok "REFUSED lines give the reason (KEY_UNTRUSTED, NAME_INVALID, NOT_ZIP)"
else
	not_ok "REFUSED lines give the reason" "$(cat list.out)"
fi
expect_exit 0 "^OK${T}${id}${T}1${T}" "list without DIR lists the current folder" bash -c "cd shelf && exec '$P' list --trust '$WORK/k1.pub'"
expect_exit 3 'no-such-folder: ' "list of a missing folder is a system error" "$P" list no-such-folder --trust k1.pub
expect_exit 2 'at most one DIR' "list takes one folder" "$P" list shelf shelf --trust k1.pub
expect_exit 0 "warning: no trusted key: every bundle is refused" "list without any trusted key warns and lists" "$P" list shelf
if grep -q "^REFUSED${T}.*${T}b-pump.sampan${T}.*KEY_UNTRUSTED" "$WORK/.out" && ! grep -q '^OK' "$WORK/.out"; then
	ok "without a trusted key every bundle is REFUSED: KEY_UNTRUSTED"
else
	not_ok "without a trusted key every bundle is REFUSED: KEY_UNTRUSTED" "$(cat "$WORK/.out")"
fi

# --- install ----------------------------------------------------------------------
mkdir lib
echo 'not a bundle' >lib/junk.sampan
cp other-key.sampan lib/untrusted.sampan
expect_exit 0 "Installed $id version 1 as lib/$id-1.sampan" "install copies a bundle into the library" "$P" install one.sampan --library lib --trust k1.pub
if cmp -s one.sampan "lib/$id-1.sampan" && [ "$(stat -c %a "lib/$id-1.sampan")" = 644 ]; then
	ok "the copy is the same bytes, mode 0644, named ID-VERSION.sampan"
else
	not_ok "the copy is the same bytes, mode 0644" "$(ls -la lib)"
fi
expect_exit 0 "Removed lib/$id-1.sampan \\(version 1\\)" "installing version 2 replaces version 1" "$P" install two.sampan --library lib --trust k1.pub
if [ "$(ls lib | tr '\n' ' ')" = "$id-2.sampan junk.sampan untrusted.sampan " ]; then
	ok "only the new version is left; bundles that do not verify are never touched"
else
	not_ok "only the new version is left" "$(ls -A lib)"
fi
expect_exit 1 "one.sampan: downgrade: lib/$id-2.sampan has version 2" "install refuses a downgrade" "$P" install one.sampan --library lib --trust k1.pub
no_file "a refused downgrade writes nothing" "lib/$id-1.sampan"
expect_exit 0 "Removed lib/$id-2.sampan" "install --force installs the lower version over the higher" "$P" install one.sampan --library lib --trust k1.pub --force
if [ -e "lib/$id-1.sampan" ] && [ ! -e "lib/$id-2.sampan" ]; then ok "--force left version 1 only"; else not_ok "--force left version 1 only" "$(ls -A lib)"; fi
cp two.sampan lib/renamed.sampan
expect_exit 0 "Removed lib/$id-1.sampan" "a version under another name is found by its verified id" "$P" install two.sampan --library lib --trust k1.pub
if [ "$(ls lib | tr '\n' ' ')" = "$id-2.sampan junk.sampan untrusted.sampan " ]; then
	ok "every other copy of the course was removed"
else
	not_ok "every other copy of the course was removed" "$(ls -A lib)"
fi
before=$(ls -A lib | tr '\n' ' ')
expect_exit 1 'DIGEST_MISMATCH' "install refuses a tampered bundle" "$P" install tampered.sampan --library lib --trust k1.pub
expect_exit 1 'KEY_UNTRUSTED' "install refuses a bundle of an untrusted key" "$P" install other-key.sampan --library lib --trust k1.pub
expect_exit 1 'NOT_REGULAR_FILE' "install refuses a bundle with a symbolic link" "$P" install "$VECTORS/invalid/not-regular-symlink.sampan" --library lib --trust "$VECTORS/test.pub"
if [ "$(ls -A lib | tr '\n' ' ')" = "$before" ]; then ok "refused installs leave the library as it was"; else not_ok "refused installs leave the library as it was" "$(ls -A lib)"; fi
expect_exit 3 'no-such-lib: ' "install into a missing library folder is a system error" "$P" install one.sampan --library no-such-lib --trust k1.pub

# a disk that fills up: writes past 2 MB fail (SIGXFSZ ignored, so they return EFBIG)
mkdir full
expect_exit 3 'cannot write' "install onto a full disk fails with a system error" bash -c "trap '' XFSZ; ulimit -f 2048; exec '$P' install one.sampan --library full --trust k1.pub"
empty_dir "the full disk left nothing in the library, not even a temporary file" full

# a large bundle, interrupted while its copy is being written or checked
cp -r "$WORK/course" "$WORK/big"
rm "$WORK/big/media/noise.bin"
head -c 200000000 /dev/zero >"$WORK/big/media/big.bin"
"$B" build "$WORK/big" -k k1.key -o big.sampan -q 2>/dev/null
# wait_temp DIR PID: until a temporary copy appears in DIR (or the process ends)
wait_temp() {
	for _ in $(seq 1 $((1000 * TAP_SLOW))); do
		if compgen -G "$1/.*.tmp-*" >/dev/null; then return 0; fi
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.01
	done
	return 1
}
mkdir killed
"$P" install big.sampan --library killed --trust k1.pub >/dev/null 2>&1 &
pid=$!
if wait_temp killed "$pid"; then
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	no_file "kill -9 during an install leaves no ID-VERSION.sampan" "killed/$id-2.sampan"
else
	wait "$pid" 2>/dev/null
	not_ok "kill -9 during an install leaves no ID-VERSION.sampan" "no temporary file was seen"
fi
stale=$(cd killed && compgen -G ".$id-2.sampan.tmp-??????" | head -1)
if [ -n "$stale" ]; then ok "kill -9 left the temporary copy, .ID-VERSION.sampan.tmp-XXXXXX"; else not_ok "kill -9 left the temporary copy" "$(ls -A killed)"; fi
touch -d '2 hours ago' "killed/$stale"
touch "killed/.other-1.sampan.tmp-abcdef"
expect_exit 0 'Installed' "the next install succeeds" "$P" install one.sampan --library killed --trust k1.pub
no_file "install removes temporary files older than an hour" "killed/$stale"
if [ -e killed/.other-1.sampan.tmp-abcdef ]; then ok "a recent temporary file (an install running now) is kept"; else not_ok "a recent temporary file is kept"; fi
mkdir stopped
"$P" install big.sampan --library stopped --trust k1.pub >/dev/null 2>&1 &
pid=$!
if wait_temp stopped "$pid"; then
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rc=$?
	if [ "$rc" -ne 0 ] && [ -z "$(ls -A stopped)" ]; then
		ok "SIGTERM during an install leaves nothing at all (exit $rc)"
	else
		not_ok "SIGTERM during an install leaves nothing at all" "exit $rc: $(ls -A stopped)"
	fi
else
	wait "$pid" 2>/dev/null
	not_ok "SIGTERM during an install leaves nothing at all" "no temporary file was seen"
fi

# --- extract ----------------------------------------------------------------------
mkdir sandbox
expect_exit 0 "Extracted $entries files from one.sampan into sandbox/x" "extract writes every entry" "$P" extract one.sampan sandbox/x --trust k1.pub
check "sha256sum -c --strict META-INF/MANIFEST accepts the extracted files" bash -c "cd sandbox/x && sha256sum -c --strict --quiet META-INF/MANIFEST"
if [ "$(find sandbox/x -type f | wc -l)" = "$entries" ] && [ -z "$(find sandbox/x ! -type f ! -type d)" ] &&
	[ "$(ls -A sandbox)" = x ] && cmp -s sandbox/x/media/noise.bin "$WORK/course/media/noise.bin"; then
	ok "only regular files and folders, all inside DIR, with the bundle's bytes"
else
	not_ok "only regular files and folders, all inside DIR" "$(find sandbox -ls | head -40)"
fi
if [ "$(stat -c %a sandbox/x/index.html)" = 644 ] && [ "$(stat -c %a sandbox/x/lessons)" = 755 ]; then
	ok "files 0644, folders 0755"
else
	not_ok "files 0644, folders 0755" "$(ls -la sandbox/x)"
fi
check "stock minisign verifies the extracted manifest" minisign -H -V -p k1.pub -m sandbox/x/META-INF/MANIFEST -x sandbox/x/META-INF/MANIFEST.minisig
expect_exit 1 'sandbox/x: not empty' "extract refuses a folder that is not empty" "$P" extract one.sampan sandbox/x --trust k1.pub
mkdir planted && ln -s "$WORK/elsewhere" planted/lessons
expect_exit 1 'not empty' "extract refuses a folder holding a planted symbolic link" "$P" extract one.sampan planted --trust k1.pub
no_file "nothing was written through the planted link" "$WORK/elsewhere"
mkdir empty
expect_exit 0 'Extracted' "extract into an existing empty folder" "$P" extract one.sampan empty --trust k1.pub
expect_exit 1 'DIGEST_MISMATCH' "extract refuses a tampered bundle" "$P" extract tampered.sampan t --trust k1.pub
no_file "a refused extraction writes nothing" t
expect_exit 1 'KEY_UNTRUSTED' "extract refuses a bundle of an untrusted key" "$P" extract other-key.sampan t --trust k1.pub
expect_exit 1 'NAME_INVALID' "extract refuses a bundle with a '..' name" "$P" extract "$VECTORS/invalid/name-invalid-dotdot.sampan" sandbox/h1 --trust "$VECTORS/test.pub"
expect_exit 1 'NOT_REGULAR_FILE' "extract refuses a bundle with a symbolic link" "$P" extract "$VECTORS/invalid/not-regular-symlink.sampan" sandbox/h2 --trust "$VECTORS/test.pub"
no_file "hostile bundles wrote nothing anywhere" t sandbox/h1 sandbox/h2 sandbox/escape.html escape.html "$WORK/../escape.html"
if [ "$(ls -A sandbox)" = x ]; then ok "nothing appeared beside the extracted folder"; else not_ok "nothing appeared beside the extracted folder" "$(ls -A sandbox)"; fi
expect_exit 0 'Extracted' "extract reads a large stored entry in checked pieces" "$P" extract big.sampan bigx --trust k1.pub
if cmp -s bigx/media/big.bin "$WORK/big/media/big.bin"; then ok "the large entry has the bundle's bytes"; else not_ok "the large entry has the bundle's bytes"; fi
rm -rf bigx
expect_exit 3 'cannot write' "extract onto a full disk fails with a system error" bash -c "trap '' XFSZ; ulimit -f 20000; exec '$P' extract big.sampan bigx --trust k1.pub"
no_file "the full disk left no folder and no file" bigx
mkdir bige
expect_exit 3 'cannot write' "extract into an empty folder onto a full disk fails" bash -c "trap '' XFSZ; ulimit -f 20000; exec '$P' extract big.sampan bige --trust k1.pub"
empty_dir "the failed extraction removed what it wrote and kept the folder it was given" bige

done_testing
