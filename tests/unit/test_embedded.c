/*
 * test_embedded.c - the files the player carries inside itself
 * (player/embedded.c and the tables player/tools/embed.c writes): every
 * stylesheet and script of player/assets/ byte for byte, a compiled
 * catalog for every po/LANG.po, and a lookup by exact name only.
 */
#include "testutil.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embedded.h"

/* Whether name ends with suffix. */
static bool ends_with(const char *name, const char *suffix)
{
	size_t n = strlen(name), s = strlen(suffix);

	return n >= s && strcmp(name + n - s, suffix) == 0;
}

/* Call check(folder, name) for each file of the repository's folder whose name ends with one of
 * the suffixes; how many. */
static size_t each_file(const char *where, const char *const *suffixes,
                        void (*check)(const char *folder, const char *name))
{
	char *folder = tu_path(tu_top(), where);
	DIR *d = opendir(folder);
	struct dirent *de;
	size_t seen = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		for (const char *const *s = suffixes; *s; s++)
			if (ends_with(de->d_name, *s)) {
				check(folder, de->d_name);
				seen++;
				break;
			}
	closedir(d);
	free(folder);
	return seen;
}

static void asset_is_carried(const char *folder, const char *name)
{
	const struct embedded_file *f = embedded_find(embedded_assets, embedded_assets_count, name);
	char *path = tu_path(folder, name);
	unsigned char *want;
	size_t len;

	if (!f)
		fail_msg("player/assets/%s is not carried by the player", name);
	want = tu_read(path, &len);
	assert_int_equal(f->len, len);
	assert_memory_equal(f->data, want, len);
	/* a NUL after the bytes, for the code that reads them as text */
	assert_int_equal(f->data[f->len], 0);
	free(want);
	free(path);
}

static void every_asset_is_carried_as_it_is(void **state)
{
	static const char *const kinds[] = { ".css", ".js", NULL };
	size_t seen;

	(void)state;
	seen = each_file("player/assets", kinds, asset_is_carried);
	assert_true(seen >= 3);
	assert_int_equal(embedded_assets_count, seen);
}

static void catalog_is_carried(const char *folder, const char *name)
{
	const struct embedded_file *f;
	char mo[64];
	uint32_t magic;

	(void)folder;
	snprintf(mo, sizeof(mo), "%.*s.mo", (int)(strlen(name) - 3), name);
	f = embedded_find(embedded_catalogs, embedded_catalogs_count, mo);
	if (!f)
		fail_msg("po/%s: no %s in the player", name, mo);
	/* what msgfmt writes: the GNU catalog's magic number, in this machine's order */
	assert_true(f->len > 28);
	memcpy(&magic, f->data, 4);
	assert_int_equal(magic, 0x950412de);
}

static void every_translation_is_carried_compiled(void **state)
{
	static const char *const kinds[] = { ".po", NULL };
	size_t seen;

	(void)state;
	seen = each_file("po", kinds, catalog_is_carried);
	/* ten interface languages: English is the strings themselves */
	assert_int_equal(seen, 9);
	assert_int_equal(embedded_catalogs_count, seen);
}

static void found_by_exact_name_only(void **state)
{
	static const struct {
		const char *name;
		bool found;
	} rows[] = {
		{ "player.css", true }, { "search.js", true },    { "Player.css", false },
		{ "player", false },    { "player.css ", false }, { "assets/player.css", false },
		{ "", false },          { NULL, false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct embedded_file *f =
		        embedded_find(embedded_assets, embedded_assets_count, rows[i].name);

		if (rows[i].found != (f != NULL))
			fail_msg("'%s': %s", rows[i].name ? rows[i].name : "(null)",
			         f ? "found" : "not found");
		if (f)
			assert_string_equal(f->name, rows[i].name);
	}
	/* a catalog is not an asset */
	assert_null(embedded_find(embedded_assets, embedded_assets_count, "th.mo"));
	assert_non_null(embedded_find(embedded_catalogs, embedded_catalogs_count, "th.mo"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_asset_is_carried_as_it_is),
		cmocka_unit_test(every_translation_is_carried_compiled),
		cmocka_unit_test(found_by_exact_name_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
