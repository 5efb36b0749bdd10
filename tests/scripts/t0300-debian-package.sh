#!/bin/bash
# t0300-debian-package.sh - debian/ stays in step with the project: its
# Build-Depends name every -dev package scripts/install-deps.sh installs, and
# its version is the Makefile's.
source "$(dirname "$0")/../lib/test-lib.sh"

# The packages install-deps.sh installs without a profile, and debian/control's Build-Depends.
deps=$(sed -n '/^PACKAGES="$/,/^"$/p' "$TOP/scripts/install-deps.sh" | grep -v '"' | tr ' ' '\n' |
	grep -- '-dev$' | sort -u)
build_deps=$(sed -n '/^Build-Depends:/,/^[A-Z]/p' "$TOP/debian/control" | sed -n 's/^ \([a-z0-9.+-]*\).*/\1/p' |
	sort -u)
test_expect_success 'debian/control Build-Depends on every -dev package of install-deps.sh' '
	test -n "$deps" &&
	missing=$(comm -23 <(echo "$deps") <(echo "$build_deps") | tr "\n" " ") &&
	echo "missing: $missing" && test -z "$missing"
'
for tool in pkg-config scdoc debhelper-compat; do
	test_expect_success "debian/control Build-Depends on $tool" "grep -qx $tool <<<\"\$build_deps\""
done

# A library the player opens itself (dlopen) is no dependency dpkg-shlibdeps can see:
# sampan-play must Depend on its package (Debian names it after the soname).
for lib in $(sed -n 's/^#define [A-Z_]*_LIB "\(lib[^"]*\.so\.[^"]*\)"$/\1/p' "$TOP"/player/*.c); do
	pkg=$(sed 's/\.so\.//' <<<"$lib")
	test_expect_success "sampan-play Depends on $pkg, for $lib which the player opens itself" "
		sed -n '/^Package: sampan-play\$/,/^\$/p' \"\$TOP/debian/control\" | grep -q '^ $pkg,'
	"
done

test_expect_success "debian/changelog's version is the Makefile's" '
	make_version=$(sed -n "s/^VERSION := //p" "$TOP/Makefile") &&
	deb_version=$(sed -n "1s/^sampan (\([^)]*\)).*/\1/p" "$TOP/debian/changelog") &&
	test -n "$make_version" && test_equal "$make_version" "$deb_version"
'
test_done
