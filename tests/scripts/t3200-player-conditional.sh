#!/bin/bash
# t3200-player-conditional.sh - a browser revalidating what it has gets 304
# for every representation sampan-play sends: entries as they are and
# gzipped, pages under the player's bar in each language and with its fonts
# linked, the player's own stylesheets, scripts, QR code and fonts, the
# catalog; with ETag lists and weak tags, If-Modified-Since where there is a
# date, If-Range for a resumed video, and 412 for a failed If-Match (RFC 9110
# §13); a page in the interface language a phone picked, kept in a cookie, never
# taken for its copy in another.  The real binary over real HTTP on loopback.
source "$(dirname "$0")/../lib/test-lib.sh"

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
# revalidates URL [curl args]: the first answer's ETag sent back with the same
# request headers gets 304, no body, the same ETag.
revalidates() {
	local url=$1 a b tag
	shift
	fetch "$url" "$@"; a=$R
	tag=$(header "$a" ETag)
	fetch "$url" "$@" -H "If-None-Match: $tag"; b=$R
	echo "first $(status "$a") ETag '$tag'; again $(status "$b") ETag '$(header "$b" ETag)', $(stat -c %s "body.$b") bytes"
	[ "$(status "$a")" = 200 ] && [ -n "$tag" ] && [ "$(status "$b")" = 304 ] &&
		[ ! -s "body.$b" ] && [ "$(header "$b" ETag)" = "$tag" ]
}

test_setup 'a course with a video, one in Khmer, served' '
	"$B" keygen -o pub --no-password &&
	"$B" init src --title Pumps && sed -i "s/^id: .*/id: org.example.pumps/" src/course.yml &&
	head -c 2500000 /dev/urandom >src/media/video.bin &&
	printf "\n[Video](../media/video.bin)\n" >>src/lessons/01-welcome.md &&
	"$B" init khmer --title "សុវត្ថិភាព" --language km && sed -i "s/^id: .*/id: org.example.khmer/" khmer/course.yml &&
	mkdir lib &&
	"$B" build src -k pub.key -o lib/pumps.sampan -q &&
	"$B" build khmer -k pub.key -o lib/khmer.sampan -q &&
	serve_start server lib --trust pub.pub --cache "$WORK/cache" &&
	SERVER=$SERVED_PID URL=$SERVED_URL C=${SERVED_URL}c/org.example.pumps K=${SERVED_URL}c/org.example.khmer
'

# --- every representation of an entry ---------------------------------------------------------
test_expect_success 'a lesson page as it is: its ETag, then 304' 'revalidates "$C/lessons/01-welcome.html"'
test_expect_success 'a lesson page gzipped (as every browser asks): its ETag, then 304' '
	revalidates "$C/lessons/01-welcome.html" -H "Accept-Encoding: gzip, deflate, br"
'
test_expect_success "a page with the player's fonts linked: its ETag, then 304" '
	revalidates "$K/lessons/01-welcome.html"
'
test_expect_success 'a page with the bar in Thai: its ETag, then 304' '
	revalidates "$C/lessons/01-welcome.html" -H "Accept-Language: th"
'
test_expect_success "the projector page's JavaScript: its ETag, then 304" '
	revalidates "${URL}_sampan/join.js"
'
test_expect_success '... asked with gzip: its ETag, then 304' '
	revalidates "$K/lessons/01-welcome.html" -H "Accept-Encoding: gzip"
'
test_expect_success 'a stored video: its ETag, then 304' 'revalidates "$C/media/video.bin"'
test_expect_success 'a picture: its ETag, then 304' '
	revalidates "$C/media/example.svg" -H "Accept-Encoding: gzip"
'
test_setup 'the ETags of the page gzipped, plain, and with the bar in Thai' '
	fetch "$C/lessons/01-welcome.html" -H "Accept-Encoding: gzip"; a=$R;
	fetch "$C/lessons/01-welcome.html"; b=$R;
	fetch "$C/lessons/01-welcome.html" -H "Accept-Language: th"; k=$R;
	fetch "$C/media/example.svg" -H "Accept-Encoding: gzip"; s=$R;
	gz=$(header "$a" ETag) plain=$(header "$b" ETag) th=$(header "$k" ETag);
	echo "$gz $plain $th" && test -n "$gz" && test -n "$plain" && test -n "$th"
'
test_expect_success "each representation has its own ETag, the bar's language too" '
	echo "$gz|$plain|$th" &&
	case "$gz|$plain|$th" in *-cen-????????-gz\"\|*-cen-????????\"\|*-cth-????????\") true ;; *) false ;; esac
'
test_expect_success 'pages say Vary: Accept-Encoding, Accept-Language, Cookie (the bar); other entries Accept-Encoding' '
	test_equal gzip "$(header "$a" Content-Encoding)" &&
	test_equal "Accept-Encoding, Accept-Language, Cookie" "$(header "$a" Vary)" &&
	test_equal "Accept-Encoding, Accept-Language, Cookie" "$(header "$b" Vary)" &&
	test_equal Accept-Encoding "$(header "$s" Vary)"
'
test_expect_success 'a 304 carries ETag, Vary and Cache-Control' '
	fetch "$C/lessons/01-welcome.html" -H "Accept-Encoding: gzip" -H "If-None-Match: $gz"; r=$R;
	cat "head.$r" && test_equal 304 "$(status "$r")" &&
	test_equal "Accept-Encoding, Accept-Language, Cookie" "$(header "$r" Vary)" && test -n "$(header "$r" Cache-Control)"
'
test_expect_success "the tag of the other representation gets that one's 200" '
	fetch "$C/lessons/01-welcome.html" -H "Accept-Encoding: gzip" -H "If-None-Match: $plain"; r=$R;
	test_equal 200 "$(status "$r")" && test_equal gzip "$(header "$r" Content-Encoding)"
'
test_expect_success 'If-None-Match: a list with a weak tag (weak comparison)' '
	fetch "$C/lessons/01-welcome.html" -H "Accept-Encoding: gzip" -H "If-None-Match: \"old\", W/$gz"; r=$R;
	test_equal 304 "$(status "$r")"
'
test_expect_success 'If-None-Match: * gets 304' '
	fetch "$C/lessons/01-welcome.html" -H "If-None-Match: *"; r=$R;
	test_equal 304 "$(status "$r")"
'
test_expect_success 'HEAD revalidates as GET does' '
	fetch "$C/lessons/01-welcome.html" -I -H "Accept-Encoding: gzip" -H "If-None-Match: $gz"; r=$R;
	test_equal 304 "$(status "$r")"
'

# --- the interface language picked, kept in a cookie -------------------------------------------
# A phone set to English picks Thai in the bar (?lang=th); the links of the course's own
# pages carry no ?lang=, and the pages they open stay in Thai.  curl keeps the cookie jar.
bar_lang() { sed -n 's/.*<nav class="sampan-bar"[^>]* lang="\([^"]*\)".*/\1/p' "body.$1" | head -1; }
EN='Accept-Language: en-US,en;q=0.9'
test_expect_success 'a language picked in the bar: the page in it, and a cookie that keeps it' '
	fetch "$C/lessons/01-welcome.html?lang=th" -H "$EN" -c jar; r=$R;
	cat "head.$r" && test_equal 200 "$(status "$r")" && test_equal th "$(bar_lang "$r")" &&
	test_equal "sampan_lang=th; Path=/; Max-Age=31536000; SameSite=Lax" "$(header "$r" Set-Cookie)" &&
	grep -q "sampan_lang	th" jar
'
test_expect_success 'a link without ?lang= opens the next page in Thai, with no cookie again' '
	fetch "$C/index.html" -H "$EN" -b jar -c jar; r=$R;
	test_equal th "$(bar_lang "$r")" && test_equal "" "$(header "$r" Set-Cookie)" &&
	case "$(header "$r" ETag)" in *-cth-*) true ;; *) false ;; esac
'
test_expect_success 'the catalog, the search page and an error page follow the cookie too' '
	fetch "$URL" -H "$EN" -b jar; r=$R; grep -q "<html lang=\"th\">" "body.$r" &&
	fetch "${URL}search?q=pump" -H "$EN" -b jar; r=$R; grep -q "<html lang=\"th\">" "body.$r" &&
	fetch "${URL}c/org.example.none/" -H "$EN" -b jar; r=$R;
	test_equal 404 "$(status "$r")" && grep -q "<html lang=\"th\">" "body.$r"
'
test_expect_success "the English copy a phone kept is not current once its cookie says Thai" '
	fetch "$C/index.html" -H "$EN"; e=$R; en=$(header "$e" ETag) &&
	test_equal en "$(bar_lang "$e")" &&
	fetch "$C/index.html" -H "$EN" -b jar -H "If-None-Match: $en"; r=$R;
	test_equal 200 "$(status "$r")" && test_equal th "$(bar_lang "$r")" &&
	test_equal "Accept-Encoding, Accept-Language, Cookie" "$(header "$r" Vary)"
'
test_expect_success '... and the Thai copy is, revalidated with the cookie: 304' '
	revalidates "$C/index.html" -H "$EN" -b jar
'
test_expect_success 'the language the phone would get anyway sets no cookie' '
	fetch "$C/index.html?lang=th" -H "Accept-Language: th" -c jar2; r=$R;
	test_equal th "$(bar_lang "$r")" && test_equal "" "$(header "$r" Set-Cookie)"
'
test_expect_success 'English picked again replaces the cookie; the next page is English' '
	fetch "$C/lessons/01-welcome.html?lang=en" -H "$EN" -b jar -c jar; r=$R;
	test_equal "sampan_lang=en; Path=/; Max-Age=31536000; SameSite=Lax" "$(header "$r" Set-Cookie)" &&
	fetch "$C/index.html" -H "Accept-Language: th" -b jar; r=$R;
	test_equal en "$(bar_lang "$r")"
'
test_expect_success 'a cookie that names no interface language is left aside' '
	fetch "$C/index.html" -H "Accept-Language: vi" -H "Cookie: sampan_lang=<b>"; r=$R;
	test_equal vi "$(bar_lang "$r")" && test_equal "" "$(header "$r" Set-Cookie)"
'

# --- If-Match, If-Range ------------------------------------------------------------------------
test_expect_success 'If-Match with another tag: 412' '
	fetch "$C/lessons/01-welcome.html" -H "If-Match: \"old\""; r=$R;
	test_equal 412 "$(status "$r")"
'
test_expect_success 'If-Match compares strongly: a weak tag gets 412' '
	fetch "$C/lessons/01-welcome.html" -H "If-Match: W/$plain"; r=$R;
	test_equal 412 "$(status "$r")"
'
test_expect_success 'If-Match with its tag: 200' '
	fetch "$C/lessons/01-welcome.html" -H "If-Match: $plain"; r=$R;
	test_equal 200 "$(status "$r")"
'
test_setup 'the video ETag' '
	fetch "$C/media/video.bin" -r 0-99; v=$R;
	vt=$(header "$v" ETag) && test -n "$vt"
'
test_expect_success 'a resumed video with If-Range of its ETag: 206, the rest' '
	fetch "$C/media/video.bin" -r 1000000- -H "If-Range: $vt"; r=$R;
	test_equal 206 "$(status "$r")" &&
	test_equal "bytes 1000000-2499999/2500000" "$(header "$r" Content-Range)" &&
	tail -c +1000001 src/media/video.bin >rest.bin && test_cmp rest.bin "body.$r"
'
test_expect_success 'If-Range with another tag: 200 and the whole video' '
	fetch "$C/media/video.bin" -r 1000000- -H "If-Range: \"changed\""; r=$R;
	test_equal 200 "$(status "$r")" && test_equal 2500000 "$(stat -c %s "body.$r")"
'
test_expect_success 'If-Range with a date (entries have none): 200' '
	fetch "$C/media/video.bin" -r 1000000- -H "If-Range: Sun, 06 Nov 1994 08:49:37 GMT"; r=$R;
	test_equal 200 "$(status "$r")"
'
test_expect_success 'an unsatisfiable range: 416 with Content-Range' '
	fetch "$C/media/video.bin" -r 9000000-; r=$R;
	test_equal 416 "$(status "$r")" && test_equal "bytes */2500000" "$(header "$r" Content-Range)"
'
test_expect_success 'If-Modified-Since on an entry (no date to compare): 200' '
	fetch "$C/lessons/01-welcome.html" -H "If-Modified-Since: Sun, 06 Nov 2094 08:49:37 GMT"; r=$R;
	test_equal 200 "$(status "$r")"
'

# --- the player's own files ------------------------------------------------------------------
for f in player.css decor.css search.js progress.js qr.svg; do
	test_expect_success "/_sampan/$f: its ETag, then 304" "revalidates \"\${URL}_sampan/$f\""
done
test_expect_success 'the catalog: its ETag, then 304' 'revalidates "$URL"'
test_expect_success 'the catalog as JSON: its ETag, then 304' 'revalidates "${URL}api/catalog.json"'
F=_sampan/fonts/NotoSansKhmer-Regular.ttf
test_expect_success 'a Khmer font: its ETag, then 304' 'revalidates "$URL$F"'
test_expect_success 'a Khmer font gzipped: its ETag, then 304' 'revalidates "$URL$F" -H "Accept-Encoding: gzip"'
test_expect_success 'a font by its date: If-Modified-Since gets 304' '
	fetch "$URL$F"; f=$R;
	lm=$(header "$f" Last-Modified) && echo "Last-Modified: $lm" && test -n "$lm" &&
	fetch "$URL$F" -H "If-Modified-Since: $lm"; r=$R;
	test_equal 304 "$(status "$r")"
'
test_expect_success '... and an older date gets the font' '
	fetch "$URL$F" -H "If-Modified-Since: Thu, 01 Jan 1970 00:00:01 GMT"; r=$R;
	test_equal 200 "$(status "$r")"
'
test_expect_success 'the server stops cleanly' '
	kill -TERM $SERVER && wait $SERVER
'
test_done
