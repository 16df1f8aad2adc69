/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Sequence analysis and matching per sender (§3, §4), stored per PDU. */
#include "analysis.h"

#include <epan/conversation.h>

#include <string.h>

#include "last_request.h"
#include "pdu_store.h"

/* One sender of §3: its sequence tracker, its unanswered requests and, per
 * seq it used, its latest request (for resends). About 140 bytes while it has
 * used few seqs (match.h, last_request.h). */
struct mcp5a_sender {
    struct mcp_seq_tracker seq;
    struct mcp_match_table requests;
    struct mcp5a_last_requests last;
};

/* A TCP/UDP conversation: side 0 is the endpoint that sent first. */
struct mcp5a_conv {
    address side0_addr;
    guint32 side0_port;
    struct mcp5a_sender side[2];
};

/* A UDP conversation's key: its two endpoints (address, port), the lower
 * (cmp_address, then port) first, so both directions find it. */
struct udp_key {
    address addr[2];
    guint32 port[2];
};

/* Every sender of the capture file, so cleanup can free the library's
 * allocations (the match tables' indexes and entries). */
static GPtrArray *all_senders;
/* §5: each serial line (capture interface) has its own two senders:
 * line -> struct mcp5a_sender *[2]. */
static wmem_map_t *serial_lines;
/* A resend's record id + 1 -> its original's record id + 1 (resends only). */
static GHashTable *resent_from;
/* UDP conversations: struct udp_key * -> struct mcp5a_conv * (see find_udp_conv). */
static wmem_map_t *udp_convs;

static void init_sender(struct mcp5a_sender *s)
{
    mcp_seq_init(&s->seq);
    mcp_match_init(&s->requests);
    mcp5a_last_init(&s->last);
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
    udp_convs = NULL;
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
    udp_convs = NULL;    /* file scope frees it */
    if (resent_from != NULL) {
        g_hash_table_destroy(resent_from);
        resent_from = NULL;
    }
    mcp5a_store_clear();
}

/* An address's bytes mixed into h, four at a time (IPv4: one step). */
static guint hash_address(guint h, const address *a)
{
    const guint8 *d = a->data;
    int i = 0;
    for (; i + 4 <= a->len; i += 4) {
        guint32 w;
        memcpy(&w, d + i, 4);
        h = (h ^ w) * 16777619u;
    }
    for (; i < a->len; i++)
        h = (h ^ d[i]) * 16777619u;
    return (h ^ (guint)a->type) * 16777619u;
}

static guint udp_key_hash(gconstpointer p)
{
    const struct udp_key *k = p;
    guint h = ((k->port[0] << 16) ^ k->port[1]) * 16777619u;
    return hash_address(hash_address(h, &k->addr[0]), &k->addr[1]);
}

/* addresses_equal, with IPv4 compared in one step instead of a memcmp call. */
static gboolean same_address(const address *a, const address *b)
{
    if (a->type != b->type || a->len != b->len)
        return FALSE;
    if (a->len == 4) {
        guint32 x, y;
        memcpy(&x, a->data, 4);
        memcpy(&y, b->data, 4);
        return x == y;
    }
    return a->len == 0 || memcmp(a->data, b->data, (size_t)a->len) == 0;
}

static gboolean udp_key_equal(gconstpointer a, gconstpointer b)
{
    const struct udp_key *x = a, *y = b;
    return x->port[0] == y->port[0] && x->port[1] == y->port[1] &&
           same_address(&x->addr[0], &y->addr[0]) && same_address(&x->addr[1], &y->addr[1]);
}

static struct mcp5a_conv *new_conv(packet_info *pinfo)
{
    struct mcp5a_conv *c = wmem_new(wmem_file_scope(), struct mcp5a_conv);
    copy_address_wmem(wmem_file_scope(), &c->side0_addr, &pinfo->src);
    c->side0_port = pinfo->srcport;
    for (int i = 0; i < 2; i++)
        init_sender(&c->side[i]);
    return c;
}

/*
 * UDP (§3, §5): a sender is an address and port, a conversation the pair of
 * them, for the whole capture: this map, not Wireshark's conversation table.
 * Wireshark's UDP dissector (4.0, 4.4, 4.6: find_or_create_conversation on
 * the 5-tuple) never starts a second conversation for a pair, so the two
 * agree but where another dissector creates one for the same pair at a later
 * frame (an expected media stream, say): the MCP senders do not change with
 * it, and here they do not either. One hash lookup instead of the table's
 * several: about 900 instructions a frame less (issue 13). Called on the
 * first pass only (later passes read the stored records); the map lives as
 * long as the capture file.
 */
static struct mcp5a_conv *find_udp_conv(packet_info *pinfo)
{
    if (udp_convs == NULL)
        udp_convs = wmem_map_new(wmem_file_scope(), udp_key_hash, udp_key_equal);
    int src_first = cmp_address(&pinfo->src, &pinfo->dst);
    if (src_first == 0)
        src_first = pinfo->srcport < pinfo->destport ? -1 : 1;
    const address *a0 = src_first < 0 ? &pinfo->src : &pinfo->dst;
    const address *a1 = src_first < 0 ? &pinfo->dst : &pinfo->src;
    struct udp_key key = {
        .addr = {*a0, *a1},
        .port = {src_first < 0 ? pinfo->srcport : pinfo->destport,
                 src_first < 0 ? pinfo->destport : pinfo->srcport},
    };
    struct mcp5a_conv *c = wmem_map_lookup(udp_convs, &key);
    if (c == NULL) {
        struct udp_key *k = wmem_new(wmem_file_scope(), struct udp_key);
        copy_address_wmem(wmem_file_scope(), &k->addr[0], a0);
        copy_address_wmem(wmem_file_scope(), &k->addr[1], a1);
        k->port[0] = key.port[0];
        k->port[1] = key.port[1];
        c = new_conv(pinfo);
        wmem_map_insert(udp_convs, k, c);
    }
    return c;
}

/* TCP: the conversation Wireshark keeps, so a new connection on the same
 * ports (port reuse) starts afresh, as packet-tcp.c splits it. */
static struct mcp5a_conv *find_tcp_conv(packet_info *pinfo)
{
    conversation_t *conv = find_or_create_conversation(pinfo);
    struct mcp5a_conv *c = conversation_get_proto_data(conv, proto_mcp5a);
    if (c == NULL) {
        c = new_conv(pinfo);
        conversation_add_proto_data(conv, proto_mcp5a, c);
    }
    return c;
}

/* The frame's sender and its peer (the reverse direction). */
static void find_senders(packet_info *pinfo, enum mcp5a_link link, struct mcp5a_sender **self,
                         struct mcp5a_sender **peer)
{
    if (MCP5A_LINK_IS_SERIAL(link)) {
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
    struct mcp5a_conv *c = pinfo->ptype == PT_UDP ? find_udp_conv(pinfo) : find_tcp_conv(pinfo);
    int dir =
        (pinfo->srcport == c->side0_port && same_address(&pinfo->src, &c->side0_addr)) ? 0 : 1;
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
    guint8 prev_cmd;
    guint32 prev = mcp5a_last_swap(&self->last, f->seq, id + 1, f->cmd, &prev_cmd);
    if (prev != 0 && prev_cmd == f->cmd) {
        const struct mcp5a_record *q = mcp5a_store_at(prev - 1);
        if (q != NULL && q->link_frame == 0)
            g_hash_table_insert(resent_from, GUINT_TO_POINTER(id + 1), GUINT_TO_POINTER(prev));
    }
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
    if (f->has_device) {
        r->flags |= MCP5A_REC_HAS_DEVICE;
        r->device = f->device;
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
                if (q->flags & MCP5A_REC_HAS_DEVICE) { /* the device the request named */
                    r->flags |= MCP5A_REC_HAS_DEVICE;
                    r->device = q->device;
                }
                mark_originals_answered((guint32)(req & 0xffffffffu));
            }
        }
    }
}

gboolean mcp5a_analyse(packet_info *pinfo, guint16 pdu_index, enum mcp5a_link link,
                       const struct mcp5a_frame_facts *facts, struct mcp5a_result *out)
{
    /* A frame quoted inside an ICMP error was not sent by its sender at this
     * point of the capture: it takes no part in sequence analysis or matching
     * (packet-tcp.c skips its analysis the same way). */
    if (pinfo->flags.in_error_pkt)
        return FALSE;
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
    out->has_device = (r->flags & MCP5A_REC_HAS_DEVICE) != 0;
    out->device = r->device;
    if (r->verdict == MCP5A_VERDICT_GAP)
        out->missing = r->count;
    else if (r->verdict == MCP5A_VERDICT_OUT_OF_ORDER)
        out->behind = r->count;
    if (r->flags & MCP5A_REC_IS_RESPONSE) {
        out->request_in = r->link_frame;
        out->has_time = (r->flags & MCP5A_REC_HAS_TIME) != 0;
        gint64 ns = mcp5a_record_time(r);
        out->response_time.secs = (time_t)(ns / 1000000000);
        out->response_time.nsecs = (int)(ns % 1000000000);
    } else {
        out->response_in = r->link_frame;
        out->no_response = PINFO_FD_VISITED(pinfo) && facts->expects_answer &&
                           r->verdict != MCP5A_VERDICT_IGNORED && r->link_frame == 0 &&
                           (r->flags & MCP5A_REC_RESEND_ANSWERED) == 0 &&
                           !mcp5a_to_broadcast(pinfo);
    }
    return TRUE;
}
