/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One session with one device: see session.h. */
#include "session.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mcp/crc.h"
#include "mcp/match.h"
#include "mcp/names.h"
#include "mcp/pdu.h"
#include "recorder.h"
#include "target.h"

static volatile sig_atomic_t stop_requested;

struct mp_session {
    const struct mp_options *o;
    struct mcp_target *target;
    struct mcp_master *master;
    struct mcp_recorder *rec;
    int64_t start_ns; /* monotonic, for -v */
    /* the frame being run */
    uint64_t next_id;
    uint64_t current_id; /* 0: the current frame expects no answer */
    uint8_t current_seq;
    struct mp_outcome *out;
    bool done;
    GError *error; /* the target was lost */
    uint64_t unmatched, events, bad_crc;
    unsigned bad_crc_passes; /* check variants every bad-check frame passes (bit per variant) */
};

void mp_session_request_stop(void)
{
    stop_requested = 1;
}

bool mp_session_stop_requested(void)
{
    return stop_requested != 0;
}

int64_t mp_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t mp_realtime_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* -v: one line per frame on stderr: time since the start, direction, seq, command, bytes. */
static void trace(struct mp_session *s, const char *dir, const uint8_t *bytes, size_t len,
                  bool crc_ok)
{
    if (!s->o->verbose)
        return;
    double ms = (double)(mp_now_ns() - s->start_ns) / 1e6;
    GString *line = g_string_new(NULL);
    g_string_printf(line, "%10.3f ms %s seq %3u %-20s", ms, dir, len > 1 ? bytes[1] : 0,
                    len > 4 ? mcp_cmd_name(bytes[4]) : "?");
    for (size_t i = 0; i < len; i++)
        g_string_append_printf(line, " %02x", bytes[i]);
    if (!crc_ok)
        g_string_append(line, "  (bad check)");
    fprintf(stderr, "%s\n", line->str);
    g_string_free(line, TRUE);
}

static bool send_frame(struct mp_session *s, const uint8_t *bytes, size_t len, const char *dir)
{
    trace(s, dir, bytes, len, true);
    mcp_recorder_add(s->rec, 0, true, mp_realtime_ns(), bytes, len);
    if (s->error != NULL)
        return false;
    return mcp_target_send(s->target, bytes, len, &s->error);
}

static bool on_resend(void *ctx, const uint8_t *bytes, size_t len)
{
    return send_frame(ctx, bytes, len, "-> (resend)");
}

static void settle(struct mp_session *s, enum mp_outcome_kind kind)
{
    if (s->done || s->out == NULL)
        return;
    s->out->kind = kind;
    s->done = true;
}

static void on_event(void *ctx, const struct mcp_master_event *ev)
{
    struct mp_session *s = ctx;
    struct mp_outcome *out = s->out;
    bool mine = out != NULL && !s->done && s->current_id != 0 && ev->id == s->current_id;
    switch (ev->kind) {
    case MCP_MASTER_ANSWER:
        if (!mine)
            return;
        out->latency_ns = ev->latency_ns;
        out->resends = ev->resends;
        out->nak_reasons = ev->nak_reasons;
        out->answer_len = ev->len < sizeof out->answer ? ev->len : sizeof out->answer;
        memcpy(out->answer, ev->bytes, out->answer_len);
        settle(s, MP_ANSWERED);
        return;
    case MCP_MASTER_NAK:
        if (s->o->verbose)
            fprintf(stderr, "           NAK %s for seq %u%s\n",
                    mcp_name_of(mcp_nak_reason_names, ev->nak_reason)
                        ? mcp_name_of(mcp_nak_reason_names, ev->nak_reason)
                        : "(unknown reason)",
                    ev->bytes[MCP_HEADER_LEN], ev->will_resend ? ": resending" : "");
        /* A frame that expects no answer has no request in the master: follow it here. */
        if (out != NULL && !s->done && s->current_id == 0 &&
            ev->bytes[MCP_HEADER_LEN] == s->current_seq) {
            out->nak_reasons |= 1u << (ev->nak_reason < 31 ? ev->nak_reason : 31);
            if (ev->will_resend) {
                out->resends++;
            } else {
                out->nak_reason = ev->nak_reason;
                settle(s, MP_NAKED);
            }
        }
        return;
    case MCP_MASTER_GAVE_UP:
        if (!mine)
            return;
        out->resends = ev->resends;
        out->nak_reasons = ev->nak_reasons;
        out->nak_reason = ev->nak_reason;
        settle(s, MP_NAKED);
        return;
    case MCP_MASTER_TIMEOUT:
        if (!mine)
            return;
        out->resends = ev->resends;
        out->nak_reasons = ev->nak_reasons;
        settle(s, MP_NO_ANSWER);
        return;
    case MCP_MASTER_EXPIRED:
        return;
    case MCP_MASTER_UNMATCHED:
        s->unmatched++;
        if (s->o->verbose)
            fprintf(stderr, "           (answers no request waiting: late, or not ours)\n");
        return;
    }
}

static void on_rx(void *ctx, const uint8_t *bytes, size_t len, bool crc_ok)
{
    struct mp_session *s = ctx;
    mcp_recorder_add(s->rec, 0, false, mp_realtime_ns(), bytes, len);
    trace(s, "<-", bytes, len, crc_ok);
    if (!crc_ok) {
        if (s->bad_crc++ == 0)
            s->bad_crc_passes = (1u << MCP_CRC_VARIANT_COUNT) - 1;
        unsigned passes = 0;
        for (int v = 0; v < MCP_CRC_VARIANT_COUNT; v++)
            if (len >= MCP_OVERHEAD &&
                mcp_crc((enum mcp_crc_variant)v, bytes, len - 1) == bytes[len - 1])
                passes |= 1u << v;
        s->bad_crc_passes &= passes;
    } else if (len > 4 && bytes[4] == MCP_CMD_EVENT)
        s->events++;
    mcp_master_received(s->master, bytes, len, crc_ok, mp_now_ns());
}

static enum mcp_record_kind record_kind(enum mcp_endpoint_kind k)
{
    switch (k) {
    case MCP_ENDPOINT_UDP:
        return MCP_RECORD_UDP;
    case MCP_ENDPOINT_TCP:
        return MCP_RECORD_TCP;
    case MCP_ENDPOINT_SERIAL:
        return MCP_RECORD_SERIAL;
    default:
        return MCP_RECORD_L2;
    }
}

struct mp_session *mp_session_open(const struct mp_options *o, GError **error)
{
    if (g_str_has_prefix(o->target, "iface:")) {
        g_set_error(error, MP_ERROR, MP_EXIT_USAGE,
                    "target %s: mcppoll talks over udp://, tcp:// or serial: (an iface: target "
                    "cannot receive answers)",
                    o->target);
        return NULL;
    }
    struct mp_session *s = g_new0(struct mp_session, 1);
    s->o = o;
    s->start_ns = mp_now_ns();
    /* The capture file first: a bad path is a usage error before anything is sent. */
    struct mcp_endpoint ep;
    char err[512];
    if (!mcp_endpoint_parse(o->target, &ep, err, sizeof err)) {
        g_set_error(error, MP_ERROR, MP_EXIT_USAGE, "%s", err);
        g_free(s);
        return NULL;
    }
    if (o->record != NULL) {
        s->rec = mcp_recorder_open(o->record, record_kind(ep.kind), -1, error);
        if (s->rec == NULL) {
            g_free(s);
            return NULL;
        }
    }
    struct mcp_target_config tc = {.url = o->target,
                                   .codec = o->codec,
                                   .reconnect = 0,
                                   .stall_ms = o->stall_ms,
                                   .silence_ms = o->silence_ms};
    s->target = mcp_target_open(&tc, error);
    if (s->target == NULL) {
        mcp_recorder_close(s->rec, NULL);
        g_free(s);
        return NULL;
    }
    struct sockaddr_storage local, peer;
    if (s->rec != NULL && mcp_target_addresses(s->target, &local, &peer))
        mcp_recorder_conversation(s->rec, 0, &local, &peer, mp_realtime_ns());
    struct mcp_master_config mc = {
        .codec = o->codec,
        .retries = o->retries,
        .busy_backoff_ns = (int64_t)o->busy_backoff_ms * 1000000,
        .timeout_ns = (int64_t)o->timeout_ms * 1000000,
        .late_ns = (int64_t)o->timeout_ms * 1000000,
    };
    s->master = mcp_master_new(&mc, on_resend, on_event, s);
    mcp_master_set_next_seq(s->master, o->seq);
    return s;
}

void mp_session_set_next_seq(struct mp_session *s, uint8_t seq)
{
    mcp_master_set_next_seq(s->master, seq);
}

static void lost(struct mp_session *s)
{
    if (s->out != NULL && !s->done) {
        g_strlcpy(s->out->error, s->error != NULL ? s->error->message : "target lost",
                  sizeof s->out->error);
        settle(s, MP_LOST);
    }
}

/* Reads and ticks until done (or, with done_at set, until then); poll wakes on data. */
static void wait_loop(struct mp_session *s, int64_t done_at)
{
    int fd = mcp_target_fd(s->target);
    while (!s->done) {
        if (stop_requested) {
            settle(s, MP_STOPPED);
            return;
        }
        int64_t now = mp_now_ns();
        if (!mcp_master_tick(s->master, now)) {
            lost(s);
            return;
        }
        if (s->done)
            return;
        if (now >= done_at && mcp_master_outstanding(s->master) == 0) {
            settle(s, MP_SENT);
            return;
        }
        int64_t next = mcp_master_next_deadline(s->master);
        if (done_at < next)
            next = done_at;
        int64_t silence_due = mcp_target_silence_due(s->target); /* §5 (--silence) */
        if (silence_due < next)
            next = silence_due;
        int wait_ms = -1;
        if (next != INT64_MAX) {
            int64_t d = next - now;
            int64_t ms = d <= 0 ? 0 : (d + 999999) / 1000000;
            wait_ms = ms > INT_MAX ? INT_MAX : (int)ms;
        }
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int rc = poll(&p, 1, wait_ms);
        if (rc < 0 && errno != EINTR) {
            g_set_error(&s->error, MP_ERROR, MP_EXIT_NO_ANSWER, "poll: %s", g_strerror(errno));
            lost(s);
            return;
        }
        if ((rc > 0 || mp_now_ns() >= silence_due) &&
            !mcp_target_receive(s->target, on_rx, s, &s->error)) {
            lost(s);
            return;
        }
    }
}

static void run_frame(struct mp_session *s, uint8_t *frame, size_t len, int quiet_ms,
                      struct mp_outcome *out)
{
    memset(out, 0, sizeof *out);
    bool request = mcp_expects_answer(frame[4], frame + MCP_HEADER_LEN,
                                      len >= MCP_OVERHEAD ? len - MCP_OVERHEAD : 0);
    s->out = out;
    s->done = false;
    s->current_seq = frame[1];
    s->current_id = request ? ++s->next_id : 0;
    out->seq = frame[1];
    out->sent_ns = mp_realtime_ns();
    /* The clock starts before the send: on loopback the answer can beat send()'s return. */
    int64_t now = mp_now_ns();
    if (!send_frame(s, frame, len, "->")) {
        lost(s);
        s->out = NULL;
        return;
    }
    mcp_master_sent(s->master, frame, len, s->current_id, now);
    /* A request is done by its answer, a NAK or the timeout; anything else after quiet_ms. */
    wait_loop(s, request ? INT64_MAX : now + (int64_t)quiet_ms * 1000000);
    s->out = NULL;
}

void mp_session_exchange(struct mp_session *s, uint8_t cmd, const uint8_t *payload, size_t len,
                         int quiet_ms, struct mp_outcome *out)
{
    uint8_t frame[MCP_MAX_FRAME];
    size_t n = mcp_master_encode(s->master, cmd, payload, len, frame, sizeof frame);
    run_frame(s, frame, n, quiet_ms, out);
}

void mp_session_exchange_frame(struct mp_session *s, const uint8_t *bytes, size_t len, int quiet_ms,
                               struct mp_outcome *out)
{
    uint8_t frame[MCP_MAX_FRAME];
    memcpy(frame, bytes, len);
    run_frame(s, frame, len, quiet_ms, out);
}

void mp_session_idle(struct mp_session *s, int64_t until_ns)
{
    struct mp_outcome scratch;
    memset(&scratch, 0, sizeof scratch);
    s->out = &scratch;
    s->done = false;
    s->current_id = 0;
    s->current_seq = (uint8_t)(mcp_master_next_seq(s->master) - 1);
    /* Only the time ends it (a NAK for the last frame was handled while it ran). */
    int fd = mcp_target_fd(s->target);
    for (;;) {
        int64_t now = mp_now_ns();
        if (stop_requested || now >= until_ns || s->error != NULL)
            break;
        if (!mcp_master_tick(s->master, now))
            break;
        int64_t next = mcp_master_next_deadline(s->master);
        int64_t silence_due = mcp_target_silence_due(s->target); /* §5 (--silence) */
        if (silence_due < next)
            next = silence_due;
        int64_t d = (next < until_ns ? next : until_ns) - now;
        int64_t ms = d <= 0 ? 0 : (d + 999999) / 1000000;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int rc = poll(&p, 1, ms > INT_MAX ? INT_MAX : (int)ms);
        if ((rc > 0 || mp_now_ns() >= silence_due) &&
            !mcp_target_receive(s->target, on_rx, s, &s->error))
            break;
    }
    s->out = NULL;
}

uint64_t mp_session_unmatched(const struct mp_session *s)
{
    return s->unmatched;
}

uint64_t mp_session_events(const struct mp_session *s)
{
    return s->events;
}

void mp_session_junk(const struct mp_session *s, uint64_t *bytes, uint64_t *chunks)
{
    mcp_target_junk(s->target, bytes, chunks);
}

uint64_t mp_session_bad_crc(const struct mp_session *s)
{
    return s->bad_crc;
}

const char *mp_session_bad_crc_hint(const struct mp_session *s)
{
    for (int v = 0; v < MCP_CRC_VARIANT_COUNT; v++)
        if (s->bad_crc > 0 && (s->bad_crc_passes & (1u << v)))
            return mcp_crc_variant_name((enum mcp_crc_variant)v);
    return NULL;
}

const struct mcp_master_stats *mp_session_master_stats(const struct mp_session *s)
{
    return mcp_master_stats(s->master);
}

bool mp_session_close(struct mp_session *s, GError **error)
{
    if (s == NULL)
        return true;
    mcp_master_free(s->master);
    mcp_target_close(s->target);
    bool ok = mcp_recorder_close(s->rec, error);
    if (s->error != NULL)
        g_error_free(s->error);
    g_free(s);
    return ok;
}
