/*
 * subtitle.h - which subtitle file belongs to which video
 * (format-spec/course-source.md, 5.2 "Subtitles"): a WebVTT file beside the
 * video, named like it with a language tag before ".vtt" (pump.mp4:
 * pump.th.vtt, pump.zh-Hans.vtt).  The one rule for the builder, which
 * gives a video its tracks, and the player, which finds them in a bundle.
 */
#ifndef SAMPAN_BUNDLE_SUBTITLE_H
#define SAMPAN_BUNDLE_SUBTITLE_H

#include <stdbool.h>

/* Room for a language tag of a subtitle file's name, with its NUL. */
#define SUBTITLE_LANG_MAX 64

/*
 * Whether path names a subtitle file of the video at video_path (both
 * '/'-separated, relative to the same root): in the same folder, the
 * video's name without its extension, '.', a valid language tag
 * (course_lang_valid), ".vtt".  The tag goes into lang (only meaningful
 * when true).
 */
bool subtitle_lang(const char *video_path, const char *path, char lang[SUBTITLE_LANG_MAX]);

#endif
