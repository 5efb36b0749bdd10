/*
 * errpage.c - error pages in the interface language (errpage.h).
 */
#include "errpage.h"

#include <stdio.h>

#include "html.h"
#include "l10n.h"
#include "sbuf.h"

#define ERROR_PAGE_MAX (1024u * 1024)

static const char *title(const char *ui, unsigned status)
{
	switch (status) {
	case 400:
		return l10n_get(ui, "error", "Bad request");
	case 403:
		return l10n_get(ui, "error", "For the teacher only");
	case 404:
		return l10n_get(ui, "error", "Not found");
	case 405:
		return l10n_get(ui, "error", "Method not allowed");
	default:
		return l10n_get(ui, "error", "Error");
	}
}

char *errpage_html(const char *ui_lang, unsigned status, const char *detail)
{
	const char *ui = l10n_language(ui_lang);
	struct sbuf b;
	bool ok;

	sbuf_init(&b, ERROR_PAGE_MAX);
	ok = sbuf_addf(&b,
	               "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
	               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	               "<meta name=\"color-scheme\" content=\"light dark\">\n<title>%u ",
	               ui, status);
	ok = ok && html_escape_into(&b, title(ui, status));
	ok = ok && sbuf_addf(&b,
	                     "</title>\n<link rel=\"stylesheet\" href=\"/_sampan/player.css\">\n"
	                     "</head>\n<body class=\"error\">\n<main>\n<h1><span "
	                     "class=\"status\">%u</span> ",
	                     status);
	ok = ok && html_escape_into(&b, title(ui, status));
	ok = ok && sbuf_adds(&b, "</h1>\n");
	if (detail && *detail) {
		ok = ok && sbuf_adds(&b, "<p dir=\"auto\">");
		ok = ok && html_escape_into(&b, detail);
		ok = ok && sbuf_adds(&b, "</p>\n");
	}
	ok = ok && sbuf_addf(&b, "<p><a class=\"open\" href=\"/?lang=%s\">", ui);
	ok = ok && html_escape_into(&b, l10n_get(ui, "catalog", "Courses"));
	ok = ok && sbuf_adds(&b, "</a></p>\n</main>\n</body>\n</html>\n");
	if (!ok) {
		sbuf_release(&b);
		return NULL;
	}
	return sbuf_take(&b, NULL);
}

void errpage_reply(struct reply *r, const struct request *rq, unsigned status, const char *detail)
{
	const char *ui = l10n_of_request(rq);

	reply_text(r, status, "text/html; charset=utf-8", errpage_html(ui, status, detail),
	           "no-store");
}
