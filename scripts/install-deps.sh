#!/bin/sh
# install-deps.sh - install the Debian packages Sampan needs to build and test, only those missing.
# ffmpeg, librsvg2-bin and the fonts make the sample courses' video, PNG and PDF files
# (samples/make-media.sh): Noto for Thai, Khmer, Burmese and Latin, WenQuanYi for Chinese.
# libstemmer-dev: Snowball's stemmers (and libstemmer0d, which sampan-play opens when a
# search first needs a stem), so that search in English, Malay and Indonesian finds the
# other forms of a word (player/variants.c).
# gettext: msgfmt compiles the player's interface translations (po/*.po) at build time,
# xgettext, msgmerge and msgcmp keep them in step with the code (make pot, make lint).
# librsync-dev: the binary deltas of update files (format-spec, section 21.5): applying one
# streams with a few hundred kilobytes of memory whatever the size of the video, which a
# Raspberry Pi with 1 GB needs; rdiff, its command, is the stock tool the tests apply the
# vectors' deltas with.
# libgumbo-dev is the HTML5 parser the builder's sanitizer of lessons' HTML is built on.
# dosfstools and fusefat give the tests a real FAT file system, as on a USB stick, without
# the kernel's vfat (a mkfs.vfat image mounted through FUSE).
# scdoc makes the man pages (man/*.scd); groff-base renders them in the tests; systemd
# brings systemd-analyze, which checks the service units in the tests.
# Run by `make test`, `make check`, `make fuzz`, `make test-browser`, `make bench` and CI.
# Needs root (or sudo) when something is missing.
set -eu

PACKAGES="
gcc make pkg-config
libzip-dev zlib1g-dev libsodium-dev libssl-dev libjansson-dev libicu-dev
libcmark-gfm-dev libcmark-gfm-extensions-dev libarchive-dev libyaml-dev libgumbo-dev
libmicrohttpd-dev libqrencode-dev libsqlite3-dev libstemmer-dev curl librsync-dev rdiff
libcmocka-dev valgrind clang-format cppcheck dosfstools fusefat gettext
minisign unzip zip python3 python3-nacl
ffmpeg librsvg2-bin fontconfig fonts-noto-core fonts-wqy-microhei
scdoc groff-base systemd
"
# Profiles (several may be given) add what one target needs:
# `fuzz` (make fuzz): clang and its libFuzzer runtime (a Recommends, which
# --no-install-recommends would skip).
# `browser` (make test-browser, make screenshots): Debian's Chromium, and Node.js with npm where
# the machine has no node of its own; `weblint` (make lint: stylelint and ESLint on the player's
# CSS and JS, npm packages) the latter alone.
# `bench` (make bench): the peers Sampan is measured against and the tools that measure:
# nginx, kiwix-serve, zimwriterfs, wrk, gnuplot (without X), openssl's command.  On a machine
# run by systemd, Debian's nginx package also starts nginx on port 80; the benchmarks run their
# own on a free port of 127.0.0.1.
# `deb` (make deb): debhelper, and lintian to check the packages.
# `arm64` (make deb ARCH=arm64, make test-arm64): the cross compiler, every -dev package above
# for arm64 (Debian's multiarch: the architecture is added to dpkg first), and qemu-user-static
# to run the arm64 programs.
# `kit` (make kit, make test-kit): mmdebstrap to make the Debian 12 and 13 systems the kit is
# installed in, and ip and unshare to cut them off the network.
DEV_PACKAGES=$(printf '%s\n' $PACKAGES | grep -- '-dev$')
for profile in "$@"; do
	case $profile in
	fuzz) PACKAGES="$PACKAGES clang libclang-rt-14-dev" ;;
	browser)
		PACKAGES="$PACKAGES chromium"
		if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
			PACKAGES="$PACKAGES nodejs npm"
		fi
		;;
	weblint)
		if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
			PACKAGES="$PACKAGES nodejs npm"
		fi
		;;
	bench) PACKAGES="$PACKAGES nginx kiwix-tools zim-tools wrk gnuplot-nox openssl" ;;
	deb) PACKAGES="$PACKAGES debhelper dpkg-dev lintian" ;;
	arm64)
		if ! dpkg --print-foreign-architectures | grep -qx arm64; then
			echo "install-deps: adding arm64 to dpkg's architectures" >&2
			if [ "$(id -u)" -eq 0 ]; then dpkg --add-architecture arm64; else sudo dpkg --add-architecture arm64; fi
		fi
		PACKAGES="$PACKAGES crossbuild-essential-arm64 qemu-user-static pkg-config:arm64"
		for p in $DEV_PACKAGES; do PACKAGES="$PACKAGES $p:arm64"; done
		;;
	kit) PACKAGES="$PACKAGES mmdebstrap iproute2 util-linux" ;;
	*)
		echo "install-deps: unknown profile: $profile" >&2
		exit 2
		;;
	esac
done

# A package counts when installed for this machine's architecture (or all), or for the one
# its name asks (libzip-dev:arm64): with a foreign architecture added, one name may be
# installed twice.
native=$(dpkg --print-architecture)
missing=""
for p in $PACKAGES; do
	case $p in
	*:*) want=${p#*:} ;;
	*) want=$native ;;
	esac
	if ! dpkg-query -W -f='${Status} ${Architecture}\n' "$p" 2>/dev/null |
		grep -Eqx "install ok installed ($want|all)"; then
		missing="$missing $p"
	fi
done

[ -z "$missing" ] && exit 0

echo "install-deps: installing:$missing" >&2
if [ "$(id -u)" -eq 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1; then
	SUDO="sudo"
else
	echo "install-deps: run as root: apt-get install$missing" >&2
	exit 3
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >/dev/null
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing >/dev/null
