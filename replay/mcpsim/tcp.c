/* SPDX-License-Identifier: GPL-2.0-or-later */
/* TCP: accept connections up to a limit; each is a byte-stream link in FRAMED mode. */
#include "tcp.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

struct tcp_conn {
    struct sim_link link; /* first: a struct sim_link * is a struct tcp_conn * */
    uint64_t id;
};

struct sim_tcp {
    GHashTable *conns; /* uint64 id -> struct tcp_conn * */
    uint64_t next_id;
    unsigned max_clients;
};

struct sim_tcp *sim_tcp_new(unsigned max_clients)
{
    struct sim_tcp *tcp = g_new0(struct sim_tcp, 1);
    tcp->conns = g_hash_table_new(g_int64_hash, g_int64_equal);
    tcp->next_id = 1;
    tcp->max_clients = max_clients;
    return tcp;
}

static void conn_closed(struct sim_core *core, struct sim_link *link)
{
    struct tcp_conn *conn = (struct tcp_conn *)link;
    g_hash_table_remove(core->tcp->conns, &conn->id);
    core->stats.tcp_clients--;
    if (core->cfg->verbose)
        fprintf(stderr, "closed %s\n", link->client.name);
    sim_link_release(link);
    g_free(conn);
}

void sim_tcp_free(struct sim_core *core, struct sim_tcp *tcp)
{
    if (tcp == NULL)
        return;
    GList *all = g_hash_table_get_values(tcp->conns);
    for (GList *l = all; l != NULL; l = l->next)
        sim_link_close(core, l->data);
    g_list_free(all);
    g_hash_table_destroy(tcp->conns);
    g_free(tcp);
}

struct sim_link *sim_tcp_find(struct sim_core *core, uint64_t conn_id)
{
    return g_hash_table_lookup(core->tcp->conns, &conn_id);
}

void sim_tcp_foreach(struct sim_core *core, void (*fn)(struct sim_core *, struct sim_client *))
{
    /* fn may close a connection (a full buffer), so walk a snapshot of ids. */
    GList *ids = g_hash_table_get_keys(core->tcp->conns);
    for (GList *l = ids; l != NULL; l = l->next) {
        uint64_t id = *(uint64_t *)l->data;
        struct sim_link *link = sim_tcp_find(core, id);
        if (link != NULL && link->client.seen)
            fn(core, &link->client);
    }
    g_list_free(ids);
}

void sim_tcp_sweep(struct sim_core *core, uint64_t now_ns)
{
    GList *ids = g_hash_table_get_keys(core->tcp->conns);
    for (GList *l = ids; l != NULL; l = l->next) {
        struct sim_link *link = sim_tcp_find(core, *(uint64_t *)l->data);
        if (link != NULL)
            sim_link_idle(core, link, now_ns);
    }
    g_list_free(ids);
}

static void accept_one(struct sim_core *core, const struct sim_listener *l, int fd,
                       const struct sockaddr_storage *ss)
{
    struct sim_tcp *tcp = core->tcp;
    if (g_hash_table_size(tcp->conns) >= tcp->max_clients) {
        core->stats.tcp_refused++;
        close(fd);
        return;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct tcp_conn *conn = g_new0(struct tcp_conn, 1);
    conn->id = tcp->next_id++;
    char addr[80], name[96];
    mcp_sockaddr_format((const struct sockaddr *)ss, addr, sizeof addr);
    snprintf(name, sizeof name, "tcp %s", addr);
    conn->link.on_close = conn_closed;
    conn->link.client.peer.kind = SIM_PEER_TCP;
    conn->link.client.set = l->set;
    conn->link.client.peer.conn_id = conn->id;
    if (!sim_link_start(core, &conn->link, fd, false, name)) {
        close(fd);
        g_free(conn);
        core->stats.tcp_refused++;
        return;
    }
    g_hash_table_insert(tcp->conns, &conn->id, conn);
    core->stats.tcp_clients++;
    core->stats.tcp_clients_total++;
    if (core->cfg->verbose)
        fprintf(stderr, "accepted %s\n", name);
}

static void on_acceptable(struct sim_core *core, struct sim_watch *w, uint32_t events)
{
    (void)events;
    struct sim_listener *l = (struct sim_listener *)w;
    for (int i = 0; i < 64; i++) {
        struct sockaddr_storage ss;
        socklen_t len = sizeof ss;
        int fd = accept4(l->fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE)
                fprintf(stderr, "mcpsim: accept: %s\n", strerror(errno));
            return; /* EAGAIN, or a connection that vanished before accept */
        }
        accept_one(core, l, fd, &ss);
    }
}

bool sim_tcp_listen(struct sim_core *core, const struct mcp_endpoint *ep, struct sim_devset *set,
                    char *url, size_t url_len, char *err, size_t err_len)
{
    int fd = socket(ep->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(err, err_len, "tcp socket: %s", strerror(errno));
        return false;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (ep->addr.ss_family == AF_INET6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    char where[96];
    mcp_sockaddr_format((const struct sockaddr *)&ep->addr, where, sizeof where);
    if (bind(fd, (const struct sockaddr *)&ep->addr, ep->addr_len) < 0 || listen(fd, 1024) < 0) {
        snprintf(err, err_len, "cannot listen on tcp://%s: %s", where, strerror(errno));
        close(fd);
        return false;
    }
    return sim_listener_open(core, fd, "tcp", on_acceptable, set, url, url_len, err, err_len);
}
