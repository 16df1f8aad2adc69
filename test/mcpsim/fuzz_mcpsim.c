/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: arbitrary bytes through mcpsim's frame handling, as a TCP
 * connection (FRAMED stream) or a serial line (SERIAL stream), cut into
 * arbitrary chunks, with the knobs on or off. Whatever comes in, every frame
 * mcpsim sends must decode with a good check and fit SIM_MAX_OUT_FRAME.
 *
 * Input: byte 0 picks the mode and knobs, byte 1 the chunk size, the rest is
 * the byte stream.
 */
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "mcp/stream.h"

static struct sim_core core;
static struct sim_config cfg;
static bool ready;

static void check_emit(struct sim_out *out, struct sim_client *client, const uint8_t *frame,
                       size_t len)
{
    (void)out;
    (void)client;
    struct mcp_frame f;
    if (len > SIM_MAX_OUT_FRAME ||
        mcp_frame_decode(&cfg.codec, frame, len, &f, NULL) != MCP_DECODE_OK || f.frame_len != len)
        abort();
}

struct ctx {
    struct sim_client *client;
    struct sim_out *out;
    bool serial;
};

static void on_event(void *p, const struct mcp_stream_event *ev)
{
    struct ctx *c = p;
    if (ev->kind == MCP_STREAM_FRAME)
        sim_handle_frame(&core, c->client, &ev->frame, ev->crc_ok, c->out);
    else
        sim_handle_junk(&core, c->client, ev->bytes, ev->len, c->serial, c->out);
}

static void setup(void)
{
    memset(&cfg, 0, sizeof cfg);
    cfg.codec = mcp_codec_default();
    cfg.devices[1] = cfg.devices[2] = cfg.devices[200] = true;
    memset(&core, 0, sizeof core);
    core.cfg = &cfg;
    core.rand = g_rand_new_with_seed(1);
    core.shared = sim_devset_new_plain(0, cfg.devices, false, 0);
    ready = true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ready)
        setup();
    if (size < 2)
        return 0;
    bool serial = data[0] & 1;
    cfg.drop_rate = (data[0] & 2) ? 0.3 : 0;
    cfg.busy_rate = (data[0] & 4) ? 0.3 : 0;
    cfg.nak_busy_rate = (data[0] & 8) ? 0.3 : 0;
    cfg.failure_rate = (data[0] & 16) ? 0.3 : 0;
    size_t chunk = (size_t)data[1] + 1;
    data += 2;
    size -= 2;

    static struct sim_client client;
    memset(&client, 0, sizeof client);
    sim_session_init(&client.session);
    client.set = core.shared;
    static struct mcp_stream stream;
    struct mcp_stream_config scfg = {.codec = cfg.codec,
                                     .mode = serial ? MCP_STREAM_SERIAL : MCP_STREAM_FRAMED,
                                     .verify_crc = true};
    mcp_stream_init(&stream, &scfg);
    struct sim_out out = {.silent = false, .emit = check_emit};
    struct ctx c = {.client = &client, .out = &out, .serial = serial};
    for (size_t off = 0; off < size; off += chunk) {
        size_t n = size - off < chunk ? size - off : chunk;
        mcp_stream_feed(&stream, data + off, n, on_event, &c);
    }
    mcp_stream_finish(&stream, on_event, &c);
    return 0;
}
