/*
 * watch.c - a video played from a subtitle cue's time (watch.h).
 * Everything from a bundle or a request is escaped on its way out: HTML
 * by html.c, URLs by urlpath_encode.
 */
#include "watch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errpage.h"
#include "html.h"
#include "httputil.h"
#include "l10n.h"
#include "pagebuf.h"
#include "represent.h"
#include "sbuf.h"
#include "search.h"
#include "subtitle.h"

char *watch_html(const struct watch_view *w)
{
	struct sbuf b;
	char start[64];

	snprintf(start, sizeof(start), "%.3f", w->start);
	sbuf_init(&b, PAGE_MAX);
	put(&b, "<!DOCTYPE html>\n<html lang=\"");
	put_html(&b, w->ui_lang);
	put(&b, "\">\n<head>\n<meta charset=\"utf-8\">\n"
	        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	        "<meta name=\"color-scheme\" content=\"light dark\">\n<title>");
	put_html(&b, w->course_title);
	put(&b, "</title>\n<link rel=\"stylesheet\" href=\"/_sampan/player.css\">\n</head>\n<body "
	        "class=\"watch\">\n<header>\n<p><a href=\"/?lang=");
	put_url_part(&b, w->ui_lang);
	put(&b, "\">");
	put_html(&b, l10n_get(w->ui_lang, "catalog", "Courses"));
	put(&b, "</a></p>\n</header>\n<main>\n<h1>");
	put_html(&b, w->course_title);
	put(&b, "</h1>\n<video controls preload=\"metadata\" src=\"/c/");
	put_url_part(&b, w->course_id);
	put(&b, "/");
	put_url_part(&b, w->media);
	put(&b, "#t=");
	put(&b, start);
	put(&b, "\">\n");
	for (size_t i = 0; i < w->tracks_count; i++) {
		put(&b, "<track kind=\"subtitles\" src=\"/c/");
		put_url_part(&b, w->course_id);
		put(&b, "/");
		put_url_part(&b, w->tracks[i]);
		put(&b, "\" srclang=\"");
		put_html(&b, w->track_langs[i]);
		put(&b, "\" label=\"");
		put_html(&b, w->track_langs[i]);
		put(&b,
		    w->track && strcmp(w->track, w->tracks[i]) == 0 ? "\" default>\n" : "\">\n");
	}
	put(&b, "</video>\n");
	if (w->lesson_url) {
		put(&b, "<p><a class=\"open\" href=\"");
		put_html(&b, w->lesson_url);
		put(&b, "\">");
		put_html(&b, l10n_get(w->ui_lang, "watch", "Open the lesson"));
		put(&b, "</a></p>\n");
	}
	put(&b, "</main>\n</body>\n</html>\n");
	return sbuf_take(&b, NULL);
}

/* The subtitle files of media in the bundle (subtitle.h: NAME.LANG.vtt beside NAME.EXT). */
static size_t find_tracks(const struct bundle *b, const char *media, char **names, char **langs,
                          size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < bundle_count(b) && n < max; i++) {
		struct bundle_entry e;
		char lang[SUBTITLE_LANG_MAX];

		bundle_entry(b, i, &e);
		if (!e.digest || !subtitle_lang(media, e.name, lang))
			continue;
		names[n] = strdup(e.name);
		langs[n] = strdup(lang);
		if (!names[n] || !langs[n]) {
			free(names[n]);
			free(langs[n]);
			continue;
		}
		n++;
	}
	return n;
}

static char *query_arg(const struct request *rq, const char *key)
{
	return query_value_decode(request_arg(rq, key), SEARCH_QUERY_MAX);
}

void watch_serve(struct library *lib, const struct request *rq, struct reply *r)
{
	struct lib_snapshot *snap = library_snapshot(lib);
	char *id = query_arg(rq, "c"), *media = query_arg(rq, "m"), *track = query_arg(rq, "k"),
	     *page = query_arg(rq, "p"), *t = query_arg(rq, "t");
	char *names[WATCH_TRACKS_MAX], *langs[WATCH_TRACKS_MAX], *lesson_url = NULL, *end = NULL;
	const char *ui = l10n_of_request(rq);
	struct lib_course *course = id ? library_find(snap, id) : NULL;
	struct bundle_error err;
	struct watch_view w;
	size_t n = 0;
	double start = t ? strtod(t, &end) : 0;
	bool ok = false, used;
	char *html;

	if (!course || !media || !*media) {
		errpage_reply(r, rq, 404, "no such course or video");
		goto done;
	}
	if (!(start >= 0 && start < 1e7) || (end && *end))
		start = 0;
	pthread_mutex_lock(&course->lock);
	used = library_use_course(lib, course, &err) == BUNDLE_OK;
	pthread_mutex_unlock(&course->lock);
	if (used) {
		/* an open bundle is only read: no lock for that */
		size_t i = bundle_find(course->b, media, strlen(media));
		struct bundle_entry e;
		if (i != BUNDLE_NOT_FOUND) {
			bundle_entry(course->b, i, &e);
			ok = e.digest != NULL;
		}
		if (ok)
			n = find_tracks(course->b, media, names, langs, WATCH_TRACKS_MAX);
		pthread_mutex_lock(&course->lock);
		library_done_course(course);
		pthread_mutex_unlock(&course->lock);
	}
	if (!ok) {
		errpage_reply(r, rq, 404, media);
		goto done;
	}
	if (page && *page) {
		char *id_enc = urlpath_encode(course->id), *page_enc = urlpath_encode(page);
		if (id_enc && page_enc) {
			size_t len = strlen(id_enc) + strlen(page_enc) + 5;
			lesson_url = malloc(len);
			if (lesson_url)
				snprintf(lesson_url, len, "/c/%s/%s", id_enc, page_enc);
		}
		free(id_enc);
		free(page_enc);
	}
	memset(&w, 0, sizeof(w));
	w.ui_lang = ui;
	w.course_id = course->id;
	w.course_title = course_text_get(&course->course->title, ui, course->course->language);
	if (!w.course_title)
		w.course_title = course->id;
	w.lesson_url = lesson_url;
	w.media = media;
	w.start = start;
	w.tracks = (const char *const *)names;
	w.track_langs = (const char *const *)langs;
	w.tracks_count = n;
	w.track = track;
	html = watch_html(&w);
	represent_made(r, rq, "text/html; charset=utf-8", html, html ? strlen(html) : 0, true, NULL,
	               "no-cache");
	for (size_t i = 0; i < n; i++) {
		free(names[i]);
		free(langs[i]);
	}
done:
	library_release_snapshot(lib, snap);
	free(id);
	free(media);
	free(track);
	free(page);
	free(t);
	free(lesson_url);
}
