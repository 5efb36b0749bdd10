/*
 * test_presence.c - the devices counted on the projector page
 * (player/presence.c): distinct addresses in the last five minutes, the
 * same address counted once, loopback never, an address forgotten once
 * the window has passed, and the table's bound.
 */
#include "testutil.h"

#include <string.h>

#include "presence.h"

static void devices_seen_lately_are_counted_once(void **state)
{
	(void)state;
	struct presence *p = presence_new();
	unsigned char a[4] = { 10, 0, 0, 5 }, b[4] = { 10, 0, 0, 6 }, lo[4] = { 127, 0, 0, 1 };
	unsigned char v6[16] = { 0xfe, 0x80, [15] = 7 }, v6lo[16] = { [15] = 1 };
	unsigned char mapped_lo[16] = { [10] = 0xff, [11] = 0xff, 127, 0, 0, 1 };

	assert_non_null(p);
	assert_int_equal(presence_count(p, 0), 0);
	presence_seen(p, a, 4, 100);
	presence_seen(p, a, 4, 101);
	presence_seen(p, b, 4, 102);
	presence_seen(p, v6, 16, 103);
	/* this machine, and what is no address, are not devices in the room */
	presence_seen(p, lo, 4, 104);
	presence_seen(p, v6lo, 16, 104);
	presence_seen(p, mapped_lo, 16, 104);
	presence_seen(p, a, 3, 104);
	presence_seen(p, NULL, 4, 104);
	assert_int_equal(presence_count(p, 110), 3);
	/* b and v6 go quiet; a asks again */
	presence_seen(p, a, 4, 350);
	assert_int_equal(presence_count(p, 100 + PRESENCE_WINDOW), 3);
	assert_int_equal(presence_count(p, 104 + PRESENCE_WINDOW), 1);
	assert_int_equal(presence_count(p, 351 + PRESENCE_WINDOW), 0);
	presence_free(p);
	presence_free(NULL);
}

static void a_crowd_past_the_bound_keeps_the_latest(void **state)
{
	(void)state;
	struct presence *p = presence_new();
	unsigned char a[16] = { 0x20, 0x01 };

	assert_non_null(p);
	for (unsigned i = 0; i < PRESENCE_MAX + 100; i++) {
		memcpy(a + 12, &i, sizeof(i));
		presence_seen(p, a, 16, 1000 + i * 0.001);
	}
	assert_int_equal(presence_count(p, 1010), PRESENCE_MAX);
	/* the latest is among them: seeing it again adds nothing */
	presence_seen(p, a, 16, 1011);
	assert_int_equal(presence_count(p, 1011), PRESENCE_MAX);
	presence_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(devices_seen_lately_are_counted_once),
		cmocka_unit_test(a_crowd_past_the_bound_keeps_the_latest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
