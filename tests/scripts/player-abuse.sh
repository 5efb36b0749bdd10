#!/bin/bash
# player-abuse.sh - HTTP abuse against the real sampan-play over loopback:
# huge and malformed requests, other methods, Range abuse, smuggling,
# slowloris and a thousand concurrent clients.  Each gets 4xx or a close,
# never a 5xx or a crash, and a well-behaved client is served throughout.
# Prints TAP.
source "$(dirname "$0")/../lib/tap.sh"
B=$SAMPAN_BUILD
cd "$WORK" || exit 1

"$B" keygen -o pub --no-password >/dev/null
"$B" init "$WORK/src/abuse" --title "Abuse" >/dev/null
sed -i 's/^id: .*/id: org.example.abuse/' "$WORK/src/abuse/course.yml"
head -c 3000000 /dev/urandom >"$WORK/src/abuse/media/big.bin"
printf '\n[Data](../media/big.bin)\n' >>"$WORK/src/abuse/lessons/01-welcome.md"
mkdir lib
"$B" build "$WORK/src/abuse" -k pub.key -o lib/abuse.sampan -q

serve_start server lib --trust pub.pub --cache "$WORK/cache"
SERVER=$SERVED_PID URL=$SERVED_URL
trap 'kill $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
if [ -n "$URL" ]; then ok "serve prints its address"; else not_ok "serve prints its address" "$(cat server.err)"; fi

while IFS='|' read -r verdict what detail; do
	case $verdict in
	ok) ok "$what" ;;
	fail) not_ok "$what" "$detail" ;;
	info) echo "# $what" ;;
	*) not_ok "the abuse driver's output is understood" "$verdict|$what|$detail" ;;
	esac
done < <("$PYTHON" "$TOP/tests/lib/http_abuse.py" "$URL" c/org.example.abuse/media/big.bin \
	"$WORK/src/abuse/media/big.bin" 2>driver.err || echo "fail|the abuse driver runs to the end|$(tail -c 600 driver.err)")

if kill -0 "$SERVER" 2>/dev/null; then ok "the server is still running"; else not_ok "the server is still running" "$(tail -c 2000 server.err)"; fi
kill -TERM "$SERVER"
wait "$SERVER"
rc=$?
[ "$rc" -eq 0 ] && ok "SIGTERM afterwards stops it cleanly (exit 0)" || not_ok "SIGTERM afterwards stops it cleanly (exit 0)" "exit $rc: $(tail -c 2000 server.err)"
if grep -q 'AddressSanitizer\|runtime error' server.err; then
	not_ok "no sanitizer report from the server" "$(grep -m3 'AddressSanitizer\|runtime error' server.err)"
else
	ok "no sanitizer report from the server"
fi
done_testing
