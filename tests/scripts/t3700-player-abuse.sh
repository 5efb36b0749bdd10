#!/bin/bash
# t3700-player-abuse.sh - HTTP abuse against the real sampan-play over
# loopback: huge and malformed requests, other methods, Range abuse,
# smuggling, slowloris and a thousand concurrent clients
# (tests/lib/http_abuse.py, one case per check).  Each gets 4xx or a close,
# never a 5xx or a crash, and a well-behaved client is served throughout.
source "$(dirname "$0")/../lib/test-lib.sh"

test_setup 'a course with a 3 MB entry, served' '
	"$B" keygen -o pub --no-password &&
	"$B" init src/abuse --title Abuse && sed -i "s/^id: .*/id: org.example.abuse/" src/abuse/course.yml &&
	head -c 3000000 /dev/urandom >src/abuse/media/big.bin &&
	printf "\n[Data](../media/big.bin)\n" >>src/abuse/lessons/01-welcome.md &&
	mkdir lib && "$B" build src/abuse -k pub.key -o lib/abuse.sampan -q &&
	serve_start server lib --trust pub.pub --cache "$WORK/cache" &&
	SERVER=$SERVED_PID URL=$SERVED_URL
'
test_setup 'the abuse driver runs to the end' '
	"$PYTHON" "$TOP/tests/lib/http_abuse.py" "$URL" c/org.example.abuse/media/big.bin \
		"$WORK/src/abuse/media/big.bin" >driver.out 2>driver.err ||
	{ tail -c 600 driver.err; false; }
'
while IFS='|' read -r verdict what detail; do
	case $verdict in
	ok | fail)
		test_expect_success "$what" "echo '${detail//\'/}' && test $verdict = ok"
		;;
	info) echo "# $what" ;;
	*)
		test_expect_success 'the abuse driver output is understood' "echo '${verdict//\'/}|${what//\'/}'; false"
		;;
	esac
done <driver.out
test_expect_success 'the server is still running' 'kill -0 $SERVER'
test_expect_success 'SIGTERM afterwards stops it cleanly (exit 0)' '
	kill -TERM $SERVER && wait $SERVER
'
test_expect_success 'no sanitizer report from the server' '
	test_grep -v "AddressSanitizer|runtime error" server.err
'
test_done
