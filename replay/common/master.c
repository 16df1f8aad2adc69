/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The master's side of one conversation: see master.h. */
#include "master.h"

#include <glib.h>
#include <string.h>

#include "mcp/match.h"
#include "mcp/pdu.h"

/* A NAK may name one of our last RECENT frames; an older seq has been reused or forgotten. */
#define RECENT 128

enum req_state { REQ_WAIT, REQ_RESEND, REQ_LATE };

struct req {
    uint64_t id;
    uint8_t seq, cmd;
    int64_t last_sent;
    unsigned resends;
    uint32_t nak_reasons;
    enum req_state state;
    bool timed_out;
    GList link; /* in wait (REQ_WAIT) or late (REQ_LATE); unlinked in REQ_RESEND */
    bool used;
    uint32_t gen;       /* bumped when the pool entry is reused */
    uint32_t next_free; /* free list */
    uint32_t index;     /* in the pool */
};

/* The matcher (lib) holds a key per request: pool index and generation, so an answer to a
 * request already settled finds nothing. No allocation per request. */
#define POOL     MCP_MASTER_MAX_OPEN
#define CHUNK    64 /* entries are allocated CHUNK at a time, as needed */
#define NO_ENTRY UINT32_MAX

struct slot {
    bool used;
    uint64_t send_index; /* m->sent_count when first sent */
    struct req *req;     /* the request this frame is, while it is open */
    size_t len;
    size_t cap;     /* bytes allocated: grows, never shrinks (no allocation per frame) */
    uint8_t *bytes; /* the frame as sent; its check is recomputed before a resend */
    bool crc_fixed; /* bytes' check recomputed already */
    unsigned resends;
    bool resend_pending;
    int64_t resend_due;
    bool crc_naked; /* NAKed BAD_CRC: the device's SEQ_GAP NAK for the same loss may follow */
    /* Once its request is answered: how many more answers our own extra copies of this
     * frame may still draw (resends - 1: a device NAKs BAD_CRC as L + 1, so a second bad
     * frame arriving before the first one's resend names the first again, and it is sent
     * a third time; the device rightly answers each copy it takes). */
    unsigned spare_answers;
};

struct mcp_master {
    struct mcp_master_config cfg;
    mcp_master_send_cb send;
    mcp_master_event_cb event;
    void *ctx;
    uint8_t next_seq;
    uint64_t sent_count;
    struct slot slots[256];
    unsigned pending_resends;
    struct mcp_match_table table;
    struct req *chunks[POOL / CHUNK]; /* the pool, allocated as needed */
    uint32_t allocated;               /* entries in the chunks */
    uint32_t free_head;
    size_t open; /* entries in use */
    GQueue wait; /* REQ_WAIT, by last_sent */
    GQueue late; /* REQ_LATE, by last_sent */
    struct mcp_master_stats stats;
};

static struct req *entry(const struct mcp_master *m, uint32_t index)
{
    return &m->chunks[index / CHUNK][index % CHUNK];
}

/* CHUNK more free entries, while the pool is under POOL. */
static void grow_pool(struct mcp_master *m)
{
    if (m->allocated >= POOL)
        return;
    struct req *c = g_new0(struct req, CHUNK);
    m->chunks[m->allocated / CHUNK] = c;
    for (uint32_t i = CHUNK; i-- > 0;) {
        c[i].index = m->allocated + i;
        c[i].next_free = m->free_head;
        m->free_head = m->allocated + i;
    }
    m->allocated += CHUNK;
}

struct mcp_master *mcp_master_new(const struct mcp_master_config *cfg, mcp_master_send_cb send,
                                  mcp_master_event_cb event, void *ctx)
{
    struct mcp_master *m = g_new0(struct mcp_master, 1);
    m->cfg = *cfg;
    if (m->cfg.late_ns < m->cfg.timeout_ns)
        m->cfg.late_ns = m->cfg.timeout_ns;
    m->send = send;
    m->event = event;
    m->ctx = ctx;
    mcp_match_init(&m->table);
    m->free_head = NO_ENTRY;
    g_queue_init(&m->wait);
    g_queue_init(&m->late);
    return m;
}

void mcp_master_free(struct mcp_master *m)
{
    if (m == NULL)
        return;
    for (int i = 0; i < 256; i++)
        g_free(m->slots[i].bytes);
    mcp_match_clear(&m->table);
    for (uint32_t c = 0; c < m->allocated / CHUNK; c++)
        g_free(m->chunks[c]);
    g_free(m);
}

void mcp_master_set_next_seq(struct mcp_master *m, uint8_t seq)
{
    m->next_seq = seq;
}

uint8_t mcp_master_next_seq(const struct mcp_master *m)
{
    return m->next_seq;
}

size_t mcp_master_encode(struct mcp_master *m, uint8_t cmd, const uint8_t *payload,
                         size_t payload_len, uint8_t *out, size_t cap)
{
    return mcp_frame_encode(&m->cfg.codec, m->next_seq, cmd, payload, payload_len, out, cap);
}

static void emit(struct mcp_master *m, const struct mcp_master_event *ev)
{
    if (m->event != NULL)
        m->event(m->ctx, ev);
}

static void unlink_req(struct mcp_master *m, struct req *r)
{
    if (r->state == REQ_WAIT)
        g_queue_unlink(&m->wait, &r->link);
    else if (r->state == REQ_LATE)
        g_queue_unlink(&m->late, &r->link);
    r->state = REQ_RESEND; /* i.e. in no queue */
}

static void cancel_resend(struct mcp_master *m, struct slot *s)
{
    if (s->resend_pending) {
        s->resend_pending = false;
        m->pending_resends--;
    }
}

/* The request is done: forgotten (its id may still be in the matcher, which is then unmatched). */
static void settle(struct mcp_master *m, struct req *r)
{
    unlink_req(m, r);
    struct slot *s = &m->slots[r->seq];
    if (s->req == r) {
        s->req = NULL;
        cancel_resend(m, s);
    }
    r->used = false;
    r->gen++;
    r->next_free = m->free_head;
    m->free_head = r->index;
    m->open--;
}

/* The request ends unanswered: counted (as a timeout too if it had not timed
 * out yet; a request in the late queue has), forgotten, reported as EXPIRED. */
static void expire(struct mcp_master *m, struct req *r)
{
    m->stats.expired++;
    if (!r->timed_out)
        m->stats.timeouts++;
    struct mcp_master_event ev = {.kind = MCP_MASTER_EXPIRED,
                                  .id = r->id,
                                  .resends = r->resends,
                                  .nak_reasons = r->nak_reasons};
    settle(m, r);
    emit(m, &ev);
}

static void wait_for_answer(struct mcp_master *m, struct req *r, int64_t now_ns)
{
    r->last_sent = now_ns;
    r->state = REQ_WAIT;
    r->link.data = r;
    g_queue_push_tail_link(&m->wait, &r->link);
}

/* Too many requests open: the oldest (late ones first) expires now. */
static void forget_oldest(struct mcp_master *m)
{
    GList *l = g_queue_peek_head_link(&m->late);
    if (l == NULL)
        l = g_queue_peek_head_link(&m->wait);
    if (l == NULL)
        return; /* all are waiting for a resend */
    struct req *r = l->data;
    m->stats.forgotten++;
    expire(m, r);
}

void mcp_master_sent(struct mcp_master *m, const uint8_t *bytes, size_t len, uint64_t id,
                     int64_t now_ns)
{
    if (len < MCP_OVERHEAD)
        return;
    uint8_t seq = bytes[1], cmd = bytes[4];
    struct slot *s = &m->slots[seq];
    bool reused = mcp_master_awaits(m, seq, cmd) && s->req->id != id;
    if (s->req != NULL) { /* an older request with this seq can no longer be resent */
        struct req *old = s->req;
        s->req = NULL;
        cancel_resend(m, s);
        if (old->state == REQ_RESEND)
            wait_for_answer(m, old, old->last_sent);
    }
    cancel_resend(m, s);
    s->used = true;
    s->send_index = ++m->sent_count;
    if (s->cap < len) {
        s->cap = len < 64 ? 64 : len;
        s->bytes = g_realloc(s->bytes, s->cap);
    }
    memcpy(s->bytes, bytes, len);
    s->crc_fixed = false; /* done at the first resend: most frames are never resent */
    s->len = len;
    s->resends = 0;
    s->crc_naked = false;
    s->spare_answers = 0;
    m->next_seq = (uint8_t)(seq + 1);
    m->stats.sent++;
    if (id == 0 || !mcp_expects_answer(cmd, bytes + MCP_HEADER_LEN, len - MCP_OVERHEAD))
        return;
    if (s->req != NULL && s->req->id == id)
        return; /* the same request again (a duplicate): one answer is awaited */
    if (m->free_head == NO_ENTRY)
        grow_pool(m);
    if (m->free_head == NO_ENTRY)
        forget_oldest(m);
    if (m->free_head == NO_ENTRY)
        return; /* every entry waits for a resend: this one is not awaited */
    uint32_t index = m->free_head;
    struct req *r = entry(m, index);
    m->free_head = r->next_free;
    uint32_t gen = r->gen;
    memset(r, 0, sizeof *r);
    r->gen = gen;
    r->index = index;
    r->used = true;
    r->id = id;
    r->seq = seq;
    r->cmd = cmd;
    m->open++;
    s->req = r;
    if (reused)
        m->stats.seq_reused++;
    mcp_match_add_request(&m->table, seq, cmd, (uint64_t)gen << 32 | index);
    wait_for_answer(m, r, now_ns);
    m->stats.requests++;
}

static bool curable(uint8_t reason)
{
    return reason == MCP_NAK_BAD_CRC || reason == MCP_NAK_SEQ_GAP || reason == MCP_NAK_BUSY;
}

static void on_nak(struct mcp_master *m, const uint8_t *bytes, size_t len, int64_t now_ns)
{
    uint8_t nak_seq = bytes[MCP_HEADER_LEN], reason = bytes[MCP_HEADER_LEN + 1];
    struct slot *s = &m->slots[nak_seq];
    if (!s->used || m->sent_count - s->send_index >= RECENT) {
        m->stats.naks_unknown++;
        return;
    }
    m->stats.naks[reason < 8 ? reason : 0]++;
    struct req *r = s->req;
    struct mcp_master_event ev = {
        .kind = MCP_MASTER_NAK, .bytes = bytes, .len = len, .nak_reason = reason};
    if (r != NULL) {
        r->nak_reasons |= 1u << (reason < 31 ? reason : 31);
        ev.id = r->id;
        ev.resends = r->resends;
    }
    /* A bad check draws NAK BAD_CRC at once and, when our next frame reaches the device
     * before the resend, NAK SEQ_GAP for the same seq: one loss, one resend. */
    bool gap_after_crc = reason == MCP_NAK_SEQ_GAP && s->crc_naked;
    if (reason == MCP_NAK_BAD_CRC)
        s->crc_naked = true;
    if (gap_after_crc && !s->resend_pending && s->resends > 0) {
        s->crc_naked = false;
        ev.will_resend = false;
        emit(m, &ev);
        return;
    }
    if (s->resend_pending) { /* a second NAK for a frame already due again (BAD_CRC + GAP) */
        ev.will_resend = true;
        emit(m, &ev);
        return;
    }
    if (curable(reason) && s->resends < m->cfg.retries) {
        s->resend_pending = true;
        s->resend_due = now_ns + (reason == MCP_NAK_BUSY ? m->cfg.busy_backoff_ns : 0);
        m->pending_resends++;
        if (r != NULL)
            unlink_req(m, r);
        ev.will_resend = true;
        emit(m, &ev);
        return;
    }
    emit(m, &ev);
    if (r == NULL)
        return;
    m->stats.gave_up++;
    struct mcp_master_event g = {.kind = MCP_MASTER_GAVE_UP,
                                 .id = r->id,
                                 .resends = r->resends,
                                 .nak_reason = reason,
                                 .nak_reasons = r->nak_reasons};
    settle(m, r);
    emit(m, &g);
}

static struct req *lookup(struct mcp_master *m, uint64_t key)
{
    uint32_t index = (uint32_t)key;
    if (index >= m->allocated)
        return NULL;
    struct req *r = entry(m, index);
    return r->used && r->gen == (uint32_t)(key >> 32) ? r : NULL;
}

static void on_response(struct mcp_master *m, const uint8_t *bytes, size_t len, int64_t now_ns)
{
    uint64_t id = 0;
    struct req *r = NULL;
    if (mcp_match_response(&m->table, bytes[MCP_HEADER_LEN], bytes[4], &id))
        r = lookup(m, id);
    struct slot *s = &m->slots[bytes[MCP_HEADER_LEN]];
    if (r == NULL && s->used && s->spare_answers > 0 && s->len > 4 &&
        (bytes[4] & 0x7F) == s->bytes[4]) {
        /* An answer to a copy we sent again ourselves, not the device answering twice. */
        s->spare_answers--;
        m->stats.answers_to_copies++;
        return;
    }
    if (r == NULL) {
        m->stats.unmatched++;
        struct mcp_master_event ev = {.kind = MCP_MASTER_UNMATCHED, .bytes = bytes, .len = len};
        emit(m, &ev);
        return;
    }
    struct mcp_master_event ev = {.kind = MCP_MASTER_ANSWER,
                                  .id = r->id,
                                  .bytes = bytes,
                                  .len = len,
                                  .latency_ns = now_ns - r->last_sent,
                                  .resends = r->resends,
                                  .nak_reasons = r->nak_reasons};
    ev.late = r->timed_out || ev.latency_ns > m->cfg.timeout_ns;
    m->stats.answered++;
    if (r->resends > 0)
        m->stats.answered_after_resend++;
    if (s->req == r)
        s->spare_answers = s->resends > 1 ? s->resends - 1 : 0;
    if (ev.late)
        m->stats.late++;
    settle(m, r);
    emit(m, &ev);
}

void mcp_master_received(struct mcp_master *m, const uint8_t *bytes, size_t len, bool crc_ok,
                         int64_t now_ns)
{
    if (!crc_ok || len < MCP_OVERHEAD + 2) /* §4: bad frames take no part */
        return;
    if (bytes[4] == MCP_CMD_NAK)
        on_nak(m, bytes, len, now_ns);
    else if (mcp_cmd_is_response(bytes[4]))
        on_response(m, bytes, len, now_ns);
}

static bool run_resends(struct mcp_master *m, int64_t now_ns)
{
    for (int seq = 0; seq < 256 && m->pending_resends > 0; seq++) {
        struct slot *s = &m->slots[seq];
        if (!s->resend_pending || s->resend_due > now_ns)
            continue;
        cancel_resend(m, s);
        s->resends++;
        m->stats.resends++;
        if (s->req != NULL) {
            s->req->resends++;
            s->req->timed_out = false; /* the clock starts again with the resend */
            wait_for_answer(m, s->req, now_ns);
        }
        if (!s->crc_fixed) {
            mcp_frame_fix_crc(&m->cfg.codec, s->bytes, s->len);
            s->crc_fixed = true;
        }
        if (m->send != NULL && !m->send(m->ctx, s->bytes, s->len))
            return false;
    }
    return true;
}

bool mcp_master_tick(struct mcp_master *m, int64_t now_ns)
{
    if (!run_resends(m, now_ns))
        return false;
    for (;;) {
        GList *l = g_queue_peek_head_link(&m->wait);
        if (l == NULL)
            break;
        struct req *r = l->data;
        if (now_ns - r->last_sent < m->cfg.timeout_ns)
            break;
        g_queue_unlink(&m->wait, l);
        r->state = REQ_LATE;
        r->timed_out = true;
        g_queue_push_tail_link(&m->late, l);
        m->stats.timeouts++;
        struct mcp_master_event ev = {.kind = MCP_MASTER_TIMEOUT,
                                      .id = r->id,
                                      .resends = r->resends,
                                      .nak_reasons = r->nak_reasons};
        emit(m, &ev);
    }
    for (;;) {
        GList *l = g_queue_peek_head_link(&m->late);
        if (l == NULL)
            break;
        struct req *r = l->data;
        if (now_ns - r->last_sent < m->cfg.late_ns)
            break;
        expire(m, r);
    }
    return true;
}

int64_t mcp_master_next_deadline(const struct mcp_master *m)
{
    int64_t next = INT64_MAX;
    const struct req *w = g_queue_peek_head((GQueue *)&m->wait);
    if (w != NULL)
        next = w->last_sent + m->cfg.timeout_ns;
    const struct req *l = g_queue_peek_head((GQueue *)&m->late);
    if (l != NULL && l->last_sent + m->cfg.late_ns < next)
        next = l->last_sent + m->cfg.late_ns;
    for (int seq = 0; seq < 256 && m->pending_resends > 0; seq++)
        if (m->slots[seq].resend_pending && m->slots[seq].resend_due < next)
            next = m->slots[seq].resend_due;
    return next;
}

size_t mcp_master_outstanding(const struct mcp_master *m)
{
    return m->open + m->pending_resends;
}

size_t mcp_master_waiting(const struct mcp_master *m)
{
    return m->open - g_queue_get_length((GQueue *)&m->late);
}

void mcp_master_finish(struct mcp_master *m)
{
    for (uint32_t i = 0; i < m->allocated && m->open > 0; i++) {
        struct req *r = entry(m, i);
        if (!r->used)
            continue;
        expire(m, r);
    }
    for (int seq = 0; seq < 256; seq++)
        cancel_resend(m, &m->slots[seq]);
}

bool mcp_master_awaits(const struct mcp_master *m, uint8_t seq, uint8_t cmd)
{
    const struct req *r = m->slots[seq].req;
    return r != NULL && r->cmd == cmd;
}

const struct mcp_master_stats *mcp_master_stats(const struct mcp_master *m)
{
    return &m->stats;
}

void mcp_master_stats_add(struct mcp_master_stats *a, const struct mcp_master_stats *b)
{
    a->sent += b->sent;
    a->requests += b->requests;
    a->resends += b->resends;
    for (int i = 0; i < 8; i++)
        a->naks[i] += b->naks[i];
    a->naks_unknown += b->naks_unknown;
    a->answered += b->answered;
    a->answered_after_resend += b->answered_after_resend;
    a->late += b->late;
    a->gave_up += b->gave_up;
    a->timeouts += b->timeouts;
    a->expired += b->expired;
    a->unmatched += b->unmatched;
    a->answers_to_copies += b->answers_to_copies;
    a->forgotten += b->forgotten;
    a->seq_reused += b->seq_reused;
}
