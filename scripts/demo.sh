#!/bin/bash
# demo.sh SAMPAN_BUILD SAMPAN_PLAY PORT - build every sample course into a
# signed bundle, then serve them all with sampan-play on PORT, trusting the
# samples' key (for the samples only).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
b=$1
p=$2
port=${3:-8080}
out=$top/build/demo

bash "$top/samples/make-media.sh"
rm -rf "$out"
mkdir -p "$out/library"
for dir in "$top"/samples/*/; do
	[ -f "$dir/course.yml" ] || continue
	name=$(basename "$dir")
	"$b" build "$dir" -k "$top/samples/keys/sample.key" -o "$out/library/$name.sampan"
done
echo
echo "The bundles are in $out/library/; serving them (Ctrl-C stops):"
exec "$p" serve "$out/library" --port "$port" --trust "$top/samples/keys/sample.pub" \
	--cache "$out/cache"
