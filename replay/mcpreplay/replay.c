/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The replay loop. */
#include "replay.h"

#include <errno.h>
#include <poll.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <dirent.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dfilter.h"
#include "expect.h"
#include "master.h"
#include "mcp/crc.h"
#include "mcp/names.h"
#include "mcp/match.h"
#include "mcp/pdu.h"
#include "pacer.h"
#include "recorder.h"
#include "junit.h"
#include "report.h"
#include "rewrite.h"
#include "source.h"
#include "target.h"

#define BATCH              32
#define PROGRESS_EVERY_NS  250000000LL
#define DRAIN_MS_NO_EXPECT 200
/* Issue 21 #5: how long after the last send an ICMP error is still waited for when nothing
 * came back (a one-EVENT run under --expect ends right after its send) */
#define ICMP_WAIT_MS 50
/* An answer later than --timeout is late; one later than LATE_FACTOR x --timeout is missing. */
#define LATE_FACTOR 2
/* Ids the master gets for requests that have no verdict (not seen by --expect's capture side). */
#define FOREIGN_ID (UINT64_C(1) << 62)

static volatile sig_atomic_t stop_requested;

void mr_replay_request_stop(void)
{
    stop_requested = 1;
}

struct runner {
    struct mr_dfilter *dfilter; /* issue 8: -Y exports, removed at the end */
    GError *input_error;        /* no frame to send (issue 21 #5): the verdict's why */
    const struct mr_options *o;
    struct mr_source *src;
    /*
     * The target: udp:// and tcp:// get one socket per captured sender (§3),
     * opened when its first frame is due, so each sender's seqs stay its own
     * and answers are matched per socket (§4); serial and iface have one.
     * target is the first socket (opened up front).
     */
    struct mcp_target *target;
    struct mcp_target_config tcfg;
    bool per_sender;
    GPtrArray *targets;      /* struct mcp_target *, the socket's index is its conversation */
    GHashTable *slot_of;     /* captured sender index + 1 -> socket index + 1 */
    GArray *reconnects_seen; /* uint64_t per socket */
    GPtrArray *masters;      /* struct mcp_master * per socket (NULL for iface:), master.h */
    GPtrArray *master_ctx;   /* struct answer_ctx * per socket */
    uint32_t crc_pass_mask;  /* variants every received frame with a bad check passes */
    struct mcp_master_stats master_total;
    FILE *text_out; /* summary and verdicts: stdout, or stderr when --json/--write take stdout */
    FILE *json_out; /* --json, opened before anything is sent */
    /* Sockets per sender under the descriptor limit: least recently used ones are closed. */
    GArray *last_use; /* uint64_t per socket: use_clock at its last frame */
    uint64_t use_clock;
    unsigned open_sockets; /* besides the first one, which is never closed */
    unsigned socket_budget;
    uint64_t evictions;
    struct pollfd *pfds; /* one per socket, rebuilt before each poll */
    struct mr_pacer pacer;
    struct mr_rewriter rw;
    struct mr_expect *expect;
    struct mcp_recorder *rec;
    struct mr_run_stats stats;
    bool started;
    int64_t first_send_ns, last_send_ns;
    int64_t duration_ns;
    int64_t progress_every_ns; /* 0: no progress lines */
    bool progress_tty;         /* rewrite one line in place */
    struct mr_junit *junit;    /* --junit, until written */
    bool record_failed;        /* h19 #4: the --write file lost a write (r->error says so) */
    uint64_t counted_per_pass; /* frames of one pass, from a first pass over small captures */
    int64_t next_progress_ns;
    GError *error; /* what stopped the run */
    struct mr_spin_margin margin;
    /* --topspeed to UDP: frames waiting for one sendmmsg */
    struct mr_frame *batch[BATCH];
    size_t batch_len;
    unsigned batch_slot; /* the socket the batch goes to */
};

static struct mcp_target *target_at(const struct runner *r, unsigned slot)
{
    return g_ptr_array_index(r->targets, slot);
}

static struct mcp_master *master_at(const struct runner *r, unsigned slot)
{
    return slot < r->masters->len ? g_ptr_array_index(r->masters, slot) : NULL;
}

/* The counters of every conversation's master, summed into *total; returns how many there are. */
static unsigned masters_total(const struct runner *r, struct mcp_master_stats *total)
{
    unsigned n = 0;
    *total = (struct mcp_master_stats){0};
    for (unsigned slot = 0; r->masters != NULL && slot < r->masters->len; slot++)
        if (master_at(r, slot) != NULL) {
            mcp_master_stats_add(total, mcp_master_stats(master_at(r, slot)));
            n++;
        }
    return n;
}

/* The socket for a frame's sender, opened on its first frame; false with r->error. */
static bool slot_for(struct runner *r, const struct mr_frame *f, unsigned *slot);

/* ---- answers ---- */

struct answer_ctx {
    struct runner *r;
    unsigned slot;
};

/* The variants of §1 under which a frame's check matches (bit per enum mcp_crc_variant). */
static uint32_t passing_variants(const uint8_t *bytes, size_t len)
{
    uint32_t mask = 0;
    for (int v = 0; v < MCP_CRC_VARIANT_COUNT; v++)
        if (mcp_crc((enum mcp_crc_variant)v, bytes, len - 1) == bytes[len - 1])
            mask |= 1u << v;
    return mask;
}

static void on_answer(void *ctx, const uint8_t *bytes, size_t len, bool crc_ok)
{
    struct answer_ctx *a = ctx;
    struct runner *r = a->r;
    int64_t now = mr_now_ns();
    r->stats.received++;
    if (!crc_ok) {
        r->stats.received_bad_crc++;
        r->crc_pass_mask &= passing_variants(bytes, len);
    }
    if (crc_ok && bytes[4] == 0x05 /* NAK */ && len >= MCP_OVERHEAD + 2) {
        uint8_t reason = bytes[MCP_HEADER_LEN + 1];
        r->stats.naks[reason < 8 ? reason : 0]++;
    }
    mcp_recorder_add(r->rec, a->slot, false, mr_realtime_ns(), bytes, len);
    struct mcp_master *m = master_at(r, a->slot);
    if (m != NULL)
        mcp_master_received(m, bytes, len, crc_ok, now);
}

/* The master's resend of a NAKed frame (§3). */
static bool on_resend(void *ctx, const uint8_t *bytes, size_t len)
{
    struct answer_ctx *a = ctx;
    struct runner *r = a->r;
    if (r->error != NULL)
        return false;
    if (target_at(r, a->slot) == NULL) /* closed to stay under the descriptor limit */
        return true;
    if (!mcp_target_send(target_at(r, a->slot), bytes, len, &r->error))
        return false;
    r->stats.resent++; /* a frame on the wire like the first copy: counted with its bytes */
    r->stats.bytes += len;
    mcp_recorder_add(r->rec, a->slot, true, mr_realtime_ns(), bytes, len);
    return true;
}

/* The master's outcome for one request: a verdict under --expect. */
static void on_master_event(void *ctx, const struct mcp_master_event *ev)
{
    struct answer_ctx *a = ctx;
    struct mr_expect *e = a->r->expect;
    if (e == NULL || ev->id == 0 || ev->id >= FOREIGN_ID)
        return;
    switch (ev->kind) {
    case MCP_MASTER_ANSWER:
        mr_expect_answered(e, ev->id, ev->bytes, ev->len, ev->latency_ns, ev->late, ev->resends,
                           ev->nak_reasons);
        break;
    case MCP_MASTER_GAVE_UP:
        mr_expect_naked(e, ev->id, ev->resends, ev->nak_reasons);
        break;
    case MCP_MASTER_EXPIRED:
        mr_expect_unanswered(e, ev->id, ev->resends, ev->nak_reasons);
        break;
    default:
        break;
    }
}

/* A master for the socket at slot (udp, tcp, serial targets). */
static void add_master(struct runner *r, unsigned slot)
{
    struct answer_ctx *a = g_new(struct answer_ctx, 1);
    a->r = r;
    a->slot = slot;
    g_ptr_array_add(r->master_ctx, a);
    struct mcp_master *m = NULL;
    if (mcp_target_kind(target_at(r, slot)) != MCP_ENDPOINT_IFACE) {
        struct mcp_master_config cfg = {
            .codec = r->o->codec,
            .retries = (unsigned)r->o->retries,
            .busy_backoff_ns = (int64_t)r->o->busy_backoff_ms * 1000000,
            .timeout_ns = (int64_t)r->o->timeout_ms * 1000000,
            .late_ns = (int64_t)r->o->timeout_ms * 1000000 * LATE_FACTOR,
        };
        m = mcp_master_new(&cfg, on_resend, on_master_event, a);
    }
    g_ptr_array_add(r->masters, m);
}

/* Runs every master's resends and timeouts; false when a resend failed. */
static bool tick_masters(struct runner *r, int64_t now)
{
    for (unsigned slot = 0; slot < r->masters->len; slot++) {
        struct mcp_master *m = master_at(r, slot);
        if (m != NULL && !mcp_master_tick(m, now))
            return false;
    }
    return r->error == NULL;
}

static int64_t masters_deadline(const struct runner *r)
{
    int64_t next = INT64_MAX;
    for (unsigned slot = 0; slot < r->masters->len; slot++) {
        const struct mcp_master *m = master_at(r, slot);
        int64_t d = m != NULL ? mcp_master_next_deadline(m) : INT64_MAX;
        if (d < next)
            next = d;
    }
    return next;
}

/* When a serial target gives up a partial answer held through §5 line silence (--silence):
 * receive() is due then even if no byte comes. INT64_MAX: none. */
static int64_t targets_silence_due(const struct runner *r)
{
    int64_t next = INT64_MAX;
    for (unsigned slot = 0; slot < r->targets->len; slot++) {
        const struct mcp_target *t = target_at(r, slot);
        int64_t d = t != NULL ? mcp_target_silence_due(t) : INT64_MAX;
        if (d < next)
            next = d;
    }
    return next;
}

/* Requests waiting for an answer or a resend (all: including late ones not yet expired). */
static size_t masters_open(const struct runner *r, bool all)
{
    size_t n = 0;
    for (unsigned slot = 0; slot < r->masters->len; slot++) {
        const struct mcp_master *m = master_at(r, slot);
        if (m != NULL)
            n += all ? mcp_master_outstanding(m) : mcp_master_waiting(m);
    }
    return n;
}

static void note_reconnects(struct runner *r, unsigned slot)
{
    if (target_at(r, slot) == NULL)
        return;
    uint64_t n = mcp_target_reconnects(target_at(r, slot));
    uint64_t *seen = &g_array_index(r->reconnects_seen, uint64_t, slot);
    if (n == *seen)
        return;
    *seen = n;
    struct sockaddr_storage local, peer;
    if (r->rec != NULL && mcp_target_addresses(target_at(r, slot), &local, &peer))
        mcp_recorder_reconnected(r->rec, slot, &local, mr_realtime_ns());
}

/* Reads what every socket has now. */
static bool receive(struct runner *r)
{
    for (unsigned slot = 0; slot < r->targets->len; slot++) {
        if (r->error != NULL)
            return false;
        struct answer_ctx a = {.r = r, .slot = slot};
        if (target_at(r, slot) == NULL)
            continue;
        bool ok = mcp_target_receive(target_at(r, slot), on_answer, &a, &r->error);
        note_reconnects(r, slot);
        if (!ok)
            return false;
    }
    return r->error == NULL;
}

/* Fills r->pfds (a socket's descriptor can change on a TCP reconnect); returns how many. */
static nfds_t poll_set(struct runner *r)
{
    nfds_t n = 0;
    for (unsigned slot = 0; slot < r->targets->len; slot++) {
        int fd = target_at(r, slot) != NULL ? mcp_target_fd(target_at(r, slot)) : -1;
        if (fd < 0)
            continue;
        r->pfds[n].fd = fd;
        r->pfds[n].events = POLLIN;
        r->pfds[n].revents = 0;
        n++;
    }
    return n;
}

/* Bytes of the capture files read so far and their total (for the percentage); false if unknown. */
static bool files_position(const struct runner *r, double *done, double *total)
{
    *done = *total = 0;
    bool found = false;
    for (size_t i = 0; i < r->o->file_count; i++) {
        struct stat st;
        if (stat(r->o->files[i], &st) != 0 || st.st_size <= 0)
            return false;
        *total += (double)st.st_size;
    }
    /* The reader's offset in its open file: /proc/self/fdinfo of the descriptor on it. */
    size_t open_index = 0;
    double offset = 0;
    DIR *d = opendir("/proc/self/fd");
    if (d == NULL)
        return false;
    struct dirent *de;
    while (!found && (de = readdir(d)) != NULL) {
        char link[64], target[4096];
        g_snprintf(link, sizeof link, "/proc/self/fd/%s", de->d_name);
        ssize_t n = readlink(link, target, sizeof target - 1);
        if (n <= 0)
            continue;
        target[n] = '\0';
        for (size_t i = 0; i < r->o->file_count && !found; i++) {
            char *real = realpath(r->o->files[i], NULL);
            if (real != NULL && strcmp(real, target) == 0) {
                char info[64];
                g_snprintf(info, sizeof info, "/proc/self/fdinfo/%s", de->d_name);
                gchar *text = NULL;
                if (g_file_get_contents(info, &text, NULL, NULL) &&
                    g_str_has_prefix(text, "pos:")) {
                    offset = g_ascii_strtod(text + 4, NULL);
                    open_index = i;
                    found = true;
                }
                g_free(text);
            }
            free(real);
        }
    }
    closedir(d);
    if (!found)
        return false;
    for (size_t i = 0; i < open_index; i++) {
        struct stat st;
        if (stat(r->o->files[i], &st) == 0)
            *done += (double)st.st_size;
    }
    *done += offset;
    return true;
}

static void show_progress(struct runner *r, int64_t now)
{
    if (r->progress_every_ns == 0 || now < r->next_progress_ns)
        return;
    r->next_progress_ns = now + r->progress_every_ns;
    struct mr_progress p = {.sent = r->stats.sent, .fraction = -1, .eta_ns = -1};
    p.elapsed_ns = now - r->first_send_ns;
    uint64_t per_pass = mr_source_selected_per_pass(r->src);
    if (per_pass == 0)
        per_pass = r->counted_per_pass;
    if (per_pass > 0)
        p.total = per_pass * (uint64_t)r->o->loops;
    if (r->o->limit > 0 && (p.total == 0 || p.total > (uint64_t)r->o->limit))
        p.total = (uint64_t)r->o->limit;
    if (p.total > 0) {
        p.fraction = (double)p.sent / (double)p.total;
    } else {
        double done, total;
        if (files_position(r, &done, &total) && total > 0) {
            double pass = mr_source_loop(r->src);
            p.fraction = (pass + done / total) / (double)r->o->loops;
        }
    }
    if (p.fraction > 1)
        p.fraction = 1;
    if (p.fraction > 0)
        p.eta_ns = (int64_t)((double)p.elapsed_ns / p.fraction * (1 - p.fraction));
    if (r->duration_ns > 0) { /* --duration ends the run first, if it comes first */
        int64_t left = r->duration_ns - p.elapsed_ns;
        if (left < 0)
            left = 0;
        if (p.eta_ns < 0 || left < p.eta_ns) {
            p.eta_ns = left;
            if (p.fraction < 0 || (double)p.elapsed_ns / (double)r->duration_ns > p.fraction)
                p.fraction = (double)p.elapsed_ns / (double)r->duration_ns;
        }
    }
    if (r->expect != NULL) {
        const struct mr_expect_stats *es = mr_expect_stats(r->expect);
        p.answers = es->answered;
        p.mismatches = es->mismatched + es->late + es->naked + es->missing;
    } else {
        struct mcp_master_stats ms;
        masters_total(r, &ms);
        p.answers = ms.answered;
    }
    mr_report_progress(stderr, r->progress_tty, &p);
}

static bool spin_until(struct runner *r, int64_t deadline);
static bool poll_answers(struct runner *r);

/*
 * Waits for a deadline while serving the target's answers and the expect
 * timeouts: sleeps in ppoll until shortly before it, then spins (reading answers).
 */
static bool wait_for(struct runner *r, int64_t deadline)
{
    for (;;) {
        int64_t now = mr_now_ns();
        if (!tick_masters(r, now))
            return false;
        show_progress(r, now);
        if (stop_requested)
            return false;
        int64_t wake = deadline - r->margin.ns;
        int64_t master_due = masters_deadline(r);
        if (master_due < wake)
            wake = master_due;
        int64_t silence_due = targets_silence_due(r);
        if (silence_due < wake)
            wake = silence_due;
        if (r->progress_every_ns > 0 && r->next_progress_ns < wake)
            wake = r->next_progress_ns;
        if (now >= deadline - r->margin.ns)
            break;
        if (wake < now)
            wake = now;
        int64_t wait = wake - now;
        struct timespec ts = {.tv_sec = wait / 1000000000, .tv_nsec = wait % 1000000000};
        int rc = ppoll(r->pfds, poll_set(r), &ts, NULL);
        if (rc == 0)
            mr_spin_margin_observe(&r->margin, wake, mr_now_ns());
        if ((rc > 0 || mr_now_ns() >= silence_due) && !receive(r))
            return false;
    }
    return spin_until(r, deadline);
}

/* How often the spin before a send looks for answers: 20 us, plus 1 us per 10 sockets polled. */
#define SPIN_POLL_NS       20000
#define SPIN_POLL_GUARD_NS 5000 /* no poll this close to the deadline: the send comes first */

/*
 * The last stretch before a send (shorter than the spin margin: too short to sleep through),
 * spent spinning; answers that arrive meanwhile are read every SPIN_POLL_NS, not left in the
 * socket until a longer gap comes: their latency is measured when they come, and an answer in
 * time is not "late" or "missing" because frames were close together (a tester's finding).
 */
static bool spin_until(struct runner *r, int64_t deadline)
{
    int64_t next_poll = 0;
    for (;;) {
        int64_t now = mr_now_ns();
        if (now >= deadline)
            return true;
        if (now < next_poll || deadline - now < SPIN_POLL_GUARD_NS)
            continue;
        if (!poll_answers(r))
            return false;
        next_poll = mr_now_ns() + SPIN_POLL_NS + 100 * (int64_t)poll_set(r);
    }
}

/* Reads the answers waiting in the sockets now (no wait) and runs the masters' timers. */
static bool poll_answers(struct runner *r)
{
    nfds_t n = poll_set(r);
    struct timespec zero = {0, 0};
    if (n > 0 && ppoll(r->pfds, n, &zero, NULL) > 0 && !receive(r))
        return false;
    return tick_masters(r, mr_now_ns());
}

/* Issue 21 #5: when nothing came back, the run can end before an ICMP error for its last
 * datagrams does (a short run, or --expect with nothing awaited: EVENTs, broadcasts): give it
 * up to ICMP_WAIT_MS after the last send, on every socket, before the verdict reads them. */
static void wait_icmp(struct runner *r)
{
    if (r->error != NULL || r->stats.received > 0 || !r->started)
        return;
    bool udp = false;
    for (unsigned slot = 0; slot < r->targets->len; slot++)
        if (target_at(r, slot) != NULL && mcp_target_kind(target_at(r, slot)) == MCP_ENDPOINT_UDP)
            udp = true;
    int64_t deadline = r->last_send_ns + (int64_t)ICMP_WAIT_MS * 1000000;
    while (udp && r->error == NULL && !stop_requested) {
        int64_t now = mr_now_ns();
        if (now >= deadline)
            break;
        int64_t wait = deadline - now;
        struct timespec ts = {.tv_sec = wait / 1000000000, .tv_nsec = wait % 1000000000};
        nfds_t n = poll_set(r);
        if (ppoll(r->pfds, n, &ts, NULL) > 0) {
            bool queued = false; /* an error queued: the verdict reads it */
            for (nfds_t i = 0; i < n; i++)
                queued = queued || (r->pfds[i].revents & POLLERR) != 0;
            if (!receive(r) || queued)
                break;
        }
    }
}

/* ---- sending ---- */

static void account(struct runner *r, unsigned slot, struct mr_frame *f, int64_t sent_ns)
{
    r->stats.sent++;
    r->stats.bytes += f->len;
    r->last_send_ns = sent_ns;
    mcp_recorder_add(r->rec, slot, true, mr_realtime_ns(), f->bytes, f->len);
    struct mcp_master *m = master_at(r, slot);
    if (m != NULL) {
        uint64_t id = r->expect != NULL ? mr_expect_sent(r->expect, f, sent_ns) : 0;
        mcp_master_sent(m, f->bytes, f->len, id != 0 ? id : FOREIGN_ID + f->uid, sent_ns);
    }
}

static bool flush_batch(struct runner *r);

static void touch(struct runner *r, unsigned slot)
{
    if (slot < r->last_use->len)
        g_array_index(r->last_use, uint64_t, slot) = ++r->use_clock;
}

/* Open descriptors now (/proc/self/fd), or 0 if unknown. */
static unsigned open_descriptors(void)
{
    unsigned n = 0;
    DIR *d = opendir("/proc/self/fd");
    if (d == NULL)
        return 0;
    while (readdir(d) != NULL)
        n++;
    closedir(d);
    return n > 3 ? n - 3 : 0; /* ".", ".." and the directory's own descriptor */
}

/* How many more sockets fit under the soft descriptor limit (after raise_fd_limit). */
static void set_socket_budget(struct runner *r)
{
    struct rlimit rl;
    r->socket_budget = UINT_MAX;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
        return;
    unsigned used = open_descriptors();
    unsigned margin = 8 + (unsigned)(rl.rlim_cur / 16); /* recorder, tshark, gz readers... */
    r->socket_budget = rl.rlim_cur > used + margin ? (unsigned)(rl.rlim_cur - used - margin) : 1;
}

/* Closes least recently used sockets (never the first, nor keep) until one more fits. */
static bool make_room(struct runner *r, unsigned keep)
{
    while (r->open_sockets >= r->socket_budget) {
        unsigned victim = 0;
        uint64_t oldest = UINT64_MAX;
        for (unsigned s = 1; s < r->targets->len; s++)
            if (s != keep && target_at(r, s) != NULL &&
                g_array_index(r->last_use, uint64_t, s) < oldest) {
                oldest = g_array_index(r->last_use, uint64_t, s);
                victim = s;
            }
        if (victim == 0)
            return true; /* nothing to close: try anyway */
        if (r->batch_len > 0 && r->batch_slot == victim && !flush_batch(r))
            return false;
        receive(r); /* what it has now still counts */
        if (master_at(r, victim) != NULL)
            mcp_master_finish(master_at(r, victim)); /* its open requests get no answer now */
        mcp_target_close(target_at(r, victim));
        r->targets->pdata[victim] = NULL;
        r->open_sockets--;
        r->evictions++;
    }
    return true;
}

/* A sender whose socket was closed sends again: a new socket (a new conversation to the device). */
static bool reopen(struct runner *r, unsigned slot)
{
    if (!make_room(r, slot))
        return false;
    struct mcp_target *t = mcp_target_open(&r->tcfg, &r->error);
    if (t == NULL)
        return false;
    r->targets->pdata[slot] = t;
    r->open_sockets++;
    g_array_index(r->reconnects_seen, uint64_t, slot) = 0;
    struct sockaddr_storage local, peer;
    if (r->rec != NULL && mcp_target_addresses(t, &local, &peer))
        mcp_recorder_reconnected(r->rec, slot, &local, mr_realtime_ns());
    return true;
}

static bool slot_for(struct runner *r, const struct mr_frame *f, unsigned *slot)
{
    *slot = 0;
    if (!r->per_sender)
        return true;
    gpointer key = GUINT_TO_POINTER(f->sender + 1);
    guint found = GPOINTER_TO_UINT(g_hash_table_lookup(r->slot_of, key));
    if (found != 0) {
        *slot = found - 1;
        touch(r, *slot);
        return target_at(r, *slot) != NULL || reopen(r, *slot);
    }
    unsigned used = g_hash_table_size(r->slot_of);
    if (used < r->targets->len) { /* the socket opened up front is the first sender's */
        *slot = used;
        g_hash_table_insert(r->slot_of, key, GUINT_TO_POINTER(used + 1));
        return true;
    }
    if (r->targets->len >= r->o->max_senders) {
        g_set_error(&r->error, MR_ERROR, MR_EXIT_USAGE,
                    "the capture has more than %u senders, each needing its own socket to the "
                    "target (raise --max-senders)",
                    r->o->max_senders);
        return false;
    }
    if (!make_room(r, UINT_MAX))
        return false;
    struct mcp_target *t = mcp_target_open(&r->tcfg, &r->error);
    if (t == NULL)
        return false;
    r->open_sockets++;
    *slot = r->targets->len;
    g_ptr_array_add(r->targets, t);
    add_master(r, r->targets->len - 1);
    uint64_t zero = 0;
    g_array_append_val(r->reconnects_seen, zero);
    g_array_append_val(r->last_use, zero);
    touch(r, *slot);
    r->pfds = g_renew(struct pollfd, r->pfds, r->targets->len);
    g_hash_table_insert(r->slot_of, key, GUINT_TO_POINTER(*slot + 1));
    struct sockaddr_storage local, peer;
    if (r->rec != NULL && mcp_target_addresses(t, &local, &peer))
        mcp_recorder_conversation(r->rec, *slot, &local, &peer, mr_realtime_ns());
    return true;
}

static bool flush_batch(struct runner *r)
{
    if (r->batch_len == 0)
        return true;
    const uint8_t *bytes[BATCH];
    size_t lens[BATCH];
    for (size_t i = 0; i < r->batch_len; i++) {
        bytes[i] = r->batch[i]->bytes;
        lens[i] = r->batch[i]->len;
    }
    int64_t now = mr_now_ns();
    size_t sent =
        mcp_target_send_batch(target_at(r, r->batch_slot), bytes, lens, r->batch_len, &r->error);
    for (size_t i = 0; i < r->batch_len; i++) {
        if (i < sent)
            account(r, r->batch_slot, r->batch[i], now);
        mr_frame_free(r->batch[i]);
    }
    size_t n = r->batch_len;
    r->batch_len = 0;
    if (sent < n && r->error != NULL)
        return false;
    /* Answers are read (and NAKed frames resent) every 256 frames so the socket buffer never
     * fills. */
    if ((r->stats.sent & 0xFF) < n)
        return receive(r) && tick_masters(r, mr_now_ns());
    return true;
}

/* Schedules and sends one frame (takes ownership). False: stop. */
/*
 * --expect: a request is held while an earlier one with its seq and cmd is awaited (§4 could
 * not tell their answers apart: the first to come would be taken as the newer request's, and
 * the verdicts would cross, differently from run to run; a tester's finding), until that one
 * is answered, given up or expired. A target that has answered nothing for --timeout since the
 * first send (a sink, a device that is down) is silent and holds nothing: there is nothing to
 * tell apart, and a top-speed run against a silent sink goes on at top speed after at most
 * one --timeout. False when the run must stop.
 */
static bool silent_target(const struct runner *r, const struct mcp_master *m, int64_t now)
{
    return mcp_master_stats(m)->answered == 0 &&
           now - r->first_send_ns >= (int64_t)r->o->timeout_ms * 1000000;
}

static bool hold_for_seq(struct runner *r, unsigned slot, const struct mr_frame *f)
{
    if (r->expect == NULL || f->len < MCP_OVERHEAD ||
        !mcp_expects_answer(f->cmd, f->bytes + MCP_HEADER_LEN, f->len - MCP_OVERHEAD))
        return true;
    struct mcp_master *m = master_at(r, slot);
    if (m == NULL)
        return true;
    bool batched = false; /* sent in the batch, not reported to the master yet */
    for (size_t i = 0; r->batch_slot == slot && i < r->batch_len && !batched; i++)
        batched = r->batch[i]->seq == f->seq && r->batch[i]->cmd == f->cmd;
    if ((!batched && !mcp_master_awaits(m, f->seq, f->cmd)) || silent_target(r, m, mr_now_ns()))
        return true;
    if (r->batch_len > 0 && !flush_batch(r))
        return false;
    if (!mcp_master_awaits(m, f->seq, f->cmd))
        return true;
    r->stats.held_for_seq++;
    int64_t limit = mr_now_ns() + (int64_t)r->o->timeout_ms * 1000000 * LATE_FACTOR;
    while (mcp_master_awaits(m, f->seq, f->cmd)) {
        int64_t now = mr_now_ns();
        if (now >= limit || stop_requested || silent_target(r, m, now))
            break;
        if (!wait_for(r, now + 200000 < limit ? now + 200000 : limit))
            return !stop_requested && r->error == NULL;
    }
    return !stop_requested;
}

static bool send_frame(struct runner *r, struct mr_frame *f)
{
    int64_t due = mr_pacer_next(&r->pacer, f->ts_ns, f->len);
    if (!r->started) {
        r->started = true;
        r->first_send_ns = mr_now_ns();
        r->next_progress_ns = r->first_send_ns + r->progress_every_ns;
        mr_pacer_start(&r->pacer, r->first_send_ns);
    }
    if (r->duration_ns > 0 && due >= r->duration_ns) {
        mr_frame_free(f);
        return false;
    }
    unsigned slot;
    if (!slot_for(r, f, &slot)) {
        mr_frame_free(f);
        return false;
    }
    if (!hold_for_seq(r, slot, f)) {
        mr_frame_free(f);
        return false;
    }
    if (r->o->pace == MR_PACE_TOP && mcp_target_kind(r->target) == MCP_ENDPOINT_UDP) {
        /* One sendmmsg carries frames to one socket: a frame for another flushes the batch. */
        bool flushed = r->batch_len > 0 && slot != r->batch_slot;
        if (flushed && !flush_batch(r)) {
            mr_frame_free(f);
            return false;
        }
        r->batch_slot = slot;
        r->batch[r->batch_len++] = f;
        bool ok = true;
        if (r->batch_len >= BATCH) {
            ok = flush_batch(r);
            flushed = true;
        }
        if (!flushed)
            return !stop_requested;
        /* Checked on every flush, not only on a full batch: with several senders each frame
         * may flush a batch of one (--duration must hold there too). */
        int64_t now = mr_now_ns();
        show_progress(r, now);
        return ok && !stop_requested &&
               !(r->duration_ns > 0 && now - r->first_send_ns >= r->duration_ns);
    }
    int64_t deadline = r->pacer.anchor_ns + due;
    bool ok = true;
    if (r->o->pace != MR_PACE_TOP)
        ok = wait_for(r, deadline);
    else
        ok = !stop_requested && tick_masters(r, mr_now_ns());
    if (!ok) {
        mr_frame_free(f);
        return false;
    }
    int64_t now = mr_now_ns();
    if (r->o->pace != MR_PACE_TOP)
        mr_histogram_add(&r->stats.lateness, now - deadline);
    ok = mcp_target_send(target_at(r, slot), f->bytes, f->len, &r->error);
    note_reconnects(r, slot);
    if (ok)
        account(r, slot, f, now);
    mr_frame_free(f);
    if (ok && r->o->pace == MR_PACE_TOP) {
        show_progress(r, now);
        if ((r->stats.sent & 31) == 0)
            ok = receive(r) && tick_masters(r, mr_now_ns());
    }
    if (r->duration_ns > 0 && mr_now_ns() - r->first_send_ns >= r->duration_ns)
        return false;
    return ok;
}

/*
 * After the last frame: until every request is answered, given up or expired
 * (the master's resends go on meanwhile); without --expect, until nothing
 * waits within --timeout and the target has been quiet for
 * DRAIN_MS_NO_EXPECT, so the summary and --write hold the late answers too.
 */
static void drain(struct runner *r)
{
    int64_t quiet = (int64_t)DRAIN_MS_NO_EXPECT * 1000000;
    int64_t start = mr_now_ns();
    int64_t quiet_end = start + quiet;
    /* without --expect, a target that keeps talking cannot hold the run open */
    int64_t limit = start + (int64_t)r->o->timeout_ms * 1000000 * LATE_FACTOR;
    while (r->error == NULL && !stop_requested) {
        int64_t now = mr_now_ns();
        if (!tick_masters(r, now))
            break;
        bool waiting = masters_open(r, r->expect != NULL) > 0;
        if (!waiting && (r->expect != NULL || now >= quiet_end))
            break;
        if (r->expect == NULL && now >= limit)
            break;
        int64_t end = masters_deadline(r);
        if (quiet_end > now && quiet_end < end)
            end = quiet_end;
        if (r->expect == NULL && limit < end)
            end = limit;
        int64_t silence_due = targets_silence_due(r);
        if (silence_due < end)
            end = silence_due;
        if (end < now)
            end = now;
        int64_t wait = end - now;
        struct timespec ts = {.tv_sec = wait / 1000000000, .tv_nsec = wait % 1000000000};
        if (ppoll(r->pfds, poll_set(r), &ts, NULL) > 0) {
            if (!receive(r))
                break;
            quiet_end = mr_now_ns() + quiet;
        } else if (mr_now_ns() >= silence_due && !receive(r)) {
            break;
        }
    }
    for (unsigned slot = 0; slot < r->masters->len; slot++)
        if (master_at(r, slot) != NULL)
            mcp_master_finish(master_at(r, slot));
}

/* ---- dry run ---- */

/* --show-bytes: "  at EPOCH.NS bytes HEX" under the frame's line. */
static void print_frame_detail(const struct mr_frame *f)
{
    printf("  at %" G_GINT64_FORMAT ".%09" G_GINT64_FORMAT " bytes ", f->ts_ns / 1000000000,
           f->ts_ns % 1000000000);
    for (size_t k = 0; k < f->len; k++)
        printf("%02x", f->bytes[k]);
    printf("\n");
}

/* issue 8: frames the capture does not hold whole are listed; they fail the
 * run (exit 4) unless --allow-skips. */
static int skips_verdict(struct runner *r, FILE *list)
{
    const struct mr_extractor *ex = mr_source_extractor(r->src);
    if (ex == NULL || mr_extractor_stats(ex)->skipped == 0)
        return MR_EXIT_OK;
    if (list != NULL)
        mr_report_skips(list, ex);
    return r->o->allow_skips ? MR_EXIT_OK : MR_EXIT_SKIPPED;
}

/* h19 #6: the capture holds MCP frames, but the selection keeps none of them: a usage error
 * (exit 2), like -Y matching nothing, never a run that sends nothing and says ok. */
static GError *no_match(const struct runner *r)
{
    const struct mr_extractor *ex = mr_source_extractor(r->src);
    uint64_t skipped = ex != NULL ? mr_extractor_stats(ex)->skipped : 0;
    if (skipped > 0) /* the skips are listed with the summary (or the schedule) */
        return g_error_new(MR_ERROR, MR_EXIT_USAGE,
                           "no frame to send: the selection (%s) keeps none of the frames "
                           "extracted, and %" G_GUINT64_FORMAT " were skipped (listed)",
                           r->o->select_text, skipped);
    return g_error_new(MR_ERROR, MR_EXIT_USAGE, "no frame matches the selection (%s)",
                       r->o->select_text);
}

/* Issue 24: the schedule listing is formatted with integer arithmetic (printf's
 * floating point cost more than the extraction); the output is what
 * "%-14.9f %-8" PRIu64 " %-5u %-5zu 0x%02x %-46s %s%s%s\n" gave. */
static char *put_u64(char *p, uint64_t v)
{
    char tmp[20];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (n > 0)
        *p++ = tmp[--n];
    return p;
}

/* The text from start to p, padded with spaces to width, then one space. */
static char *pad_to(char *start, char *p, size_t width)
{
    size_t have = (size_t)(p - start);
    if (have < width) {
        memset(p, ' ', width - have);
        p += width - have;
    }
    *p++ = ' ';
    return p;
}

static char *put_str(char *p, const char *s)
{
    size_t n = strlen(s);
    memcpy(p, s, n);
    return p + n;
}

static char *put_mem(char *p, const char *s, size_t n)
{
    memcpy(p, s, n);
    return p + n;
}

/* One schedule line into buf (room for 200 + sender_len + strlen(name)); returns its length. */
static size_t format_listing_line(char *buf, int64_t due_ns, const struct mr_frame *f,
                                  const char *sender, size_t sender_len, const char *name)
{
    static const char hex[] = "0123456789abcdef";
    char *p = buf, *start = p;
    uint64_t mag = due_ns < 0 ? (uint64_t)0 - (uint64_t)due_ns : (uint64_t)due_ns;
    if (due_ns < 0)
        *p++ = '-';
    p = put_u64(p, mag / 1000000000u);
    *p++ = '.';
    uint32_t frac = (uint32_t)(mag % 1000000000u);
    for (int i = 8; i >= 0; i--, frac /= 10)
        p[i] = (char)('0' + frac % 10);
    p = pad_to(start, p + 9, 14);
    start = p;
    p = pad_to(start, put_u64(p, f->record), 8);
    start = p;
    p = pad_to(start, put_u64(p, f->seq), 5);
    start = p;
    p = pad_to(start, put_u64(p, f->len), 5);
    *p++ = '0';
    *p++ = 'x';
    *p++ = hex[f->cmd >> 4];
    *p++ = hex[f->cmd & 15];
    *p++ = ' ';
    start = p;
    p = pad_to(start, put_mem(p, sender, sender_len), 46);
    p = put_str(p, name);
    if (!f->crc_ok)
        p = put_str(p, " (bad CRC)");
    if (f->corrupted)
        p = put_str(p, " (injected)");
    *p++ = '\n';
    return (size_t)(p - buf);
}

#define LISTING_BUFFER (64 * 1024)

static void finish_stats(struct runner *r);
static int dry_run_json(struct runner *r, int code, const char *error);
static int write_json(struct runner *r, int code);

static int dry_run(struct runner *r)
{
    GError *err = NULL;
    struct mr_frame *f;
    printf("%-14s %-8s %-5s %-5s %-4s %-46s %s\n", "due_s", "record", "seq", "len", "cmd", "sender",
           "name");
    uint64_t pulled = 0;
    /* Lines are gathered and written 64 KiB at a time (issue 24: the listing costs no more
     * than the extraction); a sender's name length is taken once per sender. */
    char *lines = g_malloc(LISTING_BUFFER);
    size_t used = 0;
    const struct mr_sender *last_sender = NULL;
    size_t last_sender_len = 1; /* "-" */
    while ((f = mr_source_next(r->src, &err)) != NULL) {
        pulled++;
        struct mr_frame *out[3];
        size_t n = mr_rewrite(&r->rw, f, out);
        for (size_t i = 0; i < n; i++) {
            if (r->o->limit > 0 && r->stats.sent >= (uint64_t)r->o->limit) {
                mr_frame_free(out[i]);
                continue;
            }
            int64_t due = mr_pacer_next(&r->pacer, out[i]->ts_ns, out[i]->len);
            const struct mr_extractor *ex = mr_source_extractor(r->src);
            const struct mr_sender *s = ex != NULL ? mr_extractor_sender(ex, out[i]->sender) : NULL;
            if (r->duration_ns == 0 || due < r->duration_ns) {
                const char *sender = s != NULL ? s->name : "-";
                if (s != last_sender) {
                    last_sender = s;
                    last_sender_len = strlen(sender);
                }
                const char *name = s != NULL ? mcp_cmd_name(out[i]->cmd) : "packet";
                size_t room = 200 + last_sender_len + strlen(name);
                if (used + room > LISTING_BUFFER) {
                    fwrite(lines, 1, used, stdout);
                    used = 0;
                }
                char *buf = room <= LISTING_BUFFER ? lines + used : g_malloc(room);
                size_t len = format_listing_line(buf, due, out[i], sender, last_sender_len, name);
                if (buf == lines + used) {
                    used += len;
                } else {
                    fwrite(buf, 1, len, stdout);
                    g_free(buf);
                }
                if (r->o->show_bytes) { /* issue 8: what the differential test compares */
                    fwrite(lines, 1, used, stdout);
                    used = 0;
                    print_frame_detail(out[i]);
                }
                r->stats.sent++;
                r->stats.bytes += out[i]->len;
            }
            mr_frame_free(out[i]);
        }
    }
    fwrite(lines, 1, used, stdout);
    g_free(lines);
    if (err == NULL && pulled == 0 && !stop_requested) {
        err = no_match(r);
        skips_verdict(r, stdout); /* lists them, if any */
    }
    if (err != NULL) {
        g_printerr("mcpreplay: %s\n", err->message);
        int code = dry_run_json(r, MR_EXIT_USAGE, err->message);
        g_error_free(err);
        return code;
    }
    printf("%" G_GUINT64_FORMAT " frames, %" G_GUINT64_FORMAT " bytes\n", r->stats.sent,
           r->stats.bytes);
    mr_report_capture_notes(stdout, mr_source_extractor(r->src));
    return dry_run_json(r, skips_verdict(r, stdout), NULL); /* issue 8 */
}

/* Writes --json (if asked) from r->stats; a write failure is said, and turns an ok code into
 * MR_EXIT_OUTPUT. Returns the code. */
static int write_json(struct runner *r, int code)
{
    GError *jerr = NULL;
    if (r->json_out != NULL && !mr_report_json(r->json_out, r->o->json, &r->stats, &jerr)) {
        g_printerr("mcpreplay: %s\n", jerr->message);
        g_error_free(jerr);
        if (code == MR_EXIT_OK)
            code = MR_EXIT_OUTPUT;
    }
    return code;
}

/* -n --json FILE: the listing's counts ("sent": frames listed) and its verdict, as a run's. */
static int dry_run_json(struct runner *r, int code, const char *error)
{
    if (r->json_out == NULL)
        return code;
    r->stats.exit_code = code;
    r->stats.error = error;
    finish_stats(r);
    return write_json(r, code);
}

/* ---- set-up ---- */

static bool open_recorder(struct runner *r, GError **error)
{
    if (r->o->record == NULL)
        return true;
    enum mcp_record_kind kind;
    struct sockaddr_storage local, peer;
    switch (mcp_target_kind(r->target)) {
    case MCP_ENDPOINT_UDP:
        kind = MCP_RECORD_UDP;
        break;
    case MCP_ENDPOINT_TCP:
        kind = MCP_RECORD_TCP;
        break;
    case MCP_ENDPOINT_SERIAL:
        kind = MCP_RECORD_SERIAL;
        break;
    default:
        kind = MCP_RECORD_L2;
        break;
    }
    r->rec = mcp_recorder_open(r->o->record, kind, mcp_target_linktype(r->target), error);
    if (r->rec == NULL)
        return false;
    if (mcp_target_addresses(r->target, &local, &peer))
        mcp_recorder_conversation(r->rec, 0, &local, &peer, mr_realtime_ns());
    return true;
}

static void on_capture_frame(void *ctx, struct mr_frame *frame, bool selected,
                             const struct mr_extractor *ex)
{
    struct runner *r = ctx;
    mr_expect_observe(r->expect, frame, selected, ex);
}

static bool check_link_type(struct runner *r, GError **error)
{
    int want = mcp_target_linktype(r->target);
    int have = mr_source_linktype(r->src);
    if (want < 0 || have < 0 || want == have)
        return true;
    g_set_error(error, MR_ERROR, MR_EXIT_USAGE,
                "the capture's link type %s cannot be injected on %s (link type %s)",
                pcap_datalink_val_to_name(have), r->o->target, pcap_datalink_val_to_name(want));
    return false;
}

/* Bytes from the targets that are not MCP (h19 #12), into the summary. */
static void count_junk(struct runner *r)
{
    r->stats.received_junk_bytes = r->stats.received_junk_chunks = 0;
    for (unsigned slot = 0; r->targets != NULL && slot < r->targets->len; slot++)
        if (target_at(r, slot) != NULL) {
            uint64_t bytes, chunks;
            mcp_target_junk(target_at(r, slot), &bytes, &chunks);
            r->stats.received_junk_bytes += bytes;
            r->stats.received_junk_chunks += chunks;
        }
}

static void finish_stats(struct runner *r)
{
    r->stats.target = r->o->target != NULL ? r->o->target : "(dry run)";
    r->stats.mode = r->o->pace_text;
    r->stats.elapsed_ns = r->started ? r->last_send_ns - r->first_send_ns : 0;
    r->stats.timed = r->o->pace != MR_PACE_TOP;
    r->stats.loops = r->src != NULL ? mr_source_loop(r->src) + 1 : 1;
    r->stats.reconnects = 0;
    for (unsigned slot = 0; r->targets != NULL && slot < r->targets->len; slot++)
        if (target_at(r, slot) != NULL)
            r->stats.reconnects += mcp_target_reconnects(target_at(r, slot));
    r->stats.extract = r->src != NULL && mr_source_extractor(r->src) != NULL
                           ? mr_extractor_stats(mr_source_extractor(r->src))
                           : NULL;
    r->stats.faults = &r->rw.stats;
    if (masters_total(r, &r->master_total) > 0)
        r->stats.master = &r->master_total;
    r->stats.timeout_ms = r->o->timeout_ms;
    r->stats.sockets_closed = r->evictions;
    r->stats.crc_name = mcp_crc_variant_name(r->o->codec.crc);
    r->stats.crc_hint = NULL;
    for (int v = 0; r->stats.received_bad_crc > 0 && v < MCP_CRC_VARIANT_COUNT; v++)
        if (r->crc_pass_mask & (1u << v)) {
            r->stats.crc_hint = mcp_crc_variant_name((enum mcp_crc_variant)v);
            break;
        }
    r->stats.extractor = r->src != NULL ? mr_source_extractor(r->src) : NULL; /* issue 8 */
    if (r->expect != NULL) {
        r->stats.expect = mr_expect_stats(r->expect);
        r->stats.verdicts = mr_expect_verdicts(r->expect);
    }
}

/* Issue 21 #5: a capture holding no frame to send (none at all, no MCP frame, none the
 * selection keeps) ends before any work: its message first and alone, with no schedule header
 * and no summary of a run that never started; the skips it names listed after it, --json with
 * the error (--junit: mr_replay_run). Takes err. */
static int no_frame_to_send(struct runner *r, GError *err)
{
    r->input_error = err;
    int code = err->code ? err->code : MR_EXIT_USAGE;
    g_printerr("mcpreplay: %s\n", err->message);
    if (!r->o->quiet && r->src != NULL)
        mr_report_skips(r->o->dry_run ? stdout : r->text_out, mr_source_extractor(r->src));
    r->stats.exit_code = code;
    r->stats.error = err->message;
    finish_stats(r);
    return write_json(r, code); /* code is not ok: a write failure is said, the code kept */
}

/* Output paths first, so a bad one fails before anything is sent; "-" is stdout. */
/* Opens --json and checks -w can be created: MR_EXIT_OK, MR_EXIT_USAGE or MR_EXIT_OUTPUT. */
static int open_outputs(struct runner *r)
{
    const struct mr_options *o = r->o;
    bool json_stdout = o->json != NULL && strcmp(o->json, "-") == 0;
    bool record_stdout = o->record != NULL && strcmp(o->record, "-") == 0;
    bool junit_stdout = o->junit != NULL && strcmp(o->junit, "-") == 0;
    if (json_stdout && record_stdout) {
        g_printerr("mcpreplay: --json - and --write - cannot both write to stdout\n");
        return MR_EXIT_USAGE;
    }
    r->text_out = json_stdout || record_stdout || junit_stdout ? stderr : stdout;
    if (o->json != NULL) {
        r->json_out = json_stdout ? stdout : fopen(o->json, "w");
        if (r->json_out == NULL) {
            g_printerr("mcpreplay: --json %s: %s\n", o->json, g_strerror(errno));
            return MR_EXIT_OUTPUT;
        }
    }
    if (o->record != NULL && !record_stdout && !o->dry_run) {
        FILE *f = fopen(o->record, "w"); /* the recorder reopens it once the target is known */
        if (f == NULL) {
            g_printerr("mcpreplay: --write %s: %s\n", o->record, g_strerror(errno));
            if (r->json_out != NULL && r->json_out != stdout) { /* leave nothing behind */
                fclose(r->json_out);
                r->json_out = NULL;
                unlink(o->json);
            }
            return MR_EXIT_OUTPUT;
        }
        fclose(f);
    }
    if (o->junit != NULL) { /* issue 21 */
        GString *suite = g_string_new("mcpreplay");
        for (size_t i = 0; i < o->file_count; i++)
            g_string_append_printf(suite, " %s", o->files[i]);
        if (o->target != NULL)
            g_string_append_printf(suite, " -t %s", o->target);
        GError *err = NULL;
        r->junit = mr_junit_open(o->junit, suite->str, o->timeout_ms, &err);
        g_string_free(suite, TRUE);
        if (r->junit == NULL) {
            g_printerr("mcpreplay: %s\n", err->message);
            g_error_free(err);
            if (r->json_out != NULL && r->json_out != stdout) { /* leave nothing behind */
                fclose(r->json_out);
                r->json_out = NULL;
                unlink(o->json);
            }
            if (o->record != NULL && !record_stdout && !o->dry_run)
                unlink(o->record);
            return MR_EXIT_OUTPUT;
        }
    }
    return MR_EXIT_OK;
}

/* Captures up to this size get a first pass that counts their frames, for the progress total;
 * bigger ones show how far the file has been read. */
#define COUNT_PASS_MAX_BYTES (64LL << 20)

static void count_frames(struct runner *r, const struct mr_source_config *scfg)
{
    gint64 bytes = 0;
    for (size_t i = 0; i < r->o->file_count; i++) {
        struct stat st;
        if (stat(r->o->files[i], &st) != 0)
            return;
        bytes += st.st_size;
    }
    if (bytes > COUNT_PASS_MAX_BYTES)
        return;
    struct mr_source_config one = *scfg;
    one.loops = 1;
    one.preload = false;
    one.observer = NULL;
    GError *err = NULL;
    struct mr_source *src = mr_source_new(&one, &err);
    if (src == NULL) {
        g_clear_error(&err);
        return;
    }
    struct mr_frame *f;
    uint64_t n = 0;
    while ((f = mr_source_next(src, &err)) != NULL) {
        n++;
        mr_frame_free(f);
    }
    g_clear_error(&err); /* the real pass reports it */
    mr_source_free(src);
    r->counted_per_pass = n;
}

/* Answers that matched no waiting request (§4: a response answers the latest unanswered
 * request with its seq and cmd), over every master. */

/* h19 #2: what an interrupted run would have sent: the frames of one pass (counted again when
 * the progress line did not) x --loop, within --limit; 0 (unknown) over COUNT_PASS_MAX_BYTES. */
static void count_total(struct runner *r, const struct mr_source_config *scfg)
{
    uint64_t per_pass = mr_source_selected_per_pass(r->src); /* --preload knows it */
    if (per_pass == 0 && r->counted_per_pass == 0)
        count_frames(r, scfg);
    if (per_pass == 0)
        per_pass = r->counted_per_pass;
    uint64_t total = per_pass * (uint64_t)r->o->loops;
    if (r->o->limit > 0 && total > (uint64_t)r->o->limit)
        total = (uint64_t)r->o->limit;
    r->stats.total = total;
}

/* Many senders, one socket each: lift the soft descriptor limit to the hard one (issue 8.6). */
static void raise_fd_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

/* Writes --junit with the run's exit code; returns the code, 6 when the file failed. */
static int finish_junit(struct runner *r, int code)
{
    if (r->junit == NULL)
        return code;
    r->stats.exit_code = code;
    GError *err = NULL;
    bool ok = mr_junit_finish(r->junit, &r->stats, &err);
    r->junit = NULL;
    if (!ok) {
        g_printerr("mcpreplay: %s\n", err->message);
        g_error_free(err);
        if (code == MR_EXIT_OK)
            code = MR_EXIT_OUTPUT;
    }
    return code;
}

static int run(struct runner *r)
{
    const struct mr_options *o = r->o;
    GError *src_error = NULL;
    /* issue 8: tshark selects the frames; a bad filter is a usage error, before any output */
    if (o->display_filter != NULL) {
        r->dfilter = mr_dfilter_run(o->files, o->file_count, o->display_filter, &o->codec,
                                    (unsigned)o->port, &o->dlt_user, &src_error);
        if (r->dfilter == NULL) {
            g_printerr("mcpreplay: %s\n", src_error->message);
            g_error_free(src_error);
            return MR_EXIT_USAGE;
        }
    }
    int open_code = open_outputs(r);
    if (open_code != MR_EXIT_OK)
        return open_code;
    raise_fd_limit();
    bool raw = o->target != NULL && g_str_has_prefix(o->target, "iface:");
    struct mr_source_config scfg = {
        .files = o->files,
        .file_count = o->file_count,
        .codec = o->codec,
        .mcp_port = (uint16_t)o->port,
        .select = &o->select,
        .loops = (unsigned)o->loops,
        .preload = o->preload,
        .raw = raw,
        .dlt_user = &o->dlt_user,
        .silence_ms = o->silence_ms,
    };
    struct mr_rewrite_config rcfg = {
        .codec = o->codec,
        .renumber = o->renumber,
        .fix_crc = o->fix_crc,
        .corrupt_crc = o->corrupt_crc,
        .drop = o->drop,
        .duplicate = o->duplicate,
        .reorder = o->reorder,
        .seed = (uint64_t)o->seed,
        .raw = raw,
        /* the same rule as the runner's per_sender: one socket, one seq space per sender */
        .per_sender = o->target != NULL && (g_str_has_prefix(o->target, "udp://") ||
                                            g_str_has_prefix(o->target, "tcp://")),
    };
    mr_rewriter_init(&r->rw, &rcfg);
    mr_pacer_init(&r->pacer, o->pace, o->pace_value);
    mr_spin_margin_init(&r->margin);
    mr_histogram_init(&r->stats.lateness);
    r->duration_ns = (int64_t)(o->duration * 1e9);

    if (o->expect) {
        struct mr_expect_config ecfg = {
            .codec = o->codec,
            .timeout_ms = o->timeout_ms,
            .ignore_mask = o->ignore_mask,
            .map = o->map, /* issue 19: §5 item comparison (expect_map.c) */
            .ignore_items =
                o->ignore_items != NULL ? (const char *const *)o->ignore_items->pdata : NULL,
            .keep_recorded = o->preload,
            .diff_out = r->text_out,
            .max_printed = 50,
            .on_verdict = r->junit != NULL ? mr_junit_verdict : NULL,
            .verdict_ctx = r->junit,
        };
        r->expect = mr_expect_new(&ecfg);
    }
    if (r->expect != NULL) {
        scfg.observer = on_capture_frame;
        scfg.observer_ctx = r;
    }
    if (r->dfilter != NULL)
        scfg.files = mr_dfilter_files(r->dfilter);
    r->src = mr_source_new(&scfg, &src_error);
    if (r->src == NULL) { /* not a capture, unreadable: --json still says why (not empty) */
        src_error->code = MR_EXIT_USAGE;
        return no_frame_to_send(r, src_error);
    }
    switch (mr_source_prime(r->src, &src_error)) {
    case -1:
        return no_frame_to_send(r, src_error);
    case 0:
        return no_frame_to_send(r, no_match(r));
    default:
        break;
    }

    if (o->dry_run)
        return dry_run(r);

    r->tcfg = (struct mcp_target_config){
        .url = o->target,
        .codec = o->codec,
        .reconnect = (unsigned)o->reconnect,
        .stall_ms = o->stall_ms,
        .silence_ms = o->silence_ms,
    };
    GError *err = NULL;
    r->target = mcp_target_open(&r->tcfg, &err);
    if (r->target == NULL) {
        g_printerr("mcpreplay: %s\n", err->message);
        int code = err->code;
        g_error_free(err);
        return code;
    }
    g_ptr_array_add(r->targets, r->target);
    add_master(r, 0);
    uint64_t zero = 0;
    g_array_append_val(r->reconnects_seen, zero);
    g_array_append_val(r->last_use, zero);
    r->pfds = g_new(struct pollfd, 1);
    enum mcp_endpoint_kind tkind = mcp_target_kind(r->target);
    r->per_sender = tkind == MCP_ENDPOINT_UDP || tkind == MCP_ENDPOINT_TCP;
    if (!open_recorder(r, &err)) {
        g_printerr("mcpreplay: %s\n", err->message);
        int code = err->code ? err->code : MR_EXIT_OUTPUT;
        g_error_free(err);
        return code;
    }
    set_socket_budget(r);
    r->progress_tty = !o->quiet && isatty(STDERR_FILENO) && o->progress_s == 0;
    if (o->progress_s > 0)
        r->progress_every_ns = (int64_t)(o->progress_s * 1e9);
    else if (r->progress_tty)
        r->progress_every_ns = PROGRESS_EVERY_NS;
    if (r->progress_every_ns > 0 && !o->preload)
        count_frames(r, &scfg);
    mr_pacer_tighten_timer_slack();
    if (o->realtime && !mr_pacer_go_realtime())
        g_printerr("mcpreplay: --realtime: cannot switch to SCHED_FIFO (%s); going on without\n",
                   g_strerror(errno));

    bool go = true;
    bool checked_link = false;
    uint64_t pulled = 0;
    while (go && !stop_requested) {
        struct mr_frame *f = mr_source_next(r->src, &src_error);
        if (f == NULL) {
            if (src_error == NULL && pulled == 0 && !stop_requested)
                src_error = no_match(r);
            break;
        }
        pulled++;
        if (!checked_link) {
            checked_link = true;
            if (!check_link_type(r, &src_error)) {
                mr_frame_free(f);
                break;
            }
        }
        struct mr_frame *out[3];
        size_t n = mr_rewrite(&r->rw, f, out);
        for (size_t i = 0; i < n; i++) {
            bool over = o->limit > 0 && r->stats.sent + r->batch_len >= (uint64_t)o->limit;
            if (!go || over) {
                go = !over && go;
                mr_frame_free(out[i]);
                continue;
            }
            go = send_frame(r, out[i]);
            if (go && r->error == NULL && !mcp_recorder_ok(r->rec, &r->error)) {
                go = false; /* h19 #4: a recording that lost a frame stops the run */
                r->record_failed = true;
            }
        }
    }
    if (go && src_error == NULL && r->error == NULL) {
        struct mr_frame *held = mr_rewrite_flush(&r->rw);
        if (held != NULL)
            send_frame(r, held);
    }
    if (r->error == NULL)
        flush_batch(r);
    /* Stopped early under --expect: the capture side reads on to the recorded answers. */
    unsigned pass = mr_source_loop(r->src);
    while (r->expect != NULL && src_error == NULL && mr_expect_needs_capture(r->expect)) {
        struct mr_frame *f = mr_source_next(r->src, &src_error);
        if (f == NULL || mr_source_loop(r->src) != pass) {
            mr_frame_free(f);
            break;
        }
        mr_frame_free(f);
    }
    if (r->progress_every_ns > 0)
        mr_report_progress_done(stderr, r->progress_tty);
    if (r->error == NULL)
        drain(r);
    wait_icmp(r);
    for (unsigned slot = 0; slot < r->targets->len && r->error == NULL; slot++)
        if (target_at(r, slot) != NULL && mcp_target_kind(target_at(r, slot)) == MCP_ENDPOINT_UDP)
            mcp_target_check_refused(target_at(r, slot), &r->error);
    if (r->expect != NULL)
        mr_expect_finish(r->expect);

    int code = MR_EXIT_OK;
    const char *why = NULL;
    r->stats.interrupted = stop_requested != 0; /* h19 #2: a signal is never "ok" */
    if (r->stats.interrupted)
        count_total(r, &scfg);
    if (src_error != NULL) {
        code = src_error->code ? src_error->code : MR_EXIT_USAGE;
        why = src_error->message;
        g_printerr("mcpreplay: %s\n", why);
    } else if (r->error != NULL) {
        code = r->error->code ? r->error->code : MR_EXIT_UNREACHABLE;
        why = r->error->message;
        g_printerr("mcpreplay: %s\n", why);
    } else if (r->expect != NULL) {
        const struct mr_expect_stats *es = mr_expect_stats(r->expect);
        if (es->missing > 0 || es->mismatched > 0 || es->late > 0 || es->naked > 0)
            code = MR_EXIT_MISMATCH;
        struct mcp_master_stats ms;
        masters_total(r, &ms);
        r->stats.unmatched_fail = !o->allow_unmatched && ms.unmatched > 0;
        if (r->stats.unmatched_fail) /* h19 #13: a device answering twice is a regression */
            code = MR_EXIT_MISMATCH;
        /* A tester's finding: "ok" with nothing compared passes vacuously: requests were sent
         * but none has an answer in the capture (a capture of one direction). Frames that
         * expect no answer (EVENT, broadcasts, SYNC) still check that none comes back. */
        r->stats.nothing_compared =
            !r->stats.interrupted && es->requests > 0 &&
            es->matched + es->mismatched + es->late + es->naked + es->missing == 0;
        r->stats.sent_responses_naked = ms.naks[MCP_NAK_UNEXPECTED_RESPONSE];
        if (r->stats.nothing_compared || r->stats.sent_responses_naked > 0)
            code = MR_EXIT_MISMATCH;
    }
    if (r->stats.interrupted && (code == MR_EXIT_OK || code == MR_EXIT_MISMATCH))
        code = MR_EXIT_INTERRUPTED;
    if (code == MR_EXIT_OK && r->stats.received_bad_crc > 0) /* bad checks are never ok */
        code = MR_EXIT_MISMATCH;
    count_junk(r);
    if (code == MR_EXIT_OK && r->stats.received_junk_bytes > 0) /* nor bytes that are not MCP */
        code = MR_EXIT_MISMATCH;
    if (code == MR_EXIT_OK)
        code = skips_verdict(r, NULL); /* issue 8 */
    GError *close_err = NULL;
    if (!mcp_recorder_close(r->rec, &close_err) && r->record_failed) {
        g_clear_error(&close_err); /* said already */
    } else if (close_err != NULL) {
        g_printerr("mcpreplay: %s\n", close_err->message);
        g_error_free(close_err);
        if (code == MR_EXIT_OK)
            code = MR_EXIT_OUTPUT;
    }
    r->rec = NULL;
    r->stats.exit_code = code;
    r->stats.error = why;
    finish_stats(r);
    if (!o->quiet)
        mr_report_summary(r->text_out, &r->stats);
    code = write_json(r, code);
    code = finish_junit(r, code);
    if (src_error != NULL)
        g_error_free(src_error);
    return code;
}

int mr_replay_run(const struct mr_options *o)
{
    struct runner *r = g_new0(struct runner, 1);
    r->o = o;
    r->targets = g_ptr_array_new_with_free_func((GDestroyNotify)mcp_target_close);
    r->masters = g_ptr_array_new_with_free_func((GDestroyNotify)mcp_master_free);
    r->master_ctx = g_ptr_array_new_with_free_func(g_free);
    r->crc_pass_mask = UINT32_MAX;
    r->slot_of = g_hash_table_new(g_direct_hash, g_direct_equal);
    r->reconnects_seen = g_array_new(FALSE, TRUE, sizeof(uint64_t));
    r->last_use = g_array_new(FALSE, TRUE, sizeof(uint64_t));
    int code = run(r);
    if (r->junit != NULL) { /* the run ended before its verdict: the file says why */
        if (r->stats.error == NULL)
            r->stats.error = "the run ended before its verdict (see the messages on stderr)";
        code = finish_junit(r, code);
    }
    for (size_t i = 0; i < r->batch_len; i++)
        mr_frame_free(r->batch[i]);
    mcp_recorder_close(r->rec, NULL);
    g_ptr_array_free(r->targets, TRUE); /* closes every socket, r->target too */
    g_ptr_array_free(r->masters, TRUE);
    if (r->json_out != NULL && r->json_out != stdout)
        fclose(r->json_out);
    g_ptr_array_free(r->master_ctx, TRUE);
    g_hash_table_destroy(r->slot_of);
    g_array_free(r->reconnects_seen, TRUE);
    g_array_free(r->last_use, TRUE);
    g_free(r->pfds);
    mr_source_free(r->src);
    mr_dfilter_free(r->dfilter); /* issue 8 */
    mr_expect_free(r->expect);
    mr_rewriter_clear(&r->rw);
    if (r->error != NULL)
        g_error_free(r->error);
    if (r->input_error != NULL)
        g_error_free(r->input_error);
    g_free(r);
    return code;
}
