/*
 * import_write.c - the course folder `import` writes (import.h;
 * format-spec/course-source.md, section 11): the pages converted, the files
 * they use copied into media/, what no page uses listed, and course.yml.
 */
#include "import.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "course.h"
#include "path.h"
#include "sbuf.h"
#include "xalloc.h"

/* Make the folders of rel under out. */
static bool make_dirs(const char *out, const char *rel)
{
	char *full = path_join(out, rel), *s = full + strlen(out) + 1;
	bool ok = true;

	for (char *slash = strchr(s, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (mkdir(full, 0777) != 0 && errno != EEXIST) {
			cli_error("%s: cannot make the folder: %s", full, strerror(errno));
			ok = false;
		}
		*slash = '/';
		if (!ok)
			break;
	}
	free(full);
	return ok;
}

static bool write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t w = write(fd, data, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		data += w;
		len -= (size_t)w;
	}
	return true;
}

static bool write_file(const char *out, const char *rel, const char *data, size_t len)
{
	char *full;
	int fd;
	bool ok;

	if (!make_dirs(out, rel))
		return false;
	full = path_join(out, rel);
	fd = open(full, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	ok = fd >= 0 && write_all(fd, data, len);
	if (fd >= 0 && close(fd) != 0)
		ok = false;
	if (!ok)
		cli_error("%s: cannot write it: %s", full, strerror(errno));
	free(full);
	return ok;
}

static bool copy_file(const struct import *im, const char *src, const char *out, const char *rel)
{
	struct stat sb;
	char *from = import_path(im, src, &sb), *to = NULL, buf[65536];
	int in = -1, fd = -1;
	bool ok = false;
	ssize_t r;

	if (!from || !S_ISREG(sb.st_mode) || !make_dirs(out, rel))
		goto done;
	to = path_join(out, rel);
	in = open(from, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (in < 0) {
		cli_error("%s: cannot read it: %s", src, strerror(errno));
		goto done;
	}
	fd = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0) {
		cli_error("%s: cannot write it: %s", to, strerror(errno));
		goto done;
	}
	while ((r = read(in, buf, sizeof buf)) > 0 && !(im->stop && *im->stop))
		if (!write_all(fd, buf, (size_t)r)) {
			cli_error("%s: cannot write it: %s", to, strerror(errno));
			goto done;
		}
	if (r < 0) {
		cli_error("%s: cannot read it: %s", src, strerror(errno));
		goto done;
	}
	ok = !(im->stop && *im->stop);
done:
	if (in >= 0)
		close(in);
	if (fd >= 0 && close(fd) != 0 && ok) {
		cli_error("%s: cannot write it: %s", to, strerror(errno));
		ok = false;
	}
	free(from);
	free(to);
	return ok;
}

/* s as a YAML double-quoted scalar. */
static void yaml_q(struct sbuf *b, const char *s)
{
	sbuf_add(b, "\"", 1);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			sbuf_addf(b, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			sbuf_addf(b, "\\x%02x", *p);
		else
			sbuf_add(b, p, 1);
	}
	sbuf_add(b, "\"", 1);
}

static bool convert_page(struct import *im, struct import_page *pg, const char *out)
{
	size_t len = 0;
	char *text = import_convert(im, pg, &len);
	bool ok;

	if (!text)
		return true; /* reported: the page is left out, the others go on */
	ok = write_file(out, pg->out, text, len);
	free(text);
	if (pg->role == IMPORT_LESSON)
		problems_add(im->log, PROBLEM_WARNING, pg->src, 0, 0, "lesson %s%s%s%s", pg->out,
		             pg->title ? " \"" : "", pg->title ? pg->title : "",
		             pg->title ? "\"" : "");
	else
		problems_add(im->log, PROBLEM_WARNING, pg->src, 0, 0,
		             "teacher page %s%s%s%s (course.yml's teacher: list)", pg->out,
		             pg->title ? " \"" : "", pg->title ? pg->title : "",
		             pg->title ? "\"" : "");
	return ok;
}

static void guessed(struct sbuf *g, const char *key, const char *value)
{
	sbuf_addf(g, "    %s: ", key);
	yaml_q(g, value);
	sbuf_add(g, "\n", 1);
}

bool import_write(struct import *im, const char *out, const struct import_opts *o)
{
	struct sbuf y, g;
	char *id, *licence, *text;
	const char *version, *language, *title, *publisher;
	size_t len, lessons = 0;
	bool ok = true;

	for (size_t i = 0; i < im->pages_count && ok; i++)
		ok = !(im->stop && *im->stop) && convert_page(im, &im->pages[i], out);
	/* Pages first: they say which files are used. */
	for (size_t i = 0; i < im->media_count && ok; i++) {
		if (im->stop && *im->stop) {
			ok = false;
			break;
		}
		ok = copy_file(im, im->media[i].src, out, im->media[i].out);
		if (ok)
			problems_add(im->log, PROBLEM_WARNING, im->media[i].src, 0, 0, "%s",
			             im->media[i].out);
	}
	if (!ok)
		return false;
	/* The files the tool would have served that no page uses: not copied, said. */
	{
		char **other[4] = { NULL };
		size_t counts[4] = { 0 }, dirs = im->layout == LAYOUT_WORKBENCH ? 4 : 1;
		for (size_t d = 0; d < dirs; d++) {
			other[d] = import_list_files(im,
			                             im->layout == LAYOUT_WORKBENCH
			                                     ? import_workbench_dirs[d]
			                                     : im->content,
			                             &counts[d]);
			for (size_t i = 0; i < counts[d]; i++) {
				bool used = false;
				for (size_t k = 0; k < im->media_count && !used; k++)
					used = strcmp(im->media[k].src, other[d][i]) == 0;
				if (!used)
					problems_add(im->log, PROBLEM_WARNING, other[d][i], 0, 0,
					             "not copied: no page uses it");
			}
			import_strv_free(other[d], counts[d]);
		}
	}

	sbuf_init(&y, 16u << 20);
	sbuf_init(&g, 1u << 20);
	id = o->id ? xstrdup(o->id) : import_id_of(im->name_hint ? im->name_hint : "course");
	if (!o->id)
		guessed(&g, "id", id);
	version = o->version ? o->version : "1";
	if (!o->version)
		guessed(&g, "version", version);
	if (!o->language && im->language && !course_lang_valid(im->language)) {
		problems_add(im->problems, PROBLEM_WARNING, ".", 0, 0,
		             "the source's language '%s' is not a language tag: 'en' guessed "
		             "(--language sets it)",
		             im->language);
		free(im->language);
		im->language = NULL;
	}
	language = o->language ? o->language : im->language ? im->language : "en";
	if (!o->language && !im->language)
		guessed(&g, "language", language);
	title = im->title ? im->title : im->name_hint ? im->name_hint : id;
	if (!im->title)
		guessed(&g, "title", title);
	publisher = o->publisher ? o->publisher : im->publisher ? im->publisher : "Unknown";
	if (!o->publisher && !im->publisher)
		guessed(&g, "publisher", publisher);
	licence = o->licence    ? xstrdup(o->licence)
	          : im->licence ? import_spdx(im->licence)
	                        : xstrdup("All rights reserved");
	if (!o->licence && !im->licence)
		guessed(&g, "licence", licence);

	sbuf_addf(&y, "# Imported by sampan-build import from a %s (%s).\n",
	          layout_name(im->layout),
	          im->layout == LAYOUT_WORKBENCH ? "config.yaml"
	          : im->layout == LAYOUT_MDBOOK  ? "book.toml"
	                                         : "mkdocs.yml");
	sbuf_adds(&y, g.len ? "# Check it with `sampan-build check`: it warns about each value "
	                      "import\n# guessed (under `imported:` at the end) until you set "
	                      "your own.\n"
	                    : "# Check it with `sampan-build check`, then build it.\n");
	sbuf_adds(&y, "id: ");
	yaml_q(&y, id);
	sbuf_adds(&y, "\nversion: ");
	yaml_q(&y, version);
	sbuf_adds(&y, "\nlanguage: ");
	yaml_q(&y, language);
	sbuf_adds(&y, "\ntitle: ");
	yaml_q(&y, title);
	if (im->description) {
		sbuf_adds(&y, "\ndescription: ");
		yaml_q(&y, im->description);
	}
	sbuf_adds(&y, "\npublisher:\n  name: ");
	yaml_q(&y, publisher);
	if (im->contact) {
		sbuf_adds(&y, "\n  contact: ");
		yaml_q(&y, im->contact);
	}
	sbuf_adds(&y, "\nlicence: ");
	yaml_q(&y, licence);
	if (im->keywords) {
		bool any = false;
		for (const char *k = im->keywords; *k;) {
			size_t n = strcspn(k, ",");
			const char *b = k, *e = k + n;
			while (b < e && (*b == ' ' || *b == '\t'))
				b++;
			while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
				e--;
			if (e > b) {
				char *word = xstrndup(b, (size_t)(e - b));
				sbuf_adds(&y, any ? "\n  - " : "\nsubjects:\n  - ");
				yaml_q(&y, word);
				free(word);
				any = true;
			}
			k += n;
			if (*k == ',')
				k++;
		}
	}
	/* The source's tool shows raw HTML; the builder keeps it through its allowlist. */
	sbuf_adds(&y, "\nallow_html: true\nlessons:\n");
	for (size_t i = 0; i < im->pages_count; i++) {
		const struct import_page *pg = &im->pages[i];
		if (pg->role != IMPORT_LESSON)
			continue;
		lessons++;
		sbuf_adds(&y, "  - file: ");
		yaml_q(&y, pg->out);
		sbuf_adds(&y, "\n");
		if (pg->id) {
			sbuf_adds(&y, "    id: ");
			yaml_q(&y, pg->id);
			sbuf_adds(&y, "\n");
		}
		if (pg->title) {
			sbuf_adds(&y, "    title: ");
			yaml_q(&y, pg->title);
			sbuf_adds(&y, "\n");
		}
	}
	/* Teachers' material (Workbench instructors/ and profiles/): teacher pages. */
	for (size_t i = 0, n = 0; i < im->pages_count; i++) {
		const struct import_page *pg = &im->pages[i];
		if (pg->role != IMPORT_TEACHER)
			continue;
		sbuf_adds(&y, n++ ? "  - file: " : "teacher:\n  - file: ");
		yaml_q(&y, pg->out);
		sbuf_adds(&y, "\n");
		if (pg->title) {
			sbuf_adds(&y, "    title: ");
			yaml_q(&y, pg->title);
			sbuf_adds(&y, "\n");
		}
	}
	sbuf_addf(&y, "imported:\n  from: %s\n", layout_key(im->layout));
	if (g.len) {
		sbuf_adds(&y, "  guessed:\n");
		sbuf_add(&y, g.data, g.len);
	}
	len = y.len;
	text = sbuf_take(&y, &len);
	if (!lessons)
		problems_add(im->problems, PROBLEM_ERROR, ".", 0, 0, "no page to import");
	ok = write_file(out, "course.yml", text, len);
	free(text);
	free(id);
	free(licence);
	sbuf_release(&y);
	sbuf_release(&g);
	return ok;
}
