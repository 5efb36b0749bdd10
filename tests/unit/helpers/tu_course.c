/*
 * tu_course.c - a course folder and its problems, for the builder's unit
 * tests (tu_course.h).
 */
#include "tu_course.h"

#include <stdlib.h>
#include <string.h>

#include "testutil.h"

void tu_course_fresh(const char *yml)
{
	tu_rmrf(tu_dir);
	free(tu_dir);
	tu_dir = tu_tempdir();
	if (yml)
		tu_dir_put("course.yml", yml);
	tu_dir_put("lessons/01-safety.md", "# Safety\n");
	tu_dir_put("lessons/02-parts.md", "# Parts\n");
}

void tu_problems_dump(const struct problems *p)
{
	for (size_t i = 0; i < p->count; i++)
		print_message("  %s:%u:%u: %s: %s\n", p->v[i].file, p->v[i].line, p->v[i].col,
		              p->v[i].level == PROBLEM_ERROR ? "error" : "warning",
		              p->v[i].message);
}

const struct problem *tu_problem_find(const struct problems *p, enum problem_level level,
                                      const char *file, unsigned line, const char *text)
{
	for (size_t i = 0; i < p->count; i++)
		if (p->v[i].level == level && strcmp(p->v[i].file, file) == 0 &&
		    p->v[i].line == line && strstr(p->v[i].message, text))
			return &p->v[i];
	tu_problems_dump(p);
	fail_msg("no %s at %s:%u containing '%s'", level == PROBLEM_ERROR ? "error" : "warning",
	         file, line, text);
	return NULL;
}
