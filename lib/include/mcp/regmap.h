/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Register maps (docs/REGISTER-MAP.md): which registers of which device hold
 * which named, typed value. mcp_regmap_parse/_load read the CSV file of §1
 * into an immutable map; the look-ups below serve the dissector (a device's
 * items by address, O(log n)) and the tools (an item by device and name).
 * The typed codec of §2 and the simulated values of §4 are in regval.h.
 *
 * A map allocates (its items, strings and one sorted index per device that
 * holds items); everything else in the library is allocation-free except the
 * match table. Nothing here prints or exits: errors come back as text.
 */
#ifndef MCP_REGMAP_H
#define MCP_REGMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Longest item name (§1: [a-z][a-z0-9_]{0,47}). */
#define MCP_REG_NAME_MAX 48
/* Registers of the largest str:N (§1: N is 1..64). */
#define MCP_REG_STR_MAX 64
/* Registers of the widest item (str:64). */
#define MCP_REG_MAX_REGS MCP_REG_STR_MAX
/* Room for an error message "FILE:LINE: what is wrong" (longer ones are cut). */
#define MCP_REGMAP_ERR_MAX 512

/* §1 types. */
enum mcp_reg_type {
    MCP_REG_U16,
    MCP_REG_I16,
    MCP_REG_U32,
    MCP_REG_I32,
    MCP_REG_U64,
    MCP_REG_I64,
    MCP_REG_F32,
    MCP_REG_F64,
    MCP_REG_BITS,
    MCP_REG_STR, /* str:N, N = nregs */
};

/* §2 byte orders. */
enum mcp_reg_order {
    MCP_ORDER_ABCD, /* big-endian */
    MCP_ORDER_CDAB, /* words reversed */
    MCP_ORDER_BADC, /* each word's bytes swapped */
    MCP_ORDER_DCBA, /* little-endian */
};

/* §1 access: what a device allows. */
enum mcp_reg_access {
    MCP_ACCESS_R = 1,
    MCP_ACCESS_W = 2,
    MCP_ACCESS_RW = 3,
};

/* §4 simulated behaviours. */
enum mcp_sim_kind {
    MCP_SIM_CONST,   /* a = V (str: text) */
    MCP_SIM_RAMP,    /* a = LO, b = HI, c = S */
    MCP_SIM_SINE,    /* a = MID, b = AMP, c = S */
    MCP_SIM_RANDOM,  /* a = LO, b = HI */
    MCP_SIM_COUNTER, /* a = RATE */
    MCP_SIM_TOGGLE,  /* a = A, b = B, c = S */
};

struct mcp_reg_sim {
    enum mcp_sim_kind kind;
    double a, b, c;   /* engineering values and seconds, as in the table of §4 */
    const char *text; /* str:N const TEXT (never NULL for str: "" by default) */
};

/* A label: integer types name a raw value, bits name a bit number (0..15). */
struct mcp_reg_label {
    int64_t value;
    const char *name;
};

/* One line of the file: one value in nregs consecutive registers. */
struct mcp_reg_item {
    const char *name;        /* unique among the items of each of its devices */
    const char *description; /* NULL when the cell is empty */
    const char *unit;        /* NULL when the cell is empty */
    uint8_t devices[32];     /* bit d (devices[d / 8] >> (d % 8) & 1): device d holds it */
    uint16_t addr;           /* first register */
    uint8_t nregs;           /* 1..64: by type, str:N takes N */
    enum mcp_reg_type type;
    enum mcp_reg_order order;
    enum mcp_reg_access access;
    double scale, offset; /* engineering value = raw * scale + offset */
    bool scaled;          /* scale != 1 or offset != 0: the value is a double (§3) */
    /* Decimal places of scale and offset as written (0..15), to which an
     * integer type's engineering value is rounded so 234 * 0.1 reads 23.4;
     * -1 when they have more (no rounding). */
    int decimals;
    double tolerance; /* §5, engineering units, >= 0 */
    struct mcp_reg_sim sim;
    const struct mcp_reg_label *labels; /* sorted by value, unique values */
    size_t label_count;
    unsigned line;  /* the item's line in the file (1-based) */
    unsigned field; /* index of its name among mcp_regmap_field() */
};

/*
 * One distinct item name across the map: what the dissector registers as
 * mcp5a.reg.NAME (§3). All items of one name have one type (else the map is
 * refused).
 */
struct mcp_reg_field {
    const char *name;
    const char *title;      /* the first item's description, else its name */
    enum mcp_reg_type type; /* of every item of this name */
    bool is_double;         /* f32/f64, or any item of this name scaled */
    /* bits: the labelled bits over every item of this name (value = bit,
     * sorted by bit); a label names one bit across the map. */
    const struct mcp_reg_label *bits;
    size_t bit_count;
};

struct mcp_regmap;

/*
 * Reads a map from text (len bytes, need not be NUL-terminated; UTF-8 with an
 * optional BOM; LF or CRLF), §1. filename only names the source in errors.
 * Returns 0 and *out (free with mcp_regmap_free), or -1 and err filled with
 * "FILENAME:LINE: what is wrong" (cut to errlen - 1 bytes; err may be NULL).
 * An empty map (a header and no items) is valid. Never reads past len.
 */
int mcp_regmap_parse(const char *text, size_t len, const char *filename, struct mcp_regmap **out,
                     char *err, size_t errlen);

/*
 * mcp_regmap_parse of a whole file. A file that cannot be read is
 * "PATH: <strerror>" (no line); larger than 64 MiB is refused.
 */
int mcp_regmap_load(const char *path, struct mcp_regmap **out, char *err, size_t errlen);

/* Frees a map and everything it handed out; NULL is accepted. */
void mcp_regmap_free(struct mcp_regmap *map);

/* Items in file order; i < mcp_regmap_item_count. */
size_t mcp_regmap_item_count(const struct mcp_regmap *map);
const struct mcp_reg_item *mcp_regmap_item(const struct mcp_regmap *map, size_t i);

/* Distinct names in order of first appearance; i < mcp_regmap_field_count. */
size_t mcp_regmap_field_count(const struct mcp_regmap *map);
const struct mcp_reg_field *mcp_regmap_field(const struct mcp_regmap *map, size_t i);

/* Whether device (0..255) holds item. */
bool mcp_reg_item_has_device(const struct mcp_reg_item *item, unsigned device);

/* Whether any item names device (0..255). */
bool mcp_regmap_has_device(const struct mcp_regmap *map, unsigned device);

/*
 * The items of one device, sorted by address (they never share a register).
 * Returns their number and sets *items (NULL when none). O(1).
 */
size_t mcp_regmap_device_items(const struct mcp_regmap *map, unsigned device,
                               const struct mcp_reg_item *const **items);

/*
 * The items of device that hold at least one register of [addr, addr + count)
 * (count 0..65536; registers past 0xFFFF are none): returns how many and sets
 * *first to the first of them in mcp_regmap_device_items' array; they follow
 * it in address order. O(log n) in the device's item count.
 */
size_t mcp_regmap_overlapping(const struct mcp_regmap *map, unsigned device, uint32_t addr,
                              uint32_t count, const struct mcp_reg_item *const **first);

/* The item of device named name, or NULL. O(log n). */
const struct mcp_reg_item *mcp_regmap_find(const struct mcp_regmap *map, unsigned device,
                                           const char *name);

/* Names used in messages and help texts: "u16" ... "str:N" (for STR: "str"), "CDAB", "rw". */
const char *mcp_reg_type_name(enum mcp_reg_type type);
const char *mcp_reg_order_name(enum mcp_reg_order order);
const char *mcp_reg_access_name(enum mcp_reg_access access);

#ifdef __cplusplus
}
#endif

#endif
