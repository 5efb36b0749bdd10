#!/bin/bash
# player-serve.sh - sampan-play serve end to end: the real binary over real
# HTTP on loopback.  Prints TAP.
source "$(dirname "$0")/../lib/tap.sh"
B=$SAMPAN_BUILD
P=$BUILD_DIR/sampan-play
cd "$WORK" || exit 1

# --- a library: two courses, one untrusted, one tampered ---------------------
"$B" keygen -o pub --no-password >/dev/null
"$B" keygen -o stranger --no-password >/dev/null
"$B" init "$WORK/src/water" --title "Water pumps" >/dev/null
sed -i 's/^id: .*/id: org.example.water/' "$WORK/src/water/course.yml"
printf '\nThe impeller pushes water outwards.\n' >>"$WORK/src/water/lessons/01-welcome.md"
head -c 3500000 /dev/urandom >"$WORK/src/water/media/bigfile.bin"
printf '\n[Data](../media/bigfile.bin)\n' >>"$WORK/src/water/lessons/01-welcome.md"
"$B" init "$WORK/src/fuses" --title "Fuses" >/dev/null
sed -i 's/^id: .*/id: org.example.fuses/' "$WORK/src/fuses/course.yml"
mkdir lib
"$B" build "$WORK/src/water" -k pub.key -o lib/water.sampan -q
"$B" build "$WORK/src/fuses" -k stranger.key -o lib/fuses-untrusted.sampan -q
cp lib/water.sampan tampered.sampan
"$PYTHON" - tampered.sampan <<'PY'
import sys, zipfile
path = sys.argv[1]
with zipfile.ZipFile(path) as z:
    info = z.getinfo("META-INF/MANIFEST")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
with open(path, "r+b") as f:        # flip a bit inside the signed manifest's data
    f.seek(start + 5)
    b = f.read(1)
    f.seek(start + 5)
    f.write(bytes([b[0] ^ 1]))
PY
sed -i 's/^id: .*/id: org.example.tampered/' "$WORK/src/fuses/course.yml"
mv tampered.sampan lib/tampered.sampan

# --- start the server ---------------------------------------------------------
serve_start server lib --trust pub.pub --cache "$WORK/cache"
SERVER=$SERVED_PID URL=$SERVED_URL
trap 'kill $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
if [ -n "$URL" ]; then ok "serve prints its address ($URL)"; else not_ok "serve prints its address" "$(cat server.err)"; fi
get() { curl -s --path-as-is --max-time 10 "$@"; }
code() { curl -s --path-as-is --max-time 10 -o /dev/null -w '%{http_code}' "$@"; }

# --- catalog -------------------------------------------------------------------
get "$URL" >catalog.html
if grep -q 'Water pumps' catalog.html && grep -q '/c/org.example.water/' catalog.html; then
	ok "the catalog lists the trusted course with its link"
else
	not_ok "the catalog lists the trusted course with its link" "$(head -c 1500 catalog.html)"
fi
get "${URL}api/catalog.json" >catalog.json
if "$PYTHON" - catalog.json <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
ids = [x["id"] for x in c["courses"]]
reasons = {r["file"].split("/")[-1]: r for r in c["refused"]}
assert ids == ["org.example.water"], ids
assert "KEY_UNTRUSTED" in reasons["fuses-untrusted.sampan"]["reason"], reasons
assert reasons["tampered.sampan"]["rule"] in ("SIGNATURE_BAD", "CRC_MISMATCH", "DEFLATE_INVALID", "SIZE_MISMATCH"), reasons
PY
then ok "untrusted and tampered bundles are refused, listed with their reasons"
else not_ok "untrusted and tampered bundles are refused, listed with their reasons" "$(cat catalog.json)"; fi
if grep -q 'KEY_UNTRUSTED' catalog.html; then ok "the catalog page shows the refused list"; else not_ok "the catalog page shows the refused list"; fi
# With --port 0 the QR code was once made before the port was known, for port 0.
if grep -qF "aria-label=\"$URL\"" catalog.html; then
	ok "the catalog's QR code is of the address served ($URL)"
else
	not_ok "the catalog's QR code is of the address served ($URL)" "$(grep -o 'aria-label="[^"]*"' catalog.html)"
fi

# --- pages and media --------------------------------------------------------------
C=${URL}c/org.example.water
[ "$(code "$C")" = 301 ] && ok "/c/ID redirects to /c/ID/" || not_ok "/c/ID redirects to /c/ID/"
get "$C/lessons/01-welcome.html" >lesson.html
if grep -q 'The impeller pushes water outwards.' lesson.html; then ok "a lesson page carries its text"; else not_ok "a lesson page carries its text" "$(head -c 800 lesson.html)"; fi
get -D head.txt "$C/" -o /dev/null
if grep -qi '^content-security-policy:.*default-src .self.' head.txt && grep -qi '^x-content-type-options: nosniff' head.txt &&
	grep -qi '^content-type: text/html; charset=utf-8' head.txt; then
	ok "answers carry Content-Type, a same-origin CSP and nosniff"
else
	not_ok "answers carry Content-Type, a same-origin CSP and nosniff" "$(cat head.txt)"
fi
mkdir x && (cd x && unzip -q ../lib/water.sampan)
get -D range.txt -H 'Range: bytes=1048000-1050999' "$C/media/bigfile.bin" >range.bin
dd if=x/media/bigfile.bin of=want.bin bs=1 skip=1048000 count=3000 2>/dev/null
if grep -q '^HTTP/1.1 206' range.txt && grep -qi '^content-range: bytes 1048000-1050999/3500000' range.txt && cmp -s range.bin want.bin; then
	ok "a Range answer is 206 and its bytes equal the entry's (across a chunk boundary)"
else
	not_ok "a Range answer is 206 and its bytes equal the entry's" "$(cat range.txt)"
fi
get -D probe.txt -H 'Range: bytes=0-1' "$C/media/bigfile.bin" >probe.bin
if grep -q '^HTTP/1.1 206' probe.txt && [ "$(stat -c %s probe.bin)" = 2 ]; then ok "Safari's bytes=0-1 probe gets 206 and two bytes"; else not_ok "Safari's bytes=0-1 probe gets 206 and two bytes"; fi
get -D r416.txt -H 'Range: bytes=4000000-' "$C/media/bigfile.bin" -o /dev/null
if grep -q '^HTTP/1.1 416' r416.txt && grep -qi '^content-range: bytes \*/3500000' r416.txt; then ok "an unsatisfiable range gets 416 with Content-Range"; else not_ok "an unsatisfiable range gets 416" "$(cat r416.txt)"; fi
get "$C/media/bigfile.bin" >whole.bin
if cmp -s whole.bin x/media/bigfile.bin; then ok "a whole stored entry equals the bundle's bytes"; else not_ok "a whole stored entry equals the bundle's bytes"; fi
etag=$(get -D - "$C/lessons/01-welcome.html" -o /dev/null | sed -n 's/^[Ee][Tt][Aa][Gg]: //p' | tr -d '\r')
[ "$(code -H "If-None-Match: $etag" "$C/lessons/01-welcome.html")" = 304 ] && ok "a matching ETag gets 304" || not_ok "a matching ETag gets 304" "etag $etag"
get -D gz.txt -H 'Accept-Encoding: gzip' "$C/lessons/01-welcome.html" >page.gz
if grep -qi '^content-encoding: gzip' gz.txt && gunzip -c page.gz | cmp -s - x/lessons/01-welcome.html; then
	ok "a gzip body decompresses to the entry exactly"
else
	not_ok "a gzip body decompresses to the entry exactly" "$(cat gz.txt)"
fi
get -H 'Accept-Encoding: identity' "$C/lessons/01-welcome.html" | cmp -s - x/lessons/01-welcome.html &&
	ok "without gzip the entry is sent inflated, exactly" || not_ok "without gzip the entry is sent inflated, exactly"
[ "$(code -I "$C/lessons/01-welcome.html")" = 200 ] && ok "HEAD works" || not_ok "HEAD works"
[ "$(code -X POST "$C/lessons/01-welcome.html")" = 405 ] && ok "POST gets 405" || not_ok "POST gets 405"
[ "$(code "$C/META-INF/MANIFEST.minisig")" = 404 ] && ok "entries the manifest does not list do not exist (404)" || not_ok "entries the manifest does not list do not exist (404)"
[ "$(code "${URL}c/org.example.fuses/")" = 404 ] && ok "a refused course is not served" || not_ok "a refused course is not served"

# --- traversal in several encodings -----------------------------------------------
for path in '../../../../etc/passwd' '%2e%2e/%2e%2e/%2e%2e/etc/passwd' '..%2f..%2f..%2fetc%2fpasswd' \
	'%252e%252e%252f%252e%252e%252fetc%252fpasswd' '..%5c..%5cetc%5cpasswd' '%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd' \
	'lessons/01-welcome.html%00.png' '%2fetc%2fpasswd' 'lessons/./01-welcome.html'; do
	c=$(code "$C/$path")
	body=$(get "$C/$path")
	if [ "${c:0:1}" = 4 ] && ! grep -q 'root:' <<<"$body"; then ok "traversal '$path' gets $c"; else not_ok "traversal '$path' gets 4xx" "got $c"; fi
done

# --- the library changes without a restart ---------------------------------------------
"$B" init "$WORK/src/new" --title "New course" >/dev/null
sed -i 's/^id: .*/id: org.example.new/' "$WORK/src/new/course.yml"
"$B" build "$WORK/src/new" -k pub.key -o new.sampan -q
cp new.sampan lib/.partial && mv lib/.partial lib/new.sampan
seen=0
for _ in $(seq $((50 * TAP_SLOW))); do
	get "${URL}api/catalog.json" | grep -q 'org.example.new' && { seen=1; break; }
	sleep 0.1
done
[ $seen = 1 ] && ok "a bundle copied in appears within 5 s" || not_ok "a bundle copied in appears within 5 s"
rm lib/new.sampan
gone=0
for _ in $(seq $((50 * TAP_SLOW))); do
	get "${URL}api/catalog.json" | grep -q 'org.example.new' || { gone=1; break; }
	sleep 0.1
done
[ $gone = 1 ] && ok "a bundle taken away disappears within 5 s" || not_ok "a bundle taken away disappears within 5 s"
[ "$(code "${URL}c/org.example.new/")" = 404 ] && ok "requests into a removed course get 404" || not_ok "requests into a removed course get 404"

# --- a bundle cut short or deleted under a download --------------------------------------
sed -i 's/^id: .*/id: org.example.water2/' "$WORK/src/water/course.yml"
head -c 40000000 /dev/urandom >"$WORK/src/water/media/bigfile.bin"
"$B" build "$WORK/src/water" -k pub.key -o lib/water2.sampan -q
for _ in $(seq $((50 * TAP_SLOW))); do get "${URL}api/catalog.json" | grep -q 'org.example.water2' && break; sleep 0.1; done
curl -s --max-time 60 --limit-rate 1M "${URL}c/org.example.water2/media/bigfile.bin" -o slow.bin &
DL=$!
sleep 1
truncate -s 100000 lib/water2.sampan
wait $DL
dl_rc=$?
if kill -0 "$SERVER" 2>/dev/null && [ "$(code "$C/lessons/01-welcome.html")" = 200 ]; then
	ok "a bundle truncated under a download does not stop the server"
else
	not_ok "a bundle truncated under a download does not stop the server" "$(tail -5 server.err)"
fi
if [ "$dl_rc" -ne 0 ] && [ "$(stat -c %s slow.bin)" -lt 40000000 ]; then
	ok "the cut download ends as an error, not as a complete file (curl exit $dl_rc)"
else
	not_ok "the cut download ends as an error, not as a complete file" "curl exit $dl_rc, $(stat -c %s slow.bin) bytes"
fi
rm -f lib/water2.sampan
[ "$(code "$C/lessons/01-welcome.html")" = 200 ] && ok "the server still serves after a bundle was deleted" || not_ok "the server still serves after a bundle was deleted"

# --- pages in Khmer get the Noto fonts; previews are marked -----------------------------
"$B" init "$WORK/src/khmer" --title "សុវត្ថិភាព" --language km >/dev/null
sed -i 's/^id: .*/id: org.example.khmer/' "$WORK/src/khmer/course.yml"
"$B" build "$WORK/src/khmer" -k pub.key -o lib/khmer.sampan -q
for _ in $(seq $((50 * TAP_SLOW))); do get "${URL}api/catalog.json" | grep -q 'org.example.khmer' && break; sleep 0.1; done
if get "${URL}c/org.example.khmer/lessons/01-welcome.html" | grep -q '/_sampan/decor.css'; then
	ok "a Khmer page links the player's fonts"
else
	not_ok "a Khmer page links the player's fonts"
fi
if ! get "$C/lessons/01-welcome.html" | grep -q '/_sampan/decor.css'; then ok "a page in another language does not"; else not_ok "a page in another language does not"; fi
# Pages are kept in memory once checked (and decorated): the same bytes and ETag every time.
k="${URL}c/org.example.khmer/lessons/01-welcome.html"
get -D k1.h "$k" -o k1.html
get -D k2.h "$k" -o k2.html
get -H 'Accept-Encoding: gzip' -D k3.h "$k" -o k3.html
get -D p1.h "$C/lessons/01-welcome.html" -o p1.html
get -D p2.h "$C/lessons/01-welcome.html" -o p2.html
get -H 'Range: bytes=5-14' "$C/lessons/01-welcome.html" -o p3.part
etag() { sed -n 's/^ETag: //Ip' "$1" | tr -d '\r'; }
if cmp -s k1.html k2.html && cmp -s k1.html k3.html && [ "$(etag k1.h)" = "$(etag k2.h)" ] &&
	case "$(etag k1.h)" in *-d\") true ;; *) false ;; esac &&
	cmp -s p1.html p2.html && [ "$(etag p1.h)" = "$(etag p2.h)" ] &&
	[ "$(head -c 15 p1.html | tail -c 10)" = "$(cat p3.part)" ]; then
	ok "a page sent again from memory: the same bytes, ETag and ranges (decorated: its own ETag)"
else
	not_ok "a page sent again from memory: the same bytes, ETag and ranges" "$(etag k1.h) $(etag k2.h) $(etag p1.h) $(etag p2.h)"
fi
get -D font.txt "${URL}_sampan/fonts/NotoSansKhmer-Regular.ttf" -o font.ttf
if grep -q '^HTTP/1.1 200' font.txt && [ "$(stat -c %s font.ttf)" -gt 10000 ]; then ok "the Khmer font is served from Debian's package"; else not_ok "the Khmer font is served from Debian's package" "$(head -3 font.txt)"; fi
get -H 'Accept-Encoding: gzip' -D fontgz.txt "${URL}_sampan/fonts/NotoSansKhmer-Regular.ttf" -o font.gz
if grep -qi '^Content-Encoding: gzip' fontgz.txt && [ "$(stat -c %s font.gz)" -lt "$(($(stat -c %s font.ttf) * 3 / 4))" ] &&
	gunzip -c font.gz | cmp -s - font.ttf; then
	ok "a browser that takes gzip gets the font gzipped ($(stat -c %s font.gz) of $(stat -c %s font.ttf) bytes), the same font"
else
	not_ok "a browser that takes gzip gets the font gzipped" "$(cat fontgz.txt)"
fi
[ "$(curl -s -o /dev/null -w '%{http_code}' "${URL}favicon.ico")" = 204 ] && ok "/favicon.ico: 204, not a 404 on every page" || not_ok "/favicon.ico: 204"
grep -q '@font-face' <(get "${URL}_sampan/decor.css") && ok "the decoration stylesheet declares the fonts" || not_ok "the decoration stylesheet declares the fonts"

serve_start preview lib/fuses-untrusted.sampan --allow-unsigned --cache "$WORK/cache2" --trust-dir "$WORK/none"
PREVIEW=$SERVED_PID PURL=$SERVED_URL
if get "${PURL}api/catalog.json" | grep -q '"preview": true' &&
	get "${PURL}c/org.example.fuses/lessons/01-welcome.html" | grep -q 'class="sampan-preview"'; then
	ok "--allow-unsigned serves a bundle no trusted key signed, every page marked as a preview"
else
	not_ok "--allow-unsigned serves a bundle no trusted key signed, every page marked as a preview" "$(cat preview.err)"
fi
grep -qi 'preview' preview.err && ok "--allow-unsigned warns on the terminal" || not_ok "--allow-unsigned warns on the terminal" "$(cat preview.err)"
kill -TERM "$PREVIEW"
wait "$PREVIEW"

kill -TERM "$SERVER"
wait "$SERVER"
rc=$?
[ $rc = 0 ] && ok "SIGTERM stops the server cleanly (exit 0)" || not_ok "SIGTERM stops the server cleanly" "exit $rc"
done_testing
