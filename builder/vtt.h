/*
 * vtt.h - WebVTT subtitles: the cues and their times, for search and for
 * the checks (format-spec/course-source.md, "Subtitles").
 */
#ifndef SAMPAN_BUILDER_VTT_H
#define SAMPAN_BUILDER_VTT_H

#include <stddef.h>
#include <stdint.h>

#include "problems.h"

struct vtt_cue {
	uint64_t start_ms;
	uint64_t end_ms;
	char *text; /* payload without tags (<b>, <c.x>, <v Name>), lines joined by a space */
	unsigned line; /* line of the timing line */
};

struct vtt {
	struct vtt_cue *cues;
	size_t count;
};

/*
 * Parse a WebVTT file (len bytes; file names it in problems).  A missing
 * "WEBVTT" header or a malformed timing line is an error in p, at its line;
 * the parse goes on with the next cue.  Returns false only when out of memory.
 */
bool vtt_parse(const char *text, size_t len, const char *file, struct vtt *out, struct problems *p);
void vtt_release(struct vtt *v);

#endif
