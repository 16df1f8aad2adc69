/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mcppoll's run: see run.h. */
#include "run.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "mcp/pdu.h"
#include "output.h"
#include "session.h"

/* How long a frame that expects no answer waits for a NAK naming it. */
static int quiet_ms(const struct mp_options *o)
{
    return o->timeout_ms < 100 ? o->timeout_ms : 100;
}

/* Builds the payload of the command (read/write: of its step); its command byte, *len. */
static uint8_t build(const struct mp_options *o, const struct mp_step *st, uint8_t *payload,
                     size_t *len)
{
    switch (o->command) {
    case MP_CMD_READ:
        *len = mcp_build_read(st->device, st->addr, st->count, payload, MCP_MAX_PAYLOAD);
        return MCP_CMD_READ;
    case MP_CMD_WRITE:
        *len =
            mcp_build_write(st->device, st->addr, st->count, st->values, payload, MCP_MAX_PAYLOAD);
        return MCP_CMD_WRITE;
    case MP_CMD_HEARTBEAT:
        *len = mcp_build_heartbeat(false, 0, payload, MCP_MAX_PAYLOAD);
        return MCP_CMD_HEARTBEAT;
    case MP_CMD_SYNC:
        *len = mcp_build_sync(o->sync_has_reason, o->sync_reason, payload, MCP_MAX_PAYLOAD);
        return MCP_CMD_SYNC;
    default:
        *len = 0;
        return 0;
    }
}

/* One run of the command: its outcome. The raw frame gets its check unless --raw-crc. */
static void exchange(struct mp_session *s, const struct mp_options *o, size_t step,
                     struct mp_outcome *oc)
{
    if (o->command == MP_CMD_RAW) {
        uint8_t frame[MCP_MAX_FRAME];
        size_t len = o->raw_len;
        memcpy(frame, o->raw, len);
        if (!o->raw_crc) {
            frame[len++] = 0;
            mcp_frame_fix_crc(&o->codec, frame, len);
        }
        mp_session_exchange_frame(s, frame, len, quiet_ms(o), oc);
        return;
    }
    uint8_t payload[MCP_MAX_PAYLOAD];
    size_t len;
    uint8_t cmd = build(o, o->step_count > 0 ? &o->steps[step] : NULL, payload, &len);
    mp_session_exchange(s, cmd, payload, len, quiet_ms(o), oc);
}

/* The session's first frame (§3): a SYNC, so the device restarts its count of our seqs. */
static bool start(struct mp_session *s, const struct mp_options *o, struct mp_tally *t)
{
    if (o->command == MP_CMD_RAW)
        mp_session_set_next_seq(s, (uint8_t)(o->raw[1] - 1)); /* the frame comes in order */
    if (o->no_sync || o->command == MP_CMD_SYNC)
        return true;
    uint8_t payload[1];
    size_t len = mcp_build_sync(false, 0, payload, sizeof payload);
    struct mp_outcome oc;
    mp_session_exchange(s, MCP_CMD_SYNC, payload, len, 0, &oc);
    if (oc.kind == MP_LOST) {
        fprintf(stderr, "mcppoll: target unreachable: %s\n", oc.error);
        mp_tally_add(t, &oc);
        return false;
    }
    return true;
}

/* "received 5 datagrams, 25 bytes that are not MCP" (nothing when there were none). */
static void note_junk(const struct mp_session *s, const struct mp_options *o)
{
    uint64_t bytes, chunks;
    mp_session_junk(s, &bytes, &chunks);
    if (bytes > 0)
        fprintf(stderr,
                "mcppoll: received %" PRIu64 " %s, %" PRIu64 " bytes that are not MCP from %s\n",
                chunks,
                strncmp(o->target, "udp:", 4) == 0 ? (chunks == 1 ? "datagram" : "datagrams")
                                                   : (chunks == 1 ? "run" : "runs"),
                bytes, o->target);
}

static void explain(const struct mp_session *s, const struct mp_options *o,
                    const struct mp_outcome *oc)
{
    uint64_t junk, chunks;
    mp_session_junk(s, &junk, &chunks);
    if (oc->kind == MP_LOST)
        fprintf(stderr, "mcppoll: target unreachable: %s\n", oc->error);
    else if (oc->kind == MP_NO_ANSWER)
        fprintf(stderr,
                "mcppoll: no answer within %d ms (--timeout): the frame went out to %s, %s\n",
                o->timeout_ms, o->target,
                junk > 0 ? "only bytes that are not MCP came back" : "nothing answered it");
}

static int run_command(struct mp_session *s, const struct mp_options *o, struct mp_tally *t)
{
    bool polling = o->count_polls != 1;
    size_t steps = o->step_count > 0 ? o->step_count : 1;
    struct mp_outcome *ocs = g_new0(struct mp_outcome, steps);
    for (uint64_t poll = 1; o->count_polls == 0 || poll <= o->count_polls; poll++) {
        int64_t t0 = mp_now_ns();
        size_t done = 0;
        bool lost = false;
        for (size_t k = 0; k < steps && !lost; k++) {
            exchange(s, o, k, &ocs[k]);
            if (ocs[k].kind == MP_STOPPED)
                break;
            mp_tally_add(t, &ocs[k]);
            mp_output_outcome(o, k, poll, polling, &ocs[k]);
            if (!polling || ocs[k].kind == MP_LOST)
                explain(s, o, &ocs[k]);
            done++;
            lost = ocs[k].kind == MP_LOST;
            if (mp_session_stop_requested())
                break;
        }
        mp_output_poll(o, poll, polling, ocs, done);
        if (lost || done < steps || mp_session_stop_requested())
            break;
        if (o->count_polls == 0 || poll < o->count_polls)
            mp_session_idle(s, t0 + (int64_t)o->interval_ms * 1000000);
        if (mp_session_stop_requested())
            break;
    }
    g_free(ocs);
    if (polling)
        mp_output_summary(o, t, mp_session_master_stats(s), mp_session_unmatched(s),
                          mp_session_events(s));
    if (t->requests + t->sent + t->lost == 0) { /* Ctrl-C before the first outcome */
        fprintf(stderr, "mcppoll: interrupted before an answer\n");
        return MP_EXIT_NO_ANSWER;
    }
    return t->exit_code;
}

static int run_scan(struct mp_session *s, const struct mp_options *o, struct mp_tally *t)
{
    uint8_t found[255];
    size_t n_found = 0;
    uint64_t unknown = 0, silent = 0, naked = 0, answered = 0;
    mp_output_scan_header(o);
    for (size_t i = 0; i < o->scan_count; i++) {
        uint8_t payload[8];
        size_t len = mcp_build_read(o->scan_ids[i], o->scan_addr, 1, payload, sizeof payload);
        struct mp_outcome oc;
        mp_session_exchange(s, MCP_CMD_READ, payload, len, 0, &oc);
        if (oc.kind == MP_STOPPED)
            break;
        mp_tally_add(t, &oc);
        mp_output_scan_probe(o, o->scan_ids[i], &oc);
        if (oc.kind == MP_LOST) {
            explain(s, o, &oc);
            return 3;
        }
        if (oc.kind == MP_ANSWERED) {
            answered++;
            if (mp_answer_status(&oc) == MCP_STATUS_UNKNOWN_DEVICE)
                unknown++;
            else
                found[n_found++] = o->scan_ids[i];
        } else if (oc.kind == MP_NAKED) {
            naked++;
        } else {
            silent++;
        }
    }
    mp_output_scan_summary(o, found, n_found, unknown, silent, naked);
    if (n_found > 0)
        return 0;
    if (answered > 0 || naked > 0)
        return 1;
    fprintf(stderr, "mcppoll: no answer from any device within %d ms each (--timeout)\n",
            o->timeout_ms);
    return 3;
}

int mp_run(const struct mp_options *o)
{
    GError *error = NULL;
    struct mp_session *s = mp_session_open(o, &error);
    if (s == NULL) {
        fprintf(stderr, "mcppoll: %s%s\n", error->code == MP_EXIT_NO_ANSWER ? "unreachable: " : "",
                error->message);
        int code = error->code == MP_EXIT_NO_ANSWER || error->code == MP_EXIT_OUTPUT
                       ? error->code
                       : MP_EXIT_USAGE;
        g_error_free(error);
        return code;
    }
    struct mp_tally t;
    memset(&t, 0, sizeof t);
    int code = t.exit_code;
    if (!start(s, o, &t))
        code = MP_EXIT_NO_ANSWER;
    else if (o->command == MP_CMD_SCAN)
        code = run_scan(s, o, &t);
    else
        code = run_command(s, o, &t);
    mp_output_notes(o, mp_session_master_stats(s), mp_session_unmatched(s), mp_session_bad_crc(s),
                    mp_session_bad_crc_hint(s));
    note_junk(s, o);
    if (!mp_session_close(s, &error)) {
        fprintf(stderr, "mcppoll: %s\n", error->message);
        g_error_free(error);
        if (code == 0)
            code = MP_EXIT_OUTPUT;
    }
    return code;
}
