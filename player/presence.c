/*
 * presence.c - the devices seen lately, as keyed hashes (presence.h).
 */
#include "presence.h"

#include <pthread.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct seen {
	uint64_t hash;
	double last;
};

struct presence {
	pthread_mutex_t lock;
	unsigned char key[crypto_shorthash_KEYBYTES];
	struct seen *seen;
	size_t count;
};

struct presence *presence_new(void)
{
	struct presence *p = calloc(1, sizeof(*p));

	if (!p || sodium_init() < 0 || !(p->seen = calloc(PRESENCE_MAX, sizeof(*p->seen)))) {
		free(p);
		return NULL;
	}
	crypto_shorthash_keygen(p->key);
	pthread_mutex_init(&p->lock, NULL);
	return p;
}

void presence_free(struct presence *p)
{
	if (!p)
		return;
	pthread_mutex_destroy(&p->lock);
	sodium_memzero(p->key, sizeof(p->key));
	free(p->seen);
	free(p);
}

static bool loopback(const unsigned char *a, size_t len)
{
	static const unsigned char v6[16] = { [15] = 1 };
	static const unsigned char mapped[12] = { [10] = 0xff, [11] = 0xff };

	if (len == 4)
		return a[0] == 127;
	return memcmp(a, v6, 16) == 0 || (memcmp(a, mapped, 12) == 0 && a[12] == 127);
}

/* Forget what the window has passed (p->lock held). */
static void forget(struct presence *p, double now)
{
	size_t k = 0;

	for (size_t i = 0; i < p->count; i++)
		if (now - p->seen[i].last <= PRESENCE_WINDOW)
			p->seen[k++] = p->seen[i];
	p->count = k;
}

void presence_seen(struct presence *p, const void *addr, size_t len, double now)
{
	unsigned char h[crypto_shorthash_BYTES];
	uint64_t hash;
	size_t i, oldest = 0;

	if (!p || !addr || (len != 4 && len != 16) || loopback(addr, len))
		return;
	crypto_shorthash(h, addr, len, p->key);
	memcpy(&hash, h, sizeof(hash));
	pthread_mutex_lock(&p->lock);
	for (i = 0; i < p->count; i++) {
		if (p->seen[i].hash == hash)
			break;
		if (p->seen[i].last < p->seen[oldest].last)
			oldest = i;
	}
	if (i == p->count) {
		if (p->count == PRESENCE_MAX) {
			forget(p, now);
			i = p->count < PRESENCE_MAX ? p->count++ : oldest;
		} else {
			p->count++;
		}
		p->seen[i].hash = hash;
	}
	p->seen[i].last = now;
	pthread_mutex_unlock(&p->lock);
}

size_t presence_count(struct presence *p, double now)
{
	size_t n;

	if (!p)
		return 0;
	pthread_mutex_lock(&p->lock);
	forget(p, now);
	n = p->count;
	pthread_mutex_unlock(&p->lock);
	return n;
}
