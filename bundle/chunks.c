/* chunks.c - META-INF/chunks parsing and writing (format-spec/bundle-v1.md, "META-INF/chunks"). */
#include "chunks.h"

#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "manifest.h"
#include "pathname.h"
#include "sbuf.h"

uint64_t chunks_count_for(uint64_t size)
{
	return size / BUNDLE_CHUNK_SIZE + (size % BUNDLE_CHUNK_SIZE != 0);
}

static enum bundle_status invalid(struct bundle_error *err, size_t line_no, const char *why)
{
	return bundle_error_set(err, BUNDLE_INVALID, RULE_CHUNKS_INVALID, BUNDLE_NAME_CHUNKS,
	                        strlen(BUNDLE_NAME_CHUNKS), "line %zu: %s", line_no, why);
}

static enum bundle_status nomem(struct bundle_error *err)
{
	return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
}

static bool parse_u64(const char *s, size_t len, uint64_t *v)
{
	uint64_t x = 0;

	if (len == 0 || len > 19 || (len > 1 && s[0] == '0'))
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		x = x * 10 + (uint64_t)(s[i] - '0');
	}
	*v = x;
	return true;
}

static bool header_is(const char *line, size_t n, const char *want_key, const char *want_value)
{
	const char *key, *value;
	size_t key_len, value_len;

	return manifest_header_split(line, n, &key, &key_len, &value, &value_len) &&
	       key_len == strlen(want_key) && memcmp(key, want_key, key_len) == 0 &&
	       value_len == strlen(want_value) && memcmp(value, want_value, value_len) == 0;
}

enum bundle_status chunks_parse(const char *text, size_t len, struct chunks *c,
                                struct bundle_error *err)
{
	size_t pos = 0, line_no = 0, lines_cap = 0, store_cap = 0;
	struct chunk_list *cur = NULL;
	uint64_t want = 0;

	memset(c, 0, sizeof(*c));
	if (len > BUNDLE_MAX_CHUNKS)
		return invalid(err, 0, "larger than the limit");
	if (len == 0 || text[len - 1] != '\n')
		return invalid(err, 1, "empty, or the last line does not end with a newline");
	if (memchr(text, '\r', len) || memchr(text, '\0', len))
		return invalid(err, 1, "carriage return or NUL byte (lines end with LF alone)");
	/* First pass sizes the digest store: every 'c ' line is one digest. */
	for (size_t i = 0; i + 1 < len; i++)
		if (text[i] == '\n' && text[i + 1] == 'c')
			store_cap++;
	if (store_cap) {
		c->store = malloc(store_cap * sizeof(*c->store));
		if (!c->store)
			return nomem(err);
	}
	while (pos < len) {
		const char *line = text + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t n = (size_t)(nl - line);

		pos += n + 1;
		line_no++;
		if (line_no == 1) {
			if (!header_is(line, n, "sampan-chunks", "1"))
				return invalid(err, 1, "must be '# sampan-chunks: 1'");
			continue;
		}
		if (line_no == 2) {
			if (!header_is(line, n, "chunk-size", "1048576"))
				return invalid(err, 2, "must be '# chunk-size: 1048576'");
			continue;
		}
		if (n >= 2 && line[0] == 'f' && line[1] == ' ') {
			const char *sp = memchr(line + 2, ' ', n - 2);
			struct bundle_error name_err;
			char why[BUNDLE_ERROR_MESSAGE_MAX];
			if (cur && cur->count != want)
				return invalid(err, line_no,
				               "previous entry has too few chunk lines");
			if (!sp || !parse_u64(line + 2, (size_t)(sp - line - 2), &want))
				return invalid(err, line_no, "not 'f <size> <name>'");
			if (c->count == lines_cap) {
				size_t ncap = lines_cap ? lines_cap * 2 : 16;
				struct chunk_list *p = realloc(c->lists, ncap * sizeof(*p));
				if (!p)
					return nomem(err);
				c->lists = p;
				lines_cap = ncap;
			}
			cur = &c->lists[c->count];
			cur->name = sp + 1;
			cur->name_len = (size_t)(line + n - sp - 1);
			cur->size = want;
			cur->count = 0;
			cur->first = c->stored;
			if (pathname_check(cur->name, cur->name_len, true, &name_err) != BUNDLE_OK)
				return invalid(err, line_no,
				               bundle_error_reason(&name_err, why, sizeof(why)));
			if (want <= BUNDLE_CHUNK_SIZE)
				return invalid(err, line_no, "entry of 1 MiB or less listed");
			if (c->count > 0) {
				const struct chunk_list *prev = &c->lists[c->count - 1];
				if (manifest_order_cmp(prev->name, prev->name_len, cur->name,
				                       cur->name_len) >= 0)
					return invalid(err, line_no,
					               "entries out of order or repeated");
			}
			c->count++;
			want = chunks_count_for(want);
			continue;
		}
		if (n == 66 && line[0] == 'c' && line[1] == ' ') {
			if (!cur || cur->count == want)
				return invalid(err, line_no,
				               "chunk line without an entry, or too many");
			if (c->stored >= store_cap)
				return invalid(err, line_no, "chunk lines miscounted");
			if (!digest_from_hex(line + 2, 64, c->store[c->stored]))
				return invalid(err, line_no,
				               "digest is not 64 lowercase hex digits");
			c->stored++;
			cur->count++;
			continue;
		}
		return invalid(err, line_no, "not an 'f' or a 'c' line");
	}
	if (line_no < 2)
		return invalid(err, line_no, "the two header lines are missing");
	if (cur && cur->count != want)
		return invalid(err, line_no, "last entry has too few chunk lines");
	return BUNDLE_OK;
}

void chunks_release(struct chunks *c)
{
	if (!c)
		return;
	free(c->lists);
	free(c->store);
	memset(c, 0, sizeof(*c));
}

const unsigned char *chunks_digest(const struct chunks *c, const struct chunk_list *l, size_t i)
{
	return c->store[l->first + i];
}

const struct chunk_list *chunks_find(const struct chunks *c, const char *name, size_t len)
{
	size_t lo = 0, hi = c->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = manifest_order_cmp(c->lists[mid].name, c->lists[mid].name_len, name, len);
		if (r == 0)
			return &c->lists[mid];
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

enum bundle_status chunks_format_begin(struct sbuf *b, struct bundle_error *err)
{
	if (!sbuf_addf(b, "# sampan-chunks: 1\n# chunk-size: %u\n", BUNDLE_CHUNK_SIZE))
		return nomem(err);
	return BUNDLE_OK;
}

enum bundle_status chunks_format_entry(struct sbuf *b, const char *name, size_t name_len,
                                       uint64_t size, const unsigned char *digests, size_t count,
                                       struct bundle_error *err)
{
	char hex[DIGEST_HEX_SIZE];

	if (!sbuf_addf(b, "f %llu ", (unsigned long long)size) || !sbuf_add(b, name, name_len) ||
	    !sbuf_add(b, "\n", 1))
		goto full;
	for (size_t i = 0; i < count; i++) {
		digest_to_hex(digests + i * DIGEST_SIZE, hex);
		if (!sbuf_add(b, "c ", 2) || !sbuf_add(b, hex, 64) || !sbuf_add(b, "\n", 1))
			goto full;
	}
	return BUNDLE_OK;
full:
	return bundle_error_set(err, BUNDLE_INVALID, RULE_CHUNKS_INVALID, NULL, 0,
	                        "META-INF/chunks would be larger than %u bytes", BUNDLE_MAX_CHUNKS);
}
