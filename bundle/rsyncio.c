/* rsyncio.c - librsync deltas for update files (format-spec/bundle-v1.md, "Deltas"). */
#include "rsyncio.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <librsync.h>

#define IO_SIZE (256u * 1024u)
#define HOPELESS_AFTER (64u << 20)

static void quiet(rs_loglevel level, char const *msg)
{
	(void)level;
	(void)msg;
}

static void silence(void)
{
	rs_trace_set_level(RS_LOG_EMERG);
	rs_trace_to(quiet);
}

static enum bundle_status nomem(struct bundle_error *err)
{
	return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
}

/* Input fed to a job from a reader, IO_SIZE bytes at a time; unused bytes are kept. */
struct feed {
	rsyncio_read read;
	void *ctx;
	uint64_t len, done;
	unsigned char *buf;
	const unsigned char *mem; /* or the whole input in memory */
};

static enum bundle_status feed_refill(struct feed *f, rs_buffers_t *b, struct bundle_error *err)
{
	size_t keep = b->avail_in, n;
	enum bundle_status st;

	if (f->mem) {
		if (keep == 0 && f->done < f->len) {
			n = f->len - f->done > (1u << 30) ? (1u << 30) : (size_t)(f->len - f->done);
			b->next_in = (char *)(uintptr_t)(f->mem + f->done);
			b->avail_in = n;
			f->done += n;
		}
		b->eof_in = f->done == f->len;
		return BUNDLE_OK;
	}
	if (keep > 0 && (unsigned char *)b->next_in != f->buf)
		memmove(f->buf, b->next_in, keep);
	n = IO_SIZE - keep;
	if (n > f->len - f->done)
		n = (size_t)(f->len - f->done);
	if (n > 0) {
		st = f->read(f->ctx, f->done, f->buf + keep, n, err);
		if (st != BUNDLE_OK)
			return st;
		f->done += n;
	}
	b->next_in = (char *)f->buf;
	b->avail_in = keep + n;
	b->eof_in = f->done == f->len;
	return BUNDLE_OK;
}

struct basis {
	rsyncio_read read;
	void *ctx;
	uint64_t len;
	bool outside; /* a copy command left the basis */
	struct bundle_error err;
	bool failed;
};

static rs_result copy_cb(void *opaque, rs_long_t pos, size_t *len, void **buf)
{
	struct basis *b = opaque;

	if (pos < 0 || (uint64_t)pos > b->len || *len > b->len - (uint64_t)pos) {
		b->outside = true;
		return RS_CORRUPT;
	}
	if (b->read(b->ctx, (uint64_t)pos, *buf, *len, &b->err) != BUNDLE_OK) {
		b->failed = true;
		return RS_IO_ERROR;
	}
	return RS_DONE;
}

static enum bundle_status bad_delta(struct bundle_error *err, const char *name, const char *why)
{
	return bundle_error_set(err, BUNDLE_ENTRY_BAD, RULE_DELTA_INVALID, name,
	                        name ? strlen(name) : 0, "%s", why);
}

enum bundle_status rsyncio_patch(rsyncio_read read_delta, void *delta_ctx, uint64_t delta_len,
                                 rsyncio_read read_basis, void *basis_ctx, uint64_t basis_len,
                                 uint64_t out_size, rsyncio_write out, void *out_ctx,
                                 const char *name, struct bundle_error *err)
{
	struct basis basis = { read_basis, basis_ctx, basis_len, false, { 0 }, false };
	struct feed in = { read_delta, delta_ctx, delta_len, 0, NULL, NULL };
	unsigned char *obuf = malloc(IO_SIZE);
	rs_buffers_t b;
	rs_job_t *job;
	uint64_t produced = 0;
	enum bundle_status st = BUNDLE_OK;
	rs_result r = RS_BLOCKED;

	silence();
	in.buf = malloc(IO_SIZE);
	job = rs_patch_begin(copy_cb, &basis);
	if (!obuf || !in.buf || !job) {
		st = nomem(err);
		goto done;
	}
	memset(&b, 0, sizeof(b));
	while (r == RS_BLOCKED) {
		size_t n;
		if (!b.eof_in && b.avail_in < IO_SIZE / 2) {
			st = feed_refill(&in, &b, err);
			if (st != BUNDLE_OK)
				goto done;
		}
		b.next_out = (char *)obuf;
		b.avail_out = IO_SIZE;
		r = rs_job_iter(job, &b);
		n = IO_SIZE - b.avail_out;
		if (n > 0) {
			if (n > out_size - produced) {
				st = bad_delta(err, name,
				               "the delta gives more bytes than its step says");
				goto done;
			}
			st = out(out_ctx, obuf, n, err);
			if (st != BUNDLE_OK)
				goto done;
			produced += n;
		}
		if (r == RS_BLOCKED && b.eof_in && b.avail_in == 0 && n == 0) {
			/* no input left and no progress: the delta ended before its end command */
			r = RS_INPUT_ENDED;
		}
	}
	if (basis.failed) {
		if (err)
			*err = basis.err;
		st = basis.err.status != BUNDLE_OK ? basis.err.status : BUNDLE_IO;
	} else if (basis.outside) {
		st = bad_delta(err, name, "the delta copies bytes from outside its basis");
	} else if (r != RS_DONE) {
		st = bad_delta(err, name,
		               r == RS_INPUT_ENDED
		                       ? "the delta ends before its end command"
		                       : "the delta is corrupt (librsync cannot apply it)");
	} else if (b.avail_in > 0 || in.done < in.len) {
		st = bad_delta(err, name, "bytes after the delta's end command");
	} else if (produced != out_size) {
		st = bad_delta(err, name, "the delta gives fewer bytes than its step says");
	}
done:
	if (job)
		rs_job_free(job);
	free(in.buf);
	free(obuf);
	return st;
}

/* A growable buffer for the basis's signature. */
struct membuf {
	unsigned char *p;
	size_t len, cap;
};

static enum bundle_status membuf_add(struct membuf *m, const void *data, size_t n,
                                     struct bundle_error *err)
{
	if (m->len + n > m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 65536;
		unsigned char *p;
		while (cap < m->len + n)
			cap *= 2;
		p = realloc(m->p, cap);
		if (!p)
			return nomem(err);
		m->p = p;
		m->cap = cap;
	}
	memcpy(m->p + m->len, data, n);
	m->len += n;
	return BUNDLE_OK;
}

/* Run job over the input of feed; each output piece goes to sink (membuf when out is NULL). */
static enum bundle_status run_job(rs_job_t *job, struct feed *in, rsyncio_write out, void *out_ctx,
                                  struct membuf *mem, uint64_t limit, uint64_t *written,
                                  int *too_big, struct bundle_error *err)
{
	unsigned char *obuf = malloc(IO_SIZE);
	rs_buffers_t b;
	rs_result r = RS_BLOCKED;
	enum bundle_status st = BUNDLE_OK;

	if (!obuf)
		return nomem(err);
	memset(&b, 0, sizeof(b));
	while (r == RS_BLOCKED) {
		size_t n;
		if (!b.eof_in && b.avail_in < IO_SIZE / 2) {
			st = feed_refill(in, &b, err);
			if (st != BUNDLE_OK)
				break;
		}
		b.next_out = (char *)obuf;
		b.avail_out = IO_SIZE;
		r = rs_job_iter(job, &b);
		n = IO_SIZE - b.avail_out;
		if (n > 0) {
			if (written) {
				*written += n;
				/*
				 * Past the limit, or hopeless: after 64 MiB of the new
				 * bytes, a delta still nine tenths as large as what it
				 * covers will not end much smaller (a re-encoded video).
				 */
				if (too_big &&
				    (*written > limit || (in->done >= HOPELESS_AFTER &&
				                          *written / 9 * 10 > in->done))) {
					*too_big = 1;
					break;
				}
			}
			if (out)
				st = out(out_ctx, obuf, n, err);
			else if (mem)
				st = membuf_add(mem, obuf, n, err);
			if (st != BUNDLE_OK)
				break;
		}
		if (r == RS_BLOCKED && b.eof_in && b.avail_in == 0 && n == 0)
			r = RS_INPUT_ENDED;
	}
	if (st == BUNDLE_OK && r != RS_DONE && !(too_big && *too_big))
		st = bundle_error_set(err, r == RS_MEM_ERROR ? BUNDLE_NOMEM : BUNDLE_IO, RULE_NONE,
		                      NULL, 0, "librsync: %s", rs_strerror(r));
	free(obuf);
	return st;
}

enum bundle_status rsyncio_delta(rsyncio_read read_basis, void *basis_ctx, uint64_t basis_len,
                                 rsyncio_read read_new, void *new_ctx, uint64_t new_len,
                                 uint64_t limit, rsyncio_write out, void *out_ctx, int *too_big,
                                 struct bundle_error *err)
{
	struct feed basis = { read_basis, basis_ctx, basis_len, 0, NULL, NULL };
	struct feed sig_in = { NULL, NULL, 0, 0, NULL, NULL };
	struct feed fresh = { read_new, new_ctx, new_len, 0, NULL, NULL };
	struct membuf sigbytes = { NULL, 0, 0 }, nothing = { NULL, 0, 0 };
	rs_signature_t *sig = NULL;
	rs_magic_number magic = RS_RK_BLAKE2_SIG_MAGIC;
	size_t block_len = 0, strong_len = 0;
	rs_job_t *job = NULL;
	uint64_t written = 0;
	enum bundle_status st;

	silence();
	*too_big = 0;
	basis.buf = malloc(IO_SIZE);
	fresh.buf = malloc(IO_SIZE);
	if (!basis.buf || !fresh.buf) {
		st = nomem(err);
		goto done;
	}
	if (rs_sig_args((rs_long_t)basis_len, &magic, &block_len, &strong_len) != RS_DONE) {
		st = bundle_error_set(err, BUNDLE_IO, RULE_NONE, NULL, 0, "librsync: no signature");
		goto done;
	}
	/* The basis's block signature, in memory, then loaded and indexed. */
	job = rs_sig_begin(block_len, strong_len, magic);
	if (!job) {
		st = nomem(err);
		goto done;
	}
	st = run_job(job, &basis, NULL, NULL, &sigbytes, 0, NULL, NULL, err);
	rs_job_free(job);
	job = NULL;
	if (st != BUNDLE_OK)
		goto done;
	sig_in.mem = sigbytes.p;
	sig_in.len = sigbytes.len;
	job = rs_loadsig_begin(&sig);
	if (!job) {
		st = nomem(err);
		goto done;
	}
	st = run_job(job, &sig_in, NULL, NULL, &nothing, 0, NULL, NULL, err);
	free(nothing.p);
	rs_job_free(job);
	job = NULL;
	if (st != BUNDLE_OK)
		goto done;
	if (rs_build_hash_table(sig) != RS_DONE) {
		st = nomem(err);
		goto done;
	}
	job = rs_delta_begin(sig);
	if (!job) {
		st = nomem(err);
		goto done;
	}
	st = run_job(job, &fresh, out, out_ctx, NULL, limit, &written, too_big, err);
done:
	if (job)
		rs_job_free(job);
	if (sig)
		rs_free_sumset(sig);
	free(sigbytes.p);
	free(basis.buf);
	free(fresh.buf);
	return st;
}
