/*
 * search.c - the player's search index (search.h): SQLite FTS5 with the
 * tokenizer of tokenize.h registered as "sampan".
 *
 * Two tables: bundles (one row per signed content: its manifest digest,
 * course id, whether it is served now, when it was last served) and
 * passages (FTS5: one row per lesson section or subtitle cue; heading and
 * body are indexed, the rest is carried along).  The database's
 * user_version names the schema and the tokenizer: any other value, or a
 * file that is not a database, and the writer starts afresh.
 */
#define _POSIX_C_SOURCE 200809L
#include "search.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "sbuf.h"
#include "cli.h"
#include "searchtext.h"
#include "tokenize.h"
#include "utf8.h"

#define SCHEMA 1
#define USER_VERSION (SCHEMA * 100 + TOKENIZE_VERSION)
#define UNSEEN_SECONDS (30 * 24 * 3600) /* rows of a course unseen this long are deleted */
#define BUSY_MS 5000
#define CACHE_KIB "512" /* SQLite's page cache per connection, KiB */

struct search {
	sqlite3 *db;
	char *path;
	struct tokenizer *tok; /* for the query expressions */
	sqlite3_stmt *query;
	double deadline; /* of the running query (monotonic seconds) */
};

static const char schema_sql[] =
        "CREATE TABLE bundles(id INTEGER PRIMARY KEY, digest BLOB NOT NULL UNIQUE,"
        " course TEXT NOT NULL, live INTEGER NOT NULL DEFAULT 0, seen INTEGER NOT NULL);"
        "CREATE VIRTUAL TABLE passages USING fts5(heading, body, bundle UNINDEXED,"
        " kind UNINDEXED, lesson UNINDEXED, page UNINDEXED, anchor UNINDEXED,"
        " lang UNINDEXED, media UNINDEXED, track UNINDEXED, start_ms UNINDEXED,"
        " end_ms UNINDEXED, tokenize = 'sampan', prefix = '2 3');";

static const char query_sql[] =
        "SELECT b.course, p.lesson, p.page, p.anchor, p.lang, highlight(passages, 0, x'01', x'02'),"
        " snippet(passages, 1, x'01', x'02', '\xe2\x80\xa6', 32), p.kind, p.media, p.track,"
        " p.start_ms, p.end_ms"
        " FROM passages AS p JOIN bundles AS b ON b.id = p.bundle"
        " WHERE passages MATCH ?1 AND b.live = 1 AND (?2 IS NULL OR b.course = ?2)"
        " AND (?3 IS NULL OR p.lang = ?3 OR p.lang LIKE ?3 || '-%')"
        " ORDER BY bm25(passages, 3.0, 1.0) LIMIT ?4 OFFSET ?5";

/* ---- the tokenizer, for FTS5 ---- */

struct fts_ctx {
	void *ctx;
	int (*token)(void *, int, const char *, int, int, int);
};

static int fts_create(void *unused, const char **argv, int argc, Fts5Tokenizer **out)
{
	struct tokenizer *t = tokenizer_new();

	(void)unused;
	(void)argv;
	(void)argc;
	if (!t)
		return SQLITE_NOMEM;
	*out = (Fts5Tokenizer *)t;
	return SQLITE_OK;
}

static void fts_delete(Fts5Tokenizer *t)
{
	tokenizer_free((struct tokenizer *)t);
}

static int fts_each(void *ctx, bool colocated, const char *word, size_t len, size_t start,
                    size_t end)
{
	struct fts_ctx *f = ctx;

	return f->token(f->ctx, colocated ? FTS5_TOKEN_COLOCATED : 0, word, (int)len, (int)start,
	                (int)end);
}

static int fts_tokenize(Fts5Tokenizer *t, void *ctx, int flags, const char *text, int len,
                        int (*token)(void *, int, const char *, int, int, int))
{
	struct fts_ctx f = { ctx, token };
	int rc;

	if (len <= 0)
		return SQLITE_OK;
	rc = tokenizer_run((struct tokenizer *)t, text, (size_t)len,
	                   (flags & FTS5_TOKENIZE_QUERY) ? TOKENIZE_QUERY : TOKENIZE_TEXT, fts_each,
	                   &f);
	return rc < 0 ? SQLITE_ERROR : rc;
}

static int register_tokenizer(sqlite3 *db)
{
	static fts5_tokenizer tok = { fts_create, fts_delete, fts_tokenize };
	fts5_api *api = NULL;
	sqlite3_stmt *st = NULL;
	int rc;

	rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	if (!api)
		return SQLITE_ERROR;
	return api->xCreateTokenizer(api, "sampan", NULL, &tok, NULL);
}

/* ---- opening ---- */

static enum bundle_status db_error(struct bundle_error *err, sqlite3 *db, const char *path,
                                   const char *what)
{
	int code = db ? sqlite3_errcode(db) : SQLITE_ERROR;
	enum bundle_status st = code == SQLITE_NOMEM ? BUNDLE_NOMEM : BUNDLE_IO;

	return bundle_error_set(err, st, RULE_NONE, NULL, 0, "%s: %s: %s", path, what,
	                        db ? sqlite3_errmsg(db) : "cannot open");
}

static int exec(sqlite3 *db, const char *sql)
{
	return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

static int user_version(sqlite3 *db, int *v)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);

	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*v = sqlite3_column_int(st, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

static void remove_db(const char *path)
{
	static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };
	char p[4200];

	for (size_t i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", path, suffix[i]);
		unlink(p);
	}
}

/* 1 when the last error says the file is not ours or is damaged; else -1. */
static int damaged(sqlite3 *db)
{
	int code = sqlite3_errcode(db);

	return code == SQLITE_NOTADB || code == SQLITE_CORRUPT || code == SQLITE_ERROR ? 1 : -1;
}

/*
 * Open path and make sure it holds our schema: 0; 1 when it must be made
 * afresh (another version, not a database, damaged); -1 on any other
 * failure (busy, out of memory, I/O), which must not cost the index.
 */
static int open_db(const char *path, sqlite3 **out)
{
	sqlite3 *db = NULL;
	int rc, v = -1;

	*out = NULL;
	rc = sqlite3_open_v2(
	        path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		*out = db;
		return -1;
	}
	sqlite3_extended_result_codes(db, 0);
	sqlite3_busy_timeout(db, BUSY_MS);
	*out = db;
	/* A small page cache: the file's pages stay in the system's cache anyway. */
	exec(db, "PRAGMA cache_size = -" CACHE_KIB);
	if (register_tokenizer(db) != SQLITE_OK)
		return -1;
	if (exec(db, "PRAGMA journal_mode = WAL") != SQLITE_OK || user_version(db, &v) != SQLITE_OK)
		return damaged(db); /* not a database, a damaged one, or busy */
	if (v == USER_VERSION)
		return exec(db, "SELECT count(*) FROM bundles") == SQLITE_OK ? 0 : damaged(db);
	if (v != 0)
		return 1;
	/* A new file: make the tables. */
	if (exec(db, "BEGIN IMMEDIATE") != SQLITE_OK)
		return -1;
	if (exec(db, schema_sql) != SQLITE_OK) {
		exec(db, "ROLLBACK");
		return 1;
	}
	{
		char sql[64];
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", USER_VERSION);
		if (exec(db, sql) != SQLITE_OK || exec(db, "COMMIT") != SQLITE_OK) {
			exec(db, "ROLLBACK");
			return -1;
		}
	}
	return 0;
}

enum bundle_status search_open(const char *path, struct search **out, struct bundle_error *err)
{
	struct search *s;
	int rc;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (!s || !(s->path = strdup(path)) || !(s->tok = tokenizer_new())) {
		if (s)
			free(s->path);
		free(s);
		return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
	}
	rc = open_db(path, &s->db);
	if (rc == 1) {
		/* Not ours, another version, or damaged: an index can always be made again. */
		sqlite3_close(s->db);
		s->db = NULL;
		remove_db(path);
		rc = open_db(path, &s->db);
	}
	if (rc != 0) {
		enum bundle_status st = db_error(err, s->db, path, "cannot open the search index");
		search_close(s);
		return st;
	}
	if (sqlite3_prepare_v2(s->db, query_sql, -1, &s->query, NULL) != SQLITE_OK) {
		enum bundle_status st = db_error(err, s->db, path, "cannot prepare a search");
		search_close(s);
		return st;
	}
	*out = s;
	return BUNDLE_OK;
}

void search_close(struct search *s)
{
	if (!s)
		return;
	sqlite3_finalize(s->query);
	sqlite3_close(s->db);
	tokenizer_free(s->tok);
	free(s->path);
	free(s);
}

/* ---- indexing ---- */

bool search_has(struct search *s, const unsigned char digest[DIGEST_SIZE])
{
	sqlite3_stmt *st;
	bool has = false;

	if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM bundles WHERE digest = ?1", -1, &st, NULL) !=
	    SQLITE_OK)
		return false;
	sqlite3_bind_blob(st, 1, digest, DIGEST_SIZE, SQLITE_STATIC);
	has = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return has;
}

struct adder {
	sqlite3_stmt *insert;
	sqlite3_int64 bundle;
	int rc;
};

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static void insert_row(struct adder *a, const char *kind, const char *heading, const char *body,
                       const char *lesson, const char *page, const char *anchor, const char *lang,
                       const char *media, const char *track, uint64_t start_ms, uint64_t end_ms)
{
	sqlite3_stmt *st = a->insert;

	if (a->rc != SQLITE_OK)
		return;
	sqlite3_reset(st);
	bind_text(st, 1, heading);
	bind_text(st, 2, body);
	sqlite3_bind_int64(st, 3, a->bundle);
	bind_text(st, 4, kind);
	bind_text(st, 5, lesson);
	bind_text(st, 6, page);
	bind_text(st, 7, anchor);
	bind_text(st, 8, lang);
	bind_text(st, 9, media);
	bind_text(st, 10, track);
	if (media) {
		sqlite3_bind_int64(st, 11, (sqlite3_int64)start_ms);
		sqlite3_bind_int64(st, 12, (sqlite3_int64)end_ms);
	} else {
		sqlite3_bind_null(st, 11);
		sqlite3_bind_null(st, 12);
	}
	if (sqlite3_step(st) != SQLITE_DONE)
		a->rc = sqlite3_errcode(sqlite3_db_handle(st));
}

static void on_section(void *ctx, const struct searchtext_section *x)
{
	insert_row(ctx, "s", x->heading, x->text, x->lesson, x->page, x->anchor, x->lang, NULL,
	           NULL, 0, 0);
}

static void on_cue(void *ctx, const struct searchtext_cue *x)
{
	uint64_t max = (uint64_t)INT64_MAX;

	insert_row(ctx, "c", "", x->text, x->lesson, x->page, "", x->lang, x->media, x->track,
	           x->start_ms < max ? x->start_ms : max, x->end_ms < max ? x->end_ms : max);
}

/* The bundles row for digest (made, or found), live, seen now: its id in *id. */
static int bundle_row(sqlite3 *db, const unsigned char *digest, const char *course,
                      sqlite3_int64 *id)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(
	        db,
	        "INSERT INTO bundles(digest, course, live, seen) VALUES(?1, ?2, 1, ?3)"
	        " ON CONFLICT(digest) DO UPDATE SET live = 1, seen = ?3"
	        " RETURNING id",
	        -1, &st, NULL);

	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_blob(st, 1, digest, DIGEST_SIZE, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, course, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)time(NULL));
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(db);
	}
	sqlite3_finalize(st);
	return rc;
}

enum bundle_status search_add(struct search *s, const unsigned char digest[DIGEST_SIZE],
                              const char *course_id, const char *text, size_t len,
                              struct bundle_error *err)
{
	struct adder a = { NULL, 0, SQLITE_OK };
	struct bundle_error perr;
	enum bundle_status pst;

	bundle_error_clear(&perr);
	if (search_has(s, digest))
		text = NULL; /* indexed already: only served again */
	if (exec(s->db, "BEGIN IMMEDIATE") != SQLITE_OK)
		return db_error(err, s->db, s->path, "cannot write the search index");
	a.rc = bundle_row(s->db, digest, course_id, &a.bundle);
	if (a.rc == SQLITE_OK)
		a.rc = sqlite3_prepare_v2(
		        s->db,
		        "INSERT INTO passages(heading, body, bundle, kind, lesson, page,"
		        " anchor, lang, media, track, start_ms, end_ms)"
		        " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
		        -1, &a.insert, NULL);
	pst = BUNDLE_OK;
	if (a.rc == SQLITE_OK && text)
		pst = searchtext_parse(text, len, on_section, on_cue, &a, &perr);
	sqlite3_finalize(a.insert);
	if (a.rc != SQLITE_OK) {
		enum bundle_status st =
		        db_error(err, s->db, s->path, "cannot write the search index");
		exec(s->db, "ROLLBACK");
		return st;
	}
	if (pst != BUNDLE_OK) {
		/* Keep no half of it, but remember the course, so it is not read again. */
		exec(s->db, "ROLLBACK");
		if (exec(s->db, "BEGIN IMMEDIATE") != SQLITE_OK ||
		    bundle_row(s->db, digest, course_id, &a.bundle) != SQLITE_OK ||
		    exec(s->db, "COMMIT") != SQLITE_OK) {
			exec(s->db, "ROLLBACK");
			return db_error(err, s->db, s->path, "cannot write the search index");
		}
		*err = perr;
		return pst;
	}
	if (exec(s->db, "COMMIT") != SQLITE_OK) {
		enum bundle_status st =
		        db_error(err, s->db, s->path, "cannot write the search index");
		exec(s->db, "ROLLBACK");
		return st;
	}
	return BUNDLE_OK;
}

enum bundle_status search_set_live(struct search *s, const unsigned char (*digests)[DIGEST_SIZE],
                                   size_t count, struct bundle_error *err)
{
	sqlite3_stmt *st = NULL;
	sqlite3_int64 now = (sqlite3_int64)time(NULL);
	int rc;

	if (exec(s->db, "BEGIN IMMEDIATE") != SQLITE_OK)
		return db_error(err, s->db, s->path, "cannot write the search index");
	rc = exec(s->db, "UPDATE bundles SET live = 0 WHERE live = 1");
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(s->db,
		                        "UPDATE bundles SET live = 1, seen = ?2 WHERE digest = ?1",
		                        -1, &st, NULL);
	for (size_t i = 0; rc == SQLITE_OK && i < count; i++) {
		sqlite3_reset(st);
		sqlite3_bind_blob(st, 1, digests[i], DIGEST_SIZE, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, now);
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(s->db);
	}
	sqlite3_finalize(st);
	st = NULL;
	/* Forget the courses unseen for long: one pass over the passages, and only when needed. */
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(s->db, "SELECT 1 FROM bundles WHERE live = 0 AND seen < ?1",
		                        -1, &st, NULL);
	if (rc == SQLITE_OK) {
		bool stale;
		sqlite3_bind_int64(st, 1, now - UNSEEN_SECONDS);
		stale = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
		st = NULL;
		if (stale) {
			char sql[256];
			snprintf(sql, sizeof(sql),
			         "DELETE FROM passages WHERE bundle IN (SELECT id FROM bundles"
			         " WHERE live = 0 AND seen < %lld);"
			         "DELETE FROM bundles WHERE live = 0 AND seen < %lld;",
			         (long long)(now - UNSEEN_SECONDS),
			         (long long)(now - UNSEEN_SECONDS));
			rc = exec(s->db, sql);
		}
	}
	if (rc != SQLITE_OK || exec(s->db, "COMMIT") != SQLITE_OK) {
		enum bundle_status bs =
		        db_error(err, s->db, s->path, "cannot write the search index");
		exec(s->db, "ROLLBACK");
		return bs;
	}
	return BUNDLE_OK;
}

/* ---- searching ---- */

/* The length of the white space at s (ASCII, NBSP, ideographic space, zero-width space), or 0. */
static size_t space_at(const char *s, size_t len)
{
	size_t pos = 0;
	uint32_t c;

	if (!utf8_next(s, len, &pos, &c))
		return 0;
	if (c == ' ' || (c >= 0x09 && c <= 0x0D) || c == 0xA0 || c == 0x3000 || c == 0x200B)
		return pos;
	return 0;
}

static int count_word(void *ctx, bool colocated, const char *w, size_t len, size_t start,
                      size_t end)
{
	size_t *count = ctx;

	(void)colocated;
	(void)w;
	(void)len;
	(void)start;
	(void)end;
	++*count;
	return 0;
}

static char *expression(struct tokenizer *t, const char *text, bool prefix)
{
	struct sbuf b;
	size_t len = strlen(text), pos = 0, parts = 0;

	if (len > SEARCH_QUERY_MAX) {
		len = SEARCH_QUERY_MAX;
		while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80)
			len--;
	}
	sbuf_init(&b, 4 * SEARCH_QUERY_MAX + 256);
	while (pos < len && parts < SEARCH_WORDS_MAX) {
		size_t sp, start, end;
		size_t words = 0;
		bool is_last, star;

		while (pos < len && (sp = space_at(text + pos, len - pos)) > 0)
			pos += sp;
		if (pos >= len)
			break;
		start = pos;
		while (pos < len && space_at(text + pos, len - pos) == 0)
			pos++;
		end = pos;
		while (pos < len && (sp = space_at(text + pos, len - pos)) > 0)
			pos += sp;
		is_last = pos >= len;
		if (tokenizer_run(t, text + start, end - start, TOKENIZE_QUERY, count_word,
		                  &words) != 0 ||
		    words == 0)
			continue; /* punctuation only */
		star = prefix && is_last;
		if (parts++ > 0)
			sbuf_adds(&b, " AND ");
		sbuf_adds(&b, "\"");
		for (size_t i = start; i < end; i++) {
			if (text[i] == '"')
				sbuf_adds(&b, "\"\"");
			else if ((unsigned char)text[i] >= 0x20 && text[i] != 0x7F)
				sbuf_add(&b, &text[i], 1);
			else
				sbuf_adds(&b, " ");
		}
		sbuf_adds(&b, star ? "\"*" : "\"");
	}
	sbuf_add(&b, "", 1);
	return sbuf_take(&b, NULL);
}

char *search_expression(const char *text, bool prefix)
{
	struct tokenizer *t = tokenizer_new();
	char *e;

	if (!t)
		return NULL;
	e = expression(t, text, prefix);
	tokenizer_free(t);
	return e;
}

static int past_deadline(void *ctx)
{
	struct search *s = ctx;

	return cli_now() > s->deadline;
}

static char *column(sqlite3_stmt *st, int i)
{
	const unsigned char *v = sqlite3_column_text(st, i);

	return v ? strdup((const char *)v) : NULL;
}

void search_result_free(struct search_result *r)
{
	for (size_t i = 0; r->hits && i < r->count; i++) {
		struct search_hit *h = &r->hits[i];
		free(h->course);
		free(h->lesson);
		free(h->page);
		free(h->anchor);
		free(h->lang);
		free(h->heading);
		free(h->snippet);
		free(h->media);
		free(h->track);
	}
	free(r->hits);
	memset(r, 0, sizeof(*r));
}

enum bundle_status search_run(struct search *s, const struct search_query *q,
                              struct search_result *r, struct bundle_error *err)
{
	sqlite3_stmt *st = s->query;
	size_t limit = q->limit ? q->limit : 10;
	char *expr;
	int rc;

	memset(r, 0, sizeof(*r));
	if (limit > SEARCH_LIMIT_MAX)
		limit = SEARCH_LIMIT_MAX;
	expr = expression(s->tok, q->text ? q->text : "", q->prefix);
	if (!expr)
		return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
	if (!*expr) {
		free(expr);
		r->empty_query = true;
		return BUNDLE_OK;
	}
	r->hits = calloc(limit, sizeof(*r->hits));
	if (!r->hits) {
		free(expr);
		return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
	}
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
	bind_text(st, 2, q->course && *q->course ? q->course : NULL);
	bind_text(st, 3, q->lang && *q->lang ? q->lang : NULL);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)limit + 1);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)(q->offset < 100000 ? q->offset : 100000));
	s->deadline = cli_now() + (q->budget > 0 ? q->budget : 1.0);
	sqlite3_progress_handler(s->db, 2000, past_deadline, s);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct search_hit *h;
		if (r->count == limit) {
			r->more = true;
			break;
		}
		h = &r->hits[r->count++];
		h->course = column(st, 0);
		h->lesson = column(st, 1);
		h->page = column(st, 2);
		h->anchor = column(st, 3);
		h->lang = column(st, 4);
		h->heading = column(st, 5);
		h->snippet = column(st, 6);
		if (sqlite3_column_type(st, 8) != SQLITE_NULL) {
			h->media = column(st, 8);
			h->track = column(st, 9);
			h->start_ms = (uint64_t)sqlite3_column_int64(st, 10);
			h->end_ms = (uint64_t)sqlite3_column_int64(st, 11);
		}
		if (!h->course || !h->lesson || !h->page || !h->anchor || !h->lang || !h->heading ||
		    !h->snippet || (h->media && !h->track)) {
			rc = SQLITE_NOMEM;
			break;
		}
	}
	sqlite3_progress_handler(s->db, 0, NULL, NULL);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		free(expr);
		return BUNDLE_OK;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	search_result_free(r);
	free(expr);
	if (rc == SQLITE_INTERRUPT) {
		r->timed_out = true;
		return BUNDLE_OK;
	}
	if (rc == SQLITE_NOMEM)
		return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
	return db_error(err, s->db, s->path, "search failed");
}
