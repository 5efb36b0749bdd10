/* searchtext.c - META-INF/search.txt (format-spec/search-text.md). */
#include "searchtext.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sbuf.h"
#include "utf8.h"

#define HEADER "# sampan-search: 1\n"
#define MAX_FIELDS 9

static enum bundle_status full(struct bundle_error *err)
{
	return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0,
	                        "out of memory writing the search text");
}

/* One field: control characters (and so TAB and LF) become spaces; invalid UTF-8 bytes too. */
static bool add_field(struct sbuf *b, const char *s, bool tab)
{
	size_t len = s ? strlen(s) : 0, pos = 0;

	if (tab && !sbuf_add(b, "\t", 1))
		return false;
	while (pos < len) {
		size_t start = pos;
		uint32_t cp;
		if (!utf8_next(s, len, &pos, &cp)) {
			pos = start + 1;
			cp = ' ';
		}
		if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) {
			if (!sbuf_add(b, " ", 1))
				return false;
		} else if (!sbuf_add(b, s + start, pos - start)) {
			return false;
		}
	}
	return true;
}

enum bundle_status searchtext_begin(struct sbuf *b, struct bundle_error *err)
{
	return sbuf_adds(b, HEADER) ? BUNDLE_OK : full(err);
}

enum bundle_status searchtext_add_section(struct sbuf *b, const struct searchtext_section *s,
                                          struct bundle_error *err)
{
	if (!sbuf_add(b, "s", 1) || !add_field(b, s->lesson, true) ||
	    !add_field(b, s->page, true) || !add_field(b, s->anchor, true) ||
	    !add_field(b, s->lang, true) || !add_field(b, s->heading, true) ||
	    !add_field(b, s->text, true) || !sbuf_add(b, "\n", 1))
		return full(err);
	return BUNDLE_OK;
}

enum bundle_status searchtext_add_cue(struct sbuf *b, const struct searchtext_cue *c,
                                      struct bundle_error *err)
{
	if (!sbuf_add(b, "c", 1) || !add_field(b, c->lesson, true) ||
	    !add_field(b, c->page, true) || !add_field(b, c->media, true) ||
	    !add_field(b, c->track, true) || !add_field(b, c->lang, true) ||
	    !sbuf_addf(b, "\t%llu\t%llu", (unsigned long long)c->start_ms,
	               (unsigned long long)c->end_ms) ||
	    !add_field(b, c->text, true) || !sbuf_add(b, "\n", 1))
		return full(err);
	return BUNDLE_OK;
}

static bool parse_ms(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	size_t n = strlen(s);

	if (n == 0 || n > 15)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return true;
}

static enum bundle_status bad_line(struct bundle_error *err, size_t line_no, const char *why)
{
	return bundle_error_set(err, BUNDLE_INVALID, RULE_INPUT_INVALID, SEARCHTEXT_NAME,
	                        strlen(SEARCHTEXT_NAME), "line %zu: %s", line_no, why);
}

enum bundle_status searchtext_parse(const char *text, size_t len, searchtext_section_fn on_section,
                                    searchtext_cue_fn on_cue, void *ctx, struct bundle_error *err)
{
	size_t pos, line_no = 1;
	char *line = NULL;
	size_t cap = 0;
	enum bundle_status st = BUNDLE_OK;

	if (len < strlen(HEADER) || memcmp(text, HEADER, strlen(HEADER)) != 0)
		return bad_line(err, 1, "not '# sampan-search: 1'");
	pos = strlen(HEADER);
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		char *field[MAX_FIELDS];
		size_t nf = 0;

		line_no++;
		if (n + 1 > cap) {
			char *p = realloc(line, n + 1);
			if (!p) {
				st = full(err);
				break;
			}
			line = p;
			cap = n + 1;
		}
		memcpy(line, text + pos, n);
		line[n] = '\0';
		pos += n + (nl ? 1 : 0);
		if (n == 0 || line[0] == '#')
			continue;
		if (!utf8_valid(line, n)) {
			st = bad_line(err, line_no, "not valid UTF-8");
			break;
		}
		/* One more slot than any kind has, to catch extra fields. */
		for (char *p = line, *t; nf <= MAX_FIELDS; p = t + 1) {
			if (nf == MAX_FIELDS) {
				nf++;
				break;
			}
			field[nf++] = p;
			t = strchr(p, '\t');
			if (!t)
				break;
			*t = '\0';
		}
		if (strcmp(field[0], "s") == 0) {
			struct searchtext_section s;
			if (nf != 7) {
				st = bad_line(err, line_no, "a section line has 7 fields");
				break;
			}
			s.lesson = field[1];
			s.page = field[2];
			s.anchor = field[3];
			s.lang = field[4];
			s.heading = field[5];
			s.text = field[6];
			if (on_section)
				on_section(ctx, &s);
		} else if (strcmp(field[0], "c") == 0) {
			struct searchtext_cue c;
			if (nf != 9 || !parse_ms(field[6], &c.start_ms) ||
			    !parse_ms(field[7], &c.end_ms)) {
				st = bad_line(err, line_no,
				              "a cue line has 9 fields with times in milliseconds");
				break;
			}
			c.lesson = field[1];
			c.page = field[2];
			c.media = field[3];
			c.track = field[4];
			c.lang = field[5];
			c.text = field[8];
			if (on_cue)
				on_cue(ctx, &c);
		}
	}
	free(line);
	return st;
}
