/* The replay loop. */
#include "replay.h"

#include <errno.h>
#include <poll.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dfilter.h"
#include "expect.h"
#include "mcp/names.h"
#include "pacer.h"
#include "recorder.h"
#include "report.h"
#include "rewrite.h"
#include "source.h"
#include "target.h"

#define BATCH              32
#define PROGRESS_EVERY_NS  250000000LL
#define DRAIN_MS_NO_EXPECT 200

static volatile sig_atomic_t stop_requested;

void mr_replay_request_stop(void)
{
    stop_requested = 1;
}

struct runner {
    struct mr_dfilter *dfilter; /* issue 8: -Y exports, removed at the end */
    const struct mr_options *o;
    struct mr_source *src;
    /*
     * The target: udp:// and tcp:// get one socket per captured sender (§3),
     * opened when its first frame is due, so each sender's seqs stay its own
     * and answers are matched per socket (§4); serial and iface have one.
     * target is the first socket (opened up front).
     */
    struct mr_target *target;
    struct mr_target_config tcfg;
    bool per_sender;
    GPtrArray *targets;      /* struct mr_target *, the socket's index is its conversation */
    GHashTable *slot_of;     /* captured sender index + 1 -> socket index + 1 */
    GArray *reconnects_seen; /* uint64_t per socket */
    struct pollfd *pfds;     /* one per socket, rebuilt before each poll */
    struct mr_pacer pacer;
    struct mr_rewriter rw;
    struct mr_expect *expect;
    struct mr_recorder *rec;
    struct mr_run_stats stats;
    bool started;
    int64_t first_send_ns, last_send_ns;
    int64_t duration_ns;
    bool progress;
    int64_t next_progress_ns;
    GError *error; /* what stopped the run */
    struct mr_spin_margin margin;
    /* --topspeed to UDP: frames waiting for one sendmmsg */
    struct mr_frame *batch[BATCH];
    size_t batch_len;
    unsigned batch_slot; /* the socket the batch goes to */
};

static struct mr_target *target_at(const struct runner *r, unsigned slot)
{
    return g_ptr_array_index(r->targets, slot);
}

/* The socket for a frame's sender, opened on its first frame; false with r->error. */
static bool slot_for(struct runner *r, const struct mr_frame *f, unsigned *slot);

/* ---- answers ---- */

struct answer_ctx {
    struct runner *r;
    unsigned slot;
};

static void on_answer(void *ctx, const uint8_t *bytes, size_t len, bool crc_ok)
{
    struct answer_ctx *a = ctx;
    struct runner *r = a->r;
    int64_t now = mr_now_ns();
    r->stats.received++;
    if (!crc_ok)
        r->stats.received_bad_crc++;
    if (crc_ok && bytes[4] == 0x05 /* NAK */ && len >= MCP_OVERHEAD + 2) {
        uint8_t reason = bytes[MCP_HEADER_LEN + 1];
        r->stats.naks[reason < 8 ? reason : 0]++;
    }
    mr_recorder_add(r->rec, a->slot, false, mr_realtime_ns(), bytes, len);
    if (r->expect != NULL)
        mr_expect_received(r->expect, a->slot, bytes, len, crc_ok, now);
}

static void note_reconnects(struct runner *r, unsigned slot)
{
    uint64_t n = mr_target_reconnects(target_at(r, slot));
    uint64_t *seen = &g_array_index(r->reconnects_seen, uint64_t, slot);
    if (n == *seen)
        return;
    *seen = n;
    struct sockaddr_storage local, peer;
    if (r->rec != NULL && mr_target_addresses(target_at(r, slot), &local, &peer))
        mr_recorder_reconnected(r->rec, slot, &local, mr_realtime_ns());
}

/* Reads what every socket has now. */
static bool receive(struct runner *r)
{
    for (unsigned slot = 0; slot < r->targets->len; slot++) {
        if (r->error != NULL)
            return false;
        struct answer_ctx a = {.r = r, .slot = slot};
        bool ok = mr_target_receive(target_at(r, slot), on_answer, &a, &r->error);
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
        int fd = mr_target_fd(target_at(r, slot));
        if (fd < 0)
            continue;
        r->pfds[n].fd = fd;
        r->pfds[n].events = POLLIN;
        r->pfds[n].revents = 0;
        n++;
    }
    return n;
}

static void show_progress(struct runner *r, int64_t now)
{
    if (!r->progress || now < r->next_progress_ns)
        return;
    r->next_progress_ns = now + PROGRESS_EVERY_NS;
    uint64_t total = mr_source_selected_per_pass(r->src) * (uint64_t)r->o->loops;
    if (r->o->limit > 0 && (total == 0 || total > (uint64_t)r->o->limit))
        total = (uint64_t)r->o->limit;
    int64_t elapsed = now - r->first_send_ns;
    int64_t eta = -1;
    if (total > r->stats.sent && r->stats.sent > 0)
        eta = (int64_t)((double)elapsed / (double)r->stats.sent * (double)(total - r->stats.sent));
    mr_report_progress(r->stats.sent, total, elapsed, eta);
}

/*
 * Waits for a deadline while serving the target's answers and the expect
 * timeouts: sleeps in ppoll until shortly before it, then spins.
 */
static bool wait_for(struct runner *r, int64_t deadline)
{
    for (;;) {
        int64_t now = mr_now_ns();
        if (r->expect != NULL)
            mr_expect_tick(r->expect, now);
        show_progress(r, now);
        if (stop_requested)
            return false;
        int64_t wake = deadline - r->margin.ns;
        if (r->expect != NULL && mr_expect_next_timeout(r->expect) < wake)
            wake = mr_expect_next_timeout(r->expect);
        if (r->progress && r->next_progress_ns < wake)
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
        if (rc > 0 && !receive(r))
            return false;
    }
    mr_spin_until(deadline);
    return true;
}

/* ---- sending ---- */

static void account(struct runner *r, unsigned slot, struct mr_frame *f, int64_t sent_ns)
{
    r->stats.sent++;
    r->stats.bytes += f->len;
    r->last_send_ns = sent_ns;
    mr_recorder_add(r->rec, slot, true, mr_realtime_ns(), f->bytes, f->len);
    if (r->expect != NULL)
        mr_expect_sent(r->expect, slot, f, sent_ns);
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
        return true;
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
    struct mr_target *t = mr_target_open(&r->tcfg, &r->error);
    if (t == NULL)
        return false;
    *slot = r->targets->len;
    g_ptr_array_add(r->targets, t);
    uint64_t zero = 0;
    g_array_append_val(r->reconnects_seen, zero);
    r->pfds = g_renew(struct pollfd, r->pfds, r->targets->len);
    g_hash_table_insert(r->slot_of, key, GUINT_TO_POINTER(*slot + 1));
    struct sockaddr_storage local, peer;
    if (r->rec != NULL && mr_target_addresses(t, &local, &peer))
        mr_recorder_conversation(r->rec, *slot, &local, &peer, mr_realtime_ns());
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
        mr_target_send_batch(target_at(r, r->batch_slot), bytes, lens, r->batch_len, &r->error);
    for (size_t i = 0; i < r->batch_len; i++) {
        if (i < sent)
            account(r, r->batch_slot, r->batch[i], now);
        mr_frame_free(r->batch[i]);
    }
    size_t n = r->batch_len;
    r->batch_len = 0;
    if (sent < n && r->error != NULL)
        return false;
    /* Answers are read every few batches so the socket buffer never fills. */
    if ((r->stats.sent & 0xFF) < n)
        return receive(r);
    return true;
}

/* Schedules and sends one frame (takes ownership). False: stop. */
static bool send_frame(struct runner *r, struct mr_frame *f)
{
    int64_t due = mr_pacer_next(&r->pacer, f->ts_ns, f->len);
    if (!r->started) {
        r->started = true;
        r->first_send_ns = mr_now_ns();
        r->next_progress_ns = r->first_send_ns + PROGRESS_EVERY_NS;
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
    if (r->o->pace == MR_PACE_TOP && mr_target_kind(r->target) == MCP_ENDPOINT_UDP) {
        /* One sendmmsg carries frames to one socket: a frame for another flushes the batch. */
        if (r->batch_len > 0 && slot != r->batch_slot && !flush_batch(r)) {
            mr_frame_free(f);
            return false;
        }
        r->batch_slot = slot;
        r->batch[r->batch_len++] = f;
        if (r->batch_len < BATCH)
            return true;
        bool ok = flush_batch(r);
        show_progress(r, mr_now_ns());
        return ok && !stop_requested &&
               !(r->duration_ns > 0 && mr_now_ns() - r->first_send_ns >= r->duration_ns);
    }
    int64_t deadline = r->pacer.anchor_ns + due;
    bool ok = true;
    if (r->o->pace != MR_PACE_TOP)
        ok = wait_for(r, deadline);
    else
        ok = !stop_requested &&
             (r->expect == NULL || (mr_expect_tick(r->expect, mr_now_ns()), true));
    if (!ok) {
        mr_frame_free(f);
        return false;
    }
    int64_t now = mr_now_ns();
    if (r->o->pace != MR_PACE_TOP)
        mr_histogram_add(&r->stats.lateness, now - deadline);
    ok = mr_target_send(target_at(r, slot), f->bytes, f->len, &r->error);
    note_reconnects(r, slot);
    if (ok)
        account(r, slot, f, now);
    mr_frame_free(f);
    if (ok && r->o->pace == MR_PACE_TOP) {
        show_progress(r, now);
        if ((r->stats.sent & 31) == 0)
            ok = receive(r);
    }
    if (r->duration_ns > 0 && mr_now_ns() - r->first_send_ns >= r->duration_ns)
        return false;
    return ok;
}

/*
 * After the last frame: under --expect, until every answer is in or overdue;
 * otherwise until the target has been quiet for DRAIN_MS_NO_EXPECT (answers
 * still arriving keep it going), at most --timeout, so the summary and
 * --record hold the late answers too.
 */
static void drain(struct runner *r)
{
    int64_t start = mr_now_ns();
    int64_t limit = start + (int64_t)r->o->timeout_ms * 1000000;
    int64_t quiet = (int64_t)DRAIN_MS_NO_EXPECT * 1000000;
    int64_t end = start + quiet;
    if (r->expect != NULL)
        end = mr_expect_next_timeout(r->expect);
    while (r->error == NULL && !stop_requested) {
        int64_t now = mr_now_ns();
        if (r->expect != NULL) {
            mr_expect_tick(r->expect, now);
            if (mr_expect_waiting(r->expect) == 0)
                break;
            end = mr_expect_next_timeout(r->expect);
        } else if (end > limit) {
            end = limit;
        }
        if (now >= end)
            break;
        int64_t wait = end - now;
        struct timespec ts = {.tv_sec = wait / 1000000000, .tv_nsec = wait % 1000000000};
        if (ppoll(r->pfds, poll_set(r), &ts, NULL) > 0) {
            if (!receive(r))
                break;
            if (r->expect == NULL)
                end = mr_now_ns() + quiet;
        }
    }
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

static int dry_run(struct runner *r)
{
    GError *err = NULL;
    struct mr_frame *f;
    printf("%-14s %-8s %-5s %-5s %-4s %-46s %s\n", "due_s", "record", "seq", "len", "cmd", "sender",
           "name");
    while ((f = mr_source_next(r->src, &err)) != NULL) {
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
                printf("%-14.9f %-8" G_GUINT64_FORMAT " %-5u %-5zu 0x%02x %-46s %s%s%s\n",
                       (double)due / 1e9, out[i]->record, out[i]->seq, out[i]->len, out[i]->cmd,
                       s != NULL ? s->name : "-", s != NULL ? mcp_cmd_name(out[i]->cmd) : "packet",
                       out[i]->crc_ok ? "" : " (bad CRC)", out[i]->corrupted ? " (injected)" : "");
                if (r->o->show_bytes) /* issue 8: what the differential test compares */
                    print_frame_detail(out[i]);
                r->stats.sent++;
                r->stats.bytes += out[i]->len;
            }
            mr_frame_free(out[i]);
        }
    }
    if (err != NULL) {
        g_printerr("mcpreplay: %s\n", err->message);
        g_error_free(err);
        return MR_EXIT_USAGE;
    }
    printf("%" G_GUINT64_FORMAT " frames, %" G_GUINT64_FORMAT " bytes\n", r->stats.sent,
           r->stats.bytes);
    return skips_verdict(r, stdout); /* issue 8 */
}

/* ---- set-up ---- */

static bool open_recorder(struct runner *r, GError **error)
{
    if (r->o->record == NULL)
        return true;
    enum mr_record_kind kind;
    struct sockaddr_storage local, peer;
    switch (mr_target_kind(r->target)) {
    case MCP_ENDPOINT_UDP:
        kind = MR_RECORD_UDP;
        break;
    case MCP_ENDPOINT_TCP:
        kind = MR_RECORD_TCP;
        break;
    case MCP_ENDPOINT_SERIAL:
        kind = MR_RECORD_SERIAL;
        break;
    default:
        kind = MR_RECORD_L2;
        break;
    }
    r->rec = mr_recorder_open(r->o->record, kind, mr_target_linktype(r->target), error);
    if (r->rec == NULL)
        return false;
    if (mr_target_addresses(r->target, &local, &peer))
        mr_recorder_conversation(r->rec, 0, &local, &peer, mr_realtime_ns());
    return true;
}

static void on_capture_frame(void *ctx, const struct mr_frame *frame, bool selected,
                             const struct mr_extractor *ex)
{
    struct runner *r = ctx;
    mr_expect_observe(r->expect, frame, selected, ex);
}

static bool check_link_type(struct runner *r, GError **error)
{
    int want = mr_target_linktype(r->target);
    int have = mr_source_linktype(r->src);
    if (want < 0 || have < 0 || want == have)
        return true;
    g_set_error(error, MR_ERROR, MR_EXIT_USAGE,
                "the capture's link type %s cannot be injected on %s (link type %s)",
                pcap_datalink_val_to_name(have), r->o->target, pcap_datalink_val_to_name(want));
    return false;
}

static void finish_stats(struct runner *r)
{
    r->stats.target = r->o->target != NULL ? r->o->target : "(dry run)";
    r->stats.mode = r->o->pace_text;
    r->stats.elapsed_ns = r->started ? r->last_send_ns - r->first_send_ns : 0;
    r->stats.timed = r->o->pace != MR_PACE_TOP;
    r->stats.loops = mr_source_loop(r->src) + 1;
    r->stats.reconnects = 0;
    for (unsigned slot = 0; r->targets != NULL && slot < r->targets->len; slot++)
        r->stats.reconnects += mr_target_reconnects(target_at(r, slot));
    r->stats.extract = mr_source_extractor(r->src) != NULL
                           ? mr_extractor_stats(mr_source_extractor(r->src))
                           : NULL;
    r->stats.faults = &r->rw.stats;
    r->stats.extractor = mr_source_extractor(r->src); /* issue 8 */
    if (r->expect != NULL) {
        r->stats.expect = mr_expect_stats(r->expect);
        r->stats.expect_reports = mr_expect_reports(r->expect);
    }
}

static int run(struct runner *r)
{
    const struct mr_options *o = r->o;
    GError *src_error = NULL;
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
            .keep_recorded = o->preload,
            .diff_out = stdout,
            .max_printed = 50,
        };
        r->expect = mr_expect_new(&ecfg);
    }
    if (r->expect != NULL) {
        scfg.observer = on_capture_frame;
        scfg.observer_ctx = r;
    }
    if (o->display_filter != NULL) { /* issue 8: tshark selects the frames */
        r->dfilter = mr_dfilter_run(o->files, o->file_count, o->display_filter, &o->codec,
                                    (unsigned)o->port, &src_error);
        if (r->dfilter == NULL) {
            g_printerr("mcpreplay: %s\n", src_error->message);
            g_error_free(src_error);
            return MR_EXIT_USAGE;
        }
        scfg.files = mr_dfilter_files(r->dfilter);
    }
    r->src = mr_source_new(&scfg, &src_error);
    if (r->src == NULL) {
        g_printerr("mcpreplay: %s\n", src_error->message);
        g_error_free(src_error);
        return MR_EXIT_USAGE;
    }

    if (o->dry_run)
        return dry_run(r);

    r->tcfg = (struct mr_target_config){
        .url = o->target,
        .codec = o->codec,
        .reconnect = (unsigned)o->reconnect,
        .stall_ms = o->stall_ms,
    };
    GError *err = NULL;
    r->target = mr_target_open(&r->tcfg, &err);
    if (r->target == NULL) {
        g_printerr("mcpreplay: %s\n", err->message);
        int code = err->code;
        g_error_free(err);
        return code;
    }
    g_ptr_array_add(r->targets, r->target);
    uint64_t zero = 0;
    g_array_append_val(r->reconnects_seen, zero);
    r->pfds = g_new(struct pollfd, 1);
    enum mcp_endpoint_kind tkind = mr_target_kind(r->target);
    r->per_sender = tkind == MCP_ENDPOINT_UDP || tkind == MCP_ENDPOINT_TCP;
    if (!open_recorder(r, &err)) {
        g_printerr("mcpreplay: %s\n", err->message);
        g_error_free(err);
        return MR_EXIT_USAGE;
    }
    r->progress = !o->quiet && isatty(STDERR_FILENO);
    mr_pacer_tighten_timer_slack();
    if (o->realtime && !mr_pacer_go_realtime())
        g_printerr("mcpreplay: --realtime: cannot switch to SCHED_FIFO (%s); going on without\n",
                   g_strerror(errno));

    bool go = true;
    bool checked_link = false;
    while (go && !stop_requested) {
        struct mr_frame *f = mr_source_next(r->src, &src_error);
        if (f == NULL)
            break;
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
        }
    }
    if (go && src_error == NULL && r->error == NULL) {
        struct mr_frame *held = mr_rewrite_flush(&r->rw);
        if (held != NULL)
            send_frame(r, held);
    }
    if (r->error == NULL)
        flush_batch(r);
    if (r->progress)
        mr_report_progress_done();
    if (r->error == NULL)
        drain(r);
    for (unsigned slot = 0; slot < r->targets->len && r->error == NULL; slot++)
        if (mr_target_kind(target_at(r, slot)) == MCP_ENDPOINT_UDP)
            mr_target_check_refused(target_at(r, slot), &r->error);
    if (r->expect != NULL)
        mr_expect_finish(r->expect);

    int code = MR_EXIT_OK;
    const char *why = NULL;
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
        if (es->missing > 0 || es->mismatched > 0)
            code = MR_EXIT_MISMATCH;
    }
    if (code == MR_EXIT_OK)
        code = skips_verdict(r, NULL); /* issue 8 */
    GError *close_err = NULL;
    if (!mr_recorder_close(r->rec, &close_err)) {
        g_printerr("mcpreplay: %s\n", close_err->message);
        g_error_free(close_err);
        if (code == MR_EXIT_OK)
            code = MR_EXIT_USAGE;
    }
    r->rec = NULL;
    r->stats.exit_code = code;
    r->stats.error = why;
    finish_stats(r);
    if (!o->quiet)
        mr_report_summary(stdout, &r->stats);
    if (o->json != NULL) {
        GError *jerr = NULL;
        if (!mr_report_json(o->json, &r->stats, &jerr)) {
            g_printerr("mcpreplay: %s\n", jerr->message);
            g_error_free(jerr);
            if (code == MR_EXIT_OK)
                code = MR_EXIT_USAGE;
        }
    }
    if (src_error != NULL)
        g_error_free(src_error);
    return code;
}

int mr_replay_run(const struct mr_options *o)
{
    struct runner *r = g_new0(struct runner, 1);
    r->o = o;
    r->targets = g_ptr_array_new_with_free_func((GDestroyNotify)mr_target_close);
    r->slot_of = g_hash_table_new(g_direct_hash, g_direct_equal);
    r->reconnects_seen = g_array_new(FALSE, TRUE, sizeof(uint64_t));
    int code = run(r);
    for (size_t i = 0; i < r->batch_len; i++)
        mr_frame_free(r->batch[i]);
    mr_recorder_close(r->rec, NULL);
    g_ptr_array_free(r->targets, TRUE); /* closes every socket, r->target too */
    g_hash_table_destroy(r->slot_of);
    g_array_free(r->reconnects_seen, TRUE);
    g_free(r->pfds);
    mr_source_free(r->src);
    mr_dfilter_free(r->dfilter); /* issue 8 */
    mr_expect_free(r->expect);
    mr_rewriter_clear(&r->rw);
    if (r->error != NULL)
        g_error_free(r->error);
    g_free(r);
    return code;
}
