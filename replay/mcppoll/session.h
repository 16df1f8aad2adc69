/*
 * One mcppoll session with a device: a target (replay/common/target.h) and
 * the shared master (replay/common/master.h) for numbering, NAK resends,
 * matching and timeouts. A fresh session starts with SYNC (§2: the device
 * restarts its view of our sequence there), unless told not to.
 */
#ifndef MP_SESSION_H
#define MP_SESSION_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "master.h"
#include "mcp/frame.h"
#include "options.h"

enum mp_outcome {
    MP_SENT,     /* nothing to wait for (broadcast, SYNC, a notification) */
    MP_ANSWERED, /* answer holds the response */
    MP_NAKED,    /* NAKed past the retries (nak_reasons) */
    MP_NO_ANSWER /* nothing within the timeout */
};

struct mp_result {
    enum mp_outcome outcome;
    uint8_t request[MCP_MAX_FRAME];
    size_t request_len;
    uint8_t answer[MCP_MAX_FRAME];
    size_t answer_len;
    int64_t latency_ns;
    unsigned resends;
    uint32_t nak_reasons;
};

struct mp_session;

/* Opens the target (GError code 2 bad URL, 3 unreachable) and sends the SYNC. */
struct mp_session *mp_session_open(const struct mp_options *o, GError **error);
void mp_session_close(struct mp_session *s);

/*
 * Sends one frame (cmd + payload, numbered by the master; or, raw, the
 * caller's bytes) and waits for its outcome, resending on NAKs. False with
 * *error (code 3) when the target is lost.
 */
bool mp_session_request(struct mp_session *s, uint8_t cmd, const uint8_t *payload, size_t len,
                        struct mp_result *out, GError **error);
bool mp_session_raw(struct mp_session *s, const uint8_t *frame, size_t len, struct mp_result *out,
                    GError **error);

/* Sets how long a request may wait (scan uses a short one per device). */
void mp_session_set_timeout(struct mp_session *s, int timeout_ms);

/* Counted since the session opened: frames that came back with a bad check. */
uint64_t mp_session_bad_frames(const struct mp_session *s);

int64_t mp_now_ns(void);

#endif
