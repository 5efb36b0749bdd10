#!/bin/bash
# t0210-file-modes.sh - every file the programs write gets 0666 minus the
# umask, every folder 0777 minus the umask, as cp and mkdir give (so a player
# running as a service user can read what a producer built); the secret key
# alone is 0600.  Under umask 022 and 002.
source "$(dirname "$0")/../lib/test-lib.sh"

# modes FILE_MODE DIR_MODE PATH...: every file and folder under PATH has its mode.
modes() {
	local fmode=$1 dmode=$2 bad
	shift 2
	bad=$(find "$@" \( -type f ! -perm "$fmode" \) -o \( -type d ! -perm "$dmode" \) |
		while read -r f; do echo "$f $(stat -c %a "$f")"; done)
	[ -z "$bad" ] || { echo "$bad" | head -5; return 1; }
}

for mask in 022 002; do
	f=$(printf '%o' $((0666 & ~0$mask)))
	d=$(printf '%o' $((0777 & ~0$mask)))
	test_setup "umask $mask: a key, a course, its bundle, installed and extracted" "
		mkdir -p u$mask && cd u$mask &&
		(umask $mask && mkdir pub lib &&
		 \"\$B\" keygen -o k --no-password &&
		 \"\$B\" init course &&
		 \"\$B\" build course -k k.key -o pub/course.sampan -q &&
		 \"\$P\" install pub/course.sampan --library lib --trust k.pub -q &&
		 \"\$P\" extract pub/course.sampan site --trust k.pub -q);
		rc=\$?; cd \"\$WORK\"; test \$rc = 0
	"
	test_expect_success "umask $mask: keygen's public key is $f" "modes $f $d u$mask/k.pub"
	test_expect_success "umask $mask: keygen's secret key is 600" "modes 600 $d u$mask/k.key"
	test_expect_success "umask $mask: init's files are $f, its folders $d" "modes $f $d u$mask/course"
	test_expect_success "umask $mask: build's bundle is $f" "modes $f $d u$mask/pub/course.sampan"
	test_expect_success "umask $mask: install's bundle is $f" "
		test -n \"\$(ls u$mask/lib)\" && modes $f $d u$mask/lib
	"
	test_expect_success "umask $mask: extract's files are $f, its folders $d" "
		test -e u$mask/site/index.html && modes $f $d u$mask/site
	"
	# the player's cache: the versions it served, the search index and its folder
	test_expect_success "umask $mask: the player's cache files are $f, its folders $d" "
		old=\$(umask) && umask $mask &&
		serve_start u$mask/serve u$mask/pub --trust u$mask/k.pub --cache \"\$WORK/u$mask/cache/sampan\";
		rc=\$?; umask \$old; test \$rc = 0 &&
		for _ in \$(seq \$((200 * TAP_SLOW))); do
			[ -s u$mask/cache/sampan/versions.tsv ] && [ -s u$mask/cache/sampan/search.db ] && break
			sleep 0.1
		done &&
		kill -TERM \$SERVED_PID && wait \$SERVED_PID;
		test -e u$mask/cache/sampan/versions.tsv && test -e u$mask/cache/sampan/search.db &&
		modes $f $d u$mask/cache
	"
done
test_done
