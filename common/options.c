/* options.c - one parser for every command's option table (options.h). */
#include "options.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* The help's option column: wider names put their help on the next line. */
#define HELP_COLUMN 26

static const struct opt help_opt = OPT_BOOL('h', "help", NULL, "this help");
static const struct opt version_opt = OPT_BOOL(0, "version", NULL, "the program's version");

static void print_usage(FILE *f, const struct opts_help *help)
{
	const char *s = help->usage;
	int indent = (int)strlen("usage: ") + (int)strlen(cli_program) + 1;

	fprintf(f, "usage: %s ", cli_program);
	for (; *s; s++) {
		fputc(*s, f);
		if (*s == '\n')
			fprintf(f, "%*s", indent, "");
	}
	fputc('\n', f);
}

static void print_option(FILE *f, const struct opt *o)
{
	char name[128];
	int n;
	const char *h;

	/* "  -t, --trust KEY.pub", "      --trust-dir DIR", "  -q, --quiet" */
	n = snprintf(name, sizeof(name), "  %c%c%s%s%s%s%s", o->short_name ? '-' : ' ',
	             o->short_name ? o->short_name : ' ',
	             o->short_name && o->long_name ? ", " : "  ", o->long_name ? "--" : "",
	             o->long_name ? o->long_name : "", o->arg_name ? " " : "",
	             o->arg_name ? o->arg_name : "");
	if (n < 0)
		return;
	fputs(name, f);
	if (n + 2 > HELP_COLUMN) {
		fputc('\n', f);
		n = 0;
	}
	fprintf(f, "%*s", HELP_COLUMN - n, "");
	for (h = o->help ? o->help : ""; *h; h++) {
		fputc(*h, f);
		if (*h == '\n')
			fprintf(f, "%*s", HELP_COLUMN, "");
	}
	fputc('\n', f);
}

void opts_print_help(const struct opt *opts, const struct opts_help *help)
{
	print_usage(stdout, help);
	if (help->about)
		printf("\n%s", help->about);
	fputc('\n', stdout);
	bool own_version = false;

	for (const struct opt *o = opts; o->kind != OPT_KIND_END; o++) {
		print_option(stdout, o);
		if (o->long_name && strcmp(o->long_name, "version") == 0)
			own_version = true;
	}
	print_option(stdout, &help_opt);
	if (!own_version)
		print_option(stdout, &version_opt);
	if (help->after)
		printf("\n%s", help->after);
}

static int usage_error(const struct opts_help *help, const char *fmt, va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	cli_error("%s", msg);
	fflush(stdout);
	print_usage(stderr, help);
	return EXIT_USAGE;
}

int opts_usage_error(const struct opts_help *help, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = usage_error(help, fmt, ap);
	va_end(ap);
	return rc;
}

static int fail(const struct opts_help *help, int *exit_code, const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 3, 4)))
#endif
        ;

static int fail(const struct opts_help *help, int *exit_code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	*exit_code = usage_error(help, fmt, ap);
	va_end(ap);
	return -1;
}

/* The option named by the long name s (n bytes): exact, else the one it is a prefix of. */
static const struct opt *find_long(const struct opt *opts, const char *s, size_t n, bool *ambiguous)
{
	const struct opt *found = NULL;

	*ambiguous = false;
	for (const struct opt *o = opts; o->kind != OPT_KIND_END; o++) {
		if (!o->long_name || strncmp(o->long_name, s, n) != 0)
			continue;
		if (o->long_name[n] == '\0')
			return o;
		if (found)
			*ambiguous = true;
		found = o;
	}
	return *ambiguous ? NULL : found;
}

static const struct opt *find_short(const struct opt *opts, char c)
{
	for (const struct opt *o = opts; o->kind != OPT_KIND_END; o++)
		if (o->short_name == c)
			return o;
	return NULL;
}

/* Give o its argument (or its flag): EXIT_YES, or the code to end with. */
static int take(const struct opt *o, const char *arg)
{
	switch (o->kind) {
	case OPT_KIND_BOOL:
		*(bool *)o->value = true;
		return EXIT_YES;
	case OPT_KIND_STRING:
		*(const char **)o->value = arg;
		return EXIT_YES;
	case OPT_KIND_CALLBACK:
		return o->callback(o, arg);
	case OPT_KIND_END:
	default:
		return EXIT_USAGE;
	}
}

/*
 * "--help" and "--version", and every prefix of them no option of the table
 * shares; a table with an option of that very name takes it instead
 * (`import --version VERSION` is the course's version).
 */
static bool is_builtin(const struct opt *opts, const char *s, size_t n, const char *name)
{
	size_t len = strlen(name);
	bool ambiguous;

	for (const struct opt *o = opts; o->kind != OPT_KIND_END; o++)
		if (o->long_name && strcmp(o->long_name, name) == 0)
			return false;
	return n > 0 && n <= len && strncmp(name, s, n) == 0 &&
	       (n == len || !find_long(opts, s, n, &ambiguous));
}

int opts_parse(int argc, char **argv, const struct opt *opts, const struct opts_help *help,
               int *exit_code)
{
	const char *command = argv[0];
	int nops = 0;
	bool options = true;

	*exit_code = EXIT_YES;
	for (int i = 1; i < argc; i++) {
		char *a = argv[i];

		if (!options || a[0] != '-' || a[1] == '\0') {
			argv[nops++] = a; /* "-" alone is an operand, as for most tools */
			continue;
		}
		if (strcmp(a, "--") == 0) {
			options = false;
			continue;
		}
		if (a[1] == '-') {
			const char *name = a + 2, *eq = strchr(name, '=');
			size_t n = eq ? (size_t)(eq - name) : strlen(name);
			const struct opt *o;
			bool ambiguous;
			int rc;

			if (is_builtin(opts, name, n, "help") && !eq) {
				opts_print_help(opts, help);
				return -1;
			}
			if (is_builtin(opts, name, n, "version") && !eq) {
				printf("%s %s (bundle format 1)\n", cli_program, SAMPAN_VERSION);
				return -1;
			}
			o = find_long(opts, name, n, &ambiguous);
			if (!o)
				return fail(help, exit_code,
				            ambiguous ? "%s: option '--%.*s' is ambiguous"
				                      : "%s: unknown option '--%.*s'",
				            command, (int)n, name);
			if (o->kind == OPT_KIND_BOOL && eq)
				return fail(help, exit_code, "%s: option '--%s' takes no value",
				            command, o->long_name);
			if (o->kind != OPT_KIND_BOOL && !eq && i + 1 >= argc)
				return fail(help, exit_code, "%s: option '--%s' needs %s", command,
				            o->long_name, o->arg_name ? o->arg_name : "a value");
			rc = take(o, o->kind == OPT_KIND_BOOL ? NULL : eq ? eq + 1 : argv[++i]);
			if (rc != EXIT_YES) {
				*exit_code = rc;
				return -1;
			}
			continue;
		}
		for (const char *c = a + 1; *c; c++) {
			const struct opt *o = find_short(opts, *c);
			const char *arg = NULL;
			int rc;

			if (!o && *c == 'h') {
				opts_print_help(opts, help);
				return -1;
			}
			if (!o)
				return fail(help, exit_code, "%s: unknown option '-%c'", command,
				            *c);
			if (o->kind != OPT_KIND_BOOL) {
				if (c[1])
					arg = c + 1;
				else if (i + 1 < argc)
					arg = argv[++i];
				else
					return fail(help, exit_code, "%s: option '-%c' needs %s",
					            command, *c,
					            o->arg_name ? o->arg_name : "a value");
			}
			rc = take(o, arg);
			if (rc != EXIT_YES) {
				*exit_code = rc;
				return -1;
			}
			if (arg)
				break;
		}
	}
	if (help->operands &&
	    (nops < help->operands_min || (help->operands_max >= 0 && nops > help->operands_max)))
		return fail(help, exit_code, "%s", help->operands);
	return nops;
}
