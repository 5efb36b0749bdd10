/*
 * test_qr.c - QR codes of the player's address (player/qr.c): the SVG's
 * structure, the terminal drawing, and that both draw the same modules
 * with the finder patterns where a scanner looks for them.
 */
#include "testutil.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qr.h"

#define ADDRESS "http://192.168.1.5:8080/"
#define MAX_SIZE 200

/* The viewBox size of an SVG from qr_svg (modules + quiet zones). */
static int svg_size(const char *svg)
{
	int w = 0, h = 0;
	const char *vb = strstr(svg, "viewBox=\"0 0 ");

	assert_non_null(vb);
	assert_int_equal(sscanf(vb, "viewBox=\"0 0 %d %d\"", &w, &h), 2);
	assert_int_equal(w, h);
	return w;
}

/* Paint the path's rectangles ("Mx yhNv1h-Nz") into grid. */
static void svg_modules(const char *svg, int size, bool grid[MAX_SIZE][MAX_SIZE])
{
	const char *d = strstr(svg, "<path fill=\"#000\" d=\"");
	const char *end;

	assert_non_null(d);
	d += strlen("<path fill=\"#000\" d=\"");
	end = strchr(d, '"');
	assert_non_null(end);
	assert_true(end > d);
	memset(grid, 0, sizeof(bool) * MAX_SIZE * MAX_SIZE);
	while (d < end) {
		int x, y, n, n2, used = 0;
		assert_int_equal(sscanf(d, "M%d %dh%dv1h-%dz%n", &x, &y, &n, &n2, &used), 4);
		assert_true(used > 0);
		assert_int_equal(n, n2);
		assert_true(x >= 0 && y >= 0 && n > 0 && x + n <= size && y < size);
		for (int i = 0; i < n; i++) {
			assert_false(grid[y][x + i]);
			grid[y][x + i] = true;
		}
		d += used;
	}
	assert_ptr_equal(d, end);
}

/* A 7x7 finder pattern with its top left corner at (x, y). */
static void assert_finder(bool grid[MAX_SIZE][MAX_SIZE], int x, int y)
{
	for (int j = 0; j < 7; j++)
		for (int i = 0; i < 7; i++) {
			bool ring = i == 0 || j == 0 || i == 6 || j == 6;
			bool core = i >= 2 && i <= 4 && j >= 2 && j <= 4;
			assert_int_equal(grid[y + j][x + i], ring || core);
		}
}

static void svg_has_the_expected_structure(void **state)
{
	(void)state;
	static bool grid[MAX_SIZE][MAX_SIZE];
	char *svg = qr_svg(ADDRESS);
	int size, modules, dark = 0;

	assert_non_null(svg);
	assert_true(strncmp(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" ", 40) == 0);
	assert_non_null(strstr(svg, "shape-rendering=\"crispEdges\""));
	assert_non_null(strstr(svg, "role=\"img\""));
	assert_non_null(strstr(svg, "aria-label=\"" ADDRESS "\""));
	assert_int_equal(strcmp(svg + strlen(svg) - 7, "</svg>\n"), 0);
	assert_null(strstr(svg, "<script"));
	size = svg_size(svg);
	modules = size - 8;
	/* A QR code is 21 + 4k modules square; 24 bytes at level M take version 2. */
	assert_int_equal((modules - 21) % 4, 0);
	assert_int_equal(modules, 25);
	svg_modules(svg, size, grid);
	/* The quiet zone is empty, the finder patterns are where a scanner looks. */
	for (int y = 0; y < size; y++)
		for (int x = 0; x < size; x++) {
			bool quiet = x < 4 || y < 4 || x >= size - 4 || y >= size - 4;
			if (quiet)
				assert_false(grid[y][x]);
			dark += grid[y][x];
		}
	assert_finder(grid, 4, 4);
	assert_finder(grid, size - 4 - 7, 4);
	assert_finder(grid, 4, size - 4 - 7);
	/* Timing pattern: row 6 of the code alternates between the finders. */
	for (int x = 8; x < modules - 8; x++)
		assert_int_equal(grid[4 + 6][4 + x], x % 2 == 0);
	assert_true(dark > modules * modules / 4 && dark < modules * modules * 3 / 4);
	free(svg);
}

static void svg_grows_with_the_text(void **state)
{
	(void)state;
	char long_text[301];
	char *small = qr_svg("http://10.0.0.1/"), *big;

	memset(long_text, 'a', 300);
	long_text[300] = '\0';
	big = qr_svg(long_text);
	assert_non_null(small);
	assert_non_null(big);
	assert_true(svg_size(big) > svg_size(small));
	assert_int_equal((svg_size(big) - 8 - 21) % 4, 0);
	free(small);
	free(big);
}

static void svg_escapes_its_label(void **state)
{
	(void)state;
	char *svg = qr_svg("a\"<b>&'\x01");

	assert_non_null(svg);
	assert_non_null(strstr(svg, "aria-label=\"a&quot;&lt;b&gt;&amp;&#39;\xEF\xBF\xBD\""));
	assert_null(strstr(svg, "<b>"));
	free(svg);
}

static void refuses_no_text_and_too_much(void **state)
{
	(void)state;
	char *huge = malloc(5000);
	FILE *f = tmpfile();

	assert_non_null(huge);
	assert_non_null(f);
	memset(huge, 'x', 4999);
	huge[4999] = '\0';
	assert_null(qr_svg(NULL));
	assert_null(qr_svg(""));
	assert_null(qr_svg(huge));
	assert_int_not_equal(qr_terminal(NULL, f), 0);
	assert_int_not_equal(qr_terminal("", f), 0);
	assert_int_not_equal(qr_terminal(huge, f), 0);
	assert_int_not_equal(qr_terminal(ADDRESS, NULL), 0);
	fclose(f);
	free(huge);
}

/* The code points of a line (UTF-8), or -1 for a character that is not a block or a space. */
static int decode_line(const char *line, bool *top, bool *bottom, int max)
{
	int n = 0;

	while (*line && *line != '\n') {
		bool t, b;
		if (*line == ' ') {
			t = b = false;
			line++;
		} else if (strncmp(line, "\xE2\x96\x80", 3) == 0) { /* ▀ */
			t = true;
			b = false;
			line += 3;
		} else if (strncmp(line, "\xE2\x96\x84", 3) == 0) { /* ▄ */
			t = false;
			b = true;
			line += 3;
		} else if (strncmp(line, "\xE2\x96\x88", 3) == 0) { /* █ */
			t = b = true;
			line += 3;
		} else {
			return -1;
		}
		if (n >= max)
			return -1;
		top[n] = t;
		bottom[n] = b;
		n++;
	}
	return n;
}

static void terminal_draws_the_same_code_inverted(void **state)
{
	(void)state;
	static bool grid[MAX_SIZE][MAX_SIZE];
	char *svg = qr_svg(ADDRESS);
	FILE *f = tmpfile();
	char line[4096];
	int size, lines = 0;

	assert_non_null(svg);
	assert_non_null(f);
	size = svg_size(svg);
	svg_modules(svg, size, grid);
	/* Not a terminal: plain blocks, no escape sequences. */
	assert_int_equal(qr_terminal(ADDRESS, f), 0);
	rewind(f);
	while (fgets(line, sizeof(line), f)) {
		bool top[MAX_SIZE], bottom[MAX_SIZE];
		int y = 2 * lines;

		assert_null(strchr(line, '\033'));
		assert_int_equal(line[strlen(line) - 1], '\n');
		assert_int_equal(decode_line(line, top, bottom, MAX_SIZE), size);
		/* A block is a light module: dark modules are the terminal's dark background. */
		for (int x = 0; x < size; x++) {
			assert_int_equal(top[x], !grid[y][x]);
			if (y + 1 < size)
				assert_int_equal(bottom[x], !grid[y + 1][x]);
			else
				assert_false(bottom[x]);
		}
		lines++;
	}
	assert_int_equal(lines, (size + 1) / 2);
	/* The first line is all quiet zone: full blocks. */
	rewind(f);
	assert_non_null(fgets(line, sizeof(line), f));
	for (int x = 0; x < size; x++)
		assert_int_equal(strncmp(line + 3 * x, "\xE2\x96\x88", 3), 0);
	fclose(f);
	free(svg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(svg_has_the_expected_structure),
		cmocka_unit_test(svg_grows_with_the_text),
		cmocka_unit_test(svg_escapes_its_label),
		cmocka_unit_test(refuses_no_text_and_too_much),
		cmocka_unit_test(terminal_draws_the_same_code_inverted),
	};
	return cmocka_run_group_tests_name("qr", tests, NULL, NULL);
}
