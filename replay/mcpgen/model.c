/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Traffic model and fault injection (docs/PROTOCOL.md §2-§4). */
#include "model.h"

#include <glib.h>
#include <math.h>
#include <string.h>

#include "behaviour.h"
#include "bigarray.h"
#include "heap.h"
#include "mapgen.h"
#include "mcp/frame.h"
#include "mcp/match.h"
#include "mcp/pdu.h"

/* Receiver reaction time before a NAK, and sender reaction time before resending. */
#define NAK_DELAY_NS    200000
#define RESEND_DELAY_NS 300000
#define FLUSH_DELAY_NS  1000000
#define MAX_LOST        16

/* One logical frame: what a sender means to say; its seq is given when it goes out. */
struct msg {
    uint32_t id;
    uint32_t req_msg; /* a response: the request's msg id; else TRUTH_NONE */
    uint8_t cmd;
    bool expects_answer; /* a request the link's device answers */
    bool fill;           /* --map: a READ answer whose values are taken when it goes out */
    uint16_t len;
    uint8_t payload[];
};

/* Where a sender stands in a fault and its recovery. Faults start only when
 * both directions of a link are CLEAN, so recoveries never overlap. */
enum sender_state {
    S_CLEAN,
    S_HOLD,         /* a frame awaits its NAK and resend; new frames wait */
    S_STASH,        /* a frame is held back and goes out after the next one */
    S_LOSING,       /* the next frames are lost before the capture point */
    S_LOST_PENDING, /* frames were lost: the next frame reveals the gap */
    S_RECOVERING /* the receiver NAKs the missing frames, then they are resent; new frames wait */
};

struct msender {
    bool started;
    uint8_t next; /* seq of the sender's next new frame */
    uint8_t last; /* L as the receiver sees it */
    enum sender_state state;
    GQueue deferred; /* struct item *, while S_HOLD */
    struct msg *held;
    uint8_t held_seq;
    bool held_after_nak; /* resend is a retransmission (else in order after a bad check) */
    struct msg *lost[MAX_LOST];
    uint8_t lost_seq[MAX_LOST];
    int n_lost;
    int losing_left;
    uint32_t stale[8];     /* seqs of requests that stay unanswered (an older copy) */
    uint16_t pending[256]; /* requests per seq awaiting their answer */
    bool resp_key_valid;
    uint64_t resp_key_t; /* requests taken in at one instant are answered together */
    uint64_t resp_latency;
};

struct model {
    const struct gen_options *opt;
    const struct topology *topo;
    struct truth *truth;
    struct xport *xport;
    struct model_stats *stats;
    struct rng rng;
    struct heap heap;
    struct msender *snd;
    struct bigarray *last_good; /* per msg: truth index of the newest good copy of a request */
    struct bigarray *linked;    /* per msg: a response's first good copy has been matched */
    struct mapgen *map;         /* --map: items, written values; else NULL */
    uint32_t next_msg;
    uint64_t fresh_count;
    int big_done;
    uint64_t now;
    bool stopped;
    /* the burst being gathered: frames of one sender at one instant */
    GByteArray *bbytes;
    GArray *bframes;
    int bsender;
    uint64_t bt;
    uint8_t frame[MCP_MAX_FRAME];
    uint8_t payload[MCP_MAX_PAYLOAD];
};

/* ---- messages ---- */

static struct msg *msg_new(struct model *m, uint8_t cmd, const uint8_t *payload, size_t len,
                           uint32_t req_msg, bool expects)
{
    struct msg *g = g_malloc(sizeof *g + len);
    g->id = m->next_msg++;
    g->req_msg = req_msg;
    g->cmd = cmd;
    g->expects_answer = expects;
    g->fill = false;
    g->len = (uint16_t)len;
    if (len > 0)
        memcpy(g->payload, payload, len);
    uint32_t none = TRUTH_NONE;
    uint8_t zero = 0;
    bigarray_append(m->last_good, &none);
    bigarray_append(m->linked, &zero);
    return g;
}

/*
 * A master never reuses a seq whose request is still unanswered, or a late
 * answer would match the newer request (§4). The seqs a new request may take
 * (the next one, or up to 16 further when a gap fault loses frames) must all
 * be free; otherwise the request waits for answers (flow control).
 */
#define SEQ_REUSE_GUARD 17
static bool seqs_busy(const struct msender *S)
{
    for (int i = 0; i < SEQ_REUSE_GUARD; i++)
        if (S->pending[(uint8_t)(S->next + i)] > 0)
            return true;
    return false;
}

/* Frames that wait go out one after the other, first come first served: the
 * head goes back to the schedule, and each one handled lets the next go. */
static void release_one(struct model *m, struct msender *S, uint64_t t)
{
    struct item *d = g_queue_pop_head(&S->deferred);
    if (d == NULL)
        return;
    d->t = t;
    d->released = true;
    heap_push(&m->heap, d);
    g_free(d);
}

static bool stale(const struct msender *s, uint8_t seq)
{
    return (s->stale[seq >> 5] >> (seq & 31)) & 1u;
}

/* ---- bursts ---- */

static void flush_burst(struct model *m)
{
    if (m->bframes->len == 0)
        return;
    struct burst b = {.t_ns = m->bt,
                      .sender = m->bsender,
                      .bytes = m->bbytes->data,
                      .len = m->bbytes->len,
                      .frames = (const struct burst_frame *)m->bframes->data,
                      .n_frames = m->bframes->len};
    xport_burst(m->xport, &b);
    g_byte_array_set_size(m->bbytes, 0);
    g_array_set_size(m->bframes, 0);
}

static void burst_add(struct model *m, int sender, uint64_t t, const uint8_t *bytes, size_t len,
                      uint32_t truth)
{
    if (m->bframes->len > 0 && (sender != m->bsender || t != m->bt))
        flush_burst(m);
    m->bsender = sender;
    m->bt = t;
    struct burst_frame f = {m->bbytes->len, len, truth};
    g_byte_array_append(m->bbytes, bytes, (guint)len);
    g_array_append_val(m->bframes, f);
}

/* ---- emitting frames ---- */

/* Encodes a frame; a bad check is the right one with a bit flipped (never 0x5A). */
static size_t encode(struct model *m, const struct msg *g, uint8_t seq, bool bad_crc)
{
    size_t n = mcp_frame_encode(&m->opt->codec, seq, g->cmd, g->payload, g->len, m->frame,
                                sizeof m->frame);
    if (bad_crc) {
        uint8_t crc = (uint8_t)(m->frame[n - 1] ^ 0x01);
        m->frame[n - 1] = crc == MCP_MAGIC ? (uint8_t)(crc ^ 0x03) : crc;
    }
    return n;
}

/* §4 links, from the model's own bookkeeping: the first good copy of a
 * response answers the newest good copy of its request. */
static void link_frame(struct model *m, int s, const struct msg *g, uint8_t seq, uint32_t ti)
{
    if (g->req_msg != TRUTH_NONE && !*(const uint8_t *)bigarray_get(m->linked, g->id)) {
        *(uint8_t *)bigarray_at(m->linked, g->id) = 1;
        uint32_t rq = *(const uint32_t *)bigarray_get(m->last_good, g->req_msg);
        struct msender *requester = &m->snd[m->topo->senders[s].peer];
        if (g->len >= 1 && requester->pending[g->payload[0]] > 0) {
            requester->pending[g->payload[0]]--;
            /* requests that waited for a free seq may go now */
            if (requester->state != S_HOLD && requester->state != S_RECOVERING &&
                !seqs_busy(requester))
                release_one(m, requester, m->now);
        }
        if (rq != TRUTH_NONE) {
            truth_at(m->truth, rq)->response_in = ti;
            truth_at(m->truth, ti)->request_in = rq;
        }
    }
    if (g->expects_answer) {
        uint32_t *newest = bigarray_at(m->last_good, g->id);
        if (*newest != TRUTH_NONE) /* the older copy will never be answered */
            m->snd[s].stale[seq >> 5] |= 1u << (seq & 31);
        else
            m->snd[s].pending[seq]++;
        *newest = ti;
    }
}

static void emit(struct model *m, int s, uint64_t t, const struct msg *g, uint8_t seq, bool bad_crc,
                 uint8_t verdict, uint8_t missing, int expected)
{
    size_t n = encode(m, g, seq, bad_crc);
    uint32_t ti = TRUTH_NONE;
    /* On a serial line a frame with a bad check is junk (§5): no pdu line. */
    if (!(bad_crc && m->opt->transport == GEN_SERIAL)) {
        struct truth_pdu p;
        memset(&p, 0, sizeof p);
        p.sender = m->topo->senders[s].name;
        p.request_in = p.response_in = TRUTH_NONE;
        p.seq = seq;
        p.cmd = g->cmd;
        p.crc_ok = !bad_crc;
        p.verdict = bad_crc ? TRUTH_IGNORED : verdict;
        p.missing = bad_crc ? 0 : missing;
        p.expected = (int16_t)(bad_crc ? -1 : expected);
        if (m->map != NULL) /* a bad check does not hide the values (§3) */
            p.regs = truth_add_registers(m->truth, g->cmd, g->payload, g->len);
        ti = truth_add(m->truth, &p);
        if (!bad_crc)
            link_frame(m, s, g, seq, ti);
    }
    burst_add(m, s, t, m->frame, n, ti);
    m->stats->frames++;
}

/* A frame the receiver takes in order (or the sender's first). */
static uint8_t emit_next(struct model *m, int s, uint64_t t, const struct msg *g)
{
    struct msender *S = &m->snd[s];
    uint8_t seq = S->next++;
    if (S->started)
        emit(m, s, t, g, seq, false, MCP_SEQ_IN_ORDER, 0, (uint8_t)(S->last + 1));
    else
        emit(m, s, t, g, seq, false, MCP_SEQ_NONE, 0, -1);
    S->started = true;
    S->last = seq;
    return seq;
}

static void push_fresh(struct model *m, int s, uint64_t t, struct msg *g)
{
    struct item it;
    memset(&it, 0, sizeof it);
    it.t = t;
    it.kind = ITEM_FRESH;
    it.sender = s;
    it.msg = g;
    heap_push(&m->heap, &it);
}

/* The device takes in a request: it answers after its latency. */
static void take_in(struct model *m, int s, uint64_t t, const struct msg *g, uint8_t seq)
{
    if (!g->expects_answer)
        return;
    int dev = m->topo->senders[s].peer;
    const struct gen_conn *l = &m->topo->links[m->topo->senders[s].link];
    /* serial: one line, every device on it answers for itself (0: any id of --devices) */
    uint8_t served = m->opt->transport == GEN_SERIAL ? 0 : l->unit;
    uint8_t rsp_cmd;
    size_t n = behaviour_answer(m->opt, &m->rng, g->cmd, g->payload, g->len, seq, served, &rsp_cmd,
                                m->payload);
    if (m->map != NULL && g->cmd == MCP_CMD_WRITE)
        mapgen_written(m->map, g->payload, g->len, rsp_cmd, m->payload, n);
    struct msender *D = &m->snd[dev];
    if (!D->resp_key_valid || D->resp_key_t != t) {
        /* uniform in latency +- jitter (--latency MS:JITTER_MS), as a share of the latency
         * when there is one (the formula of 0.1, so old captures regenerate to the byte) */
        double spread = 2.0 * rng_unit(&m->rng) - 1.0;
        double lat = m->opt->latency_ms > 0.0
                         ? m->opt->latency_ms * 1e6 * (1.0 + m->opt->jitter * spread)
                         : m->opt->jitter_ms * 1e6 * spread;
        D->resp_key_valid = true;
        D->resp_key_t = t;
        D->resp_latency = (uint64_t)(lat < 0 ? 0 : lat);
    }
    struct msg *rsp = msg_new(m, rsp_cmd, m->payload, n, g->id, false);
    rsp->fill = m->map != NULL;
    push_fresh(m, dev, t + D->resp_latency, rsp);
}

static void push_naks(struct model *m, int receiver, int target, uint64_t t, const uint8_t *seqs,
                      int n, uint8_t reason, enum item_kind then)
{
    struct item it;
    memset(&it, 0, sizeof it);
    it.t = t + NAK_DELAY_NS;
    it.kind = ITEM_NAKS;
    it.sender = receiver;
    it.target = target;
    it.reason = reason;
    it.then = then;
    it.n_naks = (uint8_t)n;
    memcpy(it.naks, seqs, (size_t)n);
    heap_push(&m->heap, &it);
}

/* ---- faults ---- */

static enum gen_fault draw_fault(struct model *m)
{
    for (int i = 0; i < m->opt->n_fault_at; i++)
        if (m->opt->fault_at[i].fresh_index == m->fresh_count)
            return m->opt->fault_at[i].fault;
    double u = rng_unit(&m->rng), acc = 0.0;
    for (int f = 1; f < FAULT_COUNT; f++) {
        acc += m->opt->fault_p[f];
        if (u < acc)
            return (enum gen_fault)f;
    }
    return FAULT_NONE;
}

/* Narrows a fault to what this frame can carry without the recoveries colliding. */
static enum gen_fault applicable(struct model *m, int s, const struct msg *g, enum gen_fault f)
{
    int peer = m->topo->senders[s].peer;
    if (peer < 0 && f != FAULT_DUPLICATE && f != FAULT_REORDER)
        return FAULT_NONE; /* nobody to NAK */
    /* A second good copy of a response matches any other unanswered request
     * with its req_seq (§4): copy a response only when there is none, neither
     * an older copy of the request nor another request (the seq stays
     * reserved until a resent answer is out). */
    if ((f == FAULT_DUPLICATE || f == FAULT_NAK) && g->req_msg != TRUTH_NONE &&
        (g->len < 1 || stale(&m->snd[peer], g->payload[0]) ||
         m->snd[peer].pending[g->payload[0]] > 1))
        return FAULT_NONE;
    if (f == FAULT_BAD_CRC && m->opt->transport == GEN_SERIAL) {
        /* junk on the line must not hold a second 0x5A, or the decoder would try it */
        size_t n = encode(m, g, m->snd[s].next, true);
        if (memchr(m->frame + 1, MCP_MAGIC, n - 1) != NULL)
            return FAULT_NONE;
    }
    return f;
}

/*
 * A new numbering for SYNC: any jump, as long as the next 192 seqs keep clear
 * of requests still awaiting an answer, so a late response never meets a
 * newer request with its req_seq (§4). False when no such jump was found.
 */
#define SYNC_CLEAR_SEQS 192
static bool sync_base(struct model *m, struct msender *S, uint8_t *base)
{
    for (int attempt = 0; attempt < 16; attempt++) {
        uint8_t b = (uint8_t)(S->last + rng_range(&m->rng, 2, 255));
        bool clear = true;
        for (int i = 1; i <= SYNC_CLEAR_SEQS && clear; i++)
            clear = S->pending[(uint8_t)(b + i)] == 0;
        if (clear) {
            *base = b;
            return true;
        }
    }
    return false;
}

static void emit_sync(struct model *m, int s, uint64_t t)
{
    struct msender *S = &m->snd[s];
    uint8_t base;
    if (!sync_base(m, S, &base))
        return;
    uint8_t reason = (uint8_t)rng_range(&m->rng, 1, 4);
    bool with_reason = rng_chance(&m->rng, 0.5);
    size_t n = mcp_build_sync(with_reason, reason, m->payload, sizeof m->payload);
    struct msg *g = msg_new(m, MCP_CMD_SYNC, m->payload, n, TRUTH_NONE, false);
    emit(m, s, t, g, base, false, MCP_SEQ_NONE, 0, -1);
    S->last = base;
    S->next = (uint8_t)(base + 1);
    m->stats->syncs++;
    g_free(g);
}

static void handle_fresh(struct model *m, const struct item *it);

static void fresh(struct model *m, const struct item *it)
{
    int s = it->sender;
    struct msender *S = &m->snd[s];
    struct msg *g = it->msg;
    uint64_t t = it->t;
    /* While a gap is being repaired new frames wait too: a NAKed seq must be
     * consumed by its resend (§3), never by a new frame after a wrap-around. */
    bool must_wait =
        S->state == S_HOLD || S->state == S_RECOVERING || (g->expects_answer && seqs_busy(S));
    if (must_wait && it->released) {
        g_queue_push_head(&S->deferred, g_memdup2(it, sizeof *it)); /* keeps its place */
        return;
    }
    if (must_wait || (!it->released && !g_queue_is_empty(&S->deferred))) {
        g_queue_push_tail(&S->deferred, g_memdup2(it, sizeof *it));
        return;
    }
    handle_fresh(m, it);
    if (S->state != S_HOLD && S->state != S_RECOVERING)
        release_one(m, S, t);
}

/* A sender's new frame: faults, then out it goes (or is held, lost, stashed). */
static void handle_fresh(struct model *m, const struct item *it)
{
    int s = it->sender;
    struct msender *S = &m->snd[s];
    struct msg *g = it->msg;
    uint64_t t = it->t;
    if (g->fill) { /* --map: the values as they are when the answer goes out (§4) */
        mapgen_fill_answer(m->map, g->cmd, g->payload, g->len, (double)t / 1e9);
        g->fill = false;
    }
    m->fresh_count++;
    int peer = m->topo->senders[s].peer;
    bool clean = S->state == S_CLEAN && (peer < 0 || m->snd[peer].state == S_CLEAN);
    enum gen_fault f = FAULT_NONE;
    if (S->started && clean) {
        if (rng_chance(&m->rng, m->opt->sync_p))
            emit_sync(m, s, t);
        f = applicable(m, s, g, draw_fault(m));
        m->stats->faults[f]++;
    }

    switch (S->state) {
    case S_HOLD:
        break;
    case S_STASH: {
        /* The held-back frame is overtaken by this one: a gap of one, then out of order. */
        uint8_t seq = S->next++;
        emit(m, s, t, g, seq, false, MCP_SEQ_GAP, 1, (uint8_t)(S->last + 1));
        S->last = seq;
        take_in(m, s, t, g, seq);
        emit(m, s, t, S->held, S->held_seq, false, MCP_SEQ_OUT_OF_ORDER, 0, (uint8_t)(S->last + 1));
        take_in(m, s, t, S->held, S->held_seq);
        g_free(S->held);
        S->held = NULL;
        S->state = S_CLEAN;
        g_free(g);
        return;
    }
    case S_LOSING: {
        S->lost_seq[S->n_lost] = S->next++;
        S->lost[S->n_lost++] = g;
        if (--S->losing_left == 0)
            S->state = S_LOST_PENDING;
        return;
    }
    case S_LOST_PENDING: {
        /* This frame reveals the gap; the receiver NAKs every missing seq (§3). */
        uint8_t seq = S->next++;
        emit(m, s, t, g, seq, false, MCP_SEQ_GAP, (uint8_t)S->n_lost, (uint8_t)(S->last + 1));
        S->last = seq;
        take_in(m, s, t, g, seq);
        push_naks(m, peer, s, t, S->lost_seq, S->n_lost, MCP_NAK_SEQ_GAP, ITEM_RETRANS_LOST);
        S->state = S_RECOVERING;
        g_free(g);
        return;
    }
    case S_RECOVERING:
    case S_CLEAN:
        break;
    }

    switch (f) {
    case FAULT_NONE:
    case FAULT_COUNT: {
        uint8_t seq = emit_next(m, s, t, g);
        take_in(m, s, t, g, seq);
        g_free(g);
        break;
    }
    case FAULT_DUPLICATE: {
        uint8_t seq = emit_next(m, s, t, g);
        take_in(m, s, t, g, seq);
        emit(m, s, t, g, seq, false, MCP_SEQ_DUPLICATE, 0, (uint8_t)(seq + 1));
        g_free(g);
        break;
    }
    case FAULT_REORDER:
        S->held = g;
        S->held_seq = S->next++;
        S->state = S_STASH;
        break;
    case FAULT_GAP: {
        int k = m->opt->gap_size > 0 ? m->opt->gap_size : (int)rng_range(&m->rng, 1, 3);
        S->n_lost = 1;
        S->lost[0] = g;
        S->lost_seq[0] = S->next++;
        S->losing_left = k - 1;
        S->state = k > 1 ? S_LOSING : S_LOST_PENDING;
        break;
    }
    case FAULT_BAD_CRC: {
        uint8_t seq = S->next++;
        emit(m, s, t, g, seq, true, 0, 0, -1);
        if (m->opt->transport == GEN_SERIAL) {
            /* The receiver never sees a frame: the next one shows it a gap. */
            S->n_lost = 1;
            S->lost[0] = g;
            S->lost_seq[0] = seq;
            S->state = S_LOST_PENDING;
        } else {
            /* §3: NAK reason 1 names L + 1; the sender resends that frame. */
            uint8_t nak = (uint8_t)(S->last + 1);
            S->held = g;
            S->held_seq = seq;
            S->held_after_nak = false;
            S->state = S_HOLD;
            push_naks(m, peer, s, t, &nak, 1, MCP_NAK_BAD_CRC, ITEM_RETRANS_HELD);
        }
        break;
    }
    case FAULT_NAK: {
        /* Received but refused (BUSY): NAKed and resent with the same seq. */
        uint8_t seq = emit_next(m, s, t, g);
        if (g->req_msg != TRUTH_NONE) /* the resent answer's req_seq stays reserved */
            m->snd[peer].pending[g->payload[0]]++;
        S->held = g;
        S->held_seq = seq;
        S->held_after_nak = true;
        S->state = S_HOLD;
        push_naks(m, peer, s, t, &seq, 1, MCP_NAK_BUSY, ITEM_RETRANS_HELD);
        break;
    }
    }
}

static void naks(struct model *m, const struct item *it)
{
    for (int i = 0; i < it->n_naks; i++) {
        size_t n = mcp_build_nak(it->naks[i], it->reason, m->payload, sizeof m->payload);
        struct msg *g = msg_new(m, MCP_CMD_NAK, m->payload, n, TRUTH_NONE, false);
        emit_next(m, it->sender, it->t, g);
        g_free(g);
    }
    struct item next;
    memset(&next, 0, sizeof next);
    next.t = it->t + RESEND_DELAY_NS;
    next.kind = it->then;
    next.sender = it->target;
    heap_push(&m->heap, &next);
}

static void resend_held(struct model *m, const struct item *it)
{
    int s = it->sender;
    struct msender *S = &m->snd[s];
    uint8_t seq = S->held_seq;
    if (S->held_after_nak) {
        emit(m, s, it->t, S->held, seq, false, MCP_SEQ_RETRANSMISSION, 0, (uint8_t)(S->last + 1));
    } else {
        emit(m, s, it->t, S->held, seq, false, MCP_SEQ_IN_ORDER, 0, (uint8_t)(S->last + 1));
        S->last = seq;
    }
    take_in(m, s, it->t, S->held, seq);
    if (S->held_after_nak && S->held->req_msg != TRUTH_NONE) {
        struct msender *requester = &m->snd[m->topo->senders[s].peer];
        requester->pending[S->held->payload[0]]--;
        if (requester->state != S_HOLD && requester->state != S_RECOVERING && !seqs_busy(requester))
            release_one(m, requester, it->t);
    }
    g_free(S->held);
    S->held = NULL;
    S->state = S_CLEAN;
    /* Frames that waited go out now, in their order. */
    release_one(m, S, it->t);
}

static void resend_lost(struct model *m, const struct item *it)
{
    int s = it->sender;
    struct msender *S = &m->snd[s];
    for (int i = 0; i < S->n_lost; i++) {
        emit(m, s, it->t, S->lost[i], S->lost_seq[i], false, MCP_SEQ_RETRANSMISSION, 0,
             (uint8_t)(S->last + 1));
        take_in(m, s, it->t, S->lost[i], S->lost_seq[i]);
        g_free(S->lost[i]);
    }
    S->n_lost = 0;
    S->state = S_CLEAN;
    release_one(m, S, it->t);
}

/* ---- the traffic source ---- */

static enum gen_mix draw_kind(struct model *m, bool masters_only)
{
    double total = 0.0;
    int n = masters_only ? MIX_EVENT : MIX_COUNT;
    for (int i = 0; i < n; i++)
        total += m->opt->mix[i];
    if (total <= 0.0)
        return MIX_EVENT;
    double u = rng_unit(&m->rng) * total, acc = 0.0;
    for (int i = 0; i < n; i++) {
        acc += m->opt->mix[i];
        if (u < acc && m->opt->mix[i] > 0.0)
            return (enum gen_mix)i;
    }
    for (int i = n - 1; i >= 0; i--)
        if (m->opt->mix[i] > 0.0)
            return (enum gen_mix)i;
    return MIX_EVENT;
}

static uint8_t unit_for(struct model *m, const struct gen_conn *l)
{
    if (m->opt->transport == GEN_SERIAL)
        return m->opt->device_id[rng_range(&m->rng, 1, (uint32_t)m->opt->devices) - 1];
    return l->unit;
}

static bool big_due(struct model *m)
{
    const struct gen_options *o = m->opt;
    if (m->big_done >= o->big_frames)
        return false;
    /* spread the 4 KiB frames evenly over the capture */
    if (o->requests > 0)
        return m->stats->ticks >= (uint64_t)(m->big_done + 1) * o->requests / (o->big_frames + 1);
    return m->stats->frames >= (uint64_t)(m->big_done + 1) * o->frames / (o->big_frames + 1);
}

static void tick(struct model *m, const struct item *it)
{
    const struct gen_options *o = m->opt;
    const struct topology *topo = m->topo;
    if (m->stats->frames >= o->frames || (o->requests > 0 && m->stats->ticks >= o->requests)) {
        m->stopped = true;
        return;
    }
    m->stats->ticks++;
    uint64_t t = it->t;
    bool big = big_due(m);
    enum gen_mix kind = big ? MIX_EVENT : draw_kind(m, false);
    int li = (int)rng_below(&m->rng, (uint32_t)topo->n_unicast_links);
    if (kind == MIX_EVENT) {
        const struct gen_conn *l = &topo->links[big ? 0 : li];
        size_t n = behaviour_event(&m->rng, unit_for(m, l), big, t, m->payload);
        push_fresh(m, l->to_mast, t, msg_new(m, MCP_CMD_EVENT, m->payload, n, TRUTH_NONE, false));
        if (big)
            m->big_done++;
    } else {
        const struct gen_conn *l = &topo->links[li];
        bool bcast = o->broadcast > 0.0 && rng_chance(&m->rng, o->broadcast);
        if (bcast) {
            l = &topo->links[topo->n_unicast_links + l->master];
            kind = rng_chance(&m->rng, 0.5) ? MIX_HEARTBEAT : MIX_WRITE_ALL;
        }
        int count = rng_chance(&m->rng, o->burst) ? (int)rng_range(&m->rng, 2, 3) : 1;
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                kind = draw_kind(m, true);
                if (kind == MIX_EVENT)
                    break;
                if (bcast)
                    kind = MIX_WRITE_ALL;
            }
            uint8_t cmd;
            uint8_t unit = bcast ? 0xFF : unit_for(m, l);
            size_t n =
                m->map != NULL
                    ? mapgen_request(m->map, &m->rng, kind, unit, o->max_device, &cmd, m->payload)
                    : behaviour_request(o, &m->rng, kind, unit, o->max_device, &cmd, m->payload);
            /* Requests to the broadcast address or to device 0xFF are never answered. */
            bool expects = !bcast && mcp_expects_answer(cmd, m->payload, n);
            push_fresh(m, l->to_dev, t, msg_new(m, cmd, m->payload, n, TRUTH_NONE, expects));
        }
    }
    double gap_s = o->steady ? 1.0 / o->rate : -log(1.0 - rng_unit(&m->rng)) / o->rate;
    struct item next;
    memset(&next, 0, sizeof next);
    next.t = t + (uint64_t)(gap_s * 1e9);
    if (next.t <= t)
        next.t = t + 1;
    next.kind = ITEM_TICK;
    heap_push(&m->heap, &next);
}

/* At the end, a frame still held back goes out in order. */
static bool flush_stashes(struct model *m)
{
    bool any = false;
    for (int s = 0; s < m->topo->n_senders; s++) {
        struct msender *S = &m->snd[s];
        if (S->state != S_STASH)
            continue;
        uint64_t t = m->now + FLUSH_DELAY_NS;
        emit(m, s, t, S->held, S->held_seq, false, MCP_SEQ_IN_ORDER, 0, (uint8_t)(S->last + 1));
        S->last = S->held_seq;
        take_in(m, s, t, S->held, S->held_seq);
        g_free(S->held);
        S->held = NULL;
        S->state = S_CLEAN;
        any = true;
    }
    return any;
}

static void (*progress_fn)(uint64_t frames);

void model_set_progress(void (*fn)(uint64_t frames))
{
    progress_fn = fn;
}

void model_run(const struct gen_options *opt, const struct topology *topo, struct truth *truth,
               struct xport *xport, struct model_stats *stats)
{
    struct model *m = g_new0(struct model, 1);
    memset(stats, 0, sizeof *stats);
    m->opt = opt;
    m->topo = topo;
    m->truth = truth;
    m->xport = xport;
    m->stats = stats;
    rng_seed(&m->rng, opt->seed);
    heap_init(&m->heap);
    m->snd = g_new0(struct msender, topo->n_senders);
    for (int s = 0; s < topo->n_senders; s++) {
        m->snd[s].next = opt->first_seq >= 0 ? (uint8_t)opt->first_seq : (uint8_t)rng_next(&m->rng);
        g_queue_init(&m->snd[s].deferred);
    }
    m->last_good = bigarray_new(sizeof(uint32_t));
    m->linked = bigarray_new(sizeof(uint8_t));
    m->bbytes = g_byte_array_new();
    if (opt->map != NULL) {
        m->map = mapgen_new(opt);
        truth_set_map(truth, opt->map, opt->map_path);
    }
    m->bframes = g_array_new(FALSE, FALSE, sizeof(struct burst_frame));

    uint64_t steps = 0;
    struct item it;
    memset(&it, 0, sizeof it);
    it.kind = ITEM_TICK;
    heap_push(&m->heap, &it);
    for (;;) {
        if (!heap_pop(&m->heap, &it)) {
            if (flush_stashes(m))
                continue;
            break;
        }
        m->now = it.t;
        if (progress_fn != NULL && (++steps & 4095) == 0)
            progress_fn(stats->frames);
        switch (it.kind) {
        case ITEM_TICK:
            tick(m, &it);
            break;
        case ITEM_FRESH:
            fresh(m, &it);
            break;
        case ITEM_NAKS:
            naks(m, &it);
            break;
        case ITEM_RETRANS_HELD:
            resend_held(m, &it);
            break;
        case ITEM_RETRANS_LOST:
            resend_lost(m, &it);
            break;
        }
    }
    flush_burst(m);

    for (int s = 0; s < topo->n_senders; s++) {
        struct msender *S = &m->snd[s];
        for (int i = 0; i < S->n_lost; i++)
            g_free(S->lost[i]);
        g_free(S->held);
        g_queue_clear_full(&S->deferred, g_free);
    }
    g_free(m->snd);
    heap_free(&m->heap);
    bigarray_free(m->last_good);
    bigarray_free(m->linked);
    mapgen_free(m->map);
    g_byte_array_free(m->bbytes, TRUE);
    g_array_free(m->bframes, TRUE);
    g_free(m);
}
