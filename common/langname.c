/* langname.c - languages named in themselves: one table (langname.h). */
#include "langname.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "ascii.h"

/*
 * Tags with a script or region first (looked up whole), then primary
 * languages by tag: the languages of the classrooms Sampan serves and of
 * their neighbours, and the ones producers most often subtitle in.
 */
static const struct {
	const char *tag, *name;
} names[] = {
	{ "zh-Hans", "简体中文" },
	{ "zh-CN", "简体中文" },
	{ "zh-SG", "简体中文" },
	{ "zh-Hant", "繁體中文" },
	{ "zh-TW", "繁體中文" },
	{ "zh-HK", "繁體中文" },
	{ "pt-BR", "Português (Brasil)" },
	{ "am", "አማርኛ" },
	{ "ar", "العربية" },
	{ "bn", "বাংলা" },
	{ "bo", "བོད་ཡིག" },
	{ "ceb", "Cebuano" },
	{ "de", "Deutsch" },
	{ "en", "English" },
	{ "es", "Español" },
	{ "fa", "فارسی" },
	{ "fil", "Filipino" },
	{ "fr", "Français" },
	{ "hi", "हिन्दी" },
	{ "hmn", "Hmoob" },
	{ "id", "Bahasa Indonesia" },
	{ "ilo", "Ilokano" },
	{ "it", "Italiano" },
	{ "ja", "日本語" },
	{ "jv", "Basa Jawa" },
	{ "km", "ខ្មែរ" },
	{ "ko", "한국어" },
	{ "lo", "ລາວ" },
	{ "mn", "Монгол" },
	{ "ms", "Bahasa Melayu" },
	{ "my", "မြန်မာ" },
	{ "ne", "नेपाली" },
	{ "nl", "Nederlands" },
	{ "pl", "Polski" },
	{ "pt", "Português" },
	{ "ru", "Русский" },
	{ "shn", "တႆး" },
	{ "si", "සිංහල" },
	{ "su", "Basa Sunda" },
	{ "sw", "Kiswahili" },
	{ "ta", "தமிழ்" },
	{ "te", "తెలుగు" },
	{ "tet", "Tetun" },
	{ "th", "ไทย" },
	{ "tl", "Tagalog" },
	{ "tr", "Türkçe" },
	{ "uk", "Українська" },
	{ "ur", "اردو" },
	{ "vi", "Tiếng Việt" },
	{ "zh", "中文" },
};

static char fold(char c)
{
	return c == '_' ? '-' : ascii_lower(c);
}

bool langname_same_tag(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (fold(*a) != fold(*b))
			return false;
	return *a == *b;
}

bool langname_primary_is(const char *tag, const char *primary)
{
	size_t i;

	for (i = 0; primary[i]; i++)
		if (fold(tag[i]) != primary[i])
			return false;
	return tag[i] == '\0' || tag[i] == '-' || tag[i] == '_';
}

bool langname_same_primary(const char *a, const char *b)
{
	for (; *a && *a != '-' && *a != '_'; a++, b++)
		if (fold(*a) != fold(*b))
			return false;
	return *b == '\0' || *b == '-' || *b == '_';
}

const char *langname_of(const char *tag)
{
	size_t n = sizeof(names) / sizeof(names[0]);

	if (!tag || !*tag)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (langname_same_tag(tag, names[i].tag))
			return names[i].name;
	for (size_t i = 0; i < n; i++)
		if (!strchr(names[i].tag, '-') && langname_primary_is(tag, names[i].tag))
			return names[i].name;
	return NULL;
}
