/*
 * fuzz_search.c - libFuzzer target: what a student types into search.  The
 * input is a query run against a small index of the test set's ten corpora
 * (made once, in a temporary folder), as a search and as suggestions, and
 * also indexed itself as one section's text, so the tokenizer sees it both
 * ways.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "search.h"
#include "tokenize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct search *index_db;

static int count(void *ctx, bool colocated, const char *w, size_t n, size_t start, size_t end)
{
	(void)colocated;
	(void)w;
	if (n == 0 || n > TOKEN_MAX || start >= end)
		abort(); /* a word is never empty, too long, or of no bytes */
	++*(size_t *)ctx;
	return 0;
}

static void make_index(void)
{
	static const char *const langs[] = { "en", "zh-Hans", "th", "vi", "km",
		                             "lo", "my",      "ms", "id", "fil" };
	const char *top = getenv("SAMPAN_TOP") ? getenv("SAMPAN_TOP") : ".";
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char dir[4096], path[4096];
	unsigned char live[10][DIGEST_SIZE];
	struct bundle_error err;

	snprintf(dir, sizeof(dir), "%s/sampan-fuzz-search-XXXXXX", tmp);
	if (!mkdtemp(dir))
		abort();
	snprintf(path, sizeof(path), "%s/%s", dir, SEARCH_DB_NAME);
	if (search_open(path, &index_db, &err) != BUNDLE_OK)
		abort();
	for (size_t i = 0; i < 10; i++) {
		char name[4096], text[65536];
		size_t len;
		FILE *f;
		snprintf(name, sizeof(name), "%s/tests/search/corpus-%s.txt", top, langs[i]);
		f = fopen(name, "rb");
		len = f ? fread(text, 1, sizeof(text), f) : 0;
		if (f)
			fclose(f);
		memset(live[i], (int)i + 1, DIGEST_SIZE);
		(void)search_add(index_db, live[i], langs[i], text, len, &err);
	}
	(void)search_set_live(index_db, (const unsigned char(*)[DIGEST_SIZE])live, 10, &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tokenizer *t;
	char *q = malloc(size + 1);
	struct search_query sq;
	struct search_result r;
	struct bundle_error err;
	size_t words = 0;

	if (!index_db)
		make_index();
	if (!t)
		t = tokenizer_new();
	if (!q || !t)
		abort();
	memcpy(q, data, size);
	q[size] = '\0';
	(void)tokenizer_run(t, (const char *)data, size, TOKENIZE_TEXT, count, &words);
	(void)tokenizer_run(t, (const char *)data, size, TOKENIZE_QUERY, count, &words);
	(void)tokenizer_run(t, (const char *)data, size, TOKENIZE_LOOSE, count, &words);
	memset(&sq, 0, sizeof(sq));
	sq.text = q;
	sq.limit = 5;
	sq.budget = 1;
	for (int prefix = 0; prefix < 2; prefix++) {
		sq.prefix = prefix;
		if (search_run(index_db, &sq, &r, &err) == BUNDLE_OK)
			search_result_free(&r);
	}
	free(q);
	return 0;
}
