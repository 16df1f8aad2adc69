/* SPDX-License-Identifier: GPL-2.0-or-later */
/* From a received frame to the simulator's answers: NAKs, device answers, resends. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core.h"
#include "delay.h"
#include "mcp/match.h"
#include "mcp/names.h"

uint64_t sim_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

bool sim_roll(struct sim_core *core, double rate)
{
    if (rate <= 0.0)
        return false;
    if (rate >= 1.0)
        return true;
    return g_rand_double(core->rand) < rate;
}

static void log_frame(const struct sim_client *c, const char *dir, const uint8_t *bytes, size_t len,
                      const char *note)
{
    uint8_t cmd = len > 4 ? bytes[4] : 0;
    fprintf(stderr, "%s %s seq=%u cmd=0x%02x %s len=%zu%s%s\n", dir, c->name,
            len > 1 ? bytes[1] : 0, cmd, mcp_cmd_name(cmd), len, note ? " " : "", note ? note : "");
}

static uint64_t latency_ns(struct sim_core *core)
{
    const struct sim_config *cfg = core->cfg;
    double ms = cfg->latency_ms;
    if (cfg->jitter_ms > 0)
        ms += g_rand_double_range(core->rand, -cfg->jitter_ms, cfg->jitter_ms);
    return ms <= 0 ? 0 : (uint64_t)(ms * 1e6);
}

static void deliver(struct sim_core *core, struct sim_client *c, struct sim_out *out,
                    const uint8_t *bytes, size_t len, bool delayable)
{
    if (out->silent)
        return; /* nobody answers a broadcast datagram, not even with a NAK */
    core->stats.frames_out[bytes[4]]++;
    if (core->cfg->verbose)
        log_frame(c, "tx", bytes, len, NULL);
    if (delayable && (core->cfg->latency_ms > 0 || core->cfg->jitter_ms > 0)) {
        uint64_t due = sim_now_ns() + latency_ns(core);
        if (!sim_delay_push(core->delay, due, &c->peer, bytes, len))
            core->stats.send_errors++;
        return;
    }
    out->emit(out, c, bytes, len);
}

void sim_send(struct sim_core *core, struct sim_client *c, struct sim_out *out, uint8_t cmd,
              const uint8_t *payload, size_t len, bool delayable)
{
    if (out->silent)
        return; /* nobody answers a broadcast datagram, not even with a NAK */
    uint8_t frame[SIM_MAX_OUT_FRAME];
    size_t n = sim_session_encode(&c->session, &core->cfg->codec, cmd, payload, len, frame);
    if (n > 0)
        deliver(core, c, out, frame, n, delayable);
}

static void send_nak(struct sim_core *core, struct sim_client *c, struct sim_out *out,
                     const struct sim_nak *nak)
{
    uint8_t payload[2];
    size_t n = mcp_build_nak(nak->seq, nak->reason, payload, sizeof payload);
    if (!out->silent)
        core->stats.naks_sent[nak->reason < 6 ? nak->reason : 0]++;
    sim_send(core, c, out, MCP_CMD_NAK, payload, n, true);
}

static void resend(struct sim_core *core, struct sim_client *c, struct sim_out *out, uint8_t seq)
{
    const struct sim_sent_frame *sent = sim_session_sent(&c->session, seq);
    if (sent == NULL || out->silent)
        return; /* too old, never sent, or asked for by broadcast: nothing to repeat */
    core->stats.resent++;
    uint8_t copy[SIM_MAX_OUT_FRAME];
    memcpy(copy, sent->bytes, sent->len);
    deliver(core, c, out, copy, sent->len, true);
}

static void serve(struct sim_core *core, struct sim_client *c, struct sim_out *out,
                  const struct mcp_frame *f, const struct mcp_pdu *pdu)
{
    const struct sim_config *cfg = core->cfg;
    bool broadcast = out->silent || !mcp_expects_answer(f->cmd, f->payload, f->length);
    if (broadcast)
        core->stats.broadcasts++;
    if (!broadcast && sim_roll(core, cfg->drop_rate)) {
        core->stats.dropped++;
        return;
    }
    if (!broadcast && sim_roll(core, cfg->nak_busy_rate)) {
        /* refused unseen: the client should resend it, a retransmission */
        struct sim_nak nak = {.seq = f->seq, .reason = MCP_NAK_BUSY};
        mcp_seq_note_nak(&c->session.rx, f->seq);
        send_nak(core, c, out, &nak);
        return;
    }
    enum mcp_status fault = MCP_STATUS_OK;
    if (sim_roll(core, cfg->busy_rate))
        fault = MCP_STATUS_DEVICE_BUSY;
    else if (sim_roll(core, cfg->failure_rate))
        fault = MCP_STATUS_DEVICE_FAILURE;
    struct sim_answer ans;
    /* t (§4): when the frames now handled were read (no clock read per request) */
    double t = core->now_ns > core->start_ns ? (double)(core->now_ns - core->start_ns) / 1e9 : 0;
    sim_devset_serve(c->set, t, f->seq, pdu, f->payload, fault, &ans);
    if (!ans.answer || out->silent)
        return;
    if (ans.len >= 2 && ans.payload[1] == MCP_STATUS_DEVICE_BUSY)
        core->stats.busy++;
    if (ans.len >= 2 && ans.payload[1] == MCP_STATUS_DEVICE_FAILURE)
        core->stats.failures++;
    sim_send(core, c, out, ans.cmd, ans.payload, ans.len, true);
}

void sim_handle_frame(struct sim_core *core, struct sim_client *c, const struct mcp_frame *f,
                      bool crc_ok, struct sim_out *out)
{
    struct mcp_pdu pdu;
    struct sim_decision d;
    sim_session_decide(&c->session, f, crc_ok, &pdu, &d);

    struct sim_stats *st = &core->stats;
    if (!crc_ok) {
        st->crc_errors++;
    } else {
        st->frames_in[f->cmd]++;
        st->verdicts[d.seq.verdict]++;
    }
    if (d.malformed)
        st->malformed++;
    if (core->cfg->verbose) {
        char note[64];
        snprintf(note, sizeof note, "%s%s", crc_ok ? mcp_seq_verdict_name(d.seq.verdict) : "",
                 crc_ok ? (d.malformed ? " malformed" : "") : "bad-crc");
        uint8_t hdr[5] = {MCP_MAGIC, f->seq, (uint8_t)(f->length >> 8), (uint8_t)f->length, f->cmd};
        log_frame(c, "rx", hdr, f->frame_len, note);
    }

    for (size_t i = 0; i < d.nak_count; i++)
        send_nak(core, c, out, &d.naks[i]);
    if (d.resend) {
        st->naks_received++;
        resend(core, c, out, d.resend_seq);
    }
    if (d.serve)
        serve(core, c, out, f, &pdu);
}

void sim_handle_bad_length(struct sim_core *core, struct sim_client *c, uint8_t seq, size_t len,
                           struct sim_out *out)
{
    core->stats.malformed++;
    if (core->cfg->verbose)
        fprintf(stderr, "rx %s seq=%u length over %u len=%zu malformed\n", c->name, seq,
                MCP_MAX_PAYLOAD, len);
    struct sim_nak nak = {.seq = seq, .reason = MCP_NAK_BAD_LENGTH};
    send_nak(core, c, out, &nak);
}

void sim_handle_junk(struct sim_core *core, struct sim_client *c, const uint8_t *bytes, size_t len,
                     bool serial, struct sim_out *out)
{
    core->stats.junk_bytes += len;
    if (core->cfg->verbose)
        fprintf(stderr, "rx %s junk len=%zu\n", c->name, len);
    if (!serial)
        return;
    struct mcp_frame f;
    if (mcp_frame_decode(&core->cfg->codec, bytes, len, &f, NULL) == MCP_DECODE_BAD_CRC) {
        f.payload = NULL; /* points into bytes; not used for a bad frame */
        sim_handle_frame(core, c, &f, false, out);
    }
}
