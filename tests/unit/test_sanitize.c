/*
 * test_sanitize.c - a lesson's raw HTML through the allowlist (builder/sanitize.c),
 * against the cases of OWASP's XSS Filter Evasion Cheat Sheet and the
 * mutation tricks that beat sanitizers which do not parse as a browser does.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanitize.h"

struct drops {
	size_t count;
	char first[160];
};

static void count_drop(void *ctx, const struct sanitize_drop *d)
{
	struct drops *x = ctx;

	if (x->count++ == 0)
		snprintf(x->first, sizeof(x->first), "<%s> %s @%u:%u", d->element,
		         d->attribute ? d->attribute : "(element)", d->line, d->col);
}

struct xss_case {
	const char *name;
	const char *in;
	const char *out; /* exactly what a page gets */
	bool dropped; /* something had to go (and was reported) */
};

static const struct xss_case cases[] = {
	/* script, plain and disguised */
	{ "script", "<script>alert(1)</script>", "", true },
	{ "script with src", "<SCRIPT SRC=http://xss.rocks/xss.js></SCRIPT>", "", true },
	{ "script without its end", "<SCRIPT SRC=http://xss.rocks/xss.js?< B >", "", true },
	{ "extra open bracket", "<<SCRIPT>alert(\"XSS\");//<</SCRIPT>", "&lt;", true },
	{ "script split by a tag", "<scr<script>ipt>alert(1)</script>", "ipt&gt;alert(1)", true },
	{ "malformed img then script", "<IMG \"\"\"><SCRIPT>alert(\"XSS\")</SCRIPT>\"\\>",
	  "<img>\"\\&gt;", true },
	/* javascript: URLs in every spelling */
	{ "javascript: in img", "<IMG SRC=\"javascript:alert('XSS');\">", "<img>", true },
	{ "no quotes, mixed case", "<IMG SRC=JaVaScRiPt:alert('XSS')>", "<img>", true },
	{ "decimal entities",
	  "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;"
	  "&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>",
	  "<img>", true },
	{ "padded decimal entities without semicolons",
	  "<IMG SRC=&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105"
	  "&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040"
	  "&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041>",
	  "<img>", true },
	{ "hex entities without semicolons",
	  "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65"
	  "&#x72&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29>",
	  "<img>", true },
	{ "embedded tab", "<IMG SRC=\"jav\tascript:alert('XSS');\">", "<img>", true },
	{ "encoded tab", "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">", "<img>", true },
	{ "encoded newline", "<IMG SRC=\"jav&#x0A;ascript:alert('XSS');\">", "<img>", true },
	{ "encoded carriage return in a link", "<a href=\"java&#x0D;script:alert(1)\">x</a>",
	  "<a>x</a>", true },
	{ "spaces and a control before", "<IMG SRC=\" &#14;  javascript:alert('XSS');\">", "<img>",
	  true },
	{ "javascript: in a link", "<a href=\"javascript:alert(1)\">x</a>", "<a>x</a>", true },
	{ "entity-encoded scheme", "<a href=\"&#x6A;avascript:alert(1)\">x</a>", "<a>x</a>", true },
	{ "named entity for the colon", "<a href=\"jav&#97;script&colon;alert(1)\">x</a>",
	  "<a>x</a>", true },
	{ "numeric colon", "<a href=\"javascript&#58;alert(1)\">x</a>", "<a>x</a>", true },
	{ "leading spaces", "<a href=\"  javascript:alert(1)\">x</a>", "<a>x</a>", true },
	{ "vbscript", "<a href=\"vbscript:msgbox(1)\">x</a>", "<a>x</a>", true },
	{ "data: page in a link",
	  "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
	  "<a>x</a>", true },
	{ "svg as a data: image", "<img src=\"data:image/svg+xml;base64,PHN2Zz4=\">", "<img>",
	  true },
	{ "another host", "<a href=\"//evil.example/\">x</a>", "<a>x</a>", true },
	{ "another host with a backslash", "<a href=\"/\\evil.example/\">x</a>", "<a>x</a>", true },
	{ "http", "<img src=\"http://evil.example/x.png\" alt=\"x\">", "<img alt=\"x\">", true },
	/* event handlers */
	{ "onerror", "<IMG SRC=/ onerror=\"alert(String.fromCharCode(88,83,83))\"></img>",
	  "<img src=\"/\">", true },
	{ "onerror calling itself", "<img src=x:alert(alt) onerror=eval(src) alt=0>",
	  "<img alt=\"0\">", true },
	{ "svg onload", "<svg/onload=alert('XSS')>", "", true },
	{ "body onload", "<BODY ONLOAD=alert('XSS')>x", "x", true },
	{ "html with a handler", "<html onmouseover=alert(1)>x", "x", true },
	{ "frameset in place of the body (the parser ignores it)",
	  "<frameset onload=alert(1)><frame src=x.html>", "", false },
	{ "details ontoggle", "<details open ontoggle=alert(1)><summary>S</summary></details>",
	  "<details open><summary>S</summary></details>", true },
	{ "source onerror", "<video><source onerror=\"alert(1)\"></video>",
	  "<video><source></video>", true },
	{ "audio onerror", "<audio src=x onerror=alert(1)>", "<audio src=\"x\"></audio>", true },
	{ "marquee onstart", "<marquee onstart=alert(1)>m</marquee>", "m", true },
	{ "isindex", "<isindex type=image src=1 onerror=alert(1)>",
	  "<hr><label>This is a searchable index. Enter search keywords: </label><hr>", false },
	{ "a cell's onclick", "<table><tr><td colspan=2 onclick=x>a</td></tr></table>",
	  "<table><tbody><tr><td colspan=\"2\">a</td></tr></tbody></table>", true },
	/* styles, frames, objects, metadata, forms */
	{ "style element", "<style>@import'http://xss.rocks/xss.css';</style>", "", true },
	{ "style with url()",
	  "<div style=\"background-image: url(javascript:alert('XSS'))\">d</div>", "<div>d</div>",
	  true },
	{ "style with expression()", "<div style=\"width: expression(alert('XSS'));\">d</div>",
	  "<div>d</div>", true },
	{ "iframe", "<iframe src=\"x.html\"></iframe>", "", true },
	{ "iframe without its end", "<iframe src=http://xss.rocks/scriptlet.html <", "", false },
	{ "object",
	  "<object type=\"text/x-scriptlet\" data=\"http://xss.rocks/scriptlet.html\">"
	  "</object>",
	  "", true },
	{ "embed", "<embed src=\"data:image/svg+xml;base64,PHN2Zz4=\">", "", true },
	{ "meta refresh",
	  "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert('XSS');\">", "", true },
	{ "link", "<link rel=\"stylesheet\" href=\"javascript:alert('XSS');\">", "", true },
	{ "base", "<base href=\"javascript:alert('XSS');//\">", "", true },
	{ "table background",
	  "<table background=\"javascript:alert('XSS')\"><tr><td>t</td></tr>"
	  "</table>",
	  "<table><tbody><tr><td>t</td></tr></tbody></table>", true },
	{ "image input", "<input type=\"image\" src=\"javascript:alert('XSS');\">", "", true },
	{ "form and formaction",
	  "<form action=\"javascript:alert(1)\"><button formaction=\"javascript:alert(2)\">x"
	  "</button></form>",
	  "", true },
	{ "template", "<template><img src=x onerror=alert(1)></template>", "", true },
	/* foreign content and mutation tricks */
	{ "math confusion",
	  "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mtext></math>",
	  "", true },
	{ "noscript confusion", "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
	  "", true },
	{ "xmp confusion", "<xmp><p title=\"</xmp><img src=x onerror=alert(1)>\">",
	  "<img src=\"x\">\"&gt;", true },
	{ "markup in an attribute",
	  "<p title=\"&lt;/p&gt;&lt;img src=x onerror=alert(1)&gt;\">t</p>",
	  "<p title=\"&lt;/p&gt;&lt;img src=x onerror=alert(1)&gt;\">t</p>", false },
	{ "quotes in an attribute", "<a href=\"x\" title=\"a&quot; onclick=&quot;alert(1)\">x</a>",
	  "<a href=\"x\" title=\"a&quot; onclick=&quot;alert(1)\">x</a>", false },
	{ "srcset", "<img src=\"a.png\" alt=\"A\" srcset=\"https://e/x.png 2x\">",
	  "<img src=\"a.png\" alt=\"A\">", true },
	{ "unclosed tag at the end", "<IMG SRC=\"javascript:alert(1)\"", "", false },
	{ "comment", "a<!-- <script>alert(1)</script> -->b", "ab", false },
	{ "conditional comment", "<!--[if gte IE 4]><SCRIPT>alert('XSS');</SCRIPT><![endif]-->", "",
	  false },
	/* what a lesson may keep */
	{ "a lesson's markup",
	  "<p>H<sub>2</sub>O, x<sup>2</sup>, <abbr title=\"Personal protective equipment\">PPE"
	  "</abbr>, <mark>m</mark>, <kbd>Ctrl</kbd><br>end</p>",
	  "<p>H<sub>2</sub>O, x<sup>2</sup>, <abbr title=\"Personal protective equipment\">PPE"
	  "</abbr>, <mark>m</mark>, <kbd>Ctrl</kbd><br>end</p>",
	  false },
	{ "details and figure",
	  "<details><summary>Why</summary><figure><img src=\"../media/a.png\" alt=\"A\" "
	  "width=\"10\"><figcaption>C</figcaption></figure></details>",
	  "<details><summary>Why</summary><figure><img src=\"../media/a.png\" alt=\"A\" "
	  "width=\"10\"><figcaption>C</figcaption></figure></details>",
	  false },
	{ "links a lesson may have",
	  "<a href=\"mailto:a@example.org\">m</a> <a href=\"tel:+6612\">t</a> "
	  "<a href=\"../media/x.pdf#p2\" download>f</a> <a href=\"#top\">t</a>",
	  "<a href=\"mailto:a@example.org\">m</a> <a href=\"tel:+6612\">t</a> "
	  "<a href=\"../media/x.pdf#p2\" download>f</a> <a href=\"#top\">t</a>",
	  false },
	{ "a data: image", "<img src=\"data:image/png;base64,iVBO\" alt=\"\">",
	  "<img src=\"data:image/png;base64,iVBO\" alt=\"\">", false },
	{ "a task list's checkbox", "<input type=\"checkbox\" disabled checked onclick=\"x\">",
	  "<input type=\"checkbox\" disabled checked>", true },
	{ "a table",
	  "<table><thead><tr><th scope=\"col\">A</th></tr></thead><tbody><tr>"
	  "<td rowspan=\"2\">1</td></tr></tbody></table>",
	  "<table><thead><tr><th scope=\"col\">A</th></tr></thead><tbody><tr>"
	  "<td rowspan=\"2\">1</td></tr></tbody></table>",
	  false },
	{ "text with markup characters", "5 &lt; 6 &amp;&amp; 7 &gt; 2",
	  "5 &lt; 6 &amp;&amp; 7 &gt; 2", false },
};

static void cheat_sheet(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct xss_case *c = &cases[i];
		struct drops d = { 0, "" }, again = { 0, "" };
		char *out = sanitize_html(c->in, strlen(c->in), count_drop, &d), *twice;

		if (strcmp(out, c->out) != 0)
			fail_msg("%s: '%s' gave '%s', not '%s'", c->name, c->in, out, c->out);
		if ((d.count > 0) != c->dropped)
			fail_msg("%s: %zu removals reported (first: %s)", c->name, d.count,
			         d.first);
		/* what a page gets is a fixed point: nothing in it the allowlist would remove */
		twice = sanitize_html(out, strlen(out), count_drop, &again);
		if (again.count > 0 || strcmp(twice, out) != 0)
			fail_msg("%s: '%s' is not clean: %s, '%s'", c->name, out, again.first,
			         twice);
		free(twice);
		free(out);
	}
}

static char last_element[64];
static unsigned last_line, last_col;

static void remember(void *ctx, const struct sanitize_drop *d)
{
	(void)ctx;
	snprintf(last_element, sizeof(last_element), "%s", d->element); /* valid during the call */
	last_line = d->line;
	last_col = d->col;
}

/* Removals are told where they are: line and column in the input. */
static void positions(void **state)
{
	char *out;
	const char *a = "<p>\n  ok <span>\n   <img src=x onerror=y>",
	           *b = "x\n<foo-bar a=1>t</foo-bar>";

	(void)state;
	out = sanitize_html(a, strlen(a), remember, NULL);
	assert_string_equal(out, "<p>\n  ok <span>\n   <img src=\"x\"></span></p>");
	assert_string_equal(last_element, "img");
	assert_int_equal(last_line, 3);
	assert_int_equal(last_col, 15);
	free(out);
	out = sanitize_html(b, strlen(b), remember, NULL);
	assert_string_equal(out, "x\nt");
	assert_string_equal(last_element, "foo-bar");
	assert_int_equal(last_line, 2);
	assert_int_equal(last_col, 1);
	free(out);
}

/* Without allow_html: every element of a piece of raw HTML, in order. */
static void elements(void **state)
{
	(void)state;
	last_element[0] = '\0';
	sanitize_elements("</kbd>", 6, remember, NULL);
	assert_string_equal(last_element, ""); /* an end tag is not an element */
	sanitize_elements("<!-- c --><kbd>", 15, remember, NULL);
	assert_string_equal(last_element, "kbd");
	assert_int_equal(last_col, 11);
}

/* Nesting deeper than any page: bounded, and nothing unclosed leaks out. */
static void deep_nesting(void **state)
{
	size_t n = 5000, len = n * 5;
	char *in = malloc(len + 1), *out;

	(void)state;
	assert_non_null(in);
	for (size_t i = 0; i < n; i++)
		memcpy(in + i * 5, "<div>", 5);
	in[len] = '\0';
	out = sanitize_html(in, len, NULL, NULL);
	assert_true(strlen(out) % 11 == 0); /* "<div>" "</div>" pairs only */
	free(out);
	free(in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cheat_sheet),
		cmocka_unit_test(positions),
		cmocka_unit_test(elements),
		cmocka_unit_test(deep_nesting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
