/*
 * qr.c - QR codes of the player's address with libqrencode (the only file
 * that includes <qrencode.h>): an SVG for the catalog a teacher projects,
 * half blocks for the terminal the player starts in.
 */
#include "qr.h"

#include <qrencode.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "html.h"
#include "sbuf.h"

/* Light modules around the code: the four the QR standard asks for. */
#define QUIET_ZONE 4
/* The most bytes a QR code holds (version 40, level M, 8-bit mode). */
#define TEXT_MAX 2331
/* The SVG of a version-40 code is about 400 KB of path. */
#define SVG_MAX (1024u * 1024)

static QRcode *encode(const char *text)
{
	if (!text || !*text || strnlen(text, TEXT_MAX + 1) > TEXT_MAX)
		return NULL;
	return QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
}

/* A module of the code with its quiet zone (x, y from 0 to width + 8): dark or light. */
static bool module_dark(const QRcode *q, int x, int y)
{
	x -= QUIET_ZONE;
	y -= QUIET_ZONE;
	if (x < 0 || y < 0 || x >= q->width || y >= q->width)
		return false;
	return (q->data[(size_t)y * (size_t)q->width + (size_t)x] & 1) != 0;
}

char *qr_svg(const char *text)
{
	QRcode *q = encode(text);
	struct sbuf b;
	bool ok;
	int size;
	char *svg = NULL;

	if (!q)
		return NULL;
	size = q->width + 2 * QUIET_ZONE;
	sbuf_init(&b, SVG_MAX);
	ok = sbuf_addf(&b,
	               "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
	               "shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"",
	               size, size) &&
	     html_escape_into(&b, text) &&
	     sbuf_addf(
	             &b,
	             "\"><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
	             size, size);
	/* One rectangle for each run of dark modules in a row. */
	for (int y = QUIET_ZONE; ok && y < QUIET_ZONE + q->width; y++) {
		int x = QUIET_ZONE;

		while (ok && x < QUIET_ZONE + q->width) {
			int start;

			if (!module_dark(q, x, y)) {
				x++;
				continue;
			}
			start = x;
			while (module_dark(q, x, y))
				x++;
			ok = sbuf_addf(&b, "M%d %dh%dv1h-%dz", start, y, x - start, x - start);
		}
	}
	ok = ok && sbuf_adds(&b, "\"/></svg>\n");
	if (ok)
		svg = sbuf_take(&b, NULL);
	sbuf_release(&b);
	QRcode_free(q);
	return svg;
}

/*
 * Two module rows a character row: the upper half block is the upper
 * module, the lower half block the lower one.  On a terminal that takes
 * colours the code is drawn in black on white, whatever the terminal's own
 * colours; elsewhere (a log, NO_COLOR) the blocks are the light modules,
 * which is right on the dark background most terminals have.
 */
int qr_terminal(const char *text, FILE *f)
{
	static const char *const glyph[4] = { " ", "\xE2\x96\x80", "\xE2\x96\x84",
		                              "\xE2\x96\x88" }; /* " ", ▀, ▄, █ */
	QRcode *q;
	bool color;
	int size;

	if (!f)
		return -1;
	q = encode(text);
	if (!q)
		return -1;
	color = cli_color(f);
	size = q->width + 2 * QUIET_ZONE;
	for (int y = 0; y < size; y += 2) {
		if (color)
			fputs("\033[30;47;107m",
			      f); /* 107, bright white, where the terminal has it */
		for (int x = 0; x < size; x++) {
			bool top = module_dark(q, x, y), bottom = module_dark(q, x, y + 1);
			if (!color) {
				top = !top;
				/* Below the last row (an odd size) is the terminal's own background. */
				bottom = y + 1 < size ? !bottom : false;
			}
			fputs(glyph[(top ? 1 : 0) | (bottom ? 2 : 0)], f);
		}
		if (color)
			fputs("\033[0m", f);
		fputc('\n', f);
	}
	QRcode_free(q);
	return fflush(f) == 0 && !ferror(f) ? 0 : -1;
}
