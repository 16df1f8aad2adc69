/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Command-line parsing and validation for mcpgen (GOption). */
#include "options.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "idlist.h"
#include "mapgen.h"
#include "mcp/regmap.h"
#include "samefile.h"
#include "version.h"

/* The names of docs/options.md (as in mcpreplay and mcpsim); the old ones stay accepted. */
static const char *const fault_names[FAULT_COUNT] = {"none",      "corrupt-crc", "drop",
                                                     "duplicate", "reorder",     "nak"};
static const char *const fault_old_names[FAULT_COUNT] = {NULL, "bad-crc", "gap", NULL, NULL, NULL};
static const char *const mix_names[MIX_COUNT] = {"heartbeat", "read",      "write",
                                                 "unknown",   "write-all", "event"};

const char *gen_transport_name(enum gen_transport t)
{
    switch (t) {
    case GEN_UDP:
        return "udp";
    case GEN_TCP:
        return "tcp";
    case GEN_SERIAL:
        return "serial";
    }
    return "?";
}

const char *gen_link_name(enum gen_link l)
{
    switch (l) {
    case GEN_LINK_ETHERNET:
        return "ethernet";
    case GEN_LINK_VLAN:
        return "vlan";
    case GEN_LINK_SLL:
        return "sll";
    case GEN_LINK_UPPER_PDU:
        return "upper_pdu";
    }
    return "?";
}

const char *gen_fault_name(enum gen_fault f)
{
    return f < FAULT_COUNT ? fault_names[f] : "?";
}

static bool fail(const char *fmt, const char *arg)
{
    fprintf(stderr, "mcpgen: ");
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    return false;
}

static bool parse_mix(const char *text, double mix[MIX_COUNT])
{
    for (int i = 0; i < MIX_COUNT; i++)
        mix[i] = 0.0;
    gchar **parts = g_strsplit(text, ",", -1);
    bool ok = true;
    double total = 0.0;
    for (gchar **p = parts; ok && *p != NULL; p++) {
        gchar **kv = g_strsplit(*p, "=", 2);
        int which = -1;
        for (int i = 0; i < MIX_COUNT && kv[0] != NULL; i++)
            if (strcmp(kv[0], mix_names[i]) == 0)
                which = i;
        char *end = NULL;
        double w = kv[0] != NULL && kv[1] != NULL ? g_ascii_strtod(kv[1], &end) : -1.0;
        if (which < 0 || end == NULL || *end != '\0' || w < 0.0)
            ok = fail("bad --mix entry '%s' (want NAME=WEIGHT, NAME one of heartbeat, read, "
                      "write, unknown, write-all, event)",
                      *p);
        else
            mix[which] = w, total += w;
        g_strfreev(kv);
    }
    g_strfreev(parts);
    if (ok && total <= 0.0)
        ok = fail("--mix '%s' has no positive weight", text);
    return ok;
}

static bool parse_fault_at(const char *text, struct gen_options *opt)
{
    gchar **parts = g_strsplit(text, ",", -1);
    bool ok = true;
    for (gchar **p = parts; ok && *p != NULL; p++) {
        gchar **kv = g_strsplit(*p, ":", 2);
        int which = -1;
        for (int i = 1; i < FAULT_COUNT && kv[0] != NULL; i++)
            if (strcmp(kv[0], fault_names[i]) == 0 ||
                (fault_old_names[i] != NULL && strcmp(kv[0], fault_old_names[i]) == 0))
                which = i;
        guint64 n = 0;
        if (which < 0 || kv[1] == NULL ||
            !g_ascii_string_to_unsigned(kv[1], 10, 1, G_MAXUINT64, &n, NULL)) {
            ok = fail("bad --fault-at entry '%s' (want FAULT:N, FAULT one of corrupt-crc, drop, "
                      "duplicate, reorder, nak; N >= 1)",
                      *p);
        } else {
            opt->fault_at = g_renew(struct fault_at, opt->fault_at, opt->n_fault_at + 1);
            opt->fault_at[opt->n_fault_at].fault = (enum gen_fault)which;
            opt->fault_at[opt->n_fault_at].fresh_index = n;
            opt->n_fault_at++;
        }
        g_strfreev(kv);
    }
    g_strfreev(parts);
    return ok;
}

static bool check_probability(const char *name, double p)
{
    if (p >= 0.0 && p <= 1.0)
        return true;
    return fail("%s must be a probability between 0 and 1", name);
}

/*
 * --devices LIST (ids 1..150, as mcpsim's --devices names the ids it simulates). For one
 * release a bare number N keeps its old meaning, a count (ids 1..N), with a notice; the
 * hidden -d N is that count too. count: -d's value (default 2) when --devices is not given.
 */
static bool parse_devices(struct gen_options *opt, const char *text, int count)
{
    bool bare = text != NULL && text[0] != '\0' && strspn(text, "0123456789") == strlen(text);
    if (text == NULL || bare) {
        if (bare)
            count = strlen(text) > 3 ? 1000 : atoi(text);
        if (count < 1 || count > 150)
            return fail("%s", "--devices must name ids 1..150 (a bare number, read as a count in "
                              "0.2: 1..150)");
        memset(opt->device_present, 0, sizeof opt->device_present);
        for (int id = 1; id <= count; id++)
            opt->device_present[id] = true;
        if (bare && count > 1) /* --devices 1 means device 1 either way */
            fprintf(stderr,
                    "mcpgen: notice: --devices %s reads as a count in 0.2 (ids 1-%d); write "
                    "--devices 1-%d (from 0.3 a bare number is one id, as in mcpsim)\n",
                    text, count, count);
    } else if (!mcp_parse_id_list(text, 1, 150, opt->device_present)) {
        return fail("--devices: bad list '%s' (device ids 1..150, e.g. 1-4,7)", text);
    }
    opt->devices = 0;
    for (int id = 1; id <= 150; id++) {
        if (opt->device_present[id]) {
            opt->device_id[opt->devices++] = (uint8_t)id;
            opt->max_device = (uint8_t)id;
        }
    }
    return true;
}

static bool parse_ms(const char *text, double *out)
{
    char *end;
    double v = g_ascii_strtod(text, &end);
    if (end == text || *end != '\0' || !(v >= 0.0 && v <= 60000.0))
        return false;
    *out = v;
    return true;
}

/* --latency MS[:JITTER_MS] (mcpsim's meaning); the hidden --jitter J: the spread as J*MS. */
static bool parse_latency(struct gen_options *opt, const char *text, const char *jitter_text)
{
    if (text != NULL) {
        gchar **parts = g_strsplit(text, ":", 3);
        bool ok = parts[0] != NULL && parse_ms(parts[0], &opt->latency_ms) &&
                  (parts[1] == NULL || (parts[2] == NULL && parse_ms(parts[1], &opt->jitter_ms)));
        bool has_jitter = ok && parts[1] != NULL;
        g_strfreev(parts);
        if (!ok)
            return fail("--latency takes MS or MS:JITTER_MS (each 0..60000 ms), not '%s'", text);
        if (has_jitter && jitter_text != NULL)
            return fail("%s", "--jitter (old) and --latency MS:JITTER_MS: give the jitter once");
        if (!has_jitter)
            opt->jitter_ms = 0.0;
        opt->jitter = opt->latency_ms > 0.0 ? opt->jitter_ms / opt->latency_ms : 0.0;
    }
    if (jitter_text != NULL) {
        char *end;
        double jitter = g_ascii_strtod(jitter_text, &end);
        if (end == jitter_text || *end != '\0' || !(jitter >= 0.0 && jitter <= 1.0))
            return fail("--jitter must be 0..1 (a share of --latency; better: --latency "
                        "MS:JITTER_MS), not '%s'",
                        jitter_text);
        opt->jitter = jitter;
        opt->jitter_ms = jitter * opt->latency_ms;
    }
    return true;
}

static void set_defaults(struct gen_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->seed = 1;
    opt->masters = 1;
    opt->devices = 2;
    opt->frames = 100;
    opt->rate = 100.0;
    opt->latency_ms = 5.0;
    opt->jitter_ms = 2.5;
    opt->jitter = 0.5;
    opt->vlan_id = 10;
    const double mix[MIX_COUNT] = {20, 30, 25, 5, 5, 15};
    memcpy(opt->mix, mix, sizeof mix);
    opt->bad_request = 0.05;
    opt->busy = 0.03;
    opt->burst = 0.1;
    opt->split = 0.3;
    opt->noise = 0.0;
    opt->first_seq = -1;
    opt->big_frames = -1;
    opt->codec = mcp_codec_default();
}

#define HIDDEN G_OPTION_FLAG_HIDDEN

static const char help_description[] =
    "Exit status (one table for every tool: docs/options.md):\n"
    "  0  the capture (and --truth) written and cross-checked\n"
    "  2  bad options (nothing is written)\n"
    "  5  interrupted by SIGINT/SIGTERM (neither output file is left behind)\n"
    "  6  an output cannot be created or written (was 3 before 0.2)\n"
    "  7  the cross-check disagreed: a generator bug, report it (was 4 before 0.2)\n"
    "\n"
    "Examples:\n"
    "  mcpgen -w x.pcap --truth x.truth.jsonl                 100 UDP frames, seed 1\n"
    "  mcpgen --transport tcp --devices 1-3 -L 10000 -w t.pcap   TCP, devices 1 to 3\n"
    "  mcpgen --devices 1-4,7 --latency 20:5 -w d.pcap        answers after 15..25 ms\n"
    "  mcpgen --transport serial --noise 0.3 --format pcapng -w s.pcapng\n"
    "  mcpgen --corrupt-crc 0.05 --drop 0.02 --reorder 0.02 -w f.pcap --truth f.jsonl\n"
    "  mcpgen --port 5020 -w p5020.pcap                       devices on UDP port 5020\n"
    "  mcpgen -L 1000 -w - | tshark -r - -Y mcp5a             capture to stdout\n"
    "\n"
    "Renamed in 0.2 (the old spellings still work for one release): --out/-o is --write/-w,\n"
    "--frames/-n is --limit/-L, --bad-crc is --corrupt-crc, --gap is --drop; -t and -d\n"
    "are gone (use --transport, --devices). --devices is a LIST of ids as in mcpsim (a bare\n"
    "number N still means ids 1-N in 0.2, with a notice); --latency MS:JITTER_MS as in\n"
    "mcpsim replaces --latency MS --jitter FRACTION. See mcpgen(1) and docs/options.md.\n";

bool gen_options_parse(int argc, char **argv, struct gen_options *opt)
{
    set_defaults(opt);
    gchar *transport = NULL, *link = NULL, *format = NULL, *crc = NULL, *mix = NULL,
          *fault_at = NULL, *devices_text = NULL, *latency = NULL, *jitter = NULL;
    /* G_MININT*: not given (so that a given -1 is an error, not the default) */
    gint64 seed = 1, frames = G_MININT64, requests = G_MININT64;
    gint masters = 1, devices = 2, vlan = G_MININT, first_seq = G_MININT, gap_size = 0,
         big = G_MININT;
    gint port = MCP_DEFAULT_PORT;
    gboolean nano = FALSE, ipv6 = FALSE, length_le = FALSE, subnet = FALSE, steady = FALSE;
    gboolean version = FALSE, progress = FALSE, no_progress = FALSE;

    GOptionEntry entries[] = {
        {"transport", 0, 0, G_OPTION_ARG_STRING, &transport, "udp (default), tcp or serial", "T"},
        /* hidden, for one release: short letters that mean something else in mcpreplay */
        {"deprecated-t", 't', HIDDEN, G_OPTION_ARG_STRING, &transport, "old -t", "T"},
        {"deprecated-d", 'd', HIDDEN, G_OPTION_ARG_INT, &devices, "old -d", "N"},
        {"write", 'w', 0, G_OPTION_ARG_FILENAME, &opt->out,
         "capture file to write (required; - for stdout)", "FILE"},
        {"out", 'o', HIDDEN, G_OPTION_ARG_FILENAME, &opt->out, "old name of --write", "FILE"},
        {"truth", 0, 0, G_OPTION_ARG_FILENAME, &opt->truth,
         "answer key to write (docs/truth-format.md; - for stdout)", "FILE"},
        {"seed", 's', 0, G_OPTION_ARG_INT64, &seed, "PRNG seed (default 1)", "N"},
        {"format", 0, 0, G_OPTION_ARG_STRING, &format, "pcap (default) or pcapng", "F"},
        {"nano", 0, 0, G_OPTION_ARG_NONE, &nano, "nanosecond timestamps", NULL},
        {"link", 0, 0, G_OPTION_ARG_STRING, &link, "ethernet (default), vlan or sll (UDP/TCP only)",
         "L"},
        {"vlan-id", 0, 0, G_OPTION_ARG_INT, &vlan, "802.1Q VLAN id (implies --link vlan)", "N"},
        {"ipv6", '6', 0, G_OPTION_ARG_NONE, &ipv6, "IPv6 instead of IPv4", NULL},
        {"port", 0, 0, G_OPTION_ARG_INT, &port, "the devices' UDP/TCP port (default 23130)", "N"},
        {"masters", 'm', 0, G_OPTION_ARG_INT, &masters, "masters (default 1; serial: 1)", "N"},
        {"devices", 0, 0, G_OPTION_ARG_STRING, &devices_text,
         "device ids 1..150, e.g. 1-4,7 (default 1-2)", "LIST"},
        {"limit", 'L', 0, G_OPTION_ARG_INT64, &frames,
         "stop starting exchanges after N frames (default 100)", "N"},
        {"frames", 'n', HIDDEN, G_OPTION_ARG_INT64, &frames, "old name of --limit", "N"},
        {"requests", 0, 0, G_OPTION_ARG_INT64, &requests,
         "stop after N traffic ticks (requests or events)", "N"},
        {"rate", 'r', 0, G_OPTION_ARG_DOUBLE, &opt->rate, "traffic ticks per second (default 100)",
         "R"},
        {"steady", 0, 0, G_OPTION_ARG_NONE, &steady, "ticks exactly 1/rate apart", NULL},
        {"latency", 0, 0, G_OPTION_ARG_STRING, &latency,
         "devices answer after MS +- JITTER_MS ms, uniform (default 5:2.5)", "MS[:JITTER_MS]"},
        {"jitter", 0, HIDDEN, G_OPTION_ARG_STRING, &jitter,
         "old: the spread as a share of --latency", "J"},
        {"broadcast", 0, 0, G_OPTION_ARG_DOUBLE, &opt->broadcast,
         "UDP: share of requests sent to the broadcast address", "P"},
        {"subnet-broadcast", 0, 0, G_OPTION_ARG_NONE, &subnet,
         "broadcast to 10.0.0.255 instead of 255.255.255.255", NULL},
        {"mix", 0, 0, G_OPTION_ARG_STRING, &mix,
         "traffic mix, e.g. heartbeat=20,read=30,write=25,unknown=5,write-all=5,event=15", "MIX"},
        {"bad-request", 0, 0, G_OPTION_ARG_DOUBLE, &opt->bad_request,
         "share of requests a device must refuse (default 0.05)", "P"},
        {"busy", 0, 0, G_OPTION_ARG_DOUBLE, &opt->busy,
         "share of answers DEVICE_BUSY/DEVICE_FAILURE (default 0.03)", "P"},
        {"burst", 0, 0, G_OPTION_ARG_DOUBLE, &opt->burst,
         "share of ticks sending 2-3 requests at once (default 0.1)", "P"},
        {"split", 0, 0, G_OPTION_ARG_DOUBLE, &opt->split,
         "share of bursts cut at random points (TCP segments, serial chunks) or into several "
         "datagrams (UDP) (default 0.3)",
         "P"},
        {"noise", 0, 0, G_OPTION_ARG_DOUBLE, &opt->noise,
         "serial: share of bursts preceded by line noise or a false start", "P"},
        {"corrupt-crc", 0, 0, G_OPTION_ARG_DOUBLE, &opt->fault_p[FAULT_BAD_CRC],
         "frames sent with a bad check (then NAKed and resent)", "P"},
        {"bad-crc", 0, HIDDEN, G_OPTION_ARG_DOUBLE, &opt->fault_p[FAULT_BAD_CRC],
         "old name of --corrupt-crc", "P"},
        {"drop", 0, 0, G_OPTION_ARG_DOUBLE, &opt->fault_p[FAULT_GAP],
         "frames lost before the capture point (then NAKed and resent)", "P"},
        {"gap", 0, HIDDEN, G_OPTION_ARG_DOUBLE, &opt->fault_p[FAULT_GAP], "old name of --drop",
         "P"},
        {"gap-size", 0, 0, G_OPTION_ARG_INT, &gap_size, "frames lost per drop (default 1..3)", "K"},
        {"duplicate", 0, 0, G_OPTION_ARG_DOUBLE, &opt->fault_p[FAULT_DUPLICATE],
         "frames sent twice", "P"},
        {"reorder", 0, 0, G_OPTION_ARG_DOUBLE, &opt->fault_p[FAULT_REORDER],
         "frames overtaken by the sender's next frame", "P"},
        {"nak", 0, 0, G_OPTION_ARG_DOUBLE, &opt->fault_p[FAULT_NAK],
         "frames NAKed BUSY by the receiver and retransmitted", "P"},
        {"sync", 0, 0, G_OPTION_ARG_DOUBLE, &opt->sync_p,
         "frames preceded by a SYNC restarting the sequence", "P"},
        {"fault-at", 0, 0, G_OPTION_ARG_STRING, &fault_at,
         "inject FAULT on the Nth fresh frame, e.g. drop:3,duplicate:7", "LIST"},
        {"crc", 0, 0, G_OPTION_ARG_STRING, &crc,
         "check variant: crc8-smbus (default), crc8-maxim, crc8-autosar, xor8, sum8", "V"},
        {"length-le", 0, 0, G_OPTION_ARG_NONE, &length_le, "little-endian length field", NULL},
        {"first-seq", 0, 0, G_OPTION_ARG_INT, &first_seq,
         "first seq of every sender (default random)", "N"},
        {"big-frames", 0, 0, G_OPTION_ARG_INT, &big,
         "4 KiB EVENT frames (default 1 for TCP, 0 otherwise)", "N"},
        {"map", 0, 0, G_OPTION_ARG_FILENAME, &opt->map_path,
         "register map (docs/REGISTER-MAP.md): its devices, READs and WRITEs at its items, "
         "answers with their simulated values",
         "FILE"},
        {"progress", 0, 0, G_OPTION_ARG_NONE, &progress,
         "a progress line on stderr even when it is not a terminal", NULL},
        {"no-progress", 0, 0, G_OPTION_ARG_NONE, &no_progress,
         "no progress line, even on a terminal", NULL},
        MCP_VERSION_OPTION(&version),
        G_OPTION_ENTRY_NULL};

    GOptionContext *ctx = g_option_context_new("- write MCP v1 sample captures with an answer key");
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_option_context_set_description(ctx, help_description);
    GError *err = NULL;
    bool ok = g_option_context_parse(ctx, &argc, &argv, &err);
    if (!ok) {
        fprintf(stderr, "mcpgen: %s\n", err->message);
        g_error_free(err);
    }
    g_option_context_free(ctx);

    if (ok && version) {
        mcp_version_print(stdout, "mcpgen", pcap_lib_version());
        exit(GEN_EXIT_OK);
    }
    if (ok && argc > 1)
        ok = fail("unexpected argument '%s'", argv[1]);
    if (ok && (opt->out == NULL || opt->out[0] == '\0'))
        ok = fail("%s", "--write FILE is required (- for stdout)");
    if (ok && opt->truth != NULL && opt->truth[0] == '\0')
        ok = fail("%s", "--truth needs a file name (- for stdout)");
    if (ok && transport != NULL) {
        if (strcmp(transport, "udp") == 0)
            opt->transport = GEN_UDP;
        else if (strcmp(transport, "tcp") == 0)
            opt->transport = GEN_TCP;
        else if (strcmp(transport, "serial") == 0)
            opt->transport = GEN_SERIAL;
        else
            ok = fail("unknown --transport '%s' (udp, tcp or serial)", transport);
    }
    opt->link = opt->transport == GEN_SERIAL ? GEN_LINK_UPPER_PDU : GEN_LINK_ETHERNET;
    if (ok && vlan != G_MININT) {
        if (vlan < 1 || vlan > 4094)
            ok = fail("%s", "--vlan-id must be 1..4094");
        opt->vlan_id = (uint16_t)vlan;
        opt->link = GEN_LINK_VLAN;
    }
    if (ok && link != NULL) {
        if (opt->transport == GEN_SERIAL)
            ok = fail("--link '%s' does not apply to serial captures", link);
        else if (strcmp(link, "ethernet") == 0 && vlan == G_MININT)
            opt->link = GEN_LINK_ETHERNET;
        else if (strcmp(link, "vlan") == 0)
            opt->link = GEN_LINK_VLAN;
        else if (strcmp(link, "sll") == 0 && vlan == G_MININT)
            opt->link = GEN_LINK_SLL;
        else
            ok = fail("bad --link '%s' (ethernet, vlan or sll; --vlan-id implies vlan)", link);
    }
    if (ok && format != NULL) {
        if (strcmp(format, "pcap") == 0)
            opt->format = GEN_FORMAT_PCAP;
        else if (strcmp(format, "pcapng") == 0)
            opt->format = GEN_FORMAT_PCAPNG;
        else
            ok = fail("unknown --format '%s' (pcap or pcapng)", format);
    }
    if (ok && crc != NULL && !mcp_crc_variant_from_name(crc, &opt->codec.crc)) {
        fprintf(stderr, "mcpgen: unknown --crc '%s' (one of %s)\n", crc, mcp_crc_variant_list());
        ok = false;
    }
    if (ok && mix != NULL)
        ok = parse_mix(mix, opt->mix);
    if (ok && fault_at != NULL && fault_at[0] == '\0')
        ok = fail("%s", "--fault-at needs FAULT:N entries, e.g. drop:3");
    if (ok && fault_at != NULL)
        ok = parse_fault_at(fault_at, opt);

    opt->seed = (uint64_t)seed;
    opt->nano = nano;
    opt->ipv6 = ipv6;
    opt->codec.length_le = length_le;
    opt->subnet_broadcast = subnet;
    opt->steady = steady;
    opt->masters = masters;
    opt->first_seq = first_seq == G_MININT ? -1 : first_seq;
    opt->gap_size = gap_size;
    opt->port = (uint16_t)port;
    opt->progress = no_progress ? GEN_PROGRESS_OFF : progress ? GEN_PROGRESS_ON : GEN_PROGRESS_AUTO;
    opt->requests = requests > 0 ? (uint64_t)requests : 0;
    if (frames >= 0)
        opt->frames = (uint64_t)frames;
    else if (requests > 0)
        opt->frames = UINT64_MAX;

    if (ok && seed < 0)
        ok = fail("%s", "--seed must be >= 0");
    if (ok && (masters < 1 || masters > 99))
        ok = fail("%s", "--masters must be 1..99");
    if (ok)
        ok = parse_devices(opt, devices_text, devices);
    if (ok && opt->transport == GEN_SERIAL && masters != 1)
        ok = fail("%s", "a serial line has one master: --masters must be 1");
    if (ok && opt->transport == GEN_SERIAL && ipv6)
        ok = fail("%s", "--ipv6 does not apply to serial captures");
    if (ok && frames != G_MININT64 && frames < 1)
        ok = fail("%s", "--limit must be >= 1");
    if (ok && (port < 1 || port > 65535 || (port > 40000 && port < 40001 + 99)))
        ok = fail("%s", "--port must be 1..65535 and not a master's port (40001..40099)");
    if (ok && opt->transport == GEN_SERIAL && port != MCP_DEFAULT_PORT)
        ok = fail("%s", "--port does not apply to serial captures");
    if (ok && opt->truth != NULL && strcmp(opt->out, "-") == 0 && strcmp(opt->truth, "-") == 0)
        ok = fail("%s", "--write - and --truth - cannot both go to stdout");
    if (ok && opt->truth != NULL && mcp_same_file(opt->out, opt->truth))
        ok = fail("%s", "--write and --truth name the same file"); /* device+inode: h19 #1 */
    if (ok && progress && no_progress)
        ok = fail("%s", "--progress and --no-progress exclude each other");
    if (ok && requests != G_MININT64 && requests < 1)
        ok = fail("%s", "--requests must be >= 1");
    if (ok && !(opt->rate > 0.0 && opt->rate <= 1e7))
        ok = fail("%s", "--rate must be > 0 and <= 1e7");
    if (ok)
        ok = parse_latency(opt, latency, jitter);
    if (ok && first_seq != G_MININT && (first_seq < 0 || first_seq > 255))
        ok = fail("%s", "--first-seq must be 0..255");
    if (ok && (gap_size < 0 || gap_size > 16)) /* 0: the default, 1..3 at random */
        ok = fail("%s", "--gap-size must be 1..16");
    ok = ok && check_probability("--broadcast", opt->broadcast) &&
         check_probability("--bad-request", opt->bad_request) &&
         check_probability("--busy", opt->busy) && check_probability("--burst", opt->burst) &&
         check_probability("--split", opt->split) && check_probability("--noise", opt->noise) &&
         check_probability("--sync", opt->sync_p);
    double fault_sum = 0.0;
    for (int f = 1; ok && f < FAULT_COUNT; f++) {
        char name[32];
        snprintf(name, sizeof name, "--%s", fault_names[f]);
        ok = check_probability(name, opt->fault_p[f]);
        fault_sum += opt->fault_p[f];
    }
    if (ok && fault_sum > 1.0)
        ok = fail("%s", "--corrupt-crc, --drop, --duplicate, --reorder and --nak add up to more "
                        "than 1");
    if (ok && opt->broadcast > 0.0 && opt->transport != GEN_UDP)
        ok = fail("%s", "--broadcast needs --transport udp");
    if (ok && opt->noise > 0.0 && opt->transport != GEN_SERIAL)
        ok = fail("%s", "--noise needs --transport serial");
    if (ok && big > 0 && opt->transport == GEN_UDP)
        ok = fail("%s", "--big-frames needs tcp or serial (a 4 KiB datagram would need IP "
                        "fragmentation)");
    if (ok && big != G_MININT && (big < 0 || big > 1000))
        ok = fail("%s", "--big-frames must be 0..1000");
    opt->big_frames = big >= 0 ? big : (opt->transport == GEN_TCP ? 1 : 0);
    if (ok && opt->map_path != NULL)
        ok = mapgen_configure(opt); /* last: a bad map is reported once the options are good */

    g_free(transport);
    g_free(link);
    g_free(format);
    g_free(crc);
    g_free(mix);
    g_free(fault_at);
    g_free(devices_text);
    g_free(latency);
    g_free(jitter);
    return ok;
}

void gen_options_free(struct gen_options *opt)
{
    g_free(opt->out);
    g_free(opt->truth);
    g_free(opt->fault_at);
    g_free(opt->map_path);
    mcp_regmap_free(opt->map);
    opt->map_path = NULL;
    opt->map = NULL;
    opt->out = opt->truth = NULL;
    opt->fault_at = NULL;
}
