/*
 * monotime.h - the programs' clock for durations and deadlines: seconds
 * since an arbitrary start, from CLOCK_MONOTONIC, so that a clock set
 * forward or back (a Raspberry Pi without a network finding the time late)
 * never stretches or cuts a timeout.  Never for dates.
 */
#ifndef SAMPAN_COMMON_MONOTIME_H
#define SAMPAN_COMMON_MONOTIME_H

/* Seconds since an arbitrary start, with nanosecond resolution; thread-safe. */
double monotime_now(void);

#endif
