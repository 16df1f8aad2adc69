/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * End-to-end robustness: junk and split frames on TCP and the pty, clients
 * vanishing mid-frame, 256 concurrent TCP clients, SIGTERM/SIGINT with the
 * counters, the knobs, IPv6, the bounded UDP client table, bad options.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <termios.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "endpoint.h"
#include "mcp/frame.h"
#include "simclient.h"

static void start_default(struct sim_proc *p, const char *extra1, const char *extra2)
{
    const char *args[] = {
        "--listen", "udp://127.0.0.1:0", "--listen", "tcp://127.0.0.1:0", "--pty", extra1, extra2,
        NULL};
    simproc_start(p, args);
}

/* Stops with sig, asserts exit 0 and that the report contains every needle. */
static void stop_expecting(struct sim_proc *p, int sig, const char *const *needles)
{
    GString *out = g_string_new(NULL);
    g_assert_cmpint(simproc_stop(p, sig, out), ==, 0);
    g_assert_nonnull(strstr(out->str, "mcpsim stats"));
    for (const char *const *n = needles; n && *n; n++) {
        if (strstr(out->str, *n) == NULL)
            g_error("report lacks '%s':\n%s", *n, out->str);
    }
    g_string_free(out, TRUE);
}

/* Writes bytes one at a time with a pause so the simulator reads them apart. */
static void send_slowly(struct tconn *c, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        tconn_send(c, b + i, 1);
        g_usleep(2000);
    }
}

static void test_junk_and_split(gconstpointer data)
{
    enum tkind kind = (enum tkind)GPOINTER_TO_INT(data);
    struct sim_proc p;
    start_default(&p, NULL, NULL);
    struct tconn c;
    tconn_open(&c, kind, &p);

    /* 6 junk bytes: noise, then a 0x5A whose length is over 4096 */
    uint8_t junk[] = {0x00, 0x13, 0x37, 0x5a, 0xff, 0xff};
    uint8_t frames[64];
    size_t n = build_frame(0, 0x01, "", frames, sizeof frames);
    send_slowly(&c, junk, sizeof junk);
    send_slowly(&c, frames, n);
    expect_frame(&c, 0, 0x81, "00 00");
    /* three frames in one write, the last one split across two */
    n = build_frame(1, 0x01, "", frames, sizeof frames);
    n += build_frame(2, 0x02, "01 00 00 00 01", frames + n, sizeof frames - n);
    size_t third = build_frame(3, 0x01, "", frames + n, sizeof frames - n);
    tconn_send(&c, frames, n + 3);
    g_usleep(20000);
    tconn_send(&c, frames + n + 3, third - 3);
    expect_frame(&c, 1, 0x81, "01 00");
    expect_frame(&c, 2, 0x82, "02 00 01 00 00 00 01 00 00");
    expect_frame(&c, 3, 0x81, "03 00");
    tconn_close(&c);
    const char *needles[] = {"junk_bytes=6 ", "HEARTBEAT=3", "gap=0", "in_order=3", NULL};
    stop_expecting(&p, SIGTERM, needles);
}

static void test_vanishing_client(void)
{
    struct sim_proc p;
    /* its reports say when it has seen a client go: no sleeps */
    start_default(&p, "--stats-interval", "0.05");
    struct tconn gone, stays;
    tconn_open(&gone, T_TCP, &p);
    tconn_open(&stays, T_TCP, &p);
    uint8_t frame[32];
    size_t n = build_frame(0, 0x02, "01 00 00 00 01", frame, sizeof frame);
    tconn_send(&gone, frame, 7); /* 7 of 11 bytes, then gone */
    tconn_close(&gone);
    g_assert_true(simproc_wait_line(&p, "tcp=1 (total 2", 10000, NULL));
    tconn_send_frame(&stays, 0, 0x01, "");
    expect_frame(&stays, 0, 0x81, "00 00");
    tconn_close(&stays);
    g_assert_true(simproc_wait_line(&p, "tcp=0 (total 2", 10000, NULL));
    (void)n;
    const char *needles[] = {"junk_bytes=7 ", "tcp=0 (total 2", NULL};
    stop_expecting(&p, SIGINT, needles);
}

#define MANY 256

static void test_many_tcp_clients(void)
{
    struct sim_proc p;
    /* 0.2 s: the reports (600 bytes each) wait in the pipe while the clients talk */
    start_default(&p, "--stats-interval", "0.2");
    static struct tconn conns[MANY];
    for (int i = 0; i < MANY; i++) {
        tconn_open(&conns[i], T_TCP, &p);
        tconn_send_frame(&conns[i], (uint8_t)i, 0x01, "");
    }
    /* Everyone is connected at once; each gets its own answer, then a READ. */
    for (int i = 0; i < MANY; i++) {
        char rsp[16];
        snprintf(rsp, sizeof rsp, "%02x 00", i & 0xff);
        expect_frame(&conns[i], 0, 0x81, rsp);
        tconn_send_frame(&conns[i], (uint8_t)(i + 1), 0x02, "01 00 00 00 01");
    }
    for (int i = 0; i < MANY; i++) {
        char rsp[64];
        snprintf(rsp, sizeof rsp, "%02x 00 01 00 00 00 01 00 00", (i + 1) & 0xff);
        expect_frame(&conns[i], 1, 0x82, rsp);
    }
    for (int i = 0; i < MANY; i++)
        tconn_close(&conns[i]);
    /* the final report counts no client once a periodic one does */
    g_assert_true(simproc_wait_line(&p, "tcp=0 (total 256", 10000, NULL));
    const char *needles[] = {"tcp=0 (total 256", "HEARTBEAT=256", "READ=256", NULL};
    stop_expecting(&p, SIGTERM, needles);
}

static void test_stats_json(void)
{
    char *json = write_temp_file("stats.json", "");
    const char *args[] = {"--listen", "udp://127.0.0.1:0", "--stats-json", json, NULL};
    struct sim_proc p;
    simproc_start(&p, args);
    struct tconn c;
    tconn_open(&c, T_UDP, &p);
    tconn_send_frame(&c, 0, 0x01, "");
    expect_frame(&c, 0, 0x81, "00 00");
    tconn_send_frame(&c, 3, 0x01, "");
    expect_frame(&c, 1, 0x05, "01 02");
    expect_frame(&c, 2, 0x05, "02 02");
    expect_frame(&c, 3, 0x81, "03 00");
    tconn_close(&c);
    const char *needles[] = {"gap=1", "SEQ_GAP=2", NULL};
    stop_expecting(&p, SIGTERM, needles);
    gchar *text = NULL;
    g_assert_true(g_file_get_contents(json, &text, NULL, NULL));
    g_assert_nonnull(strstr(text, "\"HEARTBEAT\": 2"));
    g_assert_nonnull(strstr(text, "\"gap\": 1"));
    g_assert_nonnull(strstr(text, "\"SEQ_GAP\": 2"));
    g_assert_nonnull(strstr(text, "\"udp_total\": 1"));
    g_free(text);
    g_unlink(json);
    char *dir = g_path_get_dirname(json);
    g_rmdir(dir);
    g_free(dir);
    g_free(json);
}

static void test_busy_failure_drop(void)
{
    struct sim_proc p;
    start_default(&p, "--busy-rate", "1");
    struct tconn c;
    tconn_open(&c, T_TCP, &p);
    tconn_send_frame(&c, 0, 0x01, "");
    expect_frame(&c, 0, 0x81, "00 03");
    tconn_send_frame(&c, 1, 0x02, "01 00 00 00 01");
    expect_frame(&c, 1, 0x82, "01 03");
    tconn_send_frame(&c, 2, 0x02, "09 00 00 00 01"); /* no such device: not busy */
    expect_frame(&c, 2, 0x82, "02 05");
    tconn_close(&c);
    const char *needles[] = {"busy=2", NULL};
    stop_expecting(&p, SIGTERM, needles);

    start_default(&p, "--drop-rate", "1");
    tconn_open(&c, T_UDP, &p);
    tconn_send_frame(&c, 0, 0x01, "");
    tconn_send_frame(&c, 2, 0x01, ""); /* NAKs are not dropped */
    expect_frame(&c, 0, 0x05, "01 02");
    expect_silence(&c, 200);
    tconn_close(&c);
    const char *needles2[] = {"dropped=2", NULL};
    stop_expecting(&p, SIGTERM, needles2);

    start_default(&p, "--failure-rate", "1");
    tconn_open(&c, T_PTY, &p);
    tconn_send_frame(&c, 0, 0x03, "01 00 00 00 01 12 34");
    expect_frame(&c, 0, 0x83, "00 04"); /* DEVICE_FAILURE */
    tconn_send_frame(&c, 1, 0x01, "");
    expect_frame(&c, 1, 0x81, "01 04");
    tconn_close(&c);
    const char *needles3[] = {"failures=2", NULL};
    stop_expecting(&p, SIGTERM, needles3);

    start_default(&p, "--nak-busy-rate", "1");
    tconn_open(&c, T_UDP, &p);
    tconn_send_frame(&c, 0, 0x02, "01 00 00 00 01");
    expect_frame(&c, 0, 0x05, "00 05");              /* NAK BUSY for seq 0 */
    tconn_send_frame(&c, 0, 0x02, "01 00 00 00 01"); /* its resend: refused again */
    expect_frame(&c, 1, 0x05, "00 05");
    tconn_close(&c);
    const char *needles4[] = {"BUSY=2", "retransmission=1", NULL};
    stop_expecting(&p, SIGTERM, needles4);
}

static void test_latency(void)
{
    struct sim_proc p;
    start_default(&p, "--latency", "80");
    struct tconn c;
    tconn_open(&c, T_UDP, &p);
    gint64 t0 = g_get_monotonic_time();
    tconn_send_frame(&c, 0, 0x01, "");
    expect_frame(&c, 0, 0x81, "00 00");
    /* a lower bound only: the answer may not come before its latency */
    g_assert_cmpint(g_get_monotonic_time() - t0, >=, 80000);
    tconn_close(&c);
    stop_expecting(&p, SIGTERM, NULL);
}

static void test_events(void)
{
    struct sim_proc p;
    const char *args[] = {"--listen", "tcp://127.0.0.1:0", "--devices", "7", "--events", "20",
                          NULL};
    simproc_start(&p, args);
    struct tconn c;
    tconn_open(&c, T_TCP, &p);
    tconn_send_frame(&c, 0, 0x06, ""); /* be seen */
    uint8_t got[64];
    size_t len = 0;
    for (uint8_t want_seq = 0; want_seq < 3; want_seq++) {
        g_assert_true(tconn_recv_frame(&c, got, &len, 3000));
        g_assert_cmpuint(len, ==, 12); /* EVENT without data */
        g_assert_cmpuint(got[1], ==, want_seq);
        g_assert_cmpuint(got[4], ==, 0x04); /* EVENT */
        g_assert_cmpuint(got[5], ==, 7);    /* the only device */
        g_assert_cmpuint(got[6], >=, 1);    /* ALARM .. RESTART */
        g_assert_cmpuint(got[6], <=, 4);
    }
    tconn_close(&c);
    stop_expecting(&p, SIGTERM, NULL);
}

static void test_ipv6(void)
{
    struct sim_proc p;
    const char *args[] = {"--listen", "udp://[::1]:0", "--listen", "tcp://[::1]:0", NULL};
    simproc_start(&p, args);
    g_assert_true(g_str_has_prefix(p.udp, "udp://[::1]:"));
    for (int k = T_UDP; k <= T_TCP; k++) {
        struct tconn c;
        tconn_open(&c, (enum tkind)k, &p);
        tconn_send_frame(&c, 0, 0x01, "");
        expect_frame(&c, 0, 0x81, "00 00");
        tconn_close(&c);
    }
    stop_expecting(&p, SIGTERM, NULL);
}

static void test_udp_client_eviction(void)
{
    struct sim_proc p;
    start_default(&p, "--max-udp-clients", "2");
    struct tconn c[3];
    for (int i = 0; i < 3; i++) {
        tconn_open(&c[i], T_UDP, &p);
        tconn_send_frame(&c[i], 0, 0x01, "");
        expect_frame(&c[i], 0, 0x81, "00 00");
    }
    /* The first client was forgotten: it starts afresh (seq 0, no gap NAKs). */
    tconn_send_frame(&c[0], 9, 0x01, "");
    expect_frame(&c[0], 0, 0x81, "09 00");
    for (int i = 0; i < 3; i++)
        tconn_close(&c[i]);
    const char *needles[] = {"udp=2 (total 4, evicted 2)", NULL};
    stop_expecting(&p, SIGTERM, needles);
}

static void test_stats_interval(void)
{
    struct sim_proc p;
    start_default(&p, "--stats-interval", "0.05");
    GString *out = g_string_new(NULL);
    /* two periodic reports, read as they come */
    g_assert_true(simproc_wait_line(&p, "mcpsim stats", 10000, out));
    g_assert_true(simproc_wait_line(&p, "mcpsim stats", 10000, out));
    g_assert_cmpint(simproc_stop(&p, SIGTERM, out), ==, 0);
    /* periodic reports, then the one on exit */
    const char *s = out->str;
    int reports = 0;
    while ((s = strstr(s, "mcpsim stats")) != NULL) {
        reports++;
        s++;
    }
    g_assert_cmpint(reports, >=, 3);
    g_string_free(out, TRUE);
}

/* --serial on the far side of a pty pair the test owns: the tty code path with a baud rate. */
static void test_serial_option(void)
{
    int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    g_assert_cmpint(master, >=, 0);
    g_assert_cmpint(grantpt(master), ==, 0);
    g_assert_cmpint(unlockpt(master), ==, 0);
    char slave[128];
    g_assert_cmpint(ptsname_r(master, slave, sizeof slave), ==, 0);
    const char *args[] = {"--serial", slave, "--baud", "115200", NULL};
    struct sim_proc p;
    simproc_start(&p, args);
    g_assert_cmpstr(p.serial, ==, slave);
    struct tconn c = {.kind = T_PTY, .fd = master, .len = 0};
    tconn_send_frame(&c, 0, 0x02, "01 00 00 00 01");
    expect_frame(&c, 0, 0x82, "00 00 01 00 00 00 01 00 00");
    /* a frame with a bad check on the line: NAK BAD_CRC for L + 1 */
    uint8_t bad[16];
    size_t n = build_frame(1, 0x01, "", bad, sizeof bad);
    bad[n - 1] ^= 1;
    tconn_send(&c, bad, n);
    expect_frame(&c, 1, 0x05, "01 01");
    const char *needles[] = {"serial=1", "crc_errors=1", NULL};
    stop_expecting(&p, SIGTERM, needles);
    close(master);
}

/* The line going away (the far side of the pty closes) ends mcpsim with exit 3 (an endpoint
 * lost, as a lost target in mcpreplay: docs/options.md, Exit codes). */
static void test_serial_hangup(void)
{
    int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    g_assert_cmpint(master, >=, 0);
    g_assert_cmpint(grantpt(master), ==, 0);
    g_assert_cmpint(unlockpt(master), ==, 0);
    char slave[128];
    g_assert_cmpint(ptsname_r(master, slave, sizeof slave), ==, 0);
    const char *args[] = {"--serial", slave, NULL};
    struct sim_proc p;
    simproc_start(&p, args);
    close(master);
    GString *out = g_string_new(NULL);
    g_assert_cmpint(simproc_stop(&p, 0, out), ==, 3); /* signal 0: just wait */
    g_assert_nonnull(strstr(out->str, "mcpsim stats"));
    g_string_free(out, TRUE);
}

/* Random bytes, then a long run of zeros (ends any half-seen candidate), then a HEARTBEAT:
 * the simulator survives and answers it. Frames the noise happens to form are skipped. */
static void test_garbage(gconstpointer data)
{
    enum tkind kind = (enum tkind)GPOINTER_TO_INT(data);
    struct sim_proc p;
    start_default(&p, NULL, NULL);
    struct tconn c;
    tconn_open(&c, kind, &p);
    GRand *rand = g_rand_new_with_seed(1234);
    uint8_t chunk[1400];
    for (int round = 0; round < 200; round++) {
        for (size_t i = 0; i < sizeof chunk; i++)
            chunk[i] = (uint8_t)g_rand_int_range(rand, 0, 256);
        if (round % 7 == 0)
            chunk[g_rand_int_range(rand, 0, sizeof chunk)] = 0x5a;
        tconn_send(&c, chunk, sizeof chunk);
        if (kind == T_PTY && round % 16 == 0)
            g_usleep(5000); /* let the line drain */
    }
    g_rand_free(rand);
    if (kind != T_UDP) {
        memset(chunk, 0, sizeof chunk);
        for (int i = 0; i < 4; i++)
            tconn_send(&c, chunk, sizeof chunk);
    }
    tconn_send_frame(&c, 0x33, 0x01, "");
    uint8_t got[4200];
    size_t len;
    bool answered = false;
    while (!answered && tconn_recv_frame(&c, got, &len, 3000))
        answered = len == 8 && got[4] == 0x81 && got[5] == 0x33 && got[6] == 0;
    g_assert_true(answered);
    tconn_close(&c);
    stop_expecting(&p, SIGTERM, NULL);
}

/* A client that writes many requests before reading: reading pauses, nothing is lost. */
static void test_slow_reader(void)
{
    struct sim_proc p;
    /* its reports say when it has paused reading: no sleep */
    start_default(&p, "--stats-interval", "0.1");
    /* a small receive window keeps the answers in the simulator's own buffer */
    struct mcp_endpoint ep;
    char err[256];
    g_assert_true(mcp_endpoint_parse(p.tcp, &ep, err, sizeof err));
    struct tconn c = {.kind = T_TCP, .len = 0};
    c.fd = socket(AF_INET, SOCK_STREAM, 0);
    int small = 4096;
    setsockopt(c.fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    g_assert_cmpint(connect(c.fd, (struct sockaddr *)&ep.addr, ep.addr_len), ==, 0);
    enum { REQUESTS = 20000 };
    static uint8_t burst[REQUESTS * 11];
    size_t n = 0;
    for (unsigned i = 0; i < REQUESTS; i++)
        n += build_frame((uint8_t)i, 0x02, "01 00 00 00 7d", burst + n, sizeof burst - n);
    tconn_send(&c, burst, n); /* 220 kB of READs answered by 5.3 MB */
    /* nothing is read before mcpsim has paused reading this client */
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    int paused = 0;
    GString *report = g_string_new(NULL);
    while (paused == 0 && g_get_monotonic_time() < deadline) {
        g_string_truncate(report, 0);
        if (!simproc_wait_line(&p, "read_pauses=", 10000, report))
            break;
        paused = atoi(strstr(report->str, "read_pauses=") + strlen("read_pauses="));
    }
    g_string_free(report, TRUE);
    g_assert_cmpint(paused, >, 0);
    for (unsigned i = 0; i < REQUESTS; i++) {
        uint8_t got[300];
        size_t len = 0;
        g_assert_true(tconn_recv_frame(&c, got, &len, 3000));
        g_assert_cmpuint(len, ==, 6 + 7 + 250);
        g_assert_cmpuint(got[1], ==, i & 0xff);
        g_assert_cmpuint(got[5], ==, i & 0xff);
    }
    tconn_close(&c);
    const char *needles[] = {"READ=20000", "overflows 0", NULL};
    GString *out = g_string_new(NULL);
    g_assert_cmpint(simproc_stop(&p, SIGTERM, out), ==, 0);
    for (const char *const *nd = needles; *nd; nd++)
        g_assert_nonnull(strstr(out->str, *nd));
    /* the backpressure did kick in */
    const char *pauses = strstr(out->str, "read_pauses=");
    g_assert_nonnull(pauses);
    g_assert_cmpint(atoi(pauses + strlen("read_pauses=")), >, 0);
    g_string_free(out, TRUE);
}

/* --crc and --length-le: both directions use the chosen codec. */
static void test_codec_options(void)
{
    const char *args[] = {"--listen", "udp://127.0.0.1:0", "--crc", "xor8", "--length-le", NULL};
    struct sim_proc p;
    simproc_start(&p, args);
    struct tconn c;
    tconn_open(&c, T_UDP, &p);
    /* READ dev 1 0x0010 x1, length 5 little-endian, xor8 check, all by hand */
    const uint8_t req[] = {0x5a, 0x00, 0x05, 0x00, 0x02, 0x01, 0x00, 0x10, 0x00, 0x01, 0x4d};
    tconn_send(&c, req, sizeof req);
    /* READ response seq 0, length 9 LE: req_seq 0, OK, dev 1, addr 0x0010, count 1, value 0 */
    const uint8_t want[] = {0x5a, 0x00, 0x09, 0x00, 0x82, 0x00, 0x00, 0x01,
                            0x00, 0x10, 0x00, 0x01, 0x00, 0x00, 0xc1};
    uint8_t got[64];
    size_t len = 0;
    g_assert_true(tconn_recv_datagram(&c, got, &len, 3000));
    g_assert_cmpmem(got, len, want, sizeof want);
    tconn_close(&c);
    stop_expecting(&p, SIGTERM, NULL);
}

static void test_tcp_client_limit(void)
{
    struct sim_proc p;
    start_default(&p, "--max-tcp-clients", "2");
    struct tconn c[3];
    for (int i = 0; i < 2; i++) {
        tconn_open(&c[i], T_TCP, &p);
        tconn_send_frame(&c[i], 0, 0x01, "");
        expect_frame(&c[i], 0, 0x81, "00 00");
    }
    tconn_open(&c[2], T_TCP, &p); /* accepted by the kernel, closed by mcpsim */
    uint8_t b;
    g_assert_cmpint(read(c[2].fd, &b, 1), <=, 0);
    tconn_send_frame(&c[1], 1, 0x01, ""); /* the others carry on */
    expect_frame(&c[1], 1, 0x81, "01 00");
    for (int i = 0; i < 3; i++)
        tconn_close(&c[i]);
    const char *needles[] = {"refused 1", NULL};
    stop_expecting(&p, SIGTERM, needles);
}

/* Line noise that looks like the start of a long frame does not hold back the
 * frames behind it for ever: after 100 ms of silence it is dropped as junk. */
static void test_serial_false_start(void)
{
    struct sim_proc p;
    start_default(&p, NULL, NULL);
    struct tconn c;
    tconn_open(&c, T_PTY, &p);
    const uint8_t noise[] = {0x5a, 0x00, 0x00, 0x10}; /* seq 0, claims 16 payload bytes */
    tconn_send(&c, noise, sizeof noise);
    tconn_send_frame(&c, 0, 0x01, "");
    expect_frame(&c, 0, 0x81, "00 00");
    tconn_send_frame(&c, 1, 0x02, "01 00 00 00 01"); /* and the line works on */
    expect_frame(&c, 1, 0x82, "01 00 01 00 00 00 01 00 00");
    tconn_close(&c);
    const char *needles[] = {"junk_bytes=4 ", NULL};
    stop_expecting(&p, SIGTERM, needles);
}

/* §5 line silence (--silence MS, default 100): a false start claiming 4000
 * payload bytes, then a HEARTBEAT, in one write. The answer comes once the
 * line has been silent MS after the HEARTBEAT's last byte (not before: the
 * false start holds it), and never with --silence 0. */
static void test_serial_silence_timing(void)
{
    const struct {
        const char *opt, *value;
        int silence_ms;
    } cases[] = {{NULL, NULL, 100}, {"--silence", "250", 250}, {"--silence", "0", 0}};
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        struct sim_proc p;
        start_default(&p, cases[i].opt, cases[i].value);
        struct tconn c;
        tconn_open(&c, T_PTY, &p);
        uint8_t bytes[64] = {0x5a, 0x00, 0x0f, 0xa0}; /* seq 0, claims 4000 payload bytes */
        size_t n = 4 + build_frame(0, 0x01, "", bytes + 4, sizeof bytes - 4);
        gint64 before = g_get_monotonic_time();
        tconn_send(&c, bytes, n);
        if (cases[i].silence_ms == 0) {
            expect_silence(&c, 600); /* the false start holds the HEARTBEAT */
        } else {
            uint8_t got[64];
            size_t len = 0;
            g_assert_true(tconn_recv_frame(&c, got, &len, 3000));
            gint64 elapsed_ms = (g_get_monotonic_time() - before) / 1000;
            g_test_message("--silence %d: answered after %" G_GINT64_FORMAT " ms",
                           cases[i].silence_ms, elapsed_ms);
            g_assert_cmpuint(len, ==, 8);
            g_assert_cmpuint(got[4], ==, 0x81);
            g_assert_cmpint(elapsed_ms, >=, cases[i].silence_ms);
            g_assert_cmpint(elapsed_ms, <, cases[i].silence_ms + 400); /* a loaded machine */
        }
        tconn_close(&c);
        const char *needles[] = {cases[i].silence_ms ? "junk_bytes=4 " : "junk_bytes=0 ", NULL};
        stop_expecting(&p, SIGTERM, needles);
    }
}

/* The same on TCP after junk (checked about once a second). */
static void test_tcp_false_start(void)
{
    struct sim_proc p;
    start_default(&p, NULL, NULL);
    struct tconn c;
    tconn_open(&c, T_TCP, &p);
    const uint8_t noise[] = {0x00, 0x5a, 0x00, 0x00, 0x10};
    tconn_send(&c, noise, sizeof noise);
    tconn_send_frame(&c, 0, 0x01, "");
    expect_frame(&c, 0, 0x81, "00 00");
    tconn_close(&c);
    const char *needles[] = {"junk_bytes=5 ", NULL};
    stop_expecting(&p, SIGTERM, needles);
}

struct bad_case {
    const char *args[8];
    int exit_code;
    const char *message;
};

static void test_bad_options(void)
{
    char *regs = write_temp_file("bad.txt", "1 0x10 0x1234\n1 0x20 zzz\n");
    const struct bad_case cases[] = {
        {{"--bogus", NULL}, 2, "Unknown option"},
        {{"--devices", "1-300", NULL}, 2, "--devices"},
        {{"--devices", "4-2", NULL}, 2, "--devices"},
        {{"--drop-rate", "1.5", NULL}, 2, "--drop"},
        {{"--drop", "-0.1", NULL}, 2, "--drop"},
        {{"--serial", "/dev/null", "--baud", "0", NULL}, 2, "--baud"},
        {{"--serial", "/dev/null", "--baud", "12345", NULL}, 2, "--baud"},
        {{"--listen", "serial:/dev/null?baud=12345", NULL}, 2, "baud=12345"},
        {{"--baud", "115200", NULL}, 2, "--baud"},
        {{"--json", "/nonexistent/dir/s.json", NULL}, 6, "--json"},
        {{"--stats-json", "/nonexistent/dir/s.json", NULL}, 6, "--json"},
        {{"--latency", "ten", NULL}, 2, "--latency"},
        {{"--listen", "iface:lo", NULL}, 2, "--listen"},
        {{"--listen", "serial:/dev/null", "--pty", NULL}, 2, "exclude"},
        {{"--listen", "udp://127.0.0.1:99999", NULL}, 2, "port"},
        {{"--crc", "crc32", NULL}, 2, "--crc"},
        {{"--serial", "/dev/null", "--pty", NULL}, 2, "exclude"},
        {{"--listen", "tcp://192.0.2.1:0", NULL}, 3, "cannot listen"},
        {{"--serial", "/nonexistent/tty", NULL}, 3, "cannot open serial"},
        {{"--listen", "udp://127.0.0.1:0", "--registers", "/nonexistent", NULL}, 2, "cannot open"},
        {{"--listen", "udp://127.0.0.1:0", "--registers", regs, NULL}, 2, "bad.txt:2:"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        GString *err = g_string_new(NULL);
        int rc = simproc_run(cases[i].args, err);
        if (rc != cases[i].exit_code || strstr(err->str, cases[i].message) == NULL ||
            strchr(err->str, '\n') != err->str + err->len - 1)
            g_error("case %zu (%s): exit %d, stderr '%s'", i, cases[i].args[0], rc, err->str);
        g_string_free(err, TRUE);
    }
    g_unlink(regs);
    char *dir = g_path_get_dirname(regs);
    g_rmdir(dir);
    g_free(dir);
    g_free(regs);
}

/* A UDP or TCP port another mcpsim serves is refused (exit 3, "Address already in
 * use"): a second UDP socket on the same address:port would take the first one's
 * datagrams (h19 #10). */
static void test_port_in_use(void)
{
    struct sim_proc first;
    start_default(&first, NULL, NULL);
    const char *urls[] = {first.udp, first.tcp};
    for (size_t i = 0; i < G_N_ELEMENTS(urls); i++) {
        const char *args[] = {"--listen", urls[i], NULL};
        GString *err = g_string_new(NULL);
        int rc = simproc_run(args, err);
        if (rc != 3 || strstr(err->str, "Address already in use") == NULL)
            g_error("second mcpsim on %s: exit %d, stderr '%s'", urls[i], rc, err->str);
        g_string_free(err, TRUE);
    }
    /* the first one still answers on its UDP port */
    struct tconn c;
    tconn_open(&c, T_UDP, &first);
    tconn_send_frame(&c, 0, 0x01, "");
    uint8_t f[64];
    size_t n = 0;
    g_assert_true(tconn_recv_frame(&c, f, &n, 2000));
    tconn_close(&c);
    stop_expecting(&first, SIGTERM, NULL);
}

/* §1: "length > 4096 is malformed: the frame is rejected (a receiver answers NAK reason
 * 3 ...)". A datagram delimits the frame, so over UDP mcpsim answers NAK BAD_LENGTH with
 * the frame's seq, also after a good frame in the same datagram (h19 #15). */
static void test_udp_length_over_4096(void)
{
    struct sim_proc p;
    const char *args[] = {"--listen", "udp://127.0.0.1:0", NULL};
    simproc_start(&p, args);
    struct tconn c;
    tconn_open(&c, T_UDP, &p);
    static uint8_t big[6 + 4097];
    memset(big, 0, sizeof big);
    const uint8_t head[] = {0x5a, 0x01, 0x10, 0x01, 0x02}; /* seq 1, length 4097, READ */
    memcpy(big, head, sizeof head);
    tconn_send(&c, big, sizeof big);
    uint8_t d[65536];
    size_t n = 0;
    g_assert_true(tconn_recv_datagram(&c, d, &n, 2000));
    g_assert_cmpuint(n, ==, 8);
    g_assert_cmphex(d[4], ==, 0x05); /* NAK */
    g_assert_cmphex(d[5], ==, 0x01); /* nak_seq: the frame's */
    g_assert_cmphex(d[6], ==, 0x03); /* BAD_LENGTH */

    uint8_t two[64];
    size_t m = build_frame(2, 0x01, "", two, sizeof two); /* HEARTBEAT seq 2 */
    const uint8_t huge[] = {0x5a, 0x03, 0xff, 0xff, 0x02, 0x00};
    memcpy(two + m, huge, sizeof huge);
    tconn_send(&c, two, m + sizeof huge);
    g_assert_true(tconn_recv_datagram(&c, d, &n, 2000));
    g_assert_cmpuint(n, ==, 16); /* the HEARTBEAT answer (8) and the NAK (8) */
    g_assert_cmphex(d[4], ==, 0x81);
    g_assert_cmphex(d[8 + 4], ==, 0x05);
    g_assert_cmphex(d[8 + 5], ==, 0x03);
    g_assert_cmphex(d[8 + 6], ==, 0x03);
    tconn_close(&c);
    const char *needles[] = {"malformed=2 ", "junk_bytes=0 ", "NAK=2", NULL};
    stop_expecting(&p, SIGTERM, needles);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_data_func("/mcpsim/robust/junk-and-split-tcp", GINT_TO_POINTER(T_TCP),
                         test_junk_and_split);
    g_test_add_data_func("/mcpsim/robust/junk-and-split-pty", GINT_TO_POINTER(T_PTY),
                         test_junk_and_split);
    g_test_add_func("/mcpsim/robust/vanishing-client", test_vanishing_client);
    g_test_add_func("/mcpsim/robust/tcp-false-start", test_tcp_false_start);
    g_test_add_func("/mcpsim/robust/serial-false-start", test_serial_false_start);
    g_test_add_func("/mcpsim/robust/serial-silence-timing", test_serial_silence_timing);
    g_test_add_func("/mcpsim/robust/tcp-client-limit", test_tcp_client_limit);
    g_test_add_func("/mcpsim/robust/codec-options", test_codec_options);
    g_test_add_func("/mcpsim/robust/slow-reader", test_slow_reader);
    g_test_add_func("/mcpsim/robust/serial-option", test_serial_option);
    g_test_add_func("/mcpsim/robust/serial-hangup", test_serial_hangup);
    g_test_add_data_func("/mcpsim/robust/garbage-udp", GINT_TO_POINTER(T_UDP), test_garbage);
    g_test_add_data_func("/mcpsim/robust/garbage-tcp", GINT_TO_POINTER(T_TCP), test_garbage);
    g_test_add_data_func("/mcpsim/robust/garbage-pty", GINT_TO_POINTER(T_PTY), test_garbage);
    g_test_add_func("/mcpsim/robust/many-tcp-clients", test_many_tcp_clients);
    g_test_add_func("/mcpsim/robust/udp-client-eviction", test_udp_client_eviction);
    g_test_add_func("/mcpsim/robust/ipv6", test_ipv6);
    g_test_add_func("/mcpsim/robust/bad-options", test_bad_options);
    g_test_add_func("/mcpsim/robust/port-in-use", test_port_in_use);
    g_test_add_func("/mcpsim/robust/udp-length-over-4096", test_udp_length_over_4096);
    g_test_add_func("/mcpsim/knobs/busy-failure-drop", test_busy_failure_drop);
    g_test_add_func("/mcpsim/knobs/latency", test_latency);
    g_test_add_func("/mcpsim/knobs/events", test_events);
    g_test_add_func("/mcpsim/stats/json-and-signal", test_stats_json);
    g_test_add_func("/mcpsim/stats/interval", test_stats_interval);
    return g_test_run();
}
