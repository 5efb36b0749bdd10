/*
 * digest.c - SHA-256 through OpenSSL's SHA256_* functions, which use the
 * CPU's SHA extensions as its EVP interface does.  They are deprecated in
 * OpenSSL 3 in favour of EVP, but EVP's first use starts OpenSSL's default
 * provider, which takes 2 MiB of a player's memory for the tables of every
 * algorithm it offers; this file needs one, at the same speed.
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "digest.h"

#include <stdlib.h>

#include <openssl/sha.h>

struct digest {
	SHA256_CTX ctx;
};

struct digest *digest_new(void)
{
	struct digest *d = malloc(sizeof(*d));

	if (!d)
		return NULL;
	SHA256_Init(&d->ctx);
	return d;
}

void digest_reset(struct digest *d)
{
	SHA256_Init(&d->ctx);
}

void digest_update(struct digest *d, const void *data, size_t len)
{
	if (len)
		SHA256_Update(&d->ctx, data, len);
}

void digest_final(struct digest *d, unsigned char out[DIGEST_SIZE])
{
	SHA256_Final(out, &d->ctx);
}

void digest_free(struct digest *d)
{
	free(d);
}

void digest_sha256(const void *data, size_t len, unsigned char out[DIGEST_SIZE])
{
	SHA256_CTX ctx;

	/* not SHA256(), which goes through EVP in OpenSSL 3 */
	SHA256_Init(&ctx);
	if (len)
		SHA256_Update(&ctx, data, len);
	SHA256_Final(out, &ctx);
}

void digest_to_hex(const unsigned char in[DIGEST_SIZE], char out[DIGEST_HEX_SIZE])
{
	static const char hex[] = "0123456789abcdef";

	for (int i = 0; i < DIGEST_SIZE; i++) {
		out[2 * i] = hex[in[i] >> 4];
		out[2 * i + 1] = hex[in[i] & 15];
	}
	out[64] = '\0';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

bool digest_from_hex(const char *hex, size_t len, unsigned char out[DIGEST_SIZE])
{
	if (len != 64)
		return false;
	for (int i = 0; i < DIGEST_SIZE; i++) {
		int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return true;
}
