/*
 * embed.c - the HTML of a picture, video, sound or download that a lesson
 * embeds (format-spec/course-source.md, 4.4 "Embedding media"), written from
 * what the builder decided about its target (embed.h).
 */
#include "embed.h"

#include <stdint.h>
#include <string.h>

#include "ascii.h"
#include "html.h"
#include "sbuf.h"

/* A buffer being written, and whether memory ran out meanwhile. */
struct emb {
	struct sbuf *b;
	bool oom;
};

static void out_add(struct emb *o, const char *s)
{
	if (!sbuf_adds(o->b, s))
		o->oom = true;
}

static void out_addn(struct emb *o, const char *s, size_t n)
{
	if (!sbuf_add(o->b, s, n))
		o->oom = true;
}

static void out_uint(struct emb *o, const char *name, unsigned v)
{
	if (v && !sbuf_addf(o->b, " %s=\"%u\"", name, v))
		o->oom = true;
}

/* Text or an attribute value: & < > " ' escaped. */
static void out_esc(struct emb *o, const char *s)
{
	if (!html_escape_into(o->b, s))
		o->oom = true;
}

/* The schemes cmark's safe mode blanks (javascript:, vbscript:, file:, most data:). */
bool embed_url_dangerous(const char *u, bool image)
{
	size_t n = strlen(u);

	if (ascii_starts_with_ci(u, n, "javascript:") || ascii_starts_with_ci(u, n, "vbscript:") ||
	    ascii_starts_with_ci(u, n, "file:"))
		return true;
	if (!ascii_starts_with_ci(u, n, "data:"))
		return false;
	return !(image && (ascii_starts_with_ci(u, n, "data:image/png") ||
	                   ascii_starts_with_ci(u, n, "data:image/gif") ||
	                   ascii_starts_with_ci(u, n, "data:image/jpeg") ||
	                   ascii_starts_with_ci(u, n, "data:image/webp")));
}

/* A URL in an attribute: what browsers would strip or choke on is percent-encoded. */
static void out_url(struct emb *o, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c <= 0x20 || c == 0x7F || c == '"' || c == '<' || c == '>' || c == '\\' ||
		    c == '`') {
			char enc[3] = { '%', hex[c >> 4], hex[c & 15] };

			out_addn(o, enc, 3);
		} else if (c == '&') {
			out_add(o, "&amp;");
		} else if (c == '\'') {
			out_add(o, "&#39;");
		} else {
			out_addn(o, s, 1);
		}
	}
}

static void media_fallback(struct emb *o, const char *url, const char *alt)
{
	out_add(o, "<a href=\"");
	out_url(o, url);
	out_add(o, "\">");
	out_esc(o, *alt ? alt : url);
	out_add(o, "</a>");
}

static void embed_html(struct emb *o, const struct md_target *t, const char *url, const char *alt,
                       const char *title, bool figure)
{
	size_t i;

	if (t->kind == MD_EMBED_IMAGE) {
		out_add(o, "<img src=\"");
		out_url(o, url);
		out_add(o, "\" alt=\"");
		out_esc(o, alt);
		out_add(o, "\"");
		if (title && *title) {
			out_add(o, " title=\"");
			out_esc(o, title);
			out_add(o, "\"");
		}
		out_uint(o, "width", t->width);
		out_uint(o, "height", t->height);
		out_add(o, " loading=\"lazy\">");
		return;
	}
	if (figure)
		out_add(o, "<figure class=\"media\">");
	out_add(o, t->kind == MD_EMBED_VIDEO ? "<video" : "<audio");
	out_add(o, " controls preload=\"metadata\" src=\"");
	out_url(o, url);
	out_add(o, "\"");
	if (t->kind == MD_EMBED_VIDEO) {
		out_uint(o, "width", t->width);
		out_uint(o, "height", t->height);
	}
	if (!figure && *alt) {
		out_add(o, " aria-label=\"");
		out_esc(o, alt);
		out_add(o, "\"");
	}
	out_add(o, ">");
	for (i = 0; t->kind == MD_EMBED_VIDEO && t->tracks && i < t->tracks_count; i++) {
		const struct md_track *tr = &t->tracks[i];

		if (!tr->src)
			continue;
		out_add(o, "<track kind=\"subtitles\" src=\"");
		out_url(o, tr->src);
		out_add(o, "\"");
		if (tr->lang && *tr->lang) {
			out_add(o, " srclang=\"");
			out_esc(o, tr->lang);
			out_add(o, "\"");
		}
		out_add(o, " label=\"");
		out_esc(o, tr->label && *tr->label ? tr->label : tr->lang ? tr->lang : "");
		out_add(o, i == 0 ? "\" default>" : "\">");
	}
	media_fallback(o, url, alt);
	out_add(o, t->kind == MD_EMBED_VIDEO ? "</video>" : "</audio>");
	if (figure) {
		if (*alt) {
			out_add(o, "<figcaption>");
			out_esc(o, alt);
			out_add(o, "</figcaption>");
		}
		out_add(o, "</figure>");
	}
}

/* The two raw HTML pieces around a download link's label (which stays Markdown). */
static void file_html(struct emb *open, struct emb *close, const struct md_target *t,
                      const char *url, const char *title, bool has_label)
{
	out_add(open, "<a href=\"");
	out_url(open, url);
	out_add(open, "\"");
	if (title && *title) {
		out_add(open, " title=\"");
		out_esc(open, title);
		out_add(open, "\"");
	}
	out_add(open, " download>");
	if (!has_label)
		out_esc(open, url);
	out_add(close, "</a>");
	if (t->note && *t->note) {
		out_add(close, " <span class=\"note\">");
		out_esc(close, t->note);
		out_add(close, "</span>");
	}
}

bool embed_url(struct sbuf *b, const char *url)
{
	struct emb o = { b, false };

	out_url(&o, url);
	return !o.oom;
}

bool embed_media(struct sbuf *b, const struct md_target *t, const char *url, const char *alt,
                 const char *title, bool figure)
{
	struct emb o = { b, false };

	embed_html(&o, t, url, alt, title, figure);
	return !o.oom;
}

bool embed_download(struct sbuf *open, struct sbuf *close, const struct md_target *t,
                    const char *url, const char *title, bool has_label)
{
	struct emb o = { open, false }, e = { close, false };

	file_html(&o, &e, t, url, title, has_label);
	return !o.oom && !e.oom;
}
