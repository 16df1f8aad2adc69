/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Chunked arrays of per-PDU analysis results (see pdu_store.h). */
#include "pdu_store.h"

#include <string.h>

#define CHUNK_BITS 16
#define CHUNK_SIZE (1u << CHUNK_BITS)
#define CHUNK_MASK (CHUNK_SIZE - 1)

static GPtrArray *record_chunks; /* struct mcp5a_record[CHUNK_SIZE] */
static guint32 record_count;
static GPtrArray *frame_chunks; /* guint32[CHUNK_SIZE]: first record id + 1, 0 = none */

static void free_chunk(gpointer chunk)
{
    g_free(chunk);
}

static guint32 *frame_slot(guint32 frame, gboolean create)
{
    guint32 chunk = frame >> CHUNK_BITS;
    if (frame_chunks == NULL) {
        if (!create)
            return NULL;
        frame_chunks = g_ptr_array_new_with_free_func(free_chunk);
    }
    if (chunk >= frame_chunks->len) {
        if (!create)
            return NULL;
        g_ptr_array_set_size(frame_chunks, chunk + 1);
    }
    guint32 *slots = g_ptr_array_index(frame_chunks, chunk);
    if (slots == NULL) {
        if (!create)
            return NULL;
        slots = g_new0(guint32, CHUNK_SIZE);
        g_ptr_array_index(frame_chunks, chunk) = slots;
    }
    return &slots[frame & CHUNK_MASK];
}

struct mcp5a_record *mcp5a_store_at(guint32 id)
{
    if (record_chunks == NULL || id >= record_count)
        return NULL;
    struct mcp5a_record *chunk = g_ptr_array_index(record_chunks, id >> CHUNK_BITS);
    return &chunk[id & CHUNK_MASK];
}

struct mcp5a_record *mcp5a_store_append(guint32 frame, guint16 pdu_index, guint32 *id)
{
    if (record_chunks == NULL)
        record_chunks = g_ptr_array_new_with_free_func(free_chunk);
    if ((record_count & CHUNK_MASK) == 0)
        g_ptr_array_add(record_chunks, g_new(struct mcp5a_record, CHUNK_SIZE));
    *id = record_count++;
    struct mcp5a_record *r = mcp5a_store_at(*id);
    memset(r, 0, sizeof *r);
    r->pdu_index = pdu_index;
    guint32 *slot = frame_slot(frame, TRUE);
    if (pdu_index == 0 || *slot == 0)
        *slot = *id + 1 - pdu_index; /* id of the frame's PDU 0, + 1 */
    return r;
}

struct mcp5a_record *mcp5a_store_get(guint32 frame, guint16 pdu_index)
{
    guint32 *slot = frame_slot(frame, FALSE);
    if (slot == NULL || *slot == 0)
        return NULL;
    struct mcp5a_record *r = mcp5a_store_at(*slot - 1 + pdu_index);
    /* A frame shows its PDUs in the same order on every pass; the index check
     * guards against a pass that shows more than the first one stored. */
    if (r == NULL || r->pdu_index != pdu_index)
        return NULL;
    return r;
}

void mcp5a_store_clear(void)
{
    if (record_chunks != NULL)
        g_ptr_array_free(record_chunks, TRUE);
    if (frame_chunks != NULL)
        g_ptr_array_free(frame_chunks, TRUE);
    record_chunks = NULL;
    frame_chunks = NULL;
    record_count = 0;
}
