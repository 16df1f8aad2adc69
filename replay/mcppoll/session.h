/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One session with one device: the target (replay/common/target), the master
 * (replay/common/master: numbering, §3 NAK resends, §4 matching, timeouts)
 * and -w (--write). A frame goes out, then the session reads and ticks the master
 * until that frame's outcome is known: answered, given up after NAKs, no
 * answer within --timeout, or (for a frame that expects no answer) a short
 * quiet time without a NAK naming it.
 */
#ifndef MP_SESSION_H
#define MP_SESSION_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mcp/frame.h"
#include "master.h"
#include "options.h"

enum mp_outcome_kind {
    MP_ANSWERED,  /* answer holds the response */
    MP_NAKED,     /* NAKed past the retries, or for a reason a resend cannot cure */
    MP_NO_ANSWER, /* nothing within --timeout after the last send */
    MP_SENT,      /* a frame that expects no answer went out, and no NAK named it */
    MP_LOST,      /* the target is unreachable, refused or lost: error says how */
    MP_STOPPED,   /* Ctrl-C while waiting */
};

struct mp_outcome {
    enum mp_outcome_kind kind;
    uint8_t seq;          /* the frame's seq */
    int64_t sent_ns;      /* realtime of the first send (ns since the epoch) */
    int64_t latency_ns;   /* ANSWERED: answer time minus the last send */
    unsigned resends;     /* resends after NAKs */
    uint32_t nak_reasons; /* bit (1 << reason) of every NAK naming the frame */
    uint8_t nak_reason;   /* NAKED: the NAK that ended it */
    uint8_t answer[MCP_MAX_FRAME];
    size_t answer_len;
    char error[512]; /* LOST */
};

struct mp_session;

/* Opens the target and the -w file; NULL with *error (code 2, 3 or 6). */
struct mp_session *mp_session_open(const struct mp_options *o, GError **error);

/* Sets the seq of the session's next frame (§3: +1 per frame, 255 wraps to 0). */
void mp_session_set_next_seq(struct mp_session *s, uint8_t seq);

/*
 * Builds a frame (next seq, cmd, payload) and runs it to its outcome. A frame
 * that expects an answer (§4) waits up to --timeout after each send; any other
 * waits quiet_ms for a NAK naming it (0: does not wait).
 */
void mp_session_exchange(struct mp_session *s, uint8_t cmd, const uint8_t *payload, size_t len,
                         int quiet_ms, struct mp_outcome *out);

/* The same for a whole frame as given (raw); its seq sets the numbering. */
void mp_session_exchange_frame(struct mp_session *s, const uint8_t *frame, size_t len, int quiet_ms,
                               struct mp_outcome *out);

/* Keeps reading (late answers, EVENTs, NAKs) until the monotonic time until_ns or Ctrl-C. */
void mp_session_idle(struct mp_session *s, int64_t until_ns);

/* Frames received that the master matched to nothing (late answers and strays), EVENTs. */
uint64_t mp_session_unmatched(const struct mp_session *s);
uint64_t mp_session_events(const struct mp_session *s);
uint64_t mp_session_bad_crc(const struct mp_session *s);

/* Bytes from the target that are not MCP, and the datagrams (UDP) or runs holding them. */
void mp_session_junk(const struct mp_session *s, uint64_t *bytes, uint64_t *chunks);
/* The first check variant every frame that failed ours passes, or NULL (none, or no bad frame). */
const char *mp_session_bad_crc_hint(const struct mp_session *s);
const struct mcp_master_stats *mp_session_master_stats(const struct mp_session *s);

/* Closes the target and the capture; false with *error when the capture could not be written. */
bool mp_session_close(struct mp_session *s, GError **error);

/* Ctrl-C: the current wait ends (MP_STOPPED). Async-signal-safe. */
void mp_session_request_stop(void);
bool mp_session_stop_requested(void);

/* Monotonic and realtime clocks in ns. */
int64_t mp_now_ns(void);
int64_t mp_realtime_ns(void);

#endif
