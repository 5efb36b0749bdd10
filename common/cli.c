/* cli.c - messages, exit codes, terminal detection, passwords and progress for the programs. */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "minisign.h"
#include "monotime.h"

const char *cli_program = "sampan";
bool cli_quiet = false;

#define PASSWORD_MAX 1024

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

/* Read one line from fd into buf (size bytes), without the newline; false on error or EOF. */
static bool read_line(int fd, char *buf, size_t size)
{
	size_t n = 0;

	for (;;) {
		char c;
		ssize_t r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return n > 0;
		if (c == '\n')
			break;
		if (c == '\r')
			continue;
		if (n + 1 >= size)
			return false;
		buf[n++] = c;
	}
	buf[n] = '\0';
	return true;
}

static char *prompt_once(int tty, const char *prompt)
{
	struct termios old, quiet;
	char *buf = minisign_secret_alloc(PASSWORD_MAX);
	bool ok;

	if (!buf)
		return NULL;
	if (write(tty, prompt, strlen(prompt)) < 0 || tcgetattr(tty, &old) != 0) {
		minisign_secret_free(buf);
		return NULL;
	}
	quiet = old;
	quiet.c_lflag &= (tcflag_t) ~(ECHO | ECHONL);
	tcsetattr(tty, TCSAFLUSH, &quiet);
	ok = read_line(tty, buf, PASSWORD_MAX);
	tcsetattr(tty, TCSAFLUSH, &old);
	if (write(tty, "\n", 1) < 0)
		ok = false;
	if (!ok) {
		minisign_secret_free(buf);
		return NULL;
	}
	return buf;
}

char *cli_read_password(const char *prompt, bool confirm)
{
	int tty;
	char *a, *b;

	if (!cli_interactive())
		return NULL;
	tty = open("/dev/tty", O_RDWR | O_CLOEXEC);
	if (tty < 0)
		return NULL;
	a = prompt_once(tty, prompt);
	if (a && confirm) {
		b = prompt_once(tty, "Password again: ");
		if (!b || strcmp(a, b) != 0) {
			if (b && write(tty, "The passwords differ.\n", 22) < 0) {
				/* nothing more to say */
			}
			minisign_secret_free(a);
			a = NULL;
		}
		minisign_secret_free(b);
	}
	close(tty);
	return a;
}

char *cli_password_file(const char *path)
{
	char *buf = minisign_secret_alloc(PASSWORD_MAX);
	int fd;
	bool ok;

	if (!buf)
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		minisign_secret_free(buf);
		return NULL;
	}
	ok = read_line(fd, buf, PASSWORD_MAX);
	close(fd);
	if (!ok) {
		minisign_secret_free(buf);
		return NULL;
	}
	return buf;
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

void cli_progress_start(struct cli_progress *p, const char *label)
{
	p->on = !cli_quiet && isatty(STDERR_FILENO) == 1 &&
	        !(getenv("TERM") && strcmp(getenv("TERM"), "dumb") == 0);
	p->label = label;
	p->start = monotime_now();
	p->last = 0;
}

void cli_progress_update(struct cli_progress *p, uint64_t done, uint64_t total)
{
	double now, elapsed, rate;
	char a[32], b[32], r[32], left[32] = "";

	if (!p->on)
		return;
	now = monotime_now();
	if (now - p->last < 0.1 && done < total)
		return;
	p->last = now;
	elapsed = now - p->start;
	rate = elapsed > 0 ? (double)done / elapsed : 0;
	if (rate > 0 && total > done) {
		unsigned s = (unsigned)((double)(total - done) / rate);
		snprintf(left, sizeof(left), "  %u:%02u left", s / 60, s % 60);
	}
	fprintf(stderr, "\r\033[K%s  %s / %s  %s/s%s", p->label, cli_size(done, a, sizeof(a)),
	        cli_size(total, b, sizeof(b)), cli_size((uint64_t)rate, r, sizeof(r)), left);
	fflush(stderr);
}

void cli_progress_end(struct cli_progress *p)
{
	if (!p->on)
		return;
	fprintf(stderr, "\r\033[K");
	fflush(stderr);
	p->on = false;
}
