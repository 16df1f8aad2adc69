/* One session with a device: see session.h. */
#include "session.h"

#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mcp/match.h"
#include "mcp/names.h"
#include "mcp/pdu.h"
#include "recorder.h"
#include "target.h"

struct mp_session {
    const struct mp_options *o;
    struct mcp_target *target;
    struct mcp_master *master;
    struct mcp_master_config mcfg;
    GError *send_error;
    uint64_t next_id;
    uint64_t waiting_id;
    bool done;
    struct mp_result *result;
    uint64_t bad_frames;
    struct mcp_recorder *rec; /* --record */
};

static int64_t realtime_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t mp_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void show(const struct mp_session *s, const char *dir, const uint8_t *b, size_t len,
                 const char *note)
{
    if (!s->o->verbose)
        return;
    fprintf(stderr, "%s", dir);
    for (size_t i = 0; i < len; i++)
        fprintf(stderr, " %02x", b[i]);
    fprintf(stderr, "  (%s seq %u%s%s)\n", len > 4 ? mcp_cmd_name(b[4]) : "?", len > 1 ? b[1] : 0,
            note ? ", " : "", note ? note : "");
}

static bool on_resend(void *ctx, const uint8_t *bytes, size_t len)
{
    struct mp_session *s = ctx;
    show(s, "->", bytes, len, "resent");
    mcp_recorder_add(s->rec, 0, true, realtime_ns(), bytes, len);
    return mcp_target_send(s->target, bytes, len, &s->send_error);
}

static void on_event(void *ctx, const struct mcp_master_event *ev)
{
    struct mp_session *s = ctx;
    if (ev->id != s->waiting_id || s->done)
        return;
    struct mp_result *r = s->result;
    switch (ev->kind) {
    case MCP_MASTER_ANSWER:
        r->outcome = MP_ANSWERED;
        memcpy(r->answer, ev->bytes, ev->len);
        r->answer_len = ev->len;
        r->latency_ns = ev->latency_ns;
        break;
    case MCP_MASTER_GAVE_UP:
        r->outcome = MP_NAKED;
        break;
    case MCP_MASTER_EXPIRED:
        r->outcome = MP_NO_ANSWER;
        break;
    default:
        return;
    }
    r->resends = ev->resends;
    r->nak_reasons = ev->nak_reasons;
    s->done = true;
}

static void on_rx(void *ctx, const uint8_t *bytes, size_t len, bool crc_ok)
{
    struct mp_session *s = ctx;
    show(s, "<-", bytes, len, crc_ok ? NULL : "check fails");
    mcp_recorder_add(s->rec, 0, false, realtime_ns(), bytes, len);
    if (!crc_ok)
        s->bad_frames++;
    mcp_master_received(s->master, bytes, len, crc_ok, mp_now_ns());
}

static bool send_frame(struct mp_session *s, const uint8_t *frame, size_t len, uint64_t id,
                       GError **error)
{
    show(s, "->", frame, len, NULL);
    if (!mcp_target_send(s->target, frame, len, error))
        return false;
    mcp_recorder_add(s->rec, 0, true, realtime_ns(), frame, len);
    mcp_master_sent(s->master, frame, len, id, mp_now_ns());
    return true;
}

void mp_session_set_timeout(struct mp_session *s, int timeout_ms)
{
    s->mcfg.timeout_ns = s->mcfg.late_ns = (int64_t)timeout_ms * 1000000;
    uint8_t next = mcp_master_next_seq(s->master);
    mcp_master_free(s->master);
    s->master = mcp_master_new(&s->mcfg, on_resend, on_event, s);
    mcp_master_set_next_seq(s->master, next);
}

struct mp_session *mp_session_open(const struct mp_options *o, GError **error)
{
    struct mp_session *s = g_new0(struct mp_session, 1);
    s->o = o;
    struct mcp_target_config tcfg = {.url = o->target, .codec = o->codec, .stall_ms = 5000};
    s->target = mcp_target_open(&tcfg, error);
    if (s->target == NULL) {
        g_free(s);
        return NULL;
    }
    if (mcp_target_kind(s->target) == MCP_ENDPOINT_IFACE) {
        g_set_error(error, MCP_TARGET_ERROR, MCP_TARGET_USAGE,
                    "%s: mcppoll talks over udp://, tcp:// or serial:, not iface:", o->target);
        mp_session_close(s);
        return NULL;
    }
    s->mcfg = (struct mcp_master_config){
        .codec = o->codec,
        .retries = (unsigned)o->retries,
        .busy_backoff_ns = (int64_t)o->busy_backoff_ms * 1000000,
        .timeout_ns = (int64_t)o->timeout_ms * 1000000,
        .late_ns = (int64_t)o->timeout_ms * 1000000,
    };
    s->master = mcp_master_new(&s->mcfg, on_resend, on_event, s);
    mcp_master_set_next_seq(s->master, o->seq >= 0 ? (uint8_t)o->seq : 0);
    if (o->record != NULL) {
        enum mcp_endpoint_kind k = mcp_target_kind(s->target);
        s->rec = mcp_recorder_open(o->record,
                                   k == MCP_ENDPOINT_UDP   ? MCP_RECORD_UDP
                                   : k == MCP_ENDPOINT_TCP ? MCP_RECORD_TCP
                                                           : MCP_RECORD_SERIAL,
                                   -1, error);
        if (s->rec == NULL) {
            mp_session_close(s);
            return NULL;
        }
        struct sockaddr_storage local, peer;
        if (mcp_target_addresses(s->target, &local, &peer))
            mcp_recorder_conversation(s->rec, 0, &local, &peer, realtime_ns());
    }
    if (!o->no_sync) { /* §2 SYNC: the device restarts our sequence here, no gap NAKs */
        uint8_t frame[MCP_OVERHEAD];
        size_t n = mcp_master_encode(s->master, MCP_CMD_SYNC, NULL, 0, frame, sizeof frame);
        if (!send_frame(s, frame, n, 0, error)) {
            mp_session_close(s);
            return NULL;
        }
    }
    return s;
}

void mp_session_close(struct mp_session *s)
{
    if (s == NULL)
        return;
    mcp_master_free(s->master);
    mcp_target_close(s->target);
    GError *err = NULL;
    if (!mcp_recorder_close(s->rec, &err)) {
        g_printerr("mcppoll: %s\n", err->message);
        g_error_free(err);
    }
    if (s->send_error != NULL)
        g_error_free(s->send_error);
    g_free(s);
}

uint64_t mp_session_bad_frames(const struct mp_session *s)
{
    return s->bad_frames;
}

/* Waits for the outcome of the request sent under s->waiting_id. */
static bool wait_outcome(struct mp_session *s, GError **error)
{
    while (!s->done) {
        int64_t now = mp_now_ns();
        if (!mcp_master_tick(s->master, now)) {
            g_propagate_error(error, s->send_error);
            s->send_error = NULL;
            return false;
        }
        if (s->done)
            break;
        int64_t due = mcp_master_next_deadline(s->master);
        int64_t wait_ms = due == INT64_MAX ? 1000 : (due - now + 999999) / 1000000;
        struct pollfd p = {.fd = mcp_target_fd(s->target), .events = POLLIN};
        if (poll(&p, 1, (int)(wait_ms < 0 ? 0 : wait_ms)) > 0 &&
            !mcp_target_receive(s->target, on_rx, s, error))
            return false;
    }
    return true;
}

static bool transact(struct mp_session *s, const uint8_t *frame, size_t len, struct mp_result *out,
                     GError **error)
{
    memset(out, 0, sizeof *out);
    memcpy(out->request, frame, len);
    out->request_len = len;
    bool expects = mcp_expects_answer(frame[4], frame + MCP_HEADER_LEN, len - MCP_OVERHEAD);
    s->waiting_id = ++s->next_id;
    s->done = !expects;
    s->result = out;
    out->outcome = MP_SENT;
    if (!send_frame(s, frame, len, expects ? s->waiting_id : 0, error))
        return false;
    if (!expects) { /* read what comes back meanwhile (a NAK, say), briefly */
        struct pollfd p = {.fd = mcp_target_fd(s->target), .events = POLLIN};
        if (poll(&p, 1, 20) > 0 && !mcp_target_receive(s->target, on_rx, s, error))
            return false;
        return mcp_master_tick(s->master, mp_now_ns());
    }
    return wait_outcome(s, error);
}

bool mp_session_request(struct mp_session *s, uint8_t cmd, const uint8_t *payload, size_t len,
                        struct mp_result *out, GError **error)
{
    uint8_t frame[MCP_MAX_FRAME];
    size_t n = mcp_master_encode(s->master, cmd, payload, len, frame, sizeof frame);
    return transact(s, frame, n, out, error);
}

bool mp_session_raw(struct mp_session *s, const uint8_t *frame, size_t len, struct mp_result *out,
                    GError **error)
{
    uint8_t buf[MCP_MAX_FRAME];
    memcpy(buf, frame, len);
    if (!s->o->raw_crc) { /* the check is added */
        len += 1;
        mcp_frame_fix_crc(&s->o->codec, buf, len);
    }
    if (len < MCP_OVERHEAD) {
        g_set_error(error, MCP_TARGET_ERROR, MCP_TARGET_USAGE, "raw: too short for a frame");
        return false;
    }
    return transact(s, buf, len, out, error);
}
