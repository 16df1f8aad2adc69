/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An append-only array of fixed-size elements that keeps only its most
 * recently used chunks in memory and spills the others to an unlinked
 * temporary file ($TMPDIR, else /tmp). mcpgen's answer key and cross-check
 * hold one element per frame: with this their memory stays flat whatever
 * --limit is (disk use grows instead, by about 70 bytes per frame).
 *
 * Pointers returned by bigarray_at()/bigarray_get() stay valid until
 * BIGARRAY_RESIDENT - 1 other chunks of the same array have been touched:
 * take a pointer, use it, and do not keep it.
 */
#ifndef MCPGEN_BIGARRAY_H
#define MCPGEN_BIGARRAY_H

#include <stddef.h>
#include <stdint.h>

#define BIGARRAY_CHUNK    16384u /* elements per chunk */
#define BIGARRAY_RESIDENT 8u     /* chunks kept in memory */

struct bigarray;

/* elem: the element size in bytes (1..4096). */
struct bigarray *bigarray_new(size_t elem);
void bigarray_free(struct bigarray *a);
uint32_t bigarray_len(const struct bigarray *a);
/* Appends a copy of *elem; returns its index. */
uint32_t bigarray_append(struct bigarray *a, const void *elem);
/* Element i (< len) for reading and writing. */
void *bigarray_at(struct bigarray *a, uint32_t i);
/* Element i (< len) for reading only (its chunk is not written back). */
const void *bigarray_get(struct bigarray *a, uint32_t i);

/*
 * A failing temporary file (disk full) cannot be reported through these
 * calls: bigarray prints one line and calls exit(3) (mcpgen's "cannot write
 * output"); mcpgen's atexit handler then removes the partial outputs.
 */

#endif
