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
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "monotime.h"
#include "sbuf.h"
#include "searchtext.h"
#include "tokenize.h"
#include "utf8.h"
#include "variants.h"

#define SCHEMA 1
#define USER_VERSION (SCHEMA * 100 + TOKENIZE_VERSION)
#define UNSEEN_SECONDS (30 * 24 * 3600) /* rows of a course unseen this long are deleted */
#define BUSY_MS 5000
#define CACHE_KIB "512" /* SQLite's page cache per connection, KiB */

struct search {
	sqlite3 *db;
	char *path;
	struct tokenizer *tok; /* for the query expressions */
	struct variants *var; /* stems, spellings, Simplified Chinese: made when first needed */
	sqlite3_stmt *rank; /* a page of row ids, best first */
	sqlite3_stmt *show; /* one row's heading, snippet and the rest */
	sqlite3_stmt *vocab; /* terms of the index in a range */
	sqlite3_stmt *window; /* the best run of units for a "did you mean" */
	sqlite3_stmt *exists; /* whether an expression finds anything */
	double deadline; /* of the running query (monotonic seconds) */
	const char *lang; /* of the row being written or deleted: its stems */
};

static const char schema_sql[] =
        "CREATE TABLE bundles(id INTEGER PRIMARY KEY, digest BLOB NOT NULL UNIQUE,"
        " course TEXT NOT NULL, live INTEGER NOT NULL DEFAULT 0, seen INTEGER NOT NULL);"
        "CREATE VIRTUAL TABLE passages USING fts5(heading, body, bundle UNINDEXED,"
        " kind UNINDEXED, lesson UNINDEXED, page UNINDEXED, anchor UNINDEXED,"
        " lang UNINDEXED, media UNINDEXED, track UNINDEXED, start_ms UNINDEXED,"
        " end_ms UNINDEXED, tokenize = 'sampan', prefix = '2 3');";

/* The column of passages that holds the language (for sampan_rank). */
#define COL_LANG 7

/* The filters every search takes: live courses, a course, a language and its subtags. */
#define FILTERS                                         \
	" b.live = 1 AND (?2 IS NULL OR b.course = ?2)" \
	" AND (?3 IS NULL OR p.lang = ?3 OR p.lang LIKE ?3 || '-%')"

/*
 * A page of results: rows that match, ranked by sampan_rank (how exactly
 * the words were found, and whether side by side), then by bm25 (the
 * heading weighs 3).  Rows found by an earlier pass are left out.
 */
static const char rank_sql[] =
        "SELECT p.rowid, sampan_rank(passages, ?6) AS tier"
        " FROM passages AS p JOIN bundles AS b ON b.id = p.bundle"
        " WHERE passages MATCH ?1 AND" FILTERS " AND p.rowid NOT IN (?7, ?8, ?9) AND tier >= 0"
        " ORDER BY tier, bm25(passages, 3.0, 1.0) LIMIT ?4 OFFSET ?5";

/*
 * The heading, snippet and the rest of the page's rows (?2 is a JSON array
 * of their ids): one pass over the matches, the marks made only for these
 * rows ("+" keeps FTS5 from looking each id up again, which costs a whole
 * pass per row for a prefix).
 */
static const char show_sql[] =
        "SELECT b.course, p.lesson, p.page, p.anchor, p.lang, highlight(passages, 0, x'01', x'02'),"
        " snippet(passages, 1, x'01', x'02', '\xe2\x80\xa6', 32), p.kind, p.media, p.track,"
        " p.start_ms, p.end_ms, p.rowid"
        " FROM passages AS p JOIN bundles AS b ON b.id = p.bundle"
        " WHERE passages MATCH ?1 AND +p.rowid IN (SELECT value FROM json_each(?2))";

/* The words of the index (fts5vocab) from ?1 up to ?2, and in how many rows. */
static const char vocab_sql[] = "SELECT term, doc FROM temp.vocab WHERE term >= ?1 AND term < ?2";

static const char window_sql[] =
        "SELECT sampan_window(passages, ?6) FROM passages AS p JOIN bundles AS b ON b.id = p.bundle"
        " WHERE passages MATCH ?1 AND" FILTERS " LIMIT ?4";

/* Whether an expression finds anything: the first row will do, unranked. */
static const char exists_sql[] =
        "SELECT sampan_rank(passages, ?6) AS tier FROM passages AS p JOIN bundles AS b"
        " ON b.id = p.bundle WHERE passages MATCH ?1 AND" FILTERS " AND tier >= 0 LIMIT 1";

/* ---- the tokenizer, for FTS5 ---- */

struct fts_ctx {
	void *ctx;
	int (*token)(void *, int, const char *, int, int, int);
};

/* The tokenizer FTS5 holds: ours, and the connection's, which says the texts' language. */
struct fts_tok {
	struct tokenizer *t;
	struct search *s;
};

static int fts_create(void *search, const char **argv, int argc, Fts5Tokenizer **out)
{
	struct fts_tok *f = calloc(1, sizeof(*f));

	(void)argv;
	(void)argc;
	if (!f || !(f->t = tokenizer_new())) {
		free(f);
		return SQLITE_NOMEM;
	}
	f->s = search;
	*out = (Fts5Tokenizer *)f;
	return SQLITE_OK;
}

static void fts_delete(Fts5Tokenizer *t)
{
	struct fts_tok *f = (struct fts_tok *)t;

	tokenizer_free(f->t);
	free(f);
}

static int fts_each(void *ctx, bool colocated, const char *word, size_t len, size_t start,
                    size_t end)
{
	struct fts_ctx *f = ctx;

	return f->token(f->ctx, colocated ? FTS5_TOKEN_COLOCATED : 0, word, (int)len, (int)start,
	                (int)end);
}

/*
 * The phrases of a search may begin with a mark that says which words
 * they are (search_run writes them; a student's control characters never
 * reach here): MARK_EXACT, Latin words with their accents; MARK_LOOSE, the
 * loose forms.  Texts and other phrases are tokenized as they are.
 */
#define MARK_EXACT '\x01'
#define MARK_STEM '\x02'
#define MARK_LOOSE '\x03'

static int fts_tokenize(Fts5Tokenizer *t, void *ctx, int flags, const char *text, int len,
                        int (*token)(void *, int, const char *, int, int, int))
{
	struct fts_ctx f = { ctx, token };
	struct fts_tok *ft = (struct fts_tok *)t;
	enum tokenize_mode mode = TOKENIZE_TEXT;
	int rc;

	if (len <= 0)
		return SQLITE_OK;
	if (flags & FTS5_TOKENIZE_QUERY) {
		mode = TOKENIZE_QUERY;
		if (text[0] == MARK_EXACT || text[0] == MARK_LOOSE || text[0] == MARK_STEM) {
			mode = text[0] == MARK_EXACT   ? TOKENIZE_EXACT
			       : text[0] == MARK_LOOSE ? TOKENIZE_LOOSE
			                               : TOKENIZE_STEM;
			text++;
			len--;
		}
	} else {
		/* A row written or deleted: the stems of its language. */
		tokenizer_set_lang(ft->t, ft->s ? ft->s->lang : NULL);
	}
	rc = tokenizer_run(ft->t, text, (size_t)len, mode, fts_each, &f);
	return rc < 0 ? SQLITE_ERROR : rc;
}

/* ---- ranking: sampan_rank and sampan_window, FTS5 auxiliary functions ---- */

/*
 * sampan_rank(passages, KINDS): how well a row matches a search, lower is
 * better; -1 when it does not (a match only through a stem its language
 * does not use).  KINDS has two bytes per phrase of the expression, in
 * order: the part of the search (the word typed) it stands for ('a' + n),
 * and what kind of form it is (PH_*).  The rank is the sum over the words
 * of how far from what was typed each was found (exact 0, accents
 * differ 1, another form of the word 2, a loose spelling 3), times 32,
 * plus the number of neighbouring words not found side by side.
 */
#define PH_FOLDED 'F' /* the word folded: exact when it has no accents */
#define PH_ACCENTS 'f' /* the word folded, when it was typed with accents */
#define PH_EXACT 'E' /* the word with its accents */
#define PH_STEM 'S' /* the word's stems: another word of the same stem */
#define PH_LOOSE 'L' /* a loose spelling */
#define PARTS_MAX SEARCH_WORDS_MAX

static int phrase_cost(char kind, const char *lang)
{
	switch (kind) {
	case PH_EXACT:
	case PH_FOLDED:
		return 0;
	case PH_ACCENTS:
		return 1;
	case PH_STEM:
		/* Filipino, Vietnamese and the others are not stemmed. */
		return variants_stems(STEM_EN, lang) || variants_stems(STEM_ID, lang) ? 2 : -1;
	default:
		return 3;
	}
}

static void rank_fn(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int nval,
                    sqlite3_value **val)
{
	const char *kinds = nval > 0 ? (const char *)sqlite3_value_text(val[0]) : NULL;
	int phrases = api->xPhraseCount(fts), insts = 0, cost[PARTS_MAX], parts = 0, rank = 0;
	int lang_len = 0;
	const char *lang = NULL;
	char tag[64];
	/* Where each word was found: the column and token range of its first instances. */
	struct {
		int col, start, end;
	} at[PARTS_MAX][8];
	int ats[PARTS_MAX];

	if (!kinds || (int)strlen(kinds) != 2 * phrases ||
	    api->xInstCount(fts, &insts) != SQLITE_OK) {
		sqlite3_result_int(ctx, -1);
		return;
	}
	if (api->xColumnText(fts, COL_LANG, &lang, &lang_len) != SQLITE_OK || !lang)
		lang_len = 0;
	snprintf(tag, sizeof(tag), "%.*s", lang_len, lang ? lang : "");
	for (int i = 0; i < PARTS_MAX; i++) {
		cost[i] = -1;
		ats[i] = 0;
	}
	for (int i = 0; i < phrases; i++) {
		int part = kinds[2 * i] - 'a';
		if (part >= 0 && part < PARTS_MAX && part + 1 > parts)
			parts = part + 1;
	}
	for (int k = 0; k < insts; k++) {
		int phrase, col, off, part, c;
		if (api->xInst(fts, k, &phrase, &col, &off) != SQLITE_OK || phrase < 0 ||
		    phrase >= phrases)
			continue;
		part = kinds[2 * phrase] - 'a';
		c = phrase_cost(kinds[2 * phrase + 1], tag);
		if (part < 0 || part >= PARTS_MAX || c < 0)
			continue;
		if (cost[part] < 0 || c < cost[part])
			cost[part] = c;
		if (ats[part] < 8) {
			at[part][ats[part]].col = col;
			at[part][ats[part]].start = off;
			at[part][ats[part]].end = off + api->xPhraseSize(fts, phrase);
			ats[part]++;
		}
	}
	for (int i = 0; i < parts; i++) {
		if (cost[i] < 0) {
			sqlite3_result_int(ctx, -1);
			return;
		}
		rank += 32 * cost[i];
	}
	/*
	 * Neighbours side by side: the next word starts where this one ends,
	 * or one later (a word of an unspaced script ends with a unit that
	 * starts a bigram of its own).
	 */
	for (int i = 0; i + 1 < parts; i++) {
		bool near = false;
		for (int a = 0; a < ats[i] && !near; a++)
			for (int b = 0; b < ats[i + 1] && !near; b++)
				near = at[i][a].col == at[i + 1][b].col &&
				       at[i + 1][b].start >= at[i][a].end &&
				       at[i + 1][b].start <= at[i][a].end + 1;
		rank += near ? 0 : 1;
	}
	sqlite3_result_int(ctx, rank);
}

struct window_ctx {
	int from, to; /* token positions wanted */
	int pos; /* of the next token */
	int start, end; /* bytes found */
};

static int window_token(void *ctx, int flags, const char *token, int len, int start, int end)
{
	struct window_ctx *w = ctx;

	(void)token;
	(void)len;
	if (flags & FTS5_TOKEN_COLOCATED)
		return SQLITE_OK;
	if (w->pos == w->from)
		w->start = start;
	if (w->pos >= w->from && w->pos <= w->to)
		w->end = end;
	w->pos++;
	return w->pos > w->to ? SQLITE_DONE : SQLITE_OK;
}

/*
 * sampan_window(passages, N): for a "did you mean" in a script without
 * spaces.  The expression is the bigrams of a word of N units (phrase i is
 * bigram i); the function finds where most of them stand in order and
 * returns "COUNT\tTEXT": how many, and the text of those N units.
 */
static void window_fn(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int nval,
                      sqlite3_value **val)
{
	int units = nval > 0 ? sqlite3_value_int(val[0]) : 0, insts = 0;
	int best = 0, best_col = -1, best_start = 0;
	const char *text;
	int text_len;
	struct window_ctx w;
	char *out;

	if (units < 2 || units > 64 || api->xInstCount(fts, &insts) != SQLITE_OK) {
		sqlite3_result_null(ctx);
		return;
	}
	/* Each instance says where the word would start: count the phrases that agree. */
	for (int k = 0; k < insts && k < 512; k++) {
		int phrase, col, off, count = 0;
		uint64_t seen = 0;
		if (api->xInst(fts, k, &phrase, &col, &off) != SQLITE_OK)
			continue;
		for (int m = 0; m < insts && m < 512; m++) {
			int p2, c2, o2;
			if (api->xInst(fts, m, &p2, &c2, &o2) != SQLITE_OK || c2 != col ||
			    o2 - p2 != off - phrase || p2 >= 64 || (seen & (1ull << p2)))
				continue;
			seen |= 1ull << p2;
			count++;
		}
		if (count > best) {
			best = count;
			best_col = col;
			best_start = off - phrase;
		}
	}
	if (best_col < 0 || best_start < 0 ||
	    api->xColumnText(fts, best_col, &text, &text_len) != SQLITE_OK || !text) {
		sqlite3_result_null(ctx);
		return;
	}
	w.from = best_start;
	w.to = best_start + units - 2; /* the last bigram ends with the last unit */
	w.pos = 0;
	w.start = w.end = -1;
	api->xTokenize(fts, text, text_len, &w, window_token);
	if (w.start < 0 || w.end <= w.start) {
		sqlite3_result_null(ctx);
		return;
	}
	out = sqlite3_mprintf("%d\t%.*s", best, w.end - w.start, text + w.start);
	if (out)
		sqlite3_result_text(ctx, out, -1, sqlite3_free);
	else
		sqlite3_result_error_nomem(ctx);
}

static int register_tokenizer(sqlite3 *db, struct search *s)
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
	rc = api->xCreateTokenizer(api, "sampan", s, &tok, NULL);
	if (rc == SQLITE_OK)
		rc = api->xCreateFunction(api, "sampan_rank", NULL, rank_fn, NULL);
	if (rc == SQLITE_OK)
		rc = api->xCreateFunction(api, "sampan_window", NULL, window_fn, NULL);
	return rc;
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
static int open_db(struct search *s, const char *path, sqlite3 **out)
{
	sqlite3 *db = NULL;
	int rc, v = -1, fd;

	*out = NULL;
	/*
	 * SQLite makes a new database 0644 whatever the umask; made here first,
	 * it is 0666 minus the umask as any file the player writes, and SQLite
	 * gives its -wal and -shm files the database's mode.
	 */
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (fd >= 0)
		close(fd);
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
	if (register_tokenizer(db, s) != SQLITE_OK)
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
	if (!s || !(s->path = strdup(path)) || !(s->tok = tokenizer_new()) ||
	    !(s->var = variants_new())) {
		if (s) {
			free(s->path);
			tokenizer_free(s->tok);
		}
		free(s);
		return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
	}
	rc = open_db(s, path, &s->db);
	if (rc == 1) {
		/* Not ours, another version, or damaged: an index can always be made again. */
		sqlite3_close(s->db);
		s->db = NULL;
		remove_db(path);
		rc = open_db(s, path, &s->db);
	}
	if (rc != 0) {
		enum bundle_status st = db_error(err, s->db, path, "cannot open the search index");
		search_close(s);
		return st;
	}
	if (sqlite3_prepare_v2(s->db, rank_sql, -1, &s->rank, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, show_sql, -1, &s->show, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, window_sql, -1, &s->window, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, exists_sql, -1, &s->exists, NULL) != SQLITE_OK) {
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
	sqlite3_finalize(s->rank);
	sqlite3_finalize(s->show);
	sqlite3_finalize(s->vocab);
	sqlite3_finalize(s->window);
	sqlite3_finalize(s->exists);
	sqlite3_close(s->db);
	tokenizer_free(s->tok);
	variants_free(s->var);
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
	struct search *s;
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
	a->s->lang = lang;
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
	a->s->lang = NULL;
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
	struct adder a = { s, NULL, 0, SQLITE_OK };
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

/*
 * Delete the rows of courses unseen since before, one row at a time: FTS5
 * tokenizes a deleted row again to take its words out of the index, and
 * the tokenizer must know the row's language to give the same stems.
 */
static int delete_stale(struct search *s, sqlite3_int64 before)
{
	sqlite3_stmt *rows = NULL, *del = NULL;
	int rc = sqlite3_prepare_v2(s->db,
	                            "SELECT p.rowid, p.lang FROM passages AS p WHERE p.bundle IN"
	                            " (SELECT id FROM bundles WHERE live = 0 AND seen < ?1)",
	                            -1, &rows, NULL);

	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(s->db, "DELETE FROM passages WHERE rowid = ?1", -1, &del,
		                        NULL);
	if (rc == SQLITE_OK)
		sqlite3_bind_int64(rows, 1, before);
	while (rc == SQLITE_OK && (rc = sqlite3_step(rows)) == SQLITE_ROW) {
		char lang[64];
		const unsigned char *l = sqlite3_column_text(rows, 1);
		snprintf(lang, sizeof(lang), "%s", l ? (const char *)l : "");
		s->lang = lang;
		sqlite3_reset(del);
		sqlite3_bind_int64(del, 1, sqlite3_column_int64(rows, 0));
		rc = sqlite3_step(del) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(s->db);
		s->lang = NULL;
	}
	if (rc == SQLITE_DONE)
		rc = SQLITE_OK;
	sqlite3_finalize(rows);
	sqlite3_finalize(del);
	if (rc == SQLITE_OK) {
		char sql[128];
		snprintf(sql, sizeof(sql), "DELETE FROM bundles WHERE live = 0 AND seen < %lld",
		         (long long)before);
		rc = exec(s->db, sql);
	}
	return rc;
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
		if (stale)
			rc = delete_stale(s, now - UNSEEN_SECONDS);
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

/* Fewer results than this on the first pass, and a search looks further. */
#define SEARCH_LITTLE 3
/* Terms of the index read at most for one word's spelling. */
#define VOCAB_SCAN_MAX 20000

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

/* The words of a text, joined by spaces, and how many. */
struct collect {
	char buf[4 * SEARCH_QUERY_MAX];
	size_t len, count;
};

static int collect_word(void *ctx, bool colocated, const char *w, size_t len, size_t start,
                        size_t end)
{
	struct collect *c = ctx;

	(void)start;
	(void)end;
	if (colocated)
		return 0;
	if (c->len + len + 1 < sizeof(c->buf)) {
		if (c->count)
			c->buf[c->len++] = ' ';
		memcpy(c->buf + c->len, w, len);
		c->len += len;
		c->buf[c->len] = '\0';
	}
	c->count++;
	return 0;
}

/* One form of a word typed, as a phrase of the expression. */
struct alt {
	char kind; /* PH_* */
	char mark; /* MARK_EXACT, MARK_LOOSE or 0 */
	bool loose; /* only in the looser pass */
	char *text;
};

/* A word typed: a part of the search between spaces. */
struct part {
	const char *text;
	size_t len;
	char folded[TOKEN_MAX]; /* its one folded word, when it is one Latin word; else "" */
	bool accents; /* typed with accents: the exact words differ from the folded ones */
	bool runs; /* in a script without spaces, or Chinese */
	bool star; /* the last word of a suggestion: it may end inside a word */
	struct alt *alts;
	size_t count;
};

struct parts {
	struct part p[PARTS_MAX];
	size_t n;
};

static void parts_free(struct parts *q)
{
	for (size_t i = 0; i < q->n; i++) {
		for (size_t k = 0; k < q->p[i].count; k++)
			free(q->p[i].alts[k].text);
		free(q->p[i].alts);
	}
	q->n = 0;
}

static bool add_alt(struct part *p, char kind, char mark, bool loose, const char *text, size_t len)
{
	struct alt *a;
	char *t;

	for (size_t k = 0; k < p->count; k++)
		if (p->alts[k].kind == kind && p->alts[k].mark == mark &&
		    strlen(p->alts[k].text) == len && memcmp(p->alts[k].text, text, len) == 0)
			return true;
	a = realloc(p->alts, (p->count + 1) * sizeof(*a));
	if (!a)
		return false;
	p->alts = a;
	t = strndup(text, len);
	if (!t)
		return false;
	a[p->count++] = (struct alt){ kind, mark, loose, t };
	return true;
}

/* Split what was typed into words, each with its folded and exact forms. */
static bool split_parts(struct tokenizer *t, const char *text, bool prefix, struct parts *q)
{
	size_t len = strlen(text), pos = 0;

	memset(q, 0, sizeof(*q));
	if (len > SEARCH_QUERY_MAX) {
		len = SEARCH_QUERY_MAX;
		while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80)
			len--;
	}
	while (pos < len && q->n < PARTS_MAX) {
		struct collect folded, exact;
		struct part *p;
		size_t sp, start, end;
		bool is_last;

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
		folded.len = folded.count = exact.len = exact.count = 0;
		folded.buf[0] = exact.buf[0] = '\0';
		if (tokenizer_run(t, text + start, end - start, TOKENIZE_QUERY, collect_word,
		                  &folded) != 0 ||
		    folded.count == 0)
			continue; /* punctuation only */
		if (tokenizer_run(t, text + start, end - start, TOKENIZE_EXACT, collect_word,
		                  &exact) != 0)
			continue;
		p = &q->p[q->n++];
		p->text = text + start;
		p->len = end - start;
		p->star = prefix && is_last;
		p->accents = strcmp(folded.buf, exact.buf) != 0;
		p->runs = false;
		for (size_t i = start; i < end && !p->runs;) {
			size_t next = i;
			uint32_t c;
			if (!utf8_next(text, end, &next, &c)) {
				i++;
				continue;
			}
			p->runs = tokenizer_dictionary_script(text + i, next - i) ||
			          tokenizer_ideographic(text + i, next - i);
			i = next;
		}
		if (folded.count == 1 && !p->runs && folded.len < TOKEN_MAX)
			memcpy(p->folded, folded.buf, folded.len + 1);
	}
	return true;
}

/* Make sure temp.vocab (the index's words, fts5vocab) can be read; false when it cannot. */
static bool vocab_ready(struct search *s)
{
	if (s->vocab)
		return true;
	if (exec(s->db, "CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab"
	                " USING fts5vocab(main, 'passages', 'row')") != SQLITE_OK)
		return false;
	return sqlite3_prepare_v2(s->db, vocab_sql, -1, &s->vocab, NULL) == SQLITE_OK;
}

/* Read the index's words from lo (lo_len bytes) up to lo + 0xFF: each to fn until it says stop. */
static int vocab_scan(struct search *s, const char *lo, size_t lo_len,
                      bool (*fn)(void *ctx, const char *term, size_t len, int docs), void *ctx)
{
	char hi[TOKEN_MAX + 2];
	int rc, n = 0;

	if (lo_len > TOKEN_MAX || !vocab_ready(s))
		return SQLITE_OK;
	memcpy(hi, lo, lo_len);
	hi[lo_len] = '\xff';
	sqlite3_reset(s->vocab);
	sqlite3_bind_text(s->vocab, 1, lo, (int)lo_len, SQLITE_STATIC);
	sqlite3_bind_text(s->vocab, 2, hi, (int)lo_len + 1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s->vocab)) == SQLITE_ROW && n++ < VOCAB_SCAN_MAX) {
		const char *term = (const char *)sqlite3_column_text(s->vocab, 0);
		int len = sqlite3_column_bytes(s->vocab, 0);
		/* The exact and loose forms begin with a control character or fold to another. */
		if (!term || len <= 0 || (unsigned char)term[0] < 0x20)
			continue;
		if (!fn(ctx, term, (size_t)len, sqlite3_column_int(s->vocab, 1)))
			break;
	}
	sqlite3_reset(s->vocab);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/*
 * The forms of each word: folded (and exact, when typed with accents);
 * its stems (English, Indonesian and Malay texts); for the looser
 * pass, the loose spelling of a run, Chinese as Simplified, the other
 * Malay or Indonesian spelling.
 */
static int add_forms(struct search *s, struct parts *q)
{
	int rc = SQLITE_OK;

	for (size_t i = 0; i < q->n && rc == SQLITE_OK; i++) {
		struct part *p = &q->p[i];
		char *typed = strndup(p->text, p->len);

		if (!typed)
			return SQLITE_NOMEM;
		add_alt(p, p->accents ? PH_ACCENTS : PH_FOLDED, 0, false, typed, p->len);
		if (p->accents)
			add_alt(p, PH_EXACT, MARK_EXACT, false, typed, p->len);
		if (p->folded[0] && !p->star)
			add_alt(p, PH_STEM, MARK_STEM, false, typed, p->len);
		if (p->runs) {
			char *simple = variants_simplified(s->var, typed, p->len);
			add_alt(p, PH_LOOSE, MARK_LOOSE, true, typed, p->len);
			if (simple)
				add_alt(p, PH_LOOSE, 0, true, simple, strlen(simple));
			free(simple);
		} else if (p->folded[0]) {
			const char *other = variants_malay_pair(p->folded, strlen(p->folded));
			if (other)
				add_alt(p, PH_LOOSE, 0, true, other, strlen(other));
		}
		free(typed);
	}
	return rc;
}

/* A phrase of the expression: quoted, a mark first, quotes doubled, controls as spaces. */
static void put_phrase(struct sbuf *b, char mark, const char *text, bool star)
{
	sbuf_adds(b, "\"");
	if (mark)
		sbuf_add(b, &mark, 1);
	for (const char *c = text; *c; c++) {
		if (*c == '"')
			sbuf_adds(b, "\"\"");
		else if ((unsigned char)*c >= 0x20 && *c != 0x7F)
			sbuf_add(b, c, 1);
		else
			sbuf_adds(b, " ");
	}
	sbuf_adds(b, star ? "\"*" : "\"");
}

/*
 * The FTS5 expression of a search (malloc'd, "" without words) and the
 * kinds of its phrases for sampan_rank: every word required, in any of
 * its forms (with loose, the looser pass's too).
 */
static char *build(const struct parts *q, bool loose, char **kinds)
{
	struct sbuf b, k;

	sbuf_init(&b, 64 * SEARCH_QUERY_MAX);
	sbuf_init(&k, 4 * SEARCH_QUERY_MAX);
	for (size_t i = 0; i < q->n; i++) {
		const struct part *p = &q->p[i];
		size_t n = 0;
		for (size_t a = 0; a < p->count; a++)
			n += !p->alts[a].loose || loose;
		if (i > 0)
			sbuf_adds(&b, " AND ");
		if (n > 1)
			sbuf_adds(&b, "(");
		n = 0;
		for (size_t a = 0; a < p->count; a++) {
			const struct alt *x = &p->alts[a];
			char kk[2] = { (char)('a' + i), x->kind };
			if (x->loose && !loose)
				continue;
			if (n++ > 0)
				sbuf_adds(&b, " OR ");
			put_phrase(&b, x->mark, x->text, p->star && x->kind != PH_LOOSE);
			sbuf_add(&k, kk, 2);
		}
		if (n > 1)
			sbuf_adds(&b, ")");
	}
	*kinds = sbuf_take(&k, NULL);
	return sbuf_take(&b, NULL);
}

char *search_expression(const char *text, bool prefix)
{
	struct tokenizer *t = tokenizer_new();
	struct parts q;
	char *e = NULL, *kinds = NULL;

	if (!t)
		return NULL;
	split_parts(t, text, prefix, &q);
	for (size_t i = 0; i < q.n; i++) {
		struct part *p = &q.p[i];
		char *typed = strndup(p->text, p->len);
		if (typed) {
			add_alt(p, p->accents ? PH_ACCENTS : PH_FOLDED, 0, false, typed, p->len);
			if (p->accents)
				add_alt(p, PH_EXACT, MARK_EXACT, false, typed, p->len);
		}
		free(typed);
	}
	e = build(&q, false, &kinds);
	free(kinds);
	parts_free(&q);
	tokenizer_free(t);
	return e;
}

static int past_deadline(void *ctx)
{
	struct search *s = ctx;

	return monotime_now() > s->deadline;
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
	free(r->did_you_mean);
	memset(r, 0, sizeof(*r));
}

static void bind_filters(sqlite3_stmt *st, const struct search_query *q)
{
	bind_text(st, 2, q->course && *q->course ? q->course : NULL);
	bind_text(st, 3, q->lang && *q->lang ? q->lang : NULL);
}

/*
 * Row ids of a page of the expression's matches, best first, leaving out
 * the rows in skip (at most SEARCH_LITTLE).  SQLITE_DONE, or the error.
 */
static int rank_page(struct search *s, const struct search_query *q, const char *expr,
                     const char *kinds, size_t offset, size_t limit, const sqlite3_int64 *skip,
                     size_t skips, sqlite3_int64 *ids, size_t *count)
{
	sqlite3_stmt *st = s->rank;
	int rc;

	*count = 0;
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
	bind_filters(st, q);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)limit);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)(offset < 100000 ? offset : 100000));
	sqlite3_bind_text(st, 6, kinds, -1, SQLITE_STATIC);
	for (int i = 0; i < SEARCH_LITTLE; i++)
		sqlite3_bind_int64(st, 7 + i, skip && (size_t)i < skips ? skip[i] : -1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *count < limit)
		ids[(*count)++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_ROW ? SQLITE_DONE : rc;
}

/* Whether the expression finds any row: SQLITE_DONE with *found, or the error. */
static int any_row(struct search *s, const struct search_query *q, const char *expr,
                   const char *kinds, bool *found)
{
	sqlite3_stmt *st = s->exists;
	int rc;

	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
	bind_filters(st, q);
	sqlite3_bind_text(st, 6, kinds, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	*found = rc == SQLITE_ROW;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_ROW ? SQLITE_DONE : rc;
}

struct found {
	sqlite3_int64 id;
	int expr; /* which expression marks it: 0 exact, 1 looser, 2 corrected */
};

/*
 * A snippet that shows the words found (malloc'd, or NULL when out of
 * memory), taking snippet.  FTS5's snippet() marks matches in the text
 * only: when the words were found in the heading alone it gives the
 * text's start without a mark.  Then the snippet begins with the part of
 * the heading that holds the first mark (a heading is "Section › Box: its
 * title"), before the text.
 */
static char *snippet_with_match(const char *heading, char *snippet)
{
	static const char sep[] = " \xe2\x80\xba ", dash[] = " \xe2\x80\x94 ";
	const char *mark = strchr(heading, '\x01'), *from = heading, *to, *p;
	char *out;
	size_t n;

	if (!snippet || strchr(snippet, '\x01') || !mark)
		return snippet;
	for (p = heading; (p = strstr(p, sep)) != NULL && p < mark; p += strlen(sep))
		from = p + strlen(sep);
	to = strstr(mark, sep);
	n = to ? (size_t)(to - from) : strlen(from);
	out = malloc(n + strlen(dash) + strlen(snippet) + 1);
	if (out) {
		memcpy(out, from, n);
		if (*snippet) {
			memcpy(out + n, dash, strlen(dash));
			n += strlen(dash);
		}
		memcpy(out + n, snippet, strlen(snippet) + 1);
	}
	free(snippet);
	return out;
}

/*
 * Fill the hits of found[0, n) found by expression e (marked with its
 * matches), each in its place.  SQLITE_DONE, or the error.
 */
static int show_hits(struct search *s, const char *expr, int e, const struct found *found, size_t n,
                     struct search_hit *hits)
{
	sqlite3_stmt *st = s->show;
	char ids[(SEARCH_LIMIT_MAX + 1) * 24 + 2];
	size_t len = 0, want = 0;
	int rc;

	ids[len++] = '[';
	for (size_t i = 0; i < n; i++)
		if (found[i].expr == e) {
			len += (size_t)snprintf(ids + len, sizeof(ids) - len, "%s%lld",
			                        want ? "," : "", (long long)found[i].id);
			want++;
		}
	if (want == 0)
		return SQLITE_DONE;
	ids[len++] = ']';
	ids[len] = '\0';
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ids, (int)len, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		sqlite3_int64 id = sqlite3_column_int64(st, 12);
		struct search_hit *h = NULL;
		for (size_t i = 0; i < n && !h; i++)
			if (found[i].expr == e && found[i].id == id && !hits[i].course)
				h = &hits[i];
		if (!h)
			continue;
		h->course = column(st, 0);
		h->lesson = column(st, 1);
		h->page = column(st, 2);
		h->anchor = column(st, 3);
		h->lang = column(st, 4);
		h->heading = column(st, 5);
		h->snippet = column(st, 6);
		if (h->heading)
			h->snippet = snippet_with_match(h->heading, h->snippet);
		h->approximate = e > 0;
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
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc;
}

/* ---- did you mean ---- */

static int prepare_parts(struct search *s, const char *text, bool prefix, struct parts *qp);

#define SPELL_CANDIDATES 3

struct spell_scan {
	const char *word;
	size_t len, max;
	bool prefix; /* the word may be the start of one */
	size_t found;
	struct {
		size_t dist;
		int docs, shown_docs;
		char term[TOKEN_MAX + 1];
		char shown[TOKEN_MAX + 1]; /* its most used accented form, or "" */
	} best[SPELL_CANDIDATES]; /* closest first, then the most used */
};

static bool spell_term(void *ctx, const char *term, size_t len, int docs)
{
	struct spell_scan *x = ctx;
	char folded[TOKEN_MAX];
	size_t d, n, cmp = len, at;

	/*
	 * Candidates are the index's folded words.  An exact (accented) form
	 * comes after its folded word in the index's order: it is what the
	 * did-you-mean shows of a candidate ("găng", not "gang").
	 */
	n = tokenizer_fold(term, len, folded);
	if (n != len || memcmp(folded, term, len) != 0) {
		for (size_t i = 0; i < x->found; i++)
			if (strlen(x->best[i].term) == n &&
			    memcmp(x->best[i].term, folded, n) == 0 &&
			    docs > x->best[i].shown_docs) {
				memcpy(x->best[i].shown, term, len);
				x->best[i].shown[len] = '\0';
				x->best[i].shown_docs = docs;
			}
		return true;
	}
	if (term[0] >= '0' && term[0] <= '9')
		return true;
	if (x->prefix && len > x->len) {
		/* A word typed so far: compare with the start of each word, as long. */
		size_t chars = 0, pos = 0;
		while (pos < len && chars < x->len) {
			pos++;
			while (pos < len && ((unsigned char)term[pos] & 0xC0) == 0x80)
				pos++;
			chars++;
		}
		cmp = pos;
	}
	d = variants_distance(x->word, x->len, term, cmp, x->max);
	if (d == 0 || d > x->max)
		return true;
	for (at = 0; at < x->found; at++)
		if (d < x->best[at].dist || (d == x->best[at].dist && docs > x->best[at].docs))
			break;
	if (at == SPELL_CANDIDATES)
		return true;
	if (x->found < SPELL_CANDIDATES)
		x->found++;
	memmove(&x->best[at + 1], &x->best[at], (x->found - 1 - at) * sizeof(x->best[0]));
	x->best[at].dist = d;
	x->best[at].docs = docs;
	x->best[at].shown[0] = '\0';
	x->best[at].shown_docs = 0;
	memcpy(x->best[at].term, term, len);
	x->best[at].term[len] = '\0';
	return true;
}

static bool term_exists(void *ctx, const char *term, size_t len, int docs)
{
	struct spell_scan *x = ctx;

	(void)docs;
	(void)term;
	if ((x->prefix && len >= x->len) || len == x->len)
		x->found = 1;
	return false; /* the first term at or after the word is enough */
}

/* The index's closest words to a Latin word it does not have, in x; false when none. */
static bool spell_latin(struct search *s, const struct part *p, struct spell_scan *x)
{
	size_t len = strlen(p->folded), first = 1;

	memset(x, 0, sizeof(*x));
	x->word = p->folded;
	x->len = len;
	x->prefix = p->star;
	/* Known already (or, typed so far, the start of a known word): nothing to correct. */
	if (vocab_scan(s, p->folded, len, term_exists, x) != SQLITE_OK || x->found) {
		x->found = 0;
		return false;
	}
	if (len < 3 || (p->folded[0] >= '0' && p->folded[0] <= '9'))
		return false;
	x->max = len <= 4 ? 1 : 2;
	while (first < len && ((unsigned char)p->folded[first] & 0xC0) == 0x80)
		first++;
	/* Words that begin with the same letter: a first letter is seldom the slip. */
	if (vocab_scan(s, p->folded, first, spell_term, x) != SQLITE_OK || x->found == 0)
		return false;
	/* Vietnamese đ folds to d but sorts apart: the accented forms of d- words are there. */
	if (p->folded[0] == 'd')
		vocab_scan(s, "\xc4\x91", 2, spell_term, x);
	return true;
}

/*
 * A word of a script without spaces that the index does not have: the run
 * of as many units in the courses where most of its bigrams stand in order
 * (sampan_window), into out; false when none shares half of them.
 */
static bool spell_run(struct search *s, const struct search_query *q, const struct part *p,
                      char *out, size_t size)
{
	struct collect bigrams;
	struct sbuf b;
	char *expr, *kinds = NULL, *w, *save = NULL;
	size_t units, best = 0, best_dist = (size_t)-1, phrases;
	bool pairs;
	int rc;

	bigrams.len = bigrams.count = 0;
	bigrams.buf[0] = '\0';
	if (tokenizer_run(s->tok, p->text, p->len, TOKENIZE_QUERY, collect_word, &bigrams) != 0 ||
	    bigrams.count < 2 || bigrams.count > 60)
		return false;
	units = bigrams.count + 1;
	/*
	 * Phrase i stands for bigram i.  A word of five units or more asks for
	 * bigrams i and i + 1 together (three units in a row): far fewer rows
	 * than any single bigram, and a slip still leaves some of them whole.
	 */
	pairs = bigrams.count >= 4;
	phrases = bigrams.count - (pairs ? 1 : 0);
	sbuf_init(&b, 64 * SEARCH_QUERY_MAX);
	{
		char *list[64];
		size_t n = 0;
		for (w = strtok_r(bigrams.buf, " ", &save); w && n < 64;
		     w = strtok_r(NULL, " ", &save))
			list[n++] = w;
		for (size_t i = 0; i < phrases; i++) {
			char two[2 * TOKEN_MAX + 2];
			if (b.len)
				sbuf_adds(&b, " OR ");
			snprintf(two, sizeof(two), "%s%s%s", list[i], pairs ? " " : "",
			         pairs ? list[i + 1] : "");
			put_phrase(&b, 0, two, false);
		}
	}
	expr = sbuf_take(&b, NULL);
	if (!expr)
		return false;
	sqlite3_reset(s->window);
	sqlite3_bind_text(s->window, 1, expr, -1, SQLITE_STATIC);
	bind_filters(s->window, q);
	sqlite3_bind_int64(s->window, 4, 20);
	sqlite3_bind_int64(s->window, 6, (sqlite3_int64)units);
	while ((rc = sqlite3_step(s->window)) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(s->window, 0);
		const char *tab = v ? strchr(v, '\t') : NULL;
		size_t n = v ? strtoul(v, NULL, 10) : 0, d;
		if (!tab || n < best || strlen(tab + 1) >= size)
			continue;
		if (strlen(tab + 1) == p->len && memcmp(tab + 1, p->text, p->len) == 0)
			continue;
		/* As many bigrams: the run closest to what was typed. */
		d = variants_distance(tab + 1, strlen(tab + 1), p->text, p->len, 16);
		if (n == best && d >= best_dist)
			continue;
		best = n;
		best_dist = d;
		memcpy(out, tab + 1, strlen(tab + 1) + 1);
	}
	sqlite3_reset(s->window);
	sqlite3_clear_bindings(s->window);
	free(expr);
	free(kinds);
	return best > 0 && 2 * best >= phrases;
}

/* Whether the word alone is in any course searched. */
static int part_found(struct search *s, const struct search_query *q, const struct part *p,
                      bool *found)
{
	struct sbuf b;
	char *expr;
	int rc;

	sbuf_init(&b, 8 * SEARCH_QUERY_MAX);
	for (size_t a = 0; a < p->count; a++)
		if (!p->alts[a].loose && p->alts[a].kind == (p->accents ? PH_ACCENTS : PH_FOLDED))
			put_phrase(&b, 0, p->alts[a].text, p->star);
	expr = sbuf_take(&b, NULL);
	if (!expr)
		return SQLITE_NOMEM;
	rc = any_row(s, q, expr, "aF", found);
	free(expr);
	return rc;
}

/* Whether text finds anything (the first pass, one row): SQLITE_DONE with *found. */
static int finds(struct search *s, const struct search_query *q, const char *text, bool *found)
{
	struct parts qp;
	char *expr = NULL, *kinds = NULL;
	int rc = prepare_parts(s, text, q->prefix, &qp);

	if (rc == SQLITE_OK) {
		expr = build(&qp, false, &kinds);
		rc = expr && kinds ? SQLITE_DONE : SQLITE_NOMEM;
	}
	*found = false;
	if (rc == SQLITE_DONE && *expr)
		rc = any_row(s, q, expr, kinds, found);
	free(expr);
	free(kinds);
	parts_free(&qp);
	return rc;
}

/*
 * "Did you mean": what was typed with each word the courses do not have
 * replaced by one close to it that they do (malloc'd in *out), when that
 * finds something; *out NULL otherwise.  The closest words are tried
 * first, then the next ones of one word at a time.  SQLITE_DONE, or the
 * error.
 */
static int did_you_mean(struct search *s, const struct search_query *q, const struct parts *qp,
                        bool first_found, char **out)
{
	struct spell_scan x[PARTS_MAX];
	char run[PARTS_MAX][4 * SEARCH_QUERY_MAX];
	size_t choice[PARTS_MAX];
	bool changed = false;
	int rc = SQLITE_DONE;

	*out = NULL;
	for (size_t i = 0; i < qp->n && rc == SQLITE_DONE; i++) {
		const struct part *p = &qp->p[i];
		bool found = true;

		x[i].found = 0;
		choice[i] = 0;
		run[i][0] = '\0';
		if (p->folded[0]) {
			changed |= spell_latin(s, p, &x[i]);
		} else if (p->runs) {
			/* A search of one word: the first pass said whether it is there. */
			if (qp->n > 1)
				rc = part_found(s, q, p, &found);
			else
				found = first_found;
			if (rc == SQLITE_DONE && !found &&
			    spell_run(s, q, p, run[i], sizeof(run[i])))
				changed = true;
		}
	}
	if (rc != SQLITE_DONE || !changed)
		return rc;
	/* The closest of each first; then, one word at a time, its next ones. */
	for (size_t attempt = 0; attempt < 1 + PARTS_MAX * (SPELL_CANDIDATES - 1); attempt++) {
		size_t word = attempt == 0 ? 0 : (attempt - 1) / (SPELL_CANDIDATES - 1);
		size_t alt = attempt == 0 ? 0 : 1 + (attempt - 1) % (SPELL_CANDIDATES - 1);
		struct sbuf b;
		char *text;
		bool found = false;

		if (word >= qp->n || (attempt > 0 && alt >= x[word].found))
			continue;
		for (size_t i = 0; i < qp->n; i++)
			choice[i] = attempt > 0 && i == word ? alt : 0;
		sbuf_init(&b, 4 * SEARCH_QUERY_MAX);
		for (size_t i = 0; i < qp->n; i++) {
			if (i > 0)
				sbuf_adds(&b, " ");
			if (x[i].found)
				sbuf_adds(&b, x[i].best[choice[i]].shown[0]
				                      ? x[i].best[choice[i]].shown
				                      : x[i].best[choice[i]].term);
			else if (run[i][0])
				sbuf_adds(&b, run[i]);
			else
				sbuf_add(&b, qp->p[i].text, qp->p[i].len);
		}
		text = sbuf_take(&b, NULL);
		if (!text)
			return SQLITE_NOMEM;
		rc = finds(s, q, text, &found);
		if (rc != SQLITE_DONE || found) {
			if (found)
				*out = text;
			else
				free(text);
			return rc;
		}
		free(text);
	}
	return SQLITE_DONE;
}

/* ---- the passes ---- */

/* The words of text with their forms; rc as SQLite's. */
static int prepare_parts(struct search *s, const char *text, bool prefix, struct parts *qp)
{
	split_parts(s->tok, text, prefix, qp);
	return add_forms(s, qp);
}

enum bundle_status search_run(struct search *s, const struct search_query *q,
                              struct search_result *r, struct bundle_error *err)
{
	size_t limit = q->limit ? q->limit : 10, offset = q->offset, n = 0, first_n = 0;
	struct parts qp, fixed;
	char *expr[3] = { NULL, NULL, NULL }, *kinds[3] = { NULL, NULL, NULL };
	sqlite3_int64 ids[SEARCH_LIMIT_MAX + 1], first[SEARCH_LITTLE];
	struct found found[SEARCH_LIMIT_MAX + 1];
	size_t nfound = 0;
	bool more = false;
	int rc;

	memset(r, 0, sizeof(*r));
	memset(&fixed, 0, sizeof(fixed));
	if (limit > SEARCH_LIMIT_MAX)
		limit = SEARCH_LIMIT_MAX;
	if (offset > 100000)
		offset = 100000;
	s->deadline = monotime_now() + (q->budget > 0 ? q->budget : 1.0);
	sqlite3_progress_handler(s->db, 2000, past_deadline, s);
	rc = prepare_parts(s, q->text ? q->text : "", q->prefix, &qp);
	if (rc == SQLITE_OK && qp.n == 0) {
		sqlite3_progress_handler(s->db, 0, NULL, NULL);
		r->empty_query = true;
		return BUNDLE_OK;
	}
	if (rc == SQLITE_OK) {
		expr[0] = build(&qp, false, &kinds[0]);
		rc = expr[0] && kinds[0] ? SQLITE_DONE : SQLITE_NOMEM;
	}
	/* The first pass: the words as typed, folded, and of the same stem. */
	if (rc == SQLITE_DONE)
		rc = rank_page(s, q, expr[0], kinds[0], offset, limit + 1, NULL, 0, ids, &n);
	for (size_t i = 0; rc == SQLITE_DONE && i < n; i++) {
		if (nfound == limit) {
			more = true;
			break;
		}
		found[nfound++] = (struct found){ ids[i], 0 };
	}
	/* How many the first pass found, when few: they come first on every page. */
	if (rc == SQLITE_DONE) {
		if (offset == 0) {
			first_n = n;
		} else if (n == 0) {
			rc = rank_page(s, q, expr[0], kinds[0], 0, SEARCH_LITTLE, NULL, 0, ids,
			               &first_n);
		} else {
			first_n = SEARCH_LITTLE;
		}
		for (size_t i = 0; i < first_n && i < SEARCH_LITTLE; i++)
			first[i] = ids[i];
	}
	if (rc == SQLITE_DONE && first_n < SEARCH_LITTLE) {
		/* Little or nothing: the looser pass, after what the first found. */
		size_t skip = offset > first_n ? offset - first_n : 0, m = 0;
		expr[1] = build(&qp, true, &kinds[1]);
		rc = expr[1] && kinds[1] ? SQLITE_DONE : SQLITE_NOMEM;
		if (rc == SQLITE_DONE && strcmp(kinds[1], kinds[0]) != 0)
			rc = rank_page(s, q, expr[1], kinds[1], skip, limit + 1 - nfound, first,
			               first_n, ids, &m);
		for (size_t i = 0; rc == SQLITE_DONE && i < m; i++) {
			if (nfound == limit) {
				more = true;
				break;
			}
			found[nfound++] = (struct found){ ids[i], 1 };
		}
		/* And what the student may have meant (while typing, only when nothing is found). */
		if (rc == SQLITE_DONE && (!q->prefix || nfound == 0))
			rc = did_you_mean(s, q, &qp, first_n > 0, &r->did_you_mean);
		if (rc == SQLITE_DONE && r->did_you_mean) {
			rc = prepare_parts(s, r->did_you_mean, q->prefix, &fixed);
			if (rc == SQLITE_OK) {
				expr[2] = build(&fixed, false, &kinds[2]);
				rc = expr[2] && kinds[2] ? SQLITE_DONE : SQLITE_NOMEM;
			}
			/* Shown when nothing else was found. */
			if (rc == SQLITE_DONE && first_n == 0 && nfound == 0 && !more &&
			    (offset == 0 || (rank_page(s, q, expr[1], kinds[1], 0, 1, first, 0, ids,
			                               &m) == SQLITE_DONE &&
			                     m == 0))) {
				r->corrected = true;
				rc = rank_page(s, q, expr[2], kinds[2], offset, limit + 1, NULL, 0,
				               ids, &m);
				for (size_t i = 0; rc == SQLITE_DONE && i < m; i++) {
					if (nfound == limit) {
						more = true;
						break;
					}
					found[nfound++] = (struct found){ ids[i], 2 };
				}
			}
		}
	}
	/* The page's rows, marked with the expression that found each. */
	if (rc == SQLITE_DONE && nfound > 0) {
		r->hits = calloc(nfound, sizeof(*r->hits));
		if (!r->hits)
			rc = SQLITE_NOMEM;
	}
	for (int e = 0; e < 3 && rc == SQLITE_DONE && nfound > 0; e++)
		rc = show_hits(s, expr[e], e, found, nfound, r->hits);
	if (rc == SQLITE_DONE) {
		/* Every row found is shown, in order; a row gone meanwhile is left out. */
		size_t w = 0;
		for (size_t i = 0; i < nfound; i++)
			if (r->hits[i].course)
				r->hits[w++] = r->hits[i];
		r->count = w;
	} else if (r->hits) {
		r->count = nfound;
	}
	sqlite3_progress_handler(s->db, 0, NULL, NULL);
	r->more = more;
	parts_free(&qp);
	parts_free(&fixed);
	for (int i = 0; i < 3; i++) {
		free(expr[i]);
		free(kinds[i]);
	}
	if (rc == SQLITE_DONE || rc == SQLITE_OK)
		return BUNDLE_OK;
	search_result_free(r);
	if (rc == SQLITE_INTERRUPT) {
		r->timed_out = true;
		return BUNDLE_OK;
	}
	if (rc == SQLITE_NOMEM)
		return bundle_error_set(err, BUNDLE_NOMEM, RULE_NONE, NULL, 0, "out of memory");
	return db_error(err, s->db, s->path, "search failed");
}
