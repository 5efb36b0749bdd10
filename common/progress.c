/* progress.c - one line of progress on a terminal (progress.h). */
#include "progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "monotime.h"

void progress_start(struct progress *p, const char *label)
{
	p->on = !cli_quiet && isatty(STDERR_FILENO) == 1 &&
	        !(getenv("TERM") && strcmp(getenv("TERM"), "dumb") == 0);
	p->label = label;
	p->start = monotime_now();
	p->last = 0;
}

void progress_update(struct progress *p, uint64_t done, uint64_t total)
{
	double now, elapsed, rate;
	char a[32], b[32], r[32], left[32] = "";

	if (!p->on)
		return;
	now = monotime_now();
	if (now - p->last < 0.1 && done < total)
		return;
	p->last = now;
	elapsed = now - p->start;
	rate = elapsed > 0 ? (double)done / elapsed : 0;
	if (rate > 0 && total > done) {
		unsigned s = (unsigned)((double)(total - done) / rate);
		snprintf(left, sizeof(left), "  %u:%02u left", s / 60, s % 60);
	}
	fprintf(stderr, "\r\033[K%s  %s / %s  %s/s%s", p->label, cli_size(done, a, sizeof(a)),
	        cli_size(total, b, sizeof(b)), cli_size((uint64_t)rate, r, sizeof(r)), left);
	fflush(stderr);
}

void progress_end(struct progress *p)
{
	if (!p->on)
		return;
	fprintf(stderr, "\r\033[K");
	fflush(stderr);
	p->on = false;
}
