/* Sequence analysis and matching per sender (§3, §4), stored per PDU. */
#include "analysis.h"

#include <epan/conversation.h>

#include "pdu_store.h"

/* One sender of §3: its sequence tracker and its unanswered requests. */
struct mcp5a_sender {
    struct mcp_seq_tracker seq;
    struct mcp_match_table requests;
    /* Per seq: the latest request's record id + 1 (0: none) and its cmd, so a
     * resend of an unanswered request is linked to its original. */
    guint32 last_request[256];
    guint8 last_cmd[256];
};

/* A TCP/UDP conversation: side 0 is the endpoint that sent first. */
struct mcp5a_conv {
    address side0_addr;
    guint32 side0_port;
    struct mcp5a_sender side[2];
};

/* Every sender of the capture file, so cleanup can free the library's
 * allocations (the match tables' entries). */
static GPtrArray *all_senders;
/* §5: each serial line (capture interface) has its own two senders:
 * line -> struct mcp5a_sender *[2]. */
static wmem_map_t *serial_lines;
/* A resend's record id + 1 -> its original's record id + 1 (resends only). */
static GHashTable *resent_from;

static void init_sender(struct mcp5a_sender *s)
{
    mcp_seq_init(&s->seq);
    mcp_match_init(&s->requests);
    memset(s->last_request, 0, sizeof s->last_request);
    memset(s->last_cmd, 0, sizeof s->last_cmd);
    g_ptr_array_add(all_senders, s);
}

static struct mcp5a_sender *new_sender(void)
{
    struct mcp5a_sender *s = wmem_new(wmem_file_scope(), struct mcp5a_sender);
    init_sender(s);
    return s;
}

void mcp5a_analysis_init(void)
{
    all_senders = g_ptr_array_new();
    serial_lines = NULL;
    resent_from = g_hash_table_new(g_direct_hash, g_direct_equal);
}

void mcp5a_analysis_cleanup(void)
{
    if (all_senders != NULL) {
        for (guint i = 0; i < all_senders->len; i++) {
            struct mcp5a_sender *s = g_ptr_array_index(all_senders, i);
            mcp_match_clear(&s->requests);
        }
        g_ptr_array_free(all_senders, TRUE);
        all_senders = NULL;
    }
    serial_lines = NULL; /* file scope frees it */
    if (resent_from != NULL) {
        g_hash_table_destroy(resent_from);
        resent_from = NULL;
    }
    mcp5a_store_clear();
}

/* The frame's sender and its peer (the reverse direction). */
static void find_senders(packet_info *pinfo, enum mcp5a_link link, struct mcp5a_sender **self,
                         struct mcp5a_sender **peer)
{
    if (link == MCP5A_LINK_SERIAL) {
        if (serial_lines == NULL)
            serial_lines = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
        gpointer line = GUINT_TO_POINTER(mcp5a_serial_line(pinfo));
        struct mcp5a_sender **serial_side = wmem_map_lookup(serial_lines, line);
        if (serial_side == NULL) {
            serial_side = wmem_alloc_array(wmem_file_scope(), struct mcp5a_sender *, 2);
            serial_side[0] = new_sender();
            serial_side[1] = new_sender();
            wmem_map_insert(serial_lines, line, serial_side);
        }
        int dir = pinfo->p2p_dir == P2P_DIR_RECV ? 1 : 0;
        *self = serial_side[dir];
        *peer = serial_side[1 - dir];
        return;
    }
    conversation_t *conv = find_or_create_conversation(pinfo);
    struct mcp5a_conv *c = conversation_get_proto_data(conv, proto_mcp5a);
    if (c == NULL) {
        c = wmem_new(wmem_file_scope(), struct mcp5a_conv);
        copy_address_wmem(wmem_file_scope(), &c->side0_addr, &pinfo->src);
        c->side0_port = pinfo->srcport;
        for (int i = 0; i < 2; i++)
            init_sender(&c->side[i]);
        conversation_add_proto_data(conv, proto_mcp5a, c);
    }
    int dir =
        (pinfo->srcport == c->side0_port && addresses_equal(&pinfo->src, &c->side0_addr)) ? 0 : 1;
    *self = &c->side[dir];
    *peer = &c->side[1 - dir];
}

static gint64 nstime_to_ns(const nstime_t *t)
{
    return (gint64)t->secs * 1000000000 + t->nsecs;
}

/* A request with the seq and cmd of the same sender's latest request, which
 * is still unanswered, resends it (§3 NAK retransmission, or a timeout). */
static void note_resend(struct mcp5a_sender *self, const struct mcp5a_frame_facts *f, guint32 id)
{
    guint32 prev = self->last_request[f->seq];
    if (prev != 0 && self->last_cmd[f->seq] == f->cmd) {
        const struct mcp5a_record *q = mcp5a_store_at(prev - 1);
        if (q != NULL && q->link_frame == 0)
            g_hash_table_insert(resent_from, GUINT_TO_POINTER(id + 1), GUINT_TO_POINTER(prev));
    }
    self->last_request[f->seq] = id + 1;
    self->last_cmd[f->seq] = f->cmd;
}

/* The request with record id was answered: every original it resends is too. */
static void mark_originals_answered(guint32 id)
{
    gpointer orig = g_hash_table_lookup(resent_from, GUINT_TO_POINTER(id + 1));
    while (orig != NULL) {
        guint32 oid = GPOINTER_TO_UINT(orig) - 1;
        struct mcp5a_record *o = mcp5a_store_at(oid);
        if (o == NULL)
            break;
        o->flags |= MCP5A_REC_RESEND_ANSWERED;
        orig = g_hash_table_lookup(resent_from, GUINT_TO_POINTER(oid + 1));
    }
}

/* First pass: runs the library's rules and stores the result. */
static void compute(packet_info *pinfo, guint16 pdu_index, enum mcp5a_link link,
                    const struct mcp5a_frame_facts *f)
{
    guint32 id;
    struct mcp5a_record *r = mcp5a_store_append(pinfo->num, pdu_index, &id);
    if (f->crc_bad) {
        r->verdict = MCP5A_VERDICT_IGNORED; /* §3, §4: the frame's fields are not trusted */
        return;
    }
    struct mcp5a_sender *self, *peer;
    find_senders(pinfo, link, &self, &peer);

    struct mcp_seq_result res = mcp_seq_observe(&self->seq, f->seq, f->cmd == MCP_CMD_SYNC);
    r->verdict = (guint8)res.verdict;
    if (res.has_expected) {
        r->flags |= MCP5A_REC_HAS_EXPECTED;
        r->expected_seq = res.expected_seq;
    }
    if (res.nak_consumed)
        r->flags |= MCP5A_REC_NAK_CONSUMED;
    if (res.verdict == MCP_SEQ_GAP)
        r->count = res.missing;
    else if (res.verdict == MCP_SEQ_OUT_OF_ORDER)
        r->count = res.behind;

    if (f->has_nak)
        mcp_seq_note_nak(&peer->seq, f->nak_seq);

    if (f->expects_answer) {
        note_resend(self, f, id);
        /* The id carries the request's frame number and its record. */
        mcp_match_add_request(&self->requests, f->seq, f->cmd, ((guint64)pinfo->num << 32) | id);
        mcp5a_record_set_time(r, nstime_to_ns(&pinfo->abs_ts));
    } else if (f->has_req_seq) {
        guint64 req;
        if (mcp_match_response(&peer->requests, f->req_seq, f->cmd, &req)) {
            struct mcp5a_record *q = mcp5a_store_at((guint32)(req & 0xffffffffu));
            r->flags |= MCP5A_REC_IS_RESPONSE | MCP5A_REC_HAS_TIME;
            r->link_frame = (guint32)(req >> 32);
            if (q != NULL) {
                mcp5a_record_set_time(r, nstime_to_ns(&pinfo->abs_ts) - mcp5a_record_time(q));
                q->link_frame = pinfo->num;
                mark_originals_answered((guint32)(req & 0xffffffffu));
            }
        }
    }
}

gboolean mcp5a_analyse(packet_info *pinfo, guint16 pdu_index, enum mcp5a_link link,
                       const struct mcp5a_frame_facts *facts, struct mcp5a_result *out)
{
    if (!PINFO_FD_VISITED(pinfo))
        compute(pinfo, pdu_index, link, facts);
    const struct mcp5a_record *r = mcp5a_store_get(pinfo->num, pdu_index);
    if (r == NULL)
        return FALSE;
    memset(out, 0, sizeof *out);
    out->verdict = r->verdict;
    out->has_expected = (r->flags & MCP5A_REC_HAS_EXPECTED) != 0;
    out->expected_seq = r->expected_seq;
    out->nak_consumed = (r->flags & MCP5A_REC_NAK_CONSUMED) != 0;
    if (r->verdict == MCP5A_VERDICT_GAP)
        out->missing = r->count;
    else if (r->verdict == MCP5A_VERDICT_OUT_OF_ORDER)
        out->behind = r->count;
    if (r->flags & MCP5A_REC_IS_RESPONSE) {
        out->request_in = r->link_frame;
        out->has_time = (r->flags & MCP5A_REC_HAS_TIME) != 0;
        gint64 ns = mcp5a_record_time(r);
        out->time.secs = (time_t)(ns / 1000000000);
        out->time.nsecs = (int)(ns % 1000000000);
    } else {
        out->response_in = r->link_frame;
        out->no_response = PINFO_FD_VISITED(pinfo) && facts->expects_answer &&
                           r->verdict != MCP5A_VERDICT_IGNORED && r->link_frame == 0 &&
                           (r->flags & MCP5A_REC_RESEND_ANSWERED) == 0 &&
                           !mcp5a_to_broadcast(pinfo);
    }
    return TRUE;
}
