/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --expect with --map (docs/REGISTER-MAP.md §5): the registers of a READ answer
 * compared item by item, each within its tolerance, and named in the verdict;
 * registers no whole item covers compared exactly, as without a map.
 */
#ifndef MR_EXPECT_MAP_H
#define MR_EXPECT_MAP_H

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

#include "expect.h"
#include "mcp/regmap.h"

/*
 * Compares count registers of device from addr, recorded (rec) and received (got),
 * host-order words. Adds to v one difference per item outside its tolerance (named,
 * both shown values) and one "value[i]" per differing register no whole item covers
 * (i: its index in the answer). Items named in ignore_items (NULL-terminated, may be
 * NULL) are not compared. Returns the differences added.
 */
size_t mr_expect_map_compare(const struct mcp_regmap *map, const char *const *ignore_items,
                             unsigned device, uint16_t addr, size_t count, const uint16_t *rec,
                             const uint16_t *got, struct mr_verdict *v);

/*
 * Each --ignore item name must name an item of the map (any device): false with
 * "--ignore: 'x' is neither a field (...) nor an item of FILE" in *error.
 */
bool mr_expect_check_ignore_items(const struct mcp_regmap *map, const char *map_path,
                                  const GPtrArray *items, GError **error);

/* "tank_temp: recorded 23.4 °C, received 25.1 °C, tolerance 0.5" (str: no tolerance). */
void mr_expect_format_item(GString *s, const struct mr_field_diff *d);

/* A tolerance in the shortest form that reads back ("0.5", "0"), as values are shown. */
void mr_expect_format_tolerance(double tolerance, char *buf, size_t size);

#endif
