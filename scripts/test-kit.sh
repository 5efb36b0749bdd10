#!/bin/bash
# test-kit.sh - make test-kit: the offline kit (build/kit/) installed for real.
#
# For Debian 12 (bookworm) and 13 (trixie): a minimal system is made with mmdebstrap
# (variant minbase: no ICU, no libmicrohttpd, no systemd, no curl) from the mirror this
# machine's apt sources name, kept as build/kit-test/SUITE.tar and unpacked afresh for
# each run.  Then, in a network namespace with nothing but a loopback interface
# (unshare -n), the kit is copied into it beside bundles, as on a stick, and its
# install.sh runs in a chroot: no systemd runs there, so it must start serving at once, as
# the user sampan; the pages, a video range and a font are fetched.  install.sh runs again
# with systemd stand-ins, and must install and enable the service, then --remove must take
# it all away.  The arm64 build of the kit serves the same bundles under qemu-user, with no
# arm64 library of this machine in reach.  Prints TAP, then one line: N passed, N failed.
source "$(dirname "$0")/../tests/lib/test-lib.sh"
KIT=$TOP/build/kit
CACHE=$TOP/build/kit-test
VECTORS=$TOP/format-spec/vectors
SUITES=${KIT_SUITES:-bookworm trixie}
mkdir -p "$CACHE"

summary() {
	echo "1..$test_count"
	echo "$((test_count - test_failed)) passed, $test_failed failed"
	[ "$test_failed" -eq 0 ]
}

if [ ! -x "$KIT/install.sh" ]; then
	test_not_ok "the kit is built" "$KIT/install.sh is missing: make kit"
	summary
	exit 1
fi

# The Debian mirror of this machine's apt sources (one-line or deb822), read now.
mirror() {
	{
		sed -n 's/^deb \(\[[^]]*\] \)\{0,1\}\([^ ]*\) .*/\2/p' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null
		sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/*.sources 2>/dev/null | tr ' ' '\n'
	} | grep -E '/debian/?$' | head -1
}
MIRROR=$(mirror)
if [ -z "$MIRROR" ]; then
	test_not_ok "a Debian mirror is named in this machine's apt sources" "none found"
	summary
	exit 1
fi

# The libraries the player opens itself (dlopen) are in the kit too, for each architecture.
missing=""
for lib in $(sed -n 's/^#define [A-Z_]*_LIB "\(lib[^"]*\.so\.[^"]*\)"$/\1/p' "$TOP"/player/*.c); do
	for arch in "$KIT"/sampan/*/lib; do
		[ -s "$arch/$lib" ] || missing="$missing ${arch#"$KIT"/sampan/}/$lib"
	done
done
if [ -z "$missing" ]; then test_ok "the kit carries the libraries the player opens itself"; else
	test_not_ok "the kit carries the libraries the player opens itself" "missing:$missing"; fi

# The bundles of the stick and the key that signed them.
mkdir -p "$WORK/stick/sampan-kit"
cp "$VECTORS/valid/minimal.sampan" "$VECTORS/valid/media.sampan" "$VECTORS/valid/multilingual.sampan" \
	"$WORK/stick/"

for suite in $SUITES; do
	tarball=$CACHE/$suite.tar
	if [ ! -s "$tarball" ]; then
		echo "# making a minimal $suite system (mmdebstrap)" >&2
		rm -rf "$CACHE/$suite.tmp.tar"
		if ! nice -n 10 mmdebstrap --quiet --variant=minbase --mode=root "$suite" "$CACHE/$suite.tmp.tar" \
			"$MIRROR" >"$WORK/mmdebstrap-$suite.log" 2>&1 || ! tar -tf "$CACHE/$suite.tmp.tar" >/dev/null; then
			test_not_ok "$suite: a minimal system is made" "$(tail -20 "$WORK/mmdebstrap-$suite.log")"
			rm -rf "$CACHE/$suite.tmp.tar"
			continue
		fi
		mv "$CACHE/$suite.tmp.tar" "$tarball"
	fi
	root=$WORK/root-$suite
	mkdir -p "$root"
	tar -xf "$tarball" -C "$root"
	version=$(. "$root/etc/os-release" 2>/dev/null && echo "$PRETTY_NAME")
	if [ -z "$version" ]; then
		test_not_ok "$suite: the minimal system unpacks" "$tarball has no etc/os-release"
		rm -rf "$root"
		continue
	fi
	missing=""
	for lib in libicuuc libmicrohttpd libzip libsodium libsqlite3 libqrencode; do
		ls "$root"/usr/lib/x86_64-linux-gnu/"$lib".so* >/dev/null 2>&1 || missing="$missing $lib"
	done
	[ -e "$root/usr/bin/curl" ] || missing="$missing curl"
	[ -d "$root/lib/systemd/system" ] && [ -e "$root/lib/systemd/systemd" ] || missing="$missing systemd"
	test_ok "$suite: $version, minimal, without:$missing"

	# The stick: the kit beside the bundles, the publisher's key in its keys folder.
	mkdir -p "$root/media/stick"
	cp "$WORK"/stick/*.sampan "$root/media/stick/"
	cp -R "$KIT" "$root/media/stick/sampan-kit"
	cp "$VECTORS/test.pub" "$root/media/stick/sampan-kit/keys/"

	# In a network namespace of its own: install, fetch, check, stop.
	unshare -n -m -- bash -s "$root" "$suite" >"$WORK/run-$suite.tap" 2>"$WORK/run-$suite.err" <<'IN_NETNS'
root=$1 suite=$2
n=0
ok() { n=$((n + 1)); echo "ok - $suite: $1"; }
not_ok() { n=$((n + 1)); echo "not ok - $suite: $1"; shift; for l in "$@"; do echo "# $l"; done; }
ip link set lo up
mount -t proc proc "$root/proc"
links=$(ip -o link show | awk -F': ' '{print $2}' | tr '\n' ' ')
if [ "$links" = "lo " ]; then ok "the network is cut off: the only interface is lo"; else
	not_ok "the network is cut off" "interfaces: $links"; fi

chroot "$root" /bin/sh /media/stick/sampan-kit/install.sh >"$root/install.out" 2>&1
rc=$?
url=$(sed -n 's/^Serving at \(http:\/\/[^/]*\/\)$/\1/p' "$root/install.out" | head -1)
if [ "$rc" -eq 0 ] && [ -n "$url" ]; then
	ok "install.sh from the kit alone: it checks the files, installs, and serves ($url)"
else
	not_ok "install.sh from the kit alone: it checks the files, installs, and serves" "exit $rc" \
		"$(head -30 "$root/install.out")"
fi
base=http://127.0.0.1:8080
cat=$(curl -sf "$base/api/catalog.json")
if grep -q '"org.example.minimal"' <<<"$cat" && grep -q '"org.example.pump-video"' <<<"$cat" &&
	grep -q '"org.example.village-pump"' <<<"$cat"; then
	ok "the three courses of the stick are served, signed by the key of the kit's keys folder"
else
	not_ok "the three courses of the stick are served" "$cat" "$(cat "$root/var/log/sampan-play.log")"
fi
home=$(curl -sf "$base/")
lesson=$(curl -sf "$base/c/org.example.minimal/")
if grep -q "Minimal test course" <<<"$home" && [ -n "$lesson" ]; then
	ok "the catalog page and a course's home page"
else
	not_ok "the catalog page and a course's home page" "$(head -c 300 <<<"$home")"
fi
video=$(unzip -Z1 "$root/media/stick/media.sampan" | grep -m1 '\.mp4$')
code=$(curl -s -o /dev/null -w '%{http_code}' -r 0-99 "$base/c/org.example.pump-video/$video")
if [ "$code" = 206 ]; then ok "a range of the video ($video): 206"; else
	not_ok "a range of the video ($video): 206" "got $code"; fi
if curl -sf "$base/_sampan/fonts/NotoSansKhmer-Regular.ttf" -o "$root/font.ttf" &&
	cmp -s "$root/font.ttf" "$root/opt/sampan/share/fonts/NotoSansKhmer-Regular.ttf"; then
	ok "the Khmer font the kit carries is served"
else
	not_ok "the Khmer font the kit carries is served"
fi
pid=$(cat "$root/run/sampan-play.pid" 2>/dev/null)
uid=$(awk '/^Uid:/{print $2}' "/proc/$pid/status" 2>/dev/null)
want=$(chroot "$root" id -u sampan 2>/dev/null)
if [ -n "$uid" ] && [ "$uid" = "$want" ] && [ "$uid" != 0 ]; then
	ok "the server runs as the user sampan (uid $uid), not root"
else
	not_ok "the server runs as the user sampan" "uid $uid, sampan is $want"
fi
if chroot "$root" test -s /usr/local/share/man/man1/sampan-play.1 &&
	chroot "$root" sampan-play --version | grep -q '^sampan-play '; then
	ok "sampan-play is on the PATH (/usr/local/bin), its man page beside"
else
	not_ok "sampan-play is on the PATH (/usr/local/bin), its man page beside"
fi
kill "$pid" 2>/dev/null

# Where systemd runs: stand-ins that log what they are asked.
mkdir -p "$root/run/systemd/system" "$root/usr/local/sbin"
for cmd in systemctl systemd-sysusers systemd-tmpfiles udevadm; do
	printf '#!/bin/sh\necho "%s $*" >>/stand-in.log\n' "$cmd" >"$root/usr/local/sbin/$cmd"
	chmod +x "$root/usr/local/sbin/$cmd"
done
chroot "$root" /usr/bin/env PATH=/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin \
	/bin/sh /media/stick/sampan-kit/install.sh >"$root/install2.out" 2>&1
rc=$?
missing=""
for f in /etc/systemd/system/sampan-play.service /etc/systemd/system/sampan-play.socket \
	/etc/udev/rules.d/90-sampan-media.rules /etc/sysusers.d/sampan-play.conf \
	/etc/tmpfiles.d/sampan-play.conf /opt/sampan/libexec/sampan/sampan-media; do
	[ -s "$root$f" ] || missing="$missing $f"
done
exec_start=$(sed -n 's/^ExecStart=\([^ ]*\) .*/\1/p' "$root/etc/systemd/system/sampan-play.service")
if [ "$rc" -eq 0 ] && [ -z "$missing" ] && [ -x "$root$exec_start" ] &&
	grep -q "^systemd-sysusers /etc/sysusers.d/sampan-play.conf" "$root/stand-in.log" &&
	grep -q "^systemctl enable sampan-play.socket sampan-play.service" "$root/stand-in.log" &&
	grep -q "^systemctl restart sampan-play.socket sampan-play.service" "$root/stand-in.log"; then
	ok "where systemd runs: the units, rule, user and folders installed, the service enabled and started"
else
	not_ok "where systemd runs: the units, rule, user and folders installed, the service enabled and started" \
		"exit $rc, missing:$missing, ExecStart $exec_start" "$(cat "$root/stand-in.log")" "$(tail -5 "$root/install2.out")"
fi
mkdir -p "$root/verify"
for u in sampan-play.socket sampan-play.service; do
	sed "s|/opt/sampan/|$root/opt/sampan/|g" "$root/etc/systemd/system/$u" >"$root/verify/$u"
done
if out=$(MANPATH=$root/opt/sampan/share/man systemd-analyze verify "$root/verify/sampan-play.socket" \
	"$root/verify/sampan-play.service" 2>&1) && [ -z "$out" ]; then
	ok "systemd-analyze verify: the units as the kit installs them"
else
	not_ok "systemd-analyze verify: the units as the kit installs them" "$out"
fi
chroot "$root" /usr/bin/env PATH=/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin \
	/bin/sh /media/stick/sampan-kit/install.sh --remove >"$root/remove.out" 2>&1
rc=$?
left=$(ls -d "$root/opt/sampan" "$root/etc/systemd/system/sampan-play.service" \
	"$root/usr/local/bin/sampan-play" "$root/etc/udev/rules.d/90-sampan-media.rules" 2>/dev/null)
if [ "$rc" -eq 0 ] && [ -z "$left" ] && [ -d "$root/var/lib/sampan/library" ] &&
	[ -e "$root/etc/sampan/trusted.d/test.pub" ]; then
	ok "install.sh --remove takes the programs and the service away, keeps the library and keys"
else
	not_ok "install.sh --remove takes the programs and the service away, keeps the library and keys" \
		"exit $rc, left: $left" "$(cat "$root/remove.out")"
fi
umount "$root/proc"
IN_NETNS
	while IFS= read -r line; do
		case $line in
		"ok - "*) test_ok "${line#ok - }" ;;
		"not ok - "*) test_not_ok "${line#not ok - }" ;;
		"# "*) echo "$line" ;;
		esac
	done <"$WORK/run-$suite.tap"
	if [ -s "$WORK/run-$suite.err" ]; then
		grep -v '^$' "$WORK/run-$suite.err" | head -5 | sed 's/^/# stderr: /'
	fi
	rm -rf "$root"
done

# The arm64 build, under qemu-user, with no arm64 library of this machine in reach.
if [ -d "$KIT/sampan/arm64" ]; then
	a=$KIT/sampan/arm64
	mkdir -p "$WORK/empty" "$WORK/arm64-cache"
	qemu-aarch64-static -L "$WORK/empty" "$a/lib/ld-linux-aarch64.so.1" --library-path "$a/lib" \
		"$a/libexec/sampan-play" serve --bind 127.0.0.1 --port 0 -q --trust "$VECTORS/test.pub" \
		--cache "$WORK/arm64-cache" --fonts "$KIT/sampan/share/fonts" "$WORK/stick" \
		>"$WORK/arm64.out" 2>"$WORK/arm64.err" &
	apid=$!
	url=
	for _ in $(seq 300); do
		url=$(sed -n 's/^Serving at //p' "$WORK/arm64.out" | head -1)
		[ -n "$url" ] && break
		sleep 0.1
	done
	if [ -n "$url" ] && curl -sf "${url}api/catalog.json" | grep -q '"org.example.village-pump"'; then
		test_ok "arm64: the kit's sampan-play serves the stick under qemu-user, with its own libraries only"
	else
		test_not_ok "arm64: the kit's sampan-play serves the stick under qemu-user, with its own libraries only" \
			"$(head -5 "$WORK/arm64.err")"
	fi
	kill "$apid" 2>/dev/null
	wait "$apid" 2>/dev/null
fi

summary
