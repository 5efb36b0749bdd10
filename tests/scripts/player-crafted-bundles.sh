#!/bin/bash
# player-crafted-bundles.sh - the crafted bundles that the conformance vectors
# lack, made by tests/lib/craft_bundles.py from real signed bundles (100,000
# entries, 65,000 entries, a signed manifest or signature of another bundle),
# are refused by each of sampan-play's commands with the rule the generator
# names, within bounded time and memory, writing nothing; and a course served
# at one version is not served at a lower one afterwards, even after a
# restart.  Prints TAP.
source "$(dirname "$0")/../lib/tap.sh"
B=$SAMPAN_BUILD
P=$BUILD_DIR/sampan-play
cd "$WORK" || exit 1
umask 022
# The test's own trust and cache folders: never those of whoever runs the tests.
export XDG_CONFIG_HOME=$WORK/config XDG_CACHE_HOME=$WORK/xdg-cache

MAX_SECONDS=10 # for one command on one crafted bundle, and for a server's first scan
MAX_KB=204800  # 200 MB of resident memory, sanitizer builds included

SERVER=
trap 'if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null; fi; rm -rf "$WORK"' EXIT

# since START: the seconds since START, a value of date +%s.%N.
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'; }

# measured FILE COMMAND...: run the command; write its wall time in seconds
# and its maximum resident set size in KB to FILE; exit with its status.
measured() {
	"$PYTHON" -c '
import resource, subprocess, sys, time
start = time.monotonic()
rc = subprocess.call(sys.argv[2:])
with open(sys.argv[1], "w") as f:
    f.write("%.2f %d\n" % (time.monotonic() - start,
                            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(rc)' "$@"
}

# sanitizer_free DESCRIPTION FILE...: ok when no file holds a sanitizer report.
sanitizer_free() {
	local desc=$1
	shift
	if grep -q 'Sanitizer\|runtime error' "$@"; then
		not_ok "$desc" "$(grep -h -m3 'Sanitizer\|runtime error' "$@")"
	else
		ok "$desc"
	fi
}

# --- three real bundles by one trusted key --------------------------------------------
# A at versions 1 and 2 (the same entry names), and B, another course with a
# third lesson, whose manifest thus lists entries that A lacks.
"$B" keygen -o pub --no-password >/dev/null
"$B" init "$WORK/src/a" --title "Crafted A" >/dev/null
sed -i 's/^id: .*/id: org.example.crafted-a/' src/a/course.yml
"$B" build src/a -k pub.key -o a1.sampan -q
sed -i 's/^version: .*/version: "2"/' src/a/course.yml
"$B" build src/a -k pub.key -o a2.sampan -q
"$B" init "$WORK/src/b" --title "Crafted B" >/dev/null
sed -i 's/^id: .*/id: org.example.crafted-b/' src/b/course.yml
printf '# More\n\nOne more lesson.\n' >src/b/lessons/03-more.md
echo '  - lessons/03-more.md' >>src/b/course.yml
"$B" build src/b -k pub.key -o b.sampan -q
for f in a1 a2 b; do
	expect_exit 0 'valid' "the source bundle $f.sampan verifies" "$P" verify $f.sampan --trust pub.pub
done

# --- the crafted bundles ------------------------------------------------------------------
start=$(date +%s.%N)
if "$PYTHON" "$TOP/tests/lib/craft_bundles.py" crafted a1.sampan a2.sampan b.sampan >crafted.list 2>crafted.err; then
	ok "craft_bundles.py wrote $(wc -l <crafted.list) bundles"
else
	not_ok "craft_bundles.py wrote the bundles" "$(tail -5 crafted.err)"
fi
echo "# generated in $(since "$start") s"
# What a stock reader finds in them: the generator prints each name, the
# number of entries Python's zipfile reads and the rule expected; the last
# three have the entries of a1.sampan.
n=$("$PYTHON" -c 'import sys, zipfile; print(len(zipfile.ZipFile(sys.argv[1]).infolist()))' a1.sampan)
expected="entries-100000-zip64 100000 TOO_MANY_ENTRIES
entries-100000-wrapped 100000 GAP
entries-65000 65000 MANIFEST_MISSING
manifest-of-other-course $n ENTRY_MISSING
manifest-of-other-version $n DIGEST_MISMATCH
signature-of-other-manifest $n SIGNATURE_BAD"
if [ "$(cat crafted.list)" = "$expected" ]; then
	ok "every crafted bundle is a ZIP that Python's zipfile reads, with the entries it should have"
else
	not_ok "every crafted bundle is a ZIP that Python's zipfile reads, with the entries it should have" "got: $(tr '\n' ';' <crafted.list)" "expected: $(echo "$expected" | tr '\n' ';')"
fi
mapfile -t CASES < <(cut -d' ' -f1 crafted.list)
rule_of() { head -1 "crafted/$1.txt"; }

# --- verify, install, extract: each case, each command ------------------------------------
# Run from an empty folder, so that anything written beside the target shows.
mkdir run run/lib run/sandbox
for name in "${CASES[@]}"; do
	rule=$(rule_of "$name")
	f=$WORK/crafted/$name.sampan
	worst_s=0 worst_kb=0 worst_cmd=
	for cmd in verify install extract; do
		case $cmd in
		verify) set -- verify "$f" ;;
		install) set -- install "$f" --library lib ;;
		extract) set -- extract "$f" sandbox/x ;;
		esac
		rm -f time.out
		(cd run && measured "$WORK/time.out" "$P" "$@" --trust "$WORK/pub.pub" >"$WORK/out" 2>&1)
		rc=$?
		secs='' kb=''
		[ -e time.out ] && read -r secs kb <time.out
		secs=${secs:-unknown} kb=${kb:-unknown}
		echo "# $name: $cmd took $secs s, max RSS $kb KB"
		if [ "$rc" -ne 1 ] || ! grep -q "($rule)" out; then
			not_ok "$cmd refuses $name with $rule (exit 1)" "exit $rc: $(head -c 600 out)"
		elif grep -q 'Sanitizer\|runtime error' out; then
			not_ok "$cmd refuses $name with $rule without a sanitizer report" "$(grep -m3 'Sanitizer\|runtime error' out)"
		else
			ok "$cmd refuses $name with $rule (exit 1)"
		fi
		if awk -v s="$secs" -v w="$worst_s" 'BEGIN { exit !(s > w) }'; then worst_s=$secs worst_cmd=$cmd; fi
		case $kb in '' | *[!0-9]*) worst_kb=$MAX_KB ;; *) [ "$kb" -gt "$worst_kb" ] && worst_kb=$kb ;; esac
	done
	if awk -v s="$worst_s" -v max="$MAX_SECONDS" 'BEGIN { exit !(s < max) }' && [ "$worst_kb" -lt "$MAX_KB" ]; then
		ok "$name: each command under $MAX_SECONDS s and $((MAX_KB / 1024)) MB (at most $worst_s s, $worst_kb KB)"
	else
		not_ok "$name: each command under $MAX_SECONDS s and $((MAX_KB / 1024)) MB" "the slowest, $worst_cmd, took $worst_s s; the largest max RSS was $worst_kb KB"
	fi
done
if [ -z "$(find run/lib run/sandbox -mindepth 1)" ]; then
	ok "refused installs and extractions wrote nothing in the library or the sandbox"
else
	not_ok "refused installs and extractions wrote nothing in the library or the sandbox" "$(find run/lib run/sandbox -mindepth 1 | head -20)"
fi
if [ "$(ls -A run)" = "$(printf 'lib\nsandbox')" ] && [ -z "$(find "$WORK" -name '*.tmp*' -o -name '*.html')" ]; then
	ok "nothing appeared beside the targets, nor anywhere in the test folder"
else
	not_ok "nothing appeared beside the targets, nor anywhere in the test folder" "$(ls -A run | tr '\n' ' ')" "$(find "$WORK" -name '*.tmp*' -o -name '*.html' | head)"
fi

# --- serve: all the crafted bundles and a good one in one folder -------------------------
get() { curl -s --max-time 10 "$@"; }
code() { curl -s --max-time 10 -o /dev/null -w '%{http_code}' "$@"; }
stop_server() { # NAME: stop the server, expect exit 0 and no sanitizer report
	kill -TERM "$SERVER" 2>/dev/null
	wait "$SERVER"
	local rc=$?
	SERVER=
	if [ "$rc" -eq 0 ]; then ok "the $1 server stops cleanly on SIGTERM"; else not_ok "the $1 server stops cleanly on SIGTERM" "exit $rc: $(tail -c 1000 "$1.err")"; fi
	sanitizer_free "no sanitizer report from the $1 server" "$1.err"
}
# wait_catalog FILE PYTHON-CONDITION: fetch the catalog into FILE until the
# condition on it (c, the parsed JSON) holds, for up to 15 s.
wait_catalog() {
	for _ in $(seq $((75 * TAP_SLOW))); do
		if get "${URL}api/catalog.json" >"$1" &&
			"$PYTHON" -c 'import json, sys; c = json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' "$1" "$2" 2>/dev/null; then
			return 0
		fi
		sleep 0.2
	done
	return 1
}

mkdir shelf
cp crafted/*.sampan shelf/
cp a1.sampan shelf/good.sampan
start=$(date +%s.%N)
serve_start shelf shelf --trust pub.pub --cache "$WORK/cache-shelf"
SERVER=$SERVED_PID URL=$SERVED_URL
if [ -n "$URL" ]; then ok "serve starts on the shelf of crafted bundles"; else not_ok "serve starts on the shelf of crafted bundles" "$(tail -c 1000 shelf.err)"; fi
wait_catalog catalog.json "len(c['refused']) >= ${#CASES[@]} and c['courses']"
secs=$(since "$start")
kb=$(awk '/^VmHWM/ { print $2 }' "/proc/$SERVER/status" 2>/dev/null)
echo "# serve: catalog complete after $secs s, server max RSS ${kb:-?} KB"
if awk -v s="$secs" -v max="$MAX_SECONDS" 'BEGIN { exit !(s < max) }' && [ -n "$kb" ] && [ "$kb" -lt "$MAX_KB" ]; then
	ok "serve scans the shelf in under $MAX_SECONDS s and $((MAX_KB / 1024)) MB ($secs s, $kb KB)"
else
	not_ok "serve scans the shelf in under $MAX_SECONDS s and $((MAX_KB / 1024)) MB" "$secs s, max RSS ${kb:-unknown} KB"
fi
if "$PYTHON" - catalog.json crafted >serve.out 2>&1 <<'PY'; then
import json, os, sys
c = json.load(open(sys.argv[1]))
refused = {r["file"]: r for r in c["refused"]}
wrong = []
for name in sorted(os.listdir(sys.argv[2])):
    if not name.endswith(".sampan"):
        continue
    rule = open(os.path.join(sys.argv[2], name[:-7] + ".txt")).readline().strip()
    r = refused.pop(name, None)
    if not r or r["rule"] != rule or rule not in r["reason"]:
        wrong.append("%s: expected %s, got %s" % (name, rule, r))
courses = [(x["id"], x["version"]) for x in c["courses"]]
if courses != [("org.example.crafted-a", "1")]:
    wrong.append("served: %s, expected the good bundle alone" % courses)
if refused:
    wrong.append("also refused: %s" % refused)
print("\n".join(wrong))
sys.exit(1 if wrong else 0)
PY
	ok "the catalog lists each crafted bundle as refused with its rule, and serves the good one"
else
	not_ok "the catalog lists each crafted bundle as refused with its rule, and serves the good one" "$(head -20 serve.out)" "$(head -c 1500 catalog.json)"
fi
status=$(code "$URL")
if [ "$status" = 200 ]; then ok "GET / answers 200 after the scan"; else not_ok "GET / answers 200 after the scan" "status $status"; fi
status=$(code "${URL}c/org.example.crafted-a/")
if [ "$status" = 200 ]; then ok "the good course is served (200)"; else not_ok "the good course is served (200)" "status $status"; fi
# A crafted bundle whose manifest says course B must not bring B in.
status=$(code "${URL}c/org.example.crafted-b/")
if [ "$status" = 404 ]; then ok "the course named by a borrowed manifest is not served (404)"; else not_ok "the course named by a borrowed manifest is not served (404)" "status $status"; fi
stop_server shelf

# --- a downgrade across serve ---------------------------------------------------------------
# Version 2 is served, then replaced by version 1, signed by the same key.
# (install's refusal of a downgrade is in player-commands.sh.)
mkdir dg
cp a2.sampan dg/a-2.sampan
serve_start dg dg --trust pub.pub --cache "$WORK/cache-dg"
SERVER=$SERVED_PID URL=$SERVED_URL
if wait_catalog dg.json "[(x['id'], x['version']) for x in c['courses']] == [('org.example.crafted-a', '2')]"; then
	ok "serve serves version 2"
else
	not_ok "serve serves version 2" "$(head -c 1500 dg.json)" "$(tail -c 500 dg.err)"
fi
rm dg/a-2.sampan
cp a1.sampan dg/a-1.sampan
kill -HUP "$SERVER"
downgrade_refused="not c['courses'] and [(r['file'], r['rule'], r['reason']) for r in c['refused']] == [('a-1.sampan', None, 'downgrade: version 1 is older than 2, seen before')]"
if wait_catalog dg.json "$downgrade_refused"; then
	ok "version 1 put in place of version 2 is refused as a downgrade"
else
	not_ok "version 1 put in place of version 2 is refused as a downgrade" "$(head -c 1500 dg.json)"
fi
status=$(code "${URL}c/org.example.crafted-a/")
if [ "$status" = 404 ]; then ok "the downgraded course is not served (404)"; else not_ok "the downgraded course is not served (404)" "status $status"; fi
status=$(code "$URL")
if [ "$status" = 200 ]; then ok "GET / answers 200 after the downgrade"; else not_ok "GET / answers 200 after the downgrade" "status $status"; fi
stop_server dg
serve_start dg-again dg --trust pub.pub --cache "$WORK/cache-dg"
SERVER=$SERVED_PID URL=$SERVED_URL
if wait_catalog dg.json "$downgrade_refused"; then
	ok "after a restart with the same cache, version 1 is still refused as a downgrade"
else
	not_ok "after a restart with the same cache, version 1 is still refused as a downgrade" "$(head -c 1500 dg.json)"
fi
stop_server dg-again
# The control: with no memory of version 2, version 1 is served.
serve_start dg-fresh dg --trust pub.pub --cache "$WORK/cache-fresh"
SERVER=$SERVED_PID URL=$SERVED_URL
if wait_catalog dg.json "[(x['id'], x['version']) for x in c['courses']] == [('org.example.crafted-a', '1')] and not c['refused']"; then
	ok "with a fresh cache, version 1 is served"
else
	not_ok "with a fresh cache, version 1 is served" "$(head -c 1500 dg.json)"
fi
stop_server dg-fresh
done_testing
