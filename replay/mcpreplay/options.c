/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Command-line parsing. */
#include "options.h"

#include <math.h>
#include <pcap/pcap.h>
#include <string.h>

#include "capture.h"
#include "expect.h"
#include "mcp/crc.h"
#include "endpoint.h"
#include "samefile.h"
#include "serialline.h"
#include "version.h"

/* Raw values as GOption fills them; checked and converted afterwards. */
struct raw {
    gchar *target, *from, *cmd, *frames, *crc, *record, *json, *junit;
    gint port;
    gboolean length_le;
    gchar *speed, *pps, *mbps, *duration, *progress;
    gboolean topspeed;
    gint loop;
    gint64 limit;
    gboolean preload;
    gint reconnect, max_senders;
    gboolean renumber, fix_crc;
    gdouble corrupt_crc, drop, duplicate, reorder;
    gint64 seed;
    gboolean expect;
    gchar **ignore;
    gchar *map; /* issue 19 */
    gint timeout_ms, stall_ms;
    gboolean dry_run, quiet, realtime;
    gint retries, busy_backoff_ms;
    gchar **files;
    /* issue 8: capture reading */
    gboolean show_bytes, allow_skips, allow_unmatched;
    gchar *display_filter;
    gchar **dlt_user;
    gint silence_ms; /* --silence */
};

#define LIMIT_NOT_GIVEN G_MININT64

static bool fail(GError **error, const char *fmt, const char *what)
{
    g_set_error(error, MR_ERROR, 2, fmt, what);
    return false;
}

static bool probability(double p, const char *name, GError **error)
{
    if (!(p >= 0 && p <= 1))
        return fail(error, "%s takes a probability from 0 to 1", name);
    return true;
}

/* A number that is finite and over 0, the whole text (e.g. "-1", "nan", "inf", "2x" fail). */
static bool positive(const char *text, const char *name, double *out, GError **error)
{
    char *end = NULL;
    double v = g_ascii_strtod(text, &end);
    if (end == text || *end != '\0' || !isfinite(v) || !(v > 0)) {
        g_set_error(error, MR_ERROR, 2, "%s must be a finite number over 0, not '%s'", name, text);
        return false;
    }
    *out = v;
    return true;
}

static bool check_pacing(struct raw *r, struct mr_options *o, GError **error)
{
    int modes = (r->speed != NULL) + (r->pps != NULL) + (r->mbps != NULL) + (r->topspeed != FALSE);
    if (modes > 1)
        return fail(error, "%s: choose one of them",
                    "--speed, --pps, --mbps and --topspeed exclude each other");
    double v = 1.0;
    if (r->pps != NULL) {
        if (!positive(r->pps, "--pps", &v, error))
            return false;
        o->pace = MR_PACE_PPS;
        o->pace_value = v;
        o->pace_text = g_strdup_printf("%g packets/s", v);
    } else if (r->mbps != NULL) {
        if (!positive(r->mbps, "--mbps", &v, error))
            return false;
        o->pace = MR_PACE_MBPS;
        o->pace_value = v;
        o->pace_text = g_strdup_printf("%g Mbit/s", v);
    } else if (r->topspeed) {
        o->pace = MR_PACE_TOP;
        o->pace_text = g_strdup("top speed");
    } else {
        double speed = 1.0;
        if (r->speed != NULL && !positive(r->speed, "--speed", &speed, error))
            return false;
        /* Outside this range the schedule (ns, int64) overflows for captures of hours, and
         * a factor that small or large is a typo, not a test. */
        if (speed < MR_SPEED_MIN || speed > MR_SPEED_MAX) {
            g_set_error(error, MR_ERROR, 2, "--speed must be from %g to %g, not '%s'", MR_SPEED_MIN,
                        MR_SPEED_MAX, r->speed);
            return false;
        }
        o->pace = MR_PACE_CAPTURE;
        o->pace_value = speed;
        o->pace_text = g_strdup_printf("capture timing x%g", speed);
    }
    return true;
}

/* No output may be an input capture or the other output (h19 #1): device and inode, checked
 * before anything is opened, so ./x, a symlink or a hard link to the capture is refused too. */
static bool outputs_apart(const struct raw *r, GError **error)
{
    const char *outs[3] = {r->record, r->json, r->junit};
    const char *names[3] = {"--write", "--json", "--junit"};
    for (int i = 0; i < 3; i++)
        if (outs[i] != NULL && outs[i][0] == '\0')
            return fail(error, "%s: an empty file name (- is stdout)", names[i]);
    for (int i = 0; i < 3; i++)
        for (gchar **f = r->files; outs[i] != NULL && *f != NULL; f++)
            if (mcp_same_file(outs[i], *f)) {
                g_set_error(error, MR_ERROR, 2,
                            "%s %s is the capture %s: refusing to overwrite an input", names[i],
                            outs[i], *f);
                return false;
            }
    for (int i = 0; i < 3; i++)
        for (int k = i + 1; k < 3; k++) {
            if (outs[i] == NULL || outs[k] == NULL)
                continue;
            if (strcmp(outs[i], "-") == 0 && strcmp(outs[k], "-") == 0) {
                g_set_error(error, MR_ERROR, 2, "%s - and %s - cannot both write to stdout",
                            names[i], names[k]);
                return false;
            }
            if (mcp_same_file(outs[i], outs[k])) {
                g_set_error(error, MR_ERROR, 2, "%s %s and %s %s name the same file", names[i],
                            outs[i], names[k], outs[k]);
                return false;
            }
        }
    return true;
}

/* "--from X, --cmd Y, --frames Z, -Y 'F'" as given; the default when none is. */
static char *select_text(const struct raw *r)
{
    GString *t = g_string_new(NULL);
    const char *names[3] = {"--from", "--cmd", "--frames"};
    const char *values[3] = {r->from, r->cmd, r->frames};
    for (int i = 0; i < 3; i++)
        if (values[i] != NULL)
            g_string_append_printf(t, "%s%s %s", t->len ? ", " : "", names[i], values[i]);
    if (r->display_filter != NULL)
        g_string_append_printf(t, "%s-Y '%s'", t->len ? ", " : "", r->display_filter);
    if (r->from == NULL)
        g_string_append_printf(t, "%s--from master, the default", t->len ? ", " : "");
    return g_string_free(t, FALSE);
}

static bool convert(struct raw *r, struct mr_options *o, GError **error)
{
    if (r->files == NULL || r->files[0] == NULL)
        return fail(error, "%s", "no capture file given (usage: mcpreplay -t URL FILE...)");
    o->files = g_strdupv(r->files);
    o->file_count = g_strv_length(r->files);
    if (r->target == NULL && !r->dry_run)
        return fail(error, "%s",
                    "no target given: --target udp://HOST:PORT, tcp://HOST:PORT, "
                    "serial:/dev/X?baud=N or iface:NAME (or --dry-run)");
    o->target = g_strdup(r->target);
    if (o->target != NULL) { /* a bad URL is a usage error, found before anything is opened */
        struct mcp_endpoint ep;
        char why[256];
        if (!mcp_endpoint_parse(o->target, &ep, why, sizeof why)) {
            g_set_error(error, MR_ERROR, 2, "--target: %s", why);
            return false;
        }
    }
    if (r->port < 1 || r->port > 65535)
        return fail(error, "%s must be from 1 to 65535", "--port");
    o->port = r->port;
    o->codec = mcp_codec_default();
    o->codec.length_le = r->length_le;
    if (r->crc != NULL && !mcp_crc_variant_from_name(r->crc, &o->codec.crc)) {
        g_set_error(error, MR_ERROR, 2, "--crc: unknown variant '%s' (one of: %s)", r->crc,
                    mcp_crc_variant_list());
        return false;
    }
    o->select.from = MR_FROM_MASTER;
    if (r->from != NULL && !mr_select_parse_from(&o->select, r->from, error))
        return false;
    if (r->cmd != NULL && !mr_select_parse_cmds(&o->select, r->cmd, error))
        return false;
    if (r->frames != NULL && !mr_select_parse_frames(&o->select, r->frames, error))
        return false;
    if (!check_pacing(r, o, error))
        return false;
    if (r->loop < 1)
        return fail(error, "%s must be 1 or more", "--loop");
    o->loops = r->loop;
    if (r->limit != LIMIT_NOT_GIVEN && r->limit < 1)
        return fail(error, "%s must be 1 or more (leave it out for no limit)", "--limit");
    o->limit = r->limit == LIMIT_NOT_GIVEN ? 0 : r->limit;
    if (r->duration != NULL && !positive(r->duration, "--duration", &o->duration, error))
        return false;
    if (r->progress != NULL && !positive(r->progress, "--progress", &o->progress_s, error))
        return false;
    if (r->retries < 0)
        return fail(error, "%s must not be negative", "--retries");
    o->retries = r->retries;
    if (r->busy_backoff_ms < 0)
        return fail(error, "%s must be 0 ms or more", "--busy-backoff");
    o->busy_backoff_ms = r->busy_backoff_ms;
    o->preload = r->preload;
    if (r->reconnect < 0)
        return fail(error, "%s must not be negative", "--reconnect");
    o->reconnect = r->reconnect;
    if (r->max_senders < 1)
        return fail(error, "%s must be 1 or more", "--max-senders");
    o->max_senders = (unsigned)r->max_senders;
    /* A loop resends the same seqs: fresh ones keep the device from seeing duplicates. */
    o->renumber = r->renumber || r->loop > 1;
    o->fix_crc = r->fix_crc;
    if (!probability(r->corrupt_crc, "--corrupt-crc", error) ||
        !probability(r->drop, "--drop", error) ||
        !probability(r->duplicate, "--duplicate", error) ||
        !probability(r->reorder, "--reorder", error))
        return false;
    o->corrupt_crc = r->corrupt_crc;
    o->drop = r->drop;
    o->duplicate = r->duplicate;
    o->reorder = r->reorder;
    if (r->seed < 0)
        return fail(error, "%s must be 0 or more", "--seed");
    o->seed = r->seed;
    o->expect = r->expect;
    if (r->map != NULL && !r->expect)
        return fail(error, "%s",
                    "--map compares the answers item by item under --expect: give --expect (-e) "
                    "too");
    if (r->map != NULL && *r->map == '\0')
        return fail(error, "%s", "--map: an empty file name");
    o->map_path = g_strdup(r->map);
    o->ignore_items = g_ptr_array_new_with_free_func(g_free);
    if (!mr_expect_parse_ignore_items((const char *const *)r->ignore, &o->ignore_mask,
                                      r->map != NULL ? o->ignore_items : NULL, error))
        return false;
    g_ptr_array_add(o->ignore_items, NULL); /* a NULL-terminated list for the expect config */
    if (r->timeout_ms < 1)
        return fail(error, "%s must be 1 ms or more", "--timeout");
    o->timeout_ms = r->timeout_ms;
    if (r->stall_ms < 1)
        return fail(error, "%s must be 1 ms or more", "--stall-timeout");
    o->stall_ms = r->stall_ms;
    char why[128];
    if (!mcp_silence_check(r->silence_ms, why, sizeof why))
        return fail(error, "%s", why);
    o->silence_ms = r->silence_ms;
    if (!outputs_apart(r, error))
        return false;
    o->record = g_strdup(r->record);
    o->json = g_strdup(r->json);
    if (r->junit != NULL && !r->expect)
        return fail(error, "%s", "--junit writes the --expect verdict: give --expect (-e) too");
    o->junit = g_strdup(r->junit);
    if (r->dry_run && r->expect) /* a tester's finding: -n -e --junit wrote a passing file */
        return fail(error, "%s",
                    "--dry-run sends nothing, so --expect has nothing to check: drop one");
    if (r->dry_run && r->json != NULL && strcmp(r->json, "-") == 0)
        return fail(error, "%s",
                    "--dry-run prints the schedule on stdout: --json - would mix into it "
                    "(give --json FILE)");
    o->dry_run = r->dry_run;
    o->quiet = r->quiet;
    o->realtime = r->realtime;
    o->show_bytes = r->show_bytes; /* issue 8 */
    o->allow_skips = r->allow_skips;
    o->allow_unmatched = r->allow_unmatched;
    o->display_filter = g_strdup(r->display_filter);
    o->select_text = select_text(r);
    for (gchar **v = r->dlt_user; v != NULL && *v != NULL; v++)
        if (!mr_dlt_user_add_option(&o->dlt_user, *v, error))
            return false;
    if (!o->dlt_user.from_option) /* what Wireshark shows is what is replayed */
        mr_dlt_user_load_wireshark(&o->dlt_user);
    bool iface = o->target != NULL && g_str_has_prefix(o->target, "iface:");
    if (iface && (r->from != NULL || r->cmd != NULL || o->expect || r->renumber || r->fix_crc ||
                  r->corrupt_crc > 0))
        return fail(error, "%s",
                    "iface: targets inject whole packets: --from, --cmd, --expect, --renumber, "
                    "--fix-crc and --corrupt-crc do not apply");
    return true;
}

bool mr_options_parse(int argc, char **argv, struct mr_options *o, GError **error)
{
    struct raw r = {.port = MCP_DEFAULT_PORT,
                    .loop = 1,
                    .seed = 1,
                    .timeout_ms = 1000,
                    .stall_ms = 5000,
                    .max_senders = 1024,
                    .limit = LIMIT_NOT_GIVEN,
                    .retries = 3,
                    .busy_backoff_ms = 50,
                    .silence_ms = MCP_SILENCE_DEFAULT_MS};
    gboolean version = FALSE;
    GOptionEntry entries[] = {
        {"target", 't', 0, G_OPTION_ARG_STRING, &r.target,
         "Where to send: udp://HOST:PORT, tcp://HOST:PORT, "
         "serial:/dev/X?baud=N&parity=P&data-bits=D&stop-bits=S (each parameter optional), "
         "iface:NAME (IPv6 hosts in brackets)",
         "URL"},
        {"port", 0, 0, G_OPTION_ARG_INT, &r.port,
         "The MCP port in the capture (default 23130): UDP frames sent to it are the master's",
         "N"},
        {"from", 0, 0, G_OPTION_ARG_STRING, &r.from,
         "Whose frames: master (default), device, all, or ADDR[:PORT]", "WHO"},
        {"cmd", 0, 0, G_OPTION_ARG_STRING, &r.cmd, "Only these commands, e.g. READ,WRITE or 0x02",
         "LIST"},
        {"frames", 0, 0, G_OPTION_ARG_STRING, &r.frames,
         "Only frames in these capture records (Wireshark frame numbers), e.g. 1-100,250,300-",
         "RANGE"},
        {"crc", 0, 0, G_OPTION_ARG_STRING, &r.crc,
         "Check variant of the frames (default crc8-smbus)", "VARIANT"},
        {"length-le", 0, 0, G_OPTION_ARG_NONE, &r.length_le, "The length field is little-endian",
         NULL},
        {"speed", 'x', 0, G_OPTION_ARG_STRING, &r.speed,
         "Capture timing sped up X times (default 1)", "X"},
        {"pps", 'p', 0, G_OPTION_ARG_STRING, &r.pps, "A fixed rate in frames per second", "N"},
        {"mbps", 'M', 0, G_OPTION_ARG_STRING, &r.mbps, "A fixed rate in Mbit/s of frame bytes",
         "X"},
        {"topspeed", 'T', 0, G_OPTION_ARG_NONE, &r.topspeed, "As fast as possible (batched)", NULL},
        {"loop", 'l', 0, G_OPTION_ARG_INT, &r.loop, "Replay the capture N times (renumbers)", "N"},
        {"limit", 'L', 0, G_OPTION_ARG_INT64, &r.limit, "Stop after N frames (1 or more)", "N"},
        {"duration", 'd', 0, G_OPTION_ARG_STRING, &r.duration, "Stop after S seconds (over 0)",
         "S"},
        {"retries", 0, 0, G_OPTION_ARG_INT, &r.retries,
         "Resend a frame the target NAKs (BAD_CRC, SEQ_GAP, BUSY) up to N times (default 3)", "N"},
        {"busy-backoff", 0, 0, G_OPTION_ARG_INT, &r.busy_backoff_ms,
         "After NAK BUSY, wait MS before resending (default 50)", "MS"},
        {"progress", 0, 0, G_OPTION_ARG_STRING, &r.progress,
         "Print a progress line every S seconds (default: a live line on a terminal only)", "S"},
        {"preload", 'K', 0, G_OPTION_ARG_NONE, &r.preload,
         "Read the capture into memory first (highest rates)", NULL},
        {"max-senders", 0, 0, G_OPTION_ARG_INT, &r.max_senders,
         "udp:// and tcp:// targets: one socket per captured sender, at most N (default 1024)",
         "N"},
        {"reconnect", 0, 0, G_OPTION_ARG_INT, &r.reconnect,
         "TCP: reconnect up to N times after a reset (default 0: a reset ends the run)", "N"},
        {"renumber", 0, 0, G_OPTION_ARG_NONE, &r.renumber,
         "Give the frames fresh seqs and recompute the check", NULL},
        {"fix-crc", 0, 0, G_OPTION_ARG_NONE, &r.fix_crc, "Recompute bad checks", NULL},
        {"corrupt-crc", 0, 0, G_OPTION_ARG_DOUBLE, &r.corrupt_crc,
         "Spoil the check of a frame with probability P", "P"},
        {"drop", 0, 0, G_OPTION_ARG_DOUBLE, &r.drop, "Leave out a frame with probability P", "P"},
        {"duplicate", 0, 0, G_OPTION_ARG_DOUBLE, &r.duplicate,
         "Send a frame twice with probability P", "P"},
        {"reorder", 0, 0, G_OPTION_ARG_DOUBLE, &r.reorder,
         "Swap a frame with the next with probability P", "P"},
        {"seed", 's', 0, G_OPTION_ARG_INT64, &r.seed, "Seed of the fault generator (default 1)",
         "N"},
        {"expect", 'e', 0, G_OPTION_ARG_NONE, &r.expect,
         "Compare the target's answers with the capture's", NULL},
        {"ignore", 0, 0, G_OPTION_ARG_STRING_ARRAY, &r.ignore,
         "With --expect: do not compare FIELD (uptime, value, status...) or, with --map, the item "
         "NAME (repeatable)",
         "FIELD|NAME"},
        {"map", 0, 0, G_OPTION_ARG_FILENAME, &r.map,
         "With --expect: compare READ answers item by item by this register map, each within its "
         "tolerance (docs/REGISTER-MAP.md)",
         "FILE"},
        {"timeout", 0, 0, G_OPTION_ARG_INT, &r.timeout_ms,
         "An answer later than MS is late, one later than twice MS missing (default 1000)", "MS"},
        {"stall-timeout", 0, 0, G_OPTION_ARG_INT, &r.stall_ms,
         "A target that accepts no data for MS is lost (default 5000)", "MS"},
        {"silence", 0, 0, G_OPTION_ARG_INT, &r.silence_ms, MCP_SILENCE_HELP, "MS"},
        {"write", 'w', 0, G_OPTION_ARG_FILENAME, &r.record,
         "Write everything sent and received to a capture (- for stdout)", "FILE"},
        {"record", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &r.record, "old name of --write",
         "FILE"},
        {"junit", 0, 0, G_OPTION_ARG_FILENAME, &r.junit,
         "With --expect: write the verdict as JUnit XML for CI (one testcase per request; - for "
         "stdout)",
         "FILE"},
        {"json", 0, 0, G_OPTION_ARG_FILENAME, &r.json, "Write the results as JSON (- for stdout)",
         "FILE"},
        {"dry-run", 'n', 0, G_OPTION_ARG_NONE, &r.dry_run, "Print the schedule, send nothing",
         NULL},
        {"quiet", 'q', 0, G_OPTION_ARG_NONE, &r.quiet, "No summary", NULL},
        {"realtime", 0, 0, G_OPTION_ARG_NONE, &r.realtime,
         "Run under SCHED_FIFO (needs CAP_SYS_NICE) so other tasks cannot delay a send", NULL},
        /* issue 8: capture reading */
        {"show-bytes", 0, 0, G_OPTION_ARG_NONE, &r.show_bytes,
         "With --dry-run: also print each frame's capture time (s since the epoch) and bytes",
         NULL},
        {"allow-unmatched", 0, 0, G_OPTION_ARG_NONE, &r.allow_unmatched,
         "With --expect: answers matching no request (a device answering twice) do not fail "
         "the run (exit 1)",
         NULL},
        {"allow-skips", 0, 0, G_OPTION_ARG_NONE, &r.allow_skips,
         "Frames the capture does not hold whole (listed) do not fail the run (exit 4)", NULL},
        {"display-filter", 'Y', 0, G_OPTION_ARG_STRING, &r.display_filter,
         "Only the frames this Wireshark display filter matches (runs tshark with the mcp5a "
         "plugin)",
         "FILTER"},
        {"dlt-user", 0, 0, G_OPTION_ARG_STRING_ARRAY, &r.dlt_user,
         "LINKTYPE_USER0..15 (DLT 147..162) records carry what Wireshark's DLT_USER table "
         "says: 147=mcp5a.serial (raw serial bytes), ',header=N,trailer=M' cut N and M bytes; "
         "repeatable; 'none': no mapping. Default: Wireshark's own user_dlts",
         "DLT=DISSECTOR"},
        MCP_VERSION_OPTION(&version),
        {G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &r.files, NULL, "FILE..."},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    GOptionContext *ctx = g_option_context_new("- replay MCP frames from captures to a device");
    g_option_context_add_main_entries(ctx, entries, NULL);
    g_option_context_set_summary(
        ctx, "Sends the MCP frames of pcap/pcapng captures to a real target with the capture's "
             "timing\n(or a fixed rate), optionally checking the answers against the capture.");
    g_option_context_set_description(
        ctx,
        "Examples:\n"
        "  mcpreplay -t udp://10.0.0.5:23130 field.pcapng\n"
        "  mcpreplay -t tcp://plc:23130 -e --json result.json field.pcapng\n"
        "  mcpreplay -t 'serial:/dev/ttyUSB0?baud=115200' -x 10 line.pcapng\n"
        "  mcpreplay -t 'serial:/dev/ttyS1?baud=19200&parity=even&stop-bits=2' line.pcap\n"
        "  mcpreplay -t udp://[fd00::5]:23130 -T -K -L 100000 big.pcap\n"
        "  mcpreplay -n --frames 1-100 -Y 'mcp5a.cmd == 0x02' field.pcapng\n"
        "  mcpreplay -t udp://10.0.0.5:23130 --drop 0.01 --corrupt-crc 0.01 -s 7 f.pcap\n"
        "  mcpreplay -t serial:/dev/ttyUSB0 --dlt-user 147=mcp5a.serial uart.pcap\n"
        "\n"
        "Exit status (one table for every tool: docs/options.md):\n"
        "  0  every frame sent; with --expect every answer as captured\n"
        "  1  answers differ from the capture (--expect: mismatched, late, NAKed, missing,\n"
        "     unmatched), or frames from the target fail the check or are not MCP\n"
        "  2  usage error, or an unreadable or invalid capture, or no frame to replay\n"
        "  3  target unreachable, refused or lost\n"
        "  4  frames skipped (listed; --allow-skips accepts them)\n"
        "  5  interrupted (SIGINT/SIGTERM: \"interrupted after N of M frames\")\n"
        "  6  an output (-w, --json, --junit) cannot be created or written (was 2 before 0.2)\n"
        "See mcpreplay(1).");
    memset(o, 0, sizeof *o);
    GError *err = NULL;
    bool ok = g_option_context_parse(ctx, &argc, &argv, &err);
    if (!ok) {
        g_set_error(error, MR_ERROR, 2, "%s", err->message);
        g_error_free(err);
    } else if (version) {
        mcp_version_print(stdout, "mcpreplay", pcap_lib_version());
        o->version_shown = true;
    } else {
        ok = convert(&r, o, error);
    }
    g_option_context_free(ctx);
    g_free(r.target);
    g_free(r.from);
    g_free(r.cmd);
    g_free(r.frames);
    g_free(r.crc);
    g_free(r.record);
    g_free(r.junit);
    g_free(r.json);
    g_free(r.speed);
    g_free(r.pps);
    g_free(r.mbps);
    g_free(r.duration);
    g_free(r.progress);
    g_free(r.display_filter); /* issue 8 */
    g_strfreev(r.ignore);
    g_free(r.map);
    g_strfreev(r.dlt_user);
    g_strfreev(r.files);
    return ok;
}

void mr_options_clear(struct mr_options *o)
{
    g_strfreev(o->files);
    g_free(o->target);
    g_free(o->pace_text);
    g_free(o->record);
    g_free(o->json);
    g_free(o->junit);
    g_free(o->display_filter); /* issue 8 */
    g_free(o->select_text);
    g_free(o->map_path);
    mcp_regmap_free(o->map);
    if (o->ignore_items != NULL)
        g_ptr_array_free(o->ignore_items, TRUE);
    mr_select_clear(&o->select);
    memset(o, 0, sizeof *o);
}
