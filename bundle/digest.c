/* digest.c - SHA-256 through OpenSSL's EVP interface, which uses the CPU's SHA extensions. */
#include "digest.h"

#include <openssl/evp.h>

struct digest {
	EVP_MD_CTX *ctx;
};

struct digest *digest_new(void)
{
	struct digest *d = OPENSSL_zalloc(sizeof(*d));

	if (!d)
		return NULL;
	d->ctx = EVP_MD_CTX_new();
	if (!d->ctx || EVP_DigestInit_ex(d->ctx, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(d->ctx);
		OPENSSL_free(d);
		return NULL;
	}
	return d;
}

void digest_reset(struct digest *d)
{
	EVP_DigestInit_ex(d->ctx, EVP_sha256(), NULL);
}

void digest_update(struct digest *d, const void *data, size_t len)
{
	if (len)
		EVP_DigestUpdate(d->ctx, data, len);
}

void digest_final(struct digest *d, unsigned char out[DIGEST_SIZE])
{
	unsigned int n = 0;

	EVP_DigestFinal_ex(d->ctx, out, &n);
}

void digest_free(struct digest *d)
{
	if (!d)
		return;
	EVP_MD_CTX_free(d->ctx);
	OPENSSL_free(d);
}

void digest_sha256(const void *data, size_t len, unsigned char out[DIGEST_SIZE])
{
	unsigned int n = 0;

	EVP_Digest(data, len, out, &n, EVP_sha256(), NULL);
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
