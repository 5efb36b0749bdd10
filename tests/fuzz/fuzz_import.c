/*
 * fuzz_import.c - libFuzzer target: a page of another tool's source through
 * `import` (builder/import*.c).  The first byte picks the layout (mdBook,
 * Carpentries Workbench, MkDocs); the rest is the page, which may include
 * itself and the source's other files, link anywhere and hold any bytes.
 * Every import must end, and write only inside its output folder.
 */
#define _GNU_SOURCE
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "import.h"
#include "problems.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char base[64];

static void put(const char *rel, const void *text, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", base, rel);
	for (char *s = strchr(path + strlen(base) + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		mkdir(path, 0755);
		*s = '/';
	}
	f = fopen(path, "wb");
	if (!f)
		abort();
	fwrite(text, 1, len, f);
	fclose(f);
}

static void puts_(const char *rel, const char *text)
{
	put(rel, text, strlen(text));
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void make_sources(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(base, sizeof base, "%s/fuzz-import-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(base))
		abort();
	puts_("mdbook/book.toml", "[book]\ntitle = \"B\"\n");
	puts_("mdbook/src/SUMMARY.md", "- [Page](page.md)\n  - [Other](sub/other.md)\n");
	puts_("mdbook/src/sub/other.md", "# Other\n{{#include ../page.md:1:3}}\n");
	puts_("mdbook/src/fig.png", "png");
	puts_("workbench/config.yaml", "title: W\nepisodes:\n- page.md\n");
	puts_("workbench/learners/setup.md", "---\ntitle: Setup\n---\n");
	puts_("workbench/episodes/fig/a.svg", "<svg/>");
	puts_("workbench/links.md", "[l]: fig/a.svg\n");
	puts_("mkdocs/mkdocs.yml", "site_name: M\nnav:\n  - page.md\n  - sub/\n");
	puts_("mkdocs/docs/sub/other.md", "# Other\n");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const dirs[] = { "mdbook", "workbench", "mkdocs" };
	static const char *const pages[] = { "mdbook/src/page.md", "workbench/episodes/page.md",
		                             "mkdocs/docs/page.md" };
	static const enum layout layouts[] = { LAYOUT_MDBOOK, LAYOUT_WORKBENCH, LAYOUT_MKDOCS };
	struct problems p, log;
	struct import im;
	struct import_opts o = { 0 };
	char src[128], out[128];
	int k;

	if (!base[0])
		make_sources();
	if (size < 1)
		return 0;
	k = data[0] % 3;
	put(pages[k], data + 1, size - 1);
	snprintf(src, sizeof src, "%s/%s", base, dirs[k]);
	snprintf(out, sizeof out, "%s/out-XXXXXX", base);
	if (!mkdtemp(out))
		abort();
	problems_init(&p);
	problems_init(&log);
	import_init(&im, src, layouts[k], &p, &log);
	if (import_read(&im))
		import_write(&im, out, &o);
	import_release(&im);
	problems_release(&p);
	problems_release(&log);
	nftw(out, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}
