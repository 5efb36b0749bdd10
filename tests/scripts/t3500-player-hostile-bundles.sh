#!/bin/bash
# t3500-player-hostile-bundles.sh - every invalid conformance vector (crafted
# bundles: traversal names, symbolic links, case collisions, zip bombs,
# lying sizes, tampered bytes, wrong signers, truncations...) is refused by
# each of sampan-play's commands with the rule the vector names, and writes
# nothing.
source "$(dirname "$0")/../lib/test-lib.sh"
VECTORS=$TOP/format-spec/vectors
export XDG_CONFIG_HOME=$WORK/config # the test's own trust folder

rule_of() { head -1 "${1%.sampan}.txt"; }
invalid=("$VECTORS"/invalid/*.sampan)

# refuses_all CMD: sampan-play CMD refuses every invalid vector with its rule, exit 1.
refuses_all() {
	local wrong=() f rule rc
	mkdir -p lib sandbox
	for f in "${invalid[@]}"; do
		rule=$(rule_of "$f")
		case $1 in
		verify) "$P" verify "$f" --trust "$VECTORS/test.pub" >out 2>&1 ;;
		install) "$P" install "$f" --library lib --trust "$VECTORS/test.pub" >out 2>&1 ;;
		extract) "$P" extract "$f" sandbox/x --trust "$VECTORS/test.pub" >out 2>&1 ;;
		esac
		rc=$?
		if [ "$rc" -ne 1 ] || ! grep -q "$rule" out; then
			wrong+=("$(basename "$f"): exit $rc, expected 1 and $rule: $(head -c 300 out)")
		fi
	done
	[ "${#wrong[@]}" -eq 0 ] || { printf '%s\n' "${wrong[@]:0:10}"; return 1; }
}

# --- verify, install, extract: each vector, each command --------------------------------
test_expect_success 'there are at least 150 invalid vectors' '
	echo "${#invalid[@]}" && test "${#invalid[@]}" -ge 150
'
for cmd in verify install extract; do
	test_expect_success "$cmd refuses every invalid vector, each with its rule (exit 1)" "refuses_all $cmd"
done
# (run alone, these two first have install and extract refuse every vector themselves)
test_expect_success 'refused installs and extractions wrote nothing' '
	{ test -d lib || refuses_all install; } && { test -d sandbox || refuses_all extract; } &&
	test_equal "" "$(find lib sandbox -mindepth 1)"
'
test_expect_success 'no page or bundle appeared anywhere in the test folder' '
	{ test -d lib || refuses_all install; } && { test -d sandbox || refuses_all extract; } &&
	test_equal "" "$(find "$WORK" -name "*.html" -o -name "*.sampan" -o -name "*.tmp*")"
'

# --- serve: all of them in one folder ---------------------------------------------------------
test_setup 'every invalid vector on a shelf, served, and the catalog read' '
	mkdir shelf && cp "${invalid[@]}" shelf/ &&
	serve_start server shelf --trust "$VECTORS/test.pub" --cache "$WORK/cache" &&
	curl -s --max-time 10 "${SERVED_URL}api/catalog.json" >catalog.json &&
	kill -TERM $SERVED_PID && wait $SERVED_PID
'
# The vectors whose damage lies in an entry's bytes are found when those bytes
# are read (below); every other one is refused at the scan, by its rule.
scan_refusals() {
	"$PYTHON" - catalog.json "$VECTORS/invalid" <<'PY'
import json, os, sys
catalog = json.load(open(sys.argv[1]))
refused = {r["file"]: r for r in catalog["refused"]}
content_rules = {"CHUNK_MISMATCH", "CRC_MISMATCH", "DEFLATE_INVALID", "DIGEST_MISMATCH", "SIZE_MISMATCH"}
wrong, at_scan = [], 0
for name in sorted(os.listdir(sys.argv[2])):
    if not name.endswith(".sampan"):
        continue
    rule = open(os.path.join(sys.argv[2], name[:-7] + ".txt")).readline().strip()
    if rule in content_rules:
        continue
    at_scan += 1
    r = refused.get(name)
    if not r or r["rule"] != rule or rule not in r["reason"]:
        wrong.append("%s: expected %s, got %s" % (name, rule, r))
print("%d %d" % (at_scan, len(wrong)))
for w in wrong[:10]:
    print(w)
PY
}
test_expect_success 'serve lists every vector with structural damage as refused, each with its rule' '
	scan_refusals >serve.out; cat serve.out &&
	read -r at_scan nwrong <serve.out &&
	test "${nwrong:-1}" -eq 0 && test "${at_scan:-0}" -ge 150
'

# --- serve: damaged bytes are never sent as if they were good ---------------------------
# fetch_all URL BUNDLE: every entry the manifest lists, plain and as gzip: a
# complete 200 must carry exactly the signed bytes under the player's bar; the
# damaged entry must fail.
fetch_all() {
	"$PYTHON" - "$1" "$2" <<'PY'
import gzip, hashlib, http.client, json, re, struct, sys, urllib.parse, zipfile, zlib
HEAD = b'<link rel="stylesheet" href="/_sampan/decor.css">\n<script src="/_sampan/progress.js" defer></script>\n'
def signed_part(name, body):  # a page without the player's bar, stylesheet and script
    if not name.endswith(".html"):
        return body
    body = body.replace(HEAD, b"", 1)
    return re.sub(rb'\n<nav class="sampan-bar".*?</nav>\n(<span id="sampan-after" tabindex="-1"></span>\n)?', b"", body, count=1, flags=re.S)
url = urllib.parse.urlsplit(sys.argv[1])
def raw(z, name):  # an entry's bytes, even when its CRC-32 is the damage
    info = z.getinfo(name)
    with open(sys.argv[2], "rb") as f:
        f.seek(info.header_offset + 26)
        n, e = struct.unpack("<HH", f.read(4))
        f.seek(info.header_offset + 30 + n + e)
        data = f.read(info.compress_size)
    return zlib.decompress(data, -15) if info.compress_type == 8 else data
with zipfile.ZipFile(sys.argv[2]) as z:
    manifest = raw(z, "META-INF/MANIFEST").decode()
    course = json.loads(raw(z, "META-INF/course.json"))
digests = {}
for line in manifest.splitlines():
    if line and not line.startswith("#"):
        digest, name = line.split("  ", 1)
        digests[name] = digest
failed, bad = [], []
for name, digest in digests.items():
    for enc in ("identity", "gzip"):
        c = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
        try:
            c.request("GET", "/c/%s/%s" % (course["id"], urllib.parse.quote(name)),
                      headers={"Accept-Encoding": enc})
            r = c.getresponse()
            body = r.read()
            if r.status != 200:
                failed.append((name, r.status))
                continue
            if r.getheader("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            if hashlib.sha256(signed_part(name, body)).hexdigest() != digest:
                bad.append(name)
        except (http.client.HTTPException, OSError, EOFError, gzip.BadGzipFile) as e:
            failed.append((name, type(e).__name__))
        finally:
            c.close()
print("damaged bytes sent as good: %s; failed: %s" % (bad, failed))
sys.exit(0 if not bad and failed else 1)
PY
}
for f in "$VECTORS"/invalid/*.sampan; do
	rule=$(rule_of "$f")
	case $rule in CHUNK_MISMATCH | CRC_MISMATCH | DEFLATE_INVALID | DIGEST_MISMATCH | SIZE_MISMATCH) ;; *) continue ;; esac
	name=$(basename "$f" .sampan)
	test_expect_success "serve $name ($rule): the damaged entry fails, nothing unsigned is sent" "
		mkdir $name && cp '$f' $name/ &&
		serve_start $name.server $name --trust \"\$VECTORS/test.pub\" --cache \"\$WORK/$name.cache\" &&
		fetch_all \"\$SERVED_URL\" '$f' &&
		kill -0 \$SERVED_PID && kill -TERM \$SERVED_PID && wait \$SERVED_PID &&
		test_grep -v 'AddressSanitizer|runtime error' $name.server.err
	"
done
test_done
