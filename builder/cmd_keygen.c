/*
 * cmd_keygen.c - `sampan-build keygen -o NAME`: a minisign-compatible key
 * pair, NAME.key (secret, mode 0600, password-protected unless
 * --no-password) and NAME.pub (0666 minus the umask); never overwrites
 * without --force, on FAT and exFAT too
 * (format-spec/bundle-v1.md, "Key files").
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builder.h"
#include "cli.h"
#include "minisign.h"
#include "outfile.h"
#include "password.h"
#include "xalloc.h"

static const char usage[] =
        "usage: sampan-build keygen -o NAME [options]\n"
        "\n"
        "Make a key pair for signing courses: NAME.key, the secret key (keep it\n"
        "safe, readable by you alone), and NAME.pub, the public key (give it to\n"
        "the teachers whose players should trust your courses).  The files use\n"
        "minisign's formats: stock minisign can sign and verify with them.\n"
        "\n"
        "  -o, --output NAME         write NAME.key and NAME.pub\n"
        "      --no-password         do not protect the secret key with a password\n"
        "      --password-file FILE  take the password from FILE's first line\n"
        "      --force               replace existing key files\n"
        "  -h, --help                this help\n"
        "\n"
        "Without --no-password or --password-file, the password is asked twice on\n"
        "the terminal.\n";

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
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "no-password", no_argument, NULL, 'N' },
		{ "password-file", required_argument, NULL, 'P' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = NULL, *password_file = NULL;
	bool no_password = false, force = false;
	struct minisign_seckey *sk = NULL;
	struct minisign_pubkey pk;
	struct bundle_error err;
	char *password = NULL, *sec_text = NULL, *pub_text = NULL, *sec_path = NULL,
	     *pub_path = NULL;
	char id[MINISIGN_KEYID_HEX_SIZE];
	size_t sec_len = 0, pub_len = 0;
	struct stat sb;
	int opt, rc = EXIT_SYSTEM;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'o':
			name = optarg;
			break;
		case 'N':
			no_password = true;
			break;
		case 'P':
			password_file = optarg;
			break;
		case 'f':
			force = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return EXIT_YES;
		default:
			fputs(usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (!name || optind != argc) {
		cli_error("keygen needs -o NAME (see 'sampan-build keygen --help')");
		return EXIT_USAGE;
	}
	if (no_password && password_file) {
		cli_error("--no-password and --password-file exclude each other");
		return EXIT_USAGE;
	}
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
