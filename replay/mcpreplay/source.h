/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The frames to send, in capture order, pulled one at a time: capture reader
 * -> extractor -> selection, repeated for --loop with timestamps shifted so
 * the timeline keeps running. Streams by default (memory stays flat);
 * --preload extracts everything first. In raw mode (iface: targets) each
 * record is one "frame" holding the whole captured packet.
 */
#ifndef MR_SOURCE_H
#define MR_SOURCE_H

#include <glib.h>
#include <stdbool.h>

#include "capture.h"
#include "extract.h"
#include "select.h"

/* Sees every extracted frame (selected or not) in capture order; frame NULL
 * marks the end of one pass over the capture. */
typedef void (*mr_observer_cb)(void *ctx, struct mr_frame *frame, bool selected,
                               const struct mr_extractor *ex);

struct mr_source_config {
    char **files;
    size_t file_count;
    struct mcp_codec codec;
    uint16_t mcp_port;
    const struct mr_select *select;
    unsigned loops; /* passes over the capture, >= 1 */
    bool preload;
    bool raw;                                 /* whole records, no MCP extraction */
    const struct mr_dlt_user_table *dlt_user; /* LINKTYPE_USER0..15 mappings, or NULL */
    int silence_ms;                           /* §5 line silence of serial streams; 0 never */
    mr_observer_cb observer;                  /* optional */
    void *observer_ctx;
};

struct mr_source;

struct mr_source *mr_source_new(const struct mr_source_config *config, GError **error);
void mr_source_free(struct mr_source *src);

/*
 * The next frame (owned by the caller), or NULL at the end or on an error
 * (*error set, code 2). With --preload, reading errors come from
 * mr_source_new already.
 */
struct mr_frame *mr_source_next(struct mr_source *src, GError **error);

/* Issue 21 #5: reads until the first frame to send is ready (or the first pass ends), so a
 * capture without one fails before anything is opened or printed: -1 with *error (no MCP
 * frames, a read error), 0 when the selection keeps no frame, 1 when one is ready. Streams
 * no more than mr_source_next would. */
int mr_source_prime(struct mr_source *src, GError **error);
unsigned mr_source_loop(const struct mr_source *src); /* 0-based pass of the last frame */
const struct mr_extractor *mr_source_extractor(const struct mr_source *src);
uint64_t mr_source_selected_per_pass(const struct mr_source *src); /* known after a pass */
/* Records read that could not be sent in raw mode (wrong link type), etc. */
uint64_t mr_source_records_read(const struct mr_source *src);
int mr_source_linktype(const struct mr_source *src); /* of the first record, -1 before */

#endif
