/*
 * cmd_inspect.c - `sampan-build inspect FILE.sampan [--trust KEY.pub]`:
 * what a bundle holds: course metadata, lessons, files and sizes, signer.
 * Without a trusted key the metadata is shown as unverified.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builder.h"
#include "bundle.h"
#include "cli.h"
#include "course.h"
#include "format.h"
#include "trust.h"

static const char usage[] =
        "usage: sampan-build inspect FILE.sampan [--trust KEY.pub...]\n"
        "\n"
        "Show a bundle's course (id, version, titles, languages, publisher,\n"
        "licence), its lessons, its files with their sizes, and who signed it.\n"
        "With --trust the signature and metadata are checked first; without it\n"
        "they are shown as UNVERIFIED.\n"
        "\n"
        "  -t, --trust KEY.pub  check the signature with this public key (repeatable)\n"
        "  -h, --help           this help\n";

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
	static const struct option opts[] = {
		{ "trust", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct trust trust;
	struct bundle *b = NULL;
	struct bundle_error err;
	const char *path;
	char id[MINISIGN_KEYID_HEX_SIZE];
	int opt, rc = EXIT_YES;

	trust_init(&trust);
	if (minisign_init(&err) != BUNDLE_OK)
		return cli_bundle_error(NULL, &err);
	optind = 1;
	while ((opt = getopt_long(argc, argv, "t:h", opts, NULL)) != -1) {
		switch (opt) {
		case 't':
			if (trust_add_file(&trust, optarg, &err) != BUNDLE_OK) {
				rc = cli_bundle_error(NULL, &err);
				trust_release(&trust);
				return rc == EXIT_NO ? EXIT_USAGE : rc;
			}
			break;
		case 'h':
			fputs(usage, stdout);
			trust_release(&trust);
			return EXIT_YES;
		default:
			fputs(usage, stderr);
			trust_release(&trust);
			return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		cli_error("inspect needs one FILE.sampan");
		trust_release(&trust);
		return EXIT_USAGE;
	}
	path = argv[optind];
	if (bundle_open(path, &b, &err) != BUNDLE_OK) {
		rc = cli_bundle_error(path, &err);
		goto done;
	}
	printf("File:      %s\n", path);
	if (trust.count > 0) {
		if (bundle_verify(b, &trust, &err) != BUNDLE_OK) {
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
	trust_release(&trust);
	return rc;
}
