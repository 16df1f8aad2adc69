/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mcpgen: writes MCP v1 sample captures (pcap or pcapng; UDP, TCP or serial)
 * and their answer key, deterministically from --seed.
 */
#include <glib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capwriter.h"
#include "model.h"
#include "options.h"
#include "topology.h"
#include "truth.h"
#include "verify.h"
#include "xport.h"

/* The output files, removed when the run does not end well ("-" is stdout: never removed). */
static const char *out_path, *truth_path;
static volatile sig_atomic_t armed;

static void remove_outputs(void)
{
    if (out_path != NULL && strcmp(out_path, "-") != 0)
        unlink(out_path);
    if (truth_path != NULL && strcmp(truth_path, "-") != 0)
        unlink(truth_path);
}

/* An exit() from deep inside (a failing spill file) leaves nothing behind either. */
static void at_exit(void)
{
    if (armed)
        remove_outputs();
}

/* SIGINT/SIGTERM: neither file is left behind (async-signal-safe: unlink, write, _exit). */
static void on_signal(int sig)
{
    (void)sig;
    if (armed)
        remove_outputs();
    static const char msg[] = "\nmcpgen: interrupted: no capture and no answer key written\n";
    ssize_t n = write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)n;
    _exit(GEN_EXIT_SIGNAL);
}

static void catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    /* A reader that closes the pipe early (mcpgen -w - | head): the write fails with EPIPE and
     * mcpgen says so, exit 6, instead of dying of SIGPIPE (141) with the answer key left. */
    signal(SIGPIPE, SIG_IGN);
}

/* The progress line on stderr: frames written, and the share of --limit. */
static uint64_t progress_target;
static gint64 progress_last;

static void show_progress(uint64_t frames)
{
    gint64 now = g_get_monotonic_time();
    if (now - progress_last < 250000)
        return;
    progress_last = now;
    if (progress_target != UINT64_MAX)
        fprintf(stderr, "\rmcpgen: %" G_GUINT64_FORMAT " frames (%.0f%%)   ", frames,
                100.0 * (double)frames / (double)progress_target);
    else
        fprintf(stderr, "\rmcpgen: %" G_GUINT64_FORMAT " frames   ", frames);
}

/* Generates the capture; returns an exit code. The answer key is checked but not written. */
static int generate(const struct gen_options *opt, const struct topology *topo, struct truth *truth,
                    uint32_t *records)
{
    struct record_sink sink = {0};
    sink.writer =
        capwriter_open(opt->out, opt->format == GEN_FORMAT_PCAPNG, xport_linktype(opt), opt->nano);
    if (sink.writer == NULL)
        return GEN_EXIT_IO;
    sink.verifier = verifier_new(opt);
    struct xport *x = xport_new(opt, topo, truth, &sink);
    struct model_stats stats;
    model_run(opt, topo, truth, x, &stats);
    xport_finish(x);
    xport_free(x);
    int rc = GEN_EXIT_OK;
    if (!capwriter_close(sink.writer) || sink.failed)
        rc = GEN_EXIT_IO;
    else if (!truth_finalize(truth) || (!verifier_compare(sink.verifier, truth) && !getenv("DBG")))
        rc = GEN_EXIT_INTERNAL;
    verifier_free(sink.verifier);
    *records = sink.records;
    return rc;
}

int main(int argc, char **argv)
{
    struct gen_options opt;
    if (!gen_options_parse(argc, argv, &opt)) {
        gen_options_free(&opt);
        return GEN_EXIT_USAGE;
    }
    out_path = opt.out;
    truth_path = opt.truth;
    atexit(at_exit);
    catch_signals();
    armed = 1;
    if (opt.progress == GEN_PROGRESS_ON ||
        (opt.progress == GEN_PROGRESS_AUTO && isatty(STDERR_FILENO))) {
        progress_target = opt.frames;
        model_set_progress(show_progress);
    }
    /* The answer key's file is opened first, so a bad path fails before the work. */
    FILE *truth_file = NULL;
    if (opt.truth != NULL && (truth_file = truth_open(opt.truth)) == NULL) {
        armed = 0;
        gen_options_free(&opt);
        return GEN_EXIT_IO;
    }
    struct truth truth;
    truth_init(&truth);
    struct topology topo;
    topology_build(&topo, &opt, &truth);

    uint32_t records = 0;
    int rc = generate(&opt, &topo, &truth, &records);
    if (progress_last != 0)
        fprintf(stderr, "\rmcpgen: %u records written%20s\n", records, "");
    if (rc == GEN_EXIT_OK && truth_file != NULL) {
        struct truth_header h = {gen_transport_name(opt.transport),
                                 gen_link_name(opt.link),
                                 mcp_crc_variant_name(opt.codec.crc),
                                 opt.codec.length_le,
                                 records,
                                 opt.seed};
        if (!truth_write(&truth, &h, truth_file, opt.truth))
            rc = GEN_EXIT_IO;
    } else if (truth_file != NULL) {
        fclose(truth_file);
    }
    /* Never leave a capture without its answer key, or with a wrong one. */
    if (rc != GEN_EXIT_OK) {
        if (rc == GEN_EXIT_IO && records == 0)
            out_path = NULL; /* not ours: it could not even be opened */
        remove_outputs();
    }
    armed = 0;
    topology_free(&topo);
    truth_free(&truth);
    gen_options_free(&opt);
    return rc;
}
