/*
 * teacher.h - the teacher's gate: who may read a course's teacher pages
 * (entries under teacher/, format-spec/bundle-v1.md 11.7).
 *
 * The serving machine itself (a request from a loopback address) always
 * may.  Anyone else enters the code the player shows on the serving
 * machine's screen (printed at start, and on /teacher opened from the
 * machine itself): a right code gets a cookie, a random token held in
 * memory only, so a restart forgets every session and makes a new code.
 * Codes and tokens are compared in constant time; a peer that enters
 * wrong codes too often waits (TEACHER_TRIES_MAX per TEACHER_TRIES_WINDOW
 * seconds), and so does everyone once the whole classroom has made
 * TEACHER_TRIES_ALL wrong tries in a window, so that changing addresses
 * buys an attacker no more guesses.
 *
 *	/teacher               the teacher pages of every course, or the form for the code
 *	/teacher/enter?code=   the form's answer: a cookie and back to /teacher
 *
 * Thread-safe.
 */
#ifndef SAMPAN_PLAYER_TEACHER_H
#define SAMPAN_PLAYER_TEACHER_H

#include <stdbool.h>
#include <stddef.h>

#include "library.h"
#include "reply.h"

#define TEACHER_CODE_LEN 6 /* digits */
#define TEACHER_TOKEN_HEX 64 /* the cookie's value: 32 random bytes in hex */
#define TEACHER_SESSIONS_MAX 64 /* the oldest is forgotten when more enter */
#define TEACHER_TRIES_MAX 5 /* wrong codes a peer may enter in a window */
#define TEACHER_TRIES_ALL 30 /* wrong codes all peers together may enter in a window */
#define TEACHER_TRIES_WINDOW 60.0 /* seconds */
#define TEACHER_COOKIE "sampan_teacher"

struct teacher_gate;

/*
 * Whether a peer's address (4 bytes IPv4, 16 IPv6, network order, as in
 * struct request) is this machine's: 127.0.0.0/8, ::1, or ::ffff:127.x.y.z.
 */
bool request_peer_is_loopback(const unsigned char *addr, size_t len);

/* A gate with a new random code; NULL when out of memory. */
struct teacher_gate *teacher_gate_new(void);
void teacher_gate_free(struct teacher_gate *g);

/* The code to enter (TEACHER_CODE_LEN digits), for the serving machine's screen. */
const char *teacher_gate_code(const struct teacher_gate *g);

/* Whether rq may read teacher pages: from loopback, or with a token the gate gave. */
bool teacher_gate_allows(struct teacher_gate *g, const struct request *rq);

enum teacher_try {
	TEACHER_OK, /* token filled: TEACHER_TOKEN_HEX characters and a NUL */
	TEACHER_WRONG,
	TEACHER_WAIT /* too many wrong codes lately: not even compared */
};

/* A code entered by peer (its address as text; NULL counts as one unknown peer), at time now. */
enum teacher_try teacher_gate_try(struct teacher_gate *g, const char *peer, const char *code,
                                  double now, char token[TEACHER_TOKEN_HEX + 1]);

/* /teacher and /teacher/...: rest is what follows "/teacher". */
void teacher_serve(struct teacher_gate *g, struct library *lib, const struct request *rq,
                   const char *rest, struct reply *r);

#endif
