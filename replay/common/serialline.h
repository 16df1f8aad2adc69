/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Serial lines of the tools: the settings of a
 * serial:/dev/X?baud=N&parity=P&data-bits=D&stop-bits=S endpoint (parsed by endpoint.c) applied
 * with termios(3) wherever a tool opens a serial line (mcpreplay and mcppoll targets, mcpsim
 * listeners, mcpserialdump ports). Spec: §5 (Serial).
 */
#ifndef MCP_SERIALLINE_H
#define MCP_SERIALLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <termios.h>

/* Line settings; 0 in a field means "not given". */
struct mcp_serial_settings {
    unsigned baud;      /* bit/s, one of the termios rates (mcp_serial_speed); 0: the line's own */
    char parity;        /* 'n', 'e', 'o'; 0: none (raw mode) */
    unsigned data_bits; /* 5..8; 0: 8 (raw mode) */
    unsigned stop_bits; /* 1 or 2; 0: 1 */
};

enum mcp_serial_status {
    MCP_SERIAL_OK,
    MCP_SERIAL_NOT_TTY, /* tcgetattr failed: not a terminal, or gone */
    MCP_SERIAL_REFUSED  /* tcsetattr failed, or the line kept other settings than asked */
};

/*
 * Maps a baud rate (bit/s) to its termios speed constant: the Linux rates 50 .. 4000000
 * (B50 .. B4000000). Returns false for any other rate (0 included).
 */
bool mcp_serial_speed(unsigned baud, speed_t *out);

/*
 * Puts the terminal fd in raw mode (cfmakeraw, CLOCAL|CREAD, no flow control, VMIN=1 VTIME=0)
 * with the given settings (the defaults above for fields that are 0), then reads the settings
 * back (tcsetattr succeeds when any one change took) and checks the line kept every one asked
 * for (Linux pseudo-terminals keep baud and stop bits but always 8 data bits, no parity: there
 * data-bits=7 or parity=even is refused). On failure writes a one-line reason naming the
 * setting ("parity=even") into err (capacity err_len).
 */
enum mcp_serial_status mcp_serial_apply(int fd, const struct mcp_serial_settings *s, char *err,
                                        size_t err_len);

/*
 * --silence MS, the same in every tool that decodes a serial line (mcpreplay, mcpsim, mcppoll;
 * the dissector's preference mcp5a.serial.silence_ms): §5 line silence of at least MS
 * milliseconds ends a partial frame held by the stream decoder. 0: never. Range 0..60000.
 */
#define MCP_SILENCE_DEFAULT_MS 100
#define MCP_SILENCE_MAX_MS     60000
#define MCP_SILENCE_HELP                                                                           \
    "Line silence that ends a partial serial frame (§5: its 0x5A is junk, the bytes after it "    \
    "are scanned again); 0 never (default 100)"

/* False with a one-line reason naming --silence in err when ms is out of range. */
bool mcp_silence_check(int ms, char *err, size_t err_len);

#endif
