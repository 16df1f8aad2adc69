/* Display names of MCP v1 values (docs/PROTOCOL.md §2). */
#include "mcp/names.h"

#include <stddef.h>
#include <strings.h>

#include "mcp/frame.h"

const struct mcp_name mcp_cmd_names[] = {
    {0x01, "HEARTBEAT"},
    {0x02, "READ"},
    {0x03, "WRITE"},
    {0x04, "EVENT"},
    {0x05, "NAK"},
    {0x06, "SYNC"},
    {0x81, "HEARTBEAT response"},
    {0x82, "READ response"},
    {0x83, "WRITE response"},
    {0, NULL},
};

const struct mcp_name mcp_status_names[] = {
    {0, "OK"},
    {1, "ILLEGAL_ADDRESS"},
    {2, "ILLEGAL_VALUE"},
    {3, "DEVICE_BUSY"},
    {4, "DEVICE_FAILURE"},
    {5, "UNKNOWN_DEVICE"},
    {6, "UNSUPPORTED_COMMAND"},
    {0, NULL},
};

const struct mcp_name mcp_nak_reason_names[] = {
    {1, "BAD_CRC"},
    {2, "SEQ_GAP"},
    {3, "BAD_LENGTH"},
    {4, "UNEXPECTED_RESPONSE"},
    {5, "BUSY"},
    {0, NULL},
};

const struct mcp_name mcp_event_code_names[] = {
    {1, "ALARM"},
    {2, "ALARM_CLEARED"},
    {3, "THRESHOLD"},
    {4, "RESTART"},
    {0, NULL},
};

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
