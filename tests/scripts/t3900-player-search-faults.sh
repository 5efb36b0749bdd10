#!/bin/bash
# t3900-player-search-faults.sh - the search index under faults: sampan-play
# killed with SIGKILL in the middle of indexing, then restarted; the index's
# disk full (a file size limit) while it is written, then room again.  Every
# course is in the index whole or not at all, serving never stops, and the
# index ends complete.
source "$(dirname "$0")/../lib/test-lib.sh"
N=40

# whole CACHE: every course in the index holds all its sections: prints "courses rows"
whole() {
	"$PYTHON" - "$1/search.db" "$EXPECTED" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
per = db.execute("SELECT b.course, count(p.id) FROM bundles b LEFT JOIN passages_content p"
                 " ON p.c2 = b.id GROUP BY b.id").fetchall()
bad = [(c, n) for c, n in per if n != int(sys.argv[2])]
assert not bad, f"courses indexed in part: {bad[:5]}"
print(len(per), sum(n for _, n in per))
PY
}
get() { curl -s --max-time 10 "$@"; }
progress() { get "${1}api/search.json?q=x" | "$PYTHON" -c 'import json,sys; d=json.load(sys.stdin); print(d["indexed"], d["courses"])' 2>/dev/null; }
wait_indexed() {
	local p
	for _ in $(seq $((300 * TAP_SLOW))); do
		p=$(progress "$1")
		[ -n "$p" ] && [ "${p% *}" = "${p#* }" ] && [ "${p#* }" -gt 0 ] && return 0
		sleep 0.1
	done
	echo "still at: $p"
	return 1
}

# --- courses with much text, so that indexing them takes a while ---------------
test_setup "$N courses with much text" '
	"$B" keygen -o key --no-password &&
	"$B" init src --title "Fault course" &&
	mkdir lib &&
	"$PYTHON" - src/lessons/01-welcome.md <<-PY &&
	import sys
	words = "pump impeller bearing seal valve pressure voltage breaker isolator wire".split()
	with open(sys.argv[1], "a", encoding="utf-8") as f:
	    for j in range(400):
	        f.write(f"\n## Section {j}\n\n" + " ".join(words[(j + k) % 10] for k in range(60)) + f" marker{j}\n")
	PY
	for i in $(seq -w 1 $N); do
		sed -i "s/^id: .*/id: org.test.fault.c$i/" src/course.yml &&
		"$B" build src -k key.key -o "lib/c$i.sampan" -q || return 1
	done &&
	# The sections each course search text holds, as the index must hold them.
	EXPECTED=$("$PYTHON" - lib <<-PY
	import os, sys, zipfile
	counts = set()
	for name in os.listdir(sys.argv[1]):
	    with zipfile.ZipFile(os.path.join(sys.argv[1], name)) as z:
	        counts.add(len(z.read("META-INF/search.txt").decode().splitlines()) - 1)
	assert len(counts) == 1, counts
	print(counts.pop())
	PY
	) && test -n "$EXPECTED"
'

# --- SIGKILL while indexing, then a restart ------------------------------------
test_setup 'sampan-play killed with SIGKILL while indexing' '
	serve_start first lib --trust key.pub --cache "$WORK/cache" &&
	killed= &&
	for _ in $(seq $((2000 * TAP_SLOW))); do
		p=$(progress "$SERVED_URL")
		if [ -n "$p" ] && [ "${p% *}" -gt 0 ] && [ "${p% *}" -lt "${p#* }" ]; then
			kill -KILL "$SERVED_PID"
			killed=${p% *}
			break
		fi
		sleep 0.01
	done;
	wait "$SERVED_PID";
	echo "$killed of $N courses in" && test -n "$killed"
'
test_expect_success 'after the kill every course in the index is whole' 'whole cache'
test_setup 'restarted on the same cache' '
	cp -r cache cache-after &&
	serve_start second lib --trust key.pub --cache "$WORK/cache-after" && SECOND=$SERVED_URL
'
test_expect_success 'restarted, it indexes the rest' 'wait_indexed "$SECOND"'
test_expect_success 'then all courses are indexed, each whole' '
	wait_indexed "$SECOND" && r=$(whole cache-after) && echo "$r" && test_equal "$N" "${r% *}"
'
test_expect_success "a word of every course's last section is found (ten and more)" '
	wait_indexed "$SECOND" &&
	hits=$(get "${SECOND}api/search.json?q=marker399&filter=en" | "$PYTHON" -c "import json,sys; d=json.load(sys.stdin); print(len(d[\"results\"]), d[\"more\"])") &&
	test_equal "10 True" "$hits"
'

# --- the index's disk full while it is written, then room again ----------------
# A file size limit stands for a full disk: writes past 2 MB fail with EFBIG.
test_setup 'a server whose index cannot grow past 2 MB' '
	mkdir full-cache &&
	{ (
		trap "" XFSZ
		ulimit -S -f 2000
		exec "$P" serve lib --bind 127.0.0.1 --port 0 --trust key.pub --cache "$WORK/full-cache" -q
	) >full.out 2>full.err & FULL=$!; } &&
	test_at_end "kill $FULL" &&
	url= &&
	for _ in $(seq $((100 * TAP_SLOW))); do
		url=$(sed -n "s/^Serving at //p" full.out | head -1)
		[ -n "$url" ] && break
		sleep 0.1
	done &&
	for _ in $(seq $((100 * TAP_SLOW))); do
		grep -q "cannot write the search index" full.err && break
		sleep 0.1
	done;
	test -n "$url"
'
test_expect_success 'a full disk: the indexer says it cannot write the index' '
	test_grep "cannot write the search index" full.err
'
test_expect_success 'only part of the library is indexed' '
	p=$(progress "$url") && echo "$p" && test -n "$p" && test "${p% *}" -lt "$N"
'
test_expect_success 'the catalog, lessons and search keep answering 200' '
	c1=$(curl -s -o /dev/null -w "%{http_code}" "$url") &&
	c2=$(curl -s -o /dev/null -w "%{http_code}" "${url}c/org.test.fault.c01/lessons/01-welcome.html") &&
	c3=$(curl -s -o /dev/null -w "%{http_code}" "${url}search?q=marker1") &&
	test_equal 200200200 "$c1$c2$c3"
'
test_expect_success 'what was indexed is whole' 'whole full-cache'
# Room again: the indexer tries once more within its retry delay.
test_expect_success 'room again: the index is completed within 30 s' '
	prlimit --pid "$FULL" --fsize=unlimited && wait_indexed "$url"
'
test_expect_success 'and every course is whole' '
	prlimit --pid "$FULL" --fsize=unlimited && wait_indexed "$url" &&
	r=$(whole full-cache) && echo "$r" && test_equal "$N" "${r% *}"
'
test_expect_success 'no sanitizer report' '
	kill $FULL && wait $FULL;
	test_grep -v -i "sanitizer|runtime error" first.err &&
	test_grep -v -i "sanitizer|runtime error" second.err &&
	test_grep -v -i "sanitizer|runtime error" full.err
'
test_done
