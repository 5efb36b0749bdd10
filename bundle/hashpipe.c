/* hashpipe.c - two-core SHA-256 of a file range, whole and per chunk. */
#include "hashpipe.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "bfile.h"
#include "chunks.h"
#include "container.h"
#include "format.h"
#include "zlibio.h"

/* Slots are reused only once the worker is done with them. */
#define SLOTS 4

struct pipe {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	unsigned char *slot[SLOTS];
	size_t len[SLOTS];
	size_t filled; /* chunks published by the reader */
	size_t done; /* chunks finished by the worker */
	size_t count; /* chunks in the range */
	bool stop; /* the reader failed: the worker leaves */
	struct hashpipe_job *job;
};

static void *worker(void *arg)
{
	struct pipe *p = arg;
	struct hashpipe_job *job = p->job;

	for (size_t k = 0; k < p->count; k++) {
		size_t s = k % SLOTS;

		pthread_mutex_lock(&p->mu);
		while (p->filled <= k && !p->stop)
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->stop) {
			pthread_mutex_unlock(&p->mu);
			break;
		}
		pthread_mutex_unlock(&p->mu);
		if (job->chunks)
			digest_sha256(p->slot[s], p->len[s], job->chunks + k * DIGEST_SIZE);
		job->crc = zlibio_crc32(job->crc, p->slot[s], p->len[s]);
		pthread_mutex_lock(&p->mu);
		p->done = k + 1;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
	}
	return NULL;
}

enum bundle_status hashpipe_run(struct hashpipe_job *job, struct bundle_error *err)
{
	struct pipe p;
	struct digest *whole = digest_new();
	pthread_t tid;
	enum bundle_status st = BUNDLE_OK;
	size_t k, made = 0;

	memset(&p, 0, sizeof(p));
	p.job = job;
	p.count = (size_t)chunks_count_for(job->size);
	job->crc = 0;
	if (!whole)
		return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
	for (made = 0; made < SLOTS; made++) {
		p.slot[made] = malloc(BUNDLE_CHUNK_SIZE);
		if (!p.slot[made]) {
			st = bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0,
			                      "out of memory");
			goto free_slots;
		}
	}
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv, NULL);
	if (pthread_create(&tid, NULL, worker, &p) != 0) {
		st = bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0,
		                      "cannot start a thread");
		goto destroy;
	}
	for (k = 0; k < p.count; k++) {
		uint64_t off = (uint64_t)k * BUNDLE_CHUNK_SIZE;
		size_t s = k % SLOTS;
		size_t n = job->size - off > BUNDLE_CHUNK_SIZE ? BUNDLE_CHUNK_SIZE
		                                               : (size_t)(job->size - off);

		pthread_mutex_lock(&p.mu);
		while (k >= SLOTS && p.done < k - SLOTS + 1)
			pthread_cond_wait(&p.cv, &p.mu);
		pthread_mutex_unlock(&p.mu);
		if (job->ready && !job->ready(job->ready_ctx, job->offset + off + n)) {
			st = bundle_error_set(err, BUNDLE_IO, RULE_NONE, NULL, 0, "interrupted");
			break;
		}
		st = bfile_pread(job->file, p.slot[s], n, job->offset + off, err);
		if (st != BUNDLE_OK)
			break;
		p.len[s] = n;
		pthread_mutex_lock(&p.mu);
		p.filled = k + 1;
		pthread_cond_broadcast(&p.cv);
		pthread_mutex_unlock(&p.mu);
		digest_update(whole, p.slot[s], n);
		if (job->copy_to)
			memcpy(job->copy_to + off, p.slot[s], n);
		if (job->on_chunk && job->on_chunk(job->ctx, off + n, job->size)) {
			st = bundle_error_set(err, BUNDLE_IO, RULE_NONE, NULL, 0, "interrupted");
			break;
		}
	}
	pthread_mutex_lock(&p.mu);
	if (st != BUNDLE_OK)
		p.stop = true;
	pthread_cond_broadcast(&p.cv);
	pthread_mutex_unlock(&p.mu);
	pthread_join(tid, NULL);
	digest_final(whole, job->whole);
destroy:
	pthread_cond_destroy(&p.cv);
	pthread_mutex_destroy(&p.mu);
free_slots:
	for (size_t s = 0; s < made; s++)
		free(p.slot[s]);
	digest_free(whole);
	return st;
}
