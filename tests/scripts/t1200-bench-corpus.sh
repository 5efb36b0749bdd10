#!/bin/bash
# t1200-bench-corpus.sh - the benchmarks' corpus stays valid as the builder
# changes: bench/corpus.py makes the same bytes twice, every course (one per
# script) checks with no error or warning and builds, and the bench scripts
# parse.  Nothing here is timed: `make bench` measures.
source "$(dirname "$0")/../lib/test-lib.sh"

test_setup 'corpus.py makes seven courses, and a key' '
	"$PYTHON" "$TOP/bench/corpus.py" a --courses 7 --video-mb 1 &&
	"$B" keygen -o key --no-password
'
test_expect_success 'corpus.py makes the same bytes twice' '
	"$PYTHON" "$TOP/bench/corpus.py" b --courses 7 --video-mb 1 &&
	diff -r a b
'
test_expect_success 'corpus.py numbers courses from --first' '
	"$PYTHON" "$TOP/bench/corpus.py" c --first 1001 --courses 2
'
test_expect_success '--first 1001 --courses 2 makes c1001 and c1002' '
	"$PYTHON" "$TOP/bench/corpus.py" e --first 1001 --courses 2 &&
	test -d e/c1001 && test -d e/c1002 && test ! -e e/c1003
'
test_expect_success 'corpus.py refuses more than 600 courses' '
	expect_exit 2 courses "$PYTHON" "$TOP/bench/corpus.py" d --courses 601
'
test_expect_success "course 1's video has the size asked for" '
	test_equal 1000000 "$(stat -c %s a/c0001/media/video.mp4)"
'
# one course per script, in corpus.py's order
langs=(th zh-Hans km vi en lo my)
for n in 1 2 3 4 5 6 7; do
	name="c000$n"
	lang=${langs[$((n - 1))]}
	test_expect_success "$name ($lang): the corpus gives it its language" "
		test_grep '^language: $lang\$' a/$name/course.yml
	"
	test_expect_success "$name ($lang): check finds nothing" "
		expect_exit 0 '^0 errors, 0 warnings' \"\$B\" check a/$name
	"
	test_expect_success "$name ($lang): builds" "
		\"\$B\" build a/$name -k key.key -o $name.sampan -q
	"
done
for script in "$TOP"/bench/*.sh; do
	test_expect_success "$(basename "$script") parses" "bash -n '$script'"
done
for script in "$TOP"/bench/*.py; do
	test_expect_success "$(basename "$script") compiles" "
		\"\$PYTHON\" -c 'import ast, sys; ast.parse(open(sys.argv[1]).read())' '$script'
	"
done
test_done
