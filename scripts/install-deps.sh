#!/bin/sh
# install-deps.sh - install the Debian packages Sampan needs to build and test, only those missing.
# ffmpeg, librsvg2-bin and the fonts make the sample courses' video, PNG and PDF files
# (samples/make-media.sh): Noto for Thai, Khmer, Burmese and Latin, WenQuanYi for Chinese.
# libstemmer-dev: Snowball's stemmers (and libstemmer0d, which sampan-play opens when a
# search first needs a stem), so that search in English, Malay and Indonesian finds the
# other forms of a word (player/variants.c).
# libgumbo-dev is the HTML5 parser the builder's sanitizer of lessons' HTML is built on.
# dosfstools and fusefat give the tests a real FAT file system, as on a USB stick, without
# the kernel's vfat (a mkfs.vfat image mounted through FUSE).
# scdoc makes the man pages (man/*.scd); groff-base renders them in the tests.
# Run by `make test`, `make check`, `make fuzz`, `make test-browser`, `make bench` and CI.
# Needs root (or sudo) when something is missing.
set -eu

PACKAGES="
gcc make pkg-config
libzip-dev zlib1g-dev libsodium-dev libssl-dev libjansson-dev libicu-dev
libcmark-gfm-dev libcmark-gfm-extensions-dev libarchive-dev libyaml-dev libgumbo-dev
libmicrohttpd-dev libqrencode-dev libsqlite3-dev libstemmer-dev curl
libcmocka-dev valgrind clang-format cppcheck dosfstools fusefat
minisign unzip zip python3 python3-nacl
ffmpeg librsvg2-bin fontconfig fonts-noto-core fonts-wqy-microhei
scdoc groff-base
"
# `install-deps.sh fuzz` (make fuzz) adds clang and its libFuzzer runtime (a Recommends,
# which --no-install-recommends would skip).
if [ "${1:-}" = fuzz ]; then
	PACKAGES="$PACKAGES clang libclang-rt-14-dev"
fi
# `install-deps.sh browser` (make test-browser, make screenshots) adds Debian's Chromium, and
# Node.js with npm where the machine has no node of its own.
if [ "${1:-}" = browser ]; then
	PACKAGES="$PACKAGES chromium"
	if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
		PACKAGES="$PACKAGES nodejs npm"
	fi
fi
# `install-deps.sh bench` (make bench) adds the peers Sampan is measured against and the tools
# that measure: nginx, kiwix-serve, zimwriterfs, wrk, gnuplot (without X), openssl's command.
# On a machine run by systemd, Debian's nginx package also starts nginx on port 80; the
# benchmarks run their own on a free port of 127.0.0.1.
if [ "${1:-}" = bench ]; then
	PACKAGES="$PACKAGES nginx kiwix-tools zim-tools wrk gnuplot-nox openssl"
fi

missing=""
for p in $PACKAGES; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$status" in
	"install ok installed") ;;
	*) missing="$missing $p" ;;
	esac
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
