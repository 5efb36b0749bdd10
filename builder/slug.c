/* slug.c - the ids of headings, made unique in a document as GitHub makes them (slug.h). */
#include "slug.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ascii.h"
#include "utf8.h"

/*
 * Punctuation, symbols (emoji too), controls and format characters outside
 * ASCII: dropped from ids.  Variation selectors go with the emoji they follow.
 */
static const uint32_t drop_ranges[][2] = {
	{ 0x0080, 0x009F },    { 0x00A1, 0x00A9 },   { 0x00AB, 0x00B4 },   { 0x00B6, 0x00B9 },
	{ 0x00BB, 0x00BF },    { 0x00D7, 0x00D7 },   { 0x00F7, 0x00F7 },   { 0x02C2, 0x02C5 },
	{ 0x02D2, 0x02DF },    { 0x02E5, 0x02EB },   { 0x02ED, 0x02ED },   { 0x02EF, 0x02FF },
	{ 0x0375, 0x0375 },    { 0x037E, 0x037E },   { 0x0384, 0x0385 },   { 0x0387, 0x0387 },
	{ 0x03F6, 0x03F6 },    { 0x0482, 0x0482 },   { 0x055A, 0x055F },   { 0x0589, 0x058A },
	{ 0x058D, 0x058F },    { 0x05BE, 0x05BE },   { 0x05C0, 0x05C0 },   { 0x05C3, 0x05C3 },
	{ 0x05C6, 0x05C6 },    { 0x05F3, 0x05F4 },   { 0x0600, 0x060F },   { 0x061B, 0x061B },
	{ 0x061D, 0x061F },    { 0x066A, 0x066D },   { 0x06D4, 0x06D4 },   { 0x06DD, 0x06DE },
	{ 0x06E9, 0x06E9 },    { 0x06FD, 0x06FE },   { 0x0964, 0x0965 },   { 0x0970, 0x0970 },
	{ 0x0DF4, 0x0DF4 },    { 0x0E3F, 0x0E3F },   { 0x0E4F, 0x0E4F },   { 0x0E5A, 0x0E5B },
	{ 0x0F01, 0x0F17 },    { 0x0F1A, 0x0F1F },   { 0x0F3A, 0x0F3D },   { 0x0F85, 0x0F85 },
	{ 0x0FBE, 0x0FC5 },    { 0x0FC7, 0x0FDA },   { 0x104A, 0x104F },   { 0x109E, 0x109F },
	{ 0x10FB, 0x10FB },    { 0x1360, 0x1368 },   { 0x166D, 0x166E },   { 0x169B, 0x169C },
	{ 0x16EB, 0x16ED },    { 0x17D4, 0x17D6 },   { 0x17D8, 0x17DB },   { 0x1800, 0x180A },
	{ 0x180E, 0x180E },    { 0x1940, 0x1940 },   { 0x1944, 0x1945 },   { 0x19DE, 0x19FF },
	{ 0x1AA0, 0x1AA6 },    { 0x1AA8, 0x1AAD },   { 0x1B5A, 0x1B6A },   { 0x1B74, 0x1B7E },
	{ 0x1CC0, 0x1CC7 },    { 0x1CD3, 0x1CD3 },   { 0x1FBD, 0x1FBD },   { 0x1FBF, 0x1FC1 },
	{ 0x1FCD, 0x1FCF },    { 0x1FDD, 0x1FDF },   { 0x1FED, 0x1FEF },   { 0x1FFD, 0x1FFE },
	{ 0x200B, 0x200B },    { 0x200E, 0x2027 },   { 0x202A, 0x202E },   { 0x2030, 0x205E },
	{ 0x2060, 0x2070 },    { 0x2074, 0x207E },   { 0x2080, 0x208E },   { 0x20A0, 0x20CF },
	{ 0x2100, 0x2101 },    { 0x2103, 0x2106 },   { 0x2108, 0x2109 },   { 0x2114, 0x2114 },
	{ 0x2116, 0x2118 },    { 0x211E, 0x2123 },   { 0x2125, 0x2125 },   { 0x2127, 0x2127 },
	{ 0x2129, 0x2129 },    { 0x212E, 0x212E },   { 0x213A, 0x213B },   { 0x2140, 0x2144 },
	{ 0x214A, 0x214D },    { 0x214F, 0x215F },   { 0x2189, 0x218B },   { 0x2190, 0x2BFF },
	{ 0x2CE5, 0x2CEA },    { 0x2CF9, 0x2CFF },   { 0x2D70, 0x2D70 },   { 0x2E00, 0x2E2E },
	{ 0x2E30, 0x2FFF },    { 0x3001, 0x3004 },   { 0x3008, 0x3020 },   { 0x3030, 0x3030 },
	{ 0x3036, 0x3037 },    { 0x303D, 0x303F },   { 0x309B, 0x309C },   { 0x30A0, 0x30A0 },
	{ 0x30FB, 0x30FB },    { 0x3190, 0x3191 },   { 0x3196, 0x319F },   { 0x31C0, 0x31E3 },
	{ 0x3200, 0x33FF },    { 0x4DC0, 0x4DFF },   { 0xA490, 0xA4C6 },   { 0xA4FE, 0xA4FF },
	{ 0xA60D, 0xA60F },    { 0xA673, 0xA673 },   { 0xA67E, 0xA67E },   { 0xA6F2, 0xA6F7 },
	{ 0xA700, 0xA716 },    { 0xA720, 0xA721 },   { 0xA789, 0xA78A },   { 0xA828, 0xA82B },
	{ 0xA830, 0xA839 },    { 0xA874, 0xA877 },   { 0xA8CE, 0xA8CF },   { 0xA8F8, 0xA8FA },
	{ 0xA8FC, 0xA8FC },    { 0xA92E, 0xA92F },   { 0xA95F, 0xA95F },   { 0xA9C1, 0xA9CD },
	{ 0xA9DE, 0xA9DF },    { 0xAA5C, 0xAA5F },   { 0xAA77, 0xAA79 },   { 0xAADE, 0xAADF },
	{ 0xAAF0, 0xAAF1 },    { 0xAB5B, 0xAB5B },   { 0xAB6A, 0xAB6B },   { 0xABEB, 0xABEB },
	{ 0xE000, 0xF8FF },    { 0xFB29, 0xFB29 },   { 0xFBB2, 0xFBC2 },   { 0xFD3E, 0xFD3F },
	{ 0xFDFC, 0xFDFF },    { 0xFE00, 0xFE19 },   { 0xFE30, 0xFE6B },   { 0xFEFF, 0xFEFF },
	{ 0xFF01, 0xFF0F },    { 0xFF1A, 0xFF20 },   { 0xFF3B, 0xFF40 },   { 0xFF5B, 0xFF65 },
	{ 0xFFE0, 0xFFEE },    { 0xFFF9, 0xFFFF },   { 0x10100, 0x1013F }, { 0x1D000, 0x1D24F },
	{ 0x1D300, 0x1D35F },  { 0x1EC70, 0x1ECBF }, { 0x1F000, 0x1FBEF }, { 0xE0000, 0xE0FFF },
	{ 0xF0000, 0x10FFFF },
};

static bool slug_drops(uint32_t cp)
{
	size_t lo = 0, hi = sizeof drop_ranges / sizeof drop_ranges[0];

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cp < drop_ranges[mid][0])
			hi = mid;
		else if (cp > drop_ranges[mid][1])
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

static bool is_unicode_space(uint32_t cp)
{
	return cp == 0x00A0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 ||
	       cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

/*
 * Simple lowercase for the cased scripts a course is likely to use (Latin
 * with Vietnamese, Greek, Cyrillic), so ids match what GitHub and most
 * Markdown previews produce; other scripts have no case.
 */
static uint32_t lower_cp(uint32_t cp)
{
	if (cp < 0x80)
		return (uint32_t)(unsigned char)ascii_lower((char)cp);
	if ((cp >= 0x00C0 && cp <= 0x00DE && cp != 0x00D7) || (cp >= 0x0391 && cp <= 0x03AB) ||
	    (cp >= 0x0410 && cp <= 0x042F))
		return cp == 0x03A2 ? cp : cp + 0x20;
	if (cp >= 0x0400 && cp <= 0x040F)
		return cp + 0x50;
	if (cp == 0x0178)
		return 0x00FF;
	if (cp == 0x0130)
		return 'i';
	if ((cp >= 0x0100 && cp <= 0x012F) || (cp >= 0x0132 && cp <= 0x0137) ||
	    (cp >= 0x014A && cp <= 0x0177) || (cp >= 0x0460 && cp <= 0x0481) ||
	    (cp >= 0x048A && cp <= 0x04BF) || (cp >= 0x04D0 && cp <= 0x052F) ||
	    (cp >= 0x1E00 && cp <= 0x1E95) || (cp >= 0x1EA0 && cp <= 0x1EFF))
		return (cp % 2 == 0) ? cp + 1 : cp;
	if ((cp >= 0x0139 && cp <= 0x0148) || (cp >= 0x0179 && cp <= 0x017E) ||
	    (cp >= 0x04C1 && cp <= 0x04CE))
		return (cp % 2 == 1) ? cp + 1 : cp;
	if (cp == 0x01A0 || cp == 0x01AF) /* Vietnamese O and U with horn */
		return cp + 1;
	return cp;
}

static size_t put_utf8(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

char *slug_make(const char *text)
{
	size_t len = text ? strlen(text) : 0, pos = 0, n = 0;
	char *out = malloc(len + sizeof "section");
	uint32_t cp;

	if (!out)
		return NULL;
	while (pos < len) {
		if (!utf8_next(text, len, &pos, &cp)) {
			pos++; /* a stray byte is nobody's letter */
			continue;
		}
		if (cp == ' ' || cp == '\t' || cp == '-' || is_unicode_space(cp)) {
			out[n++] = '-';
		} else if (cp < 0x80) {
			char c = ascii_lower((char)cp);

			if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
				out[n++] = c;
		} else if (!slug_drops(cp)) {
			/* lowercasing never lengthens these scripts' UTF-8 */
			n += put_utf8(out + n, lower_cp(cp));
		}
	}
	if (n == 0) {
		memcpy(out, "section", sizeof "section");
		return out;
	}
	out[n] = '\0';
	return out;
}

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211u;
	return h;
}

struct slug_slot *slug_find(struct slug_set *set, const char *key)
{
	size_t i = (size_t)hash_str(key) & (set->cap - 1);

	while (set->slots[i].key && strcmp(set->slots[i].key, key) != 0)
		i = (i + 1) & (set->cap - 1);
	return &set->slots[i];
}

static bool slug_reserve(struct slug_set *set)
{
	struct slug_slot *old = set->slots;
	size_t old_cap = set->cap, i;

	if (set->cap && (set->count + 1) * 2 <= set->cap)
		return true;
	set->cap = old_cap ? old_cap * 2 : 64;
	set->slots = calloc(set->cap, sizeof *set->slots);
	if (!set->slots) {
		set->slots = old;
		set->cap = old_cap;
		return false;
	}
	for (i = 0; i < old_cap; i++)
		if (old[i].key)
			*slug_find(set, old[i].key) = old[i];
	free(old);
	return true;
}

char *slug_unique(struct slug_set *set, char *base)
{
	struct slug_slot *slot;
	char *cand;
	size_t size;
	unsigned n;

	if (!base || !slug_reserve(set)) {
		free(base);
		return NULL;
	}
	slot = slug_find(set, base);
	if (!slot->key) {
		slot->key = base;
		slot->next = 1;
		set->count++;
		return base;
	}
	size = strlen(base) + 16;
	cand = malloc(size);
	if (!cand) {
		free(base);
		return NULL;
	}
	for (n = slot->next;; n++) {
		snprintf(cand, size, "%s-%u", base, n);
		if (!slug_find(set, cand)->key)
			break;
	}
	slot->next = n + 1;
	free(base);
	slot = slug_find(set, cand);
	slot->key = cand;
	slot->next = 1;
	set->count++;
	return cand;
}

void slug_set_release(struct slug_set *set)
{
	free(set->slots);
	set->slots = NULL;
	set->cap = set->count = 0;
}
