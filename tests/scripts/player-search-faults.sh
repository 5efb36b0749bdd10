#!/bin/bash
# player-search-faults.sh - the search index under faults: sampan-play killed
# with SIGKILL in the middle of indexing, then restarted; the index's disk
# full (a file size limit) while it is written, then room again.  Every
# course is in the index whole or not at all, serving never stops, and the
# index ends complete.  Prints TAP.
source "$(dirname "$0")/../lib/tap.sh"
B=$SAMPAN_BUILD
P=$BUILD_DIR/sampan-play
cd "$WORK" || exit 1

# --- courses with much text, so that indexing them takes a while ---------------
N=40
"$B" keygen -o key --no-password >/dev/null
"$B" init src --title "Fault course" >/dev/null
mkdir lib
"$PYTHON" - src/lessons/01-welcome.md <<'PY'
import sys
words = "pump impeller bearing seal valve pressure voltage breaker isolator wire".split()
with open(sys.argv[1], "a", encoding="utf-8") as f:
    for j in range(400):
        f.write(f"\n## Section {j}\n\n" + " ".join(words[(j + k) % 10] for k in range(60)) + f" marker{j}\n")
PY
for i in $(seq -w 1 $N); do
	sed -i "s/^id: .*/id: org.test.fault.c$i/" src/course.yml
	"$B" build src -k key.key -o "lib/c$i.sampan" -q
done
# The sections each course's search text holds, as the index must hold them.
EXPECTED=$("$PYTHON" - lib <<'PY'
import os, sys, zipfile
counts = set()
for name in os.listdir(sys.argv[1]):
    with zipfile.ZipFile(os.path.join(sys.argv[1], name)) as z:
        counts.add(len(z.read("META-INF/search.txt").decode().splitlines()) - 1)
assert len(counts) == 1, counts
print(counts.pop())
PY
)

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

# --- SIGKILL while indexing, then a restart ------------------------------------
serve_start first lib --trust key.pub --cache "$WORK/cache"
killed=
for _ in $(seq $((2000 * TAP_SLOW))); do
	p=$(progress "$SERVED_URL")
	if [ -n "$p" ] && [ "${p% *}" -gt 0 ] && [ "${p% *}" -lt "${p#* }" ]; then
		kill -KILL "$SERVED_PID"
		killed=${p% *}
		break
	fi
	sleep 0.01
done
wait "$SERVED_PID" 2>/dev/null
if [ -n "$killed" ]; then ok "sampan-play killed with SIGKILL while indexing ($killed of $N courses in)"; else not_ok "killed while indexing" "indexing was never seen in progress: $(progress "$SERVED_URL")"; fi
if r=$(whole cache 2>&1); then ok "after the kill every course in the index is whole ($r: courses, sections)"; else not_ok "after the kill every course in the index is whole" "$r"; fi
serve_start second lib --trust key.pub --cache "$WORK/cache"
trap 'kill $SERVED_PID 2>/dev/null; rm -rf "$WORK"' EXIT
check "restarted, it indexes the rest" wait_indexed "$SERVED_URL"
if r=$(whole cache 2>&1) && [ "${r% *}" = "$N" ]; then ok "then all $N courses are indexed, each whole ($r)"; else not_ok "then all courses are indexed, each whole" "$r"; fi
hits=$(get "${SERVED_URL}api/search.json?q=marker399&filter=en" | "$PYTHON" -c 'import json,sys; d=json.load(sys.stdin); print(len(d["results"]), d["more"])')
[ "$hits" = "10 True" ] && ok "a word of every course's last section is found (ten and more)" || not_ok "a word of every course's last section is found" "$hits"
kill "$SERVED_PID"
wait "$SERVED_PID" 2>/dev/null

# --- the index's disk full while it is written, then room again ----------------
rm -rf cache
mkdir cache
# A file size limit stands for a full disk: writes past 2 MB fail with EFBIG.
(
	trap '' XFSZ
	ulimit -S -f 2000
	exec "$P" serve lib --bind 127.0.0.1 --port 0 --trust key.pub --cache "$WORK/cache" -q
) >full.out 2>full.err &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$WORK"' EXIT
url=
for _ in $(seq $((100 * TAP_SLOW))); do
	url=$(sed -n 's/^Serving at //p' full.out | head -1)
	[ -n "$url" ] && break
	sleep 0.1
done
for _ in $(seq $((100 * TAP_SLOW))); do
	grep -q 'cannot write the search index' full.err && break
	sleep 0.1
done
if grep -q 'cannot write the search index' full.err; then ok "a full disk: the indexer says it cannot write the index"; else not_ok "a full disk: the indexer says it cannot write the index" "$(head -c 600 full.err)"; fi
p=$(progress "$url")
[ -n "$p" ] && [ "${p% *}" -lt "$N" ] && ok "only part of the library is indexed ($p)" || not_ok "only part of the library is indexed" "$p"
c1=$(curl -s -o /dev/null -w '%{http_code}' "$url")
c2=$(curl -s -o /dev/null -w '%{http_code}' "${url}c/org.test.fault.c01/lessons/01-welcome.html")
c3=$(curl -s -o /dev/null -w '%{http_code}' "${url}search?q=marker1")
[ "$c1$c2$c3" = 200200200 ] && ok "the catalog, lessons and search keep answering 200" || not_ok "serving goes on with the disk full" "$c1 $c2 $c3"
if r=$(whole cache 2>&1); then ok "what was indexed is whole ($r)"; else not_ok "what was indexed is whole" "$r"; fi
# Room again: the indexer tries once more within its retry delay.
if command -v prlimit >/dev/null && prlimit --pid "$pid" --fsize=unlimited 2>/dev/null; then
	check "room again: the index is completed within 30 s" wait_indexed "$url"
	if r=$(whole cache 2>&1) && [ "${r% *}" = "$N" ]; then ok "and every course is whole ($r)"; else not_ok "and every course is whole" "$r"; fi
else
	not_ok "room again: prlimit could not lift the limit" "prlimit missing or not permitted"
fi
kill "$pid"
wait "$pid" 2>/dev/null
if grep -qi 'sanitizer\|runtime error' first.err second.err full.err; then
	not_ok "no sanitizer report" "$(grep -i -A5 'sanitizer\|runtime error' first.err second.err full.err | head -20)"
else
	ok "no sanitizer report"
fi
done_testing
