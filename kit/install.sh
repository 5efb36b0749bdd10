#!/bin/sh
# install.sh - make this machine a Sampan classroom server, from this kit alone (no network).
#
#   sudo sh install.sh            install, then serve (see below)
#   sudo sh install.sh --remove   remove what install.sh installed (the courses and keys stay)
#
# It checks every file of the kit against SHA256SUMS, copies the programs for this machine
# (amd64 or arm64) to /opt/sampan, the publishers' keys of keys/ to /etc/sampan/trusted.d,
# and makes the library folder /var/lib/sampan/library.  Then:
#  - where systemd runs the machine: the service sampan-play serves on port 80, at every
#    start of the machine, the library folder and every USB stick plugged in;
#  - elsewhere (a container, a chroot, another init): it starts serving at once, on port
#    8080 (SAMPAN_PORT), the library folder and the folder that holds this kit (the stick).
# Settings: /etc/sampan/sampan-play.conf.  Works on Debian 12 and 13, Raspberry Pi OS
# (64-bit) bookworm and trixie, Ubuntu 22.04 and 24.04.
set -eu
umask 022

kit=$(cd "$(dirname "$0")" && pwd)
prefix=/opt/sampan
etc=/etc/sampan
library=/var/lib/sampan/library
port=${SAMPAN_PORT:-8080}

say() { printf '%s\n' "$*"; }
fail() {
	printf 'install.sh: %s\n' "$*" >&2
	exit 1
}

if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		exec sudo SAMPAN_PORT="$port" sh "$0" "$@"
	fi
	fail "run me as root: su -c 'sh $0'"
fi

systemd_runs() { [ -d /run/systemd/system ]; }

remove() {
	if systemd_runs; then
		systemctl disable --now sampan-play.socket sampan-play.service >/dev/null 2>&1 || true
	fi
	if [ -r /run/sampan-play.pid ]; then
		kill "$(cat /run/sampan-play.pid)" 2>/dev/null || true
		rm -f /run/sampan-play.pid
	fi
	rm -f /etc/systemd/system/sampan-play.service /etc/systemd/system/sampan-play.socket \
		/etc/udev/rules.d/90-sampan-media.rules /etc/sysusers.d/sampan-play.conf \
		/etc/tmpfiles.d/sampan-play.conf /usr/local/bin/sampan-play /usr/local/bin/sampan-build \
		/usr/local/share/man/man1/sampan-play.1 /usr/local/share/man/man1/sampan-build.1 \
		/usr/local/share/man/man5/sampan-bundle.5
	rm -rf "$prefix"
	if systemd_runs; then
		systemctl daemon-reload || true
	fi
	say "Sampan is removed. The courses in $library and the keys in $etc stay."
}

case "${1:-}" in
--remove)
	remove
	exit 0
	;;
"") ;;
*)
	say "usage: sh install.sh [--remove]" >&2
	exit 2
	;;
esac

case $(uname -m) in
x86_64 | amd64) arch=amd64 ;;
aarch64 | arm64) arch=arm64 ;;
armv7l | armv6l | armhf)
	fail "this is a 32-bit ARM system: install the 64-bit Raspberry Pi OS (arm64) and run me again" ;;
*) fail "no build for this processor ($(uname -m)): the kit has amd64 and arm64" ;;
esac
[ -d "$kit/sampan/$arch" ] || fail "$kit/sampan/$arch is missing: copy the whole kit folder"

say "Checking the kit's files..."
if command -v sha256sum >/dev/null 2>&1; then
	(cd "$kit" && sha256sum --quiet -c SHA256SUMS) ||
		fail "some files of the kit are damaged (above): copy the kit onto the stick again"
else
	say "(sha256sum is missing: the files are not checked)"
fi

say "Installing Sampan $(cat "$kit/sampan/VERSION") for $arch in $prefix..."
rm -rf "$prefix.new"
mkdir -p "$prefix.new"
cp -R "$kit/sampan/$arch/." "$prefix.new/"
cp -R "$kit/sampan/share" "$prefix.new/share"
cp "$kit/sampan/VERSION" "$prefix.new/"
rm -rf "$prefix.old"
[ ! -e "$prefix" ] || mv "$prefix" "$prefix.old"
mv "$prefix.new" "$prefix"
rm -rf "$prefix.old"
"$prefix/bin/sampan-play" --version >/dev/null 2>&1 ||
	fail "$prefix/bin/sampan-play does not run on this machine"

mkdir -p /usr/local/bin /usr/local/share/man/man1 /usr/local/share/man/man5 "$etc/trusted.d" "$library"
ln -sf "$prefix/bin/sampan-play" /usr/local/bin/sampan-play
ln -sf "$prefix/bin/sampan-build" /usr/local/bin/sampan-build
ln -sf "$prefix/share/man/man1/sampan-play.1" /usr/local/share/man/man1/sampan-play.1
ln -sf "$prefix/share/man/man1/sampan-build.1" /usr/local/share/man/man1/sampan-build.1
ln -sf "$prefix/share/man/man5/sampan-bundle.5" /usr/local/share/man/man5/sampan-bundle.5
[ -e "$etc/sampan-play.conf" ] || cp "$prefix/share/service/sampan-play.conf" "$etc/"
cp "$prefix/share/service/trusted.d-README" "$etc/trusted.d/README"
keys=0
for k in "$kit"/keys/*.pub; do
	[ -f "$k" ] || continue
	cp "$k" "$etc/trusted.d/"
	keys=$((keys + 1))
done
say "Publishers trusted: $(ls "$etc/trusted.d" | grep -c '\.pub$') ($keys from the kit's keys folder)."

if systemd_runs; then
	say "Installing the service (systemd)..."
	install -m 0644 "$prefix/share/service/sampan-play.service" \
		"$prefix/share/service/sampan-play.socket" /etc/systemd/system/
	mkdir -p /etc/udev/rules.d /etc/sysusers.d /etc/tmpfiles.d
	install -m 0644 "$prefix/share/service/sampan-media.rules" /etc/udev/rules.d/90-sampan-media.rules
	install -m 0644 "$prefix/share/service/sampan-play.sysusers" /etc/sysusers.d/sampan-play.conf
	install -m 0644 "$prefix/share/service/sampan-play.tmpfiles" /etc/tmpfiles.d/sampan-play.conf
	systemd-sysusers /etc/sysusers.d/sampan-play.conf
	systemd-tmpfiles --create /etc/tmpfiles.d/sampan-play.conf
	udevadm control --reload >/dev/null 2>&1 || true
	systemctl daemon-reload
	systemctl enable sampan-play.socket sampan-play.service
	if ! systemctl restart sampan-play.socket sampan-play.service; then
		fail "the service did not start: is another program on port 80? (ss -ltnp 'sport = :80' tells)
To use another port: systemctl edit sampan-play.socket, then under [Socket]: ListenStream= and
ListenStream=8080 on two lines; then sh install.sh again.  Its messages: journalctl -u sampan-play"
	fi
	say ""
	say "Sampan serves the courses on this machine's network:"
	for a in $(hostname -I 2>/dev/null); do
		case $a in *:*) ;; *) say "  http://$a/" ;; esac
	done
	say "Plug in the stick with the courses (take this one out and in again if the courses are"
	say "on it too): its courses appear within seconds. Or copy .sampan files into $library."
	exit 0
fi

# No systemd: serve now, as the user sampan, until the machine stops.
if ! id sampan >/dev/null 2>&1; then
	if command -v useradd >/dev/null 2>&1; then
		useradd --system --user-group --no-create-home --home-dir /nonexistent \
			--shell /usr/sbin/nologin sampan
	elif command -v adduser >/dev/null 2>&1; then
		adduser --system --group --no-create-home --home /nonexistent sampan
	fi
fi
mkdir -p /var/cache/sampan
run_as=""
if id sampan >/dev/null 2>&1 && command -v setpriv >/dev/null 2>&1; then
	chown sampan:sampan /var/cache/sampan
	run_as="setpriv --reuid=sampan --regid=sampan --init-groups --"
else
	say "(no user sampan could be made: serving as root)"
fi
if [ -r /run/sampan-play.pid ]; then
	kill "$(cat /run/sampan-play.pid)" 2>/dev/null || true
fi
stick=$(cd "$kit/.." && pwd)
log=/var/log/sampan-play.log
say "systemd is not running this machine: serving now, on port $port."
# shellcheck disable=SC2086
nohup $run_as "$prefix/bin/sampan-play" serve --port "$port" --trust-dir "$etc/trusted.d" \
	--cache /var/cache/sampan --fonts "$prefix/share/fonts" "$library" "$stick" \
	</dev/null >"$log" 2>&1 &
echo $! >/run/sampan-play.pid
i=0
while [ $i -lt 100 ] && ! grep -q '^Serving at' "$log" 2>/dev/null; do
	if ! kill -0 "$(cat /run/sampan-play.pid)" 2>/dev/null; then
		cat "$log" >&2
		fail "sampan-play stopped (its messages are above)"
	fi
	sleep 0.1
	i=$((i + 1))
done
grep '^Serving at' "$log" || fail "sampan-play did not start: see $log"
say "Its messages go to $log. To stop it: kill \$(cat /run/sampan-play.pid)"
