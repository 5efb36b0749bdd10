/*
 * update.c - update files (format-spec/bundle-v1.md, "Update files"):
 * reading and applying one (21.6), and writing one (21.4, note).
 */
#include "update.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bfile.h"
#include "bundle.h"
#include "container.h"
#include "format.h"
#include "manifest.h"
#include "outfile.h"
#include "rsyncio.h"
#include "sbuf.h"
#include "zipio.h"
#include "zlibio.h"

#define PIECE (1u << 20)
#define MAX_SIZE UINT64_C(0x7FFFFFFFFFFFFFFF)

enum step_kind { STEP_COPY, STEP_DATA, STEP_PATCH };

struct step {
	enum step_kind kind;
	uint64_t off, len; /* base range: copy, patch */
	uint64_t size; /* target bytes it gives */
	size_t entry; /* the update's entry: data, patch */
};

struct update {
	struct bfile file;
	struct container c;
	const unsigned char **digest; /* per entry, into the manifest's lines */
	char *manifest_text;
	size_t manifest_len;
	struct manifest m;
	struct minisign_pubkey pk; /* the key that signed it */
	struct step *steps;
	size_t nsteps;
	uint64_t target_size;
	unsigned char target_digest[DIGEST_SIZE];
	unsigned char target_manifest_digest[DIGEST_SIZE];
	char *target_manifest;
	size_t target_manifest_len;
	char *target_sig;
	size_t target_sig_len;
	struct update_info info;
};

static enum bundle_status nomem(struct bundle_error *err)
{
	return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
}

static enum bundle_status invalid(struct bundle_error *err, enum bundle_rule rule,
                                  const char *entry, const char *what)
{
	return bundle_error_set(err, BUNDLE_INVALID, rule, entry, entry ? strlen(entry) : 0, "%s",
	                        what);
}

/* ---- reading the update's entries ---- */

struct hash_sink {
	struct digest *d;
	update_sink out;
	void *ctx;
};

static enum bundle_status hash_feed(void *ctx, const unsigned char *data, size_t len,
                                    struct bundle_error *err)
{
	struct hash_sink *h = ctx;

	digest_update(h->d, data, len);
	return h->out ? h->out(h->ctx, data, len, err) : BUNDLE_OK;
}

/* digest, CRC-32 and size checks of section 13 once the bytes have passed */
static enum bundle_status entry_verdict(const struct update *u, size_t i, struct digest *d,
                                        uint32_t crc, struct bundle_error *err)
{
	const struct container_entry *e = &u->c.entries[i];
	unsigned char got[DIGEST_SIZE];

	digest_final(d, got);
	if (u->digest && u->digest[i] && memcmp(got, u->digest[i], DIGEST_SIZE) != 0)
		return bundle_error_set(err, BUNDLE_ENTRY_BAD, RULE_DIGEST_MISMATCH, e->name,
		                        e->name_len,
		                        "content does not match its digest in META-INF/MANIFEST");
	if (crc != e->crc)
		return bundle_error_set(err, BUNDLE_ENTRY_BAD, RULE_CRC_MISMATCH, e->name,
		                        e->name_len, "CRC-32 does not match the ZIP headers");
	return BUNDLE_OK;
}

/*
 * Pass entry i's uncompressed bytes to out (may be NULL) and check them
 * against its digest (when the manifest gave one) and CRC-32.  into, when
 * not NULL, receives them (size bytes).  Memory: 1 MiB pieces for a stored
 * entry, zlib's for a deflated one.
 */
static enum bundle_status stream_entry(const struct update *u, size_t i, unsigned char *into,
                                       update_sink out, void *ctx, struct bundle_error *err)
{
	const struct container_entry *e = &u->c.entries[i];
	struct hash_sink h = { digest_new(), out, ctx };
	uint32_t crc = 0;
	enum bundle_status st = BUNDLE_OK;

	if (!h.d)
		return nomem(err);
	if (e->method == 8) {
		/* inflated on the fly; into is for stored entries (read_small passes a sink) */
		st = zlibio_inflate(&u->file, e->data_offset, e->comp_size, e->size, e->name,
		                    e->name_len, hash_feed, &h, &crc, err);
	} else {
		unsigned char *piece = into ? NULL : malloc(PIECE);
		uint64_t done = 0;
		if (!into && !piece)
			st = nomem(err);
		while (st == BUNDLE_OK && done < e->size) {
			size_t n = e->size - done > PIECE ? PIECE : (size_t)(e->size - done);
			unsigned char *at = into ? into + done : piece;
			st = bfile_pread(&u->file, at, n, e->data_offset + done, err);
			if (st != BUNDLE_OK)
				break;
			crc = zlibio_crc32(crc, at, n);
			st = hash_feed(&h, at, n, err);
			done += n;
		}
		free(piece);
	}
	if (st == BUNDLE_OK)
		st = entry_verdict(u, i, h.d, crc, err);
	digest_free(h.d);
	return st;
}

struct mem_sink {
	unsigned char *p;
	size_t len;
};

static enum bundle_status mem_feed(void *ctx, const void *data, size_t len,
                                   struct bundle_error *err)
{
	struct mem_sink *m = ctx;

	(void)err;
	memcpy(m->p + m->len, data, len);
	m->len += len;
	return BUNDLE_OK;
}

/* A small entry whole in memory, NUL-terminated, checked; too large → rule. */
static enum bundle_status read_small(const struct update *u, size_t i, uint64_t max,
                                     enum bundle_rule too_large, char **out, size_t *len,
                                     struct bundle_error *err)
{
	const struct container_entry *e = &u->c.entries[i];
	struct mem_sink m = { NULL, 0 };
	enum bundle_status st;

	*out = NULL;
	if (e->size > max)
		return bundle_error_set(err, BUNDLE_INVALID, too_large, e->name, e->name_len,
		                        "larger than %" PRIu64 " bytes", max);
	m.p = malloc((size_t)e->size + 1);
	if (!m.p)
		return nomem(err);
	st = e->method == 8 ? stream_entry(u, i, NULL, mem_feed, &m, err)
	                    : stream_entry(u, i, m.p, NULL, NULL, err);
	if (st != BUNDLE_OK) {
		free(m.p);
		/* a bad META-INF entry makes the whole update unusable */
		if (err && err->status == BUNDLE_ENTRY_BAD)
			err->status = BUNDLE_INVALID;
		return st == BUNDLE_ENTRY_BAD ? BUNDLE_INVALID : st;
	}
	m.p[e->size] = '\0';
	*out = (char *)m.p;
	*len = (size_t)e->size;
	return BUNDLE_OK;
}

/* ---- the step list (21.4) ---- */

/* "0", or a decimal without a leading zero; at most 2^63 - 1. */
static bool parse_number(const char **p, const char *end, bool zero_ok, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;

	if (s == end || *s < '0' || *s > '9' || (*s == '0' && !zero_ok))
		return false;
	if (*s == '0') {
		*out = 0;
		*p = s + 1;
		return true;
	}
	while (s < end && *s >= '0' && *s <= '9') {
		if (v > (MAX_SIZE - (uint64_t)(*s - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
		s++;
	}
	*out = v;
	*p = s;
	return true;
}

static bool expect(const char **p, const char *end, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(end - *p) < n || memcmp(*p, word, n) != 0)
		return false;
	*p += n;
	return true;
}

static bool add_u64(uint64_t *sum, uint64_t v)
{
	if (v > MAX_SIZE - *sum)
		return false;
	*sum += v;
	return true;
}

static enum bundle_status list_invalid(struct bundle_error *err, size_t line, const char *why)
{
	return bundle_error_set(err, BUNDLE_INVALID, RULE_UPDATE_INVALID, UPDATE_NAME_LIST,
	                        strlen(UPDATE_NAME_LIST), "line %zu: %s", line, why);
}

static enum bundle_status parse_list(struct update *u, const char *text, size_t len, bool *used,
                                     struct bundle_error *err)
{
	const char *p = text, *end = text + len;
	size_t line = 0, cap = 0;
	uint64_t total = 0;

	if (len == 0 || text[len - 1] != '\n' || memchr(text, '\r', len) || memchr(text, '\0', len))
		return list_invalid(err, 1, "lines must end with LF, without CR or NUL");
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		struct step s;
		char want[32];
		size_t name_len;

		line++;
		memset(&s, 0, sizeof(s));
		if (line == 1) {
			if (!expect(&p, nl, "# sampan-update-list: 1") || p != nl)
				return list_invalid(err, 1, "must be '# sampan-update-list: 1'");
		} else if (line == 2) {
			if (!expect(&p, nl, "# size: ") ||
			    !parse_number(&p, nl, false, &u->target_size) || p != nl)
				return list_invalid(err, 2, "must be '# size: BYTES'");
		} else if (line == 3) {
			if (!expect(&p, nl, "# sha256: ") || nl - p != 64 ||
			    !digest_from_hex(p, 64, u->target_digest))
				return list_invalid(err, 3, "must be '# sha256: DIGEST'");
		} else {
			size_t number = line - 3;
			if (number > UPDATE_MAX_STEPS)
				return list_invalid(err, line, "more than 1,000,000 steps");
			if (expect(&p, nl, "copy ")) {
				s.kind = STEP_COPY;
				if (!parse_number(&p, nl, true, &s.off) || !expect(&p, nl, " ") ||
				    !parse_number(&p, nl, false, &s.len) || p != nl)
					return list_invalid(err, line,
					                    "must be 'copy OFFSET LENGTH'");
				s.size = s.len;
			} else if (expect(&p, nl, "data ")) {
				s.kind = STEP_DATA;
			} else if (expect(&p, nl, "patch ")) {
				s.kind = STEP_PATCH;
				if (!parse_number(&p, nl, true, &s.off) || !expect(&p, nl, " ") ||
				    !parse_number(&p, nl, false, &s.len) || !expect(&p, nl, " ") ||
				    !parse_number(&p, nl, false, &s.size) || !expect(&p, nl, " "))
					return list_invalid(
					        err, line,
					        "must be 'patch OFFSET LENGTH SIZE delta/NNNNNN'");
			} else {
				return list_invalid(err, line, "not a copy, data or patch step");
			}
			if (s.kind != STEP_DATA &&
			    (s.off > u->m.from_size || s.len > u->m.from_size - s.off))
				return list_invalid(err, line,
				                    "the base range goes past the end of the base");
			if (s.kind != STEP_COPY) {
				snprintf(want, sizeof(want), "%s/%06zu",
				         s.kind == STEP_DATA ? "data" : "delta", number);
				name_len = (size_t)(nl - p);
				if (name_len != strlen(want) || memcmp(p, want, name_len) != 0) {
					char why[96];
					snprintf(why, sizeof(why),
					         "step %zu must name the entry %s", number, want);
					return list_invalid(err, line, why);
				}
				s.entry = container_find(&u->c, p, name_len);
				if (s.entry == CONTAINER_NOT_FOUND) {
					char why[96];
					snprintf(why, sizeof(why), "the update has no entry %s",
					         want);
					return list_invalid(err, line, why);
				}
				used[s.entry] = true;
				if (s.kind == STEP_DATA)
					s.size = u->c.entries[s.entry].size;
				if (s.size == 0)
					return list_invalid(err, line, "a step that gives no byte");
			}
			if (!add_u64(&total, s.size))
				return list_invalid(err, line, "the steps give too many bytes");
			if (u->nsteps == cap) {
				size_t ncap = cap ? cap * 2 : 64;
				struct step *q = realloc(u->steps, ncap * sizeof(*q));
				if (!q)
					return nomem(err);
				u->steps = q;
				cap = ncap;
			}
			u->steps[u->nsteps++] = s;
		}
		p = nl + 1;
	}
	if (line < 4)
		return list_invalid(err, line, "no step");
	if (total != u->target_size) {
		char why[128];
		snprintf(why, sizeof(why),
		         "the steps give %" PRIu64 " bytes, '# size:' says %" PRIu64, total,
		         u->target_size);
		return list_invalid(err, line, why);
	}
	return BUNDLE_OK;
}

/* ---- opening (21.6 steps 1 and 2) ---- */

static bool tc_agrees(const char *tc, size_t len, const struct manifest *m)
{
	char want[512];
	int n = snprintf(want, sizeof(want), "sampan-update:1\tid:%s\tfrom:%s\tto:%s", m->id,
	                 m->from, m->version);
	size_t pos;

	if (n < 0 || (size_t)n >= sizeof(want) || len < (size_t)n || memcmp(tc, want, (size_t)n))
		return false;
	pos = (size_t)n;
	while (pos < len) {
		size_t key = 0;
		if (tc[pos++] != '\t')
			return false;
		while (pos + key < len && tc[pos + key] != ':' && tc[pos + key] != '\t')
			key++;
		if (key == 0 || pos + key == len || tc[pos + key] != ':')
			return false;
		pos += key + 1;
		while (pos < len && tc[pos] != '\t')
			pos++;
	}
	return true;
}

static bool name_is(const struct container_entry *e, const char *name)
{
	return e->name_len == strlen(name) && memcmp(e->name, name, e->name_len) == 0;
}

static enum bundle_status check_listing(struct update *u, struct bundle_error *err)
{
	size_t i = 3, j = 0;

	u->digest = calloc(u->c.count, sizeof(*u->digest));
	if (!u->digest)
		return nomem(err);
	while (i < u->c.count || j < u->m.count) {
		const struct container_entry *e = i < u->c.count ? &u->c.entries[i] : NULL;
		const struct manifest_line *l = j < u->m.count ? &u->m.lines[j] : NULL;
		int r = !e   ? 1
		        : !l ? -1
		             : manifest_order_cmp(e->name, e->name_len, l->name, l->name_len);
		if (r < 0)
			return bundle_error_set(err, BUNDLE_INVALID, RULE_ENTRY_UNLISTED, e->name,
			                        e->name_len, "not listed in META-INF/MANIFEST");
		if (r > 0)
			return bundle_error_set(
			        err, BUNDLE_INVALID, RULE_ENTRY_MISSING, l->name, l->name_len,
			        "listed in META-INF/MANIFEST but not in the update");
		u->digest[i++] = l->digest;
		j++;
	}
	return BUNDLE_OK;
}

/* The target's manifest and signature: signed by the update's key, for its course and version. */
static enum bundle_status check_target(struct update *u, struct bundle_error *err)
{
	struct minisign_sig sig;
	struct manifest tm;
	struct bundle_error inner;
	char why[BUNDLE_ERROR_MESSAGE_MAX];
	size_t ti = container_find(&u->c, UPDATE_NAME_TARGET_MANIFEST,
	                           strlen(UPDATE_NAME_TARGET_MANIFEST));
	size_t si = container_find(&u->c, UPDATE_NAME_TARGET_SIGNATURE,
	                           strlen(UPDATE_NAME_TARGET_SIGNATURE));
	enum bundle_status st;

	if (ti == CONTAINER_NOT_FOUND || si == CONTAINER_NOT_FOUND)
		return invalid(err, RULE_UPDATE_INVALID, NULL,
		               "no target/META-INF/MANIFEST or target/META-INF/MANIFEST.minisig");
	st = read_small(u, ti, BUNDLE_MAX_MANIFEST, RULE_UPDATE_INVALID, &u->target_manifest,
	                &u->target_manifest_len, err);
	if (st != BUNDLE_OK)
		return st;
	st = read_small(u, si, BUNDLE_MAX_SIGNATURE, RULE_UPDATE_INVALID, &u->target_sig,
	                &u->target_sig_len, err);
	if (st != BUNDLE_OK)
		return st;
	memset(&sig, 0, sizeof(sig));
	st = minisign_sig_parse(u->target_sig, u->target_sig_len, &sig, err);
	if (st != BUNDLE_OK) {
		bundle_error_prefix(err, "%s", UPDATE_NAME_TARGET_SIGNATURE);
		return st;
	}
	if (memcmp(sig.keyid, u->pk.keyid, MINISIGN_KEYID_SIZE) != 0) {
		char a[MINISIGN_KEYID_HEX_SIZE], b[MINISIGN_KEYID_HEX_SIZE];
		minisign_keyid_hex(sig.keyid, a);
		minisign_keyid_hex(u->pk.keyid, b);
		minisign_sig_release(&sig);
		return bundle_error_set(err, BUNDLE_INVALID, RULE_UPDATE_SIGNER, NULL, 0,
		                        "the version it leads to is signed by key %s, the update "
		                        "by key %s: only the publisher of a course updates it",
		                        a, b);
	}
	st = minisign_sig_verify(&sig, &u->pk, u->target_manifest, u->target_manifest_len, err);
	minisign_sig_release(&sig);
	if (st != BUNDLE_OK) {
		bundle_error_prefix(err, "%s", UPDATE_NAME_TARGET_SIGNATURE);
		return st;
	}
	st = manifest_parse(u->target_manifest, u->target_manifest_len, &tm, &inner);
	if (st == BUNDLE_OK &&
	    (strcmp(tm.id, u->m.id) != 0 || strcmp(tm.version, u->m.version) != 0)) {
		snprintf(why, sizeof(why), "is course %s version %s, not %s version %s", tm.id,
		         tm.version, u->m.id, u->m.version);
		manifest_release(&tm);
		return invalid(err, RULE_UPDATE_INVALID, UPDATE_NAME_TARGET_MANIFEST, why);
	}
	manifest_release(&tm);
	if (st == BUNDLE_NOMEM)
		return nomem(err);
	if (st != BUNDLE_OK)
		return invalid(err, RULE_UPDATE_INVALID, UPDATE_NAME_TARGET_MANIFEST,
		               bundle_error_reason(&inner, why, sizeof(why)));
	return BUNDLE_OK;
}

static void fill_info(struct update *u)
{
	struct update_info *in = &u->info;

	in->id = u->m.id;
	in->from = u->m.from;
	in->to = u->m.version;
	in->title = u->m.title;
	in->from_manifest = u->m.from_manifest;
	in->from_size = u->m.from_size;
	in->target_size = u->target_size;
	in->target_digest = u->target_digest;
	in->signer = u->pk.keyid;
	digest_sha256(u->target_manifest, u->target_manifest_len, u->target_manifest_digest);
	in->target_manifest = u->target_manifest_digest;
	in->file_size = u->file.size;
	in->steps = u->nsteps;
	for (size_t i = 0; i < u->nsteps; i++) {
		const struct step *s = &u->steps[i];
		if (s->kind == STEP_COPY) {
			in->copy_steps++;
			in->copy_bytes += s->size;
		} else if (s->kind == STEP_DATA) {
			in->data_steps++;
			in->data_bytes += s->size;
		} else {
			in->patch_steps++;
			in->patch_bytes += s->size;
		}
	}
}

enum bundle_status update_open(const char *path, const struct trust *trust, struct update **out,
                               struct bundle_error *err)
{
	struct update *u = calloc(1, sizeof(*u));
	struct minisign_sig sig;
	const struct minisign_pubkey *pk;
	char *sig_text = NULL, *list = NULL;
	size_t sig_len = 0, list_len = 0, li;
	bool *used = NULL;
	enum bundle_status st;

	*out = NULL;
	memset(&sig, 0, sizeof(sig));
	if (!u)
		return nomem(err);
	/* 1. the container, with the update's media type */
	st = bfile_open(path, &u->file, err);
	if (st != BUNDLE_OK)
		goto fail;
	st = container_read(&u->file, CONTAINER_UPDATE, &u->c, err);
	if (st != BUNDLE_OK)
		goto fail;
	st = zipio_crosscheck(&u->file, &u->c, err);
	if (st != BUNDLE_OK)
		goto fail;
	/* the signature, before the manifest is parsed */
	st = read_small(u, 1, BUNDLE_MAX_MANIFEST, RULE_MANIFEST_TOO_LARGE, &u->manifest_text,
	                &u->manifest_len, err);
	if (st != BUNDLE_OK)
		goto fail;
	st = read_small(u, 2, BUNDLE_MAX_SIGNATURE, RULE_SIGNATURE_INVALID, &sig_text, &sig_len,
	                err);
	if (st != BUNDLE_OK)
		goto fail;
	st = minisign_sig_parse(sig_text, sig_len, &sig, err);
	if (st != BUNDLE_OK)
		goto fail;
	pk = trust_find(trust, sig.keyid);
	if (!pk) {
		char id[MINISIGN_KEYID_HEX_SIZE];
		minisign_keyid_hex(sig.keyid, id);
		st = bundle_error_set(err, BUNDLE_INVALID, RULE_KEY_UNTRUSTED, NULL, 0,
		                      "signed by key %s, which is not trusted", id);
		goto fail;
	}
	st = minisign_sig_verify(&sig, pk, u->manifest_text, u->manifest_len, err);
	if (st != BUNDLE_OK)
		goto fail;
	u->pk = *pk;
	/* the manifest, now authentic */
	st = manifest_parse_update(u->manifest_text, u->manifest_len, &u->m, err);
	if (st != BUNDLE_OK)
		goto fail;
	if (!tc_agrees(sig.trusted_comment, sig.trusted_len, &u->m)) {
		st = bundle_error_set(err, BUNDLE_INVALID, RULE_TRUSTED_COMMENT_MISMATCH, NULL, 0,
		                      "the trusted comment does not say 'sampan-update:1', the id, "
		                      "from and to of META-INF/MANIFEST");
		goto fail;
	}
	st = check_listing(u, err);
	if (st != BUNDLE_OK)
		goto fail;
	if (manifest_version_cmp(u->m.version, u->m.from) <= 0) {
		st = bundle_error_set(err, BUNDLE_INVALID, RULE_UPDATE_DOWNGRADE, NULL, 0,
		                      "goes from version %s to %s: an update only goes up",
		                      u->m.from, u->m.version);
		goto fail;
	}
	/* 2. the step list, then the target's manifest and signature */
	li = container_find(&u->c, UPDATE_NAME_LIST, strlen(UPDATE_NAME_LIST));
	st = read_small(u, li, BUNDLE_MAX_MANIFEST, RULE_UPDATE_INVALID, &list, &list_len, err);
	if (st != BUNDLE_OK)
		goto fail;
	used = calloc(u->c.count, sizeof(*used));
	if (!used) {
		st = nomem(err);
		goto fail;
	}
	st = parse_list(u, list, list_len, used, err);
	if (st != BUNDLE_OK)
		goto fail;
	for (size_t i = 3; i < u->c.count; i++) {
		const struct container_entry *e = &u->c.entries[i];
		if (used[i] || i == li || name_is(e, UPDATE_NAME_TARGET_MANIFEST) ||
		    name_is(e, UPDATE_NAME_TARGET_SIGNATURE))
			continue;
		st = bundle_error_set(err, BUNDLE_INVALID, RULE_UPDATE_INVALID, e->name,
		                      e->name_len, "no step uses this entry");
		goto fail;
	}
	st = check_target(u, err);
	if (st != BUNDLE_OK)
		goto fail;
	fill_info(u);
	*out = u;
	goto done;
fail:
	update_close(u);
done:
	minisign_sig_release(&sig);
	free(sig_text);
	free(list);
	free(used);
	return st;
}

const struct update_info *update_info(const struct update *u)
{
	return &u->info;
}

void update_close(struct update *u)
{
	if (!u)
		return;
	bfile_close(&u->file);
	container_release(&u->c);
	free(u->digest);
	manifest_release(&u->m);
	free(u->manifest_text);
	free(u->steps);
	free(u->target_manifest);
	free(u->target_sig);
	free(u);
}

/* ---- the base (step 3) ---- */

enum update_base_match update_match(const struct update *u, const struct bundle *b)
{
	const struct manifest *m = bundle_manifest(b);

	if (!m || strcmp(m->id, u->m.id) != 0)
		return UPDATE_OTHER_COURSE;
	return memcmp(bundle_manifest_digest(b), u->m.from_manifest, DIGEST_SIZE) == 0
	               ? UPDATE_IS_BASE
	               : UPDATE_NOT_BASE;
}

enum bundle_status update_check_base(const struct update *u, const struct bundle *base,
                                     struct bundle_error *err)
{
	const struct manifest *m = bundle_manifest(base);
	enum update_base_match match = update_match(u, base);

	if (match == UPDATE_OTHER_COURSE)
		return bundle_error_set(err, BUNDLE_INVALID, RULE_BASE_MISMATCH, NULL, 0,
		                        "%s is course %s, not %s", bundle_path(base),
		                        m ? m->id : "(unverified)", u->m.id);
	if (match == UPDATE_NOT_BASE)
		return bundle_error_set(
		        err, BUNDLE_INVALID, RULE_BASE_MISMATCH, NULL, 0,
		        "%s is version %s of the course, not the build of version %s the update "
		        "was made from",
		        bundle_path(base), m->version, u->m.from);
	if (bundle_file_size(base) != u->m.from_size)
		return bundle_error_set(err, BUNDLE_INVALID, RULE_BASE_MISMATCH, NULL, 0,
		                        "%s has %" PRIu64 " bytes; the update was made from a file "
		                        "of %" PRIu64 " bytes",
		                        bundle_path(base), bundle_file_size(base), u->m.from_size);
	if (memcmp(bundle_signer(base), u->pk.keyid, MINISIGN_KEYID_SIZE) != 0) {
		char a[MINISIGN_KEYID_HEX_SIZE], b[MINISIGN_KEYID_HEX_SIZE];
		minisign_keyid_hex(bundle_signer(base), a);
		minisign_keyid_hex(u->pk.keyid, b);
		return bundle_error_set(err, BUNDLE_INVALID, RULE_UPDATE_SIGNER, NULL, 0,
		                        "%s is signed by key %s, the update by key %s: only the "
		                        "publisher of a course updates it",
		                        bundle_path(base), a, b);
	}
	return BUNDLE_OK;
}

enum bundle_status update_find_base(const struct update *u, struct bundle *const *bundles, size_t n,
                                    size_t *which, struct bundle_error *err)
{
	size_t course = 0, found = n;
	const char *seen = NULL;

	for (size_t i = 0; i < n; i++) {
		enum update_base_match m = update_match(u, bundles[i]);
		if (m == UPDATE_OTHER_COURSE)
			continue;
		course++;
		if (!seen)
			seen = bundle_manifest(bundles[i])->version;
		if (m == UPDATE_IS_BASE && found == n)
			found = i;
	}
	if (course == 0)
		return bundle_error_set(err, BUNDLE_INVALID, RULE_BASE_MISSING, NULL, 0,
		                        "no bundle of the course %s is here: the update needs "
		                        "version %s to apply to",
		                        u->m.id, u->m.from);
	if (found == n)
		return bundle_error_set(
		        err, BUNDLE_INVALID, RULE_BASE_MISMATCH, NULL, 0,
		        "the update needs the build of version %s of %s it was made "
		        "from; here is version %s%s",
		        u->m.from, u->m.id, seen, course > 1 ? " and others" : "");
	*which = found;
	return update_check_base(u, bundles[found], err);
}

/* ---- applying (steps 4 and 5) ---- */

/*
 * The target's bytes go out through SLOTS buffers of PIECE bytes: each
 * full one is handed to the sink from its own memory, and hashed from
 * that same memory by a second thread while the next fills, so that the
 * SHA-256 of step 5 costs no time beside the writing on a second core.
 */
#define SLOTS 4

struct target_out {
	update_sink sink;
	void *ctx;
	struct digest *d;
	uint64_t done, total;
	update_progress progress;
	void *progress_ctx;
	/* the hashing thread and its slots: [tail, head) are full, in order */
	pthread_t th;
	bool started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	unsigned char *slot[SLOTS];
	size_t len[SLOTS];
	size_t head, tail, fill;
	bool finished;
};

static void *hash_slots(void *arg)
{
	struct target_out *t = arg;

	pthread_mutex_lock(&t->mu);
	for (;;) {
		size_t k;
		while (t->tail == t->head && !t->finished)
			pthread_cond_wait(&t->cv, &t->mu);
		if (t->tail == t->head)
			break;
		k = t->tail % SLOTS;
		pthread_mutex_unlock(&t->mu);
		digest_update(t->d, t->slot[k], t->len[k]);
		pthread_mutex_lock(&t->mu);
		t->tail++;
		pthread_cond_broadcast(&t->cv);
	}
	pthread_mutex_unlock(&t->mu);
	return NULL;
}

static enum bundle_status out_start(struct target_out *t, struct bundle_error *err)
{
	for (size_t k = 0; k < SLOTS; k++) {
		t->slot[k] = malloc(PIECE);
		if (!t->slot[k])
			return nomem(err);
	}
	if (pthread_mutex_init(&t->mu, NULL) != 0)
		return nomem(err);
	if (pthread_cond_init(&t->cv, NULL) != 0) {
		pthread_mutex_destroy(&t->mu);
		return nomem(err);
	}
	if (pthread_create(&t->th, NULL, hash_slots, t) != 0) {
		pthread_cond_destroy(&t->cv);
		pthread_mutex_destroy(&t->mu);
		return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0,
		                        "cannot start a thread");
	}
	t->started = true;
	return BUNDLE_OK;
}

/* Hand the filling slot to the sink and the hasher; wait for a free one to fill next. */
static enum bundle_status out_publish(struct target_out *t, struct bundle_error *err)
{
	size_t k = t->head % SLOTS;
	enum bundle_status st = BUNDLE_OK;

	if (t->fill == 0)
		return BUNDLE_OK;
	t->len[k] = t->fill;
	if (t->sink)
		st = t->sink(t->ctx, t->slot[k], t->fill, err);
	pthread_mutex_lock(&t->mu);
	t->head++;
	pthread_cond_broadcast(&t->cv);
	while (t->head - t->tail >= SLOTS)
		pthread_cond_wait(&t->cv, &t->mu);
	pthread_mutex_unlock(&t->mu);
	t->fill = 0;
	return st;
}

/* The last bytes out and the hasher stopped: its digest is complete when this returns. */
static enum bundle_status out_finish(struct target_out *t, struct bundle_error *err)
{
	enum bundle_status st = BUNDLE_OK;

	if (t->started) {
		st = out_publish(t, err);
		pthread_mutex_lock(&t->mu);
		t->finished = true;
		pthread_cond_broadcast(&t->cv);
		pthread_mutex_unlock(&t->mu);
		pthread_join(t->th, NULL);
		pthread_cond_destroy(&t->cv);
		pthread_mutex_destroy(&t->mu);
		t->started = false;
	}
	for (size_t k = 0; k < SLOTS; k++) {
		free(t->slot[k]);
		t->slot[k] = NULL;
	}
	return st;
}

static enum bundle_status target_write(void *ctx, const void *data, size_t len,
                                       struct bundle_error *err)
{
	struct target_out *t = ctx;
	const unsigned char *p = data;

	if (len > t->total - t->done)
		return bundle_error_set(err, BUNDLE_INVALID, RULE_RESULT_MISMATCH, NULL, 0,
		                        "the steps give more bytes than the target has");
	t->done += len;
	while (len > 0) {
		size_t n = PIECE - t->fill < len ? PIECE - t->fill : len;
		memcpy(t->slot[t->head % SLOTS] + t->fill, p, n);
		t->fill += n;
		p += n;
		len -= n;
		if (t->fill == PIECE) {
			enum bundle_status st = out_publish(t, err);
			if (st != BUNDLE_OK)
				return st;
		}
	}
	if (t->progress)
		t->progress(t->progress_ctx, t->done, t->total);
	return BUNDLE_OK;
}

/* Base bytes go straight into the filling slot: read once, never copied again. */
static enum bundle_status copy_base(const struct bfile *base, uint64_t off, uint64_t len,
                                    struct target_out *t, struct bundle_error *err)
{
	if (len > t->total - t->done)
		return bundle_error_set(err, BUNDLE_INVALID, RULE_RESULT_MISMATCH, NULL, 0,
		                        "the steps give more bytes than the target has");
	while (len > 0) {
		size_t room = PIECE - t->fill, n = len > room ? room : (size_t)len;
		enum bundle_status st =
		        bfile_pread(base, t->slot[t->head % SLOTS] + t->fill, n, off, err);
		if (st != BUNDLE_OK)
			return st;
		t->fill += n;
		t->done += n;
		off += n;
		len -= n;
		if (t->fill == PIECE) {
			st = out_publish(t, err);
			if (st != BUNDLE_OK)
				return st;
		}
		if (t->progress)
			t->progress(t->progress_ctx, t->done, t->total);
	}
	return BUNDLE_OK;
}

struct range {
	const struct bfile *f;
	uint64_t start;
	const unsigned char *mem; /* or the bytes in memory */
};

static enum bundle_status range_read(void *ctx, uint64_t off, void *buf, size_t len,
                                     struct bundle_error *err)
{
	const struct range *r = ctx;

	if (r->mem) {
		memcpy(buf, r->mem + off, len);
		return BUNDLE_OK;
	}
	return bfile_pread(r->f, buf, len, r->start + off, err);
}

static enum bundle_status apply_patch(const struct update *u, const struct step *s,
                                      const struct bfile *base, struct target_out *t,
                                      struct bundle_error *err)
{
	const struct container_entry *e = &u->c.entries[s->entry];
	struct range delta = { &u->file, e->data_offset, NULL };
	struct range basis = { base, s->off, NULL };
	unsigned char *mem = NULL;
	enum bundle_status st;

	/* The delta is checked before librsync parses a byte of it. */
	if (e->method == 8) {
		if (e->size > BUNDLE_MAX_DEFLATED_SIZE)
			return nomem(err);
		mem = malloc(e->size ? (size_t)e->size : 1);
		if (!mem)
			return nomem(err);
		{
			struct mem_sink m = { mem, 0 };
			st = stream_entry(u, s->entry, NULL, mem_feed, &m, err);
		}
		delta.mem = mem;
	} else {
		st = stream_entry(u, s->entry, NULL, NULL, NULL, err);
	}
	if (st == BUNDLE_OK)
		st = rsyncio_patch(range_read, &delta, e->size, range_read, &basis, s->len, s->size,
		                   target_write, t, e->name, err);
	free(mem);
	return st;
}

enum bundle_status update_apply(const struct update *u, const struct bundle *base, update_sink sink,
                                void *ctx, update_progress progress, void *progress_ctx,
                                struct bundle_error *err)
{
	struct target_out t;
	const struct bfile *bf = bundle_bfile(base);
	unsigned char got[DIGEST_SIZE];
	enum bundle_status st = BUNDLE_OK, fin;

	memset(&t, 0, sizeof(t));
	t.sink = sink;
	t.ctx = ctx;
	t.d = digest_new();
	t.total = u->target_size;
	t.progress = progress;
	t.progress_ctx = progress_ctx;
	if (!t.d) {
		st = nomem(err);
		goto done;
	}
	st = out_start(&t, err);
	if (st != BUNDLE_OK)
		goto done;
	if (bf->size != u->m.from_size) {
		st = bundle_error_set(err, BUNDLE_INVALID, RULE_BASE_MISMATCH, NULL, 0,
		                      "the base has %" PRIu64 " bytes, not %" PRIu64, bf->size,
		                      u->m.from_size);
		goto done;
	}
	for (size_t i = 0; i < u->nsteps && st == BUNDLE_OK; i++) {
		const struct step *s = &u->steps[i];
		uint64_t before = t.done;
		if (s->kind == STEP_COPY)
			st = copy_base(bf, s->off, s->len, &t, err);
		else if (s->kind == STEP_DATA)
			st = stream_entry(u, s->entry, NULL, target_write, &t, err);
		else
			st = apply_patch(u, s, bf, &t, err);
		if (st == BUNDLE_OK && t.done - before != s->size)
			st = bundle_error_set(err, BUNDLE_INVALID, RULE_RESULT_MISMATCH, NULL, 0,
			                      "step %zu gave %" PRIu64 " bytes, not %" PRIu64,
			                      i + 1, t.done - before, s->size);
	}
	fin = out_finish(&t, err);
	if (st == BUNDLE_OK)
		st = fin;
	if (st != BUNDLE_OK)
		goto done;
	digest_final(t.d, got);
	if (t.done != u->target_size || memcmp(got, u->target_digest, DIGEST_SIZE) != 0)
		st = bundle_error_set(err, BUNDLE_INVALID, RULE_RESULT_MISMATCH, NULL, 0,
		                      "the bytes made are not the version the update names (its "
		                      "SHA-256 differs): the base is another file with the same "
		                      "manifest, or damaged");
done:
	t.fill = 0; /* after a failure, nothing more goes to the sink */
	out_finish(&t, NULL);
	digest_free(t.d);
	return st;
}

/* ---- the target before it is made ---- */

struct target_plan {
	const struct update *u;
	const struct bfile *base;
	uint64_t *start; /* nsteps + 1: where each step's bytes start in the target */
};

static void plan_release(void *ctx)
{
	struct target_plan *p = ctx;

	free(p->start);
	free(p);
}

/* Target bytes from where the steps take them, without applying: copy and stored data only. */
static enum bundle_status plan_read(void *ctx, void *buf, size_t len, uint64_t off,
                                    struct bundle_error *err)
{
	const struct target_plan *p = ctx;
	const struct update *u = p->u;
	unsigned char *out = buf;

	while (len > 0) {
		size_t lo = 0, hi = u->nsteps, n;
		const struct step *s;
		uint64_t in;
		enum bundle_status st;

		/* the last step starting at or before off */
		while (hi - lo > 1) {
			size_t mid = lo + (hi - lo) / 2;
			if (p->start[mid] <= off)
				lo = mid;
			else
				hi = mid;
		}
		s = &u->steps[lo];
		in = off - p->start[lo];
		n = s->size - in < len ? (size_t)(s->size - in) : len;
		if (s->kind == STEP_COPY) {
			st = bfile_pread(p->base, out, n, s->off + in, err);
		} else if (s->kind == STEP_DATA && u->c.entries[s->entry].method == 0) {
			st = bfile_pread(&u->file, out, n, u->c.entries[s->entry].data_offset + in,
			                 err);
		} else {
			st = bundle_error_set(err, BUNDLE_USAGE, RULE_NONE, NULL, 0,
			                      "the target's bytes at %" PRIu64
			                      " come from a patch or a deflated entry",
			                      off);
		}
		if (st != BUNDLE_OK)
			return st;
		out += n;
		off += n;
		len -= n;
	}
	return BUNDLE_OK;
}

enum bundle_status update_target_plan(const struct update *u, const struct bundle *base,
                                      const struct trust *trust, struct bundle **out,
                                      struct bundle_error *err)
{
	struct target_plan *p = calloc(1, sizeof(*p));
	struct bundle *b = NULL;
	enum bundle_status st;
	uint64_t at = 0;

	*out = NULL;
	if (p)
		p->start = malloc((u->nsteps + 1) * sizeof(*p->start));
	if (!p || !p->start) {
		if (p)
			free(p->start);
		free(p);
		return nomem(err);
	}
	p->u = u;
	p->base = bundle_bfile(base);
	for (size_t i = 0; i < u->nsteps; i++) {
		p->start[i] = at;
		at += u->steps[i].size;
	}
	p->start[u->nsteps] = at;
	st = bundle_open_reader("the version the update makes", u->target_size, plan_read, p,
	                        plan_release, &b, err);
	if (st == BUNDLE_OK)
		st = bundle_verify(b, trust, err);
	if (st == BUNDLE_OK)
		st = update_check_result(u, b, err);
	if (st != BUNDLE_OK) {
		bundle_close(b);
		return st;
	}
	*out = b;
	return BUNDLE_OK;
}

enum bundle_status update_check_result(const struct update *u, const struct bundle *result,
                                       struct bundle_error *err)
{
	unsigned char *m = NULL, *s = NULL;
	size_t ml = 0, sl = 0;
	enum bundle_status st;

	st = bundle_read(result, 1, BUNDLE_MAX_MANIFEST, &m, &ml, err);
	if (st == BUNDLE_OK)
		st = bundle_read(result, 2, BUNDLE_MAX_SIGNATURE, &s, &sl, err);
	if (st == BUNDLE_OK &&
	    (ml != u->target_manifest_len || memcmp(m, u->target_manifest, ml) != 0 ||
	     sl != u->target_sig_len || memcmp(s, u->target_sig, sl) != 0))
		st = bundle_error_set(err, BUNDLE_INVALID, RULE_RESULT_MISMATCH, NULL, 0,
		                      "the result's manifest or signature is not the update's "
		                      "target/ entries");
	free(m);
	free(s);
	return st;
}

/* ---- writing (21.4, note) ---- */

enum witem_kind { W_MEM, W_RANGE, W_DELTA };

/* One step of the update being written, and the entry it needs. */
struct wstep {
	enum step_kind kind;
	uint64_t off, len, size; /* base range (copy, patch); target bytes */
	uint64_t tstart; /* data: where its bytes start in the target */
	struct bfile delta; /* patch: the delta, in an unlinked temporary file */
	unsigned char digest[DIGEST_SIZE]; /* data, patch: of the entry */
	char name[32];
};

struct writer {
	const struct bundle *base, *target;
	struct wstep *s;
	size_t n, cap;
	const char *out_path;
};

static enum bundle_status wstep_add(struct writer *w, enum step_kind kind, uint64_t off,
                                    uint64_t len, uint64_t size, uint64_t tstart,
                                    struct bundle_error *err)
{
	struct wstep *last = w->n ? &w->s[w->n - 1] : NULL;

	/* neighbours merge: a copy that goes on in the base, data that goes on in the target */
	if (last && kind == STEP_COPY && last->kind == STEP_COPY && last->off + last->len == off) {
		last->len += len;
		last->size += len;
		return BUNDLE_OK;
	}
	if (last && kind == STEP_DATA && last->kind == STEP_DATA &&
	    last->tstart + last->size == tstart) {
		last->size += size;
		return BUNDLE_OK;
	}
	if (w->n == w->cap) {
		size_t ncap = w->cap ? w->cap * 2 : 64;
		struct wstep *q = realloc(w->s, ncap * sizeof(*q));
		if (!q)
			return nomem(err);
		w->s = q;
		w->cap = ncap;
	}
	last = &w->s[w->n++];
	memset(last, 0, sizeof(*last));
	last->kind = kind;
	last->off = off;
	last->len = len;
	last->size = size;
	last->tstart = tstart;
	last->delta.count = 0;
	return BUNDLE_OK;
}

/* Whether two ranges of two files hold the same bytes. */
static enum bundle_status same_bytes(const struct bfile *a, uint64_t aoff, const struct bfile *b,
                                     uint64_t boff, uint64_t len, bool *same,
                                     struct bundle_error *err)
{
	unsigned char *x = malloc(PIECE), *y = malloc(PIECE);
	enum bundle_status st = BUNDLE_OK;

	*same = true;
	if (!x || !y)
		st = nomem(err);
	while (st == BUNDLE_OK && len > 0 && *same) {
		size_t n = len > PIECE ? PIECE : (size_t)len;
		st = bfile_pread(a, x, n, aoff, err);
		if (st == BUNDLE_OK)
			st = bfile_pread(b, y, n, boff, err);
		if (st == BUNDLE_OK && memcmp(x, y, n) != 0)
			*same = false;
		aoff += n;
		boff += n;
		len -= n;
	}
	free(x);
	free(y);
	return st;
}

/* A target record that the base has unchanged: the same header bytes and data. */
static enum bundle_status same_record(const struct writer *w, const struct bundle_entry *be,
                                      const struct bundle_entry *te, bool *same,
                                      struct bundle_error *err)
{
	uint64_t bh = be->data_offset - be->header_offset, th = te->data_offset - te->header_offset;
	enum bundle_status st;

	*same = false;
	if (bh != th || be->comp_size != te->comp_size || be->method != te->method ||
	    be->crc != te->crc || be->size != te->size)
		return BUNDLE_OK;
	st = same_bytes(bundle_bfile(w->base), be->header_offset, bundle_bfile(w->target),
	                te->header_offset, th, same, err);
	if (st != BUNDLE_OK || !*same)
		return st;
	/* stored content with equal verified digests is equal; anything else is compared */
	if (be->method == 0 && be->digest && te->digest) {
		*same = memcmp(be->digest, te->digest, DIGEST_SIZE) == 0;
		return BUNDLE_OK;
	}
	return same_bytes(bundle_bfile(w->base), be->data_offset, bundle_bfile(w->target),
	                  te->data_offset, te->comp_size, same, err);
}

struct delta_out {
	int fd;
	uint64_t len;
	struct digest *d;
};

static enum bundle_status delta_write(void *ctx, const void *data, size_t len,
                                      struct bundle_error *err)
{
	struct delta_out *o = ctx;
	const unsigned char *p = data;

	digest_update(o->d, data, len);
	while (len > 0) {
		ssize_t n = write(o->fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return bundle_error_set(err, BUNDLE_IO, RULE_NONE, NULL, 0,
			                        "cannot write a delta: %s", strerror(errno));
		p += n;
		len -= (size_t)n;
		o->len += (uint64_t)n;
	}
	return BUNDLE_OK;
}

/*
 * Try a delta for a changed stored entry: kept (a patch step, after the
 * step for its header) only when smaller than the entry.
 */
static enum bundle_status try_delta(struct writer *w, const struct bundle_entry *be,
                                    const struct bundle_entry *te, bool *used,
                                    struct bundle_error *err)
{
	struct range basis = { bundle_bfile(w->base), be->data_offset, NULL };
	struct range fresh = { bundle_bfile(w->target), te->data_offset, NULL };
	struct delta_out o = { -1, 0, digest_new() };
	char *tmp = NULL;
	int too_big = 0;
	enum bundle_status st;

	*used = false;
	if (!o.d)
		return nomem(err);
	o.fd = outfile_temp(w->out_path, 0600, &tmp, err);
	if (o.fd < 0) {
		digest_free(o.d);
		return err ? err->status : BUNDLE_IO;
	}
	unlink(tmp); /* anonymous from now on: nothing is left behind */
	free(tmp);
	st = rsyncio_delta(range_read, &basis, be->size, range_read, &fresh, te->size,
	                   te->size / 10 * 9, delta_write, &o, &too_big, err);
	if (st != BUNDLE_OK || too_big) {
		close(o.fd);
		digest_free(o.d);
		return st;
	}
	st = wstep_add(w, STEP_DATA, 0, 0, te->data_offset - te->header_offset, te->header_offset,
	               err);
	if (st == BUNDLE_OK)
		st = wstep_add(w, STEP_PATCH, be->data_offset, be->size, te->size, 0, err);
	if (st != BUNDLE_OK) {
		close(o.fd);
		digest_free(o.d);
		return st;
	}
	bfile_from_fd(&w->s[w->n - 1].delta, o.fd, o.len);
	w->s[w->n - 1].delta.owned = true;
	digest_final(o.d, w->s[w->n - 1].digest);
	digest_free(o.d);
	*used = true;
	return BUNDLE_OK;
}

static enum bundle_status range_digest(const struct bfile *f, uint64_t off, uint64_t len,
                                       unsigned char out[DIGEST_SIZE], struct bundle_error *err)
{
	struct digest *d = digest_new();
	unsigned char *buf = malloc(PIECE);
	enum bundle_status st = BUNDLE_OK;

	if (!d || !buf)
		st = nomem(err);
	while (st == BUNDLE_OK && len > 0) {
		size_t n = len > PIECE ? PIECE : (size_t)len;
		st = bfile_pread(f, buf, n, off, err);
		if (st == BUNDLE_OK)
			digest_update(d, buf, n);
		off += n;
		len -= n;
	}
	if (st == BUNDLE_OK)
		digest_final(d, out);
	digest_free(d);
	free(buf);
	return st;
}

static void release_steps(struct writer *w)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->s[i].kind == STEP_PATCH)
			bfile_close(&w->s[i].delta);
	free(w->s);
}

/* The steps that make target from base, and what they say of the entries. */
static enum bundle_status plan(struct writer *w, struct update_write_result *r,
                               struct bundle_error *err)
{
	size_t tn = bundle_count(w->target), bn = bundle_count(w->base);
	uint64_t tail = 0;
	enum bundle_status st = BUNDLE_OK;

	for (size_t i = 0; i < tn && st == BUNDLE_OK; i++) {
		struct bundle_entry te, be;
		size_t bi;
		bool same = false, delta = false;
		uint64_t rec;

		bundle_entry(w->target, i, &te);
		rec = te.data_offset + te.comp_size - te.header_offset;
		tail = te.data_offset + te.comp_size;
		bi = bundle_find(w->base, te.name, te.name_len);
		if (bi != BUNDLE_NOT_FOUND) {
			bundle_entry(w->base, bi, &be);
			st = same_record(w, &be, &te, &same, err);
			if (st != BUNDLE_OK)
				break;
			if (same) {
				st = wstep_add(w, STEP_COPY, be.header_offset, rec, rec, 0, err);
				if (i >= 3)
					r->unchanged++;
				continue;
			}
			if (i >= 3)
				r->changed++;
			if (te.method == 0 && be.method == 0 && te.size > BUNDLE_CHUNK_SIZE &&
			    be.size > 0) {
				st = try_delta(w, &be, &te, &delta, err);
				if (st != BUNDLE_OK)
					break;
				if (delta) {
					r->deltas++;
					continue;
				}
			}
		} else if (i >= 3) {
			r->added++;
		}
		st = wstep_add(w, STEP_DATA, 0, 0, rec, te.header_offset, err);
	}
	/* the central directory and end records */
	if (st == BUNDLE_OK)
		st = wstep_add(w, STEP_DATA, 0, 0, bundle_file_size(w->target) - tail, tail, err);
	for (size_t i = 3; i < bn; i++) {
		struct bundle_entry be;
		bundle_entry(w->base, i, &be);
		if (bundle_find(w->target, be.name, be.name_len) == BUNDLE_NOT_FOUND)
			r->removed++;
	}
	return st;
}

static enum bundle_status meta_deflate(const char *text, size_t len, bool *deflate,
                                       struct bundle_error *err)
{
	uint64_t comp;
	enum bundle_status st;

	*deflate = false;
	if (len == 0)
		return BUNDLE_OK;
	st = zlibio_deflated_size(text, len, &comp, err);
	if (st == BUNDLE_OK)
		*deflate = comp < len && len / BUNDLE_MAX_RATIO <= comp;
	return st;
}

static bool add_line(struct sbuf *b, const unsigned char digest[DIGEST_SIZE], const char *name)
{
	char hex[DIGEST_HEX_SIZE];

	digest_to_hex(digest, hex);
	return sbuf_addf(b, "%s  %s\n", hex, name);
}

/* Write the update's ZIP at tmp from the planned steps. */
static enum bundle_status write_zip(struct writer *w, const struct minisign_seckey *sk,
                                    const char *tmp, struct bundle_error *err)
{
	const struct manifest *bm = bundle_manifest(w->base), *tm = bundle_manifest(w->target);
	struct sbuf list, man;
	char *list_text = NULL, *man_text = NULL, *sig = NULL, hex[DIGEST_HEX_SIZE], tc[512];
	unsigned char *tman = NULL, *tsig = NULL, d[DIGEST_SIZE];
	size_t list_len = 0, man_len = 0, sig_len = 0, tman_len = 0, tsig_len = 0, nz = 0;
	struct zipio_item *z = calloc(w->n + 8, sizeof(*z));
	char keyhex[MINISIGN_KEYID_HEX_SIZE], untrusted[96];
	struct minisign_pubkey pk;
	bool defl_man = false, defl_sig = false;
	enum bundle_status st = BUNDLE_OK;

	sbuf_init(&list, BUNDLE_MAX_MANIFEST);
	sbuf_init(&man, BUNDLE_MAX_MANIFEST);
	if (!z)
		return nomem(err);
	digest_to_hex(bundle_manifest_digest(w->base), hex);
	if (!sbuf_addf(&list, "# sampan-update-list: 1\n# size: %" PRIu64 "\n",
	               bundle_file_size(w->target)))
		goto oom;
	st = range_digest(bundle_bfile(w->target), 0, bundle_file_size(w->target), d, err);
	if (st != BUNDLE_OK)
		goto done;
	{
		char thex[DIGEST_HEX_SIZE];
		digest_to_hex(d, thex);
		if (!sbuf_addf(&list, "# sha256: %s\n", thex))
			goto oom;
	}
	for (size_t i = 0; i < w->n; i++) {
		struct wstep *s = &w->s[i];
		bool ok;
		if (s->kind == STEP_COPY) {
			ok = sbuf_addf(&list, "copy %" PRIu64 " %" PRIu64 "\n", s->off, s->len);
		} else if (s->kind == STEP_DATA) {
			snprintf(s->name, sizeof(s->name), "data/%06zu", i + 1);
			ok = sbuf_addf(&list, "data %s\n", s->name);
			st = range_digest(bundle_bfile(w->target), s->tstart, s->size, s->digest,
			                  err);
			if (st != BUNDLE_OK)
				goto done;
		} else {
			snprintf(s->name, sizeof(s->name), "delta/%06zu", i + 1);
			ok = sbuf_addf(&list, "patch %" PRIu64 " %" PRIu64 " %" PRIu64 " %s\n",
			               s->off, s->len, s->size, s->name);
		}
		if (!ok)
			goto oom;
	}
	list_text = sbuf_take(&list, &list_len);
	st = bundle_read(w->target, 1, BUNDLE_MAX_MANIFEST, &tman, &tman_len, err);
	if (st == BUNDLE_OK)
		st = bundle_read(w->target, 2, BUNDLE_MAX_SIGNATURE, &tsig, &tsig_len, err);
	if (st != BUNDLE_OK)
		goto done;
	/* the update manifest: its header, then every entry in the format's order */
	if (!sbuf_addf(&man,
	               "# sampan-update: 1\n# id: %s\n# from: %s\n# from-manifest: %s\n"
	               "# from-size: %" PRIu64 "\n# to: %s\n",
	               tm->id, bm->version, hex, bundle_file_size(w->base), tm->version) ||
	    (tm->title && !sbuf_addf(&man, "# title: %s\n", tm->title)))
		goto oom;
	digest_sha256(list_text, list_len, d);
	if (!add_line(&man, d, UPDATE_NAME_LIST))
		goto oom;
	for (int kind = STEP_DATA; kind <= STEP_PATCH; kind++)
		for (size_t i = 0; i < w->n; i++)
			if ((int)w->s[i].kind == kind &&
			    !add_line(&man, w->s[i].digest, w->s[i].name))
				goto oom;
	digest_sha256(tman, tman_len, d);
	if (!add_line(&man, d, UPDATE_NAME_TARGET_MANIFEST))
		goto oom;
	digest_sha256(tsig, tsig_len, d);
	if (!add_line(&man, d, UPDATE_NAME_TARGET_SIGNATURE))
		goto oom;
	man_text = sbuf_take(&man, &man_len);
	minisign_seckey_pubkey(sk, &pk);
	minisign_keyid_hex(pk.keyid, keyhex);
	snprintf(untrusted, sizeof(untrusted), "signature from sampan secret key %s", keyhex);
	snprintf(tc, sizeof(tc), "sampan-update:1\tid:%s\tfrom:%s\tto:%s", tm->id, bm->version,
	         tm->version);
	st = minisign_sign(sk, man_text, man_len, untrusted, tc, &sig, &sig_len, err);
	if (st != BUNDLE_OK)
		goto done;
	if ((st = meta_deflate(man_text, man_len, &defl_man, err)) != BUNDLE_OK ||
	    (st = meta_deflate(sig, sig_len, &defl_sig, err)) != BUNDLE_OK)
		goto done;
	z[nz++] = (struct zipio_item){ .name = BUNDLE_NAME_MIMETYPE,
		                       .data = UPDATE_MEDIA_TYPE,
		                       .len = strlen(UPDATE_MEDIA_TYPE) };
	z[nz++] = (struct zipio_item){
		.name = BUNDLE_NAME_MANIFEST, .deflate = defl_man, .data = man_text, .len = man_len
	};
	z[nz++] = (struct zipio_item){
		.name = BUNDLE_NAME_SIGNATURE, .deflate = defl_sig, .data = sig, .len = sig_len
	};
	z[nz++] =
	        (struct zipio_item){ .name = UPDATE_NAME_LIST, .data = list_text, .len = list_len };
	/* data/ before delta/: the format's byte order */
	for (size_t i = 0; i < w->n; i++) {
		struct wstep *s = &w->s[i];
		if (s->kind == STEP_DATA)
			z[nz++] = (struct zipio_item){ .name = s->name,
				                       .file = bundle_bfile(w->target),
				                       .offset = s->tstart,
				                       .len = s->size };
	}
	for (size_t i = 0; i < w->n; i++) {
		struct wstep *s = &w->s[i];
		if (s->kind == STEP_PATCH)
			z[nz++] = (struct zipio_item){ .name = s->name,
				                       .file = &s->delta,
				                       .offset = 0,
				                       .len = s->delta.size };
	}
	z[nz++] = (struct zipio_item){ .name = UPDATE_NAME_TARGET_MANIFEST,
		                       .data = tman,
		                       .len = tman_len };
	z[nz++] = (struct zipio_item){ .name = UPDATE_NAME_TARGET_SIGNATURE,
		                       .data = tsig,
		                       .len = tsig_len };
	/* the writers' default time and date, 1980-01-01 00:00 (section 7) */
	st = zipio_write(tmp, z, nz, 0x0000, 0x0021, NULL, NULL, NULL, err);
	goto done;
oom:
	st = nomem(err);
done:
	sbuf_release(&list);
	sbuf_release(&man);
	free(list_text);
	free(man_text);
	free(sig);
	free(tman);
	free(tsig);
	free(z);
	return st;
}

enum bundle_status update_write(const struct bundle *base, const struct bundle *target,
                                const struct minisign_seckey *sk, const char *out_path,
                                struct update_write_result *result, struct bundle_error *err)
{
	const struct manifest *bm = bundle_manifest(base), *tm = bundle_manifest(target);
	struct update_write_result r;
	struct writer w = { base, target, NULL, 0, 0, out_path };
	struct minisign_pubkey pk;
	struct trust trust;
	struct update *u = NULL;
	char *tmp = NULL, a[MINISIGN_KEYID_HEX_SIZE], b[MINISIGN_KEYID_HEX_SIZE];
	int fd;
	enum bundle_status st;

	memset(&r, 0, sizeof(r));
	if (!bm || !tm)
		return bundle_error_set(err, BUNDLE_USAGE, RULE_NONE, NULL, 0,
		                        "both bundles must be verified");
	if (strcmp(bm->id, tm->id) != 0)
		return bundle_error_set(err, BUNDLE_INVALID, RULE_BASE_MISMATCH, NULL, 0,
		                        "%s is course %s and %s course %s: an update joins two "
		                        "versions of one course",
		                        bundle_path(base), bm->id, bundle_path(target), tm->id);
	if (manifest_version_cmp(tm->version, bm->version) <= 0)
		return bundle_error_set(
		        err, BUNDLE_INVALID, RULE_UPDATE_DOWNGRADE, NULL, 0,
		        "%s is version %s, not higher than %s of %s: an update only "
		        "goes up",
		        bundle_path(target), tm->version, bm->version, bundle_path(base));
	minisign_seckey_pubkey(sk, &pk);
	if (memcmp(bundle_signer(base), pk.keyid, MINISIGN_KEYID_SIZE) != 0 ||
	    memcmp(bundle_signer(target), pk.keyid, MINISIGN_KEYID_SIZE) != 0) {
		const unsigned char *other =
		        memcmp(bundle_signer(base), pk.keyid, MINISIGN_KEYID_SIZE) != 0
		                ? bundle_signer(base)
		                : bundle_signer(target);
		minisign_keyid_hex(other, a);
		minisign_keyid_hex(pk.keyid, b);
		return bundle_error_set(
		        err, BUNDLE_INVALID, RULE_UPDATE_SIGNER, NULL, 0,
		        "%s is signed by key %s, and the update would be by key %s: "
		        "both versions and the update must have one publisher",
		        other == bundle_signer(base) ? bundle_path(base) : bundle_path(target), a,
		        b);
	}
	st = plan(&w, &r, err);
	if (st != BUNDLE_OK)
		goto done;
	fd = outfile_temp(out_path, 0666, &tmp, err);
	if (fd < 0) {
		st = err ? err->status : BUNDLE_IO;
		goto done;
	}
	close(fd);
	st = write_zip(&w, sk, tmp, err);
	if (st != BUNDLE_OK)
		goto done;
	/* What was written is read back as a reader would, and applied. */
	trust_init(&trust);
	st = trust_add(&trust, &pk, err);
	if (st == BUNDLE_OK)
		st = update_open(tmp, &trust, &u, err);
	trust_release(&trust);
	if (st == BUNDLE_OK)
		st = update_check_base(u, base, err);
	if (st == BUNDLE_OK)
		st = update_apply(u, base, NULL, NULL, NULL, NULL, err);
	if (st != BUNDLE_OK) {
		bundle_error_prefix(err, "the update written does not check");
		goto done;
	}
	st = outfile_commit(tmp, out_path, true, NULL, err);
	if (st != BUNDLE_OK)
		goto done;
	free(tmp);
	tmp = NULL;
	r.steps = w.n;
	r.file_size = update_info(u)->file_size;
	r.target_size = bundle_file_size(target);
	r.copied = update_info(u)->copy_bytes;
	r.carried = update_info(u)->data_bytes;
	r.patched = update_info(u)->patch_bytes;
	for (size_t i = 0; i < w.n; i++)
		if (w.s[i].kind == STEP_PATCH)
			r.delta_bytes += w.s[i].delta.size;
	if (result)
		*result = r;
done:
	update_close(u);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	release_steps(&w);
	return st;
}
