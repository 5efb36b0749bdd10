#!/bin/bash
# t2000-vectors-commands.sh - every conformance vector through every command
# that reads a bundle.  Each valid vector is accepted whole by sampan-build
# verify and inspect and by sampan-play verify, list, install (a byte-for-byte
# copy), extract (the same files as a stock unzip) and serve (every entry sent
# with its signed bytes, plain and gzipped).  Each invalid vector is refused by
# sampan-build verify and inspect with the rule its .txt names, exit 1.  (The
# invalid vectors through sampan-play's commands: t3500-player-hostile-bundles.sh.)
source "$(dirname "$0")/../lib/test-lib.sh"
VECTORS=$TOP/format-spec/vectors
KEY=$VECTORS/test.pub
# The test's own trust and cache folders: never those of whoever runs the tests.
export XDG_CONFIG_HOME=$WORK/config XDG_CACHE_HOME=$WORK/xdg-cache

rule_of() { head -1 "${1%.sampan}.txt"; }
# Rules of entry bytes, which inspect (steps 1 to 4 only) may not meet.
is_content_rule() {
	case $1 in CHUNK_MISMATCH | CRC_MISMATCH | DEFLATE_INVALID | DIGEST_MISMATCH | SIZE_MISMATCH) return 0 ;; esac
	return 1
}

valid=("$VECTORS"/valid/*.sampan)
invalid=("$VECTORS"/invalid/*.sampan)

# report WRONG...: the cases that went wrong, the first ten; fails when there is one.
report() {
	[ $# -eq 0 ] && return 0
	printf '%s\n' "${@:0:10}" | head -c 3000
	return 1
}

# accepts_valid CMD: sampan-build CMD accepts every valid vector.
accepts_valid() {
	local wrong=() f rc
	for f in "${valid[@]}"; do
		"$B" "$1" "$f" --trust "$KEY" >out 2>&1
		rc=$?
		[ "$rc" -eq 0 ] || wrong+=("$(basename "$f"): exit $rc: $(head -c 300 out)")
	done
	report "${wrong[@]}"
}

# refuses_invalid CMD: sampan-build CMD refuses every invalid vector with its rule, exit 1.
refuses_invalid() {
	local wrong=() f rc rule
	for f in "${invalid[@]}"; do
		rule=$(rule_of "$f")
		"$B" "$1" "$f" --trust "$KEY" >out 2>&1
		rc=$?
		if [ "$1" = inspect ] && [ "$rc" -eq 0 ] && is_content_rule "$rule"; then
			continue # inspect shows a bundle without reading every entry's bytes
		fi
		if [ "$rc" -ne 1 ] || ! grep -q "$rule" out; then
			wrong+=("$(basename "$f"): exit $rc, expected 1 and $rule: $(head -c 300 out)")
		fi
	done
	report "${wrong[@]}"
}

test_expect_success 'at least 16 valid and 200 invalid vectors' '
	echo "${#valid[@]} valid, ${#invalid[@]} invalid" &&
	test "${#valid[@]}" -ge 16 && test "${#invalid[@]}" -ge 200
'

# --- sampan-build verify and inspect: every vector -----------------------------------
for cmd in verify inspect; do
	test_expect_success "sampan-build $cmd accepts every valid vector" "accepts_valid $cmd"
	test_expect_success "sampan-build $cmd refuses every invalid vector with its rule (exit 1)" \
		"refuses_invalid $cmd"
done

# --- sampan-play verify, list, install, extract: every valid vector -------------------
test_expect_success 'sampan-play verify accepts every valid vector' '
	wrong=() &&
	for f in "${valid[@]}"; do
		"$P" verify "$f" --trust "$KEY" >out 2>&1 || wrong+=("$(basename "$f"): exit $?: $(tail -c 300 out)")
	done &&
	report "${wrong[@]}"
'
test_setup 'every valid vector on a shelf' '
	mkdir shelf && cp "${valid[@]}" shelf/
'
test_expect_success 'sampan-play list shows every valid vector as OK' '
	"$P" list shelf --trust "$KEY" >list.out 2>list.err &&
	test_equal "${#valid[@]}" "$(grep -c "^OK	" list.out)" &&
	test_grep -v "^REFUSED" list.out
'
test_expect_success 'sampan-play install copies every valid vector into the library, byte for byte' '
	mkdir lib && wrong=() &&
	for f in "${valid[@]}"; do
		"$P" install "$f" --library lib --trust "$KEY" >out 2>&1
		rc=$?
		id=$("$PYTHON" -c "import json, sys, zipfile
print(\"%(id)s-%(version)s\" % json.loads(zipfile.ZipFile(sys.argv[1]).read(\"META-INF/course.json\")))" "$f")
		if [ "$rc" -ne 0 ] || ! cmp -s "$f" "lib/$id.sampan"; then
			wrong+=("$(basename "$f"): exit $rc, lib/$id.sampan: $(ls lib | head -3) $(head -c 200 out)")
		fi
	done &&
	report "${wrong[@]}"
'
test_expect_success 'sampan-play extract writes the same files as unzip for every valid vector' '
	wrong=() &&
	for f in "${valid[@]}"; do
		name=$(basename "$f" .sampan)
		rm -rf "x-$name" "u-$name"
		"$P" extract "$f" "x-$name" --trust "$KEY" >out 2>&1
		rc=$?
		mkdir "u-$name"
		unzip -q "$f" -d "u-$name" </dev/null >/dev/null 2>&1
		if [ "$rc" -ne 0 ] || ! diff -r "x-$name" "u-$name" >diff.out 2>&1; then
			wrong+=("$name: exit $rc: $(head -c 300 out) $(head -c 300 diff.out)")
		fi
		rm -rf "x-$name" "u-$name"
	done &&
	report "${wrong[@]}"
'

# --- sampan-play serve: all valid vectors in one folder, every entry fetched ----------
test_setup 'serve starts on the valid vectors' '
	serve_start server shelf --trust "$KEY" --cache "$WORK/cache"
'
fetch_every_entry() {
	"$PYTHON" - "$SERVED_URL" "${valid[@]}" <<'PY'
import gzip, hashlib, http.client, json, re, sys, urllib.parse, zipfile
url = urllib.parse.urlsplit(sys.argv[1])
DECOR = b'<link rel="stylesheet" href="/_sampan/decor.css">\n<script src="/_sampan/progress.js" defer></script>\n'
c = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
c.request("GET", "/api/catalog.json")
catalog = json.loads(c.getresponse().read())
served = {course["id"] for course in catalog["courses"]}
problems, fetched = [], 0
for path in sys.argv[2:]:
    with zipfile.ZipFile(path) as z:
        manifest = z.read("META-INF/MANIFEST").decode()
        cid = json.loads(z.read("META-INF/course.json"))["id"]
    if cid not in served:
        problems.append("%s: course %s not in the catalog" % (path, cid))
        continue
    for line in manifest.splitlines():
        if line.startswith("#"):
            continue
        digest, name = line.split("  ", 1)
        for enc in ("identity", "gzip"):
            c = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
            c.request("GET", "/c/%s/%s" % (cid, urllib.parse.quote(name)),
                      headers={"Accept-Encoding": enc})
            r = c.getresponse()
            body = r.read()
            c.close()
            if r.getheader("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            # The one change the player makes to a page: its bar first in the
            # body, its stylesheet and script in the head; the rest is signed.
            if name.endswith(".html") and hashlib.sha256(body).hexdigest() != digest:
                body = body.replace(DECOR, b"", 1)
                body = re.sub(rb"\n<nav class=\"sampan-bar\".*?</nav>\n(<span id=\"sampan-after\" tabindex=\"-1\"></span>\n)?", b"", body, count=1, flags=re.S)
            if r.status != 200 or hashlib.sha256(body).hexdigest() != digest:
                problems.append("%s %s (%s): status %d" % (cid, name, enc, r.status))
            fetched += 1
print("%d fetched; problems: %s" % (fetched, problems[:10]))
sys.exit(1 if problems or fetched == 0 else 0)
PY
}
test_expect_success 'serve sends every entry of every valid vector with its signed bytes' '
	fetch_every_entry
'
test_expect_success 'no sanitizer report from the server' '
	kill -TERM $SERVED_PID && wait $SERVED_PID;
	test_grep -v "AddressSanitizer|runtime error" server.err
'
test_done
