/* mcppoll's command line: options and the command (read, write, heartbeat, sync, raw, scan). */
#ifndef MP_OPTIONS_H
#define MP_OPTIONS_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "mcp/frame.h"
#include "mcp/pdu.h"

enum mp_kind { MP_READ, MP_WRITE, MP_HEARTBEAT, MP_SYNC, MP_RAW, MP_SCAN };

enum mp_format { MP_FORMAT_TABLE, MP_FORMAT_HEX, MP_FORMAT_UNSIGNED, MP_FORMAT_SIGNED };

struct mp_options {
    char *target;
    enum mp_kind kind;
    uint8_t device;
    uint16_t addr, count;
    uint16_t values[MCP_MAX_REGISTERS];
    bool has_reason; /* sync REASON */
    uint8_t reason;
    uint8_t raw[MCP_MAX_FRAME]; /* raw: the frame, check added unless raw_crc */
    size_t raw_len;
    bool raw_crc;
    bool scan[256]; /* scan: the device ids to try */
    struct mcp_codec codec;
    int timeout_ms;
    int interval_ms;
    long count_polls; /* --count: 0 = until Ctrl-C */
    int retries, busy_backoff_ms;
    int seq;      /* --seq: first seq, -1: 0 */
    bool no_sync; /* --no-sync: no SYNC before the first request */
    bool json, verbose;
    char *record; /* --record FILE (- for stdout): the session as a capture */
    enum mp_format format;
};

/* Parses argv; false with *error (code 2, one line) on a usage error. --help exits 0. */
bool mp_options_parse(int argc, char **argv, struct mp_options *o, GError **error);
void mp_options_clear(struct mp_options *o);

#define MP_ERROR mp_error_quark()
GQuark mp_error_quark(void);

#endif
