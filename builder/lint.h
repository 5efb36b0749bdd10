/*
 * lint.h - every check of `sampan-build check` on a loaded course
 * (format-spec/course-source.md, "Checks").  `build` runs the same checks
 * first and stops on any error.
 *
 * Errors: a listed lesson or teacher page that is missing; broken links
 * between lessons, teacher pages and headings; a lesson's link to a
 * teacher page (outside its instructor notes); missing media; references to another host in raw HTML
 * and URLs of other schemes (javascript:, file:...); names that break on FAT32, exFAT or Windows; a file over
 * 4 GiB; an MP4 whose index (moov) is after its media data; invalid UTF-8
 * in a lesson, course.yml or a subtitle file; a malformed subtitle file.
 * Warnings: links to the web in Markdown (shown as text; errors when
 * strict), unreferenced media, images without alt text, video without
 * subtitles, a course over 4 GiB in total, and what md_dropped reports
 * about the Markdown (raw HTML removed, front matter fields ignored,
 * fenced divs of an unknown class or never closed, attributes the page
 * does not show).
 */
#ifndef SAMPAN_BUILDER_LINT_H
#define SAMPAN_BUILDER_LINT_H

#include <stdbool.h>

#include "course_src.h"
#include "problems.h"

/*
 * Run every check on c (already loaded, with its own problems in p); add
 * the problems to p.  strict: links to the web are errors, not warnings.
 */
void lint_course(const struct course_src *c, bool strict, struct problems *p);

#endif
