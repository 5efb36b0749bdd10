#!/bin/bash
# player-conflict.sh - several bundles of one course (format-spec/bundle-v1.md,
# 14.4): two of one version with other content are a conflict and neither is
# served; a byte copy is a copy; an older version is older.  `list`, the
# catalog (HTML and JSON) and serve's log give each file the same reason in
# the same words.  Prints TAP.
source "$(dirname "$0")/../lib/tap.sh"
P=$BUILD_DIR/sampan-play
B=$SAMPAN_BUILD
SERVER=
trap 'if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null; fi; rm -rf "$WORK"' EXIT
cd "$WORK" || exit 1
get() { curl -s --max-time 10 "$@"; }
code() { curl -s --max-time 10 -o /dev/null -w '%{http_code}' "$@"; }

"$B" keygen -o k --no-password >/dev/null
for c in pump valve; do
	"$B" init "src/$c" --title "$c" >/dev/null
	sed -i "s/^id: .*/id: org.example.$c/; s/^version: .*/version: \"2\"/" "src/$c/course.yml"
done
mkdir lib
"$B" build src/pump -k k.key -o lib/pump-a.sampan -q
printf '\nA sentence the other build does not have.\n' >>src/pump/lessons/01-welcome.md
"$B" build src/pump -k k.key -o lib/pump-b.sampan -q
sed -i 's/^version: .*/version: "1"/' src/pump/course.yml
"$B" build src/pump -k k.key -o lib/pump-old.sampan -q
"$B" build src/valve -k k.key -o lib/valve.sampan -q
cp lib/valve.sampan lib/valve-copy.sampan

conflict_a='conflict: version 2 of org.example.pump is also in pump-b.sampan with other content; none is served until one is removed'
conflict_b='conflict: version 2 of org.example.pump is also in pump-a.sampan with other content; none is served until one is removed'
older='an older version (1) than 2, which is in conflict'
copy='a copy: version 2 is already served from valve-copy.sampan'
declare -A want=([pump-a.sampan]=$conflict_a [pump-b.sampan]=$conflict_b
	[pump-old.sampan]=$older [valve.sampan]=$copy)

# --- list ------------------------------------------------------------------------
"$P" list lib --trust k.pub >list.out 2>list.err
expect_line() {
	local desc=$1 file=$2 line=$3
	if grep -Fxq -- "$line" "$file"; then ok "$desc"; else not_ok "$desc" "no line '$line' in:" "$(cat "$file")"; fi
}
for f in "${!want[@]}"; do
	got=$(awk -F'\t' -v f="$f" '$8 == f { print $1 "|" $9 }' list.out)
	if [ "$got" = "REFUSED|${want[$f]}" ]; then
		ok "list: $f is refused: ${want[$f]}"
	else
		not_ok "list: $f is refused: ${want[$f]}" "got '$got' from:" "$(cat list.out)"
	fi
done
got=$(awk -F'\t' '$1 == "OK" { print $2 " " $8 }' list.out)
if [ "$got" = "org.example.valve valve-copy.sampan" ]; then
	ok "list: only the valve course is OK, from the first of its copies"
else
	not_ok "list: only the valve course is OK, from the first of its copies" "OK lines: '$got'"
fi

# --- serve: the catalog and the log ---------------------------------------------
"$P" serve lib --trust k.pub --bind 127.0.0.1 --port 0 --cache "$WORK/cache" >serve.out 2>serve.err &
SERVER=$!
URL=
for _ in $(seq $((100 * TAP_SLOW))); do
	URL=$(sed -n 's/^Serving at //p' serve.out 2>/dev/null | head -1)
	URL=${URL%/}
	[ -n "$URL" ] && break
	sleep 0.1
done
if [ -z "$URL" ]; then
	not_ok "serve starts" "$(cat serve.err)"
	done_testing
	exit
fi
get "$URL/api/catalog.json" >catalog.json
get "$URL/" >catalog.html
"$PYTHON" - catalog.json <<'EOF' >catalog.tsv
import json, sys
c = json.load(open(sys.argv[1]))
for r in c["refused"]:
    print(r["file"] + "\t" + r["reason"])
for x in c["courses"]:
    print("served\t" + x["id"])
EOF
for f in "${!want[@]}"; do
	expect_line "catalog.json: $f is refused with the same reason" catalog.tsv "$f	${want[$f]}"
	# the HTML page escapes nothing in these reasons but nothing either
	if grep -Fq -- "<code dir=\"auto\">$f</code> <span dir=\"auto\">${want[$f]}</span>" catalog.html; then
		ok "the catalog page shows $f with the same reason"
	else
		not_ok "the catalog page shows $f with the same reason" "$(grep -A12 'class="refused"' catalog.html | head -20)"
	fi
	expect_line "the log names $f with the same reason" serve.err "sampan-play: refused lib/$f: ${want[$f]}"
done
if grep -q 'failed verification' catalog.html; then
	not_ok "the catalog does not call these bundles failed" "$(grep 'failed verification' catalog.html)"
else
	ok "the catalog does not call these bundles failed"
fi
expect_line "the catalog serves the valve course only" catalog.tsv "served	org.example.valve"
if ! grep -q 'served	org.example.pump' catalog.tsv && [ "$(code "$URL/c/org.example.pump/")" = 404 ]; then
	ok "the pump course in conflict is not served"
else
	not_ok "the pump course in conflict is not served" "$(cat catalog.tsv)"
fi

# --- the wrong build taken away: the other one is served ----------------------
rm lib/pump-b.sampan
kill -HUP "$SERVER"
served=
for _ in $(seq $((100 * TAP_SLOW))); do
	[ "$(code "$URL/c/org.example.pump/")" = 200 ] && served=yes && break
	sleep 0.1
done
if [ -n "$served" ]; then ok "once one build is removed, the other is served"; else not_ok "once one build is removed, the other is served" "$(get "$URL/api/catalog.json")"; fi
"$P" list lib --trust k.pub >list2.out 2>&1
if awk -F'\t' '$1 == "OK" && $8 == "pump-a.sampan"' list2.out | grep -q .; then
	ok "list agrees: pump-a.sampan is OK"
else
	not_ok "list agrees: pump-a.sampan is OK" "$(cat list2.out)"
fi
kill -TERM "$SERVER"
wait "$SERVER" 2>/dev/null
SERVER=
done_testing
