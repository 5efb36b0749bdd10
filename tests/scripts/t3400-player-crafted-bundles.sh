#!/bin/bash
# t3400-player-crafted-bundles.sh - the crafted bundles that the conformance
# vectors lack, made by tests/lib/craft_bundles.py from real signed bundles
# (100,000 entries, 65,000 entries, a signed manifest or signature of another
# bundle), are refused by each of sampan-play's commands with the rule the
# generator names, within bounded time and memory, writing nothing; and a
# course served at one version is not served at a lower one afterwards, even
# after a restart.
source "$(dirname "$0")/../lib/test-lib.sh"
umask 022
# The test's own trust and cache folders: never those of whoever runs the tests.
export XDG_CONFIG_HOME=$WORK/config XDG_CACHE_HOME=$WORK/xdg-cache

MAX_SECONDS=10 # for one command on one crafted bundle, and for a server's first scan
MAX_KB=204800  # 200 MB of resident memory, sanitizer builds included

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
get() { curl -s --max-time 10 "$@"; }
code() { curl -s --max-time 10 -o /dev/null -w '%{http_code}' "$@"; }
# wait_catalog FILE PYTHON-CONDITION: fetch the catalog of $URL into FILE until
# the condition on it (c, the parsed JSON) holds, for up to 15 s.
wait_catalog() {
	for _ in $(seq $((75 * TAP_SLOW))); do
		if get "${URL}api/catalog.json" >"$1" &&
			"$PYTHON" -c 'import json, sys; c = json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' "$1" "$2" 2>/dev/null; then
			return 0
		fi
		sleep 0.2
	done
	head -c 1500 "$1"
	return 1
}
# stops_cleanly NAME: stop the server $SERVER, exit 0, no sanitizer report in NAME.err.
stops_cleanly() {
	kill -TERM $SERVER && wait $SERVER &&
	test_grep -v "Sanitizer|runtime error" "$1.err"
}
# serving NAME FOLDER CACHE: start a server on FOLDER; sets SERVER and URL.
serving() {
	serve_start "$1" "$2" --trust pub.pub --cache "$3" && SERVER=$SERVED_PID URL=$SERVED_URL
}

# --- three real bundles by one trusted key --------------------------------------------
# A at versions 1 and 2 (the same entry names), and B, another course with a
# third lesson, whose manifest thus lists entries that A lacks.
test_setup 'course A at versions 1 and 2, and course B with a third lesson' '
	"$B" keygen -o pub --no-password &&
	"$B" init src/a --title "Crafted A" && sed -i "s/^id: .*/id: org.example.crafted-a/" src/a/course.yml &&
	"$B" build src/a -k pub.key -o a1.sampan -q &&
	sed -i "s/^version: .*/version: \"2\"/" src/a/course.yml &&
	"$B" build src/a -k pub.key -o a2.sampan -q &&
	"$B" init src/b --title "Crafted B" && sed -i "s/^id: .*/id: org.example.crafted-b/" src/b/course.yml &&
	printf "# More\n\nOne more lesson.\n" >src/b/lessons/03-more.md &&
	echo "  - lessons/03-more.md" >>src/b/course.yml &&
	"$B" build src/b -k pub.key -o b.sampan -q
'
for f in a1 a2 b; do
	test_expect_success "the source bundle $f.sampan verifies" "
		expect_exit 0 valid \"\$P\" verify $f.sampan --trust pub.pub
	"
done

# --- the crafted bundles ------------------------------------------------------------------
test_setup 'craft_bundles.py writes the bundles' '
	start=$(date +%s.%N) &&
	"$PYTHON" "$TOP/tests/lib/craft_bundles.py" crafted a1.sampan a2.sampan b.sampan >crafted.list &&
	echo "generated in $(since "$start") s"
'
# What a stock reader finds in them: the generator prints each name, the
# number of entries Python's zipfile reads and the rule expected; the last
# three have the entries of a1.sampan.
test_expect_success "every crafted bundle is a ZIP that Python's zipfile reads, with the entries it should have" '
	n=$("$PYTHON" -c "import sys, zipfile; print(len(zipfile.ZipFile(sys.argv[1]).infolist()))" a1.sampan) &&
	cat >crafted.want <<-EOF &&
	entries-100000-zip64 100000 TOO_MANY_ENTRIES
	entries-100000-wrapped 100000 GAP
	entries-65000 65000 MANIFEST_MISSING
	manifest-of-other-course $n ENTRY_MISSING
	manifest-of-other-version $n DIGEST_MISMATCH
	signature-of-other-manifest $n SIGNATURE_BAD
	EOF
	test_cmp crafted.want crafted.list
'
rule_of() { head -1 "crafted/$1.txt"; }

# --- verify, install, extract: each case, each command ------------------------------------
# refused NAME CMD: run CMD on crafted/NAME.sampan from an empty folder (so that
# anything written beside the target shows): exit 1 with the rule, no sanitizer
# report; its time and memory appended to limits.NAME.
refused() {
	local name=$1 cmd=$2 f=$WORK/crafted/$1.sampan rule rc secs kb
	rule=$(rule_of "$name")
	mkdir -p run/lib run/sandbox
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
	echo "$name: $cmd took ${secs:-?} s, max RSS ${kb:-?} KB" | tee -a "limits.$name"
	cat out
	[ "$rc" -eq 1 ] && grep -q "($rule)" out && ! grep -q 'Sanitizer\|runtime error' out
}
# within_limits NAME: every command on NAME took under MAX_SECONDS and MAX_KB.
within_limits() {
	local name=$1
	[ -s "limits.$name" ] || { for cmd in verify install extract; do refused "$name" $cmd >/dev/null; done; }
	cat "limits.$name"
	awk -v max_s="$MAX_SECONDS" -v max_kb="$MAX_KB" '
		{ s = $(NF - 5); kb = $(NF - 1); if (s == "?" || kb == "?" || s + 0 >= max_s || kb + 0 >= max_kb) bad = 1 }
		END { exit bad }' "limits.$name"
}
for name in $(cut -d' ' -f1 crafted.list); do
	rule=$(rule_of "$name")
	for cmd in verify install extract; do
		test_expect_success "$cmd refuses $name with $rule (exit 1)" "refused $name $cmd"
	done
	test_expect_success "$name: each command under $MAX_SECONDS s and $((MAX_KB / 1024)) MB" "within_limits $name"
done
test_expect_success 'refused installs and extractions wrote nothing in the library or the sandbox' '
	{ test -d run || for name in $(cut -d" " -f1 crafted.list); do
		refused "$name" install >/dev/null; refused "$name" extract >/dev/null; done; } &&
	test_equal "" "$(find run/lib run/sandbox -mindepth 1)"
'
test_expect_success 'nothing appeared beside the targets, nor anywhere in the test folder' '
	{ test -d run || for name in $(cut -d" " -f1 crafted.list); do
		refused "$name" install >/dev/null; refused "$name" extract >/dev/null; done; } &&
	test_equal "lib sandbox " "$(ls -A run | tr "\n" " ")" &&
	test_equal "" "$(find "$WORK" -name "*.tmp*" -o -name "*.html")"
'

# --- serve: all the crafted bundles and a good one in one folder -------------------------
test_setup 'serve starts on the shelf of crafted bundles and a good one' '
	mkdir shelf && cp crafted/*.sampan shelf/ && cp a1.sampan shelf/good.sampan &&
	start=$(date +%s.%N) &&
	serving shelf shelf "$WORK/cache-shelf" &&
	wait_catalog catalog.json "len(c[\"refused\"]) >= $(wc -l <crafted.list) and c[\"courses\"]" &&
	scan_secs=$(since "$start") &&
	scan_kb=$(awk "/^VmHWM/ { print \$2 }" "/proc/$SERVER/status") &&
	echo "serve: catalog complete after $scan_secs s, server max RSS $scan_kb KB"
'
test_expect_success "serve scans the shelf in under $MAX_SECONDS s and $((MAX_KB / 1024)) MB" '
	echo "$scan_secs s, $scan_kb KB" &&
	awk -v s="$scan_secs" -v max="$MAX_SECONDS" "BEGIN { exit !(s < max) }" &&
	test -n "$scan_kb" && test "$scan_kb" -lt "$MAX_KB"
'
check_catalog() {
	"$PYTHON" - catalog.json crafted <<'PY'
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
}
test_expect_success 'the catalog lists each crafted bundle as refused with its rule, and serves the good one' '
	check_catalog
'
test_expect_success 'GET / answers 200 after the scan' 'test_equal 200 "$(code "$URL")"'
test_expect_success 'the good course is served (200)' '
	test_equal 200 "$(code "${URL}c/org.example.crafted-a/")"
'
# A crafted bundle whose manifest says course B must not bring B in.
test_expect_success 'the course named by a borrowed manifest is not served (404)' '
	test_equal 404 "$(code "${URL}c/org.example.crafted-b/")"
'
test_expect_success 'no sanitizer report from the shelf server' '
	test_grep -v "Sanitizer|runtime error" shelf.err
'
test_expect_success 'the shelf server stops cleanly on SIGTERM' '
	stops_cleanly shelf
'

# --- a downgrade across serve ---------------------------------------------------------------
# Version 2 is served, then replaced by version 1, signed by the same key.
# (install's refusal of a downgrade is in t3000-player-commands.sh.)
served_v2='[(x["id"], x["version"]) for x in c["courses"]] == [("org.example.crafted-a", "2")]'
downgrade_refused='not c["courses"] and [(r["file"], r["rule"], r["reason"]) for r in c["refused"]] == [("a-1.sampan", None, "downgrade: version 1 is older than 2, seen before")]'
# downgraded NAME: a folder NAME served at version 2, then holding version 1 only, rescanned.
downgraded() {
	mkdir "$1" && cp a2.sampan "$1/a-2.sampan" &&
	serving "$1" "$1" "$WORK/cache-$1" &&
	wait_catalog "$1.json" "$served_v2" &&
	rm "$1/a-2.sampan" && cp a1.sampan "$1/a-1.sampan" &&
	kill -HUP $SERVER &&
	wait_catalog "$1.json" "$downgrade_refused"
}
test_expect_success 'serve serves version 2' '
	mkdir dg2 && cp a2.sampan dg2/a-2.sampan &&
	serving dg2 dg2 "$WORK/cache-dg2" &&
	wait_catalog dg2.json "$served_v2" &&
	stops_cleanly dg2
'
test_expect_success 'version 1 put in place of version 2 is refused as a downgrade' '
	downgraded dg && stops_cleanly dg
'
test_expect_success 'the downgraded course is not served (404)' '
	downgraded dg3 &&
	test_equal 404 "$(code "${URL}c/org.example.crafted-a/")" &&
	stops_cleanly dg3
'
test_expect_success 'GET / answers 200 after the downgrade' '
	downgraded dg6 && test_equal 200 "$(code "$URL")" && stops_cleanly dg6
'
test_expect_success 'after a restart with the same cache, version 1 is still refused as a downgrade' '
	downgraded dg4 && stops_cleanly dg4 &&
	serving dg4-again dg4 "$WORK/cache-dg4" &&
	wait_catalog dg4.json "$downgrade_refused" &&
	stops_cleanly dg4-again
'
# The control: with no memory of version 2, version 1 is served.
test_expect_success 'with a fresh cache, version 1 is served' '
	downgraded dg5 && stops_cleanly dg5 &&
	serving dg5-fresh dg5 "$WORK/cache-fresh" &&
	wait_catalog dg5.json "[(x[\"id\"], x[\"version\"]) for x in c[\"courses\"]] == [(\"org.example.crafted-a\", \"1\")] and not c[\"refused\"]" &&
	stops_cleanly dg5-fresh
'
test_done
