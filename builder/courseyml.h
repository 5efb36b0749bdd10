/*
 * courseyml.h - course.yml read into a struct course_src (courseyml.c, the
 * only file that includes <yaml.h>); private to course_src.c.
 */
#ifndef SAMPAN_BUILDER_COURSEYML_H
#define SAMPAN_BUILDER_COURSEYML_H

#include <stdbool.h>
#include <stddef.h>

#include "course_src.h"
#include "error.h"
#include "problems.h"

/*
 * Parse len bytes of course.yml (valid UTF-8: the caller's check) into the
 * metadata and lessons of c, which must be zeroed there.  Every problem goes
 * to p at its line and column.  Returns false when the course cannot be
 * built: a YAML syntax error, or a required key missing or invalid; the
 * fields that were read stay filled.
 */
bool courseyml_parse(const char *text, size_t len, struct course_src *c, struct problems *p);

/* A lesson id: ^[a-z0-9][a-z0-9._-]{0,127}$ (bundle-v1.md, section 11.2). */
bool courseyml_lesson_id_valid(const char *s);

/*
 * The reason of a pathname_check failure without the entry name and the
 * rule ("forbidden character ':'"), copied into buf; returns buf.
 */
const char *courseyml_name_reason(const struct bundle_error *err, char *buf, size_t size);

#endif
