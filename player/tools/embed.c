/*
 * embed.c - writes files into a C source as constant bytes, so that the
 * player carries its own stylesheets, script and interface translations
 * (player/embedded.h) and stays one file: nothing to install beside it,
 * nothing to lose on the way to a classroom.  Run by the Makefile at
 * build time.
 *
 *   embed TABLE FILE... > out.c
 *
 * defines `const struct embedded_file TABLE[]` and `TABLE_count`, one
 * entry per FILE in the order given, named by the file's last path
 * component; each file's bytes are followed by a NUL that its length does
 * not count, so a text file can be used as a C string.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EMBED_FILE_MAX (16L * 1024 * 1024)

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static int embed(FILE *out, const char *path, size_t i, long *len)
{
	FILE *in = fopen(path, "rb");
	int c;

	*len = 0;
	if (!in) {
		perror(path);
		return 1;
	}
	fprintf(out, "static const unsigned char file%zu[] = {", i);
	while ((c = fgetc(in)) != EOF) {
		if (*len % 16 == 0)
			fputs("\n\t", out);
		fprintf(out, "0x%02x, ", (unsigned)c);
		if (++*len > EMBED_FILE_MAX) {
			fprintf(stderr, "embed: %s: larger than %ld bytes\n", path, EMBED_FILE_MAX);
			fclose(in);
			return 1;
		}
	}
	fputs("0x00\n};\n", out);
	if (ferror(in)) {
		perror(path);
		fclose(in);
		return 1;
	}
	fclose(in);
	return 0;
}

int main(int argc, char **argv)
{
	long *len;

	if (argc < 3) {
		fputs("usage: embed TABLE FILE...\n", stderr);
		return 2;
	}
	len = calloc((size_t)argc, sizeof(*len));
	if (!len)
		return 3;
	printf("/* Made by player/tools/embed.c at build time: do not edit. */\n"
	       "#include \"embedded.h\"\n\n");
	for (int i = 2; i < argc; i++)
		if (embed(stdout, argv[i], (size_t)i - 2, &len[i]) != 0) {
			free(len);
			return 1;
		}
	printf("\nconst struct embedded_file %s[] = {\n", argv[1]);
	for (int i = 2; i < argc; i++)
		printf("\t{ \"%s\", file%d, %ld },\n", base_name(argv[i]), i - 2, len[i]);
	printf("};\n\nconst size_t %s_count = %d;\n", argv[1], argc - 2);
	free(len);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("embed");
		return 3;
	}
	return 0;
}
