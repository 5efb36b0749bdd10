/* manifest.c - META-INF/MANIFEST parsing and writing (format-spec/bundle-v1.md, "META-INF/MANIFEST"). */
#include "manifest.h"

#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "pathname.h"
#include "sbuf.h"
#include "utf8.h"

#define HEADER_VALUE_MAX 1024u
#define HEADER_KEY_MAX 32u

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alnum_lower(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z');
}

bool manifest_id_valid(const char *s, size_t len)
{
	size_t seg_start = 0;

	if (len == 0 || len > 128)
		return false;
	for (size_t i = 0; i <= len; i++) {
		if (i == len || s[i] == '.') {
			size_t n = i - seg_start;
			if (n == 0 || !is_alnum_lower(s[seg_start]) || !is_alnum_lower(s[i - 1]))
				return false;
			seg_start = i + 1;
		} else if (!is_alnum_lower(s[i]) && s[i] != '-') {
			return false;
		}
	}
	return true;
}

bool manifest_version_valid(const char *s, size_t len)
{
	size_t parts = 0, start = 0;

	if (len == 0)
		return false;
	for (size_t i = 0; i <= len; i++) {
		if (i == len || s[i] == '.') {
			size_t n = i - start;
			if (n == 0 || n > 9 || (n > 1 && s[start] == '0'))
				return false;
			if (++parts > 4)
				return false;
			start = i + 1;
		} else if (!is_digit(s[i])) {
			return false;
		}
	}
	return true;
}

static unsigned long next_component(const char **p)
{
	unsigned long v = 0;

	if (**p == '\0')
		return 0;
	while (is_digit(**p))
		v = v * 10 + (unsigned long)(*(*p)++ - '0');
	if (**p == '.')
		(*p)++;
	return v;
}

int manifest_version_cmp(const char *a, const char *b)
{
	for (int i = 0; i < 4; i++) {
		unsigned long x = next_component(&a), y = next_component(&b);
		if (x != y)
			return x < y ? -1 : 1;
	}
	return 0;
}

bool manifest_header_split(const char *line, size_t len, const char **key, size_t *key_len,
                           const char **value, size_t *value_len)
{
	size_t i = 2, k;
	size_t pos;
	uint32_t cp;

	if (len < 2 || line[0] != '#' || line[1] != ' ')
		return false;
	while (i < len && (is_alnum_lower(line[i]) || line[i] == '-'))
		i++;
	k = i - 2;
	if (k == 0 || k > HEADER_KEY_MAX || i + 2 > len || line[i] != ':' || line[i + 1] != ' ')
		return false;
	*key = line + 2;
	*key_len = k;
	*value = line + i + 2;
	*value_len = len - i - 2;
	if (*value_len == 0 || *value_len > HEADER_VALUE_MAX)
		return false;
	pos = 0;
	while (pos < *value_len) {
		if (!utf8_next(*value, *value_len, &pos, &cp))
			return false;
		if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
			return false;
	}
	return true;
}

static bool is_meta(const char *s, size_t len)
{
	return len > 9 && memcmp(s, "META-INF/", 9) == 0;
}

int manifest_order_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	bool ma = is_meta(a, alen), mb = is_meta(b, blen);

	if (ma != mb)
		return ma ? -1 : 1;
	return pathname_cmp(a, alen, b, blen);
}

/* The three entries the manifest never lists (8.6). */
static bool never_listed(const char *name, size_t len)
{
	static const char *const names[] = { BUNDLE_NAME_MIMETYPE, BUNDLE_NAME_MANIFEST,
		                             BUNDLE_NAME_SIGNATURE };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (len == strlen(names[i]) && memcmp(name, names[i], len) == 0)
			return true;
	return false;
}

static bool key_is(const char *key, size_t key_len, const char *want)
{
	return key_len == strlen(want) && memcmp(key, want, key_len) == 0;
}

static char *dup_n(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

static enum bundle_status invalid(struct bundle_error *err, size_t line_no, const char *why)
{
	return bundle_error_set(err, BUNDLE_INVALID, RULE_MANIFEST_INVALID, BUNDLE_NAME_MANIFEST,
	                        strlen(BUNDLE_NAME_MANIFEST), "line %zu: %s", line_no, why);
}

static enum bundle_status nomem(struct bundle_error *err)
{
	return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
}

/* The optional header keys met so far, checked for repeats once all are read. */
struct header_key {
	const char *key;
	size_t len;
	size_t line_no;
};

struct header_keys {
	struct header_key *v;
	size_t n, cap;
};

static int cmp_header_key(const void *pa, const void *pb)
{
	const struct header_key *a = pa, *b = pb;
	int r = pathname_cmp(a->key, a->len, b->key, b->len);

	if (r)
		return r;
	return (a->line_no > b->line_no) - (a->line_no < b->line_no);
}

static bool header_keys_add(struct header_keys *h, const char *key, size_t len, size_t line_no)
{
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 16;
		struct header_key *p = realloc(h->v, cap * sizeof(*p));
		if (!p)
			return false;
		h->v = p;
		h->cap = cap;
	}
	h->v[h->n].key = key;
	h->v[h->n].len = len;
	h->v[h->n].line_no = line_no;
	h->n++;
	return true;
}

/* The line of the first repeated key (the later of the two lines), or 0. */
static size_t header_keys_repeat(struct header_keys *h)
{
	size_t worst = 0;

	if (h->n < 2)
		return 0;
	qsort(h->v, h->n, sizeof(*h->v), cmp_header_key);
	for (size_t i = 1; i < h->n; i++)
		if (pathname_cmp(h->v[i - 1].key, h->v[i - 1].len, h->v[i].key, h->v[i].len) == 0 &&
		    (worst == 0 || h->v[i].line_no < worst))
			worst = h->v[i].line_no;
	return worst;
}

static const char *const bundle_keys[] = { "sampan-bundle", "id", "version" };
static const char *const update_keys[] = { "sampan-update", "id",        "from",
	                                   "from-manifest", "from-size", "to" };

static bool is_required(const char *key, size_t len, bool update)
{
	size_t n = update ? 6 : 3;

	for (size_t i = 0; i < n; i++)
		if (key_is(key, len, update ? update_keys[i] : bundle_keys[i]))
			return true;
	return false;
}

/* A decimal size without a leading zero, at most 2^63 - 1. */
static bool parse_size(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;

	if (len == 0 || len > 19 || (s[0] == '0' && len > 1))
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		if (v > (UINT64_C(0x7FFFFFFFFFFFFFFF) - (uint64_t)(s[i] - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return true;
}

/* The header lines of an update manifest after the first (format-spec 21.2). */
static enum bundle_status update_header(struct manifest *m, size_t line_no, const char *value,
                                        size_t value_len, struct bundle_error *err)
{
	switch (line_no) {
	case 2:
		if (!manifest_id_valid(value, value_len))
			return invalid(err, 2, "course id is not valid");
		m->id = dup_n(value, value_len);
		return m->id ? BUNDLE_OK : nomem(err);
	case 3:
	case 6:
		if (!manifest_version_valid(value, value_len))
			return invalid(err, line_no, "course version is not valid");
		if (line_no == 3)
			m->from = dup_n(value, value_len);
		else
			m->version = dup_n(value, value_len);
		return (line_no == 3 ? m->from : m->version) ? BUNDLE_OK : nomem(err);
	case 4:
		if (value_len != 64 || !digest_from_hex(value, 64, m->from_manifest))
			return invalid(err, 4, "from-manifest is not 64 lowercase hex digits");
		return BUNDLE_OK;
	default:
		if (!parse_size(value, value_len, &m->from_size))
			return invalid(err, 5, "from-size is not a decimal size");
		return BUNDLE_OK;
	}
}

static enum bundle_status parse(const char *text, size_t len, struct manifest *m, bool update,
                                struct bundle_error *err)
{
	const size_t required = update ? 6 : 3;
	size_t pos = 0, line_no = 0, cap = 0;
	bool in_entries = false;
	struct header_keys keys = { NULL, 0, 0 };
	size_t repeat;
	struct bundle_error name_err;
	char why[BUNDLE_ERROR_MESSAGE_MAX];
	enum bundle_status st = BUNDLE_OK;

	memset(m, 0, sizeof(*m));
	if (len > BUNDLE_MAX_MANIFEST)
		return bundle_error_set(err, BUNDLE_INVALID, RULE_MANIFEST_TOO_LARGE,
		                        BUNDLE_NAME_MANIFEST, strlen(BUNDLE_NAME_MANIFEST),
		                        "larger than %u bytes", BUNDLE_MAX_MANIFEST);
	if (len == 0 || text[len - 1] != '\n')
		return invalid(err, 1, "empty, or the last line does not end with a newline");
	if (memchr(text, '\r', len) || memchr(text, '\0', len))
		return invalid(err, 1, "carriage return or NUL byte (lines end with LF alone)");
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		return invalid(err, 1, "byte order mark");
	while (pos < len) {
		const char *line = text + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t n = (size_t)(nl - line);
		const char *key, *value;
		size_t key_len, value_len;

		pos += n + 1;
		line_no++;
		if (n == 0) {
			st = invalid(err, line_no, "empty line");
			goto done;
		}
		if (line_no <= required) {
			static const char *const bundle_want[] = { "must be '# sampan-bundle: 1'",
				                                   "must be '# id: COURSE-ID'",
				                                   "must be '# version: VERSION'" };
			static const char *const update_want[] = {
				"must be '# sampan-update: 1'", "must be '# id: COURSE-ID'",
				"must be '# from: VERSION'",    "must be '# from-manifest: DIGEST'",
				"must be '# from-size: BYTES'", "must be '# to: VERSION'"
			};
			const char *want =
			        update ? update_keys[line_no - 1] : bundle_keys[line_no - 1];
			if (!manifest_header_split(line, n, &key, &key_len, &value, &value_len) ||
			    !key_is(key, key_len, want)) {
				st = invalid(err, line_no,
				             update ? update_want[line_no - 1]
				                    : bundle_want[line_no - 1]);
				goto done;
			}
			if (update && line_no > 1) {
				st = update_header(m, line_no, value, value_len, err);
				if (st != BUNDLE_OK)
					goto done;
				continue;
			}
			if (line_no == 1) {
				/* Any value but "1" is another format, whatever it looks like. */
				if (value_len != 1 || value[0] != '0' + BUNDLE_FORMAT_VERSION) {
					char shown[BUNDLE_ERROR_ENTRY_MAX];
					bundle_quote(shown, sizeof(shown), value,
					             value_len > 16 ? 16 : value_len);
					st = bundle_error_set(
					        err, BUNDLE_INVALID, RULE_FORMAT_UNSUPPORTED,
					        BUNDLE_NAME_MANIFEST, strlen(BUNDLE_NAME_MANIFEST),
					        "%s format '%s'; this reader knows format %d",
					        update ? "update" : "bundle", shown,
					        BUNDLE_FORMAT_VERSION);
					goto done;
				}
				m->format = BUNDLE_FORMAT_VERSION;
			} else if (line_no == 2) {
				if (!manifest_id_valid(value, value_len)) {
					st = invalid(err, 2, "course id is not valid");
					goto done;
				}
				m->id = dup_n(value, value_len);
				if (!m->id)
					goto oom;
			} else {
				if (!manifest_version_valid(value, value_len)) {
					st = invalid(err, 3, "course version is not valid");
					goto done;
				}
				m->version = dup_n(value, value_len);
				if (!m->version)
					goto oom;
			}
			continue;
		}
		if (line[0] == '#') {
			if (in_entries) {
				st = invalid(err, line_no,
				             "header line after the first entry line");
				goto done;
			}
			if (!manifest_header_split(line, n, &key, &key_len, &value, &value_len)) {
				st = invalid(err, line_no, "header line is not '# key: value'");
				goto done;
			}
			if (is_required(key, key_len, update)) {
				st = invalid(err, line_no, "header key repeated");
				goto done;
			}
			if (!header_keys_add(&keys, key, key_len, line_no))
				goto oom;
			if (key_is(key, key_len, "title") && !m->title) {
				m->title = dup_n(value, value_len);
				if (!m->title)
					goto oom;
			}
			continue;
		}
		if (!in_entries && (repeat = header_keys_repeat(&keys)) != 0) {
			st = invalid(err, repeat, "header key repeated");
			goto done;
		}
		in_entries = true;
		if (n < 67 || line[64] != ' ' || line[65] != ' ') {
			st = invalid(err, line_no, "not '<64 hex digits>  <name>'");
			goto done;
		}
		if (m->count == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct manifest_line *p = realloc(m->lines, ncap * sizeof(*p));
			if (!p)
				goto oom;
			m->lines = p;
			cap = ncap;
		}
		{
			struct manifest_line *ml = &m->lines[m->count];
			ml->name = line + 66;
			ml->name_len = n - 66;
			if (!digest_from_hex(line, 64, ml->digest)) {
				st = invalid(err, line_no, "digest is not 64 lowercase hex digits");
				goto done;
			}
			if (pathname_check(ml->name, ml->name_len, true, &name_err) != BUNDLE_OK) {
				st = invalid(err, line_no,
				             bundle_error_reason(&name_err, why, sizeof(why)));
				goto done;
			}
			if (never_listed(ml->name, ml->name_len)) {
				st = invalid(err, line_no,
				             "mimetype, META-INF/MANIFEST and "
				             "META-INF/MANIFEST.minisig are never listed");
				goto done;
			}
			if (m->count > 0) {
				const struct manifest_line *prev = &m->lines[m->count - 1];
				if (manifest_order_cmp(prev->name, prev->name_len, ml->name,
				                       ml->name_len) >= 0) {
					st = invalid(err, line_no,
					             "entry lines out of order or repeated");
					goto done;
				}
			}
			m->count++;
		}
	}
	if (line_no < required)
		st = invalid(err, line_no, "required header lines are missing");
	else if (!in_entries && (repeat = header_keys_repeat(&keys)) != 0)
		st = invalid(err, repeat, "header key repeated");
	goto done;
oom:
	st = nomem(err);
done:
	free(keys.v);
	return st;
}

void manifest_release(struct manifest *m)
{
	if (!m)
		return;
	free(m->id);
	free(m->version);
	free(m->from);
	free(m->title);
	free(m->lines);
	memset(m, 0, sizeof(*m));
}

/* A title fit for a header value: control characters to spaces, at most 1,024 bytes. */
static bool add_title(struct sbuf *b, const char *title)
{
	size_t len = strlen(title), pos = 0, keep = 0;
	char *t;
	bool ok;

	if (len == 0 || !utf8_valid(title, len))
		return true;
	t = malloc(len + 1);
	if (!t)
		return false;
	while (pos < len) {
		size_t start = pos;
		uint32_t cp;
		utf8_next(title, len, &pos, &cp);
		if (pos > HEADER_VALUE_MAX)
			break;
		if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) {
			t[keep++] = ' ';
		} else {
			memcpy(t + keep, title + start, pos - start);
			keep += pos - start;
		}
	}
	ok = sbuf_adds(b, "# title: ") && sbuf_add(b, t, keep) && sbuf_adds(b, "\n");
	free(t);
	return ok;
}

enum bundle_status manifest_format(const char *id, const char *version, const char *title,
                                   const struct manifest_line *lines, size_t count, char **out,
                                   size_t *out_len, struct bundle_error *err)
{
	struct sbuf b;
	char hex[DIGEST_HEX_SIZE];

	*out = NULL;
	if (!manifest_id_valid(id, strlen(id)))
		return bundle_error_set(err, BUNDLE_INVALID, RULE_INPUT_INVALID, NULL, 0,
		                        "course id '%.128s' is not valid", id);
	if (!manifest_version_valid(version, strlen(version)))
		return bundle_error_set(err, BUNDLE_INVALID, RULE_INPUT_INVALID, NULL, 0,
		                        "course version '%.64s' is not valid", version);
	sbuf_init(&b, BUNDLE_MAX_MANIFEST);
	if (!sbuf_addf(&b, "# sampan-bundle: %d\n# id: %s\n# version: %s\n", BUNDLE_FORMAT_VERSION,
	               id, version))
		goto full;
	if (title && !add_title(&b, title))
		goto full;
	for (size_t i = 0; i < count; i++) {
		digest_to_hex(lines[i].digest, hex);
		if (!sbuf_add(&b, hex, 64) || !sbuf_add(&b, "  ", 2) ||
		    !sbuf_add(&b, lines[i].name, lines[i].name_len) || !sbuf_add(&b, "\n", 1))
			goto full;
	}
	*out = sbuf_take(&b, out_len);
	return *out ? BUNDLE_OK : nomem(err);
full:
	sbuf_release(&b);
	return bundle_error_set(err, BUNDLE_INVALID, RULE_MANIFEST_TOO_LARGE, NULL, 0,
	                        "the manifest would be larger than %u bytes", BUNDLE_MAX_MANIFEST);
}

enum bundle_status manifest_parse(const char *text, size_t len, struct manifest *m,
                                  struct bundle_error *err)
{
	return parse(text, len, m, false, err);
}

enum bundle_status manifest_parse_update(const char *text, size_t len, struct manifest *m,
                                         struct bundle_error *err)
{
	return parse(text, len, m, true, err);
}
