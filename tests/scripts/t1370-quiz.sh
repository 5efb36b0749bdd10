#!/bin/bash
# t1370-quiz.sh - self-check quizzes in a lesson: check names each question that cannot be
# answered at its file:line and build refuses the course; a good quiz builds into pages with
# no form and no script, and sampan-play links its own quiz script into them (and only
# them), which it serves from its own origin.
source "$(dirname "$0")/../lib/test-lib.sh"

test_setup 'a course with a quiz, a key' '
	mkdir -p src/lessons &&
	cat >src/course.yml <<-EOF &&
	id: org.example.quiz
	version: 1
	language: en
	title: Wires
	publisher:
	  name: Example
	licence: CC-BY-4.0
	lessons:
	  - lessons/01.md
	  - lessons/02.md
	EOF
	cat >src/lessons/01.md <<-EOF &&
	# Wires

	::: quiz
	Which colour is the earth wire?

	- [ ] Blue
	  > Blue is the neutral wire.
	- [x] Green and yellow

	Which steps isolate a pump? {.multiple}

	- [x] Switch off
	- [x] Lock off
	- [ ] Close a valve

	What is the tag on a locked isolator called?

	- [=] danger tag
	:::
	EOF
	printf "# No quiz\n\nText.\n" >src/lessons/02.md &&
	"$B" keygen -o key --no-password >/dev/null
'
test_expect_success 'check: a good quiz is no problem' '
	expect_exit 0 "" "$B" check src >check.err &&
	test_grep "^0 errors, 0 warnings$" check.err
'
test_expect_success 'check: each question that cannot be answered, at its line; build refuses' '
	cp -R src bad &&
	cat >>bad/lessons/01.md <<-EOF &&

	::: quiz
	Which is right?

	- [ ] a
	- [ ] b

	Which one is right?

	- [x] a
	- [x] b

	Type it:

	- [=]
	:::
	EOF
	expect_exit 1 "" "$B" check bad >bad.err &&
	test_grep "^sampan-build: lessons/01.md:22: error: quiz question .Which is right\?. has no right answer" bad.err &&
	test_grep "^sampan-build: lessons/01.md:27: error: quiz question .Which one is right\?. has 2 right answers where one is expected" bad.err &&
	test_grep "^sampan-build: lessons/01.md:32: error: quiz question .Type it:. is a short answer with no accepted answer" bad.err &&
	test_grep "^3 errors, 0 warnings$" bad.err &&
	expect_exit 1 "" "$B" build bad -k key.key -o bad.sampan -q &&
	! test -e bad.sampan
'
test_setup 'built' '
	"$B" build src -k key.key -o quiz.sampan -q &&
	unzip -p quiz.sampan lessons/01.html >01.html
'
test_expect_success 'the page: questions as fieldsets, the key folded, no form, no script' '
	test_grep "<section class=\"quiz\" id=\"quiz-1\"" 01.html &&
	test_equal 3 "$(grep -c "<fieldset class=\"question\"" 01.html)" &&
	test_grep "<details class=\"answer\"><summary>Check your answer</summary>" 01.html &&
	test_grep "<div class=\"feedback\">" 01.html &&
	! grep -qiE "<form|<script|<button" 01.html
'
test_setup 'served' '
	mkdir lib && cp quiz.sampan lib/ &&
	serve_start server lib --trust key.pub --cache "$WORK/cache" &&
	C=${SERVED_URL}c/org.example.quiz/
'
test_expect_success 'sampan-play links its quiz script into the page with a quiz, and serves it' '
	curl -s --max-time 10 "${C}lessons/01.html" >served.html &&
	test_grep "<script src=\"/_sampan/quiz.js\" defer></script>" served.html &&
	curl -s --max-time 10 "${C}lessons/02.html" >plain.html &&
	! grep -q "quiz.js" plain.html &&
	curl -s --max-time 10 -D quiz.h -o quiz.js "${SERVED_URL}_sampan/quiz.js" &&
	test_grep "^HTTP/1.1 200" quiz.h &&
	test_grep -i "^content-type: text/javascript" quiz.h &&
	test_grep "sampanProgress" quiz.js
'
test_done
