#!/bin/bash
# updates-play.sh - sampan-play and the update and parts vectors
# (format-spec/vectors/update/, parts/): install applies every valid update
# to the exact target and refuses every invalid one with its rule, leaving
# the library as it was; serve applies an update it finds beside its base,
# lists one without its base with that reason, and refuses every invalid
# update and every invalid set of parts with its rule; a power cut (SIGKILL)
# at every write, sync, rename and unlink of an install leaves the library
# with the old version or the new one, served and verified; and a bundle in
# parts is served across its seams with Range requests.  Prints TAP.
source "$(dirname "$0")/../lib/tap.sh"
P=$BUILD_DIR/sampan-play
V=$TOP/format-spec/vectors
KILLAT=$BUILD_DIR/tests/killat.so
[ "$(basename "$BUILD_DIR")" = valgrind-wrap ] && KILLAT=$(dirname "$BUILD_DIR")/tests/killat.so
TRUST=(--trust "$V/test.pub" --trust "$V/other.pub")
BASE=$V/update/library/course-1.0.sampan
cd "$WORK" || exit 1
export XDG_CONFIG_HOME=$WORK/config XDG_CACHE_HOME=$WORK/xdg-cache
rule_of() { head -1 "$1"; }

# The library's files (hidden ones too), with their SHA-256: what "unchanged" means.
state() { (cd "$1" && find . -type f | LC_ALL=C sort | xargs -r sha256sum); }

# --- install: every update vector --------------------------------------------------------
valid=("$V"/update/valid/*.sampan-update)
invalid=("$V"/update/invalid/*.sampan-update)
wrong=()
for u in "${valid[@]}"; do
	rm -rf lib && mkdir lib && cp "$BASE" lib/
	"$P" install "$u" --library lib "${TRUST[@]}" >out 2>&1
	rc=$?
	target=${u%.sampan-update}.sampan
	files=$(ls -A lib)
	if [ "$rc" -ne 0 ] || [ "$(echo "$files" | wc -l)" -ne 1 ] || ! cmp -s "lib/$files" "$target"; then
		wrong+=("$(basename "$u"): exit $rc, library: $files: $(head -c 300 out)")
	fi
done
if [ "${#wrong[@]}" -eq 0 ] && [ "${#valid[@]}" -ge 2 ]; then
	ok "install applies all ${#valid[@]} valid updates: the library holds the exact target alone"
else
	not_ok "install applies every valid update" "${wrong[@]}"
fi
wrong=()
for u in "${invalid[@]}"; do
	rule=$(rule_of "${u%.sampan-update}.txt")
	rm -rf lib && mkdir lib && cp "$BASE" lib/
	before=$(state lib)
	"$P" install "$u" --library lib "${TRUST[@]}" >out 2>&1
	rc=$?
	if [ "$rc" -ne 1 ] || ! grep -q "($rule)" out || [ "$(state lib)" != "$before" ]; then
		wrong+=("$(basename "$u"): exit $rc, expected 1 and $rule, library $(ls -A lib): $(head -c 300 out)")
	fi
done
if [ "${#wrong[@]}" -eq 0 ] && [ "${#invalid[@]}" -ge 10 ]; then
	ok "install refuses all ${#invalid[@]} invalid updates with their rule, the library untouched"
else
	not_ok "install refuses every invalid update with its rule" "${wrong[@]}"
fi
wrong=()
for d in "$V"/parts/invalid/*/; do
	name=$(basename "$d")
	rule=$(rule_of "$V/parts/invalid/$name.txt")
	rm -rf lib && mkdir lib
	"$P" install "$d/course.sampan" --library lib --trust "$V/test.pub" >out 2>&1
	rc=$?
	if [ "$rc" -ne 1 ] || ! grep -q "($rule)" out || [ -n "$(ls -A lib)" ]; then
		wrong+=("$name: exit $rc, expected 1 and $rule: $(head -c 300 out)")
	fi
done
if [ "${#wrong[@]}" -eq 0 ]; then
	ok "install refuses every invalid set of parts with its rule"
else
	not_ok "install refuses every invalid set of parts with its rule" "${wrong[@]}"
fi
rm -rf lib && mkdir lib
expect_exit 0 'Installed org.example.parts version 1.0' "install takes a bundle in parts" \
	"$P" install "$V/parts/valid/three-parts/course.sampan.001" --library lib --trust "$V/test.pub"
cat "$V"/parts/valid/three-parts/course.sampan.??? >joined.sampan
check "... as one file, the parts joined" cmp lib/org.example.parts-1.0.sampan joined.sampan

# --- a sample course, corrected: diff, then install ---------------------------------------
if bash "$TOP/samples/make-media.sh" >media.log 2>&1; then
	export SOURCE_DATE_EPOCH=1700000000
	cp -r "$TOP/samples/pump-maintenance" s1
	cp -r "$TOP/samples/pump-maintenance" s2
	sed -i 's/^version: .*/version: "1.1"/' s2/course.yml
	printf '\nKiểm tra lại van một chiều sau mỗi lần bảo dưỡng.\n' >>s2/lessons/03-bao-duong.md
	SKEY=$TOP/samples/keys/sample.key SPUB=$TOP/samples/keys/sample.pub
	"$SAMPAN_BUILD" build s1 -k "$SKEY" -o s1.sampan -q 2>/dev/null
	"$SAMPAN_BUILD" build s2 -k "$SKEY" -o s2.sampan -q 2>/dev/null
	expect_exit 0 'pump-maintenance 1.0 to 1.1' "diff of the pump-maintenance sample, a lesson corrected" \
		"$SAMPAN_BUILD" diff s1.sampan s2.sampan -k "$SKEY" -o s.sampan-update
	rm -rf lib && mkdir lib && cp s1.sampan lib/pump.sampan
	expect_exit 0 'Installed .*pump-maintenance version 1.1' "install applies it to the sample in a library" \
		"$P" install s.sampan-update --library lib --trust "$SPUB"
	if [ "$(ls -A lib | wc -l)" -eq 1 ] && cmp -s lib/*pump-maintenance-1.1.sampan s2.sampan; then
		ok "the library holds the new sample's exact bytes, the old version removed ($(stat -c %s s.sampan-update) bytes of update for $(stat -c %s s2.sampan))"
	else
		not_ok "the library holds the new sample's exact bytes" "$(ls -lA lib)"
	fi
	unset SOURCE_DATE_EPOCH
else
	not_ok "samples/make-media.sh makes the sample media" "$(tail -5 media.log)"
fi

# --- serve: updates and parts on a stick ------------------------------------------------
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
mkdir stick
cp "$BASE" stick/
cp "${invalid[@]}" stick/
for d in "$V"/parts/invalid/*/; do cp -r "$d" "stick/parts-$(basename "$d")"; done
serve_start s1 stick "${TRUST[@]}"
if [ -z "$SERVED_URL" ]; then
	not_ok "serve starts on the stick" "$(cat s1.err)"
else
	catalog "$SERVED_URL" >cat1
	kill "$SERVED_PID"
	wait "$SERVED_PID" 2>/dev/null
	wrong=()
	for u in "${invalid[@]}"; do
		rule=$(rule_of "${u%.sampan-update}.txt")
		grep -q "^refused	$(basename "$u")	$rule	" cat1 || wrong+=("$(basename "$u"): want $rule")
	done
	for d in "$V"/parts/invalid/*/; do
		rule=$(rule_of "$V/parts/invalid/$(basename "$d").txt")
		grep -q "^refused	course.sampan[.0-9]*	$rule	" cat1 || wrong+=("$(basename "$d"): want $rule")
	done
	if [ "${#wrong[@]}" -eq 0 ] && grep -q '^served org.example.update 1.0$' cat1; then
		ok "serve lists every invalid update and set of parts with its rule, and serves the base"
	else
		not_ok "serve refuses every invalid vector with its rule" "${wrong[@]}" "$(cat cat1)"
	fi
fi

rm -rf stick && mkdir stick && cp "$V/update/valid/video-delta.sampan-update" stick/
serve_start s2 stick "${TRUST[@]}"
if [ -n "$SERVED_URL" ]; then
	catalog "$SERVED_URL" >cat2
	if grep -q "^refused	video-delta.sampan-update	BASE_MISSING	base missing" cat2; then
		ok "an update alone on a stick is listed: base missing"
	else
		not_ok "an update alone on a stick is listed: base missing" "$(cat cat2)"
	fi
	# its base arrives: the update is applied and the new version served
	cp "$BASE" stick/
	kill -HUP "$SERVED_PID"
	for _ in $(seq 50); do
		catalog "$SERVED_URL" >cat2
		grep -q '^served org.example.update 1.2$' cat2 && break
		sleep 0.2
	done
	if grep -q '^served org.example.update 1.2$' cat2 &&
		grep -q "^refused	course-1.0.sampan	" cat2; then
		ok "with its base beside it, the update is applied and version 1.2 served"
	else
		not_ok "the update is applied when its base comes" "$(cat cat2)"
	fi
	# the changed scene of the video, straight from the version the update made
	"$PYTHON" - "$V/update/valid/video-delta.sampan" >want.bin <<'EOF'
import sys, zipfile
sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read("media/pump.mp4")[690000:720000])
EOF
	curl -s -r 690000-719999 -o got.bin "${SERVED_URL}c/org.example.update/media/pump.mp4"
	check "a Range of the changed scene is the new version's bytes" cmp got.bin want.bin
	kill "$SERVED_PID"
	wait "$SERVED_PID" 2>/dev/null
else
	not_ok "serve starts" "$(cat s2.err)"
fi

# --- parts served across their seams ------------------------------------------------------
rm -rf stick && mkdir stick && cp -r "$V/parts/valid/three-parts" stick/
serve_start s3 stick --trust "$V/test.pub"
if [ -n "$SERVED_URL" ]; then
	"$PYTHON" - joined.sampan >offsets <<'EOF'
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
i = z.getinfo("media/pump.mp4")
data = i.header_offset + 30 + len(i.filename)
open("video.bin", "wb").write(z.read("media/pump.mp4"))
# the video's offsets of the two seams (parts of 500,000 bytes)
print(500000 - data, 1000000 - data)
EOF
	read -r s1 s2 <offsets
	wrong=()
	for seam in "$s1" "$s2"; do
		for pair in "$((seam - 1)) $seam" "$((seam - 70000)) $((seam + 70000))" \
			"$((seam - 1048576)) $((seam + 1))"; do
			read -r from to <<<"$pair"
			[ "$from" -ge 0 ] || continue
			r=$from-$to
			code=$(curl -s -r "$r" -o got.bin -w '%{http_code}' "${SERVED_URL}c/org.example.parts/media/pump.mp4")
			tail -c +$((from + 1)) video.bin | head -c $((to - from + 1)) >want.bin
			[ "$code" = 206 ] && cmp -s got.bin want.bin || wrong+=("bytes=$r: $code")
		done
	done
	if [ "${#wrong[@]}" -eq 0 ]; then
		ok "Range requests across both seams of a bundle in three parts give its bytes (206)"
	else
		not_ok "Range requests across the seams" "${wrong[@]}"
	fi
	kill "$SERVED_PID"
	wait "$SERVED_PID" 2>/dev/null
else
	not_ok "serve starts on parts" "$(cat s3.err)"
fi

# --- a power cut at every stage of install UPDATE ---------------------------------------------
if [ ! -e "$KILLAT" ]; then
	not_ok "the kill library is built" "no tests/killat.so beside the programs: run the tests through make"
	done_testing
	exit
fi
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0"
UPDATE=$V/update/valid/video-delta.sampan-update
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
rm -rf lib && mkdir lib && cp "$BASE" lib/
env LD_PRELOAD="$KILLAT" SAMPAN_KILL_COUNT=1 "$PK" install "$UPDATE" --library lib "${TRUST[@]}" -q >count.out 2>&1
total=$(sed -n 's/^killat: \([0-9]*\) calls$/\1/p' count.out)
if [ -z "$total" ] || [ "$total" -lt 5 ]; then
	not_ok "an install counts its writes, syncs, renames and unlinks" "$(cat count.out)"
else
	wrong=()
	old=0 new=0
	for n in $(seq 1 "$total"); do
		rm -rf lib && mkdir lib && cp "$BASE" lib/
		(env LD_PRELOAD="$KILLAT" SAMPAN_KILL_AT="$n" "$PK" install "$UPDATE" --library lib \
			"${TRUST[@]}" -q; true) >/dev/null 2>&1
		if ! after_cut; then
			wrong+=("killed before call $n: $(ls -A lib | tr '\n' ' '): $(head -c 300 list.out)")
		elif grep -q '	1\.2	' list.out; then
			new=$((new + 1))
			[ -n "${first_new:-}" ] || first_new=$n
		else
			old=$((old + 1))
		fi
		# and the next install finishes the job
		if [ "$n" -eq $((total / 2)) ]; then
			"$P" install "$UPDATE" --library lib "${TRUST[@]}" -q >/dev/null 2>&1
			after_cut && grep -q '	1\.2	' list.out || wrong+=("install after a cut at $n: $(cat list.out)")
		fi
	done
	if [ "${#wrong[@]}" -eq 0 ] && [ "$old" -gt 0 ] && [ "$new" -gt 0 ]; then
		ok "killed at each of $total stages, the library holds one verified version ($old times 1.0, $new times 1.2)"
	else
		not_ok "a power cut at any stage leaves the old version or the new" "${wrong[@]:0:10}"
	fi
	# served, by a player that never saw the course, after a cut just as the new version
	# took its place (and after a cut before it did)
	for n in $((first_new - 1)) "$first_new"; do
		rm -rf lib && mkdir lib && cp "$BASE" lib/
		(env LD_PRELOAD="$KILLAT" SAMPAN_KILL_AT="$n" "$PK" install "$UPDATE" --library lib \
			"${TRUST[@]}" -q; true) >/dev/null 2>&1
		want=$([ "$n" -eq "$first_new" ] && echo 1.2 || echo 1.0)
		XDG_CACHE_HOME=$WORK/cache-$n serve_start "s4-$n" lib "${TRUST[@]}"
		if [ -n "$SERVED_URL" ] && catalog "$SERVED_URL" | grep -q "^served org.example.update $want$" &&
			[ "$(curl -s -o /dev/null -w '%{http_code}' "${SERVED_URL}c/org.example.update/")" = 200 ]; then
			ok "killed before call $n, the library is served: version $want ($(ls -A lib | tr '\n' ' '))"
		else
			not_ok "killed before call $n, the library is served" "$(ls -A lib)" "$(cat "s4-$n.err")"
		fi
		[ -n "$SERVED_PID" ] && kill "$SERVED_PID" && wait "$SERVED_PID" 2>/dev/null
	done
fi

done_testing
