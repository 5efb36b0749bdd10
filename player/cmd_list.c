/*
 * cmd_list.c - `sampan-play list [DIR]`: every bundle in a folder, as the
 * player would take it: OK with its course, or REFUSED with the reason
 * (format-spec/bundle-v1.md §14.1, steps 1 to 4, and §14.4: one bundle
 * per course, the same rule and words as `serve`).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bundle.h"
#include "choose.h"
#include "cli.h"
#include "cmdutil.h"
#include "course.h"
#include "path.h"
#include "player.h"
#include "trustopt.h"
#include "updates.h"
#include "xalloc.h"

static const struct opts_help help = {
	.usage = "list [DIR] [--trust KEY.pub...] [--trust-dir DIR]",
	.about = "List every *.sampan file in DIR (default: the current folder; not\n"
	         "recursive), sorted by file name, one line each with tab-separated fields:\n"
	         "\n"
	         "  STATUS  ID  VERSION  TITLE  LESSONS  SIZE  SIGNER  FILE [REASON]\n"
	         "\n"
	         "STATUS is OK, UPDATE, or REFUSED followed by the reason in the last field.  A\n"
	         "bundle is listed OK when its container, signature by a trusted key,\n"
	         "manifest and metadata pass, as the player checks it before serving it,\n"
	         "and the player would serve it: of one course, the highest version only,\n"
	         "and none when two files of that version differ (a conflict);\n"
	         "`sampan-play verify` checks every byte of it as well.  An update file\n"
	         "(*.sampan-update) is listed UPDATE when its base is in DIR (serve applies\n"
	         "it, install applies it to a library), else REFUSED: base missing.\n",
	.after = "Exit status: 0 listed (refused bundles included), 2 usage, 3 system error.\n",
	.operands = "list takes at most one DIR",
	.operands_min = 0,
	.operands_max = 1,
};

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The names of the bundles in dir, sorted; *names is malloc'd, each name
 * too.  EXIT_SYSTEM (reported) when the folder cannot be read.
 */
static int read_names(const char *dir, char ***names, size_t *count)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = NULL;
	size_t n = 0, cap = 0;

	*names = NULL;
	*count = 0;
	if (!d) {
		cli_error("%s: cannot read the folder: %s", dir, strerror(errno));
		return EXIT_SYSTEM;
	}
	for (;;) {
		errno = 0;
		de = readdir(d);
		if (!de)
			break;
		if (!player_is_bundle_name(de->d_name) && !player_is_update_name(de->d_name))
			continue;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			char **p = xrealloc(v, ncap * sizeof(*p));
			v = p;
			cap = ncap;
		}
		v[n] = xstrdup(de->d_name);
		n++;
	}
	if (errno != 0) {
		int e = errno;
		cli_error("%s: cannot read the folder: %s", dir, strerror(e));
		for (size_t i = 0; i < n; i++)
			free(v[i]);
		free(v);
		closedir(d);
		return EXIT_SYSTEM;
	}
	closedir(d);
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_names);
	*names = v;
	*count = n;
	return EXIT_YES;
}

/*
 * Print text with control characters (C0, DEL, C1) and tabs as spaces: a
 * title is the publisher's, signed but not ours to let drive the terminal
 * or break the fields.
 */
static void print_clean(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			putchar(' ');
		} else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			putchar(' ');
			p++;
		} else {
			putchar(*p);
		}
	}
}

/* One bundle of the folder: what verification found. */
struct listed {
	char *path;
	char qname[BUNDLE_ERROR_ENTRY_MAX];
	char size[32];
	bool verified;
	/* verified */
	char *id, *version, *title;
	size_t lessons;
	char signer[MINISIGN_KEYID_HEX_SIZE];
	unsigned char digest[DIGEST_SIZE];
	/* not verified, or not served: why */
	char *reason;
	/* an update file, opened (NULL when it was refused) */
	bool is_update;
	struct update *u;
};

static void examine(const char *dir, const char *name, const struct trust *trust, struct listed *x)
{
	struct bundle *b = NULL;
	struct bundle_error err;
	enum bundle_status st;
	struct stat sb;

	memset(x, 0, sizeof(*x));
	x->path = path_join(dir, name);
	bundle_quote(x->qname, sizeof(x->qname), name, strlen(name));
	if (player_is_update_name(name)) {
		x->is_update = true;
		if (stat(x->path, &sb) == 0)
			cli_size((uint64_t)sb.st_size, x->size, sizeof(x->size));
		else
			snprintf(x->size, sizeof(x->size), "-");
		st = update_open(x->path, trust, &x->u, &err);
		if (st == BUNDLE_NOMEM)
			xalloc_die();
		if (st != BUNDLE_OK)
			x->reason = xstrdup(err.message);
		return;
	}
	st = bundle_open(x->path, &b, &err);
	if (st == BUNDLE_OK)
		st = bundle_verify(b, trust, &err);
	if (st == BUNDLE_NOMEM)
		xalloc_die();
	if (st == BUNDLE_OK) {
		const struct course *c = bundle_course(b);
		const char *title = course_text_get(&c->title, c->language, c->language);

		x->verified = true;
		x->id = xstrdup(c->id);
		x->version = xstrdup(c->version);
		x->title = xstrdup(title ? title : "-");
		x->lessons = c->lessons_count;
		minisign_keyid_hex(bundle_signer(b), x->signer);
		memcpy(x->digest, bundle_manifest_digest(b), DIGEST_SIZE);
		cli_size(bundle_file_size(b), x->size, sizeof(x->size));
	} else {
		if (stat(x->path, &sb) == 0)
			cli_size((uint64_t)sb.st_size, x->size, sizeof(x->size));
		else
			snprintf(x->size, sizeof(x->size), "-");
		x->reason = xstrdup(err.message);
	}
	bundle_close(b);
}

/* The player's choice among the verified bundles: the same rule as `serve` (choose.h). */
static void choose(struct listed *v, size_t n)
{
	struct choose_item *items = xcalloc(n, sizeof(*items));
	struct listed **of = xcalloc(n, sizeof(*of));
	size_t m = 0;

	for (size_t i = 0; i < n; i++) {
		if (!v[i].verified)
			continue;
		of[m] = &v[i];
		items[m].id = v[i].id;
		items[m].version = v[i].version;
		items[m].manifest_digest = v[i].digest;
		items[m].path = v[i].path;
		items[m].seen = NULL; /* the versions a player served before are its own */
		m++;
	}
	if (!choose_served(items, m))
		xalloc_die();
	for (size_t i = 0; i < m; i++)
		of[i]->reason = items[i].reason; /* NULL when served */
	free(items);
	free(of);
}

/* An update: its base among the verified bundles listed, in the words serve uses. */
static void judge_update(struct listed *x, const struct listed *v, size_t n)
{
	const struct update_info *in = update_info(x->u);
	struct update_candidate *c = xcalloc(n ? n : 1, sizeof(*c));
	size_t m = 0, k;
	enum bundle_rule rule;
	char *why = NULL;

	for (size_t i = 0; i < n; i++)
		if (v[i].verified)
			c[m++] = (struct update_candidate){ v[i].path, v[i].id, v[i].digest };
	k = player_update_base(in, c, m, &rule, &why);
	if (k == m && !why)
		xalloc_die();
	if (k < m) {
		why = xasprintf("applies to %s (version %s), giving version %s", c[k].path,
		                in->from, in->to);
		x->verified = true; /* UPDATE */
	}
	x->reason = why;
	free(c);
}

static void print_update(const struct listed *x)
{
	const struct update_info *in = x->u ? update_info(x->u) : NULL;
	char signer[MINISIGN_KEYID_HEX_SIZE];

	if (!in) {
		printf("REFUSED\t-\t-\t-\t-\t%s\t-\t%s\t", x->size, x->qname);
	} else {
		minisign_keyid_hex(in->signer, signer);
		printf("%s\t%s\t%s\t", x->verified ? "UPDATE" : "REFUSED", in->id, in->to);
		print_clean(in->title ? in->title : "-");
		printf("\t-\t%s\t%s\t%s\t", x->size, signer, x->qname);
	}
	print_clean(x->reason);
	putchar('\n');
}

static void print_one(const struct listed *x)
{
	if (x->is_update) {
		print_update(x);
		return;
	}
	if (x->verified && !x->reason) {
		printf("OK\t%s\t%s\t", x->id, x->version);
		print_clean(x->title);
		printf("\t%zu\t%s\t%s\t%s\n", x->lessons, x->size, x->signer, x->qname);
		return;
	}
	if (x->verified) {
		printf("REFUSED\t%s\t%s\t", x->id, x->version);
		print_clean(x->title);
		printf("\t%zu\t%s\t%s\t%s\t", x->lessons, x->size, x->signer, x->qname);
	} else {
		printf("REFUSED\t-\t-\t-\t-\t%s\t-\t%s\t", x->size, x->qname);
	}
	print_clean(x->reason);
	putchar('\n');
}

static void listed_release(struct listed *x)
{
	free(x->path);
	free(x->id);
	free(x->version);
	free(x->title);
	free(x->reason);
	update_close(x->u);
}

int cmd_list(int argc, char **argv)
{
	struct trust_opts t;
	const struct opt opts[] = {
		OPT_TRUSTED_KEYS(&t),
		OPT_END(),
	};
	const char *dir = ".";
	char **names = NULL;
	size_t count = 0;
	int n, rc;

	/* Without any key every bundle is listed REFUSED, as `serve` would refuse it: warn. */
	n = trust_opts_parse(&t, TRUST_WARN, argc, argv, opts, &help, &rc);
	if (n < 0)
		goto done;
	if (n == 1)
		dir = argv[0];
	rc = read_names(dir, &names, &count);
	if (count > 0) {
		struct listed *v = xcalloc(count, sizeof(*v));
		for (size_t i = 0; i < count; i++)
			examine(dir, names[i], &t.trust, &v[i]);
		choose(v, count);
		for (size_t i = 0; i < count; i++)
			if (v[i].is_update && v[i].u)
				judge_update(&v[i], v, count);
		for (size_t i = 0; i < count; i++) {
			print_one(&v[i]);
			listed_release(&v[i]);
			free(names[i]);
		}
		free(v);
	}
	free(names);
done:
	trust_opts_release(&t);
	return rc;
}
