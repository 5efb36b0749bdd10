/*
 * teacher.c - the teacher's gate and its pages (teacher.h).
 */
#include "teacher.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "course.h"
#include "errpage.h"
#include "html.h"
#include "httputil.h"
#include "l10n.h"
#include "monotime.h"
#include "sbuf.h"

#define PEERS_MAX 256
#define PEER_LEN 64
#define PAGE_MAX (4u * 1024 * 1024)

struct peer_tries {
	char peer[PEER_LEN];
	double since; /* start of its window */
	unsigned wrong;
};

struct teacher_gate {
	pthread_mutex_t lock;
	char code[TEACHER_CODE_LEN + 1];
	unsigned char tokens[TEACHER_SESSIONS_MAX][32];
	size_t tokens_count, tokens_next; /* filled, and the one replaced next */
	struct peer_tries peers[PEERS_MAX];
	double all_since;
	unsigned all_wrong;
};

bool request_peer_is_loopback(const unsigned char *a, size_t len)
{
	static const unsigned char one[16] = { [15] = 1 };
	static const unsigned char mapped[12] = { [10] = 0xff, [11] = 0xff };

	if (len == 4)
		return a[0] == 127;
	if (len == 16)
		return memcmp(a, one, 16) == 0 || (memcmp(a, mapped, 12) == 0 && a[12] == 127);
	return false;
}

struct teacher_gate *teacher_gate_new(void)
{
	struct teacher_gate *g = calloc(1, sizeof(*g));

	if (!g || sodium_init() < 0) {
		free(g);
		return NULL;
	}
	pthread_mutex_init(&g->lock, NULL);
	for (size_t i = 0; i < TEACHER_CODE_LEN; i++)
		g->code[i] = (char)('0' + randombytes_uniform(10));
	g->code[TEACHER_CODE_LEN] = '\0';
	return g;
}

void teacher_gate_free(struct teacher_gate *g)
{
	if (!g)
		return;
	pthread_mutex_destroy(&g->lock);
	sodium_memzero(g, sizeof(*g));
	free(g);
}

const char *teacher_gate_code(const struct teacher_gate *g)
{
	return g->code;
}

bool teacher_gate_allows(struct teacher_gate *g, const struct request *rq)
{
	const char *v;
	unsigned char token[32];
	size_t len = 0, bin = 0;
	bool ok = false;

	if (rq->loopback)
		return true;
	v = cookie_value(request_header(rq, "Cookie"), TEACHER_COOKIE, &len);
	if (!v || len != TEACHER_TOKEN_HEX ||
	    sodium_hex2bin(token, sizeof(token), v, len, NULL, &bin, NULL) != 0 ||
	    bin != sizeof(token))
		return false;
	pthread_mutex_lock(&g->lock);
	/* every held token compared in full: the time says nothing of which matched */
	for (size_t i = 0; i < g->tokens_count; i++)
		ok |= sodium_memcmp(g->tokens[i], token, sizeof(token)) == 0;
	pthread_mutex_unlock(&g->lock);
	return ok;
}

/* The tries of peer, a slot reused when it is new (lock held). */
static struct peer_tries *tries_of(struct teacher_gate *g, const char *peer, double now)
{
	struct peer_tries *oldest = &g->peers[0];
	char key[PEER_LEN];

	snprintf(key, sizeof(key), "%s", peer ? peer : "?");
	for (size_t i = 0; i < PEERS_MAX; i++) {
		struct peer_tries *t = &g->peers[i];
		if (t->peer[0] && strcmp(t->peer, key) == 0)
			return t;
		if (!t->peer[0] || t->since < oldest->since)
			oldest = t;
		if (!t->peer[0])
			break;
	}
	memcpy(oldest->peer, key, sizeof(key));
	oldest->since = now;
	oldest->wrong = 0;
	return oldest;
}

enum teacher_try teacher_gate_try(struct teacher_gate *g, const char *peer, const char *code,
                                  double now, char token[TEACHER_TOKEN_HEX + 1])
{
	char entered[TEACHER_CODE_LEN + 1];
	struct peer_tries *t;
	enum teacher_try res;

	/* a fixed-size copy: the comparison takes as long whatever was sent */
	memset(entered, 0, sizeof(entered));
	if (code && strlen(code) == TEACHER_CODE_LEN)
		memcpy(entered, code, TEACHER_CODE_LEN);
	pthread_mutex_lock(&g->lock);
	t = tries_of(g, peer, now);
	if (now - t->since >= TEACHER_TRIES_WINDOW) {
		t->since = now;
		t->wrong = 0;
	}
	if (now - g->all_since >= TEACHER_TRIES_WINDOW) {
		g->all_since = now;
		g->all_wrong = 0;
	}
	if (t->wrong >= TEACHER_TRIES_MAX || g->all_wrong >= TEACHER_TRIES_ALL) {
		res = TEACHER_WAIT;
	} else if (sodium_memcmp(entered, g->code, sizeof(entered)) != 0) {
		t->wrong++;
		g->all_wrong++;
		res = TEACHER_WRONG;
	} else {
		unsigned char *slot = g->tokens[g->tokens_next];
		randombytes_buf(slot, 32);
		sodium_bin2hex(token, TEACHER_TOKEN_HEX + 1, slot, 32);
		g->tokens_next = (g->tokens_next + 1) % TEACHER_SESSIONS_MAX;
		if (g->tokens_count < TEACHER_SESSIONS_MAX)
			g->tokens_count++;
		res = TEACHER_OK;
	}
	pthread_mutex_unlock(&g->lock);
	sodium_memzero(entered, sizeof(entered));
	return res;
}

/* ---- pages ---- */

static bool page_start(struct sbuf *b, const char *ui, const char *title)
{
	bool ok = sbuf_addf(
	        b,
	        "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
	        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	        "<meta name=\"color-scheme\" content=\"light dark\">\n"
	        "<meta name=\"robots\" content=\"noindex\">\n<title>",
	        ui);
	ok = ok && html_escape_into(b, title);
	ok = ok && sbuf_adds(b, "</title>\n<link rel=\"stylesheet\" href=\"/_sampan/player.css\">\n"
	                        "</head>\n<body class=\"teacher\">\n<main>\n<h1>");
	ok = ok && html_escape_into(b, title);
	return ok && sbuf_adds(b, "</h1>\n");
}

static bool page_end(struct sbuf *b, const char *ui)
{
	bool ok = sbuf_addf(b, "<p><a class=\"open\" href=\"/?lang=%s\">", ui);
	ok = ok && html_escape_into(b, l10n_get(ui, "catalog", "Courses"));
	return ok && sbuf_adds(b, "</a></p>\n</main>\n</body>\n</html>\n");
}

static bool para(struct sbuf *b, const char *cls, const char *text)
{
	bool ok = sbuf_addf(b, "<p class=\"%s\">", cls);
	ok = ok && html_escape_into(b, text);
	return ok && sbuf_adds(b, "</p>\n");
}

/* The form for the code, with a word on why it is asked for (and what went wrong). */
static char *form_html(const char *ui, const char *problem)
{
	struct sbuf b;
	bool ok;

	sbuf_init(&b, PAGE_MAX);
	ok = page_start(&b, ui, l10n_get(ui, "teacher", "Teachers' pages"));
	ok = ok && para(&b, "note",
	                l10n_get(ui, "teacher",
	                         "These pages are for the class's teacher. Enter the code shown on "
	                         "the screen of the computer that serves the courses."));
	if (problem)
		ok = ok && para(&b, "problem", problem);
	ok = ok && sbuf_addf(&b,
	                     "<form method=\"get\" action=\"/teacher/enter\">\n"
	                     "<input type=\"hidden\" name=\"lang\" value=\"%s\">\n<label>",
	                     ui);
	ok = ok && html_escape_into(&b, l10n_get(ui, "teacher", "Code"));
	ok = ok && sbuf_addf(&b,
	                     " <input name=\"code\" inputmode=\"numeric\" autocomplete=\"off\" "
	                     "maxlength=\"%d\" size=\"%d\" required></label>\n<button>",
	                     TEACHER_CODE_LEN, TEACHER_CODE_LEN + 2);
	ok = ok && html_escape_into(&b, l10n_get(ui, "teacher", "Open"));
	ok = ok && sbuf_adds(&b, "</button>\n</form>\n");
	ok = ok && page_end(&b, ui);
	if (!ok) {
		sbuf_release(&b);
		return NULL;
	}
	return sbuf_take(&b, NULL);
}

/* Every course's teacher pages; the code too when asked from the serving machine. */
static char *index_html(struct teacher_gate *g, struct library *lib, const char *ui, bool loopback)
{
	struct lib_snapshot *snap = library_snapshot(lib);
	struct sbuf b;
	size_t shown = 0;
	bool ok;

	sbuf_init(&b, PAGE_MAX);
	ok = page_start(&b, ui, l10n_get(ui, "teacher", "Teachers' pages"));
	if (loopback) {
		ok = ok && para(&b, "note",
		                l10n_get(ui, "teacher",
		                         "The code for teachers' pages on other devices:"));
		ok = ok && sbuf_addf(&b, "<p class=\"code\"><strong>%s</strong></p>\n",
		                     teacher_gate_code(g));
	}
	for (size_t i = 0; ok && i < snap->count; i++) {
		const struct lib_course *lc = snap->courses[i];
		const struct course *c = lc->course;
		if (!c || c->teacher_count == 0)
			continue;
		shown++;
		ok = sbuf_adds(&b, "<h2 dir=\"auto\">");
		ok = ok && html_escape_into(&b, course_text_get(&c->title, ui, c->language));
		ok = ok && sbuf_adds(&b, "</h2>\n<ul>\n");
		for (size_t j = 0; ok && j < c->teacher_count; j++) {
			const struct course_teacher *t = &c->teacher[j];
			char *href = NULL;
			ok = sbuf_adds(&b, "<li><a dir=\"auto\" href=\"/c/");
			ok = ok && html_escape_into(&b, lc->id);
			ok = ok && sbuf_adds(&b, "/");
			href = ok ? urlpath_encode(t->page) : NULL;
			ok = ok && href && html_escape_into(&b, href);
			free(href);
			ok = ok && sbuf_adds(&b, "\">");
			ok = ok &&
			     html_escape_into(&b, course_text_get(&t->title, ui, c->language));
			ok = ok && sbuf_adds(&b, "</a></li>\n");
		}
		ok = ok && sbuf_adds(&b, "</ul>\n");
	}
	library_release_snapshot(lib, snap);
	if (shown == 0)
		ok = ok && para(&b, "note",
		                l10n_get(ui, "teacher", "No course here has teachers' pages."));
	ok = ok && page_end(&b, ui);
	if (!ok) {
		sbuf_release(&b);
		return NULL;
	}
	return sbuf_take(&b, NULL);
}

void teacher_serve(struct teacher_gate *g, struct library *lib, const struct request *rq,
                   const char *rest, struct reply *r)
{
	const char *ui = l10n_of_request(rq);
	char token[TEACHER_TOKEN_HEX + 1], cookie[TEACHER_TOKEN_HEX + 128], *code, peer[40];

	if (strcmp(rest, "") == 0 || strcmp(rest, "/") == 0) {
		if (teacher_gate_allows(g, rq))
			reply_text(r, 200, "text/html; charset=utf-8",
			           index_html(g, lib, ui, rq->loopback), "no-store");
		else
			reply_text(r, 403, "text/html; charset=utf-8", form_html(ui, NULL),
			           "no-store");
		return;
	}
	if (strcmp(rest, "/enter") != 0) {
		errpage_reply(r, rq, 404, rq->url);
		return;
	}
	peer[0] = '\0';
	for (size_t i = 0; i < rq->peer_len && i < 16; i++)
		snprintf(peer + 2 * i, 3, "%02x", rq->peer[i]);
	code = query_value_decode(request_arg(rq, "code"), 64);
	switch (teacher_gate_try(g, peer[0] ? peer : NULL, code, monotime_now(), token)) {
	case TEACHER_OK:
		snprintf(cookie, sizeof(cookie), "%s=%s; Path=/; HttpOnly; SameSite=Strict",
		         TEACHER_COOKIE, token);
		sodium_memzero(token, sizeof(token));
		reply_empty(r, 303);
		reply_header(r, "Set-Cookie", cookie);
		sodium_memzero(cookie, sizeof(cookie));
		snprintf(cookie, sizeof(cookie), "/teacher?lang=%s", ui);
		reply_header(r, "Location", cookie);
		reply_header_const(r, "Cache-Control", "no-store");
		break;
	case TEACHER_WRONG:
		reply_text(r, 403, "text/html; charset=utf-8",
		           form_html(ui, l10n_get(ui, "teacher", "That code is not right.")),
		           "no-store");
		break;
	case TEACHER_WAIT:
		reply_text(
		        r, 429, "text/html; charset=utf-8",
		        form_html(ui,
		                  l10n_get(ui, "teacher",
		                           "Too many wrong codes: wait a minute, then try again.")),
		        "no-store");
		reply_header_const(r, "Retry-After", "60");
		break;
	}
	free(code);
}
