/*
 * watch.h - the page that plays a video from a subtitle cue's time, with
 * its subtitle tracks (/watch?c=COURSE&m=VIDEO&t=SECONDS&k=TRACK&p=PAGE):
 * where a search hit in the words spoken in a video leads.  The page is a
 * pure function of its view; the request reads the course's bundle for
 * the video and its subtitle files.
 */
#ifndef SAMPAN_PLAYER_WATCH_H
#define SAMPAN_PLAYER_WATCH_H

#include <stddef.h>

#include "library.h"
#include "reply.h"

#define WATCH_TRACKS_MAX 16

struct watch_view {
	const char *ui_lang;
	const char *course_id;
	const char *course_title;
	const char *lesson_url; /* or NULL */
	const char *media; /* entry name of the video or audio */
	double start; /* seconds */
	const char *const *tracks; /* entry names of its subtitle files */
	const char *const *track_langs;
	size_t tracks_count;
	const char *track; /* the one to show first, or NULL */
};

/* A page that plays media from start with its subtitles, malloc'd. */
char *watch_html(const struct watch_view *w);

/* /watch: 404 (a page) for no such course or video. */
void watch_serve(struct library *lib, const struct request *rq, struct reply *r);

#endif
