/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test helpers: run mcpsim as a child process and talk to it over UDP, TCP or
 * its pty with frames built by the library's encoder.
 */
#ifndef MCPSIM_TEST_SIMCLIENT_H
#define MCPSIM_TEST_SIMCLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

struct sim_proc {
    GPid pid;
    int out_fd;    /* the child's stdout */
    char udp[128]; /* "udp://127.0.0.1:40000" as announced, or "" */
    char tcp[128];
    char serial[128]; /* "/dev/pts/N" */
};

/* Starts mcpsim with args (NULL-terminated) and waits for its listening lines. */
void simproc_start(struct sim_proc *p, const char *const *args);

/* Reads mcpsim's stdout line by line until a line contains needle (true), or for
 * timeout_ms or until EOF (false); appends each line read, with its '\n', to seen
 * unless NULL. What a state of mcpsim shows in its --stats-interval reports is
 * waited for so, not guessed with a sleep. */
bool simproc_wait_line(struct sim_proc *p, const char *needle, int timeout_ms, GString *seen);

/* Sends sig, waits for the exit; returns the exit status (-1 if killed) and the rest of stdout. */
int simproc_stop(struct sim_proc *p, int sig, GString *rest_of_stdout);

/* Runs mcpsim to completion (it must exit by itself); returns its exit status and stderr. */
int simproc_run(const char *const *args, GString *err_out);

enum tkind { T_UDP, T_TCP, T_PTY };

struct tconn {
    enum tkind kind;
    int fd;
    size_t len;
    uint8_t buf[65536];
};

const char *tkind_name(enum tkind kind);
void tconn_open(struct tconn *c, enum tkind kind, const struct sim_proc *p);
void tconn_close(struct tconn *c);
void tconn_send(struct tconn *c, const uint8_t *bytes, size_t len);
/* Encodes a frame with the library (default codec) and writes it into out; returns its length. */
size_t build_frame(uint8_t seq, uint8_t cmd, const char *payload_hex, uint8_t *out, size_t cap);
void tconn_send_frame(struct tconn *c, uint8_t seq, uint8_t cmd, const char *payload_hex);
/* Receives the next frame (length-delimited); false on timeout. */
bool tconn_recv_frame(struct tconn *c, uint8_t *out, size_t *len, int timeout_ms);
/* UDP: receives one whole datagram. */
bool tconn_recv_datagram(struct tconn *c, uint8_t *out, size_t *len, int timeout_ms);
/* Asserts the next frame is exactly the encoding of seq/cmd/payload. */
void expect_frame(struct tconn *c, uint8_t seq, uint8_t cmd, const char *payload_hex);
/* Asserts nothing arrives within ms. */
void expect_silence(struct tconn *c, int ms);

/* Hex helpers ("5a 01 00" spaces allowed). */
size_t hex_to_bytes(const char *hex, uint8_t *out, size_t cap);
char *bytes_to_hex(const uint8_t *b, size_t n);

/* Writes a register file into a fresh temp dir; returns its path (g_free it). */
char *write_temp_file(const char *name, const char *contents);

#endif
