/* SPDX-License-Identifier: GPL-2.0-or-later */
/* IP fragment reassembly. */
#include "ip_reasm.h"

#include <string.h>

struct frag_key {
    uint8_t family, proto;
    uint32_t id;
    uint8_t src[16], dst[16];
};

struct datagram {
    struct frag_key key;
    struct mr_packet first; /* addresses etc. of the first fragment seen (no payload) */
    uint64_t first_record;
    int64_t first_ts;
    uint8_t *data; /* grown to the highest byte seen */
    uint8_t *have; /* one flag per byte */
    size_t cap;
    size_t total; /* known once the last fragment came; 0 before */
    GList *link;  /* in the age list */
};

struct mr_ip_reasm {
    GHashTable *table; /* frag_key -> datagram */
    GQueue age;        /* oldest first */
    uint64_t incomplete;
};

static guint key_hash(gconstpointer p)
{
    const struct frag_key *k = p;
    guint h = k->id * 2654435761u + k->proto + k->family * 7u;
    for (int i = 0; i < 16; i++)
        h = h * 31u + k->src[i] + 3u * k->dst[i];
    return h;
}

static gboolean key_equal(gconstpointer a, gconstpointer b)
{
    return memcmp(a, b, sizeof(struct frag_key)) == 0;
}

static void datagram_free(gpointer p)
{
    struct datagram *d = p;
    g_free(d->data);
    g_free(d->have);
    g_free(d);
}

struct mr_ip_reasm *mr_ip_reasm_new(void)
{
    struct mr_ip_reasm *r = g_new0(struct mr_ip_reasm, 1);
    r->table = g_hash_table_new_full(key_hash, key_equal, NULL, datagram_free);
    g_queue_init(&r->age);
    return r;
}

void mr_ip_reasm_free(struct mr_ip_reasm *r)
{
    if (r == NULL)
        return;
    g_queue_clear(&r->age);
    g_hash_table_destroy(r->table);
    g_free(r);
}

uint64_t mr_ip_reasm_incomplete(const struct mr_ip_reasm *r)
{
    return r->incomplete;
}

static void drop(struct mr_ip_reasm *r, struct datagram *d, const char *why, mr_ip_lost_cb lost,
                 void *ctx)
{
    if (why != NULL) {
        r->incomplete++;
        if (lost != NULL)
            lost(ctx, &d->first, d->first_record, why);
    }
    g_queue_delete_link(&r->age, d->link);
    g_hash_table_remove(r->table, &d->key);
}

bool mr_ip_reasm_add(struct mr_ip_reasm *r, const struct mr_packet *pkt, uint64_t record,
                     int64_t ts_ns, uint8_t **data, size_t *len, mr_ip_lost_cb lost, void *ctx)
{
    /* Expire what is too old by now. */
    while (r->age.head != NULL) {
        struct datagram *old = r->age.head->data;
        if (ts_ns - old->first_ts <= MR_IP_TIMEOUT_NS)
            break;
        drop(r, old, "fragments missing after the 60 s reassembly timeout", lost, ctx);
    }
    struct frag_key key;
    memset(&key, 0, sizeof key);
    key.family = pkt->src.family;
    key.proto = pkt->frag_proto;
    key.id = pkt->frag_id;
    memcpy(key.src, pkt->src.bytes, 16);
    memcpy(key.dst, pkt->dst.bytes, 16);
    struct datagram *d = g_hash_table_lookup(r->table, &key);
    if (d == NULL) {
        if (g_hash_table_size(r->table) >= MR_IP_MAX_DATAGRAMS)
            drop(r, r->age.head->data, "too many datagrams in reassembly at once", lost, ctx);
        d = g_new0(struct datagram, 1);
        d->key = key;
        d->first = *pkt;
        d->first.payload = NULL;
        d->first_record = record;
        d->first_ts = ts_ns;
        g_hash_table_insert(r->table, &d->key, d);
        g_queue_push_tail(&r->age, d);
        d->link = r->age.tail;
    }
    size_t off = pkt->frag_offset;
    size_t n = pkt->payload_len;
    if (off + n > MR_IP_MAX_BYTES) {
        drop(r, d, "fragments add up to more than 65535 bytes", lost, ctx);
        return false;
    }
    if (off + n > d->cap) {
        size_t cap = MAX(off + n, MIN(2 * d->cap, (size_t)MR_IP_MAX_BYTES));
        d->data = g_realloc(d->data, cap);
        d->have = g_realloc(d->have, cap);
        memset(d->have + d->cap, 0, cap - d->cap);
        d->cap = cap;
    }
    for (size_t i = 0; i < n; i++) { /* the first copy of a byte wins */
        if (!d->have[off + i]) {
            d->data[off + i] = pkt->payload[i];
            d->have[off + i] = 1;
        }
    }
    if (!pkt->frag_more && !pkt->truncated)
        d->total = off + n;
    if (d->total == 0 || d->total > d->cap || memchr(d->have, 0, d->total) != NULL)
        return false;
    *data = g_memdup2(d->data, d->total);
    *len = d->total;
    drop(r, d, NULL, NULL, NULL);
    return true;
}

void mr_ip_reasm_finish(struct mr_ip_reasm *r, mr_ip_lost_cb lost, void *ctx)
{
    while (r->age.head != NULL)
        drop(r, r->age.head->data, "fragments missing at the end of the capture", lost, ctx);
}
