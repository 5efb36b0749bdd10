/* utf8.c - strict UTF-8 decoding (RFC 3629 section 4 table of well-formed sequences). */
#include "utf8.h"

bool utf8_next(const char *s, size_t len, size_t *pos, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s + *pos;
	size_t left = len - *pos;
	uint32_t c;
	size_t n;
	uint32_t min;

	if (left == 0)
		return false;
	if (p[0] < 0x80) {
		*cp = p[0];
		*pos += 1;
		return true;
	}
	if (p[0] >= 0xC2 && p[0] <= 0xDF) {
		n = 2;
		c = p[0] & 0x1Fu;
		min = 0x80;
	} else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
		n = 3;
		c = p[0] & 0x0Fu;
		min = 0x800;
	} else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
		n = 4;
		c = p[0] & 0x07u;
		min = 0x10000;
	} else {
		return false;
	}
	if (left < n)
		return false;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return false;
		c = (c << 6) | (p[i] & 0x3Fu);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return false;
	*cp = c;
	*pos += n;
	return true;
}

bool utf8_valid(const char *s, size_t len)
{
	size_t pos = 0;
	uint32_t cp;

	while (pos < len)
		if (!utf8_next(s, len, &pos, &cp))
			return false;
	return true;
}
