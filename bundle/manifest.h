/*
 * manifest.h - META-INF/MANIFEST, the signed list of entry digests
 * (format-spec/bundle-v1.md, "META-INF/MANIFEST"), and the course id and
 * version grammars it carries.
 */
#ifndef SAMPAN_BUNDLE_MANIFEST_H
#define SAMPAN_BUNDLE_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "error.h"

struct manifest_line {
	const char *name; /* borrowed from the parsed text; not NUL-terminated */
	size_t name_len;
	unsigned char digest[DIGEST_SIZE];
};

struct manifest {
	unsigned format; /* the `sampan-bundle` header value */
	char *id; /* malloc'd */
	char *version; /* malloc'd */
	char *title; /* malloc'd, or NULL when absent */
	/* An update manifest's (manifest_parse_update); version is its `to`: */
	char *from; /* malloc'd */
	unsigned char from_manifest[DIGEST_SIZE];
	uint64_t from_size;
	struct manifest_line *lines; /* malloc'd array, in bundle order */
	size_t count;
};

/*
 * Parse a manifest.  The result borrows text: keep text alive and
 * unchanged while m is used.  Errors: RULE_MANIFEST_INVALID,
 * RULE_FORMAT_UNSUPPORTED (format other than 1), RULE_MANIFEST_TOO_LARGE.
 * Release with manifest_release, also after a failure.
 */
enum bundle_status manifest_parse(const char *text, size_t len, struct manifest *m,
                                  struct bundle_error *err);
void manifest_release(struct manifest *m);

/*
 * The same for an update file's manifest (format-spec 21.2): header lines
 * sampan-update, id, from, from-manifest, from-size, to; then entry lines.
 * m->version is the `to` version.  A bundle manifest is MANIFEST_INVALID
 * here, as an update manifest is for manifest_parse.
 */
enum bundle_status manifest_parse_update(const char *text, size_t len, struct manifest *m,
                                         struct bundle_error *err);

/*
 * Write a manifest: the three required header lines, a `title` line when
 * title is not NULL (control characters become spaces, cut to 1,024 bytes),
 * then one line per entry.  lines must already be in bundle order.
 * *out is malloc'd.
 */
enum bundle_status manifest_format(const char *id, const char *version, const char *title,
                                   const struct manifest_line *lines, size_t count, char **out,
                                   size_t *out_len, struct bundle_error *err);

/* Course id grammar: 1..128 bytes of [a-z0-9] segments with inner '-', joined by '.'. */
bool manifest_id_valid(const char *s, size_t len);
/* Version grammar: 1 to 4 '.'-separated numbers, each "0" or up to 9 digits without a leading 0. */
bool manifest_version_valid(const char *s, size_t len);
/* Compare two valid versions numerically, missing components as 0: <0, 0, >0. */
int manifest_version_cmp(const char *a, const char *b);

/*
 * Split one `# key: value` header line (without its LF).  key is
 * [a-z0-9-]{1,32}; value is 1..1024 bytes of UTF-8 without control
 * characters.  Shared with META-INF/chunks.
 */
bool manifest_header_split(const char *line, size_t len, const char **key, size_t *key_len,
                           const char **value, size_t *value_len);

/* The format's entry order: META-INF/ names first, then byte order (format-spec "Entry order"). */
int manifest_order_cmp(const char *a, size_t alen, const char *b, size_t blen);

#endif
