#!/bin/bash
# t3960-player-updates.sh - sampan-play and the update and parts vectors
# (format-spec/vectors/update/, parts/): install applies every valid update
# to the exact target and refuses every invalid one with its rule, leaving
# the library as it was; serve applies an update it finds beside its base,
# lists one without its base with that reason, and refuses every invalid
# update and every invalid set of parts with its rule; a power cut (SIGKILL)
# at every write, sync, rename and unlink of an install leaves the library
# with the old version or the new one, served and verified; and a bundle in
# parts is served across its seams with Range requests.
source "$(dirname "$0")/../lib/test-lib.sh"
V=$TOP/format-spec/vectors
KILLAT=$BUILD_DIR/tests/killat.so
[ "$(basename "$BUILD_DIR")" = valgrind-wrap ] && KILLAT=$(dirname "$BUILD_DIR")/tests/killat.so
TRUST=(--trust "$V/test.pub" --trust "$V/other.pub")
BASE=$V/update/library/course-1.0.sampan
UPDATE=$V/update/valid/video-delta.sampan-update
export XDG_CONFIG_HOME=$WORK/config XDG_CACHE_HOME=$WORK/xdg-cache
rule_of() { head -1 "$1"; }
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }

# The library's files (hidden ones too), with their SHA-256: what "unchanged" means.
state() { (cd "$1" && find . -type f | LC_ALL=C sort | xargs -r sha256sum); }
# A library folder holding the base version alone.
fresh_lib() { rm -rf lib && mkdir lib && cp "$BASE" lib/; }
stop_server() { kill "$SERVED_PID" && wait "$SERVED_PID" 2>/dev/null; true; }

# catalog URL: print "FILE<TAB>RULE" of every bundle not served, and "ID VERSION" of the served
catalog() {
	curl -s "${1}api/catalog.json" | "$PYTHON" -c '
import json, sys
c = json.load(sys.stdin)
for x in c["courses"]:
    print("served", x["id"], x["version"])
for r in c["refused"]:
    print("refused", r["file"], r["rule"], r["reason"], sep="\t")'
}
# wait_served URL ID VERSION FILE: the catalog (into FILE) serves ID at VERSION, within 10 s.
wait_served() {
	for _ in $(seq $((50 * TAP_SLOW))); do
		catalog "$1" >"$4"
		grep -q "^served $2 $3$" "$4" && return 0
		sleep 0.2
	done
	cat "$4"
	return 1
}

# --- install: every update vector --------------------------------------------------------
valid=("$V"/update/valid/*.sampan-update)
invalid=("$V"/update/invalid/*.sampan-update)
install_valid() {
	local u rc target files wrong=0
	for u in "${valid[@]}"; do
		fresh_lib
		"$P" install "$u" --library lib "${TRUST[@]}" >out 2>&1
		rc=$?
		target=${u%.sampan-update}.sampan
		files=$(ls -A lib)
		if [ "$rc" -ne 0 ] || [ "$(echo "$files" | wc -l)" -ne 1 ] || ! cmp -s "lib/$files" "$target"; then
			echo "$(basename "$u"): exit $rc, library: $files: $(head -c 300 out)"
			wrong=1
		fi
	done
	[ "$wrong" -eq 0 ] && [ "${#valid[@]}" -ge 2 ]
}
install_invalid() {
	local u rule before rc wrong=0
	for u in "${invalid[@]}"; do
		rule=$(rule_of "${u%.sampan-update}.txt")
		fresh_lib
		before=$(state lib)
		"$P" install "$u" --library lib "${TRUST[@]}" >out 2>&1
		rc=$?
		if [ "$rc" -ne 1 ] || ! grep -q "($rule)" out || [ "$(state lib)" != "$before" ]; then
			echo "$(basename "$u"): exit $rc, expected 1 and $rule, library $(ls -A lib): $(head -c 300 out)"
			wrong=1
		fi
	done
	[ "$wrong" -eq 0 ] && [ "${#invalid[@]}" -ge 10 ]
}
install_bad_parts() {
	local d name rule rc wrong=0
	for d in "$V"/parts/invalid/*/; do
		name=$(basename "$d")
		rule=$(rule_of "$V/parts/invalid/$name.txt")
		rm -rf lib && mkdir lib
		"$P" install "$d/course.sampan" --library lib --trust "$V/test.pub" >out 2>&1
		rc=$?
		if [ "$rc" -ne 1 ] || ! grep -q "($rule)" out || [ -n "$(ls -A lib)" ]; then
			echo "$name: exit $rc, expected 1 and $rule: $(head -c 300 out)"
			wrong=1
		fi
	done
	[ "$wrong" -eq 0 ]
}
test_expect_success 'install applies every valid update: the library holds the exact target alone' '
	install_valid
'
test_expect_success 'install refuses every invalid update with its rule, the library untouched' '
	install_invalid
'
test_expect_success 'install refuses every invalid set of parts with its rule' '
	install_bad_parts
'
test_expect_success 'install takes a bundle in parts' '
	mkdir parts-lib &&
	expect_exit 0 "Installed org.example.parts version 1.0" \
		"$P" install "$V/parts/valid/three-parts/course.sampan.001" --library parts-lib \
		--trust "$V/test.pub"
'
test_expect_success '... as one file, the parts joined' '
	mkdir parts-lib2 &&
	"$P" install "$V/parts/valid/three-parts/course.sampan.001" --library parts-lib2 \
		--trust "$V/test.pub" -q &&
	cat "$V"/parts/valid/three-parts/course.sampan.??? >joined.sampan &&
	cmp parts-lib2/org.example.parts-1.0.sampan joined.sampan
'

# --- a sample course, corrected: diff, then install ---------------------------------------
SKEY=$TOP/samples/keys/sample.key SPUB=$TOP/samples/keys/sample.pub
test_setup 'the pump-maintenance sample at 1.0 and, a lesson corrected, at 1.1' '
	bash "$TOP/samples/make-media.sh" >media.log 2>&1 &&
	cp -r "$TOP/samples/pump-maintenance" s1 && cp -r "$TOP/samples/pump-maintenance" s2 &&
	sed -i "s/^version: .*/version: \"1.1\"/" s2/course.yml &&
	printf "\nKiểm tra lại van một chiều sau mỗi lần bảo dưỡng.\n" >>s2/lessons/03-bao-duong.md &&
	SOURCE_DATE_EPOCH=1700000000 "$B" build s1 -k "$SKEY" -o s1.sampan -q &&
	SOURCE_DATE_EPOCH=1700000000 "$B" build s2 -k "$SKEY" -o s2.sampan -q
'
sample_update() {
	test -e s.sampan-update || "$B" diff s1.sampan s2.sampan -k "$SKEY" -o s.sampan-update -q
}
test_expect_success 'diff of the pump-maintenance sample, a lesson corrected' '
	rm -f s.sampan-update &&
	expect_exit 0 "pump-maintenance 1.0 to 1.1" \
		"$B" diff s1.sampan s2.sampan -k "$SKEY" -o s.sampan-update
'
test_expect_success 'install applies it to the sample in a library' '
	sample_update && mkdir slib && cp s1.sampan slib/pump.sampan &&
	expect_exit 0 "Installed .*pump-maintenance version 1.1" \
		"$P" install s.sampan-update --library slib --trust "$SPUB"
'
test_expect_success 'the library holds the new sample'"'"'s exact bytes, the old version removed' '
	sample_update && mkdir slib2 && cp s1.sampan slib2/pump.sampan &&
	"$P" install s.sampan-update --library slib2 --trust "$SPUB" -q &&
	ls -lA slib2 && test "$(ls -A slib2 | wc -l)" -eq 1 &&
	cmp slib2/*pump-maintenance-1.1.sampan s2.sampan &&
	echo "$(stat -c %s s.sampan-update) bytes of update for $(stat -c %s s2.sampan)"
'

# --- serve: updates and parts on a stick ------------------------------------------------
serve_invalid() {
	local u d rule wrong=0
	for u in "${invalid[@]}"; do
		rule=$(rule_of "${u%.sampan-update}.txt")
		grep -q "^refused	$(basename "$u")	$rule	" cat1 || { echo "$(basename "$u"): want $rule"; wrong=1; }
	done
	for d in "$V"/parts/invalid/*/; do
		rule=$(rule_of "$V/parts/invalid/$(basename "$d").txt")
		grep -q "^refused	course.sampan[.0-9]*	$rule	" cat1 || { echo "$(basename "$d"): want $rule"; wrong=1; }
	done
	[ "$wrong" -eq 0 ] && grep -q "^served org.example.update 1.0$" cat1 || { cat cat1; false; }
}
test_expect_success 'serve lists every invalid update and set of parts with its rule, and serves the base' '
	mkdir stick1 && cp "$BASE" "${invalid[@]}" stick1/ &&
	for d in "$V"/parts/invalid/*/; do cp -r "$d" "stick1/parts-$(basename "$d")"; done &&
	serve_start s1 stick1 "${TRUST[@]}" &&
	catalog "$SERVED_URL" >cat1 && stop_server && serve_invalid
'
test_expect_success 'an update alone on a stick is listed: base missing' '
	mkdir stick2 && cp "$UPDATE" stick2/ &&
	serve_start s2 stick2 "${TRUST[@]}" && catalog "$SERVED_URL" >cat2 && stop_server &&
	test_grep "^refused	video-delta.sampan-update	BASE_MISSING	base missing" cat2
'
test_expect_success 'with its base beside it, the update is applied and version 1.2 served' '
	mkdir stick3 && cp "$UPDATE" stick3/ &&
	serve_start s3 stick3 "${TRUST[@]}" && catalog "$SERVED_URL" >cat3a &&
	test_grep "BASE_MISSING" cat3a &&
	cp "$BASE" stick3/ && kill -HUP "$SERVED_PID" &&
	wait_served "$SERVED_URL" org.example.update 1.2 cat3 && stop_server &&
	test_grep "^refused	course-1.0.sampan	" cat3
'
test_expect_success 'a Range of the changed scene is the new version'"'"'s bytes' '
	mkdir stick4 && cp "$UPDATE" "$BASE" stick4/ &&
	serve_start s4 stick4 "${TRUST[@]}" &&
	wait_served "$SERVED_URL" org.example.update 1.2 cat4 &&
	"$PYTHON" - "$V/update/valid/video-delta.sampan" >want.bin <<-PY &&
	import sys, zipfile
	sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read("media/pump.mp4")[690000:720000])
	PY
	curl -s -r 690000-719999 -o got.bin "${SERVED_URL}c/org.example.update/media/pump.mp4" &&
	stop_server && cmp got.bin want.bin
'

# --- parts served across their seams ------------------------------------------------------
seams() {
	local s1 s2 seam pair from to r code wrong=0
	cat "$V"/parts/valid/three-parts/course.sampan.??? >joined3.sampan &&
		"$PYTHON" - joined3.sampan >offsets <<-'PY' || return 1
	import sys, zipfile
	z = zipfile.ZipFile(sys.argv[1])
	i = z.getinfo("media/pump.mp4")
	data = i.header_offset + 30 + len(i.filename)
	open("video.bin", "wb").write(z.read("media/pump.mp4"))
	# the video's offsets of the two seams (parts of 500,000 bytes)
	print(500000 - data, 1000000 - data)
	PY
	read -r s1 s2 <offsets
	for seam in "$s1" "$s2"; do
		for pair in "$((seam - 1)) $seam" "$((seam - 70000)) $((seam + 70000))" \
			"$((seam - 1048576)) $((seam + 1))"; do
			read -r from to <<<"$pair"
			[ "$from" -ge 0 ] || continue
			r=$from-$to
			code=$(curl -s -r "$r" -o got.bin -w '%{http_code}' "${SERVED_URL}c/org.example.parts/media/pump.mp4")
			tail -c +$((from + 1)) video.bin | head -c $((to - from + 1)) >want.bin
			[ "$code" = 206 ] && cmp -s got.bin want.bin || { echo "bytes=$r: $code"; wrong=1; }
		done
	done
	[ "$wrong" -eq 0 ]
}
test_expect_success 'Range requests across both seams of a bundle in three parts give its bytes (206)' '
	mkdir stick5 && cp -r "$V/parts/valid/three-parts" stick5/ &&
	serve_start s5 stick5 --trust "$V/test.pub" && seams; rc=$?; stop_server; test $rc -eq 0
'

# --- a power cut at every stage of install UPDATE ---------------------------------------------
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0"
# Under `make leakcheck` the programs are valgrind's wrappers (shell scripts that a kill
# would cut in the middle of valgrind): the programs themselves are killed, beside them.
PK=$P
[ "$(basename "$BUILD_DIR")" = valgrind-wrap ] && PK=$(dirname "$BUILD_DIR")/sampan-play
# What a library holds after a cut: exactly one version served and verified, 1.0 or 1.2.
after_cut() {
	local lines file
	"$P" list lib "${TRUST[@]}" >list.out 2>&1 || return 1
	lines=$(grep -c "^OK	org.example.update	" list.out)
	[ "$lines" -eq 1 ] || return 1
	file=$(grep "^OK	org.example.update	" list.out | cut -f8)
	grep -Eq "^OK	org.example.update	(1\.0|1\.2)	" list.out || return 1
	"$P" verify "lib/$file" "${TRUST[@]}" -q >/dev/null 2>&1
}
# cut_at N: install UPDATE into a fresh library, killed just before its call N.
cut_at() {
	fresh_lib
	(env LD_PRELOAD="$KILLAT" SAMPAN_KILL_AT="$1" "$PK" install "$UPDATE" --library lib \
		"${TRUST[@]}" -q; true) >/dev/null 2>&1
}
# The first call before which a cut leaves the new version: into first_new.
find_first_new() {
	local n
	[ -n "${first_new:-}" ] && return 0
	for n in $(seq 1 "$total"); do
		cut_at "$n"
		after_cut && grep -q "	1\.2	" list.out && { first_new=$n; return 0; }
	done
	return 1
}
test_setup 'an install counts its writes, syncs, renames and unlinks (tests/killat.so)' '
	test -e "$KILLAT" &&
	fresh_lib &&
	env LD_PRELOAD="$KILLAT" SAMPAN_KILL_COUNT=1 "$PK" install "$UPDATE" --library lib \
		"${TRUST[@]}" -q >count.out 2>&1;
	total=$(sed -n "s/^killat: \([0-9]*\) calls$/\1/p" count.out) &&
	cat count.out && test -n "$total" && test "$total" -ge 5
'
every_cut() {
	local n old=0 new=0 wrong=0
	for n in $(seq 1 "$total"); do
		cut_at "$n"
		if ! after_cut; then
			echo "killed before call $n: $(ls -A lib | tr '\n' ' '): $(head -c 300 list.out)"
			wrong=1
		elif grep -q "	1\.2	" list.out; then
			new=$((new + 1))
		else
			old=$((old + 1))
		fi
		# and the next install finishes the job
		if [ "$n" -eq $((total / 2)) ]; then
			"$P" install "$UPDATE" --library lib "${TRUST[@]}" -q >/dev/null 2>&1
			after_cut && grep -q "	1\.2	" list.out ||
				{ echo "install after a cut at $n: $(cat list.out)"; wrong=1; }
		fi
	done
	echo "killed at each of $total stages: $old times 1.0, $new times 1.2"
	[ "$wrong" -eq 0 ] && [ "$old" -gt 0 ] && [ "$new" -gt 0 ]
}
test_expect_success 'killed at each stage, the library holds one verified version, 1.0 or 1.2' '
	every_cut
'
# served, by a player that never saw the course, after a cut just as the new version
# took its place (and after a cut before it did)
served_after_cut() { # N WANT
	cut_at "$1" &&
		XDG_CACHE_HOME=$WORK/cache-$1 serve_start "s6-$1" lib "${TRUST[@]}" &&
		wait_served "$SERVED_URL" org.example.update "$2" "cat6-$1" &&
		test_equal 200 "$(code "${SERVED_URL}c/org.example.update/")"
	local rc=$?
	stop_server
	return $rc
}
test_expect_success 'killed just before the new version takes its place, the old one is served' '
	find_first_new && echo "first cut leaving 1.2: $first_new" &&
	served_after_cut $((first_new - 1)) 1.0
'
test_expect_success 'killed just after, the new version is served' '
	find_first_new && served_after_cut "$first_new" 1.2
'
test_done
