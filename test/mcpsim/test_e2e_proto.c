/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * End-to-end: every command and status, broadcast, notifications and each NAK
 * case of docs/PROTOCOL.md §2-§3, over UDP, TCP and the pty. Each case starts
 * its own mcpsim; expected answers are written out from the spec by hand
 * (payload bytes) and framed with the library's encoder.
 */
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "mcp/frame.h"
#include "simclient.h"

#define REGISTERS                                                                                  \
    "# device addr values...\n"                                                                    \
    "1 0x0010 0x1234 0xabcd\n"                                                                     \
    "3 0x0010 0x1234 0xabcd\n"

struct fixture {
    struct sim_proc proc;
    struct tconn conn;
    char *regfile;
};

static void start(struct fixture *f, enum tkind kind)
{
    f->regfile = write_temp_file("regs.txt", REGISTERS);
    const char *args[] = {"--listen", "udp://127.0.0.1:0",
                          "--listen", "tcp://127.0.0.1:0",
                          "--pty",    "--devices",
                          "1-3",      "--registers",
                          f->regfile, NULL};
    simproc_start(&f->proc, args);
    tconn_open(&f->conn, kind, &f->proc);
}

static void finish(struct fixture *f)
{
    tconn_close(&f->conn);
    g_assert_cmpint(simproc_stop(&f->proc, SIGTERM, NULL), ==, 0);
    char *dir = g_path_get_dirname(f->regfile);
    g_unlink(f->regfile);
    g_rmdir(dir);
    g_free(dir);
    g_free(f->regfile);
}

/* "00 00 ..." n times: register values for a long expected payload. */
static char *zeros(size_t n)
{
    GString *s = g_string_new(NULL);
    for (size_t i = 0; i < n; i++)
        g_string_append(s, " 00 00");
    return g_string_free(s, FALSE);
}

static void test_commands(gconstpointer data)
{
    struct fixture f;
    start(&f, (enum tkind)GPOINTER_TO_INT(data));
    struct tconn *c = &f.conn;

    tconn_send_frame(c, 0, 0x01, ""); /* HEARTBEAT */
    expect_frame(c, 0, 0x81, "00 00");
    tconn_send_frame(c, 1, 0x01, "00 00 03 e8"); /* HEARTBEAT with uptime */
    expect_frame(c, 1, 0x81, "01 00");
    tconn_send_frame(c, 2, 0x02, "01 00 10 00 02"); /* READ dev 1 0x0010 x2 */
    expect_frame(c, 2, 0x82, "02 00 01 00 10 00 02 12 34 ab cd");
    tconn_send_frame(c, 3, 0x02, "01 00 12 00 01"); /* untouched register: 0 */
    expect_frame(c, 3, 0x82, "03 00 01 00 12 00 01 00 00");
    /* write then read */
    tconn_send_frame(c, 4, 0x03, "02 01 00 00 03 00 01 00 02 ff ff");
    expect_frame(c, 4, 0x83, "04 00 02 01 00 00 03");
    tconn_send_frame(c, 5, 0x02, "02 01 00 00 03");
    expect_frame(c, 5, 0x82, "05 00 02 01 00 00 03 00 01 00 02 ff ff");
    tconn_send_frame(c, 6, 0x02, "01 01 00 00 01"); /* another device is untouched */
    expect_frame(c, 6, 0x82, "06 00 01 01 00 00 01 00 00");
    /* the last register, and the longest read that ends on it */
    tconn_send_frame(c, 7, 0x02, "01 ff ff 00 01");
    expect_frame(c, 7, 0x82, "07 00 01 ff ff 00 01 00 00");
    char *z = zeros(125);
    char *long_read = g_strdup_printf("08 00 01 ff 83 00 7d%s", z);
    g_free(z);
    tconn_send_frame(c, 8, 0x02, "01 ff 83 00 7d");
    expect_frame(c, 8, 0x82, long_read);
    g_free(long_read);
    finish(&f);
}

static void test_statuses(gconstpointer data)
{
    struct fixture f;
    start(&f, (enum tkind)GPOINTER_TO_INT(data));
    struct tconn *c = &f.conn;

    tconn_send_frame(c, 0, 0x02, "09 00 00 00 01"); /* no device 9 */
    expect_frame(c, 0, 0x82, "00 05");
    tconn_send_frame(c, 1, 0x02, "01 00 00 00 00"); /* count 0 */
    expect_frame(c, 1, 0x82, "01 02");
    tconn_send_frame(c, 2, 0x02, "01 00 00 00 7e"); /* count 126 */
    expect_frame(c, 2, 0x82, "02 02");
    tconn_send_frame(c, 3, 0x02, "01 ff ff 00 02"); /* runs past 0xFFFF */
    expect_frame(c, 3, 0x82, "03 01");
    tconn_send_frame(c, 4, 0x02, "01 ff 84 00 7d"); /* 125 from 0xFF84 runs past */
    expect_frame(c, 4, 0x82, "04 01");
    tconn_send_frame(c, 5, 0x03, "01 00 00 00 00"); /* WRITE count 0 */
    expect_frame(c, 5, 0x83, "05 02");
    char *z = zeros(126);
    char *w126 = g_strdup_printf("01 00 00 00 7e%s", z);
    g_free(z);
    tconn_send_frame(c, 6, 0x03, w126); /* WRITE count 126 */
    g_free(w126);
    expect_frame(c, 6, 0x83, "06 02");
    tconn_send_frame(c, 7, 0x03, "09 00 00 00 01 12 34"); /* WRITE to no device */
    expect_frame(c, 7, 0x83, "07 05");
    tconn_send_frame(c, 8, 0x03, "01 ff ff 00 02 00 01 00 02"); /* WRITE past 0xFFFF */
    expect_frame(c, 8, 0x83, "08 01");
    tconn_send_frame(c, 9, 0x02, "01 ff ff 00 01"); /* ...and it wrote nothing */
    expect_frame(c, 9, 0x82, "09 00 01 ff ff 00 01 00 00");
    tconn_send_frame(c, 10, 0x10, ""); /* unknown request */
    expect_frame(c, 10, 0x90, "0a 06");
    tconn_send_frame(c, 11, 0x7f, "de ad be ef");
    expect_frame(c, 11, 0xff, "0b 06");
    finish(&f);
}

static void test_broadcast(gconstpointer data)
{
    struct fixture f;
    start(&f, (enum tkind)GPOINTER_TO_INT(data));
    struct tconn *c = &f.conn;

    tconn_send_frame(c, 0, 0x03, "ff 00 05 00 01 42 42"); /* every device writes */
    tconn_send_frame(c, 1, 0x02, "ff 00 05 00 01");       /* nobody answers */
    tconn_send_frame(c, 2, 0x03, "ff ff ff 00 02 00 01 00 02");
    expect_silence(c, 200);
    /* The next answer is the simulator's first frame: seq 0. */
    for (unsigned dev = 1; dev <= 3; dev++) {
        char req[32], rsp[64];
        snprintf(req, sizeof req, "%02x 00 05 00 01", dev);
        snprintf(rsp, sizeof rsp, "%02x 00 %02x 00 05 00 01 42 42", 2 + dev, dev);
        tconn_send_frame(c, (uint8_t)(2 + dev), 0x02, req);
        expect_frame(c, (uint8_t)(dev - 1), 0x82, rsp);
    }
    tconn_send_frame(c, 6, 0x02, "01 ff ff 00 01"); /* the bad-range broadcast wrote nothing */
    expect_frame(c, 3, 0x82, "06 00 01 ff ff 00 01 00 00");
    finish(&f);
}

static void test_notifications(gconstpointer data)
{
    struct fixture f;
    start(&f, (enum tkind)GPOINTER_TO_INT(data));
    struct tconn *c = &f.conn;

    tconn_send_frame(c, 0, 0x04, "01 01 00 00 00 10 aa"); /* EVENT */
    tconn_send_frame(c, 1, 0x06, "");                     /* SYNC */
    tconn_send_frame(c, 2, 0x06, "01");                   /* SYNC with a reason */
    tconn_send_frame(c, 3, 0x05, "07 01");                /* NAK for a frame never sent */
    expect_silence(c, 200);
    tconn_send_frame(c, 4, 0x01, "");
    expect_frame(c, 0, 0x81, "04 00");
    finish(&f);
}

static void test_nak_bad_crc(gconstpointer data)
{
    struct fixture f;
    start(&f, (enum tkind)GPOINTER_TO_INT(data));
    struct tconn *c = &f.conn;

    tconn_send_frame(c, 0, 0x01, "");
    expect_frame(c, 0, 0x81, "00 00");
    uint8_t bad[16];
    size_t n = build_frame(9, 0x01, "", bad, sizeof bad); /* its seq is not trusted */
    bad[n - 1] ^= 0x55;
    tconn_send(c, bad, n);
    expect_frame(c, 1, 0x05, "01 01"); /* NAK L+1 = 1, BAD_CRC */
    tconn_send_frame(c, 1, 0x01, "");  /* the resend */
    expect_frame(c, 2, 0x81, "01 00");
    finish(&f);
}

static void test_nak_length(gconstpointer data)
{
    struct fixture f;
    start(&f, (enum tkind)GPOINTER_TO_INT(data));
    struct tconn *c = &f.conn;

    tconn_send_frame(c, 0, 0x02, "01 00 10 00"); /* READ one byte short */
    expect_frame(c, 0, 0x05, "00 03");
    tconn_send_frame(c, 1, 0x01, "00 01"); /* HEARTBEAT payload neither 0 nor 4 */
    expect_frame(c, 1, 0x05, "01 03");
    tconn_send_frame(c, 2, 0x03, "01 00 10 00 02 00 01"); /* WRITE missing a value */
    expect_frame(c, 2, 0x05, "02 03");
    tconn_send_frame(c, 0, 0x02, "01 00 10 00 01"); /* resend of seq 0 */
    expect_frame(c, 3, 0x82, "00 00 01 00 10 00 01 12 34");
    finish(&f);
}

static void test_nak_response(gconstpointer data)
{
    struct fixture f;
    start(&f, (enum tkind)GPOINTER_TO_INT(data));
    struct tconn *c = &f.conn;

    tconn_send_frame(c, 0, 0x01, "");
    expect_frame(c, 0, 0x81, "00 00");
    tconn_send_frame(c, 1, 0x82, "00 00 01 00 10 00 01 00 00"); /* a response to a device */
    expect_frame(c, 1, 0x05, "01 04");
    tconn_send_frame(c, 2, 0x81, "00 00");
    expect_frame(c, 2, 0x05, "02 04");
    finish(&f);
}

static void test_nak_gap(gconstpointer data)
{
    struct fixture f;
    start(&f, (enum tkind)GPOINTER_TO_INT(data));
    struct tconn *c = &f.conn;

    tconn_send_frame(c, 0, 0x01, "");
    expect_frame(c, 0, 0x81, "00 00");
    tconn_send_frame(c, 4, 0x01, ""); /* 1, 2, 3 missing */
    expect_frame(c, 1, 0x05, "01 02");
    expect_frame(c, 2, 0x05, "02 02");
    expect_frame(c, 3, 0x05, "03 02");
    expect_frame(c, 4, 0x81, "04 00"); /* the revealing frame is served */
    tconn_send_frame(c, 2, 0x01, "");  /* a retransmission: no new NAKs */
    expect_frame(c, 5, 0x81, "02 00");
    tconn_send_frame(c, 5, 0x01, "");
    expect_frame(c, 6, 0x81, "05 00");
    /* 99 missing: 16 NAKs at most, lowest first */
    tconn_send_frame(c, 105, 0x01, "");
    for (unsigned i = 0; i < 16; i++) {
        char p[16];
        snprintf(p, sizeof p, "%02x 02", 6 + i);
        expect_frame(c, (uint8_t)(7 + i), 0x05, p);
    }
    expect_frame(c, 23, 0x81, "69 00");
    finish(&f);
}

static void test_resend(gconstpointer data)
{
    struct fixture f;
    start(&f, (enum tkind)GPOINTER_TO_INT(data));
    struct tconn *c = &f.conn;

    tconn_send_frame(c, 0, 0x01, "");
    expect_frame(c, 0, 0x81, "00 00");
    tconn_send_frame(c, 1, 0x02, "01 00 10 00 01");
    expect_frame(c, 1, 0x82, "01 00 01 00 10 00 01 12 34");
    tconn_send_frame(c, 2, 0x05, "00 01"); /* the client NAKs our seq 0 */
    expect_frame(c, 0, 0x81, "00 00");     /* resent with its original seq */
    tconn_send_frame(c, 3, 0x05, "01 02");
    expect_frame(c, 1, 0x82, "01 00 01 00 10 00 01 12 34");
    tconn_send_frame(c, 4, 0x01, "");
    expect_frame(c, 2, 0x81, "04 00");
    finish(&f);
}

/* The READ response test vector of §1, byte for byte: seq 255 needs 255 frames first. */
static void test_spec_vector(gconstpointer data)
{
    struct fixture f;
    start(&f, (enum tkind)GPOINTER_TO_INT(data));
    struct tconn *c = &f.conn;
    for (unsigned s = 0; s < 255; s++) {
        char p[8];
        snprintf(p, sizeof p, "%02x 00", s);
        tconn_send_frame(c, (uint8_t)s, 0x01, "");
        expect_frame(c, (uint8_t)s, 0x81, p);
    }
    tconn_send_frame(c, 0, 0x06, ""); /* SYNC: our seq restarts at 0 */
    tconn_send_frame(c, 1, 0x02, "03 00 10 00 02");
    uint8_t want[32], got[4200];
    size_t wlen =
        hex_to_bytes("5a ff 00 0b 82 01 00 03 00 10 00 02 12 34 ab cd b3", want, sizeof want);
    size_t glen = 0;
    g_assert_true(tconn_recv_frame(c, got, &glen, 3000));
    g_assert_cmpmem(got, glen, want, wlen);
    finish(&f);
}

static void test_udp_multi_frame_datagram(void)
{
    struct fixture f;
    start(&f, T_UDP);
    uint8_t dgram[64];
    size_t n = build_frame(0, 0x01, "", dgram, sizeof dgram);
    n += build_frame(1, 0x02, "01 00 11 00 01", dgram + n, sizeof dgram - n);
    tconn_send(&f.conn, dgram, n);
    uint8_t want[64], got[4200];
    size_t wlen = build_frame(0, 0x81, "00 00", want, sizeof want);
    wlen += build_frame(1, 0x82, "01 00 01 00 11 00 01 ab cd", want + wlen, sizeof want - wlen);
    size_t glen = 0;
    g_assert_true(tconn_recv_datagram(&f.conn, got, &glen, 3000));
    g_assert_cmpmem(got, glen, want, wlen);

    /* Another source port is another client, numbered from 0. */
    struct tconn other;
    tconn_open(&other, T_UDP, &f.proc);
    tconn_send_frame(&other, 7, 0x01, "");
    expect_frame(&other, 0, 0x81, "07 00");
    tconn_close(&other);
    finish(&f);
}

static void add_all(const char *name, GTestDataFunc fn)
{
    for (int k = T_UDP; k <= T_PTY; k++) {
        char *path = g_strdup_printf("/mcpsim/%s/%s", tkind_name((enum tkind)k), name);
        g_test_add_data_func(path, GINT_TO_POINTER(k), fn);
        g_free(path);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    add_all("commands", test_commands);
    add_all("statuses", test_statuses);
    add_all("broadcast", test_broadcast);
    add_all("notifications", test_notifications);
    add_all("nak-bad-crc", test_nak_bad_crc);
    add_all("nak-bad-length", test_nak_length);
    add_all("nak-response", test_nak_response);
    add_all("nak-gap", test_nak_gap);
    add_all("resend-on-nak", test_resend);
    add_all("spec-vector", test_spec_vector);
    g_test_add_func("/mcpsim/udp/multi-frame-datagram", test_udp_multi_frame_datagram);
    return g_test_run();
}
