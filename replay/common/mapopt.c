/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `--map FILE` in every tool: one loader, one message, one exit code. */
#include "mapopt.h"

#include <stdio.h>
#include <string.h>

int mcp_mapopt_load(const char *tool, const char *path, struct mcp_regmap **out)
{
    char err[MCP_REGMAP_ERR_MAX];
    if (mcp_regmap_load(path, out, err, sizeof err) != 0) {
        fprintf(stderr, "%s: %s\n", tool, err);
        *out = NULL;
        return MCP_MAPOPT_EXIT;
    }
    return 0;
}

const struct mcp_reg_item *mcp_mapopt_item(const struct mcp_regmap *map, unsigned device,
                                           const char *name, char *err, size_t errlen)
{
    const struct mcp_reg_item *it = mcp_regmap_find(map, device, name);
    if (it != NULL)
        return it;
    const struct mcp_reg_item *const *items;
    size_t n = mcp_regmap_device_items(map, device, &items);
    if (n == 0) {
        snprintf(err, errlen, "device %u has no items in the map", device);
        return NULL;
    }
    int used = snprintf(err, errlen, "no item '%s' for device %u (its items:", name, device);
    for (size_t i = 0; i < n && used >= 0 && (size_t)used < errlen; i++) {
        if (i == 8) {
            used += snprintf(err + used, errlen - (size_t)used, " ... %zu in all", n);
            break;
        }
        used += snprintf(err + used, errlen - (size_t)used, " %s", items[i]->name);
    }
    if (used >= 0 && (size_t)used < errlen)
        snprintf(err + used, errlen - (size_t)used, ")");
    return NULL;
}
