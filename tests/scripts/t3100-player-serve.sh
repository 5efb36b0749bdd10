#!/bin/bash
# t3100-player-serve.sh - sampan-play serve end to end: the real binary over
# real HTTP on loopback.
source "$(dirname "$0")/../lib/test-lib.sh"
get() { curl -s --path-as-is --max-time 10 "$@"; }
code() { curl -s --path-as-is --max-time 10 -o /dev/null -w '%{http_code}' "$@"; }
etag() { sed -n 's/^ETag: //Ip' "$1" | tr -d '\r'; }
# A page carries the player's bar; taken away, what is left is the signed entry, exactly.
unchrome() {
	perl -0pe 's{<link rel="stylesheet" href="/_sampan/decor.css">\n<script src="/_sampan/progress.js" defer></script>\n}{}; s{\n<nav class="sampan-bar".*?</nav>\n(<span id="sampan-after" tabindex="-1"></span>\n)?}{}s'
}
# in_catalog ID: until the served catalog lists ID (5 s, times TAP_SLOW).
in_catalog() {
	for _ in $(seq $((50 * TAP_SLOW))); do
		get "${URL}api/catalog.json" | grep -q "\"$1\"" && return 0
		sleep 0.1
	done
	echo "$1 is not in the catalog" && return 1
}
# course SRC ID TITLE [init options]: a course from init, with that id.
course() {
	"$B" init "$1" --title "$3" "${@:4}" && sed -i "s/^id: .*/id: $2/" "$1/course.yml"
}

# --- a library: two courses, one untrusted, one tampered ---------------------
test_setup 'a library: a course, one of a stranger, one tampered' '
	"$B" keygen -o pub --no-password &&
	"$B" keygen -o stranger --no-password &&
	course src/water org.example.water "Water pumps" &&
	printf "\nThe impeller pushes water outwards.\n" >>src/water/lessons/01-welcome.md &&
	head -c 3500000 /dev/urandom >src/water/media/bigfile.bin &&
	printf "\n[Data](../media/bigfile.bin)\n" >>src/water/lessons/01-welcome.md &&
	course src/fuses org.example.fuses Fuses &&
	mkdir lib &&
	"$B" build src/water -k pub.key -o lib/water.sampan -q &&
	"$B" build src/fuses -k stranger.key -o lib/fuses-untrusted.sampan -q &&
	cp lib/water.sampan lib/tampered.sampan &&
	"$PYTHON" - lib/tampered.sampan <<-PY &&
	import sys, zipfile
	path = sys.argv[1]
	with zipfile.ZipFile(path) as z:
	    info = z.getinfo("META-INF/MANIFEST")
	    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
	with open(path, "r+b") as f:        # flip a bit inside the signed manifest data
	    f.seek(start + 5)
	    b = f.read(1)
	    f.seek(start + 5)
	    f.write(bytes([b[0] ^ 1]))
	PY
	mkdir x && (cd x && unzip -q ../lib/water.sampan)
'
test_setup 'the server is started' '
	serve_start server lib --trust pub.pub --cache "$WORK/cache" &&
	SERVER=$SERVED_PID URL=$SERVED_URL C=${SERVED_URL}c/org.example.water
'
test_expect_success 'serve prints its address' '
	test_grep "^Serving at http://127\.0\.0\.1:[0-9]+/$" server.out
'

# --- catalog -------------------------------------------------------------------
test_expect_success 'the catalog lists the trusted course with its link' '
	get "$URL" >catalog.html &&
	test_grep "Water pumps" catalog.html && test_grep "/c/org.example.water/" catalog.html
'
test_expect_success 'untrusted and tampered bundles are refused, listed with their reasons' '
	get "${URL}api/catalog.json" >catalog.json &&
	"$PYTHON" - catalog.json <<-PY
	import json, sys
	c = json.load(open(sys.argv[1]))
	ids = [x["id"] for x in c["courses"]]
	reasons = {r["file"].split("/")[-1]: r for r in c["refused"]}
	assert ids == ["org.example.water"], ids
	assert "KEY_UNTRUSTED" in reasons["fuses-untrusted.sampan"]["reason"], reasons
	assert reasons["tampered.sampan"]["rule"] in ("SIGNATURE_BAD", "CRC_MISMATCH", "DEFLATE_INVALID", "SIZE_MISMATCH"), reasons
	PY
'
test_expect_success 'the catalog page shows the refused list' '
	get "$URL" >catalog2.html && test_grep KEY_UNTRUSTED catalog2.html
'
# With --port 0 the QR code was once made before the port was known, for port 0.
test_expect_success 'the catalog QR code is of the address served' '
	get "$URL" >catalog3.html && test_grep -F "aria-label=\"$URL\"" catalog3.html
'

# --- pages and media --------------------------------------------------------------
test_expect_success '/c/ID redirects to /c/ID/' 'test_equal 301 "$(code "$C")"'
test_expect_success 'a lesson page carries its text' '
	get "$C/lessons/01-welcome.html" >lesson.html &&
	test_grep "The impeller pushes water outwards." lesson.html
'
test_expect_success 'answers carry Content-Type, a same-origin CSP and nosniff' '
	get -D head.txt "$C/" -o /dev/null &&
	grep -qi "^content-security-policy:.*default-src .self." head.txt &&
	grep -qi "^x-content-type-options: nosniff" head.txt &&
	grep -qi "^content-type: text/html; charset=utf-8" head.txt
'
test_expect_success "a Range answer is 206 and its bytes equal the entry's (across a chunk boundary)" '
	get -D range.txt -H "Range: bytes=1048000-1050999" "$C/media/bigfile.bin" >range.bin &&
	dd if=x/media/bigfile.bin of=want.bin bs=1 skip=1048000 count=3000 2>/dev/null &&
	test_grep "^HTTP/1.1 206" range.txt &&
	grep -qi "^content-range: bytes 1048000-1050999/3500000" range.txt &&
	test_cmp want.bin range.bin
'
test_expect_success "Safari's bytes=0-1 probe gets 206 and two bytes" '
	get -D probe.txt -H "Range: bytes=0-1" "$C/media/bigfile.bin" >probe.bin &&
	test_grep "^HTTP/1.1 206" probe.txt && test_equal 2 "$(stat -c %s probe.bin)"
'
test_expect_success 'an unsatisfiable range gets 416 with Content-Range' '
	get -D r416.txt -H "Range: bytes=4000000-" "$C/media/bigfile.bin" -o /dev/null &&
	test_grep "^HTTP/1.1 416" r416.txt && grep -qi "^content-range: bytes \*/3500000" r416.txt
'
test_expect_success "a whole stored entry equals the bundle's bytes" '
	get "$C/media/bigfile.bin" >whole.bin && test_cmp x/media/bigfile.bin whole.bin
'
test_expect_success 'a matching ETag gets 304' '
	tag=$(get -D - "$C/lessons/01-welcome.html" -o /dev/null | sed -n "s/^[Ee][Tt][Aa][Gg]: //p" | tr -d "\r") &&
	test_equal 304 "$(code -H "If-None-Match: $tag" "$C/lessons/01-welcome.html")"
'
test_expect_success "a gzip page decompresses to the player's bar and the entry exactly" '
	get -D gz.txt -H "Accept-Encoding: gzip" "$C/lessons/01-welcome.html" >page.gz &&
	grep -qi "^content-encoding: gzip" gz.txt &&
	gunzip -c page.gz >page.html && test_grep -F "class=\"sampan-bar\"" page.html &&
	unchrome <page.html >page.signed && test_cmp x/lessons/01-welcome.html page.signed
'
test_expect_success "without gzip the page is sent inflated, the entry exact under the bar" '
	get -H "Accept-Encoding: identity" "$C/lessons/01-welcome.html" >plain.html &&
	unchrome <plain.html >plain.signed && test_cmp x/lessons/01-welcome.html plain.signed
'
test_expect_success 'a gzip body decompresses to the entry exactly' '
	get -D css.txt -H "Accept-Encoding: gzip" "$C/_sampan/style.css" >style.gz &&
	grep -qi "^content-encoding: gzip" css.txt &&
	gunzip -c style.gz >style.css && test_cmp x/_sampan/style.css style.css
'
test_expect_success 'an extracted page has no bar and asks the player for nothing' '
	test -s x/lessons/01-welcome.html &&
	test_grep -v -E "sampan-bar|\"/_sampan/|progress\.js" x/lessons/01-welcome.html
'
test_expect_success 'HEAD works' 'test_equal 200 "$(code -I "$C/lessons/01-welcome.html")"'
test_expect_success 'POST gets 405' 'test_equal 405 "$(code -X POST "$C/lessons/01-welcome.html")"'
test_expect_success 'entries the manifest does not list do not exist (404)' '
	test_equal 404 "$(code "$C/META-INF/MANIFEST.minisig")"
'
test_expect_success 'a refused course is not served' 'test_equal 404 "$(code "${URL}c/org.example.fuses/")"'

# --- traversal in several encodings -----------------------------------------------
for path in '../../../../etc/passwd' '%2e%2e/%2e%2e/%2e%2e/etc/passwd' '..%2f..%2f..%2fetc%2fpasswd' \
	'%252e%252e%252f%252e%252e%252fetc%252fpasswd' '..%5c..%5cetc%5cpasswd' '%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd' \
	'lessons/01-welcome.html%00.png' '%2fetc%2fpasswd' 'lessons/./01-welcome.html'; do
	test_expect_success "traversal '$path' gets 4xx" "
		c=\$(code \"\$C/$path\") && echo \"got \$c\" && test \"\${c:0:1}\" = 4 &&
		get \"\$C/$path\" >trav.out; test_grep -v root: trav.out
	"
done

# --- the library changes without a restart ---------------------------------------------
test_expect_success 'a bundle copied in appears within 5 s' '
	course src/new org.example.new "New course" &&
	"$B" build src/new -k pub.key -o new.sampan -q &&
	cp new.sampan lib/.partial && mv lib/.partial lib/new.sampan &&
	in_catalog org.example.new
'
test_expect_success 'a bundle taken away disappears within 5 s, and requests into it get 404' '
	course src/gone org.example.gone "Gone course" &&
	"$B" build src/gone -k pub.key -o lib/gone.sampan -q &&
	in_catalog org.example.gone &&
	rm lib/gone.sampan &&
	gone= &&
	for _ in $(seq $((50 * TAP_SLOW))); do
		get "${URL}api/catalog.json" | grep -q org.example.gone || { gone=t; break; }
		sleep 0.1
	done &&
	test -n "$gone" && test_equal 404 "$(code "${URL}c/org.example.gone/")"
'
test_expect_success 'requests into a removed course get 404' '
	course src/gone2 org.example.gone2 "Gone again" &&
	"$B" build src/gone2 -k pub.key -o lib/gone2.sampan -q &&
	in_catalog org.example.gone2 && test_equal 200 "$(code "${URL}c/org.example.gone2/")" &&
	rm lib/gone2.sampan && kill -HUP $SERVER &&
	for _ in $(seq $((50 * TAP_SLOW))); do
		test "$(code "${URL}c/org.example.gone2/")" = 404 && break
		sleep 0.1
	done &&
	test_equal 404 "$(code "${URL}c/org.example.gone2/")"
'

# --- a bundle cut short or deleted under a download --------------------------------------
test_setup 'a slow download of a 40 MB entry, its bundle truncated under it' '
	cp -r src/water src/water2 && sed -i "s/^id: .*/id: org.example.water2/" src/water2/course.yml &&
	head -c 40000000 /dev/urandom >src/water2/media/bigfile.bin &&
	"$B" build src/water2 -k pub.key -o lib/water2.sampan -q &&
	in_catalog org.example.water2 &&
	{ curl -s --max-time 60 --limit-rate 1M "${URL}c/org.example.water2/media/bigfile.bin" -o slow.bin & DL=$!; } &&
	sleep 1 &&
	truncate -s 100000 lib/water2.sampan;
	wait $DL;
	dl_rc=$?;
	rm -f lib/water2.sampan
'
test_expect_success 'a bundle truncated under a download does not stop the server' '
	kill -0 $SERVER && test_equal 200 "$(code "$C/lessons/01-welcome.html")"
'
test_expect_success 'the cut download ends as an error, not as a complete file' '
	echo "curl exit $dl_rc, $(stat -c %s slow.bin) bytes" &&
	test "$dl_rc" -ne 0 && test "$(stat -c %s slow.bin)" -lt 40000000
'
test_expect_success 'the server still serves after a bundle was deleted' '
	test_equal 200 "$(code "$C/lessons/01-welcome.html")"
'

# --- pages in Khmer get the Noto fonts; previews are marked -----------------------------
test_setup 'a course in Khmer' '
	course src/khmer org.example.khmer "សុវត្ថិភាព" --language km &&
	"$B" build src/khmer -k pub.key -o lib/khmer.sampan -q &&
	in_catalog org.example.khmer &&
	K=${URL}c/org.example.khmer/lessons/01-welcome.html
'
test_expect_success "a Khmer page links the player's fonts" '
	get "$K" >khmer.html && test_grep -F /_sampan/decor.css khmer.html
'
test_expect_success "a lesson carries the bar in the interface language: the catalog, search in the course, its place" '
	get "$C/lessons/01-welcome.html?lang=vi" >chrome.html &&
	test_grep "<nav class=\"sampan-bar\"[^>]* lang=\"vi\"" chrome.html &&
	test_grep -F "href=\"/?lang=vi\">Khóa học</a>" chrome.html &&
	test_grep -F "name=\"course\" value=\"org.example.water\"" chrome.html &&
	test_grep -F "Bài 1/" chrome.html
'
# Pages are kept in memory once checked (and decorated): the same bytes and ETag every time.
test_expect_success 'a page sent again from memory: the same bytes, ETag and ranges (decorated: its own ETag)' '
	get -D k1.h "$K" -o k1.html && get -D k2.h "$K" -o k2.html &&
	get -H "Accept-Encoding: gzip" -D k3.h "$K" -o k3.gz && gunzip -c k3.gz >k3.html &&
	get -D p1.h "$C/lessons/01-welcome.html" -o p1.html &&
	get -D p2.h "$C/lessons/01-welcome.html" -o p2.html &&
	get -H "Range: bytes=5-14" "$C/lessons/01-welcome.html" -o p3.part &&
	test_cmp k1.html k2.html && test_cmp k1.html k3.html &&
	test_equal "$(etag k1.h)" "$(etag k2.h)" &&
	case "$(etag k1.h)" in *-cen-????????\") true ;; *) false ;; esac &&
	test_cmp p1.html p2.html && test_equal "$(etag p1.h)" "$(etag p2.h)" &&
	test_equal "$(head -c 15 p1.html | tail -c 10)" "$(cat p3.part)"
'
test_expect_success "the Khmer font is served from Debian's package" '
	get -D font.txt "${URL}_sampan/fonts/NotoSansKhmer-Regular.ttf" -o font.ttf &&
	test_grep "^HTTP/1.1 200" font.txt && test "$(stat -c %s font.ttf)" -gt 10000
'
test_expect_success 'a browser that takes gzip gets the font gzipped, the same font' '
	get "${URL}_sampan/fonts/NotoSansKhmer-Regular.ttf" -o font2.ttf &&
	get -H "Accept-Encoding: gzip" -D fontgz.txt "${URL}_sampan/fonts/NotoSansKhmer-Regular.ttf" -o font.gz &&
	grep -qi "^Content-Encoding: gzip" fontgz.txt &&
	test "$(stat -c %s font.gz)" -lt "$(($(stat -c %s font2.ttf) * 3 / 4))" &&
	gunzip -c font.gz >font3.ttf && test_cmp font2.ttf font3.ttf
'
test_expect_success '/favicon.ico: 204, not a 404 on every page' '
	test_equal 204 "$(code "${URL}favicon.ico")"
'
test_expect_success 'the decoration stylesheet declares the fonts' '
	get "${URL}_sampan/decor.css" >decor.css && test_grep @font-face decor.css
'
test_setup 'a server with --allow-unsigned' '
	S=$SERVED_PID &&
	serve_start preview lib/fuses-untrusted.sampan --allow-unsigned --cache "$WORK/cache2" --trust-dir "$WORK/none" &&
	PREVIEW=$SERVED_PID PURL=$SERVED_URL SERVED_PID=$S
'
test_expect_success '--allow-unsigned serves a bundle no trusted key signed, every page marked as a preview' '
	get "${PURL}api/catalog.json" >preview.json &&
	"$PYTHON" -c "import json, sys; assert json.load(open(sys.argv[1]))[\"courses\"][0][\"preview\"] is True" preview.json &&
	get "${PURL}c/org.example.fuses/lessons/01-welcome.html" >preview.html &&
	test_grep -F "class=\"sampan-preview\"" preview.html
'
test_expect_success '--allow-unsigned warns on the terminal' '
	grep -qi preview preview.err
'
test_expect_success 'SIGTERM stops the server cleanly (exit 0)' '
	kill -TERM $PREVIEW && wait $PREVIEW &&
	kill -TERM $SERVER && wait $SERVER
'
test_done
