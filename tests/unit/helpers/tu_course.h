/*
 * tu_course.h - helpers for the unit tests of the builder's reading of a
 * course folder: a fresh folder in tu_dir (testutil.h), and the problems
 * reported about it looked up by file, line and message.
 */
#ifndef SAMPAN_TU_COURSE_H
#define SAMPAN_TU_COURSE_H

#include "problems.h"

/* tu_dir made anew with course.yml (yml, unless NULL) and two lessons, 01-safety and 02-parts. */
void tu_course_fresh(const char *yml);

/* Print every problem of p (shown when a test fails). */
void tu_problems_dump(const struct problems *p);

/* The problem of level at file:line whose message contains text, or a failed test. */
const struct problem *tu_problem_find(const struct problems *p, enum problem_level level,
                                      const char *file, unsigned line, const char *text);

#endif
