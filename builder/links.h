/*
 * links.h - what a URL written in a lesson points at, inside the course
 * folder: another lesson (and a heading in it), a media file, or something
 * not allowed (another host).  Shared by the checks and by the rendering,
 * so that what `check` accepts is exactly what `build` links.
 */
#ifndef SAMPAN_BUILDER_LINKS_H
#define SAMPAN_BUILDER_LINKS_H

#include <stdbool.h>
#include <stddef.h>

#include "course_src.h"

enum link_kind {
	LINK_ANCHOR, /* "#heading" within the same lesson */
	LINK_LESSON, /* another (or the same) lesson's .md, maybe with "#heading" */
	LINK_TEACHER, /* a teacher page's .md (course.yml `teacher`), maybe with "#heading" */
	LINK_FILE, /* a file of the course (media, a PDF...) */
	LINK_EXTERNAL, /* another host: http:, https:, //host, or any other scheme but mailto: and tel: */
	LINK_CONTACT, /* mailto: or tel:, kept as written */
	LINK_MISSING, /* a path inside the course that names no file */
	LINK_INVALID /* a path that escapes the course folder, or is not a valid name */
};

struct link {
	enum link_kind kind;
	char *path; /* course-relative path, percent-decoded (LESSON, FILE, MISSING); else NULL */
	char *fragment; /* percent-decoded text after '#', or NULL */
	const struct src_lesson *lesson; /* LINK_LESSON, and LINK_TEACHER's teacher page */
	const struct src_file *file; /* LINK_FILE, LINK_LESSON and LINK_TEACHER */
};

/*
 * Resolve url, written in the file `from` (course-relative), against course c.
 * Relative paths are resolved against from's folder; "." and ".." segments
 * are allowed while they stay inside the course.  Free with link_release.
 */
void link_resolve(const struct course_src *c, const char *from, const char *url, struct link *out);
void link_release(struct link *l);

/*
 * A relative URL from the page at from_page (bundle path) to the bundle
 * path to, percent-encoding what must be encoded, with "#fragment" when
 * fragment is not NULL.  malloc'd.
 */
char *link_relative(const char *from_page, const char *to, const char *fragment);

struct media_track {
	char *path; /* course-relative path of the .vtt */
	char *lang; /* the language tag in its name */
};

/*
 * The subtitle files of a video among the course's files (subtitle.h says
 * which: pump.mp4: pump.th.vtt, pump.en.vtt), sorted with the
 * course's language first.  *tracks is malloc'd; free with media_tracks_free.
 */
size_t media_tracks(const struct course_src *c, const char *video_path,
                    struct media_track **tracks);
void media_tracks_free(struct media_track *tracks, size_t count);

/* Media kinds by extension, for embedding: */
bool media_is_video(const char *path); /* .mp4 .m4v .webm .ogv */
bool media_is_audio(const char *path); /* .mp3 .m4a .ogg .oga .opus .wav */
bool media_is_image(const char *path); /* .png .jpg .jpeg .gif .webp .svg .avif */

#endif
