#!/bin/bash
# t1100-samples.sh - every sample course: its media made by free tools, built
# twice to the same bytes, built from a .tar.gz of its folder to the same
# bytes, verified by sampan-build and by stock tools, and its pages work from
# disk.
source "$(dirname "$0")/../lib/test-lib.sh"
KEY=$TOP/samples/keys/sample.key
PUB=$TOP/samples/keys/sample.pub

test_setup 'samples/make-media.sh makes the sample media' '
	bash "$TOP/samples/make-media.sh"
'
for dir in "$TOP"/samples/*/; do
	[ -f "$dir/course.yml" ] || continue
	name=$(basename "$dir")
	test_setup "$name: built, and unzipped" "
		\"\$B\" build '$dir' -k \"\$KEY\" -o $name.sampan -q &&
		mkdir -p $name && (cd $name && unzip -q ../$name.sampan)
	"
	test_expect_success "$name: check finds no error" "
		expect_exit 0 '' \"\$B\" check '$dir'
	"
	test_expect_success "$name: builds" "
		\"\$B\" build '$dir' -k \"\$KEY\" -o $name.1.sampan -q
	"
	test_expect_success "$name: built twice, the same bytes" "
		\"\$B\" build '$dir' -k \"\$KEY\" -o $name.2.sampan -q &&
		test_cmp $name.sampan $name.2.sampan
	"
	test_expect_success "$name: from its .tar.gz, the same bytes" "
		tar -C \"\$TOP/samples\" --exclude='.*' -czf $name.tar.gz $name &&
		\"\$B\" build $name.tar.gz -k \"\$KEY\" -o $name.3.sampan -q &&
		test_cmp $name.sampan $name.3.sampan
	"
	test_expect_success "$name: sampan-build verify accepts it" "
		expect_exit 0 valid \"\$B\" verify $name.sampan --trust \"\$PUB\"
	"
	test_expect_success "$name: unzip -t accepts it" "unzip -tq $name.sampan"
	test_expect_success "$name: sha256sum -c --strict passes unzipped" "
		(cd $name && sha256sum -c --strict --quiet META-INF/MANIFEST)
	"
	test_expect_success "$name: stock minisign verifies the manifest" "
		minisign -H -V -p \"\$PUB\" -m $name/META-INF/MANIFEST -x $name/META-INF/MANIFEST.minisig
	"
	test_expect_success "$name: index.html opens from disk and every link and media reference resolves inside" "
		\"\$PYTHON\" \"\$TOP/tests/lib/check_pages.py\" $name
	"
	test_expect_success "$name: every lesson page has one title" "
		for f in $name/lessons/*.html; do
			test_equal 1 \"\$(grep -c '<h1' \"\$f\")\" || return 1
		done
	"
	test_expect_success "$name: nothing refers to another host" "
		! grep -rliE 'https?://' $name --include='*.html' --include='*.css'
	"
done
test_done
