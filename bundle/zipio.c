/* zipio.c - libzip for writing bundles and for cross-checking the strict parser. */
#include "zipio.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zip.h>

#include "bfile.h"

static enum bundle_status zip_failed(struct bundle_error *err, enum bundle_status st,
                                     enum bundle_rule rule, const char *what, zip_error_t *ze)
{
	/* libzip out of memory says nothing of the archive: not a verdict on the bundle */
	if (zip_error_code_zip(ze) == ZIP_ER_MEMORY)
		return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "%s: out of memory",
		                        what);
	return bundle_error_set(err, st, rule, NULL, 0, "%s: %s", what, zip_error_strerror(ze));
}

/*
 * A libzip source over len bytes at start of a bfile: a bundle in parts
 * reads as one archive, and an update's payload comes straight from a
 * range of a bundle.  Read-only; libzip frees it (ZIP_SOURCE_FREE).
 */
struct range_source {
	const struct bfile *f;
	uint64_t start, len, pos;
	zip_error_t error;
};

static zip_int64_t range_cb(void *ud, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
	struct range_source *s = ud;
	struct bundle_error err;

	switch (cmd) {
	case ZIP_SOURCE_OPEN:
		s->pos = 0;
		return 0;
	case ZIP_SOURCE_READ: {
		uint64_t n = s->len - s->pos < len ? s->len - s->pos : len;
		if (n > 0 &&
		    bfile_pread(s->f, data, (size_t)n, s->start + s->pos, &err) != BUNDLE_OK) {
			zip_error_set(&s->error, ZIP_ER_READ, EIO);
			return -1;
		}
		s->pos += n;
		return (zip_int64_t)n;
	}
	case ZIP_SOURCE_CLOSE:
		return 0;
	case ZIP_SOURCE_STAT: {
		zip_stat_t *st = data;
		if (len < sizeof(*st)) {
			zip_error_set(&s->error, ZIP_ER_INVAL, 0);
			return -1;
		}
		zip_stat_init(st);
		st->size = s->len;
		st->valid |= ZIP_STAT_SIZE;
		return sizeof(*st);
	}
	case ZIP_SOURCE_ERROR:
		return zip_error_to_data(&s->error, data, len);
	case ZIP_SOURCE_FREE:
		zip_error_fini(&s->error);
		free(s);
		return 0;
	case ZIP_SOURCE_SEEK: {
		zip_int64_t np =
		        zip_source_seek_compute_offset(s->pos, s->len, data, len, &s->error);
		if (np < 0)
			return -1;
		s->pos = (uint64_t)np;
		return 0;
	}
	case ZIP_SOURCE_TELL:
		return (zip_int64_t)s->pos;
	case ZIP_SOURCE_SUPPORTS:
		return zip_source_make_command_bitmap(
		        ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT,
		        ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, ZIP_SOURCE_SEEK, ZIP_SOURCE_TELL, -1);
	default:
		zip_error_set(&s->error, ZIP_ER_OPNOTSUPP, 0);
		return -1;
	}
}

static zip_source_t *range_source(const struct bfile *f, uint64_t start, uint64_t len,
                                  zip_error_t *ze)
{
	struct range_source *s = calloc(1, sizeof(*s));
	zip_source_t *src;

	if (!s) {
		zip_error_set(ze, ZIP_ER_MEMORY, 0);
		return NULL;
	}
	s->f = f;
	s->start = start;
	s->len = len;
	zip_error_init(&s->error);
	src = zip_source_function_create(range_cb, s, ze);
	if (!src)
		free(s);
	return src;
}

enum bundle_status zipio_crosscheck(const struct bfile *f, const struct container *c,
                                    struct bundle_error *err)
{
	zip_t *za;
	zip_error_t ze;
	zip_source_t *src;
	enum bundle_status st = BUNDLE_OK;

	zip_error_init(&ze);
	src = range_source(f, 0, f->size, &ze);
	za = src ? zip_open_from_source(src, ZIP_CHECKCONS | ZIP_RDONLY, &ze) : NULL;
	if (!za) {
		if (src)
			zip_source_free(src);
		st = zip_failed(err, BUNDLE_INVALID, RULE_ZIP_INVALID, "libzip refuses the archive",
		                &ze);
		zip_error_fini(&ze);
		return st;
	}
	zip_error_fini(&ze);
	if ((uint64_t)zip_get_num_entries(za, 0) != c->count) {
		st = bundle_error_set(err, BUNDLE_INVALID, RULE_ZIP_INVALID, NULL, 0,
		                      "libzip counts %lld entries, not %zu",
		                      (long long)zip_get_num_entries(za, 0), c->count);
		goto done;
	}
	for (size_t i = 0; i < c->count; i++) {
		const struct container_entry *e = &c->entries[i];
		zip_stat_t zs;
		zip_stat_init(&zs);
		if (zip_stat_index(za, i, ZIP_FL_ENC_RAW, &zs) != 0 ||
		    !(zs.valid & ZIP_STAT_NAME) || strlen(zs.name) != e->name_len ||
		    memcmp(zs.name, e->name, e->name_len) != 0 || zs.size != e->size ||
		    zs.comp_size != e->comp_size || zs.crc != e->crc ||
		    zs.comp_method != (zip_uint16_t)e->method) {
			st = bundle_error_set(err, BUNDLE_INVALID, RULE_ZIP_INVALID, e->name,
			                      e->name_len, "libzip reads this entry differently");
			goto done;
		}
	}
done:
	zip_discard(za);
	return st;
}

struct progress_ctx {
	zipio_progress fn;
	zipio_cancel cancel;
	void *ctx;
};

static int on_cancel(zip_t *za, void *ud)
{
	struct progress_ctx *p = ud;

	(void)za;
	return p->cancel(p->ctx);
}

static void on_progress(zip_t *za, double done, void *ud)
{
	struct progress_ctx *p = ud;

	(void)za;
	p->fn(p->ctx, done);
}

enum bundle_status zipio_write(const char *path, const struct zipio_item *items, size_t n,
                               uint16_t dostime, uint16_t dosdate, zipio_progress progress,
                               zipio_cancel cancel, void *ctx, struct bundle_error *err)
{
	int zerr = 0;
	zip_t *za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
	zip_error_t ze;
	struct progress_ctx pc = { progress, cancel, ctx };
	enum bundle_status st;

	if (!za) {
		zip_error_init_with_code(&ze, zerr);
		st = zip_failed(err, BUNDLE_IO, RULE_NONE, path, &ze);
		zip_error_fini(&ze);
		return st;
	}
	for (size_t i = 0; i < n; i++) {
		const struct zipio_item *it = &items[i];
		zip_source_t *src;
		zip_int64_t idx;

		if (it->file) {
			zip_error_t rze;
			zip_error_init(&rze);
			src = range_source(it->file, it->offset, it->len, &rze);
			zip_error_fini(&rze);
		} else if (it->path)
			src = zip_source_file(za, it->path, 0, -1);
		else
			src = zip_source_buffer(za, it->data, it->len, 0);
		if (!src)
			goto fail;
		idx = zip_file_add(za, it->name, src, ZIP_FL_ENC_UTF_8);
		if (idx < 0) {
			zip_source_free(src);
			goto fail;
		}
		if (zip_set_file_compression(za, (zip_uint64_t)idx,
		                             it->deflate ? ZIP_CM_DEFLATE : ZIP_CM_STORE,
		                             it->deflate ? 9 : 0) != 0 ||
		    zip_file_set_dostime(za, (zip_uint64_t)idx, dostime, dosdate, 0) != 0 ||
		    zip_file_set_external_attributes(za, (zip_uint64_t)idx, 0, ZIP_OPSYS_UNIX,
		                                     0100644u << 16) != 0)
			goto fail;
	}
	if (progress)
		zip_register_progress_callback_with_state(za, 0.001, on_progress, NULL, &pc);
	if (cancel)
		zip_register_cancel_callback_with_state(za, on_cancel, NULL, &pc);
	if (zip_close(za) != 0) {
		if (cancel && cancel(ctx)) {
			zip_discard(za);
			return bundle_error_set(err, BUNDLE_IO, RULE_NONE, NULL, 0, "interrupted");
		}
		/* libzip names only the archive: name the file to add that could not be read */
		for (size_t i = 0; i < n; i++)
			if (items[i].path && access(items[i].path, R_OK) != 0) {
				int e = errno;
				zip_discard(za);
				return bundle_error_set(err, BUNDLE_IO, RULE_NONE, NULL, 0,
				                        "%s: %s", items[i].path, strerror(e));
			}
		goto fail;
	}
	return BUNDLE_OK;
fail:
	st = zip_failed(err, BUNDLE_IO, RULE_NONE, path, zip_get_error(za));
	zip_discard(za);
	return st;
}
