/*
 * cmd_keygen.c - `sampan-build keygen -o NAME`: a minisign-compatible key
 * pair, NAME.key (secret, mode 0600, password-protected unless
 * --no-password) and NAME.pub (0666 minus the umask); never overwrites
 * without --force, on FAT and exFAT too
 * (format-spec/bundle-v1.md, "Key files").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builder.h"
#include "cli.h"
#include "minisign.h"
#include "options.h"
#include "outfile.h"
#include "password.h"
#include "xalloc.h"

static const struct opts_help help = {
	.usage = "keygen -o NAME [options]",
	.about = "Make a key pair for signing courses: NAME.key, the secret key (keep it\n"
	         "safe, readable by you alone), and NAME.pub, the public key (give it to\n"
	         "the teachers whose players should trust your courses).  The files use\n"
	         "minisign's formats: stock minisign can sign and verify with them.\n",
	.after = "Without --no-password or --password-file, the password is asked twice on\n"
	         "the terminal.\n",
	.operands = "keygen needs -o NAME",
	.operands_min = 0,
	.operands_max = 0,
};

static char *with_ext(const char *name, const char *ext)
{
	size_t n = strlen(name) + strlen(ext) + 1;
	char *p = xmalloc(n);
	snprintf(p, n, "%s%s", name, ext);
	return p;
}

/*
 * Write data to path whole (outfile.h: no hard links, so a FAT or exFAT
 * stick, where producers carry their keys, works), over path with force,
 * else only if path does not exist.
 */
static int write_file(const char *path, const char *data, size_t len, mode_t mode, bool force)
{
	struct bundle_error err;
	bool existed = false;

	if (outfile_write(path, data, len, mode, force, &existed, &err) == BUNDLE_OK)
		return EXIT_YES;
	if (existed) {
		cli_error("%s: already exists; use --force to replace it", path);
		return EXIT_NO;
	}
	return cli_bundle_error(NULL, &err);
}

int cmd_keygen(int argc, char **argv)
{
	const char *name = NULL, *password_file = NULL;
	bool no_password = false, force = false;
	const struct opt opts[] = {
		OPT_STRING('o', "output", &name, "NAME", "write NAME.key and NAME.pub"),
		OPT_BOOL(0, "no-password", &no_password,
		         "do not protect the secret key with a password"),
		OPT_STRING(0, "password-file", &password_file, "FILE",
		           "take the password from FILE's first line"),
		OPT_BOOL(0, "force", &force, "replace existing key files"),
		OPT_END(),
	};
	struct minisign_seckey *sk = NULL;
	struct minisign_pubkey pk;
	struct bundle_error err;
	char *password = NULL, *sec_text = NULL, *pub_text = NULL, *sec_path = NULL,
	     *pub_path = NULL;
	char id[MINISIGN_KEYID_HEX_SIZE];
	size_t sec_len = 0, pub_len = 0;
	struct stat sb;
	int n, rc = EXIT_SYSTEM;

	n = opts_parse(argc, argv, opts, &help, &rc);
	if (n < 0)
		return rc;
	rc = EXIT_SYSTEM;
	if (!name)
		return opts_usage_error(&help, "%s", help.operands);
	if (no_password && password_file)
		return opts_usage_error(&help,
		                        "--no-password and --password-file exclude each other");
	sec_path = with_ext(name, ".key");
	pub_path = with_ext(name, ".pub");
	if (!force && (stat(sec_path, &sb) == 0 || stat(pub_path, &sb) == 0)) {
		cli_error("%s: already exists; use --force to replace it",
		          stat(sec_path, &sb) == 0 ? sec_path : pub_path);
		rc = EXIT_NO;
		goto done;
	}
	if (password_file) {
		password = password_from_file(password_file);
		if (!password || !*password) {
			cli_error("%s: cannot read a password from it", password_file);
			goto done;
		}
	} else if (!no_password) {
		password = password_ask("Password for the new key: ", true);
		if (!password || !*password) {
			cli_error("a password is needed: run in a terminal, or give "
			          "--password-file FILE, or --no-password");
			rc = EXIT_USAGE;
			goto done;
		}
	}
	if (minisign_init(&err) != BUNDLE_OK || minisign_keygen(&sk, &pk, &err) != BUNDLE_OK ||
	    minisign_seckey_format(sk, password, 0, 0, &sec_text, &sec_len, &err) != BUNDLE_OK ||
	    minisign_pubkey_format(&pk, &pub_text, &pub_len, &err) != BUNDLE_OK) {
		rc = cli_bundle_error(NULL, &err);
		goto done;
	}
	rc = write_file(sec_path, sec_text, sec_len, 0600, force);
	if (rc != EXIT_YES)
		goto done;
	rc = write_file(pub_path, pub_text, pub_len, 0666, force);
	if (rc != EXIT_YES) {
		unlink(sec_path); /* no half pair */
		goto done;
	}
	minisign_keyid_hex(pk.keyid, id);
	printf("Key %s: secret key %s (keep it safe%s), public key %s (give it to teachers)\n", id,
	       sec_path, password ? ", with its password" : "", pub_path);
done:
	minisign_seckey_free(sk);
	minisign_secret_free(sec_text);
	minisign_secret_free(password);
	free(pub_text);
	free(sec_path);
	free(pub_path);
	return rc;
}
