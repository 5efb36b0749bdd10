#!/bin/bash
# layers.sh BUILD_DIR - the floors hold: bundle/ <- common/ <- builder/ and
# player/, and builder/ and player/ never reach each other.  Proved twice:
#
# from the objects (nm), so that no Makefile flag or stray declaration hides a
# call: sampan-play holds no symbol of the builder's library, sampan-build none
# of the player's; the undefined references of libsampan-bundle.a name nothing
# the floor or the programs define (only its own objects, libc and the libraries
# it links), those of libsampan-common.a nothing of the programs;
#
# from the sources: every #include "..." of a folder names a header of that
# folder or of a floor below it, and only the doors include <jansson.h>.
#
# Prints each breach and exits 1 when there is one.
set -u
build=${1:?usage: layers.sh BUILD_DIR}
status=0
breach() {
	echo "layers: $*" >&2
	status=1
}

for f in libsampan-bundle.a libsampan-common.a libsampan-builder.a libsampan-player.a \
	sampan-build sampan-play; do
	if [ ! -e "$build/$f" ]; then
		breach "$build/$f: not built (make O=$build all first)"
		exit 1
	fi
done

# The global symbols each library defines, and those it leaves undefined.
defined() { nm -g --defined-only "$1" 2>/dev/null | awk 'NF == 3 { print $3 }' | sort -u; }
undefined() { nm -g --undefined-only "$1" 2>/dev/null | awk '{ print $NF }' | sort -u; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for lib in bundle common builder player; do
	defined "$build/libsampan-$lib.a" >"$tmp/$lib.def"
	undefined "$build/libsampan-$lib.a" >"$tmp/$lib.undef"
done
defined "$build/sampan-build" >"$tmp/sampan-build.def"
defined "$build/sampan-play" >"$tmp/sampan-play.def"

# names in file a that are also in file b: "WHAT: n symbols (first few)"
common_names() {
	local what=$1 a=$2 b=$3 n
	n=$(comm -12 "$a" "$b" | wc -l)
	if [ "$n" -gt 0 ]; then
		breach "$what: $n symbols ($(comm -12 "$a" "$b" | head -5 | tr '\n' ' '))"
	fi
}
common_names "sampan-play holds the builder's code" "$tmp/sampan-play.def" "$tmp/builder.def"
common_names "sampan-build holds the player's code" "$tmp/sampan-build.def" "$tmp/player.def"
# A library's own undefined references between its objects are fine: what it
# leaves undefined and does not define itself must come from below.
comm -23 "$tmp/bundle.undef" "$tmp/bundle.def" >"$tmp/bundle.out"
comm -23 "$tmp/common.undef" "$tmp/common.def" >"$tmp/common.out"
comm -23 "$tmp/builder.undef" "$tmp/builder.def" >"$tmp/builder.out"
comm -23 "$tmp/player.undef" "$tmp/player.def" >"$tmp/player.out"
common_names "libsampan-bundle.a calls the floor" "$tmp/bundle.out" "$tmp/common.def"
common_names "libsampan-bundle.a calls the builder" "$tmp/bundle.out" "$tmp/builder.def"
common_names "libsampan-bundle.a calls the player" "$tmp/bundle.out" "$tmp/player.def"
common_names "libsampan-common.a calls the builder" "$tmp/common.out" "$tmp/builder.def"
common_names "libsampan-common.a calls the player" "$tmp/common.out" "$tmp/player.def"
common_names "libsampan-builder.a calls the player" "$tmp/builder.out" "$tmp/player.def"
common_names "libsampan-player.a calls the builder" "$tmp/player.out" "$tmp/builder.def"

# Includes: each folder sees its own headers and those of the floors below.
top=$(cd "$(dirname "$0")/.." && pwd)
declare -A below=([bundle]="bundle" [common]="common bundle" [builder]="builder common bundle"
	[player]="player common bundle")
for dir in bundle common builder player; do
	for src in "$top/$dir"/*.[ch]; do
		[ -e "$src" ] || continue
		while IFS= read -r name; do
			found=""
			for d in ${below[$dir]}; do
				if [ -e "$top/$d/$name" ]; then
					found=$d
					break
				fi
			done
			if [ -z "$found" ]; then
				for other in bundle common builder player; do
					if [ -e "$top/$other/$name" ]; then
						breach "$dir/${src##*/} includes $other/$name"
					fi
				done
			fi
		done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$src")
	done
done

# Doors: jansson is the format's own in bundle/ (course.json) and the
# programs' in common/json.c; nothing else of the four folders includes it.
for src in "$top"/builder/*.[ch] "$top"/common/*.[ch] "$top"/player/*.[ch]; do
	[ -e "$src" ] || continue
	case $src in */common/json.c) continue ;; esac
	if grep -Eq '^[[:space:]]*#[[:space:]]*include[[:space:]]*<jansson\.h>' "$src"; then
		rel=${src#"$top"/}
		breach "$rel includes <jansson.h>: JSON is written through common/json.h"
	fi
done
exit $status
