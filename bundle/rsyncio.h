/*
 * rsyncio.h - the library's door to librsync (the only file that includes
 * <librsync.h>): binary deltas of update files in librsync's format
 * (format-spec/bundle-v1.md, "Deltas", 21.5).
 *
 * Both directions stream: the caller supplies the bytes through callbacks,
 * so neither the basis nor the new bytes are ever held whole in memory.
 * librsync's own messages are silenced: the library never prints.
 */
#ifndef SAMPAN_BUNDLE_RSYNCIO_H
#define SAMPAN_BUNDLE_RSYNCIO_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Fill buf with len bytes at off of the basis (off + len is inside it). */
typedef enum bundle_status (*rsyncio_read)(void *ctx, uint64_t off, void *buf, size_t len,
                                           struct bundle_error *err);
/* Take the next len bytes produced. */
typedef enum bundle_status (*rsyncio_write)(void *ctx, const void *buf, size_t len,
                                            struct bundle_error *err);

/*
 * Apply the delta (delta_len bytes, read through read_delta from offset 0)
 * to the basis of basis_len bytes (read through read_basis), giving
 * exactly out_size bytes to out.  RULE_DELTA_INVALID (BUNDLE_ENTRY_BAD)
 * naming name when the delta does not decode, copies outside the basis,
 * does not end with its end command at its last byte, or gives another
 * size.  Memory: a few hundred kilobytes, whatever the sizes.
 */
enum bundle_status rsyncio_patch(rsyncio_read read_delta, void *delta_ctx, uint64_t delta_len,
                                 rsyncio_read read_basis, void *basis_ctx, uint64_t basis_len,
                                 uint64_t out_size, rsyncio_write out, void *out_ctx,
                                 const char *name, struct bundle_error *err);

/*
 * Write to out the delta that turns the basis (basis_len bytes) into the
 * new bytes (new_len bytes), as `rdiff delta` would.  Stops with
 * BUNDLE_OK and *too_big set as soon as the delta grows past limit bytes,
 * or is still nine tenths the size of the new bytes it covers after the
 * first 64 MiB of them (then it is not worth carrying).  Memory: the basis's block signature,
 * about 1 % of basis_len, and buffers.
 */
enum bundle_status rsyncio_delta(rsyncio_read read_basis, void *basis_ctx, uint64_t basis_len,
                                 rsyncio_read read_new, void *new_ctx, uint64_t new_len,
                                 uint64_t limit, rsyncio_write out, void *out_ctx, int *too_big,
                                 struct bundle_error *err);

#endif
