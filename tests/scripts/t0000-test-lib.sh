#!/bin/bash
# t0000-test-lib.sh - the end-to-end tests' own library (tests/lib/test-lib.sh):
# cases that name themselves, --run to pick them (setups always run), -v, -i,
# and TAP that tests/run-tests.sh counts.
source "$(dirname "$0")/../lib/test-lib.sh"

test_setup 'a sample script of five cases, the second failing' '
	cat >sample.sh <<-SAMPLE &&
	source "$TOP/tests/lib/test-lib.sh"
	test_setup "a file" "echo made >shared"
	test_expect_success "one" "test -f shared"
	test_expect_success "two fails" "echo why it failed && false"
	test_expect_success "three" "test_equal made \\\$(cat shared)"
	test_expect_success "four" "echo the output of four"
	test_done
	SAMPLE
	test -s sample.sh
'

test_expect_success 'a full run: every case, TAP with the count, the failure explained' '
	expect_exit 1 "" bash sample.sh >out &&
	test_grep -F "ok 1 - setup: a file" out &&
	test_grep -F "ok 2 - one" out &&
	test_grep -F "not ok 3 - two fails" out &&
	test_grep -F "# why it failed" out &&
	test_grep -F "ok 4 - three" out &&
	test_grep -F "ok 5 - four" out &&
	test_grep "^1\.\.5$" out &&
	test_grep -v "the output of four" out
'

test_expect_success '--run=4 runs case 4 and the setup, and skips the others' '
	expect_exit 0 "" bash sample.sh --run=4 >out &&
	test_grep -F "ok 1 - setup: a file" out &&
	test_grep -F "ok 2 # skip one (--run)" out &&
	test_grep -F "ok 3 # skip two fails (--run)" out &&
	test_grep -F "ok 4 - three" out &&
	test_grep -F "ok 5 # skip four (--run)" out
'

test_expect_success '--run takes ranges, lists and a negation' '
	bash sample.sh --run=2,4- >out;
	test_grep -F "ok 2 - one" out &&
	test_grep -F "ok 3 # skip" out &&
	test_grep -F "ok 5 - four" out &&
	bash sample.sh --run "!3" >out2;
	test_grep -F "ok 2 - one" out2 &&
	test_grep -F "ok 3 # skip" out2 &&
	test_grep -F "ok 4 - three" out2 &&
	bash sample.sh --run=-2 >out3;
	test_grep -F "ok 2 - one" out3 &&
	test_grep -F "ok 4 # skip" out3
'

test_expect_success '-v shows each case and what it printed' '
	bash sample.sh -v --run=5 >out;
	test_grep -F "# 5: four" out &&
	test_grep -F "#   > the output of four" out
'

test_expect_success '-i stops at the first failure' '
	expect_exit 1 "" bash sample.sh -i >out &&
	test_grep -F "not ok 3 - two fails" out &&
	test_grep -v "ok 4" out &&
	test_grep "^1\.\.3$" out
'

test_expect_success 'run-tests.sh counts a skipped case as failed, never as passed' '
	printf "#!/bin/bash\nbash %s --run=2\n" "$WORK/sample.sh" >skips &&
	chmod +x skips &&
	RUN_SCRIPTS=0 RUN_WITH= VALGRIND=0 expect_exit 1 "^2 passed, 3 failed$" bash "$TOP/tests/run-tests.sh" "$WORK/skips"
'

test_expect_success 'test_ok and test_not_ok count results a script works out itself' '
	cat >found.sh <<-FOUND &&
	source "$TOP/tests/lib/test-lib.sh"
	test_expect_success "a case" "true"
	test_ok "found fine"
	test_not_ok "found broken" "first reason" "second reason"
	test_done
	FOUND
	expect_exit 1 "" bash found.sh >out &&
	test_grep -F "ok 1 - a case" out &&
	test_grep -F "ok 2 - found fine" out &&
	test_grep -F "not ok 3 - found broken" out &&
	test_grep -x "# first reason" out &&
	test_grep -x "# second reason" out &&
	test_grep "^1\.\.3$" out
'

test_expect_success 'test_grep takes -E and -i, and fails on a file it cannot read, even with -v' '
	printf "NEEDED libsodium\n" >dyn &&
	test_grep -E "NEEDED.*(libsodium|libzip)" dyn &&
	test_grep -v -E "NEEDED.*(libyaml|libgumbo)" dyn &&
	! test_grep -v -E "NEEDED.*libsodium" dyn &&
	test_grep -i "needed LIBSODIUM" dyn && ! test_grep -v -i "sodium" dyn &&
	! test_grep -v anything no-such-file &&
	! test_grep anything no-such-file
'

test_done
