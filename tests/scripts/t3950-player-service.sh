#!/bin/bash
# t3950-player-service.sh - what the classroom service (service/) relies on,
# end to end: sampan-play serve on a socket passed by systemd's protocol
# (LISTEN_FDS), sticks that come and go in the folder where they are
# mounted, fonts from another folder; the USB stick helper (sampan-media)
# with stand-ins for systemd-mount, findmnt and lsblk; and the units under
# systemd-analyze (verify, and a security exposure rated OK or better).
source "$(dirname "$0")/../lib/test-lib.sh"
VECTORS=$TOP/format-spec/vectors
export XDG_CONFIG_HOME=$WORK/config XDG_CACHE_HOME=$WORK/cache

# activate NAME ADDRESS PID_MODE ARGS...: start sampan-play serve ARGS... on a socket bound to
# ADDRESS on a free port, passed as systemd does (fd 3, LISTEN_FDS=1, LISTEN_PID = the
# server's pid, or another's with PID_MODE=other); sets ACT_PID, ACT_PORT, and SERVED_URL.
activate() {
	local name=$1 addr=$2 mode=$3
	shift 3
	rm -f "$name.port"
	"$PYTHON" - "$name.port" "$addr" "$mode" "$P" serve "$@" >"$name.out" 2>"$name.err" <<'PY' &
import os, socket, sys
port_file, addr, mode, argv = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
family = socket.AF_INET6 if ":" in addr else socket.AF_INET
s = socket.socket(family, socket.SOCK_STREAM)
if family == socket.AF_INET6:
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
s.bind((addr, 0))
s.listen(64)
with open(port_file + ".tmp", "w") as f:
    f.write("%d\n" % s.getsockname()[1])
os.rename(port_file + ".tmp", port_file)
if s.fileno() != 3:
    os.dup2(s.fileno(), 3)
os.set_inheritable(3, True)
env = dict(os.environ, LISTEN_FDS="1", LISTEN_FDNAMES="http")
env["LISTEN_PID"] = str(os.getpid() + (1 if mode == "other" else 0))
os.execve(argv[0], argv, env)
PY
	ACT_PID=$!
	ACT_PORT=
	SERVED_URL=
	for _ in $(seq $((100 * TAP_SLOW))); do
		[ -z "$ACT_PORT" ] && [ -s "$name.port" ] && ACT_PORT=$(cat "$name.port")
		SERVED_URL=$(sed -n 's/^Serving at //p' "$name.out" 2>/dev/null | head -1)
		[ -n "$SERVED_URL" ] && [ -n "$ACT_PORT" ] && break
		sleep 0.1
	done
}

stop() {
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# wait_catalog URL PATTERN PRESENT: within 10 s the catalog JSON matches PATTERN (PRESENT=1)
# or does not (0).
wait_catalog() {
	local body
	for _ in $(seq $((100 * TAP_SLOW))); do
		body=$(curl -sf "$1api/catalog.json")
		if [ "$3" = 1 ] && grep -q "$2" <<<"$body"; then return 0; fi
		if [ "$3" = 0 ] && [ -n "$body" ] && ! grep -q "$2" <<<"$body"; then return 0; fi
		sleep 0.1
	done
	curl -s "$1api/catalog.json" | head -c 600
	return 1
}

test_setup 'a trust folder and a library' '
	mkdir -p keys lib && cp "$VECTORS/test.pub" keys/ && cp "$VECTORS/valid/minimal.sampan" lib/
'

# 1. A socket bound to 127.0.0.1 by "systemd": served there, at that address.
test_expect_success 'serve takes the socket systemd passes (LISTEN_FDS) and says its address' '
	activate v4 127.0.0.1 self --trust-dir keys -q lib;
	echo "port $ACT_PORT, said: $SERVED_URL";
	test -n "$SERVED_URL" && test_equal "http://127.0.0.1:$ACT_PORT/" "$SERVED_URL" &&
	curl -sf "http://127.0.0.1:$ACT_PORT/api/catalog.json" | grep -q "\"org.example.minimal\"";
	rc=$?; stop $ACT_PID; test $rc = 0
'
# 2. As sampan-play.socket binds it: [::] for IPv6 and IPv4 both; reached on 127.0.0.1.
test_expect_success 'a dual-stack socket on every address ([::], as sampan-play.socket) serves IPv4 too' '
	activate v6 :: self --trust-dir keys -q lib;
	test -n "$ACT_PORT" && curl -sf "http://127.0.0.1:$ACT_PORT/" | grep -q minimal &&
	test_grep "^Serving at http://.*:$ACT_PORT/$" v6.out;
	rc=$?; stop $ACT_PID; test $rc = 0
'
# 3. LISTEN_PID names another process: the socket is not this one's; it opens its own.
test_expect_success 'LISTEN_PID of another process: the socket is left alone, serve opens its own' '
	activate other 127.0.0.1 other --trust-dir keys -q --bind 127.0.0.1 --port 0 lib;
	own=$(sed -n "s|^Serving at http://127.0.0.1:\([0-9]*\)/\$|\1|p" other.out);
	echo "passed $ACT_PORT, own $own";
	test -n "$own" && test "$own" != "$ACT_PORT" && curl -sf "http://127.0.0.1:$own/" >/dev/null;
	rc=$?; stop $ACT_PID; test $rc = 0
'
# 4. File descriptor 3 that is no listening socket: a clear refusal, exit 3.
test_expect_success 'LISTEN_FDS with a file that is no listening socket: exit 3 and says so' '
	(
		exec 3<"$VECTORS/test.pub"
		LISTEN_FDS=1 exec "$PYTHON" -c "
import os, sys
os.environ[\"LISTEN_PID\"] = str(os.getpid())
os.set_inheritable(3, True)
os.execv(sys.argv[1], sys.argv[1:])" "$P" serve --trust-dir keys -q lib
	) >notsock.out 2>&1;
	rc=$? && cat notsock.out && test_equal 3 "$rc" &&
	test_grep "file descriptor 3 is not a listening stream socket" notsock.out
'

# 5. The service serves the library and the folder where sticks are mounted: a stick
# mounted while it runs is seen within seconds, and pulling it costs only its courses.
test_setup 'serving the library and the folder where sticks are mounted' '
	mkdir media && serve_start sticks --trust-dir keys lib media && STICKS=$SERVED_URL S_PID=$SERVED_PID
'
test_expect_success "a stick's folder appearing under the media folder is served within seconds" '
	mkdir media/.COURSES-tmp && cp "$VECTORS/valid/media.sampan" media/.COURSES-tmp/ &&
	mv media/.COURSES-tmp media/COURSES &&
	wait_catalog "$STICKS" "\"org.example.pump-video\"" 1 && wait_catalog "$STICKS" "\"org.example.minimal\"" 1
'
test_expect_success 'a bundle two folders deep on a second stick is served (SIGHUP looks at once)' '
	mkdir -p media/SECOND/courses/electrical &&
	cp "$VECTORS/valid/multilingual.sampan" media/SECOND/courses/electrical/ &&
	kill -HUP $S_PID && wait_catalog "$STICKS" "\"org.example.village-pump\"" 1
'
test_expect_success "a stick pulled takes only its courses away: the library's and the other stick's stay" '
	mkdir -p media/THIRD && cp "$VECTORS/valid/media.sampan" media/THIRD/ &&
	mkdir -p media/FOURTH && cp "$VECTORS/valid/multilingual.sampan" media/FOURTH/ &&
	kill -HUP $S_PID && wait_catalog "$STICKS" "\"org.example.pump-video\"" 1 &&
	wait_catalog "$STICKS" "\"org.example.village-pump\"" 1 &&
	rm -rf media/COURSES media/THIRD && kill -HUP $S_PID &&
	wait_catalog "$STICKS" "\"org.example.pump-video\"" 0 &&
	curl -sf "${STICKS}api/catalog.json" | grep -q "\"org.example.minimal\"" &&
	curl -sf "${STICKS}api/catalog.json" | grep -q "\"org.example.village-pump\"" &&
	kill -0 $S_PID
'

# 6. --fonts DIR: the fonts for Khmer, Lao and Burmese from that folder; a wrong one is refused.
test_expect_success '--fonts DIR: the fonts served are that folder, and one it lacks is 404' '
	mkdir fonts && head -c 3000 /dev/urandom >fonts/NotoSansKhmer-Regular.ttf &&
	serve_start fonts --trust-dir keys --fonts fonts lib &&
	curl -sf "${SERVED_URL}_sampan/fonts/NotoSansKhmer-Regular.ttf" -o got.ttf &&
	test_cmp fonts/NotoSansKhmer-Regular.ttf got.ttf &&
	test_equal 404 "$(curl -s -o /dev/null -w "%{http_code}" "${SERVED_URL}_sampan/fonts/NotoSansLao-Regular.ttf")";
	rc=$?; stop $SERVED_PID; test $rc = 0
'
test_expect_success '--fonts with a folder that does not exist: exit 2' '
	expect_exit 2 "--fonts $WORK/none: not a folder" "$P" serve --fonts "$WORK/none" --trust-dir keys lib
'

# 7. sampan-media, the USB stick helper, with stand-ins that log what it asks.
HELPER=$BUILD_DIR/service/sampan-media
test_setup 'stand-ins for systemd-mount, findmnt and lsblk' '
	mkdir -p stubs &&
	cat >stubs/systemd-mount <<-\SH &&
	#!/bin/sh
	printf "%s\n" "$*" >>"$STUB_LOG"
	SH
	cat >stubs/findmnt <<-\SH &&
	#!/bin/sh
	# findmnt [--fstab] -rn -S SOURCE | -M TARGET: the answers are in STUB_MOUNTED / STUB_FSTAB.
	fstab=0
	while [ $# -gt 0 ]; do
		case $1 in
		--fstab) fstab=1 ;;
		-S | -M) key=$2; shift ;;
		esac
		shift
	done
	if [ $fstab = 1 ]; then grep -qxF "$key" "$STUB_FSTAB" 2>/dev/null; exit; fi
	grep -F "$key " "$STUB_MOUNTED" 2>/dev/null | sed "s/.* //"
	SH
	cat >stubs/lsblk <<-\SH &&
	#!/bin/sh
	# lsblk -ndo PKNAME DEV: "sdz" for /dev/sdz1; lsblk -nro MOUNTPOINT /dev/sdz: STUB_DISK_MOUNTS.
	case "$*" in
	*PKNAME*) echo sdz ;;
	*MOUNTPOINT*) cat "$STUB_DISK_MOUNTS" 2>/dev/null ;;
	esac
	SH
	chmod +x stubs/*
'
# stubs: the helper's environment, every stand-in's answer empty, sticks on.
stubs() {
	export SYSTEMD_MOUNT=$WORK/stubs/systemd-mount FINDMNT=$WORK/stubs/findmnt LSBLK=$WORK/stubs/lsblk
	export STUB_LOG=$WORK/stub.log STUB_MOUNTED=$WORK/mounted STUB_FSTAB=$WORK/fstab \
		STUB_DISK_MOUNTS=$WORK/diskmounts SAMPAN_MEDIA_ROOT=$WORK/run-media SAMPAN_CONF=$WORK/conf
	: >"$STUB_LOG"
	: >"$STUB_MOUNTED"
	: >"$STUB_FSTAB"
	: >"$STUB_DISK_MOUNTS"
	echo 'SAMPAN_STICKS="yes"' >conf
}
test_expect_success 'sampan-media: a FAT stick is mounted read-only, nosuid, nodev, noexec, its label made a safe name' '
	stubs &&
	out=$(ID_FS_LABEL="Khmer; rm -rf /" ID_FS_TYPE=vfat ID_FS_UUID=AB-CD sh "$HELPER" check /dev/sdz1) &&
	ID_FS_LABEL="Khmer; rm -rf /" ID_FS_TYPE=vfat ID_FS_UUID=AB-CD sh "$HELPER" add /dev/sdz1 &&
	test_equal SAMPAN_MEDIA=1 "$out" &&
	test_equal "--no-block --collect --fsck=no --options=ro,nosuid,nodev,noexec,umask=0022 --property=LazyUnmount=yes --property=DirectoryMode=0755 /dev/sdz1 $WORK/run-media/Khmer__rm_-rf__" "$(cat "$STUB_LOG")"
'
test_expect_success "sampan-media: a label already mounted gets the device's name added; a label '..' is the device's name" '
	stubs &&
	echo "$WORK/run-media/COURSES /dev/sdy1" >"$STUB_MOUNTED" &&
	ID_FS_LABEL=COURSES ID_FS_TYPE=ext4 sh "$HELPER" add /dev/sdz1 &&
	ID_FS_LABEL=.. ID_FS_TYPE=ext4 sh "$HELPER" add /dev/sdz2 &&
	test_grep " /dev/sdz1 $WORK/run-media/COURSES-sdz1\$" "$STUB_LOG" &&
	test_grep " /dev/sdz2 $WORK/run-media/sdz2\$" "$STUB_LOG"
'
test_expect_success 'sampan-media leaves alone a device mounted already, in fstab, on the boot disk, or with sticks off' '
	stubs && refused= &&
	echo "/dev/sdz1 /media/elsewhere" >"$STUB_MOUNTED" &&
	{ [ "$(sh "$HELPER" check /dev/sdz1)" = SAMPAN_MEDIA=0 ] || refused="$refused mounted-already"; } &&
	: >"$STUB_MOUNTED" && echo "UUID=AB-CD" >"$STUB_FSTAB" &&
	{ [ "$(ID_FS_UUID=AB-CD sh "$HELPER" check /dev/sdz1)" = SAMPAN_MEDIA=0 ] || refused="$refused in-fstab"; } &&
	: >"$STUB_FSTAB" && echo / >"$STUB_DISK_MOUNTS" &&
	{ [ "$(sh "$HELPER" check /dev/sdz1)" = SAMPAN_MEDIA=0 ] || refused="$refused boot-disk"; } &&
	{ ID_FS_LABEL=BOOT sh "$HELPER" add /dev/sdz1; : >"$STUB_DISK_MOUNTS"; } &&
	echo "SAMPAN_STICKS=\"no\"" >conf &&
	{ [ "$(sh "$HELPER" check /dev/sdz1)" = SAMPAN_MEDIA=0 ] || refused="$refused sticks-off"; } &&
	echo "not left alone:$refused; asked: $(cat "$STUB_LOG")" &&
	test -z "$refused" && test ! -s "$STUB_LOG"
'
test_expect_success 'sampan-media remove: unmounts the stick folder, removes empty folders nothing is mounted on' '
	stubs &&
	mkdir -p run-media/COURSES run-media/OLD &&
	echo "/dev/sdz1 $WORK/run-media/COURSES" >"$STUB_MOUNTED" &&
	echo "$WORK/run-media/COURSES $WORK/run-media/COURSES" >>"$STUB_MOUNTED" &&
	sh "$HELPER" remove /dev/sdz1 &&
	test_equal "--umount --no-block $WORK/run-media/COURSES" "$(cat "$STUB_LOG")" &&
	test ! -d run-media/OLD && test -d run-media/COURSES
'

# 8. The units under systemd-analyze, with the programs and man pages just built.
test_setup 'the units and man page where systemd-analyze looks' '
	command -v systemd-analyze >/dev/null ||
		{ echo "systemd-analyze is missing: install-deps.sh installs systemd"; false; } &&
	mkdir -p units man/man1 &&
	sed "s|^ExecStart=[^ ]*/sampan-play |ExecStart=$P |" "$BUILD_DIR/service/sampan-play.service" \
		>units/sampan-play.service &&
	cp "$TOP/service/sampan-play.socket" units/ &&
	ln -sf "$BUILD_DIR/man/sampan-play.1" man/man1/sampan-play.1
'
test_expect_success 'systemd-analyze verify: sampan-play.service and sampan-play.socket, not one remark' '
	MANPATH=$WORK/man systemd-analyze verify units/sampan-play.socket units/sampan-play.service \
		>verify.out 2>&1 &&
	test_equal "" "$(head -20 verify.out)"
'
test_expect_success 'systemd-analyze security rates the service OK or better' '
	systemd-analyze security --offline=true units/sampan-play.service >security.out 2>&1;
	level=$(sed -n "s/^→ Overall exposure level for sampan-play.service: \([0-9.]*\) \([A-Z]*\).*/\1 \2/p" security.out) &&
	echo "exposure $level" &&
	case ${level#* } in OK | SAFE | PERFECT) true ;; *) false ;; esac
'
test_done
