/*
 * library_int.h - what the library's two files share, and nothing else
 * includes: library.c (the courses, their open bundles and the snapshots
 * request threads read) and scan.c (the folder scan that makes them).
 */
#ifndef SAMPAN_PLAYER_LIBRARY_INT_H
#define SAMPAN_PLAYER_LIBRARY_INT_H

#include <sys/stat.h>

#include "library.h"
#include "versions.h"

/*
 * One candidate file of a scan and what is known about it.  The records of
 * a scan whose identity is known (known) become the cache the next scan
 * consults.
 */
struct lib_file {
	char *path;
	bool known; /* dev..mtime are valid and the verdict may be reused */
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	bool verified;
	/* not verified: why (the verifier's message, or an I/O reason) */
	char *reason;
	enum bundle_rule rule;
	/* verified */
	char *id;
	char *version;
	unsigned char signer[MINISIGN_KEYID_SIZE];
	unsigned char digest[DIGEST_SIZE];
	struct lib_course *course; /* open bundle: served now, or made in this scan */
	bool fresh; /* course was made in this scan (not yet in any snapshot) */
	/* this scan's verdict for a verified file */
	bool served;
	char *refusal;
	/* an update file (format-spec 21): applied (its target is a candidate), or refused */
	bool update;
	bool applied;
};

struct library {
	char **paths;
	size_t paths_count;
	char *cache_dir;
	const struct trust *trust;
	bool allow_unsigned;
	bool allow_downgrade;

	pthread_mutex_t mu; /* current, snapshot refs, course refs */
	struct lib_snapshot *current;

	pthread_mutex_t scan_mu; /* one scan at a time; guards what follows */
	struct lib_file *files; /* the last scan's known files, sorted by path */
	size_t files_count;
	struct versions store;
	size_t max_open; /* bundles kept open at most, but for those in use (0: no limit) */
	size_t opened; /* bundles opened since the last look at how many are (mu) */
};

/* library.c: a course for a verified bundle; takes b (closes it on failure). */
struct lib_course *course_make(struct bundle *b, const char *path, const struct stat *sb);
void course_release(struct lib_course *c);
void snapshot_free(struct lib_snapshot *s);
bool snapshot_same(const struct lib_snapshot *a, const struct lib_snapshot *b);
/*
 * Put s in place of the current snapshot, each of its courses held once
 * more.  The old snapshot goes when its last reader lets it go.
 */
void library_publish(struct library *lib, struct lib_snapshot *s);

/* scan.c: one scan, under scan_mu.  Out of memory: nothing changes (the old snapshot stays). */
enum bundle_status library_scan(struct library *lib);
/* The last scan's files, let go (library_close). */
void library_files_release(struct library *lib);

#endif
