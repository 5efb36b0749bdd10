/*
 * mediainfo.h - what the builder needs to know of a media file without a
 * media library: an image's width and height (PNG, JPEG, GIF, WebP, SVG),
 * and whether an MP4's index (moov) comes before its media data (mdat), so
 * that the video starts and seeks before it has fully downloaded.  Reads
 * only headers, bounded; never trusts a size field.
 */
#ifndef SAMPAN_BUILDER_MEDIAINFO_H
#define SAMPAN_BUILDER_MEDIAINFO_H

#include <stdbool.h>

/* Width and height in pixels of the image at path; false when unknown or not an image. */
bool mediainfo_image_size(const char *path, unsigned *width, unsigned *height);

enum mp4_layout {
	MP4_FASTSTART, /* moov before mdat: streams and seeks at once */
	MP4_MOOV_AFTER_MDAT,
	MP4_NO_MOOV,
	MP4_NOT_MP4 /* not an ISO BMFF file at all */
};

/*
 * The layout of the MP4/M4V/M4A at path, and (when not NULL) the display
 * size of its first video track (tkhd), 0 when unknown.
 */
enum mp4_layout mediainfo_mp4(const char *path, unsigned *width, unsigned *height);

#endif
