/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mcppoll's command line: options, the TARGET and the COMMAND with its
 * arguments (docs/mcppoll.1). Everything is checked here, before anything is
 * sent; a bad value is exit code 2 with the option's or argument's name.
 */
#ifndef MP_OPTIONS_H
#define MP_OPTIONS_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exitcode.h"
#include "mcp/frame.h"
#include "mcp/pdu.h"
#include "mcp/regmap.h"

/* Exit codes (replay/common/exitcode.h, docs/options.md). */
#define MP_EXIT_OK        MCP_EXIT_OK
#define MP_EXIT_STATUS    MCP_EXIT_FAULT /* another status, or NAKed after the retries */
#define MP_EXIT_USAGE     MCP_EXIT_USAGE
#define MP_EXIT_NO_ANSWER MCP_EXIT_UNREACHABLE /* unreachable, or no answer within --timeout */
#define MP_EXIT_OUTPUT    MCP_EXIT_OUTPUT      /* -w or --json=FILE cannot be written */
#define MP_ERROR          mp_error_quark()
GQuark mp_error_quark(void);

enum mp_command {
    MP_CMD_READ,
    MP_CMD_WRITE,
    MP_CMD_HEARTBEAT,
    MP_CMD_SYNC,
    MP_CMD_RAW,
    MP_CMD_SCAN
};

/*
 * One request of a read or write command: a READ of count registers from addr,
 * or a WRITE of values[0..count). A plain read/write is one step; a read by
 * item names (--map) or of typed values (--type) is as few as fit (plan.h).
 */
struct mp_step {
    uint8_t device;
    uint16_t addr;
    uint16_t count;
    uint16_t values[MCP_MAX_REGISTERS]; /* WRITE */
};

/* One typed value the command reads or writes: a map's item, or --type's at an address. */
struct mp_item {
    struct mcp_reg_item item; /* a copy: its strings live in the map (o->map or o->type_map) */
    bool named;               /* from --map (else --type: no name, unit or labels) */
    size_t step;              /* the step holding it */
    uint16_t offset;          /* its first register's offset in that step */
};

/* How register values are shown (--format). */
enum mp_format { MP_FMT_TABLE, MP_FMT_HEX, MP_FMT_UNSIGNED, MP_FMT_SIGNED, MP_FMT_BINARY };

struct mp_options {
    char *target;
    enum mp_command command;
    /* read/write */
    uint8_t device;
    uint16_t addr;
    uint16_t count;                     /* read: registers; write: values given */
    uint16_t values[MCP_MAX_REGISTERS]; /* write */
    /* sync */
    bool sync_has_reason;
    uint8_t sync_reason;
    /* raw: the frame as given (check appended unless raw_crc) */
    uint8_t raw[MCP_MAX_FRAME];
    size_t raw_len;
    bool raw_crc;
    /* scan: the device ids to probe, in order */
    uint8_t scan_ids[255];
    size_t scan_count;
    uint16_t scan_addr;

    struct mcp_codec codec;
    int timeout_ms;      /* per request (scan: per device) */
    unsigned retries;    /* resends after a NAK */
    int busy_backoff_ms; /* before resending after NAK BUSY */
    int stall_ms;        /* a target that accepts no data this long is lost */
    int silence_ms;      /* --silence: §5 line silence ending a partial serial frame; 0 never */
    uint8_t seq;         /* the session's first seq (the SYNC's) */
    bool no_sync;
    int interval_ms;
    uint64_t count_polls; /* 0: until Ctrl-C */
    bool json;
    char *json_path;    /* --json[=FILE]: "-" is stdout */
    bool version_shown; /* -V: printed, nothing else to do */
    enum mp_format format;
    bool verbose;
    char *record;
    /* --map FILE, --type T, --order O, --csv FILE (issue 19) */
    char *map_path;
    char *type_name;  /* NULL: plain 16-bit registers */
    char *order_name; /* NULL: ABCD */
    char *csv_path;   /* "-" is stdout */
    char **args;      /* read/write: the arguments after DEVICE, as typed (plan.c reads them) */
    bool by_name;     /* read DEVICE NAME... | all, write DEVICE NAME=VALUE... */
    /* filled by mp_plan_build (plan.h) */
    struct mcp_regmap *map;      /* --map */
    struct mcp_regmap *type_map; /* the one-item map --type and --order describe */
    struct mp_step *steps;
    size_t step_count;
    struct mp_item *items; /* in the order shown */
    size_t item_count;
};

/* Parses argv; false with *error (code 2) on any bad option or argument. */
bool mp_options_parse(int argc, char **argv, struct mp_options *o, GError **error);
void mp_options_clear(struct mp_options *o);

/*
 * A number in decimal or 0x hex ("16", "0x10") from min to max; false for
 * anything else (empty, sign where not allowed, trailing junk, out of range).
 */
bool mp_parse_number(const char *text, long min, long max, long *out);

/* Sets *error to a usage error (exit MP_EXIT_USAGE) with the formatted message; returns false. */
bool mp_usage_error(GError **error, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/*
 * A device list: "1-10,20" (ids 0..254, ranges inclusive, any order, no
 * duplicates kept). Writes the ids in ascending order; false with *error.
 */
bool mp_parse_devices(const char *text, uint8_t *ids, size_t *n, GError **error);

#endif
