/*
 * fuzz_lesson.c - libFuzzer target: a lesson's Markdown, parsed, listed
 * (headings, references, sections) and rendered, teachers' notes too.  The
 * first byte chooses whether raw HTML is allowed; when it is not, no raw
 * tag may reach the page or the notes, whatever the Markdown (fenced divs'
 * classes and ids, attribute blocks, front matter, quizzes included); no
 * page ever holds a form, which could send a quiz's answers anywhere.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "markdown.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool has_raw_tag(const char *html, const char *tag)
{
	size_t n = strlen(tag);

	for (const char *p = strchr(html, '<'); p; p = strchr(p + 1, '<')) {
		size_t i = 0;
		while (i < n && p[1 + i] && tolower((unsigned char)p[1 + i]) == tag[i])
			i++;
		if (i == n)
			return true;
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct md_doc *doc;
	size_t count;
	bool allow_html;
	char *html;

	if (size == 0)
		return 0;
	allow_html = data[0] & 1;
	doc = md_parse((const char *)data + 1, size - 1, allow_html);
	if (!doc)
		return 0;
	(void)md_headings(doc, &count);
	(void)md_refs(doc, &count);
	(void)md_sections(doc, &count);
	(void)md_title(doc);
	html = md_render(doc, "en", NULL, NULL);
	if (html && !allow_html &&
	    (has_raw_tag(html, "script") || has_raw_tag(html, "iframe") ||
	     has_raw_tag(html, "object") || has_raw_tag(html, "style")))
		abort();
	if (html && (has_raw_tag(html, "form") || has_raw_tag(html, "button")))
		abort();
	if (html && !allow_html && md_teacher_html(doc) &&
	    (has_raw_tag(md_teacher_html(doc), "script") ||
	     has_raw_tag(md_teacher_html(doc), "iframe") ||
	     has_raw_tag(md_teacher_html(doc), "style")))
		abort();
	free(html);
	md_free(doc);
	return 0;
}
