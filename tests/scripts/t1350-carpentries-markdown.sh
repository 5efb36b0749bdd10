#!/bin/bash
# t1350-carpentries-markdown.sh - a real Carpentries lesson's episodes, unmodified, as the
# lessons of a course made here (no import): check finds no error, and on every page no
# ':::', no front matter, no attribute block; every solution folded; no instructor note;
# figures at their real size; links to the web as text.  Then served by sampan-play.
source "$(dirname "$0")/../lib/test-lib.sh"

test_setup 'the lesson unpacked, a course.yml listing its episodes, a key' '
	shell_novice_source src org.example.shell-novice &&
	# The Workbench serves episodes/data/ beside learners/ too; a course names one place.
	mkdir src/learners/data && cp src/episodes/data/shell-lesson-data.zip src/learners/data/ &&
	"$B" keygen -o key --no-password >/dev/null
'
test_expect_success 'check: no error; the ignored front matter and links to the web are warnings' '
	expect_exit 0 "" "$B" check src >check.err &&
	test_grep "^0 errors, [0-9]+ warnings$" check.err &&
	test_grep "episodes/04-pipefilter.md:3: warning: front matter field .teaching. is ignored" check.err &&
	test_grep "episodes/02-filedir.md:225:1: warning: link to the web: .https://www.gnu.org/software/bash/manual/html_node/Bash-Builtins.html." check.err &&
	test_grep -v "fenced div|no alt text|error:" check.err
'
test_expect_success 'check --strict: links to the web are errors' '
	expect_exit 1 "" "$B" check --strict -q src >strict.err &&
	test_grep "error: link to the web" strict.err
'
test_setup 'built, and unzipped' '
	"$B" build src -k key.key -o shell.sampan -q &&
	mkdir x && (cd x && unzip -q ../shell.sampan)
'
test_expect_success 'every episode is a page' '
	for f in src/episodes/*.md; do
		n=$(basename "$f" .md) && test -s "x/episodes/$n.html" || return 1
	done
'
test_expect_success 'no page shows a fence, front matter or an attribute block' '
	! grep -l ":::" x/episodes/*.html &&
	! grep -lE "^(title|teaching|exercises):" x/episodes/*.html &&
	! grep -lE "\{(alt=|#|\.[a-z])" x/episodes/*.html
'
test_expect_success 'the title of the front matter is the page title' '
	test_grep "<h1>Pipes and Filters</h1>" x/episodes/04-pipefilter.html
'
test_expect_success 'every solution is folded, every challenge a labelled box' '
	test_equal "$(cat src/episodes/*.md | grep -cE "^:{3,} *solution *$")" \
		"$(cat x/episodes/*.html | grep -c "^<details class=\"box solution\">")" &&
	test_equal "$(cat src/episodes/*.md | grep -cE "^:{3,} *challenge *$")" \
		"$(cat x/episodes/*.html | grep -c "^<div class=\"box challenge\">")" &&
	test_grep "<p class=\"box-label\">Objectives</p>" x/episodes/01-intro.html
'
test_expect_success 'output gets its labelled figure, commands stay code' '
	test_grep "^<figure class=\"code output\"><figcaption>Output</figcaption>" x/episodes/04-pipefilter.html &&
	test_grep "^<pre><code class=\"language-bash\">\\\$ wc cubane.pdb" x/episodes/04-pipefilter.html
'
test_expect_success 'no instructor note on any page' '
	! grep -l "box instructor" x/episodes/*.html &&
	! grep -l "Learners can sometimes get trapped" x/episodes/*.html &&
	! grep -l "Introducing and navigating the filesystem in the shell" x/episodes/*.html
'
test_expect_success 'figures at their real size, their alt text from {alt=...}' '
	test_grep "<img src=\"fig/filesystem.svg\" alt=\"The file system is made up of a root directory[^\"]*\" width=\"208\" height=\"111\"" x/episodes/02-filedir.html &&
	test_grep "<img src=\"fig/shell_script_for_loop_flow_chart.svg\" alt=\"[^\"]+\" width=\"1021\" height=\"494\"" x/episodes/05-loop.html
'
test_expect_success 'links to the web are text with their address, never links' '
	! grep -l "href=\"http" x/episodes/*.html &&
	test_grep "Bash-Builtins.html\)" x/episodes/02-filedir.html
'
test_expect_success 'every link and media reference of the pages resolves inside' '
	"$PYTHON" "$TOP/tests/lib/check_pages.py" x
'
test_expect_success 'raw HTML: <kbd> dropped and told without allow_html, kept with it' '
	test_grep "episodes/01-intro.md:75:64: warning: raw HTML <kbd> removed" check.err &&
	! grep -q "<kbd>" x/episodes/01-intro.html &&
	cp -R src src-html && echo "allow_html: true" >>src-html/course.yml &&
	"$B" check src-html >html.err 2>&1 &&
	test_grep -v "raw HTML" html.err &&
	"$B" build src-html -k key.key -o html.sampan -q &&
	unzip -p html.sampan episodes/01-intro.html >intro.html &&
	test_grep "<kbd>Enter</kbd>" intro.html
'
test_setup 'served' '
	mkdir lib && cp shell.sampan lib/ &&
	serve_start server lib --trust key.pub --cache "$WORK/cache" &&
	C=${SERVED_URL}c/org.example.shell-novice/
'
test_expect_success 'sampan-play serves a lesson with its folded solutions and its figures' '
	curl -s --max-time 10 "${C}episodes/02-filedir.html" >page.html &&
	test_grep "<details class=\"box solution\">" page.html &&
	! grep -q ":::" page.html &&
	test_equal 200 "$(curl -s --max-time 10 -o /dev/null -w "%{http_code}" "${C}episodes/fig/filesystem.svg")"
'
test_done
