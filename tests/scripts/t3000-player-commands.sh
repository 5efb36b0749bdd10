#!/bin/bash
# t3000-player-commands.sh - sampan-play verify, list, install and extract end
# to end: the real binary on real bundles, keys, folders, a full disk and
# kill -9.
source "$(dirname "$0")/../lib/test-lib.sh"
VECTORS=$TOP/format-spec/vectors
T=$'\t'

umask 022
# The trust folder is the test's own: never the keys of whoever runs the tests.
export XDG_CONFIG_HOME=$WORK/config
TRUSTED=$XDG_CONFIG_HOME/sampan/trusted

# no_file PATH...: none of the paths exists.
no_file() {
	local p
	for p in "$@"; do
		if [ -e "$p" ] || [ -L "$p" ]; then
			echo "$p exists: $(ls -la "$p" 2>&1 | head -20)"
			return 1
		fi
	done
}

# empty_dir DIR: DIR exists and is empty.
empty_dir() {
	[ -d "$1" ] && [ -z "$(ls -A "$1")" ] || { ls -la "$1" 2>&1 | head -20; return 1; }
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
	)
	b=$(dd if="$1" bs=1 skip="$off" count=1 2>/dev/null | od -An -tu1 | tr -d ' ')
	printf "\\x$(printf %02x $((b ^ 255)))" | dd of="$1" bs=1 seek="$off" conv=notrunc 2>/dev/null
}

# --- bundles and keys -----------------------------------------------------------
test_setup 'test bundles: versions 1 and 2, another key, one byte flipped, a large one' '
	"$B" keygen -o k1 --no-password &&
	"$B" keygen -o k2 --no-password &&
	"$B" init "$WORK/course" &&
	head -c 3000000 /dev/urandom >"$WORK/course/media/noise.bin" &&
	id=$(sed -n "s/^id: *\"\{0,1\}\([^\" ]*\)\"\{0,1\} *\$/\1/p" "$WORK/course/course.yml") &&
	test -n "$id" &&
	"$B" build "$WORK/course" -k k1.key -o one.sampan -q 2>/dev/null &&
	sed -i "s/^version: .*/version: \"2\"/" "$WORK/course/course.yml" &&
	"$B" build "$WORK/course" -k k1.key -o two.sampan -q 2>/dev/null &&
	"$B" build "$WORK/course" -k k2.key -o other-key.sampan -q 2>/dev/null &&
	cp one.sampan tampered.sampan &&
	flip_byte tampered.sampan media/noise.bin &&
	! cmp -s one.sampan tampered.sampan &&
	entries=$(unzip -Z1 one.sampan | wc -l) &&
	cp -r "$WORK/course" "$WORK/big" &&
	rm "$WORK/big/media/noise.bin" &&
	head -c 200000000 /dev/zero >"$WORK/big/media/big.bin" &&
	"$B" build "$WORK/big" -k k1.key -o big.sampan -q 2>/dev/null
'

# --- the interface ------------------------------------------------------------
for cmd in verify list install extract; do
	test_expect_success "$cmd --help prints its usage" "
		expect_exit 0 'usage: sampan-play $cmd' \"\$P\" $cmd --help
	"
	test_expect_success "$cmd with an unknown option is a usage error" "
		expect_exit 2 usage \"\$P\" $cmd --frobnicate
	"
done
test_expect_success 'verify without a file is a usage error' '
	expect_exit 2 "needs at least one FILE" "$P" verify --trust k1.pub
'
test_expect_success 'install without --library is a usage error' '
	expect_exit 2 "needs one FILE.sampan and --library" "$P" install one.sampan --trust k1.pub
'
test_expect_success 'extract without DIR is a usage error' '
	expect_exit 2 "needs one FILE.sampan and one DIR" "$P" extract one.sampan --trust k1.pub
'
test_expect_success 'without any trusted key, verify says where keys go' '
	expect_exit 2 "no trusted key" "$P" verify one.sampan
'
test_expect_success 'a --trust key file that cannot be read is a system error, as in sampan-build' '
	expect_exit 3 "sampan-play: not-there.pub: " "$P" verify one.sampan --trust not-there.pub &&
	expect_exit 3 "sampan-build: not-there.pub: " "$B" verify one.sampan --trust not-there.pub
'
test_expect_success 'a --trust file that is not a key is a usage error' '
	echo "not a key" >bad.pub &&
	expect_exit 2 bad.pub "$P" verify one.sampan --trust bad.pub
'
test_expect_success '--allow-unsigned is not offered' '
	expect_exit 2 allow-unsigned "$P" verify one.sampan --trust k1.pub --allow-unsigned
'

# --- trust: --trust, the default trust folder, --trust-dir --------------------------
test_expect_success 'the trust folder under $XDG_CONFIG_HOME is read by default' '
	mkdir -p "$TRUSTED" && cp k1.pub "$TRUSTED/" &&
	expect_exit 0 valid "$P" verify one.sampan;
	rc=$?; rm -rf "$TRUSTED"; test $rc = 0
'
test_expect_success '--trust-dir replaces the default folder' '
	mkdir -p "$TRUSTED" keys2 && cp k1.pub "$TRUSTED/" && cp k2.pub keys2/ &&
	expect_exit 1 KEY_UNTRUSTED "$P" verify one.sampan --trust-dir keys2;
	rc=$?; rm -rf "$TRUSTED"; test $rc = 0
'
test_expect_success '--trust adds to the folder keys' '
	mkdir -p keys3 && cp k2.pub keys3/ &&
	expect_exit 0 valid "$P" verify one.sampan --trust-dir keys3 --trust k1.pub
'
test_expect_success 'a missing --trust-dir adds nothing' '
	expect_exit 2 "no trusted key" "$P" verify one.sampan --trust-dir no-such-folder
'
test_expect_success '$HOME/.config/sampan/trusted when XDG_CONFIG_HOME is unset' '
	mkdir -p home/.config/sampan/trusted && cp k1.pub home/.config/sampan/trusted/ &&
	expect_exit 0 valid env -u XDG_CONFIG_HOME HOME="$WORK/home" "$P" verify one.sampan
'
test_expect_success 'a relative XDG_CONFIG_HOME is ignored, as XDG says' '
	mkdir -p home2/.config/sampan/trusted rel/sampan/trusted &&
	cp k1.pub home2/.config/sampan/trusted/ && cp k2.pub rel/sampan/trusted/ &&
	expect_exit 0 valid env XDG_CONFIG_HOME=rel HOME="$WORK/home2" "$P" verify one.sampan
'

# --- verify ---------------------------------------------------------------------
test_expect_success 'verify accepts a good bundle' '
	expect_exit 0 "^one.sampan: valid: course $id version 1" "$P" verify one.sampan --trust k1.pub
'
test_expect_success 'verify prints one OK line per entry' '
	expect_exit 0 "^OK +media/noise.bin$" "$P" verify one.sampan --trust k1.pub
'
test_expect_success 'one OK line for each entry' '
	"$P" verify one.sampan --trust k1.pub >v.out &&
	test_equal "$entries" "$(grep -c "^OK " v.out)"
'
test_expect_success 'verify finds the flipped byte: DIGEST_MISMATCH' '
	expect_exit 1 "^FAIL +media/noise.bin: .*DIGEST_MISMATCH" "$P" verify tampered.sampan --trust k1.pub
'
test_expect_success "verify's verdict counts the failed entries" '
	expect_exit 1 "tampered.sampan: INVALID: 1 of [0-9]+ entries failed" "$P" verify tampered.sampan --trust k1.pub
'
test_expect_success 'verify refuses a bundle of an untrusted key: KEY_UNTRUSTED' '
	expect_exit 1 "^FAIL +other-key.sampan: .*KEY_UNTRUSTED" "$P" verify other-key.sampan --trust k1.pub
'
test_expect_success "verify refuses a name with '..'" '
	expect_exit 1 "^FAIL +.*name-invalid-dotdot.sampan: .*NAME_INVALID" \
		"$P" verify "$VECTORS/invalid/name-invalid-dotdot.sampan" --trust "$VECTORS/test.pub"
'
test_expect_success 'verify of several bundles exits 1 when one is invalid' '
	expect_exit 1 "tampered.sampan: INVALID" "$P" verify one.sampan tampered.sampan --trust k1.pub
'
test_expect_success 'verify of a missing file is a system error' '
	expect_exit 3 "^FAIL +missing.sampan: " "$P" verify missing.sampan --trust k1.pub
'
test_expect_success 'verify -q prints no OK line' '
	"$P" verify -q one.sampan --trust k1.pub >q.out &&
	test_grep "valid" q.out && test_grep -v "^OK" q.out
'

# --- list -------------------------------------------------------------------------
test_setup 'a shelf of bundles: good, another key, a bad name, not a bundle, hidden, not *.sampan' '
	mkdir shelf &&
	cp one.sampan shelf/b-pump.sampan &&
	cp other-key.sampan shelf/c-other.sampan &&
	cp "$VECTORS/invalid/name-invalid-dotdot.sampan" shelf/a-dotdot.sampan &&
	echo "not a bundle" >shelf/d-text.sampan &&
	cp one.sampan shelf/.hidden.sampan &&
	cp one.sampan shelf/readme.txt &&
	{ "$P" list shelf --trust k1.pub >list.out 2>&1; echo $? >list.rc; }
'
test_expect_success 'list exits 0 with refused bundles' '
	test_equal 0 "$(cat list.rc)"
'
test_expect_success 'list shows every *.sampan, sorted by file name, hidden and other files left out' '
	test_equal "a-dotdot.sampan b-pump.sampan c-other.sampan d-text.sampan " "$(cut -f8 list.out | tr "\n" " ")"
'
test_expect_success 'an OK line: status, id, version, title, lessons, size, signer, file' '
	test_grep "^OK${T}${id}${T}1${T}[^${T}]*${T}2${T}3.0 MB${T}[0-9A-F]{16}${T}b-pump.sampan$" list.out
'
test_expect_success 'REFUSED lines give the reason (KEY_UNTRUSTED, NAME_INVALID, NOT_ZIP)' '
	test_grep "^REFUSED${T}.*${T}c-other.sampan${T}.*KEY_UNTRUSTED" list.out &&
	test_grep "^REFUSED${T}.*${T}a-dotdot.sampan${T}.*NAME_INVALID" list.out &&
	test_grep "^REFUSED${T}.*${T}d-text.sampan${T}.*NOT_ZIP" list.out
'
test_expect_success 'list without DIR lists the current folder' '
	(cd shelf && expect_exit 0 "^OK${T}${id}${T}1${T}" "$P" list --trust "$WORK/k1.pub")
'
test_expect_success 'list of a missing folder is a system error' '
	expect_exit 3 "no-such-folder: " "$P" list no-such-folder --trust k1.pub
'
test_expect_success 'list takes one folder' '
	expect_exit 2 "at most one DIR" "$P" list shelf shelf --trust k1.pub
'
test_expect_success 'list without any trusted key warns and lists' '
	expect_exit 0 "warning: no trusted key: every bundle is refused" "$P" list shelf
'
test_expect_success 'without a trusted key every bundle is REFUSED: KEY_UNTRUSTED' '
	"$P" list shelf >nokey.out 2>/dev/null &&
	test_grep "^REFUSED${T}.*${T}b-pump.sampan${T}.*KEY_UNTRUSTED" nokey.out &&
	test_grep -v "^OK" nokey.out
'

# --- install ----------------------------------------------------------------------
# new_lib DIR: a library folder holding a file that is no bundle and one of another key.
new_lib() {
	mkdir "$1" && echo "not a bundle" >"$1/junk.sampan" && cp other-key.sampan "$1/untrusted.sampan"
}
test_expect_success 'install copies a bundle into the library' '
	new_lib lib1 &&
	expect_exit 0 "Installed $id version 1 as lib1/$id-1.sampan" "$P" install one.sampan --library lib1 --trust k1.pub
'
test_expect_success 'the copy is the same bytes, mode 0644, named ID-VERSION.sampan' '
	new_lib lib2 && "$P" install one.sampan --library lib2 --trust k1.pub -q &&
	test_cmp one.sampan "lib2/$id-1.sampan" && test_equal 644 "$(stat -c %a "lib2/$id-1.sampan")"
'
test_expect_success 'installing version 2 replaces version 1' '
	new_lib lib3 && "$P" install one.sampan --library lib3 --trust k1.pub -q &&
	expect_exit 0 "Removed lib3/$id-1.sampan \(version 1\)" "$P" install two.sampan --library lib3 --trust k1.pub
'
test_expect_success 'only the new version is left; bundles that do not verify are never touched' '
	new_lib lib4 && "$P" install one.sampan --library lib4 --trust k1.pub -q &&
	"$P" install two.sampan --library lib4 --trust k1.pub -q &&
	test_equal "$id-2.sampan junk.sampan untrusted.sampan " "$(ls lib4 | tr "\n" " ")"
'
test_expect_success 'install refuses a downgrade, and writes nothing' '
	new_lib lib5 && "$P" install two.sampan --library lib5 --trust k1.pub -q &&
	expect_exit 1 "one.sampan: downgrade: lib5/$id-2.sampan has version 2" "$P" install one.sampan --library lib5 --trust k1.pub &&
	no_file "lib5/$id-1.sampan"
'
test_expect_success 'install --force installs the lower version over the higher' '
	new_lib lib6 && "$P" install two.sampan --library lib6 --trust k1.pub -q &&
	expect_exit 0 "Removed lib6/$id-2.sampan" "$P" install one.sampan --library lib6 --trust k1.pub --force
'
test_expect_success '--force left version 1 only' '
	new_lib lib7 && "$P" install two.sampan --library lib7 --trust k1.pub -q &&
	"$P" install one.sampan --library lib7 --trust k1.pub --force -q &&
	test -e "lib7/$id-1.sampan" && test ! -e "lib7/$id-2.sampan"
'
test_expect_success 'a version under another name is found by its verified id' '
	new_lib lib8 && "$P" install one.sampan --library lib8 --trust k1.pub -q &&
	cp two.sampan lib8/renamed.sampan &&
	expect_exit 0 "Removed lib8/$id-1.sampan" "$P" install two.sampan --library lib8 --trust k1.pub
'
test_expect_success 'every other copy of the course was removed' '
	new_lib lib9 && "$P" install one.sampan --library lib9 --trust k1.pub -q &&
	cp two.sampan lib9/renamed.sampan &&
	"$P" install two.sampan --library lib9 --trust k1.pub -q &&
	test_equal "$id-2.sampan junk.sampan untrusted.sampan " "$(ls lib9 | tr "\n" " ")"
'
test_setup 'a library with version 2' '
	new_lib libr && "$P" install two.sampan --library libr --trust k1.pub -q &&
	ls -A libr >libr.before
'
test_expect_success 'install refuses a tampered bundle (here also a downgrade)' '
	expect_exit 1 downgrade "$P" install tampered.sampan --library libr --trust k1.pub
'
test_expect_success 'install refuses a tampered bundle by its bad entry, once its copy does not verify' '
	mkdir libt &&
	expect_exit 1 "tampered.sampan: entry .media/noise.bin.: .*DIGEST_MISMATCH" "$P" install tampered.sampan --library libt --trust k1.pub &&
	expect_exit 1 "tampered.sampan: 1 of [0-9]+ entries failed verification" "$P" install tampered.sampan --library libt --trust k1.pub
'
test_expect_success 'the refused copy of the tampered bundle left nothing in the library' '
	empty_dir libt
'
test_expect_success 'install refuses a bundle of an untrusted key' '
	expect_exit 1 KEY_UNTRUSTED "$P" install other-key.sampan --library libr --trust k1.pub
'
test_expect_success 'install refuses a bundle with a symbolic link' '
	expect_exit 1 NOT_REGULAR_FILE "$P" install "$VECTORS/invalid/not-regular-symlink.sampan" --library libr --trust "$VECTORS/test.pub"
'
test_expect_success 'refused installs leave the library as it was' '
	"$P" install tampered.sampan --library libr --trust k1.pub;
	"$P" install other-key.sampan --library libr --trust k1.pub;
	ls -A libr >libr.after && test_cmp libr.before libr.after
'
test_expect_success 'install into a missing library folder is a system error' '
	expect_exit 3 "no-such-lib: " "$P" install one.sampan --library no-such-lib --trust k1.pub
'
# a disk that fills up: writes past 2 MB fail (SIGXFSZ ignored, so they return EFBIG)
test_expect_success 'install onto a full disk fails with a system error' '
	mkdir full1 &&
	expect_exit 3 "cannot write" bash -c "trap \"\" XFSZ; ulimit -f 2048; exec \"$P\" install one.sampan --library full1 --trust k1.pub"
'
test_expect_success 'the full disk left nothing in the library, not even a temporary file' '
	mkdir full2 &&
	bash -c "trap \"\" XFSZ; ulimit -f 2048; exec \"$P\" install one.sampan --library full2 --trust k1.pub";
	empty_dir full2
'

# a large bundle, interrupted while its copy is being written or checked
# wait_temp DIR PID: until a temporary copy appears in DIR (or the process ends)
wait_temp() {
	for _ in $(seq 1 $((1000 * TAP_SLOW))); do
		if compgen -G "$1/.*.tmp-*" >/dev/null; then return 0; fi
		kill -0 "$2" 2>/dev/null || { echo "no temporary file was seen"; return 1; }
		sleep 0.01
	done
	echo "no temporary file was seen"
	return 1
}
# kill_install DIR SIGNAL: install big.sampan into DIR, and send SIGNAL once its copy is there.
kill_install() {
	mkdir "$1" && { "$P" install big.sampan --library "$1" --trust k1.pub >/dev/null 2>&1 & pid=$!; } &&
	wait_temp "$1" $pid && kill "-$2" $pid
	wait $pid
}
test_setup 'an install killed with -9' '
	kill_install killed KILL;
	stale=$(cd killed && compgen -G ".$id-2.sampan.tmp-??????" | head -1);
	echo "left: $stale"
'
test_expect_success 'kill -9 during an install leaves no ID-VERSION.sampan' '
	no_file "killed/$id-2.sampan"
'
test_expect_success 'kill -9 left the temporary copy, .ID-VERSION.sampan.tmp-XXXXXX' '
	test -n "$stale" && test -e "killed/$stale"
'
test_expect_success 'the next install succeeds, removes temporary files older than an hour, and keeps a recent one' '
	cp -r killed killed2 &&
	touch -d "2 hours ago" "killed2/$stale" &&
	touch killed2/.other-1.sampan.tmp-abcdef &&
	expect_exit 0 Installed "$P" install one.sampan --library killed2 --trust k1.pub &&
	no_file "killed2/$stale" &&
	test -e killed2/.other-1.sampan.tmp-abcdef
'
test_expect_success 'install removes temporary files older than an hour' '
	cp -r killed killed3 && touch -d "2 hours ago" "killed3/$stale" &&
	"$P" install one.sampan --library killed3 --trust k1.pub -q &&
	no_file "killed3/$stale"
'
test_expect_success 'a recent temporary file (an install running now) is kept' '
	cp -r killed killed4 && touch killed4/.other-1.sampan.tmp-abcdef &&
	"$P" install one.sampan --library killed4 --trust k1.pub -q &&
	test -e killed4/.other-1.sampan.tmp-abcdef
'
test_expect_success 'SIGTERM during an install leaves nothing at all' '
	kill_install stopped TERM;
	rc=$?;
	echo "exit $rc" && test "$rc" -ne 0 && empty_dir stopped
'

# --- extract ----------------------------------------------------------------------
test_setup 'one.sampan extracted into sandbox/x' '
	mkdir sandbox && "$P" extract one.sampan sandbox/x --trust k1.pub >extract.out
'
test_expect_success 'extract writes every entry' '
	test_grep -F "Extracted $entries files from one.sampan into sandbox/x" extract.out
'
test_expect_success 'sha256sum -c --strict META-INF/MANIFEST accepts the extracted files' '
	(cd sandbox/x && sha256sum -c --strict --quiet META-INF/MANIFEST)
'
test_expect_success 'only regular files and folders, all inside DIR, with the bundle bytes' '
	test_equal "$entries" "$(find sandbox/x -type f | wc -l)" &&
	test_equal "" "$(find sandbox/x ! -type f ! -type d)" &&
	test_equal x "$(ls -A sandbox)" &&
	test_cmp "$WORK/course/media/noise.bin" sandbox/x/media/noise.bin
'
test_expect_success 'files 0644, folders 0755' '
	test_equal 644 "$(stat -c %a sandbox/x/index.html)" &&
	test_equal 755 "$(stat -c %a sandbox/x/lessons)"
'
test_expect_success 'stock minisign verifies the extracted manifest' '
	minisign -H -V -p k1.pub -m sandbox/x/META-INF/MANIFEST -x sandbox/x/META-INF/MANIFEST.minisig
'
test_expect_success 'extract refuses a folder that is not empty' '
	expect_exit 1 "sandbox/x: not empty" "$P" extract one.sampan sandbox/x --trust k1.pub
'
test_expect_success 'extract refuses a folder holding a planted symbolic link' '
	mkdir planted && ln -s "$WORK/elsewhere" planted/lessons &&
	expect_exit 1 "not empty" "$P" extract one.sampan planted --trust k1.pub
'
test_expect_success 'nothing was written through the planted link' '
	mkdir planted2 && ln -s "$WORK/elsewhere2" planted2/lessons &&
	"$P" extract one.sampan planted2 --trust k1.pub;
	no_file "$WORK/elsewhere2"
'
test_expect_success 'extract into an existing empty folder' '
	mkdir empty && expect_exit 0 Extracted "$P" extract one.sampan empty --trust k1.pub
'
test_expect_success 'extract refuses a tampered bundle, and writes nothing' '
	expect_exit 1 DIGEST_MISMATCH "$P" extract tampered.sampan t1 --trust k1.pub &&
	no_file t1
'
test_expect_success 'extract refuses a bundle of an untrusted key' '
	expect_exit 1 KEY_UNTRUSTED "$P" extract other-key.sampan t2 --trust k1.pub &&
	no_file t2
'
test_expect_success "extract refuses a bundle with a '..' name" '
	expect_exit 1 NAME_INVALID "$P" extract "$VECTORS/invalid/name-invalid-dotdot.sampan" h1 --trust "$VECTORS/test.pub"
'
test_expect_success 'extract refuses a bundle with a symbolic link' '
	expect_exit 1 NOT_REGULAR_FILE "$P" extract "$VECTORS/invalid/not-regular-symlink.sampan" h2 --trust "$VECTORS/test.pub"
'
test_expect_success 'hostile bundles wrote nothing anywhere' '
	mkdir hostile && cd hostile &&
	"$P" extract "$VECTORS/invalid/name-invalid-dotdot.sampan" h1 --trust "$VECTORS/test.pub";
	"$P" extract "$VECTORS/invalid/not-regular-symlink.sampan" h2 --trust "$VECTORS/test.pub";
	cd "$WORK" &&
	empty_dir hostile && no_file escape.html "$WORK/../escape.html"
'
test_expect_success 'nothing appeared beside the extracted folder' '
	test_equal x "$(ls -A sandbox)"
'
test_expect_success 'extract reads a large stored entry in checked pieces, with the bundle bytes' '
	expect_exit 0 Extracted "$P" extract big.sampan bigx --trust k1.pub &&
	test_cmp "$WORK/big/media/big.bin" bigx/media/big.bin
'
test_expect_success 'extract onto a full disk fails with a system error, and leaves no folder and no file' '
	expect_exit 3 "cannot write" bash -c "trap \"\" XFSZ; ulimit -f 20000; exec \"$P\" extract big.sampan bigf --trust k1.pub" &&
	no_file bigf
'
test_expect_success 'extract into an empty folder onto a full disk fails' '
	mkdir bige &&
	expect_exit 3 "cannot write" bash -c "trap \"\" XFSZ; ulimit -f 20000; exec \"$P\" extract big.sampan bige --trust k1.pub"
'
test_expect_success 'the failed extraction removed what it wrote and kept the folder it was given' '
	mkdir bige2 &&
	bash -c "trap \"\" XFSZ; ulimit -f 20000; exec \"$P\" extract big.sampan bige2 --trust k1.pub";
	empty_dir bige2
'
test_done
