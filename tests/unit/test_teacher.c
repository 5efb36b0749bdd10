/*
 * test_teacher.c - the teacher's gate (player/teacher.c) alone, and through
 * the player's addresses (route.c, entry.c) against a signed course with a
 * teacher page: who is served it, who gets the form, what the code and the
 * cookie do, how wrong codes are limited.
 */
#include "testutil.h"
#include "tu_site.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bundle.h"
#include "library.h"
#include "route.h"
#include "teacher.h"
#include "trust.h"
#include "writer.h"

#define ID "org.example.pump"
#define NOTE "Ask who has seen the pump fail"

/* ---- the gate alone ---- */

struct fake {
	const char *cookie;
};

static const char *fake_header(const struct request *rq, const char *name)
{
	const struct fake *f = rq->ctx;

	return f && strcasecmp(name, "Cookie") == 0 ? f->cookie : NULL;
}

static const char *no_arg(const struct request *rq, const char *name)
{
	(void)rq;
	(void)name;
	return NULL;
}

static bool allows(struct teacher_gate *g, bool loopback, const char *cookie)
{
	struct fake fk = { cookie };
	struct request rq;

	memset(&rq, 0, sizeof(rq));
	rq.method = "GET";
	rq.url = "/teacher";
	rq.header = fake_header;
	rq.arg = no_arg;
	rq.ctx = &fk;
	rq.loopback = loopback;
	return teacher_gate_allows(g, &rq);
}

/* A code of the same length that is not g's. */
static void wrong_code(const struct teacher_gate *g, char out[TEACHER_CODE_LEN + 1])
{
	memcpy(out, teacher_gate_code(g), TEACHER_CODE_LEN + 1);
	out[0] = out[0] == '9' ? '0' : (char)(out[0] + 1);
}

static void loopback_is_this_machine_alone(void **state)
{
	static const struct {
		const char *addr;
		bool loopback;
	} table[] = {
		{ "127.0.0.1", true },
		{ "127.1.2.3", true },
		{ "::1", true },
		{ "::ffff:127.0.0.1", true },
		{ "192.0.2.7", false },
		{ "10.0.0.5", false },
		{ "::", false },
		{ "::2", false },
		{ "::ffff:192.0.2.7", false },
		{ "fe80::1", false },
		{ "0.0.0.0", false },
		{ "128.0.0.1", false },
	};
	unsigned char a[16];

	(void)state;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		bool v6 = strchr(table[i].addr, ':') != NULL;
		assert_int_equal(inet_pton(v6 ? AF_INET6 : AF_INET, table[i].addr, a), 1);
		if (request_peer_is_loopback(a, v6 ? 16 : 4) != table[i].loopback)
			fail_msg("%s: loopback %d", table[i].addr, !table[i].loopback);
	}
	assert_false(request_peer_is_loopback(a, 0));
}

static void code_is_six_random_digits(void **state)
{
	struct teacher_gate *g[8];
	bool differ = false;

	(void)state;
	for (size_t i = 0; i < 8; i++) {
		g[i] = teacher_gate_new();
		assert_non_null(g[i]);
		assert_int_equal(strlen(teacher_gate_code(g[i])), TEACHER_CODE_LEN);
		for (size_t k = 0; k < TEACHER_CODE_LEN; k++)
			assert_true(isdigit((unsigned char)teacher_gate_code(g[i])[k]));
		differ |= strcmp(teacher_gate_code(g[i]), teacher_gate_code(g[0])) != 0;
	}
	/* a restart makes a new code: eight the same would be one in 10^35 */
	assert_true(differ);
	for (size_t i = 0; i < 8; i++)
		teacher_gate_free(g[i]);
}

static void loopback_always_others_only_with_a_cookie_it_gave(void **state)
{
	struct teacher_gate *g = teacher_gate_new(), *other = teacher_gate_new();
	char token[TEACHER_TOKEN_HEX + 1], token2[TEACHER_TOKEN_HEX + 1], bad[TEACHER_CODE_LEN + 1];
	char cookie[256];

	(void)state;
	assert_true(allows(g, true, NULL));
	assert_false(allows(g, false, NULL));
	assert_false(allows(g, false, "sampan_teacher="));
	/* a wrong code gives nothing */
	wrong_code(g, bad);
	assert_int_equal(teacher_gate_try(g, "192.0.2.7", bad, 0.0, token), TEACHER_WRONG);
	assert_int_equal(teacher_gate_try(g, "192.0.2.7", "", 0.0, token), TEACHER_WRONG);
	assert_int_equal(teacher_gate_try(g, "192.0.2.7", NULL, 0.0, token), TEACHER_WRONG);
	/* a code with more after it is not the code */
	snprintf(cookie, sizeof(cookie), "%s0", teacher_gate_code(g));
	assert_int_equal(teacher_gate_try(g, "192.0.2.7", cookie, 0.0, token), TEACHER_WRONG);
	/* the right one gives a token of 64 hex digits, which opens the gate */
	assert_int_equal(teacher_gate_try(g, "192.0.2.7", teacher_gate_code(g), 0.0, token),
	                 TEACHER_OK);
	assert_int_equal(strlen(token), TEACHER_TOKEN_HEX);
	assert_int_equal(strspn(token, "0123456789abcdef"), TEACHER_TOKEN_HEX);
	snprintf(cookie, sizeof(cookie), "lang=th; sampan_teacher=%s; x=y", token);
	assert_true(allows(g, false, cookie));
	snprintf(cookie, sizeof(cookie), "sampan_teacher=%s", token);
	assert_true(allows(g, false, cookie));
	/* another player's gate, a changed digit, a cut or a longer token: closed */
	assert_false(allows(other, false, cookie));
	snprintf(cookie, sizeof(cookie), "sampan_teacher=%.63s%c", token,
	         token[63] == '0' ? '1' : '0');
	assert_false(allows(g, false, cookie));
	snprintf(cookie, sizeof(cookie), "sampan_teacher=%.62s", token);
	assert_false(allows(g, false, cookie));
	snprintf(cookie, sizeof(cookie), "sampan_teacher=%s00", token);
	assert_false(allows(g, false, cookie));
	snprintf(cookie, sizeof(cookie), "xsampan_teacher=%s", token);
	assert_false(allows(g, false, cookie));
	/* every entry of the code gives its own token */
	assert_int_equal(teacher_gate_try(g, "192.0.2.8", teacher_gate_code(g), 0.0, token2),
	                 TEACHER_OK);
	assert_string_not_equal(token, token2);
	teacher_gate_free(g);
	teacher_gate_free(other);
}

static void wrong_codes_are_limited_per_peer_and_in_all(void **state)
{
	struct teacher_gate *g = teacher_gate_new();
	char token[TEACHER_TOKEN_HEX + 1], bad[TEACHER_CODE_LEN + 1], peer[32];
	const char *code = teacher_gate_code(g);

	(void)state;
	wrong_code(g, bad);
	for (int i = 0; i < TEACHER_TRIES_MAX; i++)
		assert_int_equal(teacher_gate_try(g, "192.0.2.7", bad, 10.0, token), TEACHER_WRONG);
	/* now even the right code is not looked at, from that peer, for the window */
	assert_int_equal(teacher_gate_try(g, "192.0.2.7", code, 11.0, token), TEACHER_WAIT);
	assert_int_equal(
	        teacher_gate_try(g, "192.0.2.7", code, 10.0 + TEACHER_TRIES_WINDOW - 1, token),
	        TEACHER_WAIT);
	/* another peer may still */
	assert_int_equal(teacher_gate_try(g, "192.0.2.8", code, 11.0, token), TEACHER_OK);
	/* and the first again once the window is over */
	assert_int_equal(teacher_gate_try(g, "192.0.2.7", code, 10.0 + TEACHER_TRIES_WINDOW, token),
	                 TEACHER_OK);
	teacher_gate_free(g);

	/* many peers, a few wrong codes each: all wait once the classroom made enough */
	g = teacher_gate_new();
	code = teacher_gate_code(g);
	wrong_code(g, bad);
	for (int i = 0; i < TEACHER_TRIES_ALL; i++) {
		snprintf(peer, sizeof(peer), "192.0.2.%d", 10 + i);
		assert_int_equal(teacher_gate_try(g, peer, bad, 100.0, token), TEACHER_WRONG);
	}
	assert_int_equal(teacher_gate_try(g, "192.0.2.200", code, 101.0, token), TEACHER_WAIT);
	assert_int_equal(
	        teacher_gate_try(g, "192.0.2.200", code, 100.0 + TEACHER_TRIES_WINDOW, token),
	        TEACHER_OK);
	teacher_gate_free(g);
}

static void the_oldest_session_is_forgotten(void **state)
{
	struct teacher_gate *g = teacher_gate_new();
	char first[TEACHER_TOKEN_HEX + 1], token[TEACHER_TOKEN_HEX + 1], cookie[128];

	(void)state;
	assert_int_equal(teacher_gate_try(g, "a", teacher_gate_code(g), 0.0, first), TEACHER_OK);
	snprintf(cookie, sizeof(cookie), "sampan_teacher=%s", first);
	assert_true(allows(g, false, cookie));
	for (int i = 0; i < TEACHER_SESSIONS_MAX - 1; i++)
		assert_int_equal(teacher_gate_try(g, "a", teacher_gate_code(g), 0.0, token),
		                 TEACHER_OK);
	assert_true(allows(g, false, cookie));
	assert_int_equal(teacher_gate_try(g, "a", teacher_gate_code(g), 0.0, token), TEACHER_OK);
	assert_false(allows(g, false, cookie));
	teacher_gate_free(g);
}

/* ---- through the player's addresses ---- */

static const char teacher_html[] = "<!doctype html>\n<html lang=\"en\">\n<head>\n<title>Notes"
                                   "</title>\n</head>\n<body>\n<p>" NOTE "</p>\n</body>\n"
                                   "</html>\n";

static void make_course(const char *path)
{
	static const char page[] = "<!doctype html>\n<html lang=\"en\">\n<head>\n<title>Pumps"
	                           "</title>\n</head>\n<body>\n<p>A pump moves water.</p>\n"
	                           "</body>\n</html>\n";
	static const char teacher_key[] =
	        "  \"teacher\": [{\"title\": {\"en\": \"Introduction: notes\"}, \"lesson\": "
	        "\"01-intro\", \"page\": \"teacher/lessons/01-intro.html\"}],\n  \"lessons\": [";
	struct minisign_seckey *sk;
	struct minisign_pubkey pk;
	struct bundle_writer *w;
	struct bundle_error err;
	char *cj = tu_course_json(ID, "1.2"), *at = strstr(cj, "  \"lessons\": ["), *json;
	size_t head;

	assert_non_null(at);
	head = (size_t)(at - cj);
	json = malloc(strlen(cj) + sizeof(teacher_key));
	assert_non_null(json);
	snprintf(json, strlen(cj) + sizeof(teacher_key), "%.*s%s%s", (int)head, cj, teacher_key,
	         at + strlen("  \"lessons\": ["));
	tu_key(1, &sk, &pk);
	assert_ok(bundle_writer_new(&w, &err), err);
	assert_ok(bundle_writer_add_data(w, "META-INF/course.json", json, strlen(json), &err), err);
	assert_ok(bundle_writer_add_data(w, "index.html", page, sizeof(page) - 1, &err), err);
	assert_ok(bundle_writer_add_data(w, "lessons/01-intro.html", page, sizeof(page) - 1, &err),
	          err);
	assert_ok(bundle_writer_add_data(w, "teacher/lessons/01-intro.html", teacher_html,
	                                 sizeof(teacher_html) - 1, &err),
	          err);
	assert_ok(bundle_writer_write(w, sk, path, NULL, &err), err);
	bundle_writer_free(w);
	minisign_seckey_free(sk);
	free(cj);
	free(json);
}

static int setup(void **state)
{
	*state = tu_site_open(make_course, NULL);
	return 0;
}

static int teardown(void **state)
{
	tu_site_close(*state);
	return 0;
}

struct ask {
	const char *cookie;
	const char *code; /* ?code= */
	bool loopback;
	const char *peer;
};

static const char *ask_header(const struct request *rq, const char *name)
{
	const struct ask *a = rq->ctx;

	return strcasecmp(name, "Cookie") == 0 ? a->cookie : NULL;
}

static const char *ask_arg(const struct request *rq, const char *name)
{
	const struct ask *a = rq->ctx;

	return strcmp(name, "code") == 0 ? a->code : NULL;
}

/* The reply to GET url as a; its body (a buffer or a piece) in *body, malloc'd. */
static unsigned ask(struct tu_site *f, const char *url, const struct ask *a, struct reply *r,
                    char **body)
{
	struct request rq;
	size_t all;
	const unsigned char *data = NULL;

	memset(&rq, 0, sizeof(rq));
	rq.method = "GET";
	rq.url = url;
	rq.header = ask_header;
	rq.arg = ask_arg;
	rq.ctx = (void *)a;
	rq.loopback = a->loopback;
	assert_int_equal(inet_pton(AF_INET,
	                           a->peer ? a->peer : (a->loopback ? "127.0.0.1" : "192.0.2.7"),
	                           rq.peer),
	                 1);
	rq.peer_len = 4;
	reply_init(r);
	route_request(f->site, &rq, r);
	if (r->body == REPLY_BUFFER)
		data = r->data;
	else if (r->body == REPLY_PIECE)
		data = vcache_piece_data(r->piece, &all) + r->off;
	*body = calloc(1, (size_t)r->len + 1);
	assert_non_null(*body);
	if (data)
		memcpy(*body, data, (size_t)r->len);
	return r->status;
}

#define PAGE "/c/" ID "/teacher/lessons/01-intro.html"

static void teacher_page_only_from_loopback_or_with_the_code(void **state)
{
	struct tu_site *f = *state;
	struct ask remote = { NULL, NULL, false, NULL }, local = { NULL, NULL, true, NULL };
	struct reply r;
	char *body, cookie[160];
	const char *set, *code = site_teacher_code(f->site);

	/* a student: refused, with a page that says why, and nothing of the notes */
	assert_int_equal(ask(f, PAGE, &remote, &r, &body), 403);
	assert_non_null(strstr(body, "/teacher"));
	assert_null(strstr(body, NOTE));
	reply_release(&r);
	free(body);
	/* however the path is written */
	assert_int_equal(ask(f, "/c/" ID "/%74eacher/lessons/01-intro.html", &remote, &r, &body),
	                 403);
	assert_null(strstr(body, NOTE));
	reply_release(&r);
	free(body);
	/* the lesson itself is everyone's */
	assert_int_equal(ask(f, "/c/" ID "/lessons/01-intro.html", &remote, &r, &body), 200);
	assert_string_equal(reply_get_header(&r, "Cache-Control"), "public, max-age=86400");
	reply_release(&r);
	free(body);
	/* the serving machine: the page (for its browser's cache alone), the index with the code */
	assert_int_equal(ask(f, PAGE, &local, &r, &body), 200);
	assert_non_null(strstr(body, NOTE));
	assert_string_equal(reply_get_header(&r, "Cache-Control"), "private, max-age=86400");
	reply_release(&r);
	free(body);
	assert_int_equal(ask(f, "/teacher", &local, &r, &body), 200);
	assert_non_null(strstr(body, code));
	assert_non_null(strstr(body, "href=\"" PAGE "\""));
	assert_non_null(strstr(body, "Introduction: notes"));
	reply_release(&r);
	free(body);
	/* elsewhere /teacher is the form, and never shows the code */
	assert_int_equal(ask(f, "/teacher", &remote, &r, &body), 403);
	assert_non_null(strstr(body, "action=\"/teacher/enter\""));
	assert_null(strstr(body, code));
	assert_null(strstr(body, PAGE));
	reply_release(&r);
	free(body);
	/* the code gives a cookie, HTTP-only and same-site, and back to /teacher */
	remote.code = code;
	assert_int_equal(ask(f, "/teacher/enter", &remote, &r, &body), 303);
	set = reply_get_header(&r, "Set-Cookie");
	assert_non_null(set);
	assert_int_equal(strncmp(set, "sampan_teacher=", 15), 0);
	assert_non_null(strstr(set, "; HttpOnly"));
	assert_non_null(strstr(set, "; SameSite=Strict"));
	assert_null(strstr(set, "Expires"));
	assert_null(strstr(set, "Max-Age"));
	assert_int_equal(strncmp(reply_get_header(&r, "Location"), "/teacher", 8), 0);
	snprintf(cookie, sizeof(cookie), "%.*s", (int)strcspn(set, ";"), set);
	reply_release(&r);
	free(body);
	remote.code = NULL;
	remote.cookie = cookie;
	assert_int_equal(ask(f, PAGE, &remote, &r, &body), 200);
	assert_non_null(strstr(body, NOTE));
	reply_release(&r);
	free(body);
	assert_int_equal(ask(f, "/teacher", &remote, &r, &body), 200);
	assert_non_null(strstr(body, PAGE));
	assert_null(strstr(body, code)); /* the code is shown on the serving machine alone */
	reply_release(&r);
	free(body);
	/* no other address under /teacher */
	assert_int_equal(ask(f, "/teacher/x", &remote, &r, &body), 404);
	reply_release(&r);
	free(body);
}

static void wrong_codes_get_403_then_429(void **state)
{
	struct tu_site *f = *state;
	struct ask a = { NULL, NULL, false, "192.0.2.9" };
	struct reply r;
	char *body, bad[TEACHER_CODE_LEN + 1];
	const char *code = site_teacher_code(f->site);

	memcpy(bad, code, sizeof(bad));
	bad[0] = bad[0] == '9' ? '0' : (char)(bad[0] + 1);
	a.code = bad;
	for (int i = 0; i < TEACHER_TRIES_MAX; i++) {
		assert_int_equal(ask(f, "/teacher/enter", &a, &r, &body), 403);
		assert_null(reply_get_header(&r, "Set-Cookie"));
		assert_non_null(strstr(body, "not right"));
		reply_release(&r);
		free(body);
	}
	a.code = code;
	assert_int_equal(ask(f, "/teacher/enter", &a, &r, &body), 429);
	assert_null(reply_get_header(&r, "Set-Cookie"));
	assert_non_null(reply_get_header(&r, "Retry-After"));
	reply_release(&r);
	free(body);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(loopback_is_this_machine_alone),
		cmocka_unit_test(code_is_six_random_digits),
		cmocka_unit_test(loopback_always_others_only_with_a_cookie_it_gave),
		cmocka_unit_test(wrong_codes_are_limited_per_peer_and_in_all),
		cmocka_unit_test(the_oldest_session_is_forgotten),
		cmocka_unit_test_setup_teardown(teacher_page_only_from_loopback_or_with_the_code,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(wrong_codes_get_403_then_429, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
