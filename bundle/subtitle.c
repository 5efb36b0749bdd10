/* subtitle.c - a video's subtitle files by their names (format-spec/course-source.md, 5.2). */
#include "subtitle.h"

#include <string.h>

#include "course.h"

bool subtitle_lang(const char *video_path, const char *path, char lang[SUBTITLE_LANG_MAX])
{
	const char *slash = strrchr(video_path, '/');
	const char *dot = strrchr(slash ? slash + 1 : video_path, '.');
	size_t stem_len = dot ? (size_t)(dot - video_path) : strlen(video_path);
	size_t n = strlen(path), lang_len;

	/* stem + "." + LANG + ".vtt", LANG a tag in the same folder */
	if (n < stem_len + 6 || memcmp(path, video_path, stem_len) != 0 || path[stem_len] != '.' ||
	    strcmp(path + n - 4, ".vtt") != 0)
		return false;
	lang_len = n - 4 - stem_len - 1;
	if (lang_len >= SUBTITLE_LANG_MAX)
		return false;
	memcpy(lang, path + stem_len + 1, lang_len);
	lang[lang_len] = '\0';
	return !strchr(lang, '/') && course_lang_valid(lang);
}
