/*
 * test_subtitle.c - which subtitle file belongs to which video
 * (bundle/subtitle.c, format-spec/course-source.md 5.2): the builder's
 * tracks and the player's watch page both ask it.
 */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "subtitle.h"

static void expect_track(const char *video, const char *path, const char *want)
{
	char lang[SUBTITLE_LANG_MAX];

	if (!subtitle_lang(video, path, lang))
		fail_msg("%s: not a subtitle of %s, want %s", path, video, want);
	assert_string_equal(lang, want);
}

static void expect_none(const char *video, const char *path)
{
	char lang[SUBTITLE_LANG_MAX];

	if (subtitle_lang(video, path, lang))
		fail_msg("%s: taken as a subtitle of %s (%s)", path, video, lang);
}

static void the_video_name_a_tag_and_vtt(void **state)
{
	(void)state;
	expect_track("media/pump.mp4", "media/pump.th.vtt", "th");
	expect_track("media/pump.mp4", "media/pump.en.vtt", "en");
	expect_track("media/pump.mp4", "media/pump.zh-Hans.vtt", "zh-Hans");
	expect_track("pump.webm", "pump.fil.vtt", "fil");
	/* a video without an extension: its whole name is the stem */
	expect_track("media/pump", "media/pump.vi.vtt", "vi");
	/* the stem's own dots belong to the stem */
	expect_track("media/a.b.mp4", "media/a.b.km.vtt", "km");
}

static void other_names_are_not_its_subtitles(void **state)
{
	(void)state;
	expect_none("media/pump.mp4", "media/pump.TH.vtt"); /* not a tag: lowercase */
	expect_none("media/pump.mp4", "media/pump.old.en.vtt"); /* "old.en" is not a tag */
	expect_none("media/pump.mp4", "media/pumpkin.en.vtt");
	expect_none("media/pump.mp4", "media/sub/pump.en.vtt"); /* another folder */
	expect_none("media/pump.mp4", "other/pump.en.vtt");
	expect_none("media/pump.mp4", "media/pump.en.srt");
	expect_none("media/pump.mp4", "media/pump.vtt"); /* no tag */
	expect_none("media/pump.mp4", "media/pump..vtt");
	expect_none("media/pump.mp4", "media/pump.mp4");
	expect_none("media/pump.mp4", "media/pump.e.vtt"); /* too short for a tag */
}

static void a_tag_longer_than_the_room_is_refused(void **state)
{
	char path[256];

	(void)state;
	snprintf(path, sizeof(path), "p.%s.vtt",
	         "en-aaaaaaaa-bbbbbbbb-cccccccc-dddddddd-eeeeeeee-ffffffff-gggggggg-h");
	expect_none("p.mp4", path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_video_name_a_tag_and_vtt),
		cmocka_unit_test(other_names_are_not_its_subtitles),
		cmocka_unit_test(a_tag_longer_than_the_room_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
