#!/bin/bash
# player-hostile-bundles.sh - every invalid conformance vector (crafted
# bundles: traversal names, symbolic links, case collisions, zip bombs,
# lying sizes, tampered bytes, wrong signers, truncations...) is refused by
# each of sampan-play's commands with the rule the vector names, and writes
# nothing.  Prints TAP.
source "$(dirname "$0")/../lib/tap.sh"
P=$BUILD_DIR/sampan-play
VECTORS=$TOP/format-spec/vectors
cd "$WORK" || exit 1
export XDG_CONFIG_HOME=$WORK/config # the test's own trust folder

rule_of() { head -1 "${1%.sampan}.txt"; }

# --- verify, install, extract: each vector, each command --------------------------------
mkdir lib sandbox
total=0
for cmd in verify install extract; do
	wrong=()
	for f in "$VECTORS"/invalid/*.sampan; do
		rule=$(rule_of "$f")
		case $cmd in
		verify) "$P" verify "$f" --trust "$VECTORS/test.pub" >out 2>&1 ;;
		install) "$P" install "$f" --library lib --trust "$VECTORS/test.pub" >out 2>&1 ;;
		extract) "$P" extract "$f" sandbox/x --trust "$VECTORS/test.pub" >out 2>&1 ;;
		esac
		rc=$?
		if [ "$rc" -ne 1 ] || ! grep -q "$rule" out; then
			wrong+=("$(basename "$f"): exit $rc, expected 1 and $rule: $(head -c 300 out)")
		fi
		[ "$cmd" = verify ] && total=$((total + 1))
	done
	if [ "${#wrong[@]}" -eq 0 ]; then
		ok "$cmd refuses all $total invalid vectors, each with its rule (exit 1)"
	else
		not_ok "$cmd refuses every invalid vector with its rule" "${wrong[@]:0:10}"
	fi
done
if [ "$total" -ge 150 ]; then ok "there are $total invalid vectors"; else not_ok "at least 150 invalid vectors" "$total"; fi
if [ -z "$(find lib sandbox -mindepth 1)" ]; then ok "refused installs and extractions wrote nothing"; else not_ok "refused installs and extractions wrote nothing" "$(find lib sandbox -mindepth 1 | head -20)"; fi
if [ -z "$(find "$WORK" -name '*.html' -o -name '*.sampan' -o -name '*.tmp*')" ]; then
	ok "no page or bundle appeared anywhere in the test folder"
else
	not_ok "no page or bundle appeared anywhere in the test folder" "$(find "$WORK" -name '*.html' -o -name '*.sampan' | head)"
fi

# --- serve: all of them in one folder ---------------------------------------------------------
start_server() { # FOLDER: serve it, trusting the vectors' key; sets SERVER and URL
	serve_start server "$1" --trust "$VECTORS/test.pub" --cache "$WORK/cache"
	SERVER=$SERVED_PID URL=$SERVED_URL
}
stop_server() {
	kill -TERM "$SERVER" 2>/dev/null
	wait "$SERVER"
}
trap 'kill $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT

mkdir shelf
cp "$VECTORS"/invalid/*.sampan shelf/
start_server shelf
curl -s --max-time 10 "${URL}api/catalog.json" >catalog.json
stop_server
# The vectors whose damage lies in an entry's bytes are found when those bytes
# are read (below); every other one is refused at the scan, by its rule.
"$PYTHON" - catalog.json "$VECTORS/invalid" >serve.out <<'PY'
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
read -r at_scan nwrong <serve.out
if [ "${nwrong:-1}" -eq 0 ] && [ "${at_scan:-0}" -ge 150 ]; then
	ok "serve lists all $at_scan vectors with structural damage as refused, each with its rule"
else
	not_ok "serve lists every vector with structural damage as refused, with its rule" "$(tail -n +2 serve.out)" "$(head -c 500 catalog.json)"
fi

# --- serve: damaged bytes are never sent as if they were good ---------------------------
for f in "$VECTORS"/invalid/*.sampan; do
	rule=$(rule_of "$f")
	case $rule in CHUNK_MISMATCH | CRC_MISMATCH | DEFLATE_INVALID | DIGEST_MISMATCH | SIZE_MISMATCH) ;; *) continue ;; esac
	name=$(basename "$f")
	rm -rf one && mkdir one && cp "$f" one/
	start_server one
	# Fetch every entry the manifest lists, plain and as gzip: a complete 200
	# must carry exactly the signed bytes; the damaged entry must fail.
	if "$PYTHON" - "$URL" "$f" >fetch.out 2>&1 <<'PY'; then
import gzip, hashlib, http.client, json, struct, sys, urllib.parse, zipfile, zlib
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
            if hashlib.sha256(body).hexdigest() != digest:
                bad.append(name)
        except (http.client.HTTPException, OSError, EOFError, gzip.BadGzipFile) as e:
            failed.append((name, type(e).__name__))
        finally:
            c.close()
print("damaged bytes sent as good: %s; failed: %s" % (bad, failed))
sys.exit(0 if not bad and failed else 1)
PY
		ok "serve $name ($rule): the damaged entry fails, nothing unsigned is sent"
	else
		not_ok "serve $name ($rule): the damaged entry fails, nothing unsigned is sent" "$(cat fetch.out)"
	fi
	if kill -0 "$SERVER" 2>/dev/null; then stop_server; else not_ok "serve $name is still running" "$(tail -c 1000 server.err)"; fi
done
if grep -q 'AddressSanitizer\|runtime error' server.err; then not_ok "no sanitizer report" "$(grep -m3 'Sanitizer\|runtime error' server.err)"; else ok "no sanitizer report from the last server"; fi
done_testing
