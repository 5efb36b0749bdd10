#!/bin/bash
# bench-corpus.sh - the benchmarks' corpus stays valid as the builder changes:
# bench/corpus.py makes the same bytes twice, every course (one per script)
# checks with no error or warning and builds, and the bench scripts parse.
# Nothing here is timed: `make bench` measures.  Prints TAP.
source "$(dirname "$0")/../lib/tap.sh"
B=$SAMPAN_BUILD

check "corpus.py makes seven courses" "$PYTHON" "$TOP/bench/corpus.py" "$WORK/a" --courses 7 --video-mb 1
"$PYTHON" "$TOP/bench/corpus.py" "$WORK/b" --courses 7 --video-mb 1
check "corpus.py makes the same bytes twice" diff -r "$WORK/a" "$WORK/b"
check "corpus.py numbers courses from --first" "$PYTHON" "$TOP/bench/corpus.py" "$WORK/c" --first 1001 --courses 2
if [ -d "$WORK/c/c1001" ] && [ -d "$WORK/c/c1002" ] && [ ! -e "$WORK/c/c1003" ]; then
	ok "--first 1001 --courses 2 makes c1001 and c1002"
else
	not_ok "--first 1001 --courses 2 makes c1001 and c1002" "$(ls "$WORK/c")"
fi
expect_exit 2 'courses' "corpus.py refuses more than 600 courses" "$PYTHON" "$TOP/bench/corpus.py" "$WORK/d" --courses 601
if [ "$(stat -c %s "$WORK/a/c0001/media/video.mp4")" = 1000000 ]; then
	ok "course 1's video has the size asked for"
else
	not_ok "course 1's video has the size asked for" "$(stat -c %s "$WORK/a/c0001/media/video.mp4")"
fi
"$B" keygen -o "$WORK/key" --no-password >/dev/null
for dir in "$WORK"/a/c*; do
	name=$(basename "$dir")
	lang=$(sed -n 's/^language: //p' "$dir/course.yml")
	expect_exit 0 '^0 errors, 0 warnings' "$name ($lang): check finds nothing" "$B" check "$dir"
	check "$name ($lang): builds" "$B" build "$dir" -k "$WORK/key.key" -o "$WORK/$name.sampan" -q
done
for script in "$TOP"/bench/*.sh; do
	check "$(basename "$script") parses" bash -n "$script"
done
for script in "$TOP"/bench/*.py; do
	check "$(basename "$script") compiles" "$PYTHON" -c 'import ast, sys; ast.parse(open(sys.argv[1]).read())' "$script"
done
done_testing
