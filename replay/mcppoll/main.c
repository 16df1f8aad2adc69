/* mcppoll: ask one MCP device one thing now, or poll it (see docs/mcppoll.1). */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mcp/names.h"
#include "mcp/pdu.h"
#include "options.h"
#include "output.h"
#include "session.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

/* Sleeps until the monotonic time due (or a signal). */
static void sleep_until(int64_t due)
{
    struct timespec ts = {.tv_sec = due / 1000000000, .tv_nsec = due % 1000000000};
    while (!stop && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) != 0)
        ;
}

static int worse(int a, int b)
{
    /* 3 (no answer) over 1 (another status) over 0 */
    return a == 3 || b == 3 ? 3 : a > b ? a : b;
}

static bool one(struct mp_session *s, const struct mp_options *o, struct mp_result *r,
                GError **error)
{
    uint8_t payload[MCP_MAX_PAYLOAD];
    size_t n = 0;
    switch (o->kind) {
    case MP_READ:
        n = mcp_build_read(o->device, o->addr, o->count, payload, sizeof payload);
        return mp_session_request(s, MCP_CMD_READ, payload, n, r, error);
    case MP_WRITE:
        n = mcp_build_write(o->device, o->addr, o->count, o->values, payload, sizeof payload);
        return mp_session_request(s, MCP_CMD_WRITE, payload, n, r, error);
    case MP_HEARTBEAT:
        return mp_session_request(s, MCP_CMD_HEARTBEAT, NULL, 0, r, error);
    case MP_SYNC:
        n = mcp_build_sync(o->has_reason, o->reason, payload, sizeof payload);
        return mp_session_request(s, MCP_CMD_SYNC, payload, n, r, error);
    case MP_RAW:
        return mp_session_raw(s, o->raw, o->raw_len, r, error);
    case MP_SCAN:
        break;
    }
    return false;
}

static int scan(struct mp_session *s, const struct mp_options *o, GError **error)
{
    unsigned found = 0;
    if (!o->json)
        printf("  %-6s %-20s %10s\n", "device", "status", "ms");
    for (unsigned d = 1; d <= 254 && !stop; d++) {
        if (!o->scan[d])
            continue;
        uint8_t payload[8];
        size_t n = mcp_build_read((uint8_t)d, 0, 1, payload, sizeof payload);
        struct mp_result r;
        if (!mp_session_request(s, MCP_CMD_READ, payload, n, &r, error))
            return 3;
        mp_print_scan_row(o, d, &r);
        if (r.outcome == MP_ANSWERED && r.answer[MCP_HEADER_LEN + 1] != MCP_STATUS_UNKNOWN_DEVICE)
            found++;
    }
    fprintf(o->json ? stderr : stdout, "%u device%s answered\n", found, found == 1 ? "" : "s");
    return found > 0 ? 0 : 3;
}

int main(int argc, char **argv)
{
    struct mp_options *o = g_new0(struct mp_options, 1);
    GError *error = NULL;
    if (!mp_options_parse(argc, argv, o, &error)) {
        g_printerr("mcppoll: %s (see mcppoll --help)\n", error->message);
        g_error_free(error);
        mp_options_clear(o);
        g_free(o);
        return 2;
    }
    g_set_prgname("mcppoll");
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    int code = 0;
    struct mp_session *s = mp_session_open(o, &error);
    if (s == NULL) {
        g_printerr("mcppoll: %s\n", error->message);
        code = error->code == 2 ? 2 : 3;
        g_error_free(error);
        mp_options_clear(o);
        g_free(o);
        return code;
    }
    if (o->kind == MP_SCAN) {
        code = scan(s, o, &error);
    } else {
        bool polling = o->count_polls != 1;
        struct mp_tally tally = {0};
        int64_t next = mp_now_ns();
        for (long i = 0; !stop && (o->count_polls == 0 || i < o->count_polls); i++) {
            if (i > 0) {
                next += (int64_t)o->interval_ms * 1000000;
                sleep_until(next);
                if (stop)
                    break;
            }
            struct mp_result r;
            if (!one(s, o, &r, &error)) {
                code = 3;
                break;
            }
            code = worse(code, mp_print_result(o, &r, polling));
            mp_tally_add(&tally, &r);
        }
        if (polling)
            mp_print_tally(o, &tally);
    }
    if (error != NULL) {
        g_printerr("mcppoll: %s\n", error->message);
        code = error->code == 2 ? 2 : 3;
        g_error_free(error);
    }
    if (mp_session_bad_frames(s) > 0)
        g_printerr("mcppoll: %" G_GUINT64_FORMAT
                   " frames from the device fail the %s check (another --crc?)\n",
                   mp_session_bad_frames(s), mcp_crc_variant_name(o->codec.crc));
    mp_session_close(s);
    mp_options_clear(o);
    g_free(o);
    return code;
}
