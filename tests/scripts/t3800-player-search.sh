#!/bin/bash
# t3800-player-search.sh - search end to end: the sample courses built and
# served by the real binaries, searched over real HTTP in Thai, Khmer, Chinese
# and Vietnamese without accents; where a result is (its section and boxes) and
# a snippet that shows the words found; quizzes without their answers; The
# Unix Shell imported and searched; a subtitle word to its cue's time; filters,
# paging, suggestions, JSON; hostile queries; a course removed; a restart
# that does not index again; a damaged index file.
source "$(dirname "$0")/../lib/test-lib.sh"
get() { curl -s --max-time 10 "$@"; }
code() { curl -s --max-time 10 -o /dev/null -w '%{http_code}' "$@"; }
enc() { "$PYTHON" -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"; }
# The index is made in the background: wait until every course of $URL is in it.
wait_indexed() {
	for _ in $(seq $((100 * TAP_SLOW))); do
		get "${URL}api/search.json?q=x" >ix.json
		"$PYTHON" -c 'import json,sys; d=json.load(open("ix.json")); sys.exit(0 if d["courses"] > 0 and d["indexed"] == d["courses"] else 1)' 2>/dev/null && return 0
		sleep 0.1
	done
	cat ix.json
	return 1
}
# search_page QUERY [ARGS]: the HTML results page in search.html
search_page() { get "${URL}search?q=$(enc "$1")${2:-}" >search.html; }
# served_for QUERY WORD: whether the results of QUERY name WORD, within 5 s.
found_within() {
	for _ in $(seq $((50 * TAP_SLOW))); do
		if get "${URL}api/search.json?q=$(enc "$1")" | grep -q "$2"; then return 0; fi
		sleep 0.1
	done
	return 1
}
PUB=$TOP/samples/keys/sample.pub

test_setup 'the three samples built and served' '
	bash "$TOP/samples/make-media.sh" &&
	mkdir lib &&
	for s in electrical-safety gem-processing pump-maintenance; do
		"$B" build "$TOP/samples/$s" -k "$TOP/samples/keys/sample.key" -o "lib/$s.sampan" -q || return 1
	done &&
	serve_start server lib --trust "$PUB" --cache "$WORK/cache" &&
	SERVER=$SERVED_PID URL=$SERVED_URL
'
test_setup 'the three samples are indexed within 10 s' 'wait_indexed'

# --- words in the middle of unsegmented sentences, in the browser-facing page --
test_expect_success "Thai: ไฟฟ้า finds the hazards lesson's sections, marked, in a Thai page" '
	search_page "ไฟฟ้า" "&lang=th" &&
	test_grep -F "href=\"/c/org.sampan.samples.electrical-safety/lessons/01-hazards.html#" search.html &&
	test_grep -F "<mark>ไฟฟ้า</mark>" search.html && test_grep -F "<html lang=\"th\">" search.html
'
test_expect_success 'Khmer: ស្រោមដៃ (gloves), inside ស្រោមដៃអ៊ីសូឡង់, finds the Khmer summary' '
	search_page "ស្រោមដៃ" &&
	test_grep -F "lessons/05-summary-km.html#" search.html && test_grep -F "<mark>ស្រោមដៃ</mark>" search.html
'
test_expect_success 'Chinese: 抛光 (two characters inside longer runs) finds the machine lesson' '
	search_page "抛光" &&
	test_grep -F "href=\"/c/org.sampan.samples.gem-processing/lessons/03-machine.html#" search.html &&
	test_grep -F "<mark>抛光</mark>" search.html
'
# The first result's link leads to a page with that heading's anchor.
test_expect_success 'a result links to its section: the page has the anchor' '
	search_page "抛光" &&
	first=$(grep -o "href=\"/c/org.sampan.samples.gem-processing/[^\"]*#[^\"]*\"" search.html | head -1 | sed "s/^href=\"//; s/\"\$//") &&
	page=${first%%#*} && anchor=${first#*#} &&
	anchor=$("$PYTHON" -c "import sys, urllib.parse; print(urllib.parse.unquote(sys.argv[1]))" "$anchor") &&
	get "${URL%/}$page" >anchored.html && test_grep -F "id=\"$anchor\"" anchored.html
'
test_expect_success 'Vietnamese typed without accents: cau dao finds cầu dao' '
	search_page "cau dao" &&
	test_grep pump-maintenance search.html &&
	grep -qi "<mark>cầu dao</mark>\|<mark>cầu</mark> <mark>dao</mark>\|<mark>Cầu</mark>" search.html
'

# --- boxes: where a result is, and a snippet that shows the words found -------
test_expect_success 'no quiz marks, {.multiple} or attribute syntax in the search texts' '
	for s in electrical-safety gem-processing pump-maintenance; do
		unzip -p "lib/$s.sampan" META-INF/search.txt >"$s.txt" &&
		test_grep "^s	" "$s.txt" &&
		test_grep -v -E "\[[x =]\]|\{[.#][^}]*\}" "$s.txt" || return 1
	done
'
test_expect_success 'a word only in a solution: "Lesson › Section › Challenge: title › Solution", in Vietnamese' '
	search_page "cao su non" "&lang=vi" &&
	test_grep -F "<span class=\"hit-lesson\">Xử lý sự cố thường gặp</span> › <span class=\"hit-heading\">Máy chạy nhưng không lên nước › Thử thách: Mất nước sau mười phút › Lời giải</span>" search.html &&
	test_grep -E "<mark>cao su non</mark>|<mark>cao</mark> <mark>su</mark> <mark>non</mark>" search.html
'
test_expect_success 'its link lands on the challenge: the page has the anchor' '
	search_page "cao su non" "&lang=vi" &&
	first=$(grep -o "href=\"/c/org.sampan.samples.pump-maintenance/lessons/04-su-co.html#[^\"]*\"" search.html | head -1 | sed "s/^href=\"//; s/\"\$//") &&
	anchor=$("$PYTHON" -c "import sys, urllib.parse; print(urllib.parse.unquote(sys.argv[1]))" "${first#*#}") &&
	test_equal "mất-nước-sau-mười-phút" "$anchor" &&
	get "${URL%/}${first%%#*}" >anchored.html && test_grep -F "id=\"$anchor\"" anchored.html
'
test_expect_success 'words found only in the heading: the snippet starts with them, marked' '
	search_page "mười phút" "&lang=vi" &&
	test_grep -E "<p class=\"snippet\" dir=\"auto\">Thử thách: Mất nước sau <mark>mười( phút</mark>|</mark> <mark>phút</mark>) — Máy bơm lên nước" search.html &&
	get "${URL}api/search.json?q=$(enc "mười phút")" >heading.json &&
	"$PYTHON" - heading.json <<-PY
	import json, sys
	r = json.load(open(sys.argv[1]))["results"]
	assert r and all("<mark>" in x["snippet_html"] for x in r), r
	PY
'
test_expect_success 'a quiz: its question is found, at the quiz; its feedback is not searchable' '
	get "${URL}api/search.json?q=$(enc "bước tiếp theo là gì")&filter=vi" >quiz.json &&
	get "${URL}api/search.json?q=$(enc "không ai đóng điện được")&filter=vi" >feedback.json &&
	"$PYTHON" - quiz.json feedback.json <<-PY
	import json, sys
	q, f = (json.load(open(p))["results"] for p in sys.argv[1:3])
	assert len(q) == 1 and q[0]["url"].endswith("/lessons/02-an-toan.html#quiz-1"), q
	assert q[0]["heading"] == "Tự kiểm tra", q
	assert not f, f
	PY
'

# --- a subtitle word links to the video at its cue's time --------------------
cue_url() {
	get "${URL}api/search.json?q=isolator&course=org.sampan.samples.pump-maintenance&filter=en" >cue.json &&
	"$PYTHON" - cue.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
cues = [r for r in d["results"] if "start" in r]
assert cues, d
r = min(cues, key=lambda r: r["start"])
assert r["start"] == 4.0 and r["track"] == "media/pump.en.vtt", r
assert "t=4.000" in r["url"] and r["url"].startswith("/watch?"), r
print(r["url"])
PY
}
test_expect_success "a subtitle hit carries its cue's time (4 s) and links to /watch" '
	watch=$(cue_url) && test -n "$watch"
'
test_expect_success "the watch page starts the video at the cue, with both subtitle tracks and the lesson's link" '
	watch=$(cue_url) && get "${URL%/}$watch" >watch.html &&
	test_grep -F "src=\"/c/org.sampan.samples.pump-maintenance/media/pump.mp4#t=4.000\"" watch.html &&
	test_grep "srclang=\"en\"[^>]*default" watch.html && test_grep -F "srclang=\"vi\"" watch.html &&
	test_grep -F "href=\"/c/org.sampan.samples.pump-maintenance/lessons/" watch.html
'
test_expect_success '/watch of an unknown course: 404' '
	test_equal 404 "$(code "${URL}watch?c=nope&m=media/pump.mp4")"
'
test_expect_success '/watch of a file not in the bundle: 404' '
	test_equal 404 "$(code "${URL}watch?c=org.sampan.samples.pump-maintenance&m=../../etc/passwd")"
'

# --- filters, paging, JSON, suggestions ---------------------------------------
test_expect_success 'JSON: a language filter, ten per page, a second page with the next ones' '
	get "${URL}api/search.json?q=$(enc "ไฟ")&filter=th" >th.json &&
	get "${URL}api/search.json?q=$(enc "ไฟ")&filter=th&page=2" >th2.json &&
	"$PYTHON" - th.json th2.json <<-PY
	import json, sys
	a, b = (json.load(open(p)) for p in sys.argv[1:3])
	assert len(a["results"]) == 10 and a["more"], (len(a["results"]), a["more"])
	assert all(r["lang"] == "th" for r in a["results"] + b["results"])
	assert not {r["url"] for r in a["results"]} & {r["url"] for r in b["results"]}
	assert all("<mark>" in r["snippet_html"] or r["heading"] for r in a["results"])
	PY
'
test_expect_success 'the results page links to the next page' '
	search_page "ไฟ" "&filter=th" && test_grep -F "rel=\"next\" href=\"/search?q=" search.html
'
test_expect_success 'suggestions: the start of a word (impel) finds impeller' '
	get "${URL}api/suggest.json?q=impel" >sug.json &&
	"$PYTHON" -c "import json,sys; d=json.load(open(\"sug.json\")); s=d[\"suggestions\"]; assert 0 < len(s) <= 6 and all(x[\"url\"].startswith((\"/c/\",\"/watch?\")) for x in s), d"
'
test_expect_success "the page's script asks for suggestions" '
	get "${URL}_sampan/search.js" >search.js && test_grep -F /api/suggest.json search.js
'
test_expect_success 'the catalog has the search form (works without script)' '
	get "$URL" >catalog.html &&
	test_grep -F "<form class=\"search\" role=\"search\" action=\"/search\"" catalog.html
'
test_expect_success 'nothing found is said so' '
	search_page xylophonequartz && test_grep -F "class=\"none\"" search.html
'
test_expect_success 'nothing close: no did-you-mean' '
	search_page xylophonequartz && test_grep -v did-you-mean search.html
'

# --- slips: a did-you-mean link, and results marked approximate ---------------
test_expect_success 'a typo (isolaton): did you mean isolator, as a link, in Vietnamese; its results marked approximate' '
	search_page isolaton "&lang=vi" &&
	test_grep -F "<p class=\"did-you-mean\" role=\"status\">Có phải bạn muốn tìm <a href=\"/search?q=isolator&amp;lang=vi&amp;page=1\" dir=\"auto\">isolator</a>?</p>" search.html &&
	test_grep -F "<li lang=\"en\" class=\"approximate\">" search.html &&
	test_grep -F "<p class=\"approx\" lang=\"vi\">" search.html
'
test_expect_success 'the did-you-mean link finds isolator, exactly' '
	search_page isolaton "&lang=vi" &&
	link=$(grep -o "class=\"did-you-mean\"[^>]*>[^<]*<a href=\"[^\"]*\"" search.html | sed "s/.*href=\"//; s/\"\$//; s/&amp;/\&/g") &&
	get "${URL%/}$link" >dym.html &&
	test_grep -F "<mark>isolator</mark>" dym.html && test_grep -v -F "class=\"approximate\"" dym.html
'
test_expect_success 'Thai with a tone mark missing (ไฟฟา) finds ไฟฟ้า, marked approximate (JSON)' '
	get "${URL}api/search.json?q=$(enc "ไฟฟา")" >loose.json &&
	"$PYTHON" - loose.json <<-PY
	import json, sys
	d = json.load(open(sys.argv[1]))
	r = d["results"]
	assert r and all(x["approximate"] for x in r), r
	assert any("<mark>ไฟฟ้า</mark>" in x["snippet_html"] for x in r), r
	PY
'
test_expect_success 'suggestions of a typo (impelr): did you mean impeller, and its suggestions' '
	get "${URL}api/suggest.json?q=impelr" >sug2.json &&
	"$PYTHON" -c "import json,sys; d=json.load(open(\"sug2.json\")); m=d[\"did_you_mean\"]; assert m[\"q\"] == \"impeller\" and m[\"url\"].startswith(\"/search?q=impeller&\") and \"impeller\" in m[\"text\"], d; assert d[\"suggestions\"] and all(s[\"approximate\"] for s in d[\"suggestions\"]), d"
'

# --- hostile queries: always an answer, never a 5xx ---------------------------
long=$(head -c 20000 /dev/zero | tr '\0' 'a')
test_expect_success 'quotes, FTS5 operators, bad UTF-8, NUL and 20 kB queries: 200 (or 414), never 5xx' '
	bad=0 &&
	for q in "%22" "%22%22%22" "NEAR(a%20b)" "*" "a%20OR%20b%20NOT%20c" "%FF%FE%C0%AF" "$long" "%00" "%" "-" "%E0%B8"; do
		c=$(code "${URL}search?q=$q")
		j=$(code "${URL}api/search.json?q=$q")
		case "$c$j" in 200200 | 414414 | 431431) ;; *) bad=$((bad + 1)); echo "q=${q:0:40}: $c $j" ;; esac
	done &&
	test "$bad" -eq 0
'
test_expect_success 'a bad page number is page 1' '
	for p in 0 -1 abc 99999999999; do
		test_equal 200 "$(code "${URL}search?q=pump&page=$p")" || return 1
	done
'
test_expect_success 'JSON stays valid for any query' '
	get "${URL}api/search.json?q=%FF%22%3Cscript%3E" | "$PYTHON" -c "import json,sys; json.load(sys.stdin)"
'
test_expect_success 'the query is escaped in the page' '
	get "${URL}search?q=%3Cscript%3Ealert(1)%3C/script%3E" >escaped.html &&
	test_grep -v -F "<script>alert" escaped.html
'

# --- a course taken away leaves the results -----------------------------------
test_expect_success 'a course taken off the stick leaves the results within seconds' '
	mv lib/gem-processing.sampan . && kill -HUP $SERVER &&
	gone= &&
	for _ in $(seq $((50 * TAP_SLOW))); do
		if ! get "${URL}api/search.json?q=$(enc "抛光")" | grep -q gem-processing; then gone=t; break; fi
		sleep 0.1
	done;
	mv gem-processing.sampan lib/ && kill -HUP $SERVER && found_within "抛光" gem-processing &&
	test -n "$gone"
'
test_expect_success 'put back, it is found again' '
	mv lib/gem-processing.sampan . && kill -HUP $SERVER &&
	for _ in $(seq $((50 * TAP_SLOW))); do
		get "${URL}api/search.json?q=$(enc "抛光")" | grep -q gem-processing || break
		sleep 0.1
	done &&
	mv gem-processing.sampan lib/ && kill -HUP $SERVER &&
	found_within "抛光" gem-processing
'
test_expect_success 'no sanitizer report from the server' '
	test_grep -v -i "sanitizer|runtime error" server.err
'

# --- a real lesson: The Unix Shell, imported -------------------------------------
test_setup 'The Unix Shell imported, built and served' '
	mkdir shell-lib &&
	"$B" import -q "$TOP/tests/fixtures/shell-novice.tar.xz" shell &&
	"$B" build shell -k "$TOP/samples/keys/sample.key" -o shell-lib/shell.sampan -q 2>/dev/null &&
	serve_start shell-server shell-lib --trust "$PUB" --cache "$WORK/shell-cache" &&
	SHELL_PID=$SERVED_PID SHELL_URL=$SERVED_URL && URL=$SHELL_URL wait_indexed
'
test_expect_success 'a word in a Carpentries solution: "Loops › Challenge: Variables in Loops › Solution"' '
	URL=$SHELL_URL search_page "expanded loop would look" &&
	test_grep -E "<span class=\"hit-lesson\">Loops</span> › <span class=\"hit-heading\">Challenge: Variables in (<mark>Loops</mark>|Loops) › Solution</span>" search.html &&
	test_grep -F "href=\"/c/shell-novice/lessons/05-loop.html#solution-1\"" search.html
'
test_expect_success 'no result of The Unix Shell is titled by a box label alone' '
	get "${SHELL_URL}api/search.json?q=solution" >sol.json &&
	"$PYTHON" - sol.json <<-PY
	import json, sys
	r = json.load(open(sys.argv[1]))["results"]
	assert r, r
	assert all(x["heading"].endswith(" › Solution") for x in r if "Solution" in x["heading"]), [x["heading"] for x in r]
	PY
'
test_expect_success 'no instructor note in its search text' '
	unzip -p shell-lib/shell.sampan META-INF/search.txt >shell.txt &&
	grep -l "::: *instructor" shell/lessons/*.md >with-notes &&
	test -s with-notes &&
	note=$(sed -n "/::: *instructor/,/^:::/p" shell/lessons/03-create.md | grep -v "^:" | grep -v "^\$" | head -1 | cut -c1-40) &&
	test -n "$note" && test_grep -v -F "$note" shell.txt
'
test_expect_success 'no sanitizer report from the server of The Unix Shell' '
	kill $SHELL_PID && wait $SHELL_PID;
	test_grep -v -i "sanitizer|runtime error" shell-server.err
'

# --- a restart does not index again; a damaged index is made again ------------
rows() { "$PYTHON" -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*), max(id) FROM passages_content").fetchone())' "$1"; }
test_setup 'a library indexed, stopped, and started again on the same cache' '
	cp -r lib lib2 &&
	serve_start again1 lib2 --trust "$PUB" --cache "$WORK/cache2" && URL=$SERVED_URL wait_indexed &&
	kill $SERVED_PID && wait $SERVED_PID;
	before=$(rows cache2/search.db) &&
	serve_start again2 lib2 --trust "$PUB" --cache "$WORK/cache2" &&
	get "${SERVED_URL}api/search.json?q=$(enc "抛光")" >warm.json &&
	kill $SERVED_PID && wait $SERVED_PID;
	after=$(rows cache2/search.db)
'
test_expect_success 'after a restart every course is searchable at once (nothing indexed again)' '
	"$PYTHON" -c "import json; d=json.load(open(\"warm.json\")); assert d[\"indexed\"] == d[\"courses\"] == 3 and d[\"results\"], d"
'
test_expect_success 'the restart indexed nothing again (rows and row ids unchanged)' '
	test_equal "$before" "$after"
'
test_setup 'a damaged index file' '
	cp -r lib lib3 && cp -r cache2 cache3 &&
	rm -f cache3/search.db-wal cache3/search.db-shm &&
	head -c 8192 /dev/urandom >cache3/search.db &&
	serve_start damaged lib3 --trust "$PUB" --cache "$WORK/cache3";
	DAMAGED_URL=$SERVED_URL DAMAGED=$SERVED_PID
'
test_expect_success 'a damaged index file: the player still starts' 'test -n "$DAMAGED_URL"'
test_expect_success 'and the index is made again' '
	URL=$DAMAGED_URL wait_indexed
'
test_expect_success 'and finds what it found before' '
	URL=$DAMAGED_URL wait_indexed && URL=$DAMAGED_URL search_page "ស្រោមដៃ" &&
	test_grep -F "lessons/05-summary-km.html#" search.html
'
test_expect_success 'no sanitizer report from the restarted and damaged servers' '
	kill $DAMAGED && wait $DAMAGED;
	test_grep -v -i "sanitizer|runtime error" again1.err &&
	test_grep -v -i "sanitizer|runtime error" again2.err &&
	test_grep -v -i "sanitizer|runtime error" damaged.err
'
test_done
