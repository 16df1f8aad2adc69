/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Display names of MCP v1 values (docs/PROTOCOL.md §2). */
#ifndef MCP_NAMES_H
#define MCP_NAMES_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One value and its name; tables end with {0, NULL}. */
struct mcp_name {
    uint32_t value;
    const char *name;
};

/*
 * The tables' entries as lists, X(value, name) each: names.c builds the tables
 * from them, and code that needs the same names in another array type (the
 * Wireshark plugin's value_string arrays) builds its own from the same list.
 */
#define MCP_CMD_NAME_LIST(X)                                                                       \
    X(0x01, "HEARTBEAT")                                                                           \
    X(0x02, "READ")                                                                                \
    X(0x03, "WRITE")                                                                               \
    X(0x04, "EVENT")                                                                               \
    X(0x05, "NAK")                                                                                 \
    X(0x06, "SYNC")                                                                                \
    X(0x81, "HEARTBEAT response")                                                                  \
    X(0x82, "READ response")                                                                       \
    X(0x83, "WRITE response")
#define MCP_STATUS_NAME_LIST(X)                                                                    \
    X(0, "OK")                                                                                     \
    X(1, "ILLEGAL_ADDRESS")                                                                        \
    X(2, "ILLEGAL_VALUE")                                                                          \
    X(3, "DEVICE_BUSY")                                                                            \
    X(4, "DEVICE_FAILURE")                                                                         \
    X(5, "UNKNOWN_DEVICE")                                                                         \
    X(6, "UNSUPPORTED_COMMAND")
#define MCP_NAK_REASON_NAME_LIST(X)                                                                \
    X(1, "BAD_CRC")                                                                                \
    X(2, "SEQ_GAP")                                                                                \
    X(3, "BAD_LENGTH")                                                                             \
    X(4, "UNEXPECTED_RESPONSE")                                                                    \
    X(5, "BUSY")
#define MCP_EVENT_CODE_NAME_LIST(X)                                                                \
    X(1, "ALARM")                                                                                  \
    X(2, "ALARM_CLEARED")                                                                          \
    X(3, "THRESHOLD")                                                                              \
    X(4, "RESTART")

extern const struct mcp_name mcp_cmd_names[];        /* "HEARTBEAT", ..., "READ response" */
extern const struct mcp_name mcp_status_names[];     /* "OK", "ILLEGAL_ADDRESS", ... */
extern const struct mcp_name mcp_nak_reason_names[]; /* "BAD_CRC", ... */
extern const struct mcp_name mcp_event_code_names[]; /* "ALARM", ... */

/* The name of value in table, or NULL. */
const char *mcp_name_of(const struct mcp_name *table, uint32_t value);
/* The value named name (exact, case-insensitive) in table; false if absent. */
bool mcp_value_of(const struct mcp_name *table, const char *name, uint32_t *value);

/* Convenience: a command's name, or "UNKNOWN" / "UNKNOWN response". */
const char *mcp_cmd_name(uint8_t cmd);

#ifdef __cplusplus
}
#endif
#endif
