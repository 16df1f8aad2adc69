/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Command-line options of mcpreplay (GOption) and their checks. */
#ifndef MR_OPTIONS_H
#define MR_OPTIONS_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "dltuser.h"
#include "mcp/frame.h"
#include "mcp/regmap.h"
#include "pacer.h"
#include "select.h"

struct mr_options {
    bool version_shown; /* -V: the version was printed, nothing else to do */
    char **files;
    size_t file_count;
    char *target;
    int port;
    struct mr_select select;
    struct mcp_codec codec;
    enum mr_pace_mode pace;
    double pace_value; /* speed, pps or mbps */
    char *pace_text;   /* for the report: "speed x1" */
    int loops;
    gint64 limit;    /* 0: none */
    double duration; /* seconds, 0: none */
    bool preload;
    int reconnect;
    unsigned max_senders; /* udp/tcp targets: sockets, one per captured sender */
    bool renumber;
    bool fix_crc;
    double corrupt_crc, drop, duplicate, reorder;
    gint64 seed;
    bool expect;
    uint32_t ignore_mask;
    /* issue 19: --map FILE (REGISTER-MAP.md §5), read by main before anything is opened */
    char *map_path;
    struct mcp_regmap *map;
    GPtrArray
        *ignore_items; /* --ignore NAMEs that are no field: --map items (char *, NULL-ended) */
    int timeout_ms;
    int stall_ms;
    int silence_ms; /* --silence: §5 line silence ending a partial serial frame; 0 never */
    char *record;
    char *json;
    char *junit; /* issue 21: --junit FILE, the --expect verdict as JUnit XML (junit.h) */
    bool dry_run;
    bool quiet;
    bool realtime;       /* SCHED_FIFO while replaying */
    int retries;         /* resends of a NAKed frame (§3), 0.. */
    int busy_backoff_ms; /* wait before resending after NAK BUSY */
    double progress_s;   /* --progress: a line every S seconds (0: only on a terminal) */
    /* issue 8: capture reading */
    bool show_bytes;      /* --dry-run lists capture time and bytes */
    bool allow_skips;     /* frames that could not be extracted do not fail the run */
    bool allow_unmatched; /* h19 #13: --expect accepts answers matching no request (§4) */
    char *display_filter; /* -Y: tshark selects the frames (dfilter.h) */
    char *select_text;    /* h19 #6: the selecting options as given, for "no frame matches" */
    /* LINKTYPE_USER0..15: --dlt-user, else Wireshark's user_dlts (default profile) */
    struct mr_dlt_user_table dlt_user;
};

/* issue 8: frames were skipped (listed in the summary and --json); --allow-skips accepts. */
#define MR_EXIT_SKIPPED MCP_EXIT_SKIPPED

/* h19 #2: SIGINT or SIGTERM stopped the run before every frame was sent (the same code as
 * mcpgen's). */
#define MR_EXIT_INTERRUPTED MCP_EXIT_INTERRUPTED

/* --speed's range (h19 #17): a factor outside it is a usage error. */
#define MR_SPEED_MIN 1e-3
#define MR_SPEED_MAX 1e6

/* Parses argv (--help prints and exits 0). False with *error (code 2, one line) on a usage error.
 */
bool mr_options_parse(int argc, char **argv, struct mr_options *o, GError **error);
void mr_options_clear(struct mr_options *o);

#endif
