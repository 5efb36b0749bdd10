#!/bin/bash
# file-modes.sh - every file the programs write gets 0666 minus the umask,
# every folder 0777 minus the umask, as cp and mkdir give (so a player
# running as a service user can read what a producer built); the secret key
# alone is 0600.  Under umask 022 and 002.  Prints TAP.
source "$(dirname "$0")/../lib/tap.sh"
B=$SAMPAN_BUILD
P=$BUILD_DIR/sampan-play
SERVER=
trap 'if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null; fi; rm -rf "$WORK"' EXIT

# modes WHAT FILE_MODE DIR_MODE PATH...: every file and folder under PATH has its mode.
modes() {
	local what=$1 fmode=$2 dmode=$3 bad
	shift 3
	bad=$(find "$@" \( -type f ! -perm "$fmode" \) -o \( -type d ! -perm "$dmode" \) |
		while read -r f; do echo "$f $(stat -c %a "$f")"; done)
	if [ -z "$bad" ]; then
		ok "$what"
	else
		not_ok "$what" "$(echo "$bad" | head -5)"
	fi
}

for mask in 022 002; do
	umask "$mask"
	f=$(printf '%o' $((0666 & ~0$mask)))
	d=$(printf '%o' $((0777 & ~0$mask)))
	dir=$WORK/u$mask
	mkdir -p "$dir/pub" && cd "$dir" || exit 1

	"$B" keygen -o k --no-password >/dev/null 2>&1
	modes "umask $mask: keygen's public key is $f" "$f" "$d" k.pub
	modes "umask $mask: keygen's secret key is 600" 600 "$d" k.key
	"$B" init course >/dev/null 2>&1
	modes "umask $mask: init's files are $f, its folders $d" "$f" "$d" course
	"$B" build course -k k.key -o pub/course.sampan -q
	modes "umask $mask: build's bundle is $f" "$f" "$d" pub/course.sampan
	mkdir lib
	"$P" install pub/course.sampan --library lib --trust k.pub -q >/dev/null 2>&1
	modes "umask $mask: install's bundle is $f" "$f" "$d" lib
	"$P" extract pub/course.sampan site --trust k.pub -q >/dev/null 2>&1
	if [ -e site/index.html ]; then
		modes "umask $mask: extract's files are $f, its folders $d" "$f" "$d" site
	else
		not_ok "umask $mask: extract wrote the site" "$(ls -la)"
	fi

	# the player's cache: the versions it served, the search index and its folder
	serve_start "$dir/serve" pub --trust k.pub --cache "$dir/cache/sampan"
	SERVER=$SERVED_PID
	for _ in $(seq $((200 * TAP_SLOW))); do
		[ -s cache/sampan/versions.tsv ] && [ -s cache/sampan/search.db ] && break
		sleep 0.1
	done
	kill -TERM "$SERVER" 2>/dev/null
	wait "$SERVER" 2>/dev/null
	SERVER=
	if [ -e cache/sampan/versions.tsv ] && [ -e cache/sampan/search.db ]; then
		modes "umask $mask: the player's cache files are $f, its folders $d" "$f" "$d" cache
	else
		not_ok "umask $mask: the player wrote its cache" "$(ls -laR cache 2>&1 | head)"
	fi
done
done_testing
