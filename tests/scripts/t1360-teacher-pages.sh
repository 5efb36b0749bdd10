#!/bin/bash
# t1360-teacher-pages.sh - teachers' notes of a real Carpentries lesson (its
# '::: instructor' divs) and whole pages for the teacher (course.yml's
# teacher: list): built into teacher pages, never on a page a student
# reaches from the course home nor in the search text; served to the serving
# machine itself and, elsewhere, only after the code it prints; kept in their
# own folder by extract; a student's page that links to one is refused.
source "$(dirname "$0")/../lib/test-lib.sh"
ID=org.example.shell-novice
# Words of instructor notes of the lesson, one from each episode that has some.
NOTE_02="Introducing and navigating the filesystem in the shell"
NOTE_03="Learners can sometimes get trapped"
# Words of the teacher pages the test adds (course.yml's teacher: list).
WORKSHOP="Allow forty minutes for the pipes exercise"
ANSWERS="The answer to the sorting question is"

# An address of this machine that is not a loopback one: a request from it is
# a request from another device, as far as the player can tell.
REMOTE=$(hostname -I 2>/dev/null | tr ' ' '\n' | grep -E '^[0-9.]+$' | grep -v '^127\.' | head -1)
BIND=0.0.0.0
if [ -z "$REMOTE" ]; then
	REMOTE=$(hostname -I 2>/dev/null | tr ' ' '\n' | grep ':' | grep -vi '^fe80' | head -1)
	BIND=::
fi

test_setup 'the lesson unpacked, a course.yml listing its episodes, a key' '
	shell_novice_source src "$ID" &&
	cat >>src/course.yml <<-EOF &&
	teacher:
	  - notes/workshop.md
	  - file: notes/answers.md
	    lesson: 04-pipefilter
	    title: Answers to the pipes exercises
	  - profiles/learner-profiles.md
	EOF
	mkdir src/notes &&
	cat >src/notes/workshop.md <<-EOF &&
	# Running the workshop

	Start with [the introduction](../episodes/01-intro.md), and keep
	[the answers](answers.md#sorting) at hand.

	![The file system, drawn](../episodes/fig/filesystem.svg)

	$WORKSHOP.
	EOF
	cat >src/notes/answers.md <<-EOF &&
	# Answers

	## Sorting

	$ANSWERS \`sort -n\`. Back to [the workshop](workshop.md).
	EOF
	# as in t1350: the Workbench serves episodes/data/ beside learners/ too
	mkdir src/learners/data && cp src/episodes/data/shell-lesson-data.zip src/learners/data/ &&
	"$B" keygen -o key --no-password >/dev/null &&
	"$B" build src -k key.key -o shell.sampan 2>build.err &&
	mkdir x && (cd x && unzip -q ../shell.sampan)
'
test_expect_success 'a teacher page for each episode with instructor notes, and only those' '
	for f in src/episodes/*.md; do
		n=$(basename "$f" .md)
		if grep -qE "^:{3,} *\{?\.?instructor\}? *$" "$f"; then
			test -s "x/teacher/episodes/$n.html" || { echo "no teacher page for $n"; return 1; }
		else
			! test -e "x/teacher/episodes/$n.html" || { echo "a teacher page for $n"; return 1; }
		fi
	done &&
	test_equal 5 "$(find x/teacher -type f -name "*.html" | wc -l)"
'
test_expect_success 'each page of the teacher: list, rendered under teacher/ with its links and figure' '
	test_grep "<h1 id=\"running-the-workshop\">Running the workshop</h1>" x/teacher/notes/workshop.html &&
	test_grep "$WORKSHOP" x/teacher/notes/workshop.html &&
	test_grep -F "href=\"../../episodes/01-intro.html\"" x/teacher/notes/workshop.html &&
	test_grep -F "href=\"answers.html#sorting\"" x/teacher/notes/workshop.html &&
	test_grep -F "src=\"../../episodes/fig/filesystem.svg\"" x/teacher/notes/workshop.html &&
	test -s x/episodes/fig/filesystem.svg &&
	grep -A1 "<h1 id=\"answers\">Answers</h1>" x/teacher/notes/answers.html >after-title &&
	test_grep -F "<p class=\"lesson-link\"><a href=\"../../episodes/04-pipefilter.html\">Pipes and Filters</a></p>" after-title &&
	test_equal 1 "$(grep -c "<h1" x/teacher/notes/answers.html)" &&
	test_grep "<title>Answers to the pipes exercises · The Unix Shell</title>" x/teacher/notes/answers.html &&
	test_grep "id=\"sorting\"" x/teacher/notes/answers.html &&
	test_grep "placeholder file" x/teacher/profiles/learner-profiles.html &&
	test_cmp src/notes/answers.md x/teacher/notes/answers.md &&
	! test -e x/notes
'
test_expect_success 'the teacher page: the lesson title, a link to it, every note in order' '
	test_grep "<h1>Instructor note: Working With Files and Directories</h1>" x/teacher/episodes/03-create.html &&
	test_grep "<title>Instructor note: Working With Files and Directories · The Unix Shell</title>" x/teacher/episodes/03-create.html &&
	! grep -q "aria-current" x/teacher/episodes/03-create.html &&
	test_grep "<a href=\"../../episodes/03-create.html\">Working With Files and Directories</a>" x/teacher/episodes/03-create.html &&
	test_equal "$(grep -cE "^:{3,} *instructor *$" src/episodes/03-create.md)" \
		"$(grep -c "^<div class=\"box instructor\">" x/teacher/episodes/03-create.html)" &&
	first=$(grep -n "ls -R" x/teacher/episodes/03-create.html | head -1 | cut -d: -f1) &&
	second=$(grep -n "$NOTE_03" x/teacher/episodes/03-create.html | cut -d: -f1) &&
	test "$first" -lt "$second" &&
	test_grep "$NOTE_02" x/teacher/episodes/02-filedir.html
'
test_expect_success 'course.json lists the teacher pages; the Markdown with notes is the teacher'"'"'s too' '
	"$PYTHON" - x/META-INF/course.json <<-\EOF
	import json, sys
	c = json.load(open(sys.argv[1]))
	got = [(t["page"], t["lesson"], t["title"]["en"]) for t in c["teacher"]]
	want = [("teacher/episodes/02-filedir.html", "02-filedir", "Navigating Files and Directories"),
	        ("teacher/episodes/03-create.html", "03-create", "Working With Files and Directories")]
	assert got == want, got
	pages = [(t["page"], t.get("lesson"), t["title"]["en"]) for t in c["teacher"][2:]]
	assert pages == [("teacher/notes/workshop.html", None, "Running the workshop"),
	                 ("teacher/notes/answers.html", "04-pipefilter", "Answers to the pipes exercises"),
	                 ("teacher/profiles/learner-profiles.html", None, "FIXME")], pages
	assert not any(l["page"].startswith("teacher/") for l in c["lessons"])
	sources = {l["id"]: l["source"] for l in c["lessons"]}
	assert sources["03-create"] == "teacher/episodes/03-create.md", sources
	assert sources["04-pipefilter"] == "episodes/04-pipefilter.md", sources
	EOF
	test_cmp src/episodes/03-create.md x/teacher/episodes/03-create.md &&
	! test -e x/episodes/03-create.md
'
test_expect_success 'no student file, page or search text holds a note or links to a teacher page' '
	! grep -rl -e "$NOTE_02" -e "$NOTE_03" -e "box instructor" -e "$WORKSHOP" -e "$ANSWERS" x --exclude-dir=teacher &&
	! grep -rl -e "teacher/" -e "notes/" x --include=*.html --exclude-dir=teacher &&
	! grep -l -e "$NOTE_02" -e "$NOTE_03" -e "$WORKSHOP" -e "$ANSWERS" -e "placeholder file" x/META-INF/search.txt
'
test_expect_success 'a lesson that links to a teacher page: an error at its line, no bundle' '
	cp -r src linked &&
	echo "See [the answers](../notes/answers.md)." >>linked/episodes/05-loop.md &&
	line=$(wc -l <linked/episodes/05-loop.md) &&
	expect_exit 1 "episodes/05-loop.md:$line:[0-9]+: error: link to .notes/answers.md.: a teacher page, which a student can never open" "$B" check -q linked &&
	expect_exit 1 "episodes/05-loop.md:$line:[0-9]+: error: link to .notes/answers.md." "$B" build linked -k key.key -o linked.sampan &&
	! test -e linked.sampan
'
test_expect_success 'an instructor note may link to a teacher page: only its teacher page has the link' '
	cp -r src noted &&
	printf "\n::: instructor\nThe [answers](../notes/answers.md#sorting) are ready.\n:::\n" >>noted/episodes/05-loop.md &&
	"$B" build noted -k key.key -o noted.sampan -q 2>noted.err &&
	mkdir nx && (cd nx && unzip -q ../noted.sampan) &&
	test_grep -F "<a href=\"../notes/answers.html#sorting\">answers</a>" nx/teacher/episodes/05-loop.html &&
	! grep -q -e "answers" -e "teacher/" nx/episodes/05-loop.html
'
test_expect_success 'a teacher page whose name clashes with a lesson'"'"'s notes page: an error naming both' '
	cp -r src clash &&
	sed -i "s#^  - notes/workshop.md#  - Episodes/03-create.md#" clash/course.yml &&
	mkdir clash/Episodes && cp src/notes/workshop.md clash/Episodes/03-create.md &&
	sed -i "s#\.\./episodes/#../episodes/#" clash/Episodes/03-create.md &&
	expect_exit 1 "course.yml:[0-9]+: error: teacher page .Episodes/03-create.md.: its page .teacher/Episodes/03-create.html. has the name of the instructor-notes page of lesson .episodes/03-create.md." "$B" check -q clash
'
test_expect_success 'a course may not have a folder teacher/ of its own' '
	cp -r src own && mkdir own/teacher && echo "<p>x</p>" >own/teacher/x.html &&
	echo "![x](../teacher/x.html)" >>own/episodes/01-intro.md &&
	expect_exit 1 "teacher/x.html: error: folder .teacher. is reserved" "$B" check -q own
'

serve_remote() {
	"$P" serve --bind "$BIND" --port 0 -q "$@" >server.out 2>server.err &
	SERVED_PID=$!
	test_at_end "kill $SERVED_PID; wait $SERVED_PID"
	PORT=
	for _ in $(seq $((100 * TAP_SLOW))); do
		PORT=$(sed -n "s/^Teachers' pages: http:\/\/localhost:\([0-9]*\)\/teacher.*/\1/p" server.out 2>/dev/null)
		[ -n "$PORT" ] && break
		sleep 0.1
	done
	[ -n "$PORT" ] || { cat server.out server.err; return 1; }
	CODE=$(sed -n "s/^Teachers' pages: .* the code \([0-9]\{6\}\)$/\1/p" server.out)
	case $REMOTE in *:*) FAR=http://[$REMOTE]:$PORT ;; *) FAR=http://$REMOTE:$PORT ;; esac
	NEAR=http://127.0.0.1:$PORT
	test -n "$CODE"
}
status() { # URL [CURL ARGS...]: the status of a GET, the body in body.html
	local url=$1
	shift
	curl -s --max-time 10 -o body.html -w "%{http_code}" "$@" "$url"
}

test_setup "served on every address, this machine's other address being ${REMOTE:-none}" '
	test -n "$REMOTE" || { echo "this machine has no address but loopback ones"; return 1; } &&
	mkdir lib && cp shell.sampan lib/ &&
	serve_remote lib --trust key.pub --cache "$WORK/cache" &&
	C=/c/$ID
'
test_expect_success 'every page reachable from the course home holds no note, from anywhere' '
	for base in "$FAR" "$NEAR"; do
		"$PYTHON" - "$base" "$C/" "$NOTE_02" "$NOTE_03" <<-\EOF || return 1
		import re, sys, urllib.parse, urllib.request
		base, start, notes = sys.argv[1], sys.argv[2], sys.argv[3:]
		seen, todo = set(), [start]
		while todo:
		    path = todo.pop()
		    if path in seen:
		        continue
		    seen.add(path)
		    assert "/teacher" not in path, "a page links to " + path
		    with urllib.request.urlopen(base + path, timeout=10) as r:
		        if not r.headers.get("Content-Type", "").startswith("text/html"):
		            continue
		        html = r.read().decode("utf-8")
		    for n in notes + ["box instructor"]:
		        assert n not in html, "%s holds %r" % (path, n)
		    for href in re.findall(r"href=\"([^\"#]+)", html):
		        url = urllib.parse.urljoin(path, href)
		        if url.startswith(start) and url.endswith(".html"):
		            todo.append(url.split("?")[0])
		lessons = [p for p in seen if "/episodes/" in p]
		assert len(lessons) == 7, sorted(seen)
		print(len(seen), "pages")
		EOF
	done
'
test_expect_success 'another device without the code: 403 and a page that says why, no note' '
	for n in 02-filedir 03-create; do
		test_equal 403 "$(status "$FAR$C/teacher/episodes/$n.html")" &&
		test_grep "for the class&#39;s teacher" body.html &&
		! grep -q -e "$NOTE_02" -e "$NOTE_03" body.html || return 1
	done &&
	test_equal 403 "$(status "$FAR$C/teacher/notes/workshop.html")" &&
	! grep -q "$WORKSHOP" body.html &&
	test_equal 403 "$(status "$FAR$C/teacher/notes/answers.md")" &&
	test_equal 404 "$(status "$FAR$C/notes/workshop.html")" &&
	test_equal 403 "$(status "$FAR$C/%74eacher/episodes/03-create.html")" &&
	test_equal 403 "$(status "$FAR$C/teacher/episodes/03-create.html" -H "Cookie: sampan_teacher=$(printf %064d 0)")" &&
	test_equal 403 "$(status "$FAR/teacher")" &&
	test_grep "action=\"/teacher/enter\"" body.html &&
	! grep -q "$CODE" body.html
'
test_expect_success 'the serving machine itself: the pages, and /teacher with the code' '
	test_equal 200 "$(status "$NEAR$C/teacher/episodes/03-create.html")" &&
	test_grep "$NOTE_03" body.html &&
	test_equal 200 "$(status "$NEAR/teacher")" &&
	test_grep "<strong>$CODE</strong>" body.html &&
	test_grep "href=\"$C/teacher/episodes/02-filedir.html\">Navigating Files and Directories<" body.html &&
	test_grep "href=\"$C/teacher/episodes/03-create.html\">Working With Files and Directories<" body.html &&
	test_grep "href=\"$C/teacher/notes/workshop.html\">Running the workshop<" body.html &&
	test_grep "href=\"$C/teacher/notes/answers.html\">Answers to the pipes exercises<" body.html &&
	test_equal 200 "$(status "$NEAR$C/teacher/notes/answers.html")" &&
	test_grep "$ANSWERS" body.html
'
test_expect_success 'another device with the code: a cookie, then the pages' '
	wrong=$(printf %06d $(( (10#$CODE + 1) % 1000000 ))) &&
	test_equal 403 "$(status "$FAR/teacher/enter?code=$wrong" -c jar)" &&
	test_grep "not right" body.html &&
	test_equal 303 "$(status "$FAR/teacher/enter?code=$CODE" -c jar -D headers)" &&
	test_grep -i "^set-cookie: sampan_teacher=[0-9a-f]{64}; Path=/; HttpOnly; SameSite=Strict" headers &&
	test_equal 200 "$(status "$FAR$C/teacher/episodes/03-create.html" -b jar)" &&
	test_grep "$NOTE_03" body.html &&
	test_equal 200 "$(status "$FAR$C/teacher/notes/workshop.html" -b jar)" &&
	test_grep "$WORKSHOP" body.html &&
	test_equal 200 "$(status "$FAR/teacher" -b jar)" &&
	test_grep "href=\"$C/teacher/episodes/03-create.html\"" body.html &&
	! grep -q "$CODE" body.html
'
test_expect_success 'wrong codes: after five from one device, even the right one waits' '
	wrong=$(printf %06d $(( (10#$CODE + 7) % 1000000 ))) &&
	for _ in 1 2 3 4; do
		test_equal 403 "$(status "$FAR/teacher/enter?code=$wrong")" || return 1
	done &&
	test_equal 429 "$(status "$FAR/teacher/enter?code=$CODE" -D headers)" &&
	test_grep -i "^retry-after: 60" headers &&
	! grep -qi "^set-cookie" headers
'
test_expect_success 'a restart forgets the cookie and makes a new code' '
	kill $SERVED_PID && wait $SERVED_PID; old=$CODE &&
	serve_remote lib --trust key.pub --cache "$WORK/cache" &&
	test_equal 403 "$(status "$FAR$C/teacher/episodes/03-create.html" -b jar)" &&
	test_equal 403 "$(status "$FAR/teacher" -b jar)" &&
	test "$old" != "$CODE" # one chance in a million that the new code is the old
'
test_expect_success 'extract keeps the teacher pages in their own folder; --no-teacher leaves them out' '
	expect_exit 0 "10 of them are for the teacher, in all/teacher/" "$P" extract shell.sampan all --trust key.pub &&
	test_cmp x/teacher/episodes/03-create.html all/teacher/episodes/03-create.html &&
	test_cmp x/teacher/notes/workshop.html all/teacher/notes/workshop.html &&
	test_cmp src/notes/workshop.md all/teacher/notes/workshop.md &&
	! grep -rl -e "$NOTE_02" -e "$NOTE_03" -e "$WORKSHOP" -e "$ANSWERS" all --exclude-dir=teacher &&
	expect_exit 0 "" "$P" extract shell.sampan students --trust key.pub --no-teacher &&
	! test -e students/teacher &&
	test_cmp x/episodes/03-create.html students/episodes/03-create.html &&
	(cd students && sha256sum -c --strict --quiet --ignore-missing META-INF/MANIFEST)
'
test_done
