#!/bin/bash
# debian-package.sh - debian/ stays in step with the project: its Build-Depends
# name every -dev package scripts/install-deps.sh installs, and its version is
# the Makefile's.  Prints TAP.
source "$(dirname "$0")/../lib/tap.sh"

# The packages install-deps.sh installs without a profile.
deps=$(sed -n '/^PACKAGES="$/,/^"$/p' "$TOP/scripts/install-deps.sh" | grep -v '"' | tr ' ' '\n' |
	grep -- '-dev$' | sort -u)
build_deps=$(sed -n '/^Build-Depends:/,/^[A-Z]/p' "$TOP/debian/control" | sed -n 's/^ \([a-z0-9.+-]*\).*/\1/p' |
	sort -u)
missing=$(comm -23 <(echo "$deps") <(echo "$build_deps") | tr '\n' ' ')
if [ -n "$deps" ] && [ -z "$missing" ]; then
	ok "debian/control Build-Depends on the $(echo "$deps" | wc -l) -dev packages of install-deps.sh"
else
	not_ok "debian/control Build-Depends on every -dev package of install-deps.sh" "missing: $missing"
fi
for tool in pkg-config scdoc debhelper-compat; do
	if grep -qx "$tool" <<<"$build_deps"; then ok "debian/control Build-Depends on $tool"; else
		not_ok "debian/control Build-Depends on $tool"; fi
done

# A library the player opens itself (dlopen) is no dependency dpkg-shlibdeps can see:
# sampan-play must Depend on its package (Debian names it after the soname).
for lib in $(sed -n 's/^#define [A-Z_]*_LIB "\(lib[^"]*\.so\.[^"]*\)"$/\1/p' "$TOP"/player/*.c); do
	pkg=$(sed 's/\.so\.//' <<<"$lib")
	if sed -n '/^Package: sampan-play$/,/^$/p' "$TOP/debian/control" | grep -q "^ $pkg,"; then
		ok "sampan-play Depends on $pkg, for $lib which the player opens itself"
	else
		not_ok "sampan-play Depends on $pkg, for $lib which the player opens itself"
	fi
done

make_version=$(sed -n 's/^VERSION := //p' "$TOP/Makefile")
deb_version=$(sed -n '1s/^sampan (\([^)]*\)).*/\1/p' "$TOP/debian/changelog")
if [ -n "$make_version" ] && [ "$make_version" = "$deb_version" ]; then
	ok "debian/changelog's version is the Makefile's ($make_version)"
else
	not_ok "debian/changelog's version is the Makefile's" "Makefile: $make_version, debian/changelog: $deb_version"
fi

done_testing
