#!/bin/bash
# make-kit.sh - the offline kit, build/kit/ (make kit): copied onto a USB stick beside the
# bundles, it installs the classroom server on Debian 12 and 13, Raspberry Pi OS bookworm
# and trixie, Ubuntu 22.04 and 24.04, on amd64 and arm64, with no network.
#
# The kit carries portable builds: each program with every library it loads, Debian 12's
# own, down to the C library and its dynamic loader, which runs the program (bin/ holds
# small scripts that call it).  So the programs need nothing from the system but a Linux
# kernel of the same architecture, whatever C library and library versions the system
# has.  (A static link cannot be made from Debian's archives alone: libzip and libqrencode
# ship no static archive, and libmicrohttpd's pulls in GnuTLS, whose p11-kit has none.)
#
#   build/kit/install.sh         the one command a teacher runs (kit/install.sh)
#   build/kit/GUIDE.html         the one-page guide, in the ten interface languages
#   build/kit/keys/              the publishers' KEY.pub files the machine will trust
#   build/kit/sampan/ARCH/       bin/ (the scripts), libexec/ (the programs, the stick
#                                helper), lib/ (the libraries and the loader)
#   build/kit/sampan/share/      the Noto fonts for Khmer, Lao and Burmese (with their
#                                licence), the man pages, the service's units and rules
#   build/kit/SHA256SUMS         install.sh checks every file against it first
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
kit=build/kit
obj=build/kit-obj
prefix=/opt/sampan
archs=${KIT_ARCHS:-amd64 arm64}
noto=/usr/share/fonts/truetype/noto
jobs=$(nproc)
dlopened=$(sed -n 's/^#define STEMMER_LIB "\(.*\)"$/\1/p' player/variants.c)

rm -rf "$kit.new"
mkdir -p "$kit.new/keys" "$kit.new/sampan/share/fonts" "$kit.new/sampan/share/man/man1" \
	"$kit.new/sampan/share/man/man5" "$kit.new/sampan/share/service"

# triplet ARCH, loader ARCH: the GNU triplet and the dynamic loader's path.
triplet() { case $1 in amd64) echo x86_64-linux-gnu ;; arm64) echo aarch64-linux-gnu ;; esac; }
loader() { case $1 in amd64) echo /lib64/ld-linux-x86-64.so.2 ;; arm64) echo /lib/ld-linux-aarch64.so.1 ;; esac; }

# The file that provides library NAME for triplet T, as the loader would find it.
find_lib() {
	local d
	for d in "/lib/$2" "/usr/lib/$2" /lib /usr/lib; do
		if [ -e "$d/$1" ]; then
			readlink -f "$d/$1"
			return 0
		fi
	done
	return 1
}

for arch in $archs; do
	t=$(triplet "$arch")
	[ -n "$t" ] || { echo "make-kit: unknown architecture $arch" >&2; exit 2; }
	echo "make-kit: building sampan-build and sampan-play for $arch" >&2
	cross=()
	if [ "$arch" != "$(dpkg --print-architecture)" ]; then
		cross=(CC="$t-gcc" AR="$t-ar" PKG_CONFIG="$t-pkg-config")
	fi
	make --no-print-directory -j"$jobs" O="$obj/$arch" "${cross[@]}" \
		CFLAGS="-O2 -g -fstack-protector-strong -D_FORTIFY_SOURCE=2" \
		LDFLAGS="-Wl,-z,relro -Wl,-z,now -Wl,--as-needed" all >"$obj-$arch.log" 2>&1 || {
		tail -20 "$obj-$arch.log" >&2
		exit 1
	}
	dest=$kit.new/sampan/$arch
	mkdir -p "$dest/bin" "$dest/lib" "$dest/libexec/sampan"
	for prog in sampan-play sampan-build; do
		"$t-strip" -o "$dest/libexec/$prog" "$obj/$arch/$prog"
	done
	# Every library the programs load, and those they load in turn; and those they open
	# themselves when needed (dlopen: search's stemmers, player/variants.c).
	todo="$(for p in "$dest"/libexec/sampan-*; do readelf -d "$p"; done |
		sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort -u) $dlopened"
	done_libs=" "
	while [ -n "$todo" ]; do
		next=""
		for name in $todo; do
			case $done_libs in *" $name "*) continue ;; esac
			done_libs="$done_libs$name "
			file=$(find_lib "$name" "$t") || { echo "make-kit: $arch: $name not found" >&2; exit 1; }
			cp "$file" "$dest/lib/$name"
			chmod 0644 "$dest/lib/$name"
			next="$next $(readelf -d "$file" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')"
		done
		todo=$next
	done
	ld=$(loader "$arch")
	cp "$(readlink -f "$ld")" "$dest/lib/$(basename "$ld")"
	chmod 0755 "$dest/lib/$(basename "$ld")"
	for prog in sampan-play sampan-build; do
		cat >"$dest/bin/$prog" <<SH
#!/bin/sh
# $prog of the Sampan kit: the program with the libraries beside it, run by their own
# loader, so that it needs nothing from the system but the kernel.
here=\$(dirname "\$(readlink -f "\$0")")/..
exec "\$here/lib/$(basename "$ld")" --library-path "\$here/lib" --argv0 "\$0" \\
	"\$here/libexec/$prog" "\$@"
SH
		chmod 0755 "$dest/bin/$prog"
	done
done

# The service's files for this layout, the man pages (arch-independent).
make --no-print-directory O="$obj/share" BINDIR=$prefix/bin LIBEXECDIR=$prefix/libexec \
	FONTSDIR=$prefix/share/fonts man service >/dev/null
cp "$obj/share/service/sampan-play.service" "$obj/share/service/sampan-media.rules" \
	"$obj/share/service/sampan-play.tmpfiles" service/sampan-play.socket \
	service/sampan-play.conf service/sampan-play.sysusers service/trusted.d-README \
	"$kit.new/sampan/share/service/"
for arch in $archs; do
	install -m 0755 "$obj/share/service/sampan-media" "$kit.new/sampan/$arch/libexec/sampan/"
done
cp "$obj"/share/man/*.1 "$kit.new/sampan/share/man/man1/"
cp "$obj"/share/man/*.5 "$kit.new/sampan/share/man/man5/"
for f in NotoSansKhmer-Regular.ttf NotoSansLao-Regular.ttf NotoSansMyanmar-Regular.ttf; do
	cp "$noto/$f" "$kit.new/sampan/share/fonts/"
done
cp /usr/share/doc/fonts-noto-core/copyright "$kit.new/sampan/share/fonts/COPYRIGHT-fonts-noto-core"
install -m 0755 kit/install.sh "$kit.new/install.sh"
cp kit/GUIDE.html "$kit.new/GUIDE.html"
cp kit/keys-README.txt "$kit.new/keys/README.txt"
sed -n 's/^VERSION := //p' Makefile >"$kit.new/sampan/VERSION"

(cd "$kit.new" && find . -type f ! -name SHA256SUMS -printf '%P\n' | LC_ALL=C sort |
	xargs -d '\n' sha256sum >SHA256SUMS)
rm -rf "$kit"
mv "$kit.new" "$kit"
echo "make-kit: $kit: $(du -sh "$kit" | cut -f1) ($(for a in $archs; do printf '%s %s, ' "$a" "$(du -sh "$kit/sampan/$a" | cut -f1)"; done)shared $(du -sh "$kit/sampan/share" | cut -f1))" >&2
