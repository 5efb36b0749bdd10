#!/bin/bash
# player-conditional.sh - a browser revalidating what it has gets 304 for
# every representation sampan-play sends: entries as they are and gzipped,
# pages with the player's fonts linked, the player's own stylesheets,
# script, QR code and fonts, the catalog; with ETag lists and weak tags,
# If-Modified-Since where there is a date, If-Range for a resumed video, and
# 412 for a failed If-Match (RFC 9110 §13).  The real binary over real HTTP
# on loopback.  Prints TAP.
source "$(dirname "$0")/../lib/tap.sh"
B=$SAMPAN_BUILD
cd "$WORK" || exit 1

"$B" keygen -o pub --no-password >/dev/null
"$B" init src --title "Pumps" >/dev/null
sed -i 's/^id: .*/id: org.example.pumps/' src/course.yml
head -c 2500000 /dev/urandom >src/media/video.bin
printf '\n[Video](../media/video.bin)\n' >>src/lessons/01-welcome.md
"$B" init khmer --title "សុវត្ថិភាព" --language km >/dev/null
sed -i 's/^id: .*/id: org.example.khmer/' khmer/course.yml
mkdir lib
"$B" build src -k pub.key -o lib/pumps.sampan -q
"$B" build khmer -k pub.key -o lib/khmer.sampan -q

serve_start server lib --trust pub.pub --cache "$WORK/cache"
SERVER=$SERVED_PID URL=$SERVED_URL
trap 'kill $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
[ -n "$URL" ] && ok "serve starts" || not_ok "serve starts" "$(cat server.err)"
C=${URL}c/org.example.pumps
K=${URL}c/org.example.khmer

N=0
# fetch URL [curl args]: the answer's headers in head.N (CR removed), body in body.N; R=N.
fetch() {
	local url=$1
	shift
	N=$((N + 1))
	curl -s --max-time $((10 * TAP_SLOW)) -D "head.$N.raw" -o "body.$N" "$@" "$url"
	tr -d '\r' <"head.$N.raw" >"head.$N"
	R=$N
}
status() { sed -n '1s/^HTTP\/1.1 \([0-9]*\).*/\1/p' "head.$1"; }
header() { sed -n "s/^$2: //Ip" "head.$1" | head -1; }
# revalidates DESC URL [curl args]: the first answer's ETag (and Last-Modified) sent back
# with the same request headers gets 304, no body, the same ETag.
revalidates() {
	local desc=$1 url=$2 a b etag
	shift 2
	fetch "$url" "$@"; a=$R
	etag=$(header "$a" ETag)
	fetch "$url" "$@" -H "If-None-Match: $etag"; b=$R
	if [ "$(status "$a")" = 200 ] && [ -n "$etag" ] && [ "$(status "$b")" = 304 ] &&
		[ ! -s "body.$b" ] && [ "$(header "$b" ETag)" = "$etag" ]; then
		ok "$desc: $etag, then 304"
	else
		not_ok "$desc" "first $(status "$a") ETag '$etag'; again $(status "$b") ETag '$(header "$b" ETag)', $(stat -c %s "body.$b") bytes"
	fi
}

# --- every representation of an entry ---------------------------------------------------------
revalidates "a lesson page as it is" "$C/lessons/01-welcome.html"
revalidates "a lesson page gzipped (as every browser asks)" "$C/lessons/01-welcome.html" \
	-H 'Accept-Encoding: gzip, deflate, br'
revalidates "a page with the player's fonts linked" "$K/lessons/01-welcome.html"
revalidates "... asked with gzip" "$K/lessons/01-welcome.html" -H 'Accept-Encoding: gzip'
revalidates "a stored video" "$C/media/video.bin"
revalidates "a picture" "$C/media/example.svg" -H 'Accept-Encoding: gzip'

fetch "$C/lessons/01-welcome.html" -H 'Accept-Encoding: gzip'; a=$R
fetch "$C/lessons/01-welcome.html"; b=$R
fetch "$K/lessons/01-welcome.html" -H 'Accept-Encoding: gzip'; k=$R
gz=$(header "$a" ETag) plain=$(header "$b" ETag) dec=$(header "$k" ETag)
case "$gz|$plain|$dec" in
*-gz\"\|*[0-9a-f]\"\|*-d\") ok "each representation has its own ETag ($gz, $plain, $dec)" ;;
*) not_ok "each representation has its own ETag" "$gz $plain $dec" ;;
esac
[ "$(header "$a" Content-Encoding)" = gzip ] && [ "$(header "$a" Vary)" = Accept-Encoding ] &&
	[ "$(header "$b" Vary)" = Accept-Encoding ] && ok "gzip and plain answers say Vary: Accept-Encoding" ||
	not_ok "gzip and plain answers say Vary: Accept-Encoding" "$(cat "head.$a")"
fetch "$C/lessons/01-welcome.html" -H 'Accept-Encoding: gzip' -H "If-None-Match: $gz"; r=$R
[ "$(status "$r")" = 304 ] && [ "$(header "$r" Vary)" = Accept-Encoding ] &&
	[ -n "$(header "$r" Cache-Control)" ] && ok "a 304 carries ETag, Vary and Cache-Control" ||
	not_ok "a 304 carries ETag, Vary and Cache-Control" "$(cat "head.$r")"
fetch "$C/lessons/01-welcome.html" -H 'Accept-Encoding: gzip' -H "If-None-Match: $plain"; r=$R
[ "$(status "$r")" = 200 ] && [ "$(header "$r" Content-Encoding)" = gzip ] &&
	ok "the tag of the other representation gets that one's 200" || not_ok "the tag of the other representation gets 200" "$(cat "head.$r")"
fetch "$C/lessons/01-welcome.html" -H 'Accept-Encoding: gzip' -H "If-None-Match: \"old\", W/$gz"; r=$R
[ "$(status "$r")" = 304 ] && ok "If-None-Match: a list with a weak tag (weak comparison)" ||
	not_ok "If-None-Match: a list with a weak tag" "$(status "$r")"
fetch "$C/lessons/01-welcome.html" -H 'If-None-Match: *'; r=$R
[ "$(status "$r")" = 304 ] && ok "If-None-Match: * gets 304" || not_ok "If-None-Match: * gets 304" "$(status "$r")"
fetch "$C/lessons/01-welcome.html" -I -H 'Accept-Encoding: gzip' -H "If-None-Match: $gz"; r=$R
[ "$(status "$r")" = 304 ] && ok "HEAD revalidates as GET does" || not_ok "HEAD revalidates as GET does" "$(status "$r")"

# --- If-Match, If-Range ------------------------------------------------------------------------
fetch "$C/lessons/01-welcome.html" -H 'If-Match: "old"'; r=$R
[ "$(status "$r")" = 412 ] && ok "If-Match with another tag: 412" || not_ok "If-Match with another tag: 412" "$(status "$r")"
fetch "$C/lessons/01-welcome.html" -H "If-Match: W/$plain"; r=$R
[ "$(status "$r")" = 412 ] && ok "If-Match compares strongly: a weak tag gets 412" || not_ok "If-Match compares strongly" "$(status "$r")"
fetch "$C/lessons/01-welcome.html" -H "If-Match: $plain"; r=$R
[ "$(status "$r")" = 200 ] && ok "If-Match with its tag: 200" || not_ok "If-Match with its tag: 200" "$(status "$r")"
fetch "$C/media/video.bin" -r 0-99; v=$R
vt=$(header "$v" ETag)
fetch "$C/media/video.bin" -r 1000000- -H "If-Range: $vt"; r=$R
[ "$(status "$r")" = 206 ] && [ "$(header "$r" Content-Range)" = "bytes 1000000-2499999/2500000" ] &&
	cmp -s "body.$r" <(tail -c +1000001 src/media/video.bin) &&
	ok "a resumed video with If-Range of its ETag: 206, the rest" || not_ok "a resumed video with If-Range: 206" "$(cat "head.$r")"
fetch "$C/media/video.bin" -r 1000000- -H 'If-Range: "changed"'; r=$R
[ "$(status "$r")" = 200 ] && [ "$(stat -c %s "body.$r")" = 2500000 ] &&
	ok "If-Range with another tag: 200 and the whole video" || not_ok "If-Range with another tag: 200" "$(status "$r")"
fetch "$C/media/video.bin" -r 1000000- -H 'If-Range: Sun, 06 Nov 1994 08:49:37 GMT'; r=$R
[ "$(status "$r")" = 200 ] && ok "If-Range with a date (entries have none): 200" || not_ok "If-Range with a date: 200" "$(status "$r")"
fetch "$C/media/video.bin" -r 9000000-; r=$R
[ "$(status "$r")" = 416 ] && [ "$(header "$r" Content-Range)" = "bytes */2500000" ] &&
	ok "an unsatisfiable range: 416 with Content-Range" || not_ok "an unsatisfiable range: 416" "$(cat "head.$r")"
fetch "$C/lessons/01-welcome.html" -H 'If-Modified-Since: Sun, 06 Nov 2094 08:49:37 GMT'; r=$R
[ "$(status "$r")" = 200 ] && ok "If-Modified-Since on an entry (no date to compare): 200" ||
	not_ok "If-Modified-Since on an entry: 200" "$(status "$r")"

# --- the player's own files ------------------------------------------------------------------
for f in player.css decor.css search.js qr.svg; do
	revalidates "/_sampan/$f" "${URL}_sampan/$f"
done
revalidates "the catalog" "$URL"
revalidates "the catalog as JSON" "${URL}api/catalog.json"
if [ -d /usr/share/fonts/truetype/noto ]; then
	revalidates "a Khmer font" "${URL}_sampan/fonts/NotoSansKhmer-Regular.ttf"
	revalidates "a Khmer font gzipped" "${URL}_sampan/fonts/NotoSansKhmer-Regular.ttf" -H 'Accept-Encoding: gzip'
	fetch "${URL}_sampan/fonts/NotoSansKhmer-Regular.ttf"; f=$R
	lm=$(header "$f" Last-Modified)
	fetch "${URL}_sampan/fonts/NotoSansKhmer-Regular.ttf" -H "If-Modified-Since: $lm"; r=$R
	[ -n "$lm" ] && [ "$(status "$r")" = 304 ] && ok "a font by its date: If-Modified-Since $lm gets 304" ||
		not_ok "a font by its date: If-Modified-Since gets 304" "'$lm' $(status "$r")"
	fetch "${URL}_sampan/fonts/NotoSansKhmer-Regular.ttf" -H 'If-Modified-Since: Thu, 01 Jan 1970 00:00:01 GMT'; r=$R
	[ "$(status "$r")" = 200 ] && ok "... and an older date gets the font" || not_ok "... an older date gets the font" "$(status "$r")"
fi

kill -TERM "$SERVER"
wait "$SERVER"
[ $? = 0 ] && ok "the server stops cleanly" || not_ok "the server stops cleanly"
done_testing
