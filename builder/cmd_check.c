/* cmd_check.c - `sampan-build check DIR|ARCHIVE`: every problem of a course source, nothing written. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "builder.h"
#include "cli.h"
#include "course_src.h"
#include "lint.h"
#include "options.h"
#include "problems.h"
#include "source.h"
#include "xalloc.h"

static const struct opts_help help = {
	.usage = "check [-q] [--strict] DIR|ARCHIVE",
	.about = "Check a course source (a folder with course.yml, or an archive of one)\n"
	         "without writing anything: course.yml, missing lessons, broken links and\n"
	         "anchors, missing media, links to other hosts (links to the web are\n"
	         "warnings, shown as text; errors with --strict), names that break on FAT32,\n"
	         "exFAT or Windows, files over 4 GiB, MP4 files that cannot stream, invalid\n"
	         "UTF-8 and subtitles.  Every problem is printed as FILE:LINE: MESSAGE.\n",
	.after = "Exit status: 0 no errors (warnings allowed), 1 errors, 2 usage, 3 system.\n",
};

/* Print the problems, errors only when quiet. */
static void print_problems(const struct problems *p, bool quiet)
{
	struct problems shown = *p;

	if (quiet) {
		shown.v = xcalloc(p->count + 1, sizeof(*shown.v));
		shown.count = 0;
		for (size_t i = 0; i < p->count; i++)
			if (p->v[i].level == PROBLEM_ERROR)
				shown.v[shown.count++] = p->v[i];
	}
	problems_print(&shown, stderr, cli_color(stderr));
	if (quiet)
		free(shown.v);
}

int cmd_check(int argc, char **argv)
{
	bool strict = false;
	const struct opt opts[] = {
		OPT_QUIET("print errors only, no warnings and no summary"),
		OPT_BOOL(0, "strict", &strict,
		         "links to the web are errors, not warnings (a course for classrooms "
		         "that must work without them)"),
		OPT_END(),
	};
	const char *src;
	bool quiet;
	struct source s = { NULL, NULL };
	struct bundle_error err;
	struct course_src c;
	struct problems p;
	struct stat sb;
	int n, rc;

	n = opts_parse(argc, argv, opts, &help, &rc);
	if (n < 0)
		return rc;
	if (n == 0)
		return opts_usage_error(&help, "check: which course?");
	if (n > 1)
		return opts_usage_error(&help, "check: one course at a time");
	src = argv[0];
	quiet = cli_quiet;
	if (stat(src, &sb) != 0) {
		cli_error("%s: %s", src, strerror(errno));
		return EXIT_USAGE;
	}
	bundle_error_clear(&err);
	if (source_open(src, &s, &err) != BUNDLE_OK)
		return cli_bundle_error(src, &err);
	problems_init(&p);
	/* Lint even when course.yml is incomplete: every problem at once. */
	if (course_src_load(s.dir, &c, &p) || c.lessons_count > 0)
		lint_course(&c, strict, &p);
	problems_sort(&p);
	print_problems(&p, quiet);
	if (!quiet)
		fprintf(stderr, "%zu error%s, %zu warning%s\n", p.errors, p.errors == 1 ? "" : "s",
		        p.warnings, p.warnings == 1 ? "" : "s");
	rc = p.errors ? EXIT_NO : EXIT_YES;
	course_src_release(&c);
	problems_release(&p);
	source_close(&s);
	return rc;
}
