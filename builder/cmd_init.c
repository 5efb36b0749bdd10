/*
 * cmd_init.c - `sampan-build init DIR`: a new course folder to start from: course.yml with
 * every key explained, two example lessons, an example picture and GUIDE.md, a guide for
 * producers (format-spec/course-source.md).
 */
#define _XOPEN_SOURCE 700 /* realpath */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builder.h"
#include "cli.h"
#include "course.h"
#include "options.h"
#include "path.h"
#include "utf8.h"
#include "xalloc.h"

static const struct opts_help help = {
	.usage = "init [--language TAG] [--title TEXT] DIR",
	.about = "Start a new course in the folder DIR, which must be new or empty:\n"
	         "course.yml with every key explained, two example lessons in lessons/,\n"
	         "an example picture in media/, and GUIDE.md, a short guide to writing\n"
	         "a course.\n",
	.after = "Then edit DIR/course.yml and the lessons, and run: sampan-build check DIR\n"
	         "\n"
	         "Exit status: 0 created, 1 DIR exists and is not empty, 2 usage, 3 system.\n",
};

#define ID_MAX 128 /* format-spec/bundle-v1.md 8.4 */
#define TITLE_MAX 1000 /* bytes; a title is a line, not a page */
#define CREATED_MAX 64 /* paths made by one run: the folders of DIR, 3 folders, 5 files */

/* What this run made, in order, so that a failure removes exactly that and nothing else. */
struct created {
	char *path[CREATED_MAX];
	bool dir[CREATED_MAX];
	size_t count;
};

static void created_add(struct created *c, const char *path, bool dir)
{
	char *p;

	if (c->count == CREATED_MAX)
		abort(); /* a bug: the count is fixed by this file */
	p = xstrdup(path);
	c->path[c->count] = p;
	c->dir[c->count] = dir;
	c->count++;
}

/* Remove what was made, newest first (files before their folders). */
static void created_undo(struct created *c)
{
	while (c->count > 0) {
		c->count--;
		if (c->dir[c->count])
			rmdir(c->path[c->count]);
		else
			unlink(c->path[c->count]);
		free(c->path[c->count]);
	}
}

static void created_keep(struct created *c)
{
	for (size_t i = 0; i < c->count; i++)
		free(c->path[i]);
	c->count = 0;
}

/* A title fits on a line: non-empty UTF-8, no control characters, bounded. */
static bool valid_title(const char *s)
{
	size_t len = strlen(s), pos = 0;
	uint32_t cp;

	if (len == 0 || len > TITLE_MAX)
		return false;
	while (pos < len) {
		if (!utf8_next(s, len, &pos, &cp))
			return false;
		if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
			return false;
	}
	return true;
}

/*
 * The course id from a folder's name: ASCII letters lowercased, digits kept, every run of
 * anything else one '-', none at either end, at most ID_MAX bytes; "my-course" when
 * nothing is left.  out has ID_MAX + 1 bytes.
 */
static void derive_id(const char *name, char *out)
{
	size_t n = 0;
	bool gap = false;

	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		unsigned char ch = *p;
		if (ch >= 'A' && ch <= 'Z')
			ch = (unsigned char)(ch - 'A' + 'a');
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))) {
			gap = true;
			continue;
		}
		if (gap && n > 0) {
			if (n + 2 > ID_MAX)
				break;
			out[n++] = '-';
		}
		if (n + 1 > ID_MAX)
			break;
		out[n++] = (char)ch;
		gap = false;
	}
	out[n] = '\0';
	if (n == 0)
		snprintf(out, ID_MAX + 1, "%s", "my-course");
}

/* Write s as a YAML double-quoted scalar: '"' and '\' escaped, line separators as \u. */
static void put_yaml_string(FILE *f, const char *s)
{
	size_t len = strlen(s), pos = 0;
	uint32_t cp;

	fputc('"', f);
	while (pos < len) {
		size_t start = pos;
		if (!utf8_next(s, len, &pos, &cp)) {
			pos = start + 1; /* valid_title has ruled this out */
			continue;
		}
		if (cp == '"' || cp == '\\')
			fprintf(f, "\\%c", (char)cp);
		else if (cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF || cp == 0xFFFE ||
		         cp == 0xFFFF)
			fprintf(f, "\\u%04X", (unsigned)cp);
		else
			fwrite(s + start, 1, pos - start, f);
	}
	fputc('"', f);
}

static const char course_yml_1[] =
        "# course.yml: what this course is.  Change the values after the colons.\n"
        "# Lines that start with # are comments: Sampan ignores them.\n"
        "# GUIDE.md, beside this file, explains every key with examples.\n"
        "\n"
        "# The course's identifier: lowercase letters a-z, digits and '-', in parts joined\n"
        "# by dots.  Keep it the same in every version of the course.  Start it with your\n"
        "# organisation's web address reversed, so that no other publisher uses it:\n"
        "# for example org.example.pump-maintenance.\n";

static const char course_yml_2[] =
        "\n"
        "# The version of the course: 1, then 1.1, 2, 2.0.1 ...  Raise it every time you\n"
        "# publish a change, so that classrooms replace the old version.\n"
        "version: \"1\"\n"
        "\n"
        "# The main language of the course, as a language tag: th (Thai), vi (Vietnamese),\n"
        "# km (Khmer), lo (Lao), my (Burmese), ms (Malay), id (Indonesian), fil (Filipino),\n"
        "# zh-Hans (Chinese, simplified), en (English) ...\n";

static const char course_yml_3[] =
        "\n"
        "# The languages of the titles below, main language first.  Optional: without this\n"
        "# line, they are the languages the title is given in.\n"
        "# languages: [th, en]\n"
        "\n"
        "# The course's title, in the main language and, if you like, in others\n"
        "# (one line each: TAG: \"Title\").\n"
        "title:\n";

static const char course_yml_4[] =
        "\n"
        "# What the course teaches and for whom, in a sentence or two.  Optional.\n"
        "description:\n";

static const char course_yml_5[] =
        "\n"
        "# Who publishes the course: a name (required) and an email address (optional).\n"
        "publisher:\n"
        "  name: \"Your school or organisation\"\n"
        "  contact: \"courses@example.org\"\n"
        "\n"
        "# The licence of the texts, pictures and videos: an SPDX identifier such as\n"
        "# CC-BY-SA-4.0 or CC-BY-4.0.  Make sure you may publish every file under it.\n"
        "licence: CC-BY-SA-4.0\n"
        "\n"
        "# Optional: who the course is for, and its subjects.\n"
        "level: beginner\n"
        "# subjects: [plumbing, safety]\n"
        "\n"
        "# Optional: keep HTML written inside lessons, through an allowlist (default: false,\n"
        "# HTML is left out; check warns where).\n"
        "# allow_html: false\n"
        "\n"
        "# The lessons, in reading order: Markdown files in the folder lessons/.\n"
        "# A lesson's title is its first heading.  To give titles in several languages,\n"
        "# another id or another language, write a lesson like this:\n"
        "#   - file: lessons/03-tools.md\n"
        "#     id: tools\n"
        "#     title: {en: \"Tools\", th: \"เครื่องมือ\"}\n"
        "lessons:\n"
        "  - lessons/01-welcome.md\n"
        "  - lessons/02-next-steps.md\n"
        "\n"
        "# Optional: pages for the teacher alone (answers, timings), listed like the\n"
        "# lessons; lesson: names the lesson one goes with.  Students never see them,\n"
        "# and a lesson may not link to them.\n"
        "# teacher:\n"
        "#   - file: teacher-notes/answers.md\n"
        "#     lesson: 01-welcome\n";

static const char *const lesson_1[] = {
	"# Welcome\n"
	"\n"
	"This is the first lesson of your new course. It shows what a lesson can\n"
	"contain: replace its text with yours. GUIDE.md, in the course folder beside\n"
	"course.yml, explains how to write each part.\n"
	"\n"
	"## What you will learn\n"
	"\n"
	"- how the course is organised;\n"
	"- which tools and materials you need;\n"
	"- how to check your own work at the end of each lesson.\n"
	"\n"
	"## A picture\n"
	"\n"
	"![A course folder with course.yml, lessons and media becomes one signed course "
	"file](../media/example.svg)\n"
	"\n"
	"## A table\n"
	"\n"
	"| Week | Lesson | Practical work |\n"
	"| --- | --- | --- |\n"
	"| 1 | Welcome | A tour of the workshop |\n"
	"| 2 | Next steps | The first exercise |\n"
	"\n"
	"## Links\n"
	"\n"
	"The [next lesson](02-next-steps.md) goes on from here, and its part\n"
	"[Check your work](02-next-steps.md#check-your-work) ends with a checklist.\n"
	"Back to [the table](#a-table) above.\n",
	NULL,
};

static const char *const lesson_2[] = {
	"# Next steps\n"
	"\n"
	"## Add your own lessons\n"
	"\n"
	"1. Write a new file in the folder `lessons`, for example `03-tools.md`.\n"
	"2. Add it to the list `lessons:` at the end of `course.yml`.\n"
	"3. Put its pictures, videos and documents in the folder `media`.\n"
	"4. Run `sampan-build check` on the course folder and fix what it reports.\n"
	"\n"
	"## Video, sound and documents\n"
	"\n"
	"Show a video with its subtitles, play a sound, or offer a document to\n"
	"download like this (the files must exist in `media`):\n"
	"\n"
	"```\n"
	"![Changing the seal](../media/seal.mp4)\n"
	"![What a worn bearing sounds like](../media/bearing.mp3)\n"
	"[Worksheet](../media/worksheet.pdf)\n"
	"```\n"
	"\n"
	"Subtitles sit beside the video, one file per language: `seal.en.vtt`,\n"
	"`seal.th.vtt`.\n"
	"\n"
	"## Check your work\n"
	"\n"
	"- [ ] Every lesson is listed in `course.yml`.\n"
	"- [ ] Every picture has a description in its square brackets.\n"
	"- [ ] Every video has subtitles.\n"
	"- [ ] `sampan-build check` reports no errors.\n"
	"\n"
	"Back to the [first lesson](01-welcome.md#what-you-will-learn).\n",
	NULL,
};

static const char *const example_svg[] = {
	"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"480\" height=\"200\" "
	"viewBox=\"0 0 480 200\">\n"
	"  <title>A course folder becomes one signed course file</title>\n"
	"  <style>\n"
	"    text { font-family: \"Noto Sans\", \"DejaVu Sans\", sans-serif; font-size: "
	"15px; fill: #222; }\n"
	"    .box { fill: #e3f2fd; stroke: #1565c0; stroke-width: 2; }\n"
	"    .out { fill: #e8f5e9; stroke: #2e7d32; stroke-width: 2; }\n"
	"  </style>\n"
	"  <rect width=\"480\" height=\"200\" fill=\"#ffffff\"/>\n"
	"  <rect class=\"box\" x=\"20\" y=\"24\" width=\"150\" height=\"40\" rx=\"6\"/>\n"
	"  <text x=\"36\" y=\"50\">course.yml</text>\n"
	"  <rect class=\"box\" x=\"20\" y=\"80\" width=\"150\" height=\"40\" rx=\"6\"/>\n"
	"  <text x=\"36\" y=\"106\">lessons/</text>\n"
	"  <rect class=\"box\" x=\"20\" y=\"136\" width=\"150\" height=\"40\" rx=\"6\"/>\n"
	"  <text x=\"36\" y=\"162\">media/</text>\n"
	"  <path d=\"M180 100 L280 100\" stroke=\"#555\" stroke-width=\"4\"/>\n"
	"  <path d=\"M280 90 L300 100 L280 110 Z\" fill=\"#555\"/>\n"
	"  <text x=\"196\" y=\"88\" style=\"font-size: 13px\">build</text>\n"
	"  <rect class=\"out\" x=\"310\" y=\"70\" width=\"150\" height=\"60\" rx=\"6\"/>\n"
	"  <text x=\"326\" y=\"98\">course.sampan</text>\n"
	"  <text x=\"326\" y=\"118\" style=\"font-size: 12px\">signed, one file</text>\n"
	"</svg>\n",
	NULL,
};

static const char *const guide_md[] = {
	"# How to write a course\n"
	"\n"
	"This folder is a course. You write it with any text editor, check it with\n"
	"`sampan-build check`, and turn it into one signed file with `sampan-build\n"
	"build`. Teachers carry that file to their classroom on a USB stick.\n"
	"\n"
	"## What is in the folder\n"
	"\n"
	"```\n"
	"course.yml              what the course is: title, language, lessons...\n"
	"lessons/01-welcome.md   the lessons, one Markdown file each\n"
	"lessons/02-next-steps.md\n"
	"media/example.svg       pictures, videos, sound, subtitles, documents\n"
	"GUIDE.md                this guide (it is not part of the course)\n"
	"```\n"
	"\n"
	"Only `lessons/`, `media/` and the files that lessons link to go into the\n"
	"course file. Files and folders whose name starts with a dot are left out.\n"
	"\n"
	"## course.yml\n"
	"\n"
	"Each line is `key: value`. Text after `#` is a comment.\n"
	"\n"
	"| Key | What to write | Needed |\n"
	"| --- | --- | --- |\n"
	"| `id` | A name for the course that never changes: lowercase letters, digits "
	"and `-`, parts joined by dots, such as `org.example.pump-maintenance` | yes |\n"
	"| `version` | `1`, then `1.1`, `2`... Raise it for every change you publish | yes "
	"|\n"
	"| `language` | The main language: `th`, `vi`, `km`, `lo`, `my`, `ms`, `id`, "
	"`fil`, `zh-Hans`, `en`... | yes |\n"
	"| `title` | The title in the main language, and in others if you like | yes |\n"
	"| `description` | What the course teaches and for whom | no |\n"
	"| `publisher` | `name:` of your school or organisation, `contact:` an email "
	"address | yes (name) |\n"
	"| `licence` | The licence, such as `CC-BY-SA-4.0` | yes |\n"
	"| `level`, `subjects` | Who the course is for; its subjects | no |\n"
	"| `lessons` | The lesson files, in reading order | yes |\n"
	"| `teacher` | Pages for the teacher alone, listed like the lessons | no |\n"
	"\n"
	"A title in two languages:\n"
	"\n"
	"```\n"
	"title:\n"
	"  th: การบำรุงรักษาปั๊มน้ำ\n"
	"  en: Water pump maintenance\n"
	"```\n"
	"\n",
	"## Writing a lesson\n"
	"\n"
	"Lessons are written in Markdown: plain text with a few marks.\n"
	"\n"
	"| You write | You get |\n"
	"| --- | --- |\n"
	"| `# Title` | the lesson's title (one per lesson, at the top) |\n"
	"| `## Part` and `### Smaller part` | headings |\n"
	"| an empty line | a new paragraph |\n"
	"| `**important**` | **important** |\n"
	"| `- item` | a list |\n"
	"| `1. step` | a numbered list |\n"
	"| `- [ ] task` | a checklist |\n"
	"| `[text](02-next-steps.md)` | a link to another lesson |\n"
	"| `[text](02-next-steps.md#check-your-work)` | a link to a heading in it |\n"
	"| `[text](#a-table)` | a link to a heading in the same lesson |\n"
	"\n"
	"A heading's link name is its text in lowercase, spaces replaced by `-`,\n"
	"punctuation left out: `## Check your work` is `#check-your-work`.\n"
	"\n"
	"A table:\n"
	"\n"
	"```\n"
	"| Tool | Use |\n"
	"| --- | --- |\n"
	"| Spanner | Tighten nuts |\n"
	"```\n"
	"\n"
	"## Pictures, video, sound and documents\n"
	"\n"
	"Put the files in `media/` and refer to them from the lesson:\n"
	"\n"
	"```\n"
	"![The parts of a pump](../media/pump.svg)\n"
	"![Changing the seal](../media/seal.mp4)\n"
	"![What a worn bearing sounds like](../media/bearing.mp3)\n"
	"[Worksheet](../media/worksheet.pdf)\n"
	"```\n"
	"\n"
	"- **Pictures** (PNG, JPEG, SVG, WebP, GIF): always write what the picture\n"
	"  shows in the square brackets, for students who cannot see it.\n"
	"- **Video**: MP4 (H.264 and AAC) or WebM. Subtitles are WebVTT files beside\n"
	"  the video, named after it with a language tag: `seal.th.vtt`, `seal.en.vtt`.\n"
	"  Every video needs subtitles. Make MP4 files with `-movflags +faststart` so\n"
	"  that they play before they have fully loaded.\n"
	"- **Sound**: MP3, M4A, Ogg, Opus or WAV.\n"
	"- **Documents** (PDF and others): a normal link; students can download them.\n"
	"- Never link to a web site: classrooms have no internet. Email addresses\n"
	"  (`mailto:`) are fine.\n"
	"\n",
	"## Naming files\n"
	"\n"
	"Courses travel on USB sticks and memory cards, which do not allow every name.\n"
	"Use lowercase letters, digits and `-`, with one dot before the extension:\n"
	"`02-changing-the-seal.md`, `pump-parts.png`. Never use\n"
	"`\\ / : * ? \" < > |`, never end a name with a dot or a space, and never use\n"
	"names that Windows keeps for itself such as `con`, `aux`, `nul`, `com1` or\n"
	"`lpt1`. Two names that differ only in capitals (`Pump.png` and `pump.png`)\n"
	"count as the same file. A single file may not be larger than 4 GB.\n"
	"\n"
	"## Check, sign, build\n"
	"\n"
	"Check the course after every change; it reports every problem with the file\n"
	"and the line:\n"
	"\n"
	"```\n"
	"sampan-build check my-course\n"
	"```\n"
	"\n"
	"Once, make your key pair. Keep the secret key (`.key`) safe and remember its\n"
	"password; give the public key (`.pub`) to the teachers:\n"
	"\n"
	"```\n"
	"sampan-build keygen -o my-school\n"
	"```\n"
	"\n"
	"Build the signed course file:\n"
	"\n"
	"```\n"
	"sampan-build build my-course -k my-school.key -o my-course.sampan\n"
	"```\n"
	"\n"
	"The same folder and key always give the same file, byte for byte.\n",
	NULL,
};

/* Write the parts to DIR/rel (created, never replaced) and record it. */
static int write_parts(struct created *c, const char *dir, const char *rel,
                       const char *const *parts)
{
	char *path = path_join(dir, rel);
	int fd, rc = EXIT_SYSTEM;
	FILE *f;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0) {
		cli_error("%s: cannot create it: %s", path, strerror(errno));
		goto done;
	}
	created_add(c, path, false);
	f = fdopen(fd, "w");
	if (!f) {
		cli_error("%s: cannot write it: %s", path, strerror(errno));
		close(fd);
		goto done;
	}
	for (size_t i = 0; parts[i]; i++)
		fputs(parts[i], f);
	if (ferror(f) != 0) {
		cli_error("%s: cannot write it: %s", path, strerror(errno));
		fclose(f);
		goto done;
	}
	if (fclose(f) != 0) {
		cli_error("%s: cannot write it: %s", path, strerror(errno));
		goto done;
	}
	rc = EXIT_YES;
done:
	free(path);
	return rc;
}

static int write_course_yml(struct created *c, const char *dir, const char *id, const char *lang,
                            const char *title)
{
	char *path = path_join(dir, "course.yml");
	int fd, rc = EXIT_SYSTEM;
	FILE *f;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0) {
		cli_error("%s: cannot create it: %s", path, strerror(errno));
		goto done;
	}
	created_add(c, path, false);
	f = fdopen(fd, "w");
	if (!f) {
		cli_error("%s: cannot write it: %s", path, strerror(errno));
		close(fd);
		goto done;
	}
	fputs(course_yml_1, f);
	fprintf(f, "id: %s\n", id);
	fputs(course_yml_2, f);
	fprintf(f, "language: %s\n", lang);
	fputs(course_yml_3, f);
	fprintf(f, "  %s: ", lang);
	put_yaml_string(f, title);
	fputc('\n', f);
	fputs(course_yml_4, f);
	fprintf(f, "  %s: \"What this course teaches, and for whom.\"\n", lang);
	fputs(course_yml_5, f);
	if (ferror(f) != 0) {
		cli_error("%s: cannot write it: %s", path, strerror(errno));
		fclose(f);
		goto done;
	}
	if (fclose(f) != 0) {
		cli_error("%s: cannot write it: %s", path, strerror(errno));
		goto done;
	}
	rc = EXIT_YES;
done:
	free(path);
	return rc;
}

/* mkdir, recorded; an existing folder is an error here (DIR's own folders are new). */
static int make_dir(struct created *c, const char *path)
{
	if (mkdir(path, 0777) != 0) {
		cli_error("%s: cannot create the folder: %s", path, strerror(errno));
		return EXIT_SYSTEM;
	}
	created_add(c, path, true);
	return EXIT_YES;
}

/* Make dir and its missing parents, like mkdir -p, recording each folder made. */
static int make_dirs(struct created *c, const char *dir)
{
	size_t len = strlen(dir);
	char *p = xstrdup(dir);
	int rc = EXIT_YES;
	struct stat sb;

	for (size_t i = 1; i <= len && rc == EXIT_YES; i++) {
		if (p[i] != '/' && p[i] != '\0')
			continue;
		if (p[i - 1] == '/')
			continue; /* "a//b" */
		p[i] = '\0';
		if (stat(p, &sb) == 0) {
			if (!S_ISDIR(sb.st_mode)) {
				cli_error("%s: exists and is not a folder; choose a new folder", p);
				rc = EXIT_NO;
			}
		} else if (errno == ENOENT) {
			rc = make_dir(c, p);
		} else {
			cli_error("%s: %s", p, strerror(errno));
			rc = EXIT_SYSTEM;
		}
		if (i < len)
			p[i] = '/';
	}
	free(p);
	return rc;
}

/* 1 when the folder has no entry, 0 when it has one, -1 (reported) when unreadable. */
static int dir_is_empty(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int empty = 1;

	if (!d) {
		cli_error("%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
			empty = 0;
			break;
		}
	}
	closedir(d);
	return empty;
}

/* The folder's own name (of its real path, so "." works); malloc'd, or NULL when it has none. */
static char *folder_name(const char *dir)
{
	char *real = realpath(dir, NULL), *slash, *name;

	if (!real)
		return NULL;
	slash = strrchr(real, '/');
	name = xstrdup(slash ? slash + 1 : real);
	free(real);
	return name;
}

/* DIR as the person typed it, quoted for a shell when it needs to be. */
static char *shell_word(const char *s)
{
	size_t n = strlen(s), extra = 2;
	bool plain = n > 0;
	char *out, *o;

	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '\'')
			extra += 3;
		if (ch <= ' ' || strchr("'\"\\$`!*?[]{}()<>|&;#~=%", ch))
			plain = false;
	}
	out = xmalloc(n + extra + 1);
	if (plain) {
		memcpy(out, s, n + 1);
		return out;
	}
	o = out;
	*o++ = '\'';
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\'') {
			memcpy(o, "'\\''", 4);
			o += 4;
		} else {
			*o++ = s[i];
		}
	}
	*o++ = '\'';
	*o = '\0';
	return out;
}

int cmd_init(int argc, char **argv)
{
	const char *lang = "en", *title = NULL, *arg_dir;
	const struct opt opts[] = {
		OPT_STRING(0, "language", &lang, "TAG",
		           "the course's main language, as a language tag such as\n"
		           "th, vi, km, lo, my, ms, fil, zh-Hans (default: en)"),
		OPT_STRING(0, "title", &title, "TEXT",
		           "the course's title (default: the folder's name)"),
		OPT_END(),
	};
	char id[ID_MAX + 1], *dir = NULL, *name = NULL, *sub = NULL, *shown = NULL;
	struct created made = { .count = 0 };
	struct stat sb;
	size_t len;
	int n, rc = EXIT_SYSTEM;

	n = opts_parse(argc, argv, opts, &help, &rc);
	if (n < 0)
		return rc;
	rc = EXIT_SYSTEM;
	if (n > 1)
		return opts_usage_error(&help, "init: one folder at a time");
	arg_dir = n == 1 ? argv[0] : NULL;
	if (!arg_dir || !*arg_dir)
		return opts_usage_error(&help, "init: which folder?");
	if (!course_lang_valid(lang)) {
		cli_error("init: '%s' is not a language tag (such as th, vi, km, en or zh-Hans)",
		          lang);
		return EXIT_USAGE;
	}
	if (title && !valid_title(title)) {
		cli_error("init: the title must be one line of UTF-8 text, 1 to %d bytes",
		          TITLE_MAX);
		return EXIT_USAGE;
	}

	/* DIR without trailing slashes ("x/" is "x"; "/" stays). */
	len = strlen(arg_dir);
	while (len > 1 && arg_dir[len - 1] == '/')
		len--;
	dir = xmalloc(len + 1);
	memcpy(dir, arg_dir, len);
	dir[len] = '\0';

	if (stat(dir, &sb) == 0) {
		int empty;
		if (!S_ISDIR(sb.st_mode)) {
			cli_error("%s: exists and is not a folder; choose a new folder", dir);
			rc = EXIT_NO;
			goto done;
		}
		empty = dir_is_empty(dir);
		if (empty <= 0) {
			if (empty == 0)
				cli_error("%s: not empty; choose a new folder", dir);
			rc = empty == 0 ? EXIT_NO : EXIT_SYSTEM;
			goto done;
		}
	} else if (errno != ENOENT && errno != ENOTDIR) {
		cli_error("%s: %s", dir, strerror(errno));
		goto done;
	} else if ((rc = make_dirs(&made, dir)) != EXIT_YES) {
		goto done;
	}

	name = folder_name(dir);
	derive_id(name ? name : "", id);
	if (!title)
		title = name && valid_title(name) ? name : "My course";

	rc = write_course_yml(&made, dir, id, lang, title);
	if (rc == EXIT_YES) {
		sub = path_join(dir, "lessons");
		rc = make_dir(&made, sub);
		free(sub);
	}
	if (rc == EXIT_YES)
		rc = write_parts(&made, dir, "lessons/01-welcome.md", lesson_1);
	if (rc == EXIT_YES)
		rc = write_parts(&made, dir, "lessons/02-next-steps.md", lesson_2);
	if (rc == EXIT_YES) {
		sub = path_join(dir, "media");
		rc = make_dir(&made, sub);
		free(sub);
	}
	if (rc == EXIT_YES)
		rc = write_parts(&made, dir, "media/example.svg", example_svg);
	if (rc == EXIT_YES)
		rc = write_parts(&made, dir, "GUIDE.md", guide_md);
	if (rc != EXIT_YES)
		goto done;

	created_keep(&made);
	shown = shell_word(dir);
	printf("Created a course in %s. Next: edit %s/course.yml, then run: sampan-build check "
	       "%s\n",
	       shown, shown, shown);
	if (fflush(stdout) != 0)
		rc = EXIT_SYSTEM; /* the course stays: only the message was lost */
done:
	created_undo(&made); /* empty after success */
	free(shown);
	free(name);
	free(dir);
	return rc;
}
