/*
 * progress.h - progress of a long command (a build, a copy, a check) on
 * stderr: one line rewritten in place, "LABEL  12.3 MB / 50.0 MB  80 MB/s
 * 0:03 left", at most ten times a second, on a terminal only and not
 * under -q (cli_quiet), so that pipes and logs stay clean.
 */
#ifndef SAMPAN_COMMON_PROGRESS_H
#define SAMPAN_COMMON_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

struct progress {
	bool on; /* drawing: a terminal, not quiet, TERM not "dumb" */
	const char *label;
	double start;
	double last;
};

/* Start p with its label (kept, not copied); decides once whether to draw. */
void progress_start(struct progress *p, const char *label);
/* done of total bytes. */
void progress_update(struct progress *p, uint64_t done, uint64_t total);
/* Clear the line; p draws no more.  Call before printing anything else. */
void progress_end(struct progress *p);

#endif
