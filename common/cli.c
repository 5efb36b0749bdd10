/* cli.c - messages, exit codes, sizes and terminal detection for the programs (cli.h). */
#include "cli.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *cli_program = "sampan";
bool cli_quiet = false;

static void vmessage(const char *kind, const char *fmt, va_list ap)
{
	fflush(stdout);
	fprintf(stderr, "%s: %s", cli_program, kind);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage("", fmt, ap);
	va_end(ap);
}

void cli_warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage("warning: ", fmt, ap);
	va_end(ap);
}

int cli_exit_for(enum bundle_status st)
{
	switch (st) {
	case BUNDLE_OK:
		return EXIT_YES;
	case BUNDLE_ENTRY_BAD:
	case BUNDLE_INVALID:
		return EXIT_NO;
	case BUNDLE_USAGE:
		return EXIT_USAGE;
	case BUNDLE_IO:
	case BUNDLE_NOMEM:
	default:
		return EXIT_SYSTEM;
	}
}

int cli_bundle_error(const char *file, const struct bundle_error *err)
{
	if (file)
		cli_error("%s: %s", file, err->message);
	else
		cli_error("%s", err->message);
	return cli_exit_for(err->status);
}

bool cli_color(FILE *f)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

	if (nc && *nc)
		return false;
	if (term && strcmp(term, "dumb") == 0)
		return false;
	return isatty(fileno(f)) == 1;
}

bool cli_interactive(void)
{
	return isatty(STDIN_FILENO) == 1 && isatty(STDERR_FILENO) == 1;
}

const char *cli_size(uint64_t bytes, char *buf, size_t size)
{
	static const char *const units[] = { "bytes", "kB", "MB", "GB", "TB" };
	double v = (double)bytes;
	int u = 0;

	if (bytes < 1000) {
		snprintf(buf, size, "%llu %s", (unsigned long long)bytes,
		         bytes == 1 ? "byte" : "bytes");
		return buf;
	}
	while (v >= 1000 && u < 4) {
		v /= 1000;
		u++;
	}
	snprintf(buf, size, "%.1f %s", v, units[u]);
	return buf;
}
