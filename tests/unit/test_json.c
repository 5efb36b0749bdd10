/*
 * test_json.c - the programs' one JSON door (common/json.c): strings from
 * anywhere come out as valid JSON, keys in the order they were set, the
 * text compact and ending in a newline, and a document with a value that
 * could not be made is no document at all.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"

/* The text of {"s": s}. */
static char *one_string(const char *s)
{
	struct json_out o = { 0 };
	struct json_t *root = json_out_object(&o);

	json_out_set(&o, root, "s", json_out_string(&o, s));
	return json_out_dump(&o, root);
}

static void strings_come_out_as_json(void **state)
{
	static const struct {
		const char *in, *out;
	} rows[] = {
		{ "plain", "{\"s\":\"plain\"}\n" },
		{ "", "{\"s\":\"\"}\n" },
		{ NULL, "{\"s\":null}\n" },
		{ "say \"hi\" \\ now", "{\"s\":\"say \\\"hi\\\" \\\\ now\"}\n" },
		{ "a\nb\tc\x01\x1f", "{\"s\":\"a\\nb\\tc\\u0001\\u001F\"}\n" },
		/* UTF-8 stays as it is: no \u escapes for Thai or Khmer. */
		{ "ปั๊มน้ำ ខ្មែរ", "{\"s\":\"ปั๊มน้ำ ខ្មែរ\"}\n" },
		/* Each byte that starts no character is U+FFFD: a cut sequence, a stray byte, overlong. */
		{ "bad\xc3(", "{\"s\":\"bad\xEF\xBF\xBD(\"}\n" },
		{ "\xff\xfe", "{\"s\":\"\xEF\xBF\xBD\xEF\xBF\xBD\"}\n" },
		{ "\xc0\xaf", "{\"s\":\"\xEF\xBF\xBD\xEF\xBF\xBD\"}\n" },
		{ "x\xe2\x80", "{\"s\":\"x\xEF\xBF\xBD\xEF\xBF\xBD\"}\n" },
		/* A UTF-16 surrogate written as UTF-8 is not UTF-8. */
		{ "\xed\xa0\x80", "{\"s\":\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"}\n" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *text = one_string(rows[i].in);

		assert_non_null(text);
		if (strcmp(text, rows[i].out) != 0)
			fail_msg("row %zu: got %s, want %s", i, text, rows[i].out);
		free(text);
	}
}

static void keys_keep_their_order_and_values_their_type(void **state)
{
	struct json_out o = { 0 };
	struct json_t *root, *list;
	char *text;

	(void)state;
	root = json_out_object(&o);
	list = json_out_array(&o);
	json_out_set(&o, root, "zebra", json_out_integer(&o, 9007199254740993));
	json_out_set(&o, root, "apple", json_out_bool(&o, true));
	json_out_set(&o, root, "mango", json_out_real(&o, 1.5));
	json_out_append(&o, list, json_out_string(&o, "th"));
	json_out_append(&o, list, json_out_bool(&o, false));
	json_out_set(&o, root, "list", list);
	text = json_out_dump(&o, root);
	assert_string_equal(text, "{\"zebra\":9007199254740993,\"apple\":true,\"mango\":1.5,"
	                          "\"list\":[\"th\",false]}\n");
	free(text);
}

static void a_value_not_made_fails_the_document(void **state)
{
	struct json_out o = { 0 };
	struct json_t *root;

	(void)state;
	/* What running out of memory gives: a NULL value. The key is not silently left out. */
	root = json_out_object(&o);
	json_out_set(&o, root, "a", json_out_string(&o, "kept"));
	json_out_set(&o, root, "b", NULL);
	assert_true(o.failed);
	assert_null(json_out_dump(&o, root));

	memset(&o, 0, sizeof(o));
	root = json_out_array(&o);
	json_out_append(&o, root, NULL);
	assert_null(json_out_dump(&o, root));

	/* A key that is not UTF-8 cannot be written either. */
	memset(&o, 0, sizeof(o));
	root = json_out_object(&o);
	json_out_set(&o, root, "\xff", json_out_bool(&o, true));
	assert_null(json_out_dump(&o, root));

	/* No document at all. */
	memset(&o, 0, sizeof(o));
	assert_null(json_out_dump(&o, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(strings_come_out_as_json),
		cmocka_unit_test(keys_keep_their_order_and_values_their_type),
		cmocka_unit_test(a_value_not_made_fails_the_document),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
