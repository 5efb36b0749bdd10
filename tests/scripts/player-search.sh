#!/bin/bash
# player-search.sh - search end to end: the sample courses built and served
# by the real binaries, searched over real HTTP in Thai, Khmer, Chinese and
# Vietnamese without accents; a subtitle word to its cue's time; filters,
# paging, suggestions, JSON; hostile queries; a course removed; a restart
# that does not index again; a damaged index file.  Prints TAP.
source "$(dirname "$0")/../lib/tap.sh"
B=$SAMPAN_BUILD
cd "$WORK" || exit 1

bash "$TOP/samples/make-media.sh" >/dev/null 2>&1
mkdir lib
for s in electrical-safety gem-processing pump-maintenance; do
	"$B" build "$TOP/samples/$s" -k "$TOP/samples/keys/sample.key" -o "lib/$s.sampan" -q
done
serve_start server lib --trust "$TOP/samples/keys/sample.pub" --cache "$WORK/cache"
SERVER=$SERVED_PID URL=$SERVED_URL
trap 'kill $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
if [ -n "$URL" ]; then ok "serve starts ($URL)"; else not_ok "serve starts" "$(cat server.err)"; fi
get() { curl -s --max-time 10 "$@"; }
code() { curl -s --max-time 10 -o /dev/null -w '%{http_code}' "$@"; }
enc() { "$PYTHON" -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"; }

# The index is made in the background: wait until every course is in it.
wait_indexed() {
	for _ in $(seq $((100 * TAP_SLOW))); do
		get "${URL}api/search.json?q=x" >ix.json
		"$PYTHON" -c 'import json,sys; d=json.load(open("ix.json")); sys.exit(0 if d["courses"] > 0 and d["indexed"] == d["courses"] else 1)' 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
check "the three samples are indexed within 10 s" wait_indexed

# search_page QUERY [ARGS]: the HTML results page in search.html
search_page() { get "${URL}search?q=$(enc "$1")${2:-}" >search.html; }

# --- words in the middle of unsegmented sentences, in the browser-facing page --
search_page "ไฟฟ้า" "&lang=th"
if grep -q 'href="/c/org.sampan.samples.electrical-safety/lessons/01-hazards.html#' search.html &&
	grep -q '<mark>ไฟฟ้า</mark>' search.html && grep -q '<html lang="th">' search.html; then
	ok "Thai: ไฟฟ้า finds the hazards lesson's sections, marked, in a Thai page"
else
	not_ok "Thai: ไฟฟ้า finds the hazards lesson's sections" "$(head -c 3000 search.html)"
fi
search_page "ស្រោមដៃ"
if grep -q 'lessons/05-summary-km.html#' search.html && grep -q '<mark>ស្រោមដៃ</mark>' search.html; then
	ok "Khmer: ស្រោមដៃ (gloves), inside ស្រោមដៃអ៊ីសូឡង់, finds the Khmer summary"
else
	not_ok "Khmer: ស្រោមដៃ finds the Khmer summary" "$(head -c 3000 search.html)"
fi
search_page "抛光"
if grep -q 'href="/c/org.sampan.samples.gem-processing/lessons/03-machine.html#' search.html &&
	grep -q '<mark>抛光</mark>' search.html; then
	ok "Chinese: 抛光 (two characters inside longer runs) finds the machine lesson"
else
	not_ok "Chinese: 抛光 finds the machine lesson" "$(head -c 3000 search.html)"
fi
# The first result's link leads to a page with that heading's anchor.
first=$(grep -o 'href="/c/org.sampan.samples.gem-processing/[^"]*#[^"]*"' search.html | head -1 | sed 's/^href="//; s/"$//')
page=${first%%#*} anchor=${first#*#}
anchor=$("$PYTHON" -c 'import sys, urllib.parse; print(urllib.parse.unquote(sys.argv[1]))' "$anchor")
if get "${URL%/}$page" | grep -q "id=\"$anchor\""; then
	ok "a result links to its section: the page has the anchor"
else
	not_ok "a result links to its section" "$first"
fi
search_page "cau dao"
if grep -q 'pump-maintenance' search.html && grep -qi '<mark>cầu dao</mark>\|<mark>cầu</mark> <mark>dao</mark>\|<mark>Cầu</mark>' search.html; then
	ok "Vietnamese typed without accents: cau dao finds cầu dao"
else
	not_ok "Vietnamese typed without accents: cau dao finds cầu dao" "$(head -c 3000 search.html)"
fi

# --- a subtitle word links to the video at its cue's time --------------------
get "${URL}api/search.json?q=isolator&course=org.sampan.samples.pump-maintenance&filter=en" >cue.json
watch=$("$PYTHON" - cue.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
cues = [r for r in d["results"] if "start" in r]
assert cues, d
r = min(cues, key=lambda r: r["start"])
assert r["start"] == 4.0 and r["track"] == "media/pump.en.vtt", r
assert "t=4.000" in r["url"] and r["url"].startswith("/watch?"), r
print(r["url"])
PY
)
if [ -n "$watch" ]; then ok "a subtitle hit carries its cue's time (4 s) and links to /watch"; else not_ok "a subtitle hit carries its cue's time" "$(cat cue.json)"; fi
get "${URL%/}$watch" >watch.html
if grep -q 'src="/c/org.sampan.samples.pump-maintenance/media/pump.mp4#t=4.000"' watch.html &&
	grep -q 'srclang="en"[^>]*default' watch.html && grep -q 'srclang="vi"' watch.html &&
	grep -q 'href="/c/org.sampan.samples.pump-maintenance/lessons/' watch.html; then
	ok "the watch page starts the video at the cue, with both subtitle tracks and the lesson's link"
else
	not_ok "the watch page starts the video at the cue" "$(cat watch.html)"
fi
[ "$(code "${URL}watch?c=nope&m=media/pump.mp4")" = 404 ] && ok "/watch of an unknown course: 404" || not_ok "/watch of an unknown course: 404"
[ "$(code "${URL}watch?c=org.sampan.samples.pump-maintenance&m=../../etc/passwd")" = 404 ] &&
	ok "/watch of a file not in the bundle: 404" || not_ok "/watch of a file not in the bundle: 404"

# --- filters, paging, JSON, suggestions ---------------------------------------
get "${URL}api/search.json?q=$(enc "ไฟ")&filter=th" >th.json
get "${URL}api/search.json?q=$(enc "ไฟ")&filter=th&page=2" >th2.json
if "$PYTHON" - th.json th2.json <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert len(a["results"]) == 10 and a["more"], (len(a["results"]), a["more"])
assert all(r["lang"] == "th" for r in a["results"] + b["results"])
assert not {r["url"] for r in a["results"]} & {r["url"] for r in b["results"]}
assert all("<mark>" in r["snippet_html"] or r["heading"] for r in a["results"])
PY
then ok "JSON: a language filter, ten per page, a second page with the next ones"; else not_ok "JSON: filter and paging" "$(head -c 2000 th.json)"; fi
search_page "ไฟ" "&filter=th"
grep -q 'rel="next" href="/search?q=' search.html && ok "the results page links to the next page" || not_ok "the results page links to the next page"
get "${URL}api/suggest.json?q=impel" >sug.json
if "$PYTHON" -c 'import json,sys; d=json.load(open("sug.json")); s=d["suggestions"]; assert 0 < len(s) <= 6 and all(x["url"].startswith(("/c/","/watch?")) for x in s), d' 2>/dev/null; then
	ok "suggestions: the start of a word (impel) finds impeller"
else
	not_ok "suggestions: the start of a word finds the word" "$(cat sug.json)"
fi
js=$(get "${URL}_sampan/search.js")
case "$js" in *"/api/suggest.json"*) ok "the page's script asks for suggestions" ;; *) not_ok "the page's script asks for suggestions" ;; esac
get "$URL" >catalog.html
grep -q '<form class="search" role="search" action="/search"' catalog.html && ok "the catalog has the search form (works without script)" || not_ok "the catalog has the search form"
search_page "xylophonequartz"
grep -q 'class="none"' search.html && ok "nothing found is said so" || not_ok "nothing found is said so" "$(head -c 2000 search.html)"
grep -q 'did-you-mean' search.html && not_ok "nothing close: no did-you-mean" || ok "nothing close: no did-you-mean"

# --- slips: a did-you-mean link, and results marked approximate ---------------
search_page "isolaton" "&lang=vi"
if grep -q '<p class="did-you-mean" role="status">Có phải bạn muốn tìm <a href="/search?q=isolator&amp;lang=vi&amp;page=1" dir="auto">isolator</a>?</p>' search.html &&
	grep -q '<li lang="en" class="approximate">' search.html && grep -q '<p class="approx" lang="vi">' search.html; then
	ok "a typo (isolaton): did you mean isolator, as a link, in Vietnamese; its results marked approximate"
else
	not_ok "a typo: did you mean, as a link; results marked approximate" "$(head -c 3000 search.html)"
fi
link=$(grep -o 'class="did-you-mean"[^>]*>[^<]*<a href="[^"]*"' search.html | sed 's/.*href="//; s/"$//; s/&amp;/\&/g')
get "${URL%/}$link" >dym.html
if grep -q '<mark>isolator</mark>' dym.html && ! grep -q 'class="approximate"' dym.html; then
	ok "the did-you-mean link finds isolator, exactly"
else
	not_ok "the did-you-mean link finds isolator" "$link $(head -c 2000 dym.html)"
fi
get "${URL}api/search.json?q=$(enc "ไฟฟา")" >loose.json
if "$PYTHON" - loose.json <<'PY2'
import json, sys
d = json.load(open(sys.argv[1]))
r = d["results"]
assert r and all(x["approximate"] for x in r), r
assert any("<mark>ไฟฟ้า</mark>" in x["snippet_html"] for x in r), r
PY2
then ok "Thai with a tone mark missing (ไฟฟา) finds ไฟฟ้า, marked approximate (JSON)"; else not_ok "Thai without its tone mark finds the word" "$(head -c 2000 loose.json)"; fi
get "${URL}api/suggest.json?q=impelr" >sug2.json
if "$PYTHON" -c 'import json,sys; d=json.load(open("sug2.json")); m=d["did_you_mean"]; assert m["q"] == "impeller" and m["url"].startswith("/search?q=impeller&") and "impeller" in m["text"], d; assert d["suggestions"] and all(s["approximate"] for s in d["suggestions"]), d' 2>/dev/null; then
	ok "suggestions of a typo (impelr): did you mean impeller, and its suggestions"
else
	not_ok "suggestions of a typo offer the word" "$(cat sug2.json)"
fi

# --- hostile queries: always an answer, never a 5xx ---------------------------
long=$(head -c 20000 /dev/zero | tr '\0' 'a')
bad=0
for q in '%22' '%22%22%22' 'NEAR(a%20b)' '*' 'a%20OR%20b%20NOT%20c' '%FF%FE%C0%AF' "$long" '%00' '%' '-' '%E0%B8'; do
	c=$(code "${URL}search?q=$q")
	j=$(code "${URL}api/search.json?q=$q")
	case "$c$j" in 200200 | 414414 | 431431) ;; *) bad=$((bad + 1)); echo "# q=${q:0:40}: $c $j" ;; esac
done
[ "$bad" -eq 0 ] && ok "quotes, FTS5 operators, bad UTF-8, NUL and 20 kB queries: 200 (or 414), never 5xx" || not_ok "hostile queries" "$bad failed"
for p in 0 -1 abc 99999999999; do
	c=$(code "${URL}search?q=pump&page=$p")
	[ "$c" = 200 ] || bad=$((bad + 1))
done
[ "$bad" -eq 0 ] && ok "a bad page number is page 1" || not_ok "a bad page number is page 1"
get "${URL}api/search.json?q=%FF%22%3Cscript%3E" | "$PYTHON" -c 'import json,sys; json.load(sys.stdin)' && ok "JSON stays valid for any query" || not_ok "JSON stays valid for any query"
get "${URL}search?q=%3Cscript%3Ealert(1)%3C/script%3E" | grep -q '<script>alert' && not_ok "the query is escaped in the page" || ok "the query is escaped in the page"

# --- a course taken away leaves the results -----------------------------------
mv lib/gem-processing.sampan .
kill -HUP "$SERVER"
gone=1
for _ in $(seq $((50 * TAP_SLOW))); do
	if ! get "${URL}api/search.json?q=$(enc "抛光")" | grep -q gem-processing; then gone=0; break; fi
	sleep 0.1
done
[ "$gone" -eq 0 ] && ok "a course taken off the stick leaves the results within seconds" || not_ok "a removed course leaves the results"
mv gem-processing.sampan lib/
kill -HUP "$SERVER"
back=1
for _ in $(seq $((50 * TAP_SLOW))); do
	if get "${URL}api/search.json?q=$(enc "抛光")" | grep -q gem-processing; then back=0; break; fi
	sleep 0.1
done
[ "$back" -eq 0 ] && ok "put back, it is found again" || not_ok "put back, it is found again"

# --- a restart does not index again; a damaged index is made again ------------
kill "$SERVER"
wait "$SERVER" 2>/dev/null
rows() { "$PYTHON" -c 'import sqlite3; print(sqlite3.connect("cache/search.db").execute("SELECT count(*), max(id) FROM passages_content").fetchone())'; }
before=$(rows)
serve_start server2 lib --trust "$TOP/samples/keys/sample.pub" --cache "$WORK/cache"
SERVER=$SERVED_PID URL=$SERVED_URL
get "${URL}api/search.json?q=$(enc "抛光")" >warm.json
if "$PYTHON" -c 'import json; d=json.load(open("warm.json")); assert d["indexed"] == d["courses"] == 3 and d["results"], d' 2>/dev/null; then
	ok "after a restart every course is searchable at once (nothing indexed again)"
else
	not_ok "after a restart every course is searchable at once" "$(head -c 1000 warm.json)"
fi
kill "$SERVER"
wait "$SERVER" 2>/dev/null
after=$(rows)
[ "$before" = "$after" ] && ok "the restart indexed nothing again (rows and row ids $after unchanged)" || not_ok "the restart indexed nothing again" "$before -> $after"
rm -f cache/search.db-wal cache/search.db-shm
head -c 8192 /dev/urandom >cache/search.db
serve_start server3 lib --trust "$TOP/samples/keys/sample.pub" --cache "$WORK/cache"
SERVER=$SERVED_PID URL=$SERVED_URL
check "a damaged index file: the player still starts" test -n "$URL"
check "and the index is made again" wait_indexed
search_page "ស្រោមដៃ"
grep -q 'lessons/05-summary-km.html#' search.html && ok "and finds what it found before" || not_ok "and finds what it found before"
kill "$SERVER"
wait "$SERVER" 2>/dev/null
if grep -qi 'sanitizer\|runtime error' server.err server2.err server3.err; then
	not_ok "no sanitizer report from the server" "$(grep -i -A5 'sanitizer\|runtime error' server*.err | head -20)"
else
	ok "no sanitizer report from the server"
fi
done_testing
