/* test_digest.c - SHA-256 through OpenSSL: known digests, streaming as one shot, hex both ways (bundle/digest.c). */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"

#define SHA_ABC "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define SHA_EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

static void digest_of_known_strings(void **state)
{
	unsigned char d[DIGEST_SIZE];
	char hex[DIGEST_HEX_SIZE];

	(void)state;
	digest_sha256("abc", 3, d);
	digest_to_hex(d, hex);
	assert_string_equal(hex, SHA_ABC);
	digest_sha256("", 0, d);
	digest_to_hex(d, hex);
	assert_string_equal(hex, SHA_EMPTY);
	digest_sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, d);
	digest_to_hex(d, hex);
	assert_string_equal(hex,
	                    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void digest_streaming_equals_one_shot(void **state)
{
	enum { N = 3 * 1024 * 1024 + 17 };
	unsigned char *data = malloc(N), one[DIGEST_SIZE], streamed[DIGEST_SIZE];
	struct digest *d = digest_new();
	uint32_t x = 12345;
	size_t pos = 0, step = 1;

	(void)state;
	assert_non_null(data);
	assert_non_null(d);
	for (size_t i = 0; i < N; i++) {
		x = x * 1103515245u + 12345u;
		data[i] = (unsigned char)(x >> 16);
	}
	digest_sha256(data, N, one);
	while (pos < N) {
		size_t n = step < N - pos ? step : N - pos;
		digest_update(d, data + pos, n);
		pos += n;
		step = step * 3 + 1;
	}
	digest_final(d, streamed);
	assert_memory_equal(one, streamed, DIGEST_SIZE);

	/* reset and reuse */
	digest_reset(d);
	digest_update(d, "a", 1);
	digest_update(d, "", 0);
	digest_update(d, "bc", 2);
	digest_final(d, streamed);
	digest_sha256("abc", 3, one);
	assert_memory_equal(one, streamed, DIGEST_SIZE);
	digest_free(d);
	digest_free(NULL);

	/* a fresh state of nothing is the empty digest */
	d = digest_new();
	assert_non_null(d);
	digest_final(d, streamed);
	digest_sha256("", 0, one);
	assert_memory_equal(one, streamed, DIGEST_SIZE);
	digest_free(d);
	free(data);
}

static void digest_hex_round_trips_and_refuses_uppercase(void **state)
{
	unsigned char d[DIGEST_SIZE], back[DIGEST_SIZE];
	char hex[DIGEST_HEX_SIZE];

	(void)state;
	for (int i = 0; i < DIGEST_SIZE; i++)
		d[i] = (unsigned char)(i * 37 + 5);
	digest_to_hex(d, hex);
	assert_int_equal(strlen(hex), 64);
	assert_true(digest_from_hex(hex, 64, back));
	assert_memory_equal(d, back, DIGEST_SIZE);

	assert_true(digest_from_hex(SHA_ABC, 64, back));
	assert_int_equal(back[0], 0xba);
	assert_int_equal(back[31], 0xad);
	assert_false(digest_from_hex(
	        "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD", 64, back));
	assert_false(digest_from_hex(
	        "Ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", 64, back));
	assert_false(digest_from_hex(SHA_ABC, 63, back));
	assert_false(digest_from_hex(SHA_ABC "0", 65, back));
	assert_false(digest_from_hex(
	        "ga7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", 64, back));
	assert_false(digest_from_hex(
	        " a7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", 64, back));
	assert_false(digest_from_hex("", 0, back));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(digest_of_known_strings),
		cmocka_unit_test(digest_streaming_equals_one_shot),
		cmocka_unit_test(digest_hex_round_trips_and_refuses_uppercase),
	};
	return cmocka_run_group_tests_name("digest", tests, NULL, NULL);
}
