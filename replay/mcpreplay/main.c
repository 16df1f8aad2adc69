/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mcpreplay: replays the MCP frames of captures to a device. See docs/mcpreplay.md. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "expect_map.h"
#include "mapopt.h"
#include "options.h"
#include "replay.h"

static void on_signal(int sig)
{
    (void)sig;
    mr_replay_request_stop();
}

int main(int argc, char **argv)
{
    struct mr_options o;
    GError *error = NULL;
    if (!mr_options_parse(argc, argv, &o, &error)) {
        g_printerr("mcpreplay: %s (see mcpreplay --help)\n", error->message);
        g_error_free(error);
        mr_options_clear(&o);
        return 2;
    }
    if (o.version_shown) {
        mr_options_clear(&o);
        return 0;
    }
    /* issue 19: --map read, and --ignore's item names checked in it, before anything is
     * opened or sent; a bad map is "mcpreplay: FILE:LINE: what is wrong", exit 2. */
    if (o.map_path != NULL) {
        int rc = mcp_mapopt_load("mcpreplay", o.map_path, &o.map);
        if (rc != 0) {
            mr_options_clear(&o);
            return rc;
        }
    }
    if (!mr_expect_check_ignore_items(o.map, o.map_path, o.ignore_items, &error)) {
        g_printerr("mcpreplay: %s (see mcpreplay --help)\n", error->message);
        g_error_free(error);
        mr_options_clear(&o);
        return 2;
    }
    /* Ctrl-C (SIGINT) or SIGTERM ends the run after the current frame, with the summary
     * ("interrupted after N of M frames") and exit 5 (MR_EXIT_INTERRUPTED). */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    int code = mr_replay_run(&o);
    mr_options_clear(&o);
    return code;
}
