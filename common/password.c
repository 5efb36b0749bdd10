/* password.c - passwords for secret keys, from the terminal or a file (password.h). */
#include "password.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "minisign.h"

#define PASSWORD_MAX 1024

/*
 * Read one line from fd into buf (size bytes), without its line ending, and
 * NUL-terminated; the last line of a file may lack its newline.  False on
 * an error, at once at the end, or when the line does not fit.
 */
static bool read_line(int fd, char *buf, size_t size)
{
	size_t n = 0;

	for (;;) {
		char c;
		ssize_t r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return false;
		if (r == 0 && n == 0)
			return false; /* nothing at all */
		if (r == 0 || c == '\n')
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

char *password_ask(const char *prompt, bool confirm)
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

char *password_from_file(const char *path)
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
