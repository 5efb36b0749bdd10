#!/bin/bash
# samples.sh - every sample course: its media made by free tools, built twice
# to the same bytes, built from a .tar.gz of its folder to the same bytes,
# verified by sampan-build and by stock tools, and its pages work from disk.
# Prints TAP.
source "$(dirname "$0")/../lib/tap.sh"
B=$SAMPAN_BUILD
KEY=$TOP/samples/keys/sample.key
PUB=$TOP/samples/keys/sample.pub

check "samples/make-media.sh makes the sample media" bash "$TOP/samples/make-media.sh"
for dir in "$TOP"/samples/*/; do
	[ -f "$dir/course.yml" ] || continue
	name=$(basename "$dir")
	expect_exit 0 '' "$name: check finds no error" "$B" check "$dir"
	check "$name: builds" "$B" build "$dir" -k "$KEY" -o "$WORK/$name.sampan" -q
	"$B" build "$dir" -k "$KEY" -o "$WORK/$name.2.sampan" -q
	if cmp -s "$WORK/$name.sampan" "$WORK/$name.2.sampan"; then ok "$name: built twice, the same bytes"; else not_ok "$name: built twice, the same bytes"; fi
	tar -C "$TOP/samples" --exclude='.*' -czf "$WORK/$name.tar.gz" "$name"
	"$B" build "$WORK/$name.tar.gz" -k "$KEY" -o "$WORK/$name.3.sampan" -q
	if cmp -s "$WORK/$name.sampan" "$WORK/$name.3.sampan"; then ok "$name: from its .tar.gz, the same bytes"; else not_ok "$name: from its .tar.gz, the same bytes"; fi
	expect_exit 0 'valid' "$name: sampan-build verify accepts it" "$B" verify "$WORK/$name.sampan" --trust "$PUB"
	check "$name: unzip -t accepts it" unzip -tq "$WORK/$name.sampan"
	mkdir -p "$WORK/$name"
	(cd "$WORK/$name" && unzip -q "../$name.sampan")
	check "$name: sha256sum -c --strict passes unzipped" bash -c "cd '$WORK/$name' && sha256sum -c --strict --quiet META-INF/MANIFEST"
	check "$name: stock minisign verifies the manifest" minisign -H -V -p "$PUB" -m "$WORK/$name/META-INF/MANIFEST" -x "$WORK/$name/META-INF/MANIFEST.minisig"
	check "$name: index.html opens from disk and every link and media reference resolves inside" "$PYTHON" "$TOP/tests/lib/check_pages.py" "$WORK/$name"
	many=$(for f in "$WORK/$name"/lessons/*.html; do [ "$(grep -c '<h1' "$f")" = 1 ] || echo "$f"; done)
	if [ -z "$many" ]; then ok "$name: every lesson page has one title"; else not_ok "$name: every lesson page has one title" "$many"; fi
	if grep -rqiE 'https?://' "$WORK/$name" --include='*.html' --include='*.css'; then
		not_ok "$name: nothing refers to another host"
	else
		ok "$name: nothing refers to another host"
	fi
done
done_testing
