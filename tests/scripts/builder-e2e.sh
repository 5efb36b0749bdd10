#!/bin/bash
# builder-e2e.sh - sampan-build end to end: the real binary on real folders,
# archives and keys.  Prints TAP.
source "$(dirname "$0")/../lib/tap.sh"
B=$SAMPAN_BUILD
export XDG_CONFIG_HOME=$WORK/config # the test's own trust folder, empty

# --- the program's interface ------------------------------------------------
expect_exit 0 'Commands:' "--help lists the commands" "$B" --help
expect_exit 0 '^sampan-build [0-9]' "--version prints the version" "$B" --version
expect_exit 2 "'frobnicate' is not a command" "an unknown command is a usage error" "$B" frobnicate
expect_exit 2 'usage' "no command is a usage error" "$B"
for cmd in init check build keygen inspect verify; do
	expect_exit 0 "usage: sampan-build $cmd" "$cmd --help prints its usage" "$B" "$cmd" --help
done
expect_exit 2 'needs SRC' "build without arguments is a usage error" "$B" build

# --- keys -------------------------------------------------------------------
cd "$WORK" || exit 1
check "keygen --no-password makes a key pair" "$B" keygen -o k1 --no-password
mode=$(stat -c %a k1.key)
if [ "$mode" = 600 ]; then ok "the secret key is mode 0600"; else not_ok "the secret key is mode 0600" "mode $mode"; fi
expect_exit 1 'already exists' "keygen never overwrites without --force" "$B" keygen -o k1 --no-password
check "keygen --force replaces the pair" "$B" keygen -o k1 --no-password --force
printf 'correct horse\n' >pw
check "keygen --password-file makes an encrypted key" "$B" keygen -o k2 --password-file pw
expect_exit 2 'password is needed' "keygen without a terminal asks for --password-file or --no-password" "$B" keygen -o k3 </dev/null
if [ ! -e k3.key ] && [ ! -e k3.pub ]; then ok "a refused keygen writes no file"; else not_ok "a refused keygen writes no file"; fi
# stock minisign signs with our unencrypted key, and our public key verifies it
echo hello >msg
if minisign -S -s k1.key -m msg </dev/null >/dev/null 2>&1 && minisign -V -p k1.pub -m msg >/dev/null 2>&1; then
	ok "stock minisign signs with our key and verifies with our public key"
else
	not_ok "stock minisign signs with our key and verifies with our public key"
fi

# --- a course from init -----------------------------------------------------
check "init makes a course" "$B" init "$WORK/course1"
expect_exit 1 'not empty' "init refuses a folder that is not empty" "$B" init "$WORK/course1"
expect_exit 0 '' "check passes on a new course" "$B" check "$WORK/course1"
expect_exit 0 'Built' "build writes the bundle" "$B" build "$WORK/course1" -k k1.key -o one.sampan
expect_exit 0 'valid' "verify accepts it" "$B" verify one.sampan --trust k1.pub
expect_exit 1 'KEY_UNTRUSTED' "verify with another key refuses it" "$B" verify one.sampan --trust k2.pub
expect_exit 2 'no trusted key: give --trust KEY.pub, or put' "verify without any key says where keys go" "$B" verify one.sampan
mkdir -p "$XDG_CONFIG_HOME/sampan/trusted" && cp k1.pub "$XDG_CONFIG_HOME/sampan/trusted/"
expect_exit 0 'valid' "verify reads the trust folder, as sampan-play does" "$B" verify one.sampan
mkdir keys && cp k2.pub keys/
expect_exit 1 'KEY_UNTRUSTED' "verify --trust-dir replaces the trust folder" "$B" verify one.sampan --trust-dir keys
"$B" verify one.sampan -q >build-verify.out 2>&1
"$BUILD_DIR/sampan-play" verify one.sampan -q >play-verify.out 2>&1
if [ -s build-verify.out ] && cmp -s build-verify.out play-verify.out; then
	ok "sampan-build verify and sampan-play verify print the same report"
else
	not_ok "sampan-build verify and sampan-play verify print the same report" "$(diff build-verify.out play-verify.out)"
fi
rm -rf "$XDG_CONFIG_HOME/sampan/trusted"
expect_exit 0 'UNVERIFIED' "inspect without a key shows the course as unverified" "$B" inspect one.sampan
expect_exit 0 'signature verified' "inspect with the key verifies" "$B" inspect one.sampan --trust k1.pub
expect_exit 1 '' "build with a wrong password fails" bash -c "printf 'wrong\n' >badpw && '$B' build '$WORK/course1' -k k2.key --password-file badpw -o two.sampan"
if [ ! -e two.sampan ]; then ok "the failed build left no bundle"; else not_ok "the failed build left no bundle"; fi
expect_exit 0 'Built' "build with an encrypted key and its password file" "$B" build "$WORK/course1" -k k2.key --password-file pw -o two.sampan

# --- reproducible: twice, and from archives ----------------------------------
"$B" build "$WORK/course1" -k k1.key -o again.sampan -q
if cmp -s one.sampan again.sampan; then ok "the same course built twice gives the same bytes"; else not_ok "the same course built twice gives the same bytes"; fi
tar -C "$WORK" -czf course1.tar.gz course1
"$B" build course1.tar.gz -k k1.key -o fromtar.sampan -q
if cmp -s one.sampan fromtar.sampan; then ok "a .tar.gz of the folder gives the same bytes"; else not_ok "a .tar.gz of the folder gives the same bytes"; fi
(cd "$WORK/course1" && zip -qr "$WORK/course1.zip" .)
"$B" build course1.zip -k k1.key -o fromzip.sampan -q
if cmp -s one.sampan fromzip.sampan; then ok "a .zip of the folder's contents gives the same bytes"; else not_ok "a .zip of the folder's contents gives the same bytes"; fi
SOURCE_DATE_EPOCH=1764374400 "$B" build "$WORK/course1" -k k1.key -o dated.sampan -q
if ! cmp -s one.sampan dated.sampan && unzip -l dated.sampan | grep -q '2025-11-29'; then
	ok "SOURCE_DATE_EPOCH sets the entries' date"
else
	not_ok "SOURCE_DATE_EPOCH sets the entries' date"
fi

# --- the bundle, checked with stock tools --------------------------------------
check "unzip -t accepts it" unzip -tq one.sampan
mkdir x && (cd x && unzip -q ../one.sampan)
check "sha256sum -c --strict checks every file of the unzipped bundle" bash -c "cd x && sha256sum -c --strict --quiet META-INF/MANIFEST"
check "stock minisign verifies the manifest" minisign -H -V -p k1.pub -m x/META-INF/MANIFEST -x x/META-INF/MANIFEST.minisig
check "every page works from disk: relative links that resolve, no other host, lang set" "$PYTHON" "$TOP/tests/lib/check_pages.py" x
h1=$(grep -c "<h1" x/lessons/01-welcome.html)
if [ "$h1" = 1 ]; then ok "a lesson page has one title"; else not_ok "a lesson page has one title" "$h1 <h1> elements"; fi
if grep -rqiE 'https?://' x --include='*.html' --include='*.css'; then
	not_ok "no page or stylesheet names another host" "$(grep -rliE 'https?://' x --include='*.html' --include='*.css')"
else
	ok "no page or stylesheet names another host"
fi
if [ -f x/META-INF/search.txt ] && head -1 x/META-INF/search.txt | grep -q '^# sampan-search: 1$'; then
	ok "the bundle holds its search text"
else
	not_ok "the bundle holds its search text"
fi

# --- a course with problems: nothing is written -----------------------------
cp -r "$WORK/course1" "$WORK/broken"
printf '\n[gone](missing-lesson.md)\n![](https://example.org/x.png)\n' >>"$WORK/broken/lessons/01-welcome.md"
expect_exit 1 '01-welcome.md:[0-9]+:.*error' "check reports problems at their file and line" "$B" check "$WORK/broken"
expect_exit 1 'no bundle written' "build refuses a course with problems" "$B" build "$WORK/broken" -k k1.key -o broken.sampan
if [ ! -e broken.sampan ] && [ -z "$(ls -A . | grep -F '.broken.sampan.tmp')" ]; then
	ok "a refused build leaves no file"
else
	not_ok "a refused build leaves no file" "$(ls -A)"
fi

# --- a failing disk and an interrupted build leave nothing ---------------------
cp -r "$WORK/course1" "$WORK/big"
head -c 300000000 /dev/zero >"$WORK/big/media/big.bin"
mkdir out
# a disk that fills up: writes past 2 MB fail (SIGXFSZ ignored, so they return EFBIG)
expect_exit 3 '' "build onto a full disk fails with a system error" bash -c "trap '' XFSZ; ulimit -f 2048; exec '$B' build '$WORK/big' -k k1.key -o out/big.sampan -q"
if [ -z "$(ls -A out)" ]; then ok "the full disk left no file in the output folder"; else not_ok "the full disk left no file in the output folder" "$(ls -A out)"; fi
# started_writing: wait until the build has begun writing its temporary file.
started_writing() {
	for _ in $(seq $((1000 * TAP_SLOW))); do
		[ -n "$(ls -A out)" ] && return 0
		sleep 0.01
	done
}
"$B" build "$WORK/big" -k k1.key -o out/big.sampan -q &
pid=$!
started_writing
kill -INT "$pid" 2>/dev/null
wait "$pid"
rc=$?
if [ "$rc" -ne 0 ] && [ -z "$(ls -A out)" ]; then
	ok "Ctrl-C during a build leaves nothing (exit $rc)"
else
	not_ok "Ctrl-C during a build leaves nothing" "exit $rc: $(ls -A out)"
fi
rm -rf out && mkdir out
"$B" build "$WORK/big" -k k1.key -o out/big.sampan -q &
pid=$!
started_writing
kill -KILL "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
if [ ! -e out/big.sampan ]; then ok "kill -9 during a build leaves no bundle"; else not_ok "kill -9 during a build leaves no bundle"; fi

# --- hostile archives --------------------------------------------------------
"$PYTHON" - "$WORK" <<'PY'
import io, sys, tarfile
work = sys.argv[1]
def tar(name, members):
    with tarfile.open(f"{work}/{name}", "w:gz") as t:
        for m, data in members:
            if data is not None:
                m.size = len(data)
                t.addfile(m, io.BytesIO(data))
            else:
                t.addfile(m)
good = open(f"{work}/course1/course.yml", "rb").read()
up = tarfile.TarInfo("../escape.txt")
tar("dotdot.tar.gz", [(tarfile.TarInfo("course.yml"), good), (up, b"x")])
link = tarfile.TarInfo("media")
link.type = tarfile.SYMTYPE
link.linkname = "/etc"
tar("symlink.tar.gz", [(tarfile.TarInfo("course.yml"), good), (link, None)])
absolute = tarfile.TarInfo("/tmp/sampan-absolute-test.txt")
tar("absolute.tar.gz", [(tarfile.TarInfo("course.yml"), good), (absolute, b"x")])
PY
expect_exit 1 'escape' "an archive entry with '..' is refused" "$B" build dotdot.tar.gz -k k1.key -o h.sampan
expect_exit 1 'not a regular file' "an archive with a symbolic link is refused" "$B" build symlink.tar.gz -k k1.key -o h.sampan
expect_exit 1 '' "an archive entry with an absolute path is refused" "$B" build absolute.tar.gz -k k1.key -o h.sampan
if [ ! -e "$WORK/../escape.txt" ] && [ ! -e /tmp/sampan-absolute-test.txt ] && [ ! -e h.sampan ]; then
	ok "hostile archives wrote nothing outside their folder"
else
	not_ok "hostile archives wrote nothing outside their folder"
fi
expect_exit 1 'neither a folder nor an archive' "a file that is no archive is refused" bash -c "echo text >notarchive.txt && '$B' build notarchive.txt -k k1.key -o h.sampan"

# --- check finds every kind of problem, each at its file and line -----------------
P=$WORK/planted
mkdir -p "$P/lessons" "$P/media"
cat >"$P/course.yml" <<'YML'
id: org.example.planted
version: "1"
language: en
title: {en: Planted problems}
publisher: {name: Tests}
licence: CC0-1.0
lessons:
  - lessons/01-one.md
  - lessons/02-missing.md
YML
cat >"$P/lessons/01-one.md" <<'MD'
# One

[to a lesson that is not there](03-nowhere.md)
[to a heading that is not there](#nowhere)
![a missing picture](../media/missing.png)
[the internet](https://example.org/page)
<img src="//cdn.example.org/x.png">
![](../media/pic.svg)
![A video without subtitles](../media/clip.mp4)
![A slow video](../media/slow.mp4)
MD
printf 'bad \xff byte\n' >>"$P/lessons/01-one.md"
printf '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>\n' >"$P/media/pic.svg"
cp "$P/media/pic.svg" "$P/media/unused.svg"
cp "$P/media/pic.svg" "$P/media/AUX.svg"
cp "$P/media/pic.svg" "$P/media/Pic.svg"
cp "$P/media/pic.svg" "$P/media/trailing. "
"$PYTHON" - "$P/media" <<'PY'
import struct, sys
d = sys.argv[1]
ftyp = struct.pack(">I4s4sI4s", 20, b"ftyp", b"isom", 512, b"isom")
moov = struct.pack(">I4s", 8, b"moov")
mdat = struct.pack(">I4s", 16, b"mdat") + b"\0" * 8
open(f"{d}/clip.mp4", "wb").write(ftyp + moov + mdat)
open(f"{d}/slow.mp4", "wb").write(ftyp + mdat + moov)
PY
"$B" check "$P" >"$WORK/planted.out" 2>&1
rc=$?
if [ "$rc" -eq 1 ]; then ok "check exits 1 on a course with errors"; else not_ok "check exits 1 on a course with errors" "exit $rc"; fi
want=(
	'course.yml:[0-9]+(:[0-9]+)?: error: .*02-missing.md'
	'lessons/01-one.md:3(:[0-9]+)?: error: .*03-nowhere.md'
	'lessons/01-one.md:4(:[0-9]+)?: error: .*nowhere'
	'lessons/01-one.md:5(:[0-9]+)?: error: .*missing.png'
	'lessons/01-one.md:6(:[0-9]+)?: error: .*another host'
	'lessons/01-one.md:7(:[0-9]+)?: error: .*another host'
	'lessons/01-one.md:8(:[0-9]+)?: warning: .*alt'
	'lessons/01-one.md:9(:[0-9]+)?: warning: .*subtitle'
	'media/slow.mp4(:[0-9]+)?: error: .*moov'
	'lessons/01-one.md:11(:[0-9]+)?: error: .*UTF-8'
	'media/AUX.svg(:[0-9]+)?: error: '
	'media/(Pic|pic).svg(:[0-9]+)?: error: '
	'media/trailing. (:[0-9]+)?: error: '
	'media/unused.svg(:[0-9]+)?: warning: .*not used'
)
for pattern in "${want[@]}"; do
	if grep -Eq -- "$pattern" "$WORK/planted.out"; then
		ok "check reports /$pattern/"
	else
		not_ok "check reports /$pattern/" "$(cat "$WORK/planted.out")"
	fi
done
printf 'id: org.example.yaml\ntitle: [unclosed\n' >"$WORK/yamlbad.yml"
mkdir -p "$WORK/yamlbad" && mv "$WORK/yamlbad.yml" "$WORK/yamlbad/course.yml"
expect_exit 1 'course.yml:[0-9]+:[0-9]+: error' "a YAML error is reported with line and column" "$B" check "$WORK/yamlbad"
expect_exit 0 '' "check passes (exit 0) when there are only warnings" bash -c "'$B' check '$WORK/course1' && cp '$WORK/course1/media/'* '$WORK/course1/media/spare.svg' 2>/dev/null; '$B' check '$WORK/course1'"

# --- raw HTML: through the allowlist with allow_html, reported either way -------
"$B" init "$WORK/rawhtml" >/dev/null
printf '\nPress <kbd>Ctrl</kbd> <img alt="x" onerror="alert(1)">\n\n<script>alert(2)</script>\n' \
	>>"$WORK/rawhtml/lessons/01-welcome.md"
kbd_line=$(grep -n '<kbd>' "$WORK/rawhtml/lessons/01-welcome.md" | cut -d: -f1)
expect_exit 0 "lessons/01-welcome.md:$kbd_line:[0-9]+: warning: raw HTML <kbd> removed: course.yml does not set 'allow_html: true'" \
	"without allow_html, check says which raw HTML a page loses" "$B" check "$WORK/rawhtml"
printf 'allow_html: true\n' >>"$WORK/rawhtml/course.yml"
expect_exit 0 "lessons/01-welcome.md:$kbd_line:[0-9]+: warning: raw HTML <img>: attribute 'onerror' removed" \
	"with allow_html, check says which attribute is removed, at file:line:col" "$B" check "$WORK/rawhtml"
expect_exit 0 "lessons/01-welcome.md:$((kbd_line + 2)):1: warning: raw HTML <script> removed with all it holds" \
	"build reports the removals too" "$B" build "$WORK/rawhtml" -k k1.key -o "$WORK/rawhtml.sampan"
page=$(unzip -p "$WORK/rawhtml.sampan" lessons/01-welcome.html)
if grep -q '<kbd>Ctrl</kbd>' <<<"$page" && ! grep -qiE 'onerror|<script|alert' <<<"$page"; then
	ok "the page keeps <kbd> and has no handler and no script"
else
	not_ok "the page keeps <kbd> and has no handler and no script" "$(grep -iE 'kbd|onerror|script|alert' <<<"$page")"
fi

# --- the README's exit codes are the program's ----------------------------------
readme_codes=$(sed -n '/^Exit codes, for every command:/,/^$/d; /^| Code | Meaning |/,/^$/p' "$TOP/README.md" | grep -oE '^\| [0-9] ' | tr -dc '0-9')
help_codes=$("$B" --help | sed -n 's/^Exit status: //p' | grep -oE '[0-9] [a-z]' | tr -dc '0-9')
if [ "$readme_codes" = 0123 ] && [ "$help_codes" = 0123 ]; then
	ok "the README's exit code table and --help list the same codes, 0 to 3"
else
	not_ok "the README's exit code table and --help list the same codes, 0 to 3" "README: $readme_codes, --help: $help_codes"
fi

done_testing
