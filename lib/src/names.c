/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Display names of MCP v1 values (docs/PROTOCOL.md §2). */
#include "mcp/names.h"

#include <stddef.h>
#include <strings.h>

#include "mcp/frame.h"

#define MCP_NAME_ENTRY(value, name) {value, name},

const struct mcp_name mcp_cmd_names[] = {MCP_CMD_NAME_LIST(MCP_NAME_ENTRY){0, NULL}};
const struct mcp_name mcp_status_names[] = {MCP_STATUS_NAME_LIST(MCP_NAME_ENTRY){0, NULL}};
const struct mcp_name mcp_nak_reason_names[] = {MCP_NAK_REASON_NAME_LIST(MCP_NAME_ENTRY){0, NULL}};
const struct mcp_name mcp_event_code_names[] = {MCP_EVENT_CODE_NAME_LIST(MCP_NAME_ENTRY){0, NULL}};

const char *mcp_name_of(const struct mcp_name *table, uint32_t value)
{
    for (; table->name != NULL; table++) {
        if (table->value == value)
            return table->name;
    }
    return NULL;
}

bool mcp_value_of(const struct mcp_name *table, const char *name, uint32_t *value)
{
    if (name == NULL)
        return false;
    for (; table->name != NULL; table++) {
        if (strcasecmp(table->name, name) == 0) {
            *value = table->value;
            return true;
        }
    }
    return false;
}

const char *mcp_cmd_name(uint8_t cmd)
{
    const char *name = mcp_name_of(mcp_cmd_names, cmd);
    if (name != NULL)
        return name;
    return mcp_cmd_is_response(cmd) ? "UNKNOWN response" : "UNKNOWN";
}
