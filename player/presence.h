/*
 * presence.h - how many devices the classroom has, for the projector page:
 * the distinct client addresses that asked the player for anything in the
 * last PRESENCE_WINDOW seconds.  This machine's own addresses (loopback)
 * are not counted: they are the teacher's screen, not a student's phone.
 *
 * Nothing about a person is kept: an address is held only as a keyed hash
 * (SipHash, with a key drawn when the player starts and never written
 * anywhere) with the time it was last seen, in memory, and forgotten once
 * the window has passed.  Two phones behind one address count as one.
 * Thread-safe.
 */
#ifndef SAMPAN_PLAYER_PRESENCE_H
#define SAMPAN_PLAYER_PRESENCE_H

#include <stddef.h>

#define PRESENCE_WINDOW 300.0
/* Addresses remembered at most: past it, the one seen longest ago gives way. */
#define PRESENCE_MAX 4096

struct presence;

/* NULL when out of memory; presence_free accepts NULL. */
struct presence *presence_new(void);
void presence_free(struct presence *p);

/*
 * A request from addr (len 4: IPv4, 16: IPv6, in network order) at now
 * (monotonic seconds).  Other lengths and loopback addresses are ignored.
 */
void presence_seen(struct presence *p, const void *addr, size_t len, double now);

/* The addresses seen in the PRESENCE_WINDOW seconds up to now. */
size_t presence_count(struct presence *p, double now);

#endif
