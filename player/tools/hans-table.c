/*
 * hans-table.c - writes the table of Traditional Chinese characters and
 * their Simplified forms that search uses (player/variants.c), made by
 * ICU's own "Hant-Hans" transliterator, one character at a time, over
 * the CJK blocks.  Run by the Makefile at build time, so that the player
 * holds a small constant table instead of loading the transliterator
 * (5.6 MiB of memory once loaded, which ICU keeps).
 *
 *   hans-table > hans-table.h
 */
#include <stdint.h>
#include <stdio.h>

#include <unicode/ustring.h>
#include <unicode/utrans.h>

static const struct {
	uint32_t from, to;
} blocks[] = {
	{ 0x3400, 0x4DBF }, /* CJK extension A */
	{ 0x4E00, 0x9FFF }, /* CJK unified ideographs */
	{ 0xF900, 0xFAFF }, /* compatibility ideographs */
	{ 0x20000, 0x3134F }, /* extensions B to G */
};

int main(void)
{
	static const UChar id[] = { 'H', 'a', 'n', 't', '-', 'H', 'a', 'n', 's', 0 };
	UErrorCode st = U_ZERO_ERROR;
	UTransliterator *t = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &st);
	unsigned long n = 0;

	if (U_FAILURE(st) || !t) {
		fprintf(stderr, "hans-table: cannot open ICU's Hant-Hans transliterator: %s\n",
		        u_errorName(st));
		return 3;
	}
	printf("/* Made by player/tools/hans-table.c from ICU %s's Hant-Hans transliterator. */\n",
	       U_ICU_VERSION);
	printf("static const uint32_t hans_table[][2] = {\n");
	for (size_t b = 0; b < sizeof(blocks) / sizeof(blocks[0]); b++)
		for (uint32_t c = blocks[b].from; c <= blocks[b].to; c++) {
			UChar u[16];
			int32_t len = 0, limit;
			UChar32 out;
			U16_APPEND_UNSAFE(u, len, c);
			limit = len;
			st = U_ZERO_ERROR;
			utrans_transUChars(t, u, &len, 16, 0, &limit, &st);
			if (U_FAILURE(st) || len < 1 || len > 2)
				continue;
			{
				int32_t i = 0;
				U16_NEXT_UNSAFE(u, i, out);
				if (i != len || (uint32_t)out == c)
					continue;
			}
			printf("\t{ 0x%05X, 0x%05X },\n", (unsigned)c, (unsigned)out);
			n++;
		}
	printf("};\n");
	utrans_close(t);
	fprintf(stderr, "hans-table: %lu characters\n", n);
	return 0;
}
