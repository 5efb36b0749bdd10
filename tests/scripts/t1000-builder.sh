#!/bin/bash
# t1000-builder.sh - sampan-build end to end: the real binary on real folders,
# archives and keys.
source "$(dirname "$0")/../lib/test-lib.sh"
export XDG_CONFIG_HOME=$WORK/config # the test's own trust folder, empty

# --- the program's interface ------------------------------------------------
test_expect_success '--help lists the commands' '
	expect_exit 0 "Commands:" "$B" --help
'
test_expect_success '--version prints the version' '
	expect_exit 0 "^sampan-build [0-9]" "$B" --version
'
test_expect_success 'an unknown command is a usage error' '
	expect_exit 2 "'"'"'frobnicate'"'"' is not a command" "$B" frobnicate
'
test_expect_success 'no command is a usage error' '
	expect_exit 2 usage "$B"
'
for cmd in init check build keygen inspect verify; do
	test_expect_success "$cmd --help prints its usage" "
		expect_exit 0 'usage: sampan-build $cmd' \"\$B\" $cmd --help
	"
	test_expect_success "$cmd --version prints the version" "
		expect_exit 0 '^sampan-build [0-9]' \"\$B\" $cmd --version
	"
	test_expect_success "$cmd with an unknown option is a usage error" "
		expect_exit 2 \"$cmd: unknown option '--frobnicate'\" \"\$B\" $cmd --frobnicate
	"
done
test_expect_success 'build without arguments is a usage error' '
	expect_exit 2 "needs SRC" "$B" build
'

# --- keys -------------------------------------------------------------------
test_setup 'two key pairs, one with a password' '
	"$B" keygen -o k1 --no-password &&
	printf "correct horse\n" >pw &&
	"$B" keygen -o k2 --password-file pw
'
test_expect_success 'keygen --no-password makes a key pair' '
	"$B" keygen -o kn --no-password && test -s kn.key && test -s kn.pub
'
test_expect_success 'the secret key is mode 0600' '
	test_equal 600 "$(stat -c %a k1.key)"
'
test_expect_success 'keygen never overwrites without --force' '
	"$B" keygen -o kf --no-password &&
	cp kf.key kf.key.before &&
	expect_exit 1 "already exists" "$B" keygen -o kf --no-password &&
	test_cmp kf.key.before kf.key
'
test_expect_success 'keygen --force replaces the pair' '
	"$B" keygen -o kr --no-password &&
	cp kr.pub kr.pub.before &&
	"$B" keygen -o kr --no-password --force &&
	! cmp -s kr.pub.before kr.pub
'
test_expect_success 'keygen --password-file makes an encrypted key' '
	"$B" keygen -o kp --password-file pw && test -s kp.key
'
test_expect_success 'keygen without a terminal asks for --password-file or --no-password' '
	expect_exit 2 "password is needed" "$B" keygen -o k3
'
test_expect_success 'a refused keygen writes no file' '
	"$B" keygen -o k4 >/dev/null 2>&1;
	test ! -e k4.key && test ! -e k4.pub
'
test_expect_success '--no-password and --password-file exclude each other' '
	expect_exit 2 "exclude each other" "$B" keygen -o k5 --no-password --password-file pw &&
	test ! -e k5.key
'
test_expect_success 'stock minisign signs with our key and verifies with our public key' '
	echo hello >msg &&
	minisign -S -s k1.key -m msg </dev/null &&
	minisign -V -p k1.pub -m msg
'

# --- a course from init -----------------------------------------------------
test_setup 'a course from init, built with k1' '
	"$B" init "$WORK/course1" &&
	"$B" build "$WORK/course1" -k k1.key -o one.sampan -q
'
test_expect_success 'init makes a course' '
	expect_exit 0 "Created a course in" "$B" init "$WORK/fresh" &&
	test -f "$WORK/fresh/course.yml" && test -f "$WORK/fresh/GUIDE.md"
'
test_expect_success 'init refuses a folder that is not empty' '
	expect_exit 1 "not empty" "$B" init "$WORK/course1"
'
test_expect_success 'check passes on a new course' '
	expect_exit 0 "" "$B" check "$WORK/course1"
'
test_expect_success 'build writes the bundle' '
	expect_exit 0 Built "$B" build "$WORK/course1" -k k1.key -o built.sampan &&
	test -s built.sampan
'
test_expect_success 'verify accepts it' '
	expect_exit 0 valid "$B" verify one.sampan --trust k1.pub
'
test_expect_success 'verify with another key refuses it' '
	expect_exit 1 KEY_UNTRUSTED "$B" verify one.sampan --trust k2.pub
'
test_expect_success 'verify without any key says where keys go' '
	expect_exit 2 "no trusted key: give --trust KEY.pub, or put" "$B" verify one.sampan
'
test_expect_success 'verify reads the trust folder, as sampan-play does' '
	mkdir -p folder/sampan/trusted && cp k1.pub folder/sampan/trusted/ &&
	XDG_CONFIG_HOME=$WORK/folder expect_exit 0 valid "$B" verify one.sampan
'
test_expect_success 'verify --trust-dir replaces the trust folder' '
	mkdir -p folder/sampan/trusted other && cp k1.pub folder/sampan/trusted/ &&
	cp k2.pub other/ &&
	XDG_CONFIG_HOME=$WORK/folder expect_exit 1 KEY_UNTRUSTED "$B" verify one.sampan --trust-dir other
'
test_expect_success 'sampan-build verify and sampan-play verify print the same report' '
	"$B" verify one.sampan --trust k1.pub >build-verify.out 2>&1 &&
	"$P" verify one.sampan --trust k1.pub >play-verify.out 2>&1 &&
	test -s build-verify.out && test_cmp build-verify.out play-verify.out
'
test_expect_success 'inspect without a key shows the course as unverified' '
	expect_exit 0 UNVERIFIED "$B" inspect one.sampan
'
test_expect_success 'inspect with the key verifies' '
	expect_exit 0 "signature verified" "$B" inspect one.sampan --trust k1.pub
'
test_expect_success 'build with a wrong password fails and leaves no bundle' '
	printf "wrong\n" >badpw &&
	expect_exit 1 "" "$B" build "$WORK/course1" -k k2.key --password-file badpw -o two.sampan &&
	test ! -e two.sampan
'
test_expect_success 'build with an encrypted key and its password file' '
	expect_exit 0 Built "$B" build "$WORK/course1" -k k2.key --password-file pw -o two.sampan
'
test_expect_success 'a password file without a final newline gives its password' '
	printf "correct horse" >pw-no-newline &&
	expect_exit 0 Built "$B" build "$WORK/course1" -k k2.key --password-file pw-no-newline -o three.sampan
'

# --- reproducible: twice, and from archives ----------------------------------
test_expect_success 'the same course built twice gives the same bytes' '
	"$B" build "$WORK/course1" -k k1.key -o again.sampan -q &&
	test_cmp one.sampan again.sampan
'
test_expect_success 'a .tar.gz of the folder gives the same bytes' '
	tar -C "$WORK" -czf course1.tar.gz course1 &&
	"$B" build course1.tar.gz -k k1.key -o fromtar.sampan -q &&
	test_cmp one.sampan fromtar.sampan
'
test_expect_success 'a .zip of the folder contents gives the same bytes' '
	(cd "$WORK/course1" && zip -qr "$WORK/course1.zip" .) &&
	"$B" build course1.zip -k k1.key -o fromzip.sampan -q &&
	test_cmp one.sampan fromzip.sampan
'
test_expect_success 'SOURCE_DATE_EPOCH sets the entries date' '
	SOURCE_DATE_EPOCH=1764374400 "$B" build "$WORK/course1" -k k1.key -o dated.sampan -q &&
	! cmp -s one.sampan dated.sampan &&
	unzip -l dated.sampan | grep -q 2025-11-29
'

# --- the bundle, checked with stock tools --------------------------------------
test_setup 'the bundle unzipped' '
	mkdir x && (cd x && unzip -q ../one.sampan)
'
test_expect_success 'unzip -t accepts it' '
	unzip -tq one.sampan
'
test_expect_success 'sha256sum -c --strict checks every file of the unzipped bundle' '
	(cd x && sha256sum -c --strict --quiet META-INF/MANIFEST)
'
test_expect_success 'stock minisign verifies the manifest' '
	minisign -H -V -p k1.pub -m x/META-INF/MANIFEST -x x/META-INF/MANIFEST.minisig
'
test_expect_success 'every page works from disk: relative links that resolve, no other host, lang set' '
	"$PYTHON" "$TOP/tests/lib/check_pages.py" x
'
test_expect_success 'a lesson page has one title' '
	test_equal 1 "$(grep -c "<h1" x/lessons/01-welcome.html)"
'
test_expect_success 'no page or stylesheet names another host' '
	! grep -rliE "https?://" x --include="*.html" --include="*.css"
'
test_expect_success 'the bundle holds its search text' '
	test -f x/META-INF/search.txt &&
	test_equal "# sampan-search: 1" "$(head -1 x/META-INF/search.txt)"
'

# --- a course with problems: nothing is written -----------------------------
test_setup 'a course with a missing lesson and a link to another host' '
	cp -r "$WORK/course1" "$WORK/broken" &&
	printf "\n[gone](missing-lesson.md)\n![](https://example.org/x.png)\n" >>"$WORK/broken/lessons/01-welcome.md"
'
test_expect_success 'check reports problems at their file and line' '
	expect_exit 1 "01-welcome.md:[0-9]+:.*error" "$B" check "$WORK/broken"
'
test_expect_success 'build refuses a course with problems and leaves no file' '
	mkdir refused &&
	expect_exit 1 "no bundle written" "$B" build "$WORK/broken" -k k1.key -o refused/broken.sampan &&
	test_equal "" "$(ls -A refused)"
'

# --- a failing disk and an interrupted build leave nothing ---------------------
test_setup 'a course with 300 MB of media' '
	cp -r "$WORK/course1" "$WORK/big" &&
	head -c 300000000 /dev/zero >"$WORK/big/media/big.bin"
'
# started_writing DIR: wait until the build has begun writing its temporary file.
started_writing() {
	for _ in $(seq $((1000 * TAP_SLOW))); do
		[ -n "$(ls -A "$1")" ] && return 0
		sleep 0.01
	done
	return 1
}
test_expect_success 'build onto a full disk fails with a system error and leaves no file' '
	mkdir full &&
	expect_exit 3 "" bash -c "trap \"\" XFSZ; ulimit -f 2048; exec \"$B\" build \"$WORK/big\" -k k1.key -o full/big.sampan -q" &&
	test_equal "" "$(ls -A full)"
'
test_expect_success 'Ctrl-C during a build leaves nothing' '
	mkdir int &&
	{ "$B" build "$WORK/big" -k k1.key -o int/big.sampan -q & pid=$!; } &&
	started_writing int &&
	kill -INT $pid;
	wait $pid;
	rc=$? &&
	test "$rc" -ne 0 && test_equal "" "$(ls -A int)"
'
test_expect_success 'kill -9 during a build leaves no bundle' '
	mkdir killed &&
	{ "$B" build "$WORK/big" -k k1.key -o killed/big.sampan -q & pid=$!; } &&
	started_writing killed &&
	kill -KILL $pid;
	wait $pid;
	test ! -e killed/big.sampan
'

# --- hostile archives --------------------------------------------------------
test_setup 'archives with .., a symbolic link and an absolute path' '
	"$PYTHON" - "$WORK" <<-PY
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
'
test_expect_success "an archive entry with '..' is refused, and nothing escapes" '
	expect_exit 1 escape "$B" build dotdot.tar.gz -k k1.key -o h.sampan &&
	test ! -e "$WORK/../escape.txt" && test ! -e h.sampan
'
test_expect_success 'an archive with a symbolic link is refused' '
	expect_exit 1 "not a regular file" "$B" build symlink.tar.gz -k k1.key -o h.sampan &&
	test ! -e h.sampan
'
test_expect_success 'an archive entry with an absolute path is refused, and nothing is written there' '
	expect_exit 1 "" "$B" build absolute.tar.gz -k k1.key -o h.sampan &&
	test ! -e /tmp/sampan-absolute-test.txt && test ! -e h.sampan
'
test_expect_success 'a file that is no archive is refused' '
	echo text >notarchive.txt &&
	expect_exit 1 "neither a folder nor an archive" "$B" build notarchive.txt -k k1.key -o h.sampan
'

# --- check finds every kind of problem, each at its file and line -----------------
test_setup 'a course with a problem of every kind planted' '
	mkdir -p planted/lessons planted/media &&
	cat >planted/course.yml <<-YML &&
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
	cat >planted/lessons/01-one.md <<-MD &&
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
	printf "bad \377 byte\n" >>planted/lessons/01-one.md &&
	printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>\n" >planted/media/pic.svg &&
	for n in unused.svg AUX.svg Pic.svg "trailing. "; do cp planted/media/pic.svg "planted/media/$n" || return 1; done &&
	"$PYTHON" - planted/media <<-PY &&
	import struct, sys
	d = sys.argv[1]
	ftyp = struct.pack(">I4s4sI4s", 20, b"ftyp", b"isom", 512, b"isom")
	moov = struct.pack(">I4s", 8, b"moov")
	mdat = struct.pack(">I4s", 16, b"mdat") + b"\0" * 8
	open(f"{d}/clip.mp4", "wb").write(ftyp + moov + mdat)
	open(f"{d}/slow.mp4", "wb").write(ftyp + mdat + moov)
	PY
	{ "$B" check planted >planted.out 2>&1; test $? = 1; }
'
for pattern in \
	'course.yml:[0-9]+(:[0-9]+)?: error: .*02-missing.md' \
	'lessons/01-one.md:3(:[0-9]+)?: error: .*03-nowhere.md' \
	'lessons/01-one.md:4(:[0-9]+)?: error: .*nowhere' \
	'lessons/01-one.md:5(:[0-9]+)?: error: .*missing.png' \
	'lessons/01-one.md:6(:[0-9]+)?: warning: .*link to the web' \
	'lessons/01-one.md:7(:[0-9]+)?: error: .*another host' \
	'lessons/01-one.md:8(:[0-9]+)?: warning: .*alt' \
	'lessons/01-one.md:9(:[0-9]+)?: warning: .*subtitle' \
	'media/slow.mp4(:[0-9]+)?: error: .*moov' \
	'lessons/01-one.md:11(:[0-9]+)?: error: .*UTF-8' \
	'media/AUX.svg(:[0-9]+)?: error: ' \
	'media/(Pic|pic).svg(:[0-9]+)?: error: ' \
	'media/trailing. (:[0-9]+)?: error: ' \
	'media/unused.svg(:[0-9]+)?: warning: .*not used'; do
	test_expect_success "check reports /$pattern/" "
		test_grep '$pattern' planted.out
	"
done
test_expect_success 'check exits 1 on a course with errors' '
	expect_exit 1 "" "$B" check planted
'
test_expect_success 'a YAML error is reported with line and column' '
	mkdir -p yamlbad &&
	printf "id: org.example.yaml\ntitle: [unclosed\n" >yamlbad/course.yml &&
	expect_exit 1 "course.yml:[0-9]+:[0-9]+: error" "$B" check yamlbad
'
test_expect_success 'check passes (exit 0) when there are only warnings' '
	cp -r "$WORK/course1" warned &&
	cp warned/media/example.svg warned/media/spare.svg &&
	expect_exit 0 "media/spare.svg: warning: not used" "$B" check warned
'

# --- raw HTML: through the allowlist with allow_html, reported either way -------
test_setup 'a lesson with <kbd>, an onerror handler and a script' '
	"$B" init "$WORK/rawhtml" &&
	printf "\nPress <kbd>Ctrl</kbd> <img alt=\"x\" onerror=\"alert(1)\">\n\n<script>alert(2)</script>\n" \
		>>"$WORK/rawhtml/lessons/01-welcome.md" &&
	kbd_line=$(grep -n "<kbd>" "$WORK/rawhtml/lessons/01-welcome.md" | cut -d: -f1) &&
	cp -r "$WORK/rawhtml" "$WORK/rawhtml-allowed" &&
	printf "allow_html: true\n" >>"$WORK/rawhtml-allowed/course.yml"
'
test_expect_success 'without allow_html, check says which raw HTML a page loses' '
	expect_exit 0 "lessons/01-welcome.md:$kbd_line:[0-9]+: warning: raw HTML <kbd> removed: course.yml does not set .allow_html: true." \
		"$B" check "$WORK/rawhtml"
'
test_expect_success 'with allow_html, check says which attribute is removed, at file:line:col' '
	expect_exit 0 "lessons/01-welcome.md:$kbd_line:[0-9]+: warning: raw HTML <img>: attribute .onerror. removed" \
		"$B" check "$WORK/rawhtml-allowed"
'
test_expect_success 'build reports the removals too' '
	expect_exit 0 "lessons/01-welcome.md:$((kbd_line + 2)):1: warning: raw HTML <script> removed with all it holds" \
		"$B" build "$WORK/rawhtml-allowed" -k k1.key -o rawhtml.sampan
'
test_expect_success 'the page keeps <kbd> and has no handler and no script' '
	"$B" build "$WORK/rawhtml-allowed" -k k1.key -o rawhtml2.sampan -q 2>/dev/null &&
	unzip -p rawhtml2.sampan lessons/01-welcome.html >page.html &&
	test_grep -F "<kbd>Ctrl</kbd>" page.html &&
	test_grep -v -E "onerror|<script|alert" page.html
'

# --- the README's exit codes are the program's ----------------------------------
test_expect_success 'the README exit code table and --help list the same codes, 0 to 3' '
	readme_codes=$(sed -n "/^| Code | Meaning |/,/^\$/p" "$TOP/README.md" | grep -oE "^\| [0-9] " | tr -dc 0-9) &&
	help_codes=$("$B" --help | sed -n "s/^Exit status: //p" | grep -oE "[0-9] [a-z]" | tr -dc 0-9) &&
	test_equal 0123 "$readme_codes" && test_equal 0123 "$help_codes"
'

test_done
