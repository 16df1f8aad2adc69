/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mcpreplay: replays the MCP frames of captures to a device. See docs/mcpreplay.md. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "expect_map.h"
#include "mapopt.h"
#include "options.h"
#include "replay.h"

static void on_signal(int sig)
{
    (void)sig;
    mr_replay_request_stop();
}

/*
 * Issue 24: -n's listing is about 100 bytes a frame; into a file, stdio's 4 KiB buffer
 * made it one write(2) every 40 frames, a third of the listing's time. A file of its
 * own (not also stderr's, whose messages would then land far from the lines they
 * follow) gets a 1 MiB buffer. A pipe or terminal keeps stdio's buffering.
 */
static void buffer_stdout(void)
{
    static char buf[1 << 20];
    struct stat out, err;
    if (fstat(STDOUT_FILENO, &out) != 0 || !S_ISREG(out.st_mode))
        return;
    if (fstat(STDERR_FILENO, &err) == 0 && err.st_dev == out.st_dev && err.st_ino == out.st_ino)
        return;
    setvbuf(stdout, buf, _IOFBF, sizeof buf);
}

int main(int argc, char **argv)
{
    buffer_stdout(); /* before anything is written */
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
