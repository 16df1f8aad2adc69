/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * UDP: each datagram holds one or more frames (§5), decoded in FRAMED mode.
 * Datagrams are read with recvmmsg in batches; the answers to one datagram go
 * back in one datagram (several if they outgrow a slot), and each batch's
 * answers leave with one sendmmsg.
 */
#include "udp.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bcast.h"
#include "mcp/stream.h"
#include "watch.h"

#define BATCH        64
#define RX_SIZE      65536
#define TX_SLOTS     128
#define TX_SLOT_SIZE 1472 /* one Ethernet-MTU datagram of answers */

struct udp_key {
    int fd;
    bool broadcast; /* to a broadcast address: another conversation (§3), never answered */
    struct sockaddr_storage addr;
    socklen_t len;
};

struct udp_client {
    struct sim_client c; /* first: a struct sim_client * is a struct udp_client * */
    struct udp_key key;
};

struct sim_udp_table {
    GHashTable *by_addr; /* struct udp_key * -> struct udp_client * */
    GQueue lru;          /* most recently heard first */
    unsigned max_clients;
    uint64_t idle_ns;
    struct sim_bcast_set bcast;
};

/* The batch being answered. */
struct tx_slot {
    struct sockaddr_storage addr;
    socklen_t addr_len;
    size_t len;
    uint8_t buf[TX_SLOT_SIZE];
};

struct udp_out {
    struct sim_out out;
    struct sim_core *core;
    int fd;
    size_t used; /* slots in use */
    int current; /* slot of the datagram being answered, -1 none yet */
    const struct sockaddr_storage *src;
    socklen_t src_len;
};

static uint8_t rx_bufs[BATCH][RX_SIZE];
static struct sockaddr_storage rx_addrs[BATCH];
static uint8_t rx_ctrl[BATCH][SIM_BCAST_CMSG_SPACE] __attribute__((aligned(8)));
static struct tx_slot tx_slots[TX_SLOTS];
static struct mcp_stream udp_stream;

static guint key_hash(gconstpointer p)
{
    const struct udp_key *k = p;
    guint h = 2166136261u ^ (guint)k->fd ^ ((guint)k->broadcast << 16);
    const uint8_t *b = (const uint8_t *)&k->addr;
    for (socklen_t i = 0; i < k->len; i++)
        h = (h ^ b[i]) * 16777619u;
    return h;
}

static gboolean key_equal(gconstpointer a, gconstpointer b)
{
    const struct udp_key *x = a, *y = b;
    return x->fd == y->fd && x->broadcast == y->broadcast && x->len == y->len &&
           memcmp(&x->addr, &y->addr, x->len) == 0;
}

struct sim_udp_table *sim_udp_new(unsigned max_clients, uint64_t idle_ns)
{
    struct sim_udp_table *t = g_new0(struct sim_udp_table, 1);
    t->by_addr = g_hash_table_new_full(key_hash, key_equal, NULL, g_free);
    g_queue_init(&t->lru);
    t->max_clients = max_clients ? max_clients : 1;
    t->idle_ns = idle_ns;
    sim_bcast_refresh(&t->bcast);
    return t;
}

void sim_udp_free(struct sim_udp_table *t)
{
    if (t == NULL)
        return;
    g_hash_table_destroy(t->by_addr);
    g_free(t);
}

static void forget(struct sim_core *core, struct udp_client *uc)
{
    struct sim_udp_table *t = core->udp;
    g_queue_unlink(&t->lru, &uc->c.lru_link);
    g_hash_table_remove(t->by_addr, &uc->key); /* frees uc */
    core->stats.udp_clients--;
}

/* Normalises an address so that padding never makes two keys differ. */
static void make_key(struct udp_key *k, int fd, bool broadcast, const struct sockaddr_storage *addr,
                     socklen_t len)
{
    memset(k, 0, sizeof *k);
    k->fd = fd;
    k->broadcast = broadcast;
    k->len = len <= sizeof k->addr ? len : sizeof k->addr;
    memcpy(&k->addr, addr, k->len);
}

static struct udp_client *lookup(struct sim_core *core, const struct sim_listener *l,
                                 bool broadcast, const struct sockaddr_storage *addr, socklen_t len,
                                 uint64_t now)
{
    struct sim_udp_table *t = core->udp;
    struct udp_key key;
    int fd = l->fd;
    make_key(&key, fd, broadcast, addr, len);
    struct udp_client *uc = g_hash_table_lookup(t->by_addr, &key);
    if (uc != NULL) {
        g_queue_unlink(&t->lru, &uc->c.lru_link);
    } else {
        if (g_hash_table_size(t->by_addr) >= t->max_clients) {
            struct udp_client *oldest = t->lru.tail->data;
            forget(core, oldest);
            core->stats.udp_evicted++;
        }
        uc = g_new0(struct udp_client, 1);
        uc->key = key;
        sim_session_init(&uc->c.session);
        uc->c.set = l->set;
        uc->c.peer.kind = SIM_PEER_UDP;
        uc->c.peer.fd = fd;
        uc->c.peer.addr = key.addr;
        uc->c.peer.addr_len = key.len;
        char text[72];
        mcp_sockaddr_format((const struct sockaddr *)addr, text, sizeof text);
        snprintf(uc->c.name, sizeof uc->c.name, "udp %s%s", text, broadcast ? " (broadcast)" : "");
        uc->c.lru_link.data = uc;
        g_hash_table_insert(t->by_addr, &uc->key, uc);
        core->stats.udp_clients++;
        core->stats.udp_clients_total++;
    }
    g_queue_push_head_link(&t->lru, &uc->c.lru_link);
    uc->c.last_seen_ns = now;
    uc->c.seen = true;
    return uc;
}

void sim_udp_sweep(struct sim_core *core, uint64_t now_ns)
{
    struct sim_udp_table *t = core->udp;
    sim_bcast_refresh(&t->bcast); /* interfaces come and go */
    while (t->lru.tail != NULL) {
        struct udp_client *uc = t->lru.tail->data;
        if (now_ns - uc->c.last_seen_ns < t->idle_ns)
            break;
        forget(core, uc);
    }
}

void sim_udp_foreach(struct sim_core *core, void (*fn)(struct sim_core *, struct sim_client *))
{
    for (GList *l = core->udp->lru.head; l != NULL; l = l->next)
        fn(core, l->data);
}

static void flush(struct udp_out *o)
{
    struct mmsghdr msgs[TX_SLOTS];
    struct iovec iovs[TX_SLOTS];
    memset(msgs, 0, sizeof(struct mmsghdr) * o->used);
    for (size_t i = 0; i < o->used; i++) {
        iovs[i].iov_base = tx_slots[i].buf;
        iovs[i].iov_len = tx_slots[i].len;
        msgs[i].msg_hdr.msg_name = &tx_slots[i].addr;
        msgs[i].msg_hdr.msg_namelen = tx_slots[i].addr_len;
        msgs[i].msg_hdr.msg_iov = &iovs[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
    }
    size_t done = 0;
    while (done < o->used) {
        int n = sendmmsg(o->fd, msgs + done, (unsigned)(o->used - done), 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            /* EAGAIN (socket buffer full) or an unreachable client: UDP may lose it. */
            o->core->stats.send_errors++;
            done++;
            continue;
        }
        for (int i = 0; i < n; i++) {
            o->core->stats.datagrams_out++;
            o->core->stats.bytes_out += tx_slots[done + (size_t)i].len;
        }
        done += (size_t)n;
    }
    o->used = 0;
    o->current = -1;
}

static void udp_emit(struct sim_out *out, struct sim_client *client, const uint8_t *frame,
                     size_t len)
{
    (void)client;
    struct udp_out *o = (struct udp_out *)out;
    struct tx_slot *slot = o->current >= 0 ? &tx_slots[o->current] : NULL;
    if (slot == NULL || slot->len + len > TX_SLOT_SIZE) {
        if (o->used == TX_SLOTS)
            flush(o);
        o->current = (int)o->used++;
        slot = &tx_slots[o->current];
        memcpy(&slot->addr, o->src, o->src_len);
        slot->addr_len = o->src_len;
        slot->len = 0;
    }
    memcpy(slot->buf + slot->len, frame, len);
    slot->len += len;
}

struct feed_ctx {
    struct sim_core *core;
    struct sim_client *client;
    struct udp_out *out;
};

static void on_stream_event(void *ctx, const struct mcp_stream_event *ev)
{
    struct feed_ctx *fc = ctx;
    if (ev->kind == MCP_STREAM_FRAME)
        sim_handle_frame(fc->core, fc->client, &ev->frame, ev->crc_ok, &fc->out->out);
    else
        sim_handle_junk(fc->core, fc->client, ev->bytes, ev->len, false, &fc->out->out);
}

/*
 * Walks the frames of a datagram from its start by their length fields (§5: whole frames
 * back to back) and returns the offset of the first one whose length is over 4096 (§1:
 * malformed, NAK reason 3), or len when there is none. The walk stops, returning len, at
 * anything else that is not a frame boundary (no magic, a frame cut short): the stream
 * decoder handles those bytes as before.
 */
static size_t over_long_frame_at(const struct mcp_codec *codec, const uint8_t *b, size_t len)
{
    size_t pos = 0;
    while (pos + 4 <= len && b[pos] == MCP_MAGIC) {
        unsigned length = codec->length_le ? (unsigned)b[pos + 2] | (unsigned)b[pos + 3] << 8
                                           : (unsigned)b[pos + 2] << 8 | (unsigned)b[pos + 3];
        if (length > MCP_MAX_PAYLOAD)
            return pos;
        pos += 6 + (size_t)length;
    }
    return len;
}

static void on_readable(struct sim_core *core, struct sim_watch *w, uint32_t events)
{
    (void)events;
    struct sim_listener *l = (struct sim_listener *)w;
    struct mmsghdr msgs[BATCH];
    struct iovec iovs[BATCH];
    struct mcp_stream_config scfg = {
        .codec = core->cfg->codec, .mode = MCP_STREAM_FRAMED, .verify_crc = true};
    struct udp_out o = {.out = {.emit = udp_emit}, .core = core, .fd = l->fd, .current = -1};

    /* A few batches per wakeup, then back to the loop so other sockets get a turn. */
    for (int round = 0; round < 8; round++) {
        memset(msgs, 0, sizeof msgs);
        for (int i = 0; i < BATCH; i++) {
            iovs[i].iov_base = rx_bufs[i];
            iovs[i].iov_len = RX_SIZE;
            msgs[i].msg_hdr.msg_name = &rx_addrs[i];
            msgs[i].msg_hdr.msg_namelen = sizeof rx_addrs[i];
            msgs[i].msg_hdr.msg_iov = &iovs[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
            msgs[i].msg_hdr.msg_control = rx_ctrl[i];
            msgs[i].msg_hdr.msg_controllen = sizeof rx_ctrl[i];
        }
        int n = recvmmsg(l->fd, msgs, BATCH, MSG_DONTWAIT, NULL);
        if (n <= 0)
            break;
        uint64_t now = core->now_ns = sim_now_ns();
        for (int i = 0; i < n; i++) {
            core->stats.datagrams_in++;
            core->stats.bytes_in += msgs[i].msg_len;
            bool bcast = sim_bcast_datagram(&core->udp->bcast, &msgs[i].msg_hdr);
            struct udp_client *uc =
                lookup(core, l, bcast, &rx_addrs[i], msgs[i].msg_hdr.msg_namelen, now);
            o.out.silent = bcast;
            o.src = &uc->key.addr;
            o.src_len = uc->key.len;
            o.current = -1;
            struct feed_ctx fc = {.core = core, .client = &uc->c, .out = &o};
            size_t whole = over_long_frame_at(&core->cfg->codec, rx_bufs[i], msgs[i].msg_len);
            mcp_stream_init(&udp_stream, &scfg);
            mcp_stream_feed(&udp_stream, rx_bufs[i], whole, on_stream_event, &fc);
            mcp_stream_finish(&udp_stream, on_stream_event, &fc);
            if (whole < msgs[i].msg_len)
                sim_handle_bad_length(core, &uc->c, rx_bufs[i][whole + 1], msgs[i].msg_len - whole,
                                      &o.out);
        }
        if (o.used > 0)
            flush(&o);
        if (n < BATCH)
            break;
    }
}

bool sim_udp_listen(struct sim_core *core, const struct mcp_endpoint *ep, struct sim_devset *set,
                    char *url, size_t url_len, char *err, size_t err_len)
{
    int fd = socket(ep->addr.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(err, err_len, "udp socket: %s", strerror(errno));
        return false;
    }
    /* No SO_REUSEADDR: on Linux it lets a second UDP socket bind an address:port
     * another process serves and take its datagrams; a port in use is refused
     * ("Address already in use", exit 3) as for TCP. */
    int one = 1;
    if (ep->addr.ss_family == AF_INET6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    sim_bcast_enable_pktinfo(fd, ep->addr.ss_family);
    int bufsize = 4 << 20; /* room for bursts from a load generator */
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufsize, sizeof bufsize);
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bufsize, sizeof bufsize);
    char where[96];
    mcp_sockaddr_format((const struct sockaddr *)&ep->addr, where, sizeof where);
    if (bind(fd, (const struct sockaddr *)&ep->addr, ep->addr_len) < 0) {
        snprintf(err, err_len, "cannot bind udp://%s: %s", where, strerror(errno));
        close(fd);
        return false;
    }
    return sim_listener_open(core, fd, "udp", on_readable, set, url, url_len, err, err_len);
}
