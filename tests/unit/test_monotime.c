/* test_monotime.c - the programs' clock for durations (common/monotime.c). */
#include "testutil.h"

#include <time.h>

#include "monotime.h"

static void it_counts_the_monotonic_clock_in_seconds(void **state)
{
	struct timespec t, pause = { 0, 20 * 1000 * 1000 };
	double a, b, mono;

	(void)state;
	a = monotime_now();
	clock_gettime(CLOCK_MONOTONIC, &t);
	mono = (double)t.tv_sec + (double)t.tv_nsec / 1e9;
	/* the same clock, not the calendar: within a second of CLOCK_MONOTONIC */
	assert_true(mono - a >= 0 && mono - a < 1.0);
	nanosleep(&pause, NULL);
	b = monotime_now();
	assert_true(b - a >= 0.019);
	assert_true(b - a < 5.0);
	for (int i = 0; i < 1000; i++) {
		double c = monotime_now();
		assert_true(c >= b);
		b = c;
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(it_counts_the_monotonic_clock_in_seconds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
