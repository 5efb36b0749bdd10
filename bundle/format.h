/*
 * format.h - the format's numeric limits (format-spec/bundle-v1.md, "Limits").
 * A reader refuses anything beyond them; a writer never produces it.
 */
#ifndef SAMPAN_BUNDLE_FORMAT_H
#define SAMPAN_BUNDLE_FORMAT_H

#define BUNDLE_MEDIA_TYPE "application/vnd.sampan.bundle+zip"
/* Update files (section 21): the same length as the bundle's media type. */
#define UPDATE_MEDIA_TYPE "application/vnd.sampan.update+zip"
#define UPDATE_FORMAT_VERSION 1
#define UPDATE_NAME_LIST "META-INF/update"
#define UPDATE_NAME_TARGET_MANIFEST "target/META-INF/MANIFEST"
#define UPDATE_NAME_TARGET_SIGNATURE "target/META-INF/MANIFEST.minisig"
#define UPDATE_MAX_STEPS 1000000u
/* Bundles stored in parts (section 20): NAME.001 to NAME.999. */
#define BUNDLE_MAX_PARTS 999u
#define BUNDLE_FORMAT_VERSION 1

#define BUNDLE_MAX_ENTRIES 65000u
#define BUNDLE_MAX_NAME 1024u
#define BUNDLE_MAX_SEGMENT 255u
#define BUNDLE_MAX_DEFLATED_SIZE (64u * 1024u * 1024u)
#define BUNDLE_MAX_STORED_SIZE (1ull << 40)
#define BUNDLE_MAX_RATIO 200u
#define BUNDLE_MAX_MANIFEST (16u * 1024u * 1024u)
#define BUNDLE_MAX_SIGNATURE (16u * 1024u)
#define BUNDLE_MAX_COURSE_JSON (4u * 1024u * 1024u)
#define BUNDLE_MAX_CHUNKS (64u * 1024u * 1024u)
#define BUNDLE_CHUNK_SIZE 1048576u

#define BUNDLE_NAME_MIMETYPE "mimetype"
#define BUNDLE_NAME_MANIFEST "META-INF/MANIFEST"
#define BUNDLE_NAME_SIGNATURE "META-INF/MANIFEST.minisig"
#define BUNDLE_NAME_COURSE "META-INF/course.json"
#define BUNDLE_NAME_CHUNKS "META-INF/chunks"

#endif
