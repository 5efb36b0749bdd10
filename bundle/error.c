/* error.c - rule names and message formatting (format-spec/bundle-v1.md, "Rule names"). */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "utf8.h"

static const char *const rule_names[RULE_COUNT] = {
	[RULE_NONE] = "NONE",
	[RULE_NOT_ZIP] = "NOT_ZIP",
	[RULE_ZIP_COMMENT] = "ZIP_COMMENT",
	[RULE_TRAILING_BYTES] = "TRAILING_BYTES",
	[RULE_ZIP_INVALID] = "ZIP_INVALID",
	[RULE_ZIP64_INVALID] = "ZIP64_INVALID",
	[RULE_ZIP_UNSUPPORTED] = "ZIP_UNSUPPORTED",
	[RULE_TOO_MANY_ENTRIES] = "TOO_MANY_ENTRIES",
	[RULE_PREFIX_BYTES] = "PREFIX_BYTES",
	[RULE_GAP] = "GAP",
	[RULE_OVERLAP] = "OVERLAP",
	[RULE_LOCAL_MISMATCH] = "LOCAL_MISMATCH",
	[RULE_METHOD_UNSUPPORTED] = "METHOD_UNSUPPORTED",
	[RULE_ENCRYPTED] = "ENCRYPTED",
	[RULE_DATA_DESCRIPTOR] = "DATA_DESCRIPTOR",
	[RULE_EXTRA_FIELD] = "EXTRA_FIELD",
	[RULE_NOT_REGULAR_FILE] = "NOT_REGULAR_FILE",
	[RULE_NAME_NOT_UTF8] = "NAME_NOT_UTF8",
	[RULE_NAME_INVALID] = "NAME_INVALID",
	[RULE_NAME_NOT_NFC] = "NAME_NOT_NFC",
	[RULE_NAME_DUPLICATE] = "NAME_DUPLICATE",
	[RULE_NAME_CASE_COLLISION] = "NAME_CASE_COLLISION",
	[RULE_NAME_FILE_DIR_CONFLICT] = "NAME_FILE_DIR_CONFLICT",
	[RULE_MIMETYPE_INVALID] = "MIMETYPE_INVALID",
	[RULE_ENTRY_ORDER] = "ENTRY_ORDER",
	[RULE_ENTRY_TOO_LARGE] = "ENTRY_TOO_LARGE",
	[RULE_COMPRESSION_RATIO] = "COMPRESSION_RATIO",
	[RULE_MANIFEST_MISSING] = "MANIFEST_MISSING",
	[RULE_MANIFEST_TOO_LARGE] = "MANIFEST_TOO_LARGE",
	[RULE_MANIFEST_INVALID] = "MANIFEST_INVALID",
	[RULE_FORMAT_UNSUPPORTED] = "FORMAT_UNSUPPORTED",
	[RULE_SIGNATURE_MISSING] = "SIGNATURE_MISSING",
	[RULE_SIGNATURE_INVALID] = "SIGNATURE_INVALID",
	[RULE_SIGNATURE_LEGACY] = "SIGNATURE_LEGACY",
	[RULE_KEY_UNTRUSTED] = "KEY_UNTRUSTED",
	[RULE_SIGNATURE_BAD] = "SIGNATURE_BAD",
	[RULE_TRUSTED_COMMENT_BAD] = "TRUSTED_COMMENT_BAD",
	[RULE_TRUSTED_COMMENT_MISMATCH] = "TRUSTED_COMMENT_MISMATCH",
	[RULE_ENTRY_UNLISTED] = "ENTRY_UNLISTED",
	[RULE_ENTRY_MISSING] = "ENTRY_MISSING",
	[RULE_COURSE_INVALID] = "COURSE_INVALID",
	[RULE_CHUNKS_INVALID] = "CHUNKS_INVALID",
	[RULE_DIGEST_MISMATCH] = "DIGEST_MISMATCH",
	[RULE_CHUNK_MISMATCH] = "CHUNK_MISMATCH",
	[RULE_SIZE_MISMATCH] = "SIZE_MISMATCH",
	[RULE_CRC_MISMATCH] = "CRC_MISMATCH",
	[RULE_DEFLATE_INVALID] = "DEFLATE_INVALID",
	[RULE_PART_MISSING] = "PART_MISSING",
	[RULE_PART_EXTRA] = "PART_EXTRA",
	[RULE_PART_SIZE] = "PART_SIZE",
	[RULE_PART_MISMATCH] = "PART_MISMATCH",
	[RULE_UPDATE_INVALID] = "UPDATE_INVALID",
	[RULE_UPDATE_DOWNGRADE] = "UPDATE_DOWNGRADE",
	[RULE_UPDATE_SIGNER] = "UPDATE_SIGNER",
	[RULE_BASE_MISSING] = "BASE_MISSING",
	[RULE_BASE_MISMATCH] = "BASE_MISMATCH",
	[RULE_DELTA_INVALID] = "DELTA_INVALID",
	[RULE_RESULT_MISMATCH] = "RESULT_MISMATCH",
	[RULE_KEY_INVALID] = "KEY_INVALID",
	[RULE_PASSWORD_WRONG] = "PASSWORD_WRONG",
	[RULE_INPUT_INVALID] = "INPUT_INVALID",
};

void bundle_error_clear(struct bundle_error *err)
{
	if (!err)
		return;
	err->status = BUNDLE_OK;
	err->rule = RULE_NONE;
	err->entry[0] = '\0';
	err->message[0] = '\0';
}

const char *bundle_rule_name(enum bundle_rule rule)
{
	if ((unsigned)rule >= RULE_COUNT)
		return "UNKNOWN";
	return rule_names[rule];
}

enum bundle_rule bundle_rule_from_name(const char *name)
{
	for (int i = 1; i < RULE_COUNT; i++)
		if (strcmp(rule_names[i], name) == 0)
			return (enum bundle_rule)i;
	return RULE_NONE;
}

/* The next piece of the quoted form of name at *pos: a character, or \xNN. */
static size_t quote_piece(const char *name, size_t len, size_t *pos, const char **piece,
                          char esc[8])
{
	size_t start = *pos;
	uint32_t cp;

	if (utf8_next(name, len, pos, &cp) && cp >= 0x20 && cp != 0x7F && cp != '\\' &&
	    !(cp >= 0x80 && cp < 0xA0)) {
		*piece = name + start;
		return *pos - start;
	}
	*pos = start + 1;
	snprintf(esc, 8, "\\x%02X", (unsigned char)name[start]);
	*piece = esc;
	return 4;
}

void bundle_quote(char *out, size_t size, const char *name, size_t len)
{
	size_t o = 0, pos = 0, total = 0, limit;
	const char *piece;
	char esc[8];

	if (size < 4) {
		if (size > 0)
			out[0] = '\0';
		return;
	}
	while (pos < len)
		total += quote_piece(name, len, &pos, &piece, esc);
	/* Keep room for "..." only when the whole does not fit. */
	limit = total <= size - 1 ? size - 1 : size - 4;
	pos = 0;
	while (pos < len) {
		size_t n = quote_piece(name, len, &pos, &piece, esc);
		if (o + n > limit) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		memcpy(out + o, piece, n);
		o += n;
	}
	out[o] = '\0';
}

enum bundle_status bundle_error_set(struct bundle_error *err, enum bundle_status status,
                                    enum bundle_rule rule, const char *entry, size_t entry_len,
                                    const char *fmt, ...)
{
	char reason[768];
	va_list ap;

	if (!err)
		return status;
	err->status = status;
	err->rule = rule;
	err->entry[0] = '\0';
	if (entry)
		bundle_quote(err->entry, sizeof(err->entry), entry, entry_len);
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (entry && rule != RULE_NONE)
		snprintf(err->message, sizeof(err->message), "entry '%s': %s (%s)", err->entry,
		         reason, bundle_rule_name(rule));
	else if (entry)
		snprintf(err->message, sizeof(err->message), "entry '%s': %s", err->entry, reason);
	else if (rule != RULE_NONE)
		snprintf(err->message, sizeof(err->message), "%s (%s)", reason,
		         bundle_rule_name(rule));
	else
		snprintf(err->message, sizeof(err->message), "%s", reason);
	return status;
}

void bundle_error_prefix(struct bundle_error *err, const char *fmt, ...)
{
	char prefix[512], old[BUNDLE_ERROR_MESSAGE_MAX];
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->message, sizeof(old));
	snprintf(err->message, sizeof(err->message), "%s: %.1000s", prefix, old);
}

const char *bundle_error_reason(const struct bundle_error *err, char *buf, size_t size)
{
	size_t n = strlen(err->message);
	const char *rule = bundle_rule_name(err->rule);
	size_t r = strlen(rule);

	if (err->rule != RULE_NONE && n >= r + 3 && err->message[n - 1] == ')' &&
	    memcmp(err->message + n - 1 - r, rule, r) == 0 &&
	    memcmp(err->message + n - 3 - r, " (", 2) == 0)
		n -= r + 3;
	snprintf(buf, size, "%.*s", (int)n, err->message);
	return buf;
}
