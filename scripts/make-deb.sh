#!/bin/bash
# make-deb.sh [ARCH] - build Sampan's Debian packages into build/deb/ (make deb).
#
# The tree is copied (without build/ and .git) into build/deb/src-ARCH/ and built
# there with dpkg-buildpackage -us -uc -b, so that the build writes nothing in
# the source tree or beside it; the .deb, .buildinfo and .changes files land in
# build/deb/.  ARCH other than this machine's (arm64) cross-builds with the
# `cross` and `nocheck` build profiles: the tests of those binaries run under
# qemu (make test-arm64).  Then lintian checks the packages and fails on any
# error or warning.  DEB_BUILD_OPTIONS (nocheck, parallel=N) is passed on.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
host=$(dpkg --print-architecture)
arch=${1:-$host}
out=$top/build/deb
src=$out/src-$arch
version=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)

mkdir -p "$out"
rm -rf "$src"
mkdir -p "$src/sampan-$version"
(cd "$top" && tar --exclude=./build --exclude=./.git -cf - .) | tar -xf - -C "$src/sampan-$version"

args=(-us -uc -b)
if [ "$arch" != "$host" ]; then
	args+=(-a "$arch" -Pcross,nocheck)
	export DEB_BUILD_OPTIONS="${DEB_BUILD_OPTIONS:-} nocheck"
fi
if [[ " ${DEB_BUILD_OPTIONS:-} " != *" parallel="* ]]; then
	export DEB_BUILD_OPTIONS="${DEB_BUILD_OPTIONS:-} parallel=$(nproc)"
fi
echo "make-deb: dpkg-buildpackage ${args[*]} (DEB_BUILD_OPTIONS=$DEB_BUILD_OPTIONS)" >&2
(cd "$src/sampan-$version" && dpkg-buildpackage "${args[@]}") >"$out/build-$arch.log" 2>&1 || {
	tail -40 "$out/build-$arch.log" >&2
	echo "make-deb: the build failed; its log is build/deb/build-$arch.log" >&2
	exit 1
}
changes=sampan_${version}_$arch.changes
for f in $(awk '/^Files:/{f=1;next} /^[A-Z]/{f=0} f{print $5}' "$src/$changes") "$changes"; do
	mv -f "$src/$f" "$out/"
done
rm -rf "$src"

# lintian: no error and no warning (informational tags are printed, not failed on).
if ! lintian --fail-on error,warning --info "$out/$changes" >"$out/lintian-$arch.log" 2>&1; then
	cat "$out/lintian-$arch.log" >&2
	echo "make-deb: lintian found errors or warnings (build/deb/lintian-$arch.log)" >&2
	exit 1
fi
echo "make-deb: lintian: no error, no warning" >&2
(cd "$out" && ls -1 ./*_"$arch".deb ./*_all.deb 2>/dev/null | sed 's|^\./|make-deb: build/deb/|') >&2
