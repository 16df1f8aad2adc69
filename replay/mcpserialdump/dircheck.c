/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The swapped-ports check: see dircheck.h. */
#include "dircheck.h"

#include <glib.h>

#include "mcp/busdir.h"

static void on_event(void *ctx, const struct mcp_stream_event *ev)
{
    struct sd_dircheck *d = ctx;
    if (ev->kind != MCP_STREAM_FRAME)
        return;
    int dir = mcp_bus_sender_direction(ev->frame.cmd);
    if (dir == MCP_DIR_DEVICE_TO_MASTER)
        d->answers++;
    else if (dir == MCP_DIR_MASTER_TO_DEVICE)
        d->requests++;
}

void sd_dircheck_feed(struct sd_dircheck *d, const uint8_t *bytes, size_t len)
{
    if (d->stream == NULL) {
        struct mcp_stream_config cfg = {.codec = mcp_codec_default(),
                                        .mode = MCP_STREAM_SERIAL,
                                        .verify_crc = true,
                                        .silence_ns = 0};
        d->stream = g_new(struct mcp_stream, 1);
        mcp_stream_init(d->stream, &cfg);
    }
    mcp_stream_feed(d->stream, bytes, len, on_event, d);
}

void sd_dircheck_free(struct sd_dircheck *d)
{
    g_free(d->stream);
    d->stream = NULL;
}

int sd_dircheck_swapped(const struct sd_dircheck *to_device, const char *to_device_name,
                        const struct sd_dircheck *to_master, const char *to_master_name, char *out,
                        size_t out_len)
{
    uint64_t wrong = to_master->requests + to_device->answers;
    uint64_t right = to_device->requests + to_master->answers;
    if (wrong == 0 || wrong <= right)
        return 0;
    g_snprintf(out, out_len,
               "the ports look swapped: %s (recorded master -> device) carried %" G_GUINT64_FORMAT
               " answers and %" G_GUINT64_FORMAT
               " requests, %s (recorded device -> master) %" G_GUINT64_FORMAT
               " requests and %" G_GUINT64_FORMAT
               " answers (§5 command rule); the capture's directions are reversed: give the "
               "port that hears the master first",
               to_device_name, to_device->answers, to_device->requests, to_master_name,
               to_master->requests, to_master->answers);
    return 1;
}
