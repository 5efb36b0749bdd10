/* links.c - what a URL in a lesson points at, relative URLs between bundle paths, a video's tracks. */
#include "links.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ascii.h"
#include "cli.h"
#include "course.h"
#include "pathname.h"
#include "subtitle.h"
#include "xalloc.h"

/* Percent-decode n bytes of s (malloc'd); NULL for a '%' without two hex digits, or for %00. */
static char *percent_decode(const char *s, size_t n)
{
	char *d = xmalloc(n + 1);
	size_t j = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] != '%') {
			d[j++] = s[i];
			continue;
		}
		if (i + 2 >= n) {
			free(d);
			return NULL;
		}
		{
			int hi = ascii_hex_value(s[i + 1]), lo = ascii_hex_value(s[i + 2]);
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
				free(d);
				return NULL;
			}
			d[j++] = (char)(hi * 16 + lo);
			i += 2;
		}
	}
	d[j] = '\0';
	return d;
}

static bool ascii_alpha(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

/* Length of the URL's scheme (RFC 3986: ALPHA *(ALPHA / DIGIT / "+" / "-" / ".") ":"), 0 if none. */
static size_t scheme_length(const char *url)
{
	size_t i = 0;

	if (!ascii_alpha(url[0]))
		return 0;
	while (ascii_alpha(url[i]) || (url[i] >= '0' && url[i] <= '9') || url[i] == '+' ||
	       url[i] == '-' || url[i] == '.')
		i++;
	return url[i] == ':' ? i : 0;
}

static bool scheme_is(const char *url, size_t n, const char *name)
{
	if (strlen(name) != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = url[i];
		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		if (ch != name[i])
			return false;
	}
	return true;
}

/*
 * Resolve rel (decoded) against the folder of from: "." and ".." applied,
 * NULL when a ".." leaves the course folder or the result is empty.
 */
static char *resolve_path(const char *from, const char *rel)
{
	const char *slash = strrchr(from, '/');
	size_t base_len = slash ? (size_t)(slash - from) : 0;
	size_t cap = base_len + strlen(rel) + 2, len = 0;
	char *out = xmalloc(cap);
	const char *s = rel;

	if (base_len) {
		memcpy(out, from, base_len);
		len = base_len;
	}
	out[len] = '\0';
	for (;;) {
		const char *end = strchr(s, '/');
		size_t n = end ? (size_t)(end - s) : strlen(s);

		if (n == 2 && s[0] == '.' && s[1] == '.') {
			char *up;
			if (len == 0) {
				free(out);
				return NULL;
			}
			up = strrchr(out, '/');
			len = up ? (size_t)(up - out) : 0;
			out[len] = '\0';
			if (!end) {
				/* "a/.." names a folder, not a file. */
				free(out);
				return NULL;
			}
		} else if (n == 1 && s[0] == '.') {
			if (!end) {
				free(out);
				return NULL;
			}
		} else {
			if (len)
				out[len++] = '/';
			memcpy(out + len, s, n);
			len += n;
			out[len] = '\0';
		}
		if (!end)
			break;
		s = end + 1;
	}
	if (len == 0) {
		free(out);
		return NULL;
	}
	return out;
}

void link_resolve(const struct course_src *c, const char *from, const char *url, struct link *out)
{
	const char *hash = strchr(url, '#');
	size_t path_len = hash ? (size_t)(hash - url) : strlen(url);
	size_t scheme = scheme_length(url);
	char *decoded = NULL;
	struct bundle_error err;

	memset(out, 0, sizeof(*out));
	if (scheme) {
		out->kind = scheme_is(url, scheme, "mailto") || scheme_is(url, scheme, "tel")
		                    ? LINK_CONTACT
		                    : LINK_EXTERNAL;
		return;
	}
	if (url[0] == '/' && url[1] == '/') {
		out->kind = LINK_EXTERNAL;
		return;
	}
	out->kind = LINK_INVALID;
	if (hash) {
		out->fragment = percent_decode(hash + 1, strlen(hash + 1));
		if (!out->fragment)
			return;
	}
	if (path_len == 0) {
		if (hash)
			out->kind = LINK_ANCHOR;
		return;
	}
	/* An absolute path names the server's root, which the pages never know. */
	if (url[0] == '/' || url[0] == '\\')
		return;
	decoded = percent_decode(url, path_len);
	if (!decoded)
		return;
	out->path = resolve_path(from ? from : "", decoded);
	free(decoded);
	if (!out->path)
		return;
	if (pathname_check(out->path, strlen(out->path), true, &err) != BUNDLE_OK) {
		if (err.status == BUNDLE_NOMEM)
			xalloc_die();
		free(out->path);
		out->path = NULL;
		return;
	}
	out->file = course_src_file(c, out->path);
	if (!out->file) {
		out->kind = LINK_MISSING;
		return;
	}
	out->lesson = course_src_lesson_by_file(c, out->path);
	out->kind = out->lesson ? LINK_LESSON : LINK_FILE;
	if (!out->lesson && (out->lesson = course_src_teacher_by_file(c, out->path)) != NULL)
		out->kind = LINK_TEACHER;
}

void link_release(struct link *l)
{
	free(l->path);
	free(l->fragment);
	memset(l, 0, sizeof(*l));
}

/* Append s percent-encoded where a relative URL needs it; d has room for 3 bytes per byte. */
static size_t encode(char *d, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t j = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == ' ' || ch == '#' || ch == '%' || ch == '?' || ch < 0x20 || ch == 0x7F) {
			d[j++] = '%';
			d[j++] = hex[ch >> 4];
			d[j++] = hex[ch & 15];
		} else {
			d[j++] = (char)ch;
		}
	}
	return j;
}

char *link_relative(const char *from_page, const char *to, const char *fragment)
{
	size_t common = 0, ups = 0, to_len = strlen(to);
	size_t frag_len = fragment ? strlen(fragment) : 0;
	char *out, *d;

	/* The longest common folder prefix, ending on a '/'. */
	for (size_t i = 0; from_page[i] && from_page[i] == to[i]; i++)
		if (from_page[i] == '/')
			common = i + 1;
	for (const char *s = from_page + common; *s; s++)
		if (*s == '/')
			ups++;
	out = xmalloc(3 * ups + 3 * (to_len - common) + 3 * frag_len + 4);
	d = out;
	if (strcmp(from_page, to) == 0 && fragment) {
		/* Same page: the fragment alone. */
	} else if (to_len == common) {
		/* to is a folder of from_page's: "./" is that folder. */
		for (size_t i = 0; i < ups; i++) {
			memcpy(d, "../", 3);
			d += 3;
		}
		if (!ups) {
			memcpy(d, "./", 2);
			d += 2;
		}
	} else {
		for (size_t i = 0; i < ups; i++) {
			memcpy(d, "../", 3);
			d += 3;
		}
		d += encode(d, to + common, to_len - common);
	}
	if (fragment) {
		*d++ = '#';
		d += encode(d, fragment, frag_len);
	}
	*d = '\0';
	return out;
}

static int cmp_track(const void *pa, const void *pb, const char *main_lang)
{
	const struct media_track *a = pa, *b = pb;
	bool am = main_lang && strcmp(a->lang, main_lang) == 0;
	bool bm = main_lang && strcmp(b->lang, main_lang) == 0;

	if (am != bm)
		return am ? -1 : 1;
	return strcmp(a->lang, b->lang);
}

size_t media_tracks(const struct course_src *c, const char *video_path, struct media_track **tracks)
{
	struct media_track *v = NULL;
	size_t count = 0;

	*tracks = NULL;
	for (size_t i = 0; i < c->files_count; i++) {
		const char *path = c->files[i].path;
		char lang[SUBTITLE_LANG_MAX];

		if (!subtitle_lang(video_path, path, lang))
			continue;
		{
			struct media_track *nv = xrealloc(v, (count + 1) * sizeof(*nv));
			v = nv;
		}
		v[count].path = xstrndup(path, strlen(path));
		v[count].lang = xstrndup(lang, strlen(lang));
		count++;
	}
	/* Insertion sort: a video has a handful of tracks, and qsort has no context argument. */
	for (size_t i = 1; i < count; i++) {
		struct media_track t = v[i];
		size_t j = i;
		while (j > 0 && cmp_track(&v[j - 1], &t, c->language) > 0) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = t;
	}
	*tracks = v;
	return count;
}

void media_tracks_free(struct media_track *tracks, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		free(tracks[i].path);
		free(tracks[i].lang);
	}
	free(tracks);
}

/* Does the name end with one of the extensions, ASCII case-insensitively? */
static bool has_ext(const char *path, const char *const *exts, size_t n)
{
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(slash ? slash + 1 : path, '.');

	if (!dot || dot == (slash ? slash + 1 : path))
		return false;
	for (size_t i = 0; i < n; i++) {
		const char *e = exts[i];
		size_t k = 0;
		while (dot[k + 1] && e[k]) {
			char ch = dot[k + 1];
			if (ch >= 'A' && ch <= 'Z')
				ch = (char)(ch - 'A' + 'a');
			if (ch != e[k])
				break;
			k++;
		}
		if (!dot[k + 1] && !e[k])
			return true;
	}
	return false;
}

bool media_is_video(const char *path)
{
	static const char *const exts[] = { "mp4", "m4v", "webm", "ogv" };
	return has_ext(path, exts, sizeof(exts) / sizeof(exts[0]));
}

bool media_is_audio(const char *path)
{
	static const char *const exts[] = { "mp3", "m4a", "ogg", "oga", "opus", "wav" };
	return has_ext(path, exts, sizeof(exts) / sizeof(exts[0]));
}

bool media_is_image(const char *path)
{
	static const char *const exts[] = { "png", "jpg", "jpeg", "gif", "webp", "svg", "avif" };
	return has_ext(path, exts, sizeof(exts) / sizeof(exts[0]));
}
