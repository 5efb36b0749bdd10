#!/bin/bash
# fuzz.sh TARGET... - run each libFuzzer target for FUZZ_SECONDS (default 60)
# from its seeds, print executions and time per target, and exit 1 if any
# found a crash, a leak or a timeout (its reproducer is kept in
# build/fuzz/crashes/).  Run by `make fuzz`.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
seconds=${FUZZ_SECONDS:-60}
python=${PYTHON:-/usr/bin/python3}
work=$top/build/fuzz
mkdir -p "$work/corpus" "$work/crashes" "$work/seeds"

# Seeds from what is committed: the conformance vectors, their manifests and
# course.json files, the samples' course.yml, lessons and subtitles, and
# tests/fuzz/seeds/.
"$python" - "$top/format-spec/vectors/valid" "$work/seeds" <<'PY'
import os, sys, zipfile
src, out = sys.argv[1], sys.argv[2]
for kind in ("manifest", "course"):
    os.makedirs(os.path.join(out, kind), exist_ok=True)
for name in sorted(os.listdir(src)):
    if not name.endswith(".sampan"):
        continue
    with zipfile.ZipFile(os.path.join(src, name)) as z:
        for kind, entry in (("manifest", "META-INF/MANIFEST"), ("course", "META-INF/course.json")):
            with open(os.path.join(out, kind, name), "wb") as f:
                f.write(z.read(entry))
PY
mkdir -p "$work/seeds/courseyml" "$work/seeds/lesson" "$work/seeds/vtt"
for f in "$top"/samples/*/course.yml; do cp "$f" "$work/seeds/courseyml/$(basename "$(dirname "$f")").yml"; done
for f in "$top"/samples/*/lessons/*.md; do # the first byte: raw HTML not allowed
	{ printf '\0'; cat "$f"; } >"$work/seeds/lesson/$(basename "$(dirname "$(dirname "$f")")")-$(basename "$f")"
done
for f in "$top"/samples/*/media/*.vtt; do cp "$f" "$work/seeds/vtt/"; done
# A real Carpentries lesson's episodes: front matter, fenced divs, attribute blocks, raw HTML.
mkdir -p "$work/shell-novice"
tar -C "$work/shell-novice" -xJf "$top/tests/fixtures/shell-novice.tar.xz" episodes
for f in "$work"/shell-novice/episodes/*.md; do # the first byte: raw HTML allowed
	{ printf '\1'; cat "$f"; } >"$work/seeds/lesson/shell-novice-$(basename "$f")"
done

seeds_for() {
	case $1 in
	fuzz_bundle) echo "$top/format-spec/vectors/valid $top/format-spec/vectors/invalid" ;;
	fuzz_update) echo "$top/format-spec/vectors/update/valid $top/format-spec/vectors/update/invalid" ;;
	fuzz_manifest) echo "$work/seeds/manifest" ;;
	fuzz_course) echo "$work/seeds/course" ;;
	fuzz_courseyml) echo "$work/seeds/courseyml" ;;
	fuzz_lesson) echo "$work/seeds/lesson" ;;
	fuzz_vtt) echo "$work/seeds/vtt" ;;
	*) echo "$top/tests/fuzz/seeds/${1#fuzz_}" ;;
	esac
}

failed=0
printf '%-16s %8s %12s %10s  %s\n' target seconds executions exec/s result
for bin in "$@"; do
	name=$(basename "$bin")
	mkdir -p "$work/corpus/$name"
	log=$work/$name.log
	# shellcheck disable=SC2046
	SAMPAN_FUZZ_KEY=$top/format-spec/vectors/test.pub "$bin" -max_total_time="$seconds" \
		-timeout=10 -rss_limit_mb=2048 -max_len=1048576 -print_final_stats=1 \
		-artifact_prefix="$work/crashes/$name-" "$work/corpus/$name" $(seeds_for "$name") >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	if [ "$rc" -eq 0 ]; then
		result=ok
	else
		result="FAILED (exit $rc; see $log)"
		failed=1
	fi
	printf '%-16s %8s %12s %10s  %s\n' "$name" "$seconds" "${execs:-?}" "${rate:-?}" "$result"
done
exit "$failed"
