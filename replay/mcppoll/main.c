/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mcppoll: talks to one MCP device by hand. See docs/mcppoll.1. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mapopt.h"
#include "options.h"
#include "output.h"
#include "plan.h"
#include "samefile.h"
#include "run.h"
#include "session.h"

static void on_signal(int sig)
{
    (void)sig;
    mp_session_request_stop();
}

int main(int argc, char **argv)
{
    g_set_prgname("mcppoll");
    struct mp_options *o = g_new0(struct mp_options, 1);
    GError *error = NULL;
    if (!mp_options_parse(argc, argv, o, &error)) {
        g_printerr("mcppoll: %s (see mcppoll --help)\n", error->message);
        g_error_free(error);
        mp_options_clear(o);
        g_free(o);
        return MP_EXIT_USAGE;
    }
    if (o->version_shown) {
        mp_options_clear(o);
        g_free(o);
        return 0;
    }
    /* --map: a bad map is FILE:LINE and exit 2 before anything is sent or written (issue 19). */
    if (o->map_path != NULL) {
        int rc = mcp_mapopt_load("mcppoll", o->map_path, &o->map);
        if (rc != 0) {
            mp_options_clear(o);
            g_free(o);
            return rc;
        }
    }
    if (!mp_plan_build(o, &error)) {
        /* (not g_printerr: a unit such as °C stays UTF-8 whatever the locale) */
        fprintf(stderr, "mcppoll: %s\n", error->message);
        g_error_free(error);
        mp_options_clear(o);
        g_free(o);
        return MP_EXIT_USAGE;
    }
    if (o->csv_path != NULL && o->json_path != NULL && strcmp(o->csv_path, "-") != 0 &&
        (mcp_same_file(o->csv_path, o->json_path) ||
         (o->record != NULL && mcp_same_file(o->csv_path, o->record)))) {
        g_printerr("mcppoll: --csv %s names the same file as another output\n", o->csv_path);
        mp_options_clear(o);
        g_free(o);
        return MP_EXIT_USAGE;
    }
    /* h19 #1: one file for both outputs (or both on stdout) would mix them: refused first. */
    if (o->record != NULL && o->json_path != NULL &&
        (mcp_same_file(o->record, o->json_path) ||
         (strcmp(o->record, "-") == 0 && strcmp(o->json_path, "-") == 0))) {
        g_printerr("mcppoll: --write %s and --json=%s name the same output (see mcppoll --help)\n",
                   o->record, o->json_path);
        mp_options_clear(o);
        g_free(o);
        return MP_EXIT_USAGE;
    }
    /* -w -: the capture takes stdout; what mcppoll prints goes to stderr instead. */
    if (o->record != NULL && strcmp(o->record, "-") == 0) {
        fflush(stdout);
        int fd = dup(STDOUT_FILENO);
        if (fd < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
            g_printerr("mcppoll: --write -: cannot take stdout\n");
            return MP_EXIT_OUTPUT;
        }
        g_free(o->record);
        o->record = g_strdup_printf("/dev/fd/%d", fd);
    }
    /* --json=FILE: the JSON lines go to FILE; what mcppoll prints besides goes to stderr. */
    if (o->json_path != NULL && strcmp(o->json_path, "-") != 0) {
        fflush(stdout);
        if (freopen(o->json_path, "w", stdout) == NULL) {
            g_printerr("mcppoll: --json: cannot write '%s': %s\n", o->json_path, g_strerror(errno));
            mp_options_clear(o);
            g_free(o);
            return MP_EXIT_OUTPUT;
        }
    }
    if (!mp_output_csv_open(o, &error)) {
        g_printerr("mcppoll: %s\n", error->message);
        g_error_free(error);
        mp_options_clear(o);
        g_free(o);
        return MP_EXIT_OUTPUT;
    }
    /* Ctrl-C ends the wait for the current answer; polling stops with its summary. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    int code = mp_run(o);
    if (!mp_output_csv_close(&error)) {
        g_printerr("mcppoll: %s\n", error->message);
        g_clear_error(&error);
        if (code == MP_EXIT_OK)
            code = MP_EXIT_OUTPUT;
    }
    /* h19 #4: JSON lines (or the text) that could not be written are a failure, not exit 0. */
    errno = 0;
    if ((fflush(stdout) != 0 || ferror(stdout)) && errno != EPIPE) { /* a closed reader: as 0 */
        g_printerr("mcppoll: %s: writing failed: %s\n",
                   o->json_path != NULL && strcmp(o->json_path, "-") != 0 ? o->json_path : "stdout",
                   errno != 0 ? g_strerror(errno) : "an earlier write failed (e.g. a full disk)");
        if (code == MP_EXIT_OK)
            code = MP_EXIT_OUTPUT;
    }
    mp_options_clear(o);
    g_free(o);
    return code;
}
