/* monotime.c - the monotonic clock (monotime.h). */
#include "monotime.h"

#include <time.h>

double monotime_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}
