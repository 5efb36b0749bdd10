#!/bin/bash
# t1400-import.sh - sampan-build import end to end: a real Carpentries
# Workbench lesson (the fixture, unmodified) from its archive and from its
# unpacked folder, to the same course folder; its episodes, figures and
# links; the source never touched; OUT made whole or not at all; the
# course checked, built and served; check and build on a source of another
# tool say to import it first; an mdBook book and a MkDocs site to bundles.
source "$(dirname "$0")/../lib/test-lib.sh"
FIXTURE=$TOP/tests/fixtures/shell-novice.tar.xz # unmodified: tests/fixtures/README.md

# A digest of a folder: every file's path, mode and bytes, and its folders.
tree_sum() {
	(cd "$1" && find . -printf '%p %y %m %s %T@\n' | LC_ALL=C sort &&
		find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) | sha256sum
}

test_setup 'the fixture, unpacked, and its digests' '
	test -f "$FIXTURE" &&
	cp "$FIXTURE" shell.tar.xz &&
	sha256sum shell.tar.xz >archive.sum &&
	mkdir shell && tar -C shell -xJf shell.tar.xz &&
	tree_sum shell >shell.sum
'
test_setup 'imported from the archive and from the folder' '
	"$B" import shell.tar.xz from-archive >archive.out 2>archive.err &&
	"$B" import shell from-folder >folder.out 2>folder.err
'

test_expect_success 'the archive and the folder give the same course, byte for byte' '
	diff -r from-archive from-folder
'
test_expect_success 'imported again: the same bytes' '
	"$B" import -q shell again &&
	diff -r from-folder again
'
test_expect_success 'the source is untouched: the archive and every file of the folder' '
	sha256sum -c --quiet archive.sum &&
	tree_sum shell >shell.after && test_cmp shell.sum shell.after
'
test_expect_success 'every episode is a lesson, in config.yaml order' '
	sed -n "/^episodes:/,/^[a-z]/p" shell/config.yaml | sed -n "s/^- *\([^ ]*\.md\).*/lessons\/\1/p" >want &&
	test "$(wc -l <want)" -eq 7 &&
	sed -n "s/^  - file: \"\(lessons\/[0-9][^\"]*\)\"$/\1/p" from-folder/course.yml >got &&
	test_cmp want got &&
	while read -r f; do test -s "from-folder/$f" || exit 1; done <want
'
test_expect_success 'the summary and setup come first, the learners pages after the episodes' '
	sed -n "s/^  - file: \"\([^\"]*\)\"$/\1/p" from-folder/course.yml >all &&
	test_equal lessons/index.md "$(sed -n 1p all)" &&
	test_equal lessons/setup.md "$(sed -n 2p all)" &&
	test_equal lessons/07-find.md "$(sed -n 9p all)" &&
	test_grep -x lessons/reference.md all
'
test_expect_success 'every figure a page shows is copied into media/, byte for byte' '
	grep -ho "fig/[A-Za-z0-9_.-]*\.\(svg\|png\)" shell/episodes/*.md shell/learners/*.md |
		sort -u >figs &&
	test "$(wc -l <figs)" -ge 8 &&
	test "$(wc -l <figs)" -eq "$(ls from-folder/media/fig | wc -l)" &&
	while read -r f; do cmp "shell/episodes/$f" "from-folder/media/$f" || exit 1; done <figs
'
test_expect_success 'links are fixed: figures, the setup page, the data' '
	! grep -n "](fig/" from-folder/lessons/*.md &&
	test_grep -F "](../media/fig/filesystem.svg)" from-folder/lessons/02-filedir.md &&
	test_grep -F "](setup.md)" from-folder/lessons/02-filedir.md &&
	! grep -n "learners/setup.md" from-folder/lessons/*.md &&
	test_grep -F "]: ../media/data/shell-lesson-data.zip" from-folder/lessons/setup.md &&
	cmp shell/episodes/data/shell-lesson-data.zip from-folder/media/data/shell-lesson-data.zip
'
test_expect_success 'the conversion is listed at file:line' '
	test_grep -F "episodes/02-filedir.md:94: link '"'"'fig/filesystem.svg'"'"' -> '"'"'../media/fig/filesystem.svg'"'"'" folder.out &&
	test_grep -F "episodes/02-filedir.md:414: link '"'"'../learners/setup.md'"'"' -> '"'"'setup.md'"'"'" folder.out &&
	test_grep "13 lessons, 9 files in media/, 2 teachers" folder.err &&
	test_grep -x "episodes/fig/find-file-tree.odg: not copied: no page uses it" folder.out
'
test_expect_success 'the lessons keep their Markdown: front matter, fenced divs, attributes' '
	head -5 from-folder/lessons/04-pipefilter.md | test_grep -x "title: Pipes and Filters" - &&
	test "$(grep -c "^:::" from-folder/lessons/04-pipefilter.md)" = "$(grep -c "^:::" shell/episodes/04-pipefilter.md)" &&
	diff <(grep -v "fig/" shell/episodes/04-pipefilter.md) <(grep -v "media/fig/" from-folder/lessons/04-pipefilter.md)
'
test_expect_success 'instructors and profiles pages are teacher pages, never lessons' '
	test -s from-folder/instructors/instructor-notes.md &&
	test -s from-folder/instructors/learner-profiles.md &&
	sed -n "/^lessons:/,/^[a-z]/p" from-folder/course.yml >lessons.yml &&
	! grep -n instructors lessons.yml &&
	sed -n "/^teacher:/,/^[a-z]/s/^  - file: \"\(.*\)\"$/\1/p" from-folder/course.yml >teacher.got &&
	printf "instructors/instructor-notes.md\ninstructors/learner-profiles.md\n" >teacher.want &&
	test_cmp teacher.want teacher.got &&
	test_grep -x "    title: \"Instructor Notes\"" from-folder/course.yml &&
	test_grep -F "](../lessons/setup.md)" from-folder/instructors/instructor-notes.md &&
	test_grep -F "profiles/learner-profiles.md: teacher page instructors/learner-profiles.md" folder.out
'
test_setup 'a copy of the lesson whose episode links to the instructor notes, with two more notes' '
	cp -r shell linked &&
	printf "\nAsk [your instructor\nfor the notes](../instructors/instructor-notes.md \"notes\") now.\n" >>linked/episodes/01-intro.md &&
	printf "\nAlso [in HTML](<../instructors/instructor-notes.md>) and [ref][n].\n\n[n]: ../instructors/instructor-notes.md\n" >>linked/episodes/05-loop.md &&
	printf "# Timing\n\nSee [the notes](instructor-notes.md) and [the intro](../episodes/01-intro.md).\n" >linked/instructors/a-timing.md &&
	"$B" import linked linked-out >linked.out 2>linked.err
'
test_expect_success 'a lesson'"'"'s link to a teacher page becomes its text, with a warning at its line' '
	line=$(grep -n "^for the notes\](" linked/episodes/01-intro.md | cut -d: -f1) &&
	test_grep "episodes/01-intro.md:$line: warning: link to .\.\./instructors/instructor-notes.md.: a teacher page, which students never get; the lesson shows the link.s text alone" linked.err &&
	test_grep -x "Ask your instructor" linked-out/lessons/01-intro.md &&
	test_grep -x "for the notes now." linked-out/lessons/01-intro.md &&
	! grep -n "instructor-notes" linked-out/lessons/01-intro.md &&
	test_grep -x "Also in HTML and \\[ref\\]\\[n\\]\\." linked-out/lessons/05-loop.md &&
	test_grep "episodes/05-loop.md:[0-9]+: warning: link to .\.\./instructors/instructor-notes.md.: a teacher page, which students never get; .check. reports it" linked.err &&
	expect_exit 1 "lessons/05-loop.md:[0-9]+:[0-9]+: error: link to .instructors/instructor-notes.md.: a teacher page" "$B" check linked-out &&
	sed -i "/^\[n\]: /d; s/ and \[ref\]\[n\]//" linked-out/lessons/05-loop.md &&
	expect_exit 0 "^0 errors" "$B" check linked-out
'
test_expect_success 'teacher pages in file-name order, or in config.yaml'"'"'s when it lists them' '
	sed -n "/^teacher:/,/^[a-z]/s/^  - file: \"\(.*\)\"$/\1/p" linked-out/course.yml >got &&
	printf "instructors/a-timing.md\ninstructors/instructor-notes.md\ninstructors/learner-profiles.md\n" >want &&
	test_cmp want got &&
	test_grep -F "](instructor-notes.md)" linked-out/instructors/a-timing.md &&
	test_grep -F "](../lessons/01-intro.md)" linked-out/instructors/a-timing.md &&
	sed -i "s/^instructors: *$/instructors:\n- instructor-notes.md\n- a-timing.md/" linked/config.yaml &&
	"$B" import -q linked listed &&
	sed -n "/^teacher:/,/^[a-z]/s/^  - file: \"\(.*\)\"$/\1/p" listed/course.yml >got &&
	printf "instructors/instructor-notes.md\ninstructors/a-timing.md\ninstructors/learner-profiles.md\n" >want &&
	test_cmp want got
'
test_expect_success 'course.yml has the lesson metadata, and what import guessed' '
	test_grep -x "title: \"The Unix Shell\"" from-folder/course.yml &&
	test_grep -x "licence: \"CC-BY-4.0\"" from-folder/course.yml &&
	test_grep -x "language: \"en\"" from-folder/course.yml &&
	test_grep -x "  contact: \"team@carpentries.org\"" from-folder/course.yml &&
	test_grep -x "    id: \"shell-novice\"" from-folder/course.yml
'
test_expect_success 'check names the guessed values to set' '
	"$B" check from-folder >check.out 2>&1
	test_grep "course.yml:[0-9]+:[0-9]+: warning: id .shell-novice. was guessed by import" check.out &&
	test_grep "warning: version .1. was guessed by import" check.out
'
test_expect_success '--id, --version and --language set them: nothing guessed' '
	"$B" import -q shell given --id org.example.shell --version 2.1 --language en &&
	test_grep -x "id: \"org.example.shell\"" given/course.yml &&
	test_grep -x "version: \"2.1\"" given/course.yml &&
	! grep -n "guessed" given/course.yml
'
test_expect_success 'a bad --id or --version is a usage error, nothing written' '
	expect_exit 2 "not a course id" "$B" import shell bad --id Bad_Id &&
	expect_exit 2 "not a course version" "$B" import shell bad --version v1 &&
	test ! -e bad
'
test_expect_success 'a non-empty OUT is refused without --force, and left as it was' '
	mkdir full && echo keep >full/mine.txt &&
	expect_exit 1 "not empty" "$B" import shell full &&
	test_equal keep "$(cat full/mine.txt)" && test ! -e full/course.yml
'
test_expect_success '--force replaces a non-empty OUT with the whole course' '
	mkdir forced && echo old >forced/old.txt &&
	"$B" import -q --force shell forced &&
	test ! -e forced/old.txt && diff -r from-folder forced
'
test_expect_success 'an empty OUT folder is filled' '
	mkdir empty && "$B" import -q shell empty && diff -r from-folder empty
'
test_expect_success 'OUT inside SRC is refused, SRC untouched' '
	expect_exit 2 "outside SRC" "$B" import shell shell/out &&
	tree_sum shell >shell.after2 && test_cmp shell.sum shell.after2
'
test_expect_success 'nothing to import: an error, no OUT, no temporary folder left' '
	mkdir -p nothing/episodes && printf "title: x\n" >nothing/config.yaml &&
	expect_exit 1 "no episode to import" "$B" import nothing no-out &&
	test ! -e no-out && ! ls -a | grep -q "import-"
'
test_expect_success 'a folder of no known layout is refused' '
	mkdir plain && echo hi >plain/a.md &&
	expect_exit 1 "not a layout import reads" "$B" import plain plain-out && test ! -e plain-out
'
test_expect_success 'an archive entry that climbs out is refused, nothing written outside' '
	"$PYTHON" -c "import io, tarfile
t = tarfile.open(\"evil.tar.gz\", \"w:gz\")
for name, data in ((\"config.yaml\", b\"title: x\\n\"), (\"episodes/a.md\", b\"# A\\n\"), (\"../escape.txt\", b\"x\")):
    i = tarfile.TarInfo(name); i.size = len(data); t.addfile(i, io.BytesIO(data))
t.close()" &&
	expect_exit 1 "escape.txt" "$B" import evil.tar.gz evil-out &&
	test ! -e evil-out && test ! -e ../escape.txt
'
test_expect_success 'check on the unimported lesson says to import it first' '
	expect_exit 1 "Carpentries Workbench lesson \(config.yaml\).*run .sampan-build import" "$B" check shell
'
test_expect_success 'build on the unimported archive says to import it first' '
	"$B" keygen -o k --no-password >/dev/null &&
	expect_exit 1 "Carpentries Workbench lesson \(config.yaml\).*run .sampan-build import" \
		"$B" build shell.tar.xz -k k.key -o x.sampan &&
	test ! -e x.sampan
'
# --- the imported lesson, checked, built and served --------------------------
test_expect_success 'check on it, as imported: no error (the glossary'"'"'s [term]{#id} spans are anchors)' '
	"$B" check from-folder >check-all.out 2>&1 &&
	test_grep "^0 errors" check-all.out &&
	! grep -n "prereq" check-all.out
'
test_setup 'the imported lesson, as it is, built' '
	"$B" keygen -o sk --no-password >/dev/null &&
	"$B" build from-folder -k sk.key -o shell.sampan -q
'
test_expect_success 'the bundle: every lesson a page, the figures in media/, instructor pages for the teacher only' '
	mkdir x && (cd x && unzip -q ../shell.sampan) &&
	for f in index setup 01-intro 02-filedir 03-create 04-pipefilter 05-loop 06-script 07-find discuss resources reference license; do
		test -s "x/lessons/$f.html" || exit 1
	done &&
	test -s x/media/fig/filesystem.svg &&
	test -s x/media/fig/standard-filesystem-hierarchy.svg &&
	! find x -path "*instructor*" -not -path "x/teacher/*" | grep -q . &&
	test -s x/teacher/instructors/instructor-notes.html &&
	test -s x/teacher/instructors/learner-profiles.html &&
	test_grep -F "href=\"../../lessons/setup.html\"" x/teacher/instructors/instructor-notes.html &&
	! grep -rl -e "instructors/" -e "teacher/" x --include=*.html --exclude-dir=teacher &&
	! grep -q "Instructor Notes" x/META-INF/search.txt &&
	"$PYTHON" - x/META-INF/course.json <<-\EOF &&
	import json, sys
	c = json.load(open(sys.argv[1]))
	pages = [t["page"] for t in c["teacher"]]
	assert pages[-2:] == ["teacher/instructors/instructor-notes.html",
	                      "teacher/instructors/learner-profiles.html"], pages
	assert c["teacher"][-2]["title"]["en"] == "Instructor Notes", c["teacher"][-2]
	assert not any(l["page"].startswith("teacher/") or "instructors" in l["page"] for l in c["lessons"])
	EOF
	! grep -l ":::" x/lessons/*.html &&
	test_grep -F "href=\"setup.html\"" x/lessons/02-filedir.html
'
test_setup 'served' '
	mkdir lib && cp shell.sampan lib/ &&
	serve_start server lib --trust sk.pub --cache "$WORK/cache" &&
	C=${SERVED_URL}c/shell-novice/
'
test_expect_success 'sampan-play serves the imported lessons and their figures' '
	curl -s --max-time 10 "${C}lessons/02-filedir.html" >page.html &&
	test_grep "<details class=\"box solution\">" page.html &&
	test_grep -F "src=\"../media/fig/filesystem.svg\"" page.html &&
	test_equal 200 "$(curl -s --max-time 10 -o /dev/null -w "%{http_code}" "${C}media/fig/filesystem.svg")"
'
test_expect_success 'the glossary: each term an anchor, each link to one finds it, no span syntax shown' '
	curl -s --max-time 10 "${C}lessons/reference.html" >glossary.html &&
	test_grep -F "<span id=\"absolute-path\">absolute path</span>" glossary.html &&
	grep -o "href=\"#[a-z-]*\"" glossary.html | sed "s/href=\"#\(.*\)\"/\1/" | sort -u >targets &&
	test "$(wc -l <targets)" -ge 20 &&
	while read -r t; do grep -q "id=\"$t\"" glossary.html || { echo "no #$t"; exit 1; }; done <targets &&
	! grep -n "]{#" glossary.html
'
test_expect_success 'the summary page: its prerequisites in a labelled box' '
	curl -s --max-time 10 "${C}lessons/index.html" >index.html &&
	test_grep -F "<div class=\"box prereq\">" index.html &&
	test_grep -F "<p class=\"box-label\">Prerequisite</p>" index.html
'

# --- an mdBook book and a MkDocs site, made here, to a bundle ----------------
test_setup 'an mdBook book and a MkDocs site, and a key' '
	mkdir -p book/src/ch1 site/docs/guide &&
	printf "[book]\ntitle = \"Pumps\"\nauthors = [\"Ann\"]\nlanguage = \"en\"\n" >book/book.toml &&
	printf "# Summary\n\n[Intro](README.md)\n\n- [Parts](ch1/parts.md)\n    - [Seal](ch1/seal.md)\n    - [Later]()\n" >book/src/SUMMARY.md &&
	printf "# Intro\n\nSee [the parts](ch1/parts.md#the-parts).\n" >book/src/README.md &&
	printf "# The parts\n\n![A pump](pump.svg)\n\n\`\`\`\n{{#include steps.txt:2:3}}\n\`\`\`\n\nWrite \\\\{{#include x}} for mdBook.\n" >book/src/ch1/parts.md &&
	printf "one\ntwo\nthree\nfour\n" >book/src/ch1/steps.txt &&
	printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>\n" >book/src/ch1/pump.svg &&
	printf "# Seal\n\nBack to [the intro](../README.md).\n" >book/src/ch1/seal.md &&
	printf "site_name: Site\nsite_author: Team\nnav:\n  - Home: index.md\n  - guide/\n" >site/mkdocs.yml &&
	printf "# Home\n\n[Guide](guide/)\n" >site/docs/index.md &&
	printf "# Guide\n" >site/docs/guide/index.md &&
	printf "# B\n\n[home](../index.md)\n" >site/docs/guide/b.md &&
	"$B" keygen -o bk --no-password >/dev/null
'
test_expect_success 'mdBook: imported, checked without error, built and verified' '
	tar -C book -czf book.tar.gz . &&
	"$B" import book.tar.gz book-course --id org.example.pumps --version 1.0 >book.out 2>book.err &&
	test_grep "draft chapter .Later." book.err &&
	test_grep -F "two" book-course/lessons/ch1/parts.md &&
	! grep -q "{{#include steps" book-course/lessons/ch1/parts.md &&
	test_grep -F "Write {{#include x}} for mdBook." book-course/lessons/ch1/parts.md &&
	test_grep -F "](../../media/ch1/pump.svg)" book-course/lessons/ch1/parts.md &&
	"$B" check book-course >check.out 2>&1 && test_grep "^0 errors" check.out &&
	"$B" build book-course -k bk.key -o book.sampan -q &&
	"$B" verify book.sampan --trust bk.pub -q
'
test_expect_success 'MkDocs: a folder in nav expanded, checked without error, built' '
	"$B" import site site-course --id org.example.site --version 1 >site.out 2>site.err &&
	test_grep -x "  - file: \"lessons/guide/b.md\"" site-course/course.yml &&
	test_grep -F "[Guide](guide/index.md)" site-course/lessons/index.md &&
	"$B" check site-course >check2.out 2>&1 && test_grep "^0 errors" check2.out &&
	"$B" build site-course -k bk.key -o site.sampan -q
'
test_expect_success 'import --help says what it does' '
	expect_exit 0 "usage: sampan-build import SRC OUT" "$B" import --help
'
test_done
