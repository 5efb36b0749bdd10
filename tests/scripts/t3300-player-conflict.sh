#!/bin/bash
# t3300-player-conflict.sh - several bundles of one course (format-spec/
# bundle-v1.md, 14.4): two of one version with other content are a conflict
# and neither is served; a byte copy is a copy; an older version is older.
# `list`, the catalog (HTML and JSON) and serve's log give each file the same
# reason in the same words.
source "$(dirname "$0")/../lib/test-lib.sh"
get() { curl -s --max-time 10 "$@"; }
code() { curl -s --max-time 10 -o /dev/null -w '%{http_code}' "$@"; }

conflict_a='conflict: version 2 of org.example.pump is also in pump-b.sampan with other content; none is served until one is removed'
conflict_b='conflict: version 2 of org.example.pump is also in pump-a.sampan with other content; none is served until one is removed'
older='an older version (1) than 2, which is in conflict'
copy='a copy: version 2 is already served from valve-copy.sampan'
declare -A want=([pump-a.sampan]=$conflict_a [pump-b.sampan]=$conflict_b
	[pump-old.sampan]=$older [valve.sampan]=$copy)

test_setup 'two builds of pump version 2, pump version 1, and valve with a copy' '
	"$B" keygen -o k --no-password &&
	for c in pump valve; do
		"$B" init "src/$c" --title "$c" &&
		sed -i "s/^id: .*/id: org.example.$c/; s/^version: .*/version: \"2\"/" "src/$c/course.yml" || return 1
	done &&
	mkdir lib &&
	"$B" build src/pump -k k.key -o lib/pump-a.sampan -q &&
	printf "\nA sentence the other build does not have.\n" >>src/pump/lessons/01-welcome.md &&
	"$B" build src/pump -k k.key -o lib/pump-b.sampan -q &&
	sed -i "s/^version: .*/version: \"1\"/" src/pump/course.yml &&
	"$B" build src/pump -k k.key -o lib/pump-old.sampan -q &&
	"$B" build src/valve -k k.key -o lib/valve.sampan -q &&
	cp lib/valve.sampan lib/valve-copy.sampan
'

# --- list ------------------------------------------------------------------------
test_setup 'list' '"$P" list lib --trust k.pub >list.out 2>list.err'
for f in pump-a.sampan pump-b.sampan pump-old.sampan valve.sampan; do
	test_expect_success "list: $f is refused: ${want[$f]}" "
		test_equal \"REFUSED|\${want[$f]}\" \"\$(awk -F'\t' -v f=$f '\$8 == f { print \$1 \"|\" \$9 }' list.out)\"
	"
done
test_expect_success 'list: only the valve course is OK, from the first of its copies' '
	test_equal "org.example.valve valve-copy.sampan" "$(awk -F"\t" "\$1 == \"OK\" { print \$2 \" \" \$8 }" list.out)"
'

# --- serve: the catalog and the log ---------------------------------------------
test_setup 'served, the catalog read as HTML and as JSON' '
	cp -r lib served &&
	SERVE_LOG=t serve_start server served --trust k.pub --cache "$WORK/cache" &&
	SERVER=$SERVED_PID URL=${SERVED_URL%/} &&
	get "$URL/api/catalog.json" >catalog.json &&
	get "$URL/" >catalog.html &&
	"$PYTHON" - catalog.json >catalog.tsv <<-PY
	import json, sys
	c = json.load(open(sys.argv[1]))
	for r in c["refused"]:
	    print(r["file"] + "\t" + r["reason"])
	for x in c["courses"]:
	    print("served\t" + x["id"])
	PY
'
for f in pump-a.sampan pump-b.sampan pump-old.sampan valve.sampan; do
	test_expect_success "catalog.json: $f is refused with the same reason" "
		test_grep -F -x \"$f	\${want[$f]}\" catalog.tsv
	"
	# the HTML page escapes nothing in these reasons but nothing either
	test_expect_success "the catalog page shows $f with the same reason" "
		test_grep -F \"<code dir=\\\"auto\\\">$f</code> <span dir=\\\"auto\\\">\${want[$f]}</span>\" catalog.html
	"
	test_expect_success "the log names $f with the same reason" "
		test_grep -F -x \"sampan-play: refused served/$f: \${want[$f]}\" server.err
	"
done
test_expect_success 'the catalog does not call these bundles failed' '
	test_grep -v "failed verification" catalog.html
'
test_expect_success 'the catalog serves the valve course only' '
	test_grep -F -x "served	org.example.valve" catalog.tsv
'
test_expect_success 'the pump course in conflict is not served' '
	test_grep -v "served	org.example.pump" catalog.tsv &&
	test_equal 404 "$(code "$URL/c/org.example.pump/")"
'

# --- the wrong build taken away: the other one is served ----------------------
test_expect_success 'once one build is removed, the other is served' '
	cp -r lib resolved &&
	serve_start resolving resolved --trust k.pub --cache "$WORK/cache-resolved" &&
	R=${SERVED_URL%/} &&
	test_equal 404 "$(code "$R/c/org.example.pump/")" &&
	rm resolved/pump-b.sampan && kill -HUP $SERVED_PID &&
	for _ in $(seq $((100 * TAP_SLOW))); do
		[ "$(code "$R/c/org.example.pump/")" = 200 ] && break
		sleep 0.1
	done &&
	test_equal 200 "$(code "$R/c/org.example.pump/")"
'
test_expect_success 'list agrees: pump-a.sampan is OK' '
	cp -r lib listed && rm listed/pump-b.sampan &&
	"$P" list listed --trust k.pub >list2.out 2>&1 &&
	awk -F"\t" "\$1 == \"OK\" && \$8 == \"pump-a.sampan\"" list2.out | grep -q .
'
test_expect_success 'the server stops cleanly' '
	kill -TERM $SERVER && wait $SERVER
'
test_done
