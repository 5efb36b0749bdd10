/* strfmt.c - a printf result in memory of its own, or NULL (strfmt.h). */
#include "strfmt.h"

#include <stdio.h>
#include <stdlib.h>

char *vstrfmt(const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	char *s;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return NULL;
	s = malloc((size_t)n + 1);
	if (s)
		vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

char *strfmt(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = vstrfmt(fmt, ap);
	va_end(ap);
	return s;
}
