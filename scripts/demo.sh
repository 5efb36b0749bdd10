#!/bin/bash
# demo.sh SAMPAN_BUILD PORT - build every sample course into a signed bundle,
# verify it, and serve the courses' pages on PORT.  Until sampan-play (the
# classroom server) lands, the pages are unzipped and served by Python's
# web server: they are static and work from any web server.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
b=$1
port=${2:-8080}
out=$top/build/demo

bash "$top/samples/make-media.sh"
rm -rf "$out"
mkdir -p "$out/site"
{
	echo '<!doctype html><html lang="en"><meta charset="utf-8">'
	echo '<meta name="viewport" content="width=device-width, initial-scale=1">'
	echo '<title>Sampan sample courses</title><h1>Sampan sample courses</h1><ul>'
} >"$out/site/index.html"
for dir in "$top"/samples/*/; do
	[ -f "$dir/course.yml" ] || continue
	name=$(basename "$dir")
	"$b" build "$dir" -k "$top/samples/keys/sample.key" -o "$out/$name.sampan"
	"$b" verify -q "$out/$name.sampan" --trust "$top/samples/keys/sample.pub"
	mkdir -p "$out/site/$name"
	(cd "$out/site/$name" && unzip -q "../../$name.sampan")
	title=$(sed -n 's/^# title: //p' "$out/site/$name/META-INF/MANIFEST")
	echo "<li><a href=\"$name/index.html\">$title</a> ($name.sampan)</li>" >>"$out/site/index.html"
done
echo '</ul></html>' >>"$out/site/index.html"
echo
echo "The bundles are in $out/."
echo "Serving their pages at http://localhost:$port/ (and on this machine's other addresses); Ctrl-C stops."
exec /usr/bin/python3 -m http.server "$port" --directory "$out/site"
