/*
 * error.h - status codes and rule names shared by the whole bundle library
 * (format-spec/bundle-v1.md, "Reader processing order" and "Rule names").
 *
 * Every fallible function of the library returns an enum bundle_status and,
 * when it is not BUNDLE_OK, fills the caller's struct bundle_error with the
 * rule that was broken and one complete message naming the entry or field.
 * The library never prints and never exits: programs report.
 *
 * Messages have one shape:  entry 'NAME': REASON (RULE)
 * or, when no entry is concerned,  REASON (RULE).  Entry names taken from a
 * bundle are quoted with every control byte and invalid UTF-8 byte escaped
 * as \xNN, so a hostile name cannot drive the terminal.
 */
#ifndef SAMPAN_BUNDLE_ERROR_H
#define SAMPAN_BUNDLE_ERROR_H

#include <stddef.h>

enum bundle_status {
	BUNDLE_OK = 0,
	BUNDLE_ENTRY_BAD, /* one entry is bad (its bytes failed a check) */
	BUNDLE_INVALID, /* the bundle (or key, or input) is unusable */
	BUNDLE_IO, /* reading or writing a file failed (errno in message) */
	BUNDLE_NOMEM, /* out of memory */
	BUNDLE_USAGE /* bad argument: the caller's mistake, not the input's */
};

/* Keep in the order of format-spec/bundle-v1.md's rule table; rule_names[] in error.c follows it. */
enum bundle_rule {
	RULE_NONE = 0,
	/* container */
	RULE_NOT_ZIP,
	RULE_ZIP_COMMENT,
	RULE_TRAILING_BYTES,
	RULE_ZIP_INVALID,
	RULE_ZIP64_INVALID,
	RULE_ZIP_UNSUPPORTED,
	RULE_TOO_MANY_ENTRIES,
	RULE_PREFIX_BYTES,
	RULE_GAP,
	RULE_OVERLAP,
	RULE_LOCAL_MISMATCH,
	RULE_METHOD_UNSUPPORTED,
	RULE_ENCRYPTED,
	RULE_DATA_DESCRIPTOR,
	RULE_EXTRA_FIELD,
	RULE_NOT_REGULAR_FILE,
	/* names */
	RULE_NAME_NOT_UTF8,
	RULE_NAME_INVALID,
	RULE_NAME_NOT_NFC,
	RULE_NAME_DUPLICATE,
	RULE_NAME_CASE_COLLISION,
	RULE_NAME_FILE_DIR_CONFLICT,
	/* order and limits */
	RULE_MIMETYPE_INVALID,
	RULE_ENTRY_ORDER,
	RULE_ENTRY_TOO_LARGE,
	RULE_COMPRESSION_RATIO,
	/* manifest and signature */
	RULE_MANIFEST_MISSING,
	RULE_MANIFEST_TOO_LARGE,
	RULE_MANIFEST_INVALID,
	RULE_FORMAT_UNSUPPORTED,
	RULE_SIGNATURE_MISSING,
	RULE_SIGNATURE_INVALID,
	RULE_SIGNATURE_LEGACY,
	RULE_KEY_UNTRUSTED,
	RULE_SIGNATURE_BAD,
	RULE_TRUSTED_COMMENT_BAD,
	RULE_TRUSTED_COMMENT_MISMATCH,
	RULE_ENTRY_UNLISTED,
	RULE_ENTRY_MISSING,
	/* metadata */
	RULE_COURSE_INVALID,
	RULE_CHUNKS_INVALID,
	/* content */
	RULE_DIGEST_MISMATCH,
	RULE_CHUNK_MISMATCH,
	RULE_SIZE_MISMATCH,
	RULE_CRC_MISMATCH,
	RULE_DEFLATE_INVALID,
	/* bundles stored in parts (section 20) */
	RULE_PART_MISSING,
	RULE_PART_EXTRA,
	RULE_PART_SIZE,
	RULE_PART_MISMATCH,
	/* update files (section 21) */
	RULE_UPDATE_INVALID,
	RULE_UPDATE_DOWNGRADE,
	RULE_UPDATE_SIGNER,
	RULE_BASE_MISSING,
	RULE_BASE_MISMATCH,
	RULE_DELTA_INVALID,
	RULE_RESULT_MISMATCH,
	/* not bundle rules: keys, passwords, writer input */
	RULE_KEY_INVALID,
	RULE_PASSWORD_WRONG,
	RULE_INPUT_INVALID,
	RULE_COUNT
};

#define BUNDLE_ERROR_ENTRY_MAX 512
#define BUNDLE_ERROR_MESSAGE_MAX 1536

struct bundle_error {
	enum bundle_status status;
	enum bundle_rule rule;
	char entry[BUNDLE_ERROR_ENTRY_MAX]; /* quoted entry name, or "" */
	char message[BUNDLE_ERROR_MESSAGE_MAX]; /* the whole message, see above */
};

/* Reset to BUNDLE_OK, RULE_NONE and empty strings. */
void bundle_error_clear(struct bundle_error *err);

/*
 * Fill err (which may be NULL) and return status.  entry (len bytes, may
 * hold any bytes; NULL for none) is quoted safely.  The reason is printf
 * formatted; the rule's name is appended unless rule is RULE_NONE.
 */
enum bundle_status bundle_error_set(struct bundle_error *err, enum bundle_status status,
                                    enum bundle_rule rule, const char *entry, size_t entry_len,
                                    const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 6, 7)))
#endif
        ;

/*
 * Put context before err's message ("PREFIX: old message"), keeping its
 * status, rule and entry.  For wrapping a lower-level failure.
 */
void bundle_error_prefix(struct bundle_error *err, const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 2, 3)))
#endif
        ;

/* err's message without its trailing " (RULE)", copied into buf (size bytes); returns buf. */
const char *bundle_error_reason(const struct bundle_error *err, char *buf, size_t size);

/* The rule's name as the spec writes it ("DIGEST_MISMATCH"); "NONE" for RULE_NONE. */
const char *bundle_rule_name(enum bundle_rule rule);

/* The rule with that name, or RULE_NONE when there is none. */
enum bundle_rule bundle_rule_from_name(const char *name);

/*
 * Write name (len bytes) into out (size bytes, size > 0) with control bytes,
 * backslashes and invalid UTF-8 escaped as \xNN; cut with "..." if too long.
 * Always NUL-terminates.
 */
void bundle_quote(char *out, size_t size, const char *name, size_t len);

#endif
