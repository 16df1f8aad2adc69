/* Display names of MCP v1 values (docs/PROTOCOL.md §2). */
#ifndef MCP_NAMES_H
#define MCP_NAMES_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One value and its name; tables end with {0, NULL}. Same layout as Wireshark's value_string. */
struct mcp_name {
    uint32_t value;
    const char *name;
};

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
