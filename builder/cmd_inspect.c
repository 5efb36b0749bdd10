/*
 * cmd_inspect.c - `sampan-build inspect FILE.sampan [--trust KEY.pub]`:
 * what a bundle holds: course metadata, lessons, files and sizes, signer.
 * Without a trusted key the metadata is shown as unverified.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builder.h"
#include "bundle.h"
#include "cli.h"
#include "course.h"
#include "format.h"
#include "trustopt.h"

static const struct opts_help help = {
	.usage = "inspect FILE.sampan [--trust KEY.pub...] [--trust-dir DIR]",
	.about = "Show a bundle's course (id, version, titles, languages, publisher,\n"
	         "licence), its lessons, its files with their sizes, and who signed it.\n"
	         "With a trusted key (--trust, or the trust folder) the signature and\n"
	         "metadata are checked first; without one they are shown as UNVERIFIED.\n",
	.after = NULL,
	.operands = "inspect needs one FILE.sampan",
	.operands_min = 1,
	.operands_max = 1,
};

static void print_texts(const char *label, const struct course_text *t)
{
	if (t->count == 0)
		return;
	printf("%-11s", label);
	for (size_t i = 0; i < t->count; i++)
		printf("%s%s (%s)", i ? ", " : "", t->text[i], t->lang[i]);
	printf("\n");
}

static void print_course(const struct course *c)
{
	printf("Course:    %s version %s\n", c->id, c->version);
	print_texts("Title:", &c->title);
	printf("Languages: ");
	for (size_t i = 0; i < c->languages_count; i++)
		printf("%s%s", i ? ", " : "", c->languages[i]);
	printf(" (main: %s)\n", c->language);
	printf("Publisher: %s%s%s\n", c->publisher_name, c->publisher_contact ? ", " : "",
	       c->publisher_contact ? c->publisher_contact : "");
	printf("Licence:   %s\n", c->licence);
	printf("Lessons:   %zu\n", c->lessons_count);
	for (size_t i = 0; i < c->lessons_count; i++)
		printf("  %2zu. %-20s %s  %s\n", i + 1, c->lessons[i].id,
		       course_text_get(&c->lessons[i].title, c->language, c->language),
		       c->lessons[i].page);
}

static void print_files(const struct bundle *b)
{
	uint64_t total = 0;
	char size[32], comp[32];

	printf("Files:     %zu\n", bundle_count(b));
	for (size_t i = 0; i < bundle_count(b); i++) {
		struct bundle_entry e;
		char name[BUNDLE_ERROR_ENTRY_MAX];
		bundle_entry(b, i, &e);
		bundle_quote(name, sizeof(name), e.name, e.name_len);
		total += e.size;
		if (e.method == 8)
			printf("  %12s  deflated to %-10s %s\n",
			       cli_size(e.size, size, sizeof(size)),
			       cli_size(e.comp_size, comp, sizeof(comp)), name);
		else
			printf("  %12s  stored                 %s\n",
			       cli_size(e.size, size, sizeof(size)), name);
	}
	printf("Total:     %s in a file of %s\n", cli_size(total, size, sizeof(size)),
	       cli_size(bundle_file_size(b), comp, sizeof(comp)));
}

int cmd_inspect(int argc, char **argv)
{
	struct trust_opts t;
	const struct opt opts[] = {
		OPT_TRUSTED_KEYS(&t),
		OPT_END(),
	};
	const struct trust *trust = &t.trust;
	struct bundle *b = NULL;
	struct bundle_error err;
	const char *path;
	char id[MINISIGN_KEYID_HEX_SIZE];
	int rc;

	if (trust_opts_parse(&t, TRUST_OPTIONAL, argc, argv, opts, &help, &rc) < 0) {
		trust_opts_release(&t);
		return rc;
	}
	path = argv[0];
	if (bundle_open(path, &b, &err) != BUNDLE_OK) {
		rc = cli_bundle_error(path, &err);
		goto done;
	}
	printf("File:      %s\n", path);
	if (trust->count > 0) {
		if (bundle_verify(b, trust, &err) != BUNDLE_OK) {
			rc = cli_bundle_error(path, &err);
			goto done;
		}
		minisign_keyid_hex(bundle_signer(b), id);
		printf("Signed by: key %s (signature verified)\n", id);
		print_course(bundle_course(b));
	} else {
		unsigned char keyid[MINISIGN_KEYID_SIZE];
		char *tc = NULL;
		unsigned char *json = NULL;
		size_t len;
		struct course *c = NULL;

		if (bundle_peek_signer(b, keyid, &tc, &err) == BUNDLE_OK) {
			minisign_keyid_hex(keyid, id);
			printf("Signed by: key %s (UNVERIFIED: give --trust KEY.pub to check it)\n",
			       id);
		} else {
			printf("Signed by: ? (%s)\n", err.message);
		}
		free(tc);
		if (bundle_read_unverified(
		            b, bundle_find(b, BUNDLE_NAME_COURSE, strlen(BUNDLE_NAME_COURSE)),
		            BUNDLE_MAX_COURSE_JSON, &json, &len, &err) == BUNDLE_OK &&
		    course_parse((const char *)json, len, &c, &err) == BUNDLE_OK)
			print_course(c);
		else
			printf("Course:    ? (%s)\n", err.message);
		course_free(c);
		free(json);
	}
	print_files(b);
done:
	bundle_close(b);
	trust_opts_release(&t);
	return rc;
}
