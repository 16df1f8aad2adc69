/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Cross-check of the answer key with the protocol library (see verify.h). */
#include "verify.h"

#include <arpa/inet.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "mcp/match.h"
#include "mcp/pdu.h"
#include "mcp/seq.h"
#include "mcp/stream.h"
#include "bigarray.h"
#include "netbuild.h"

/* What the library concluded about one frame. */
struct seen_pdu {
    uint32_t record;
    uint16_t index;
    int16_t expected;
    const char *sender;
    uint32_t request_in;  /* index into seen, or TRUTH_NONE */
    uint32_t response_in; /* index into seen, or TRUTH_NONE */
    uint8_t seq, cmd, verdict, missing;
    bool crc_ok;
};

struct vsender {
    char *name;
    char *reverse;
    struct mcp_seq_tracker tracker;
    struct mcp_match_table match;
    struct mcp_stream *stream; /* TCP and serial: this direction's byte stream */
    bool tcp_synced;
    uint32_t tcp_next;
};

struct verifier {
    const struct gen_options *opt;
    GHashTable *senders;   /* name -> struct vsender* (lookups only: order never matters) */
    GHashTable *by_addr;   /* struct addr_key -> struct vsender*: skips formatting names */
    struct bigarray *seen; /* struct seen_pdu (spills to disk) */
    struct bigarray *junk; /* struct truth_junk */
    struct mcp_stream *udp_stream;
    uint32_t record;
    int64_t ts_ns; /* the record's time */
    uint16_t index;
    const char *current;
    char *error;
};

/* The raw addresses and ports of one direction, as a lookup key. */
struct addr_key {
    uint8_t src[16], dst[16];
    uint16_t sport, dport;
};

static guint addr_key_hash(gconstpointer p)
{
    const uint8_t *b = p;
    guint h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < sizeof(struct addr_key); i++)
        h = (h ^ b[i]) * 16777619u;
    return h;
}

static gboolean addr_key_equal(gconstpointer a, gconstpointer b)
{
    return memcmp(a, b, sizeof(struct addr_key)) == 0;
}

static void vsender_free(gpointer p)
{
    struct vsender *s = p;
    mcp_match_clear(&s->match);
    g_free(s->stream);
    g_free(s->name);
    g_free(s->reverse);
    g_free(s);
}

struct verifier *verifier_new(const struct gen_options *opt)
{
    struct verifier *v = g_new0(struct verifier, 1);
    v->opt = opt;
    v->senders = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, vsender_free);
    v->by_addr = g_hash_table_new_full(addr_key_hash, addr_key_equal, g_free, NULL);
    v->seen = bigarray_new(sizeof(struct seen_pdu));
    v->junk = bigarray_new(sizeof(struct truth_junk));
    v->udp_stream = g_new(struct mcp_stream, 1);
    return v;
}

void verifier_free(struct verifier *v)
{
    g_hash_table_destroy(v->by_addr);
    g_hash_table_destroy(v->senders);
    bigarray_free(v->seen);
    bigarray_free(v->junk);
    g_free(v->udp_stream);
    g_free(v->error);
    g_free(v);
}

static void set_error(struct verifier *v, const char *msg)
{
    if (v->error == NULL)
        v->error = g_strdup_printf("record %u: %s", v->record, msg);
}

static struct vsender *sender_get(struct verifier *v, const char *name, const char *reverse,
                                  enum mcp_stream_mode mode)
{
    struct vsender *s = g_hash_table_lookup(v->senders, name);
    if (s != NULL)
        return s;
    s = g_new0(struct vsender, 1);
    s->name = g_strdup(name);
    s->reverse = g_strdup(reverse);
    mcp_seq_init(&s->tracker);
    mcp_match_init(&s->match);
    if (v->opt->transport != GEN_UDP) {
        /* The dissector's default §5 line silence: records of one burst are 1 us
         * apart and a false start's window ends inside its burst, so the rule
         * never changes what mcpgen's truth says; applied all the same. */
        struct mcp_stream_config cfg = {v->opt->codec, mode, true, MCP_STREAM_SILENCE_DEFAULT_NS};
        s->stream = g_new(struct mcp_stream, 1);
        mcp_stream_init(s->stream, &cfg);
    }
    g_hash_table_insert(v->senders, s->name, s);
    return s;
}

/* §3 and §4 over one decoded frame, with the library. */
static void on_frame(struct verifier *v, struct vsender *s, const struct mcp_stream_event *ev)
{
    struct seen_pdu p;
    memset(&p, 0, sizeof p);
    p.record = v->record;
    p.index = v->index++;
    p.sender = s->name;
    p.seq = ev->frame.seq;
    p.cmd = ev->frame.cmd;
    p.crc_ok = ev->crc_ok;
    p.request_in = p.response_in = TRUTH_NONE;
    p.expected = -1;
    uint32_t me = bigarray_len(v->seen);
    if (!ev->crc_ok) {
        p.verdict = TRUTH_IGNORED;
        bigarray_append(v->seen, &p);
        return;
    }
    const struct mcp_frame *f = &ev->frame;
    struct vsender *peer = g_hash_table_lookup(v->senders, s->reverse);
    if (f->cmd == MCP_CMD_NAK && f->length == 2) {
        /* the peer's NAK stays pending on this sender's reverse direction */
        if (peer == NULL)
            peer =
                sender_get(v, s->reverse, s->name,
                           v->opt->transport == GEN_SERIAL ? MCP_STREAM_SERIAL : MCP_STREAM_FRAMED);
        mcp_seq_note_nak(&peer->tracker, f->payload[0]);
    }
    struct mcp_seq_result r = mcp_seq_observe(&s->tracker, f->seq, f->cmd == MCP_CMD_SYNC);
    p.verdict = (uint8_t)r.verdict;
    p.missing = r.verdict == MCP_SEQ_GAP ? r.missing : 0;
    p.expected = r.has_expected ? r.expected_seq : -1;
    if (mcp_cmd_is_response(f->cmd) && f->length >= 2 && peer != NULL) {
        uint64_t id;
        if (mcp_match_response(&peer->match, f->payload[0], f->cmd, &id)) {
            p.request_in = (uint32_t)id;
            ((struct seen_pdu *)bigarray_at(v->seen, (uint32_t)id))->response_in = me;
        }
    }
    if (mcp_expects_answer(f->cmd, f->payload, f->length))
        mcp_match_add_request(&s->match, f->seq, f->cmd, me);
    bigarray_append(v->seen, &p);
}

static void add_junk(struct verifier *v, size_t bytes)
{
    uint32_t n = bigarray_len(v->junk);
    if (n > 0) {
        struct truth_junk *last = bigarray_at(v->junk, n - 1);
        if (last->record == v->record) {
            last->bytes += (uint32_t)bytes;
            return;
        }
    }
    struct truth_junk j = {v->record, (uint32_t)bytes};
    bigarray_append(v->junk, &j);
}

struct feed_ctx {
    struct verifier *v;
    struct vsender *s;
};

static void stream_cb(void *ctx, const struct mcp_stream_event *ev)
{
    struct feed_ctx *c = ctx;
    if (ev->kind == MCP_STREAM_JUNK)
        add_junk(c->v, ev->len);
    else
        on_frame(c->v, c->s, ev);
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void serial_record(struct verifier *v, const uint8_t *d, size_t len)
{
    size_t pos = 0;
    int dir = -1;
    bool named = false;
    for (;;) {
        if (pos + 4 > len) {
            set_error(v, "exported-PDU tags run past the record");
            return;
        }
        uint16_t tag = get16(d + pos), tlen = get16(d + pos + 2);
        pos += 4;
        if (tag == 0)
            break;
        if (pos + tlen > len) {
            set_error(v, "exported-PDU tag runs past the record");
            return;
        }
        if (tag == 12 && tlen >= 12 && memcmp(d + pos, "mcp5a.serial", 12) == 0)
            named = true;
        if (tag == 35 && tlen == 4)
            dir = (int)get32(d + pos);
        pos += tlen;
    }
    if (!named || (dir != 0 && dir != 1)) {
        set_error(v, "exported-PDU record without the mcp5a.serial name or a direction");
        return;
    }
    const char *name = dir == 0 ? "serial:0" : "serial:1";
    const char *rev = dir == 0 ? "serial:1" : "serial:0";
    struct feed_ctx c = {v, sender_get(v, name, rev, MCP_STREAM_SERIAL)};
    mcp_stream_feed_at(c.s->stream, v->ts_ns, d + pos, len - pos, stream_cb, &c);
}

static bool record_error(struct verifier *v, const char *msg)
{
    set_error(v, msg);
    return false;
}

static bool ip_record(struct verifier *v, const uint8_t *d, size_t len)
{
    size_t pos;
    uint16_t ethertype;
    if (v->opt->link == GEN_LINK_SLL) {
        if (len < 16)
            return record_error(v, "short SLL header");
        ethertype = get16(d + 14);
        pos = 16;
    } else {
        if (len < 14)
            return record_error(v, "short Ethernet header");
        ethertype = get16(d + 12);
        pos = 14;
        if (ethertype == 0x8100) {
            if (v->opt->link != GEN_LINK_VLAN || len < 18 ||
                (get16(d + 14) & 0x0FFF) != v->opt->vlan_id)
                return record_error(v, "unexpected VLAN tag");
            ethertype = get16(d + 16);
            pos = 18;
        } else if (v->opt->link == GEN_LINK_VLAN) {
            return record_error(v, "missing VLAN tag");
        }
    }
    struct net_host src, dst;
    memset(&src, 0, sizeof src);
    memset(&dst, 0, sizeof dst);
    uint8_t proto;
    size_t l4_len;
    if (ethertype == 0x0800) {
        if (len < pos + 20 || d[pos] != 0x45 || net_fold(net_sum(0, d + pos, 20)) != 0)
            return record_error(v, "bad IPv4 header or header checksum");
        proto = d[pos + 9];
        l4_len = get16(d + pos + 2) - 20u;
        memcpy(src.addr, d + pos + 12, 4);
        memcpy(dst.addr, d + pos + 16, 4);
        pos += 20;
    } else if (ethertype == 0x86DD) {
        if (len < pos + 40)
            return record_error(v, "short IPv6 header");
        src.v6 = dst.v6 = true;
        proto = d[pos + 6];
        l4_len = get16(d + pos + 4);
        memcpy(src.addr, d + pos + 8, 16);
        memcpy(dst.addr, d + pos + 24, 16);
        pos += 40;
    } else {
        return record_error(v, "not IP");
    }
    if (pos + l4_len != len)
        return record_error(v, "IP length disagrees with the record length");
    /* The transport checksum over the pseudo-header must come out as zero. */
    size_t alen = src.v6 ? 16 : 4;
    uint32_t sum = net_sum(net_sum(0, src.addr, alen), dst.addr, alen) + proto +
                   (uint32_t)(l4_len & 0xFFFF) + (uint32_t)(l4_len >> 16);
    if (net_fold(net_sum(sum, d + pos, l4_len)) != 0)
        return record_error(v, "bad UDP/TCP checksum");
    const uint8_t *l4 = d + pos;
    struct addr_key key;
    memset(&key, 0, sizeof key);
    memcpy(key.src, src.addr, 16);
    memcpy(key.dst, dst.addr, 16);
    key.sport = get16(l4);
    key.dport = get16(l4 + 2);
    struct vsender *snd = g_hash_table_lookup(v->by_addr, &key);
    if (snd == NULL) {
        char a[64], b[64], name[140], rev[140];
        net_format_endpoint(&src, key.sport, a, sizeof a);
        net_format_endpoint(&dst, key.dport, b, sizeof b);
        snprintf(name, sizeof name, "%s>%s", a, b);
        snprintf(rev, sizeof rev, "%s>%s", b, a);
        snd = sender_get(v, name, rev, MCP_STREAM_FRAMED);
        g_hash_table_insert(v->by_addr, g_memdup2(&key, sizeof key), snd);
    }
    if (proto == 17 && v->opt->transport == GEN_UDP) {
        struct feed_ctx c = {v, snd};
        struct mcp_stream_config cfg = {v->opt->codec, MCP_STREAM_FRAMED, true, 0};
        mcp_stream_init(v->udp_stream, &cfg);
        mcp_stream_feed(v->udp_stream, l4 + 8, l4_len - 8, stream_cb, &c);
        mcp_stream_finish(v->udp_stream, stream_cb, &c);
    } else if (proto == 6 && v->opt->transport == GEN_TCP) {
        size_t hlen = (size_t)(l4[12] >> 4) * 4;
        uint32_t seq = get32(l4 + 4);
        uint8_t flags = l4[13];
        struct feed_ctx c = {v, snd};
        if (flags & TCP_SYN) {
            c.s->tcp_synced = true;
            c.s->tcp_next = seq + 1;
            return true;
        }
        if (!c.s->tcp_synced || seq != c.s->tcp_next)
            return record_error(v, "TCP sequence number does not continue the stream");
        size_t n = l4_len - hlen;
        c.s->tcp_next += (uint32_t)n + ((flags & TCP_FIN) ? 1u : 0u);
        if (n > 0)
            mcp_stream_feed(c.s->stream, l4 + hlen, n, stream_cb, &c);
    } else {
        return record_error(v, "unexpected transport protocol");
    }
    return true;
}

void verifier_record(struct verifier *v, uint32_t record, uint64_t t_ns, const uint8_t *data,
                     size_t len)
{
    v->record = record;
    v->ts_ns = (int64_t)t_ns;
    v->index = 0;
    if (v->opt->transport == GEN_SERIAL)
        serial_record(v, data, len);
    else
        (void)ip_record(v, data, len);
}

static void finish_streams(struct verifier *v)
{
    /* Anything still held at the end would be junk the answer key does not list. */
    GHashTableIter it;
    gpointer key, value;
    g_hash_table_iter_init(&it, v->senders);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        struct vsender *s = value;
        if (s->stream != NULL && mcp_stream_pending(s->stream) > 0)
            set_error(v, "a stream ends inside a frame");
    }
}

static bool differ(const char *what, uint32_t i, const char *fmt_truth, const char *fmt_seen)
{
    fprintf(stderr,
            "mcpgen: internal error: cross-check disagrees at frame %u (%s): generator says %s, "
            "protocol library says %s\n",
            i, what, fmt_truth, fmt_seen);
    return false;
}

static void describe_record(char *out, size_t cap, uint32_t idx, const struct truth *t,
                            struct bigarray *seen, bool from_truth)
{
    if (idx == TRUTH_NONE)
        snprintf(out, cap, "null");
    else if (from_truth)
        snprintf(out, cap, "%u", ((const struct truth_pdu *)bigarray_get(t->pdus, idx))->record);
    else
        snprintf(out, cap, "%u", ((const struct seen_pdu *)bigarray_get(seen, idx))->record);
}

/* The record number a link points to, 0 for none. */
static uint32_t truth_record(const struct truth *t, uint32_t idx)
{
    return idx == TRUTH_NONE ? 0 : ((const struct truth_pdu *)bigarray_get(t->pdus, idx))->record;
}

static uint32_t seen_record(struct bigarray *seen, uint32_t idx)
{
    return idx == TRUTH_NONE ? 0 : ((const struct seen_pdu *)bigarray_get(seen, idx))->record;
}

bool verifier_compare(struct verifier *v, const struct truth *t)
{
    finish_streams(v);
    if (v->error != NULL) {
        fprintf(stderr, "mcpgen: internal error: cross-check: %s\n", v->error);
        return false;
    }
    char a[160], b[160];
    uint32_t nt = bigarray_len(t->pdus), ns = bigarray_len(v->seen);
    uint32_t n = MIN(nt, ns);
    for (uint32_t i = 0; i < n; i++) {
        /* copies: the link lookups below touch other chunks */
        const struct truth_pdu xc = *(const struct truth_pdu *)bigarray_get(t->pdus, i), *x = &xc;
        const struct seen_pdu yc = *(const struct seen_pdu *)bigarray_get(v->seen, i), *y = &yc;
        const char *xs = g_ptr_array_index(t->sender, x->sender);
        /* compared field by field; formatted only to report a difference */
        bool same = x->record == y->record && x->index == y->index && x->seq == y->seq &&
                    x->cmd == y->cmd && x->crc_ok == y->crc_ok && x->verdict == y->verdict &&
                    x->missing == y->missing && x->expected == y->expected &&
                    strcmp(xs, y->sender) == 0;
        if (!same) {
            snprintf(a, sizeof a, "record %u #%u %s seq %u cmd 0x%02x crc %d %s missing %u exp %d",
                     x->record, x->index, xs, x->seq, x->cmd, x->crc_ok,
                     truth_verdict_name(x->verdict), x->missing, x->expected);
            snprintf(b, sizeof b, "record %u #%u %s seq %u cmd 0x%02x crc %d %s missing %u exp %d",
                     y->record, y->index, y->sender, y->seq, y->cmd, y->crc_ok,
                     truth_verdict_name(y->verdict), y->missing, y->expected);
            return differ("frame", i, a, b);
        }
        if (truth_record(t, x->request_in) != seen_record(v->seen, y->request_in)) {
            describe_record(a, sizeof a, x->request_in, t, v->seen, true);
            describe_record(b, sizeof b, y->request_in, t, v->seen, false);
            return differ("request_in", i, a, b);
        }
        if (truth_record(t, x->response_in) != seen_record(v->seen, y->response_in)) {
            describe_record(a, sizeof a, x->response_in, t, v->seen, true);
            describe_record(b, sizeof b, y->response_in, t, v->seen, false);
            return differ("response_in", i, a, b);
        }
    }
    if (nt != ns) {
        snprintf(a, sizeof a, "%u frames", nt);
        snprintf(b, sizeof b, "%u frames", ns);
        return differ("count", n, a, b);
    }
    uint32_t njt = bigarray_len(t->junk), njv = bigarray_len(v->junk);
    uint32_t nj = MIN(njt, njv);
    for (uint32_t i = 0; i <= nj; i++) {
        bool end_t = i >= njt, end_v = i >= njv;
        if (end_t && end_v)
            break;
        const struct truth_junk *x = end_t ? NULL : bigarray_get(t->junk, i);
        const struct truth_junk *y = end_v ? NULL : bigarray_get(v->junk, i);
        if (x == NULL || y == NULL || x->record != y->record || x->bytes != y->bytes) {
            snprintf(a, sizeof a, "%u bytes in record %u", x ? x->bytes : 0, x ? x->record : 0);
            snprintf(b, sizeof b, "%u bytes in record %u", y ? y->bytes : 0, y ? y->record : 0);
            return differ("junk", i, a, b);
        }
    }
    return true;
}
