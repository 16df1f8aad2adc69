/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The typed codec of docs/REGISTER-MAP.md: registers <-> an item's value (§2),
 * the engineering value and its text (§3), the write direction with its range
 * refusal (§2), item comparison with a tolerance (§5) and simulated values
 * (§4). Registers are host-order 16-bit words, each as read from the wire
 * (high byte first): register r holds bytes (r >> 8, r & 0xff).
 * Nothing here allocates, prints or exits.
 */
#ifndef MCP_REGVAL_H
#define MCP_REGVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mcp/regmap.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Room for a str:64 shown with every byte escaped (\xNN), and its NUL. */
#define MCP_REG_TEXT_MAX (4 * 2 * MCP_REG_STR_MAX + 1)

/* One decoded item (§2, §3). */
struct mcp_reg_value {
    /* The value's bits as the type reads them, zero-extended to 64 bits
     * (integers and bits: the integer; f32/f64: the IEEE 754 bits; str: 0). */
    uint64_t raw;
    /* i16/i32/i64: the raw value sign-extended; other integers: raw. */
    int64_t sraw;
    /*
     * Numeric types (all but str): the engineering value, raw * scale + offset.
     * Integer types with a scale or offset are rounded to the item's decimals
     * (234 * 0.1 is 23.4, not 23.400000000000002); an f32 is taken at its
     * shortest decimal form (23.4f is 23.4, not 23.399999618530273).
     */
    double eng;
    /* Integer types: the label of the raw value, or NULL. */
    const char *label;
    /* str:N: the text, trailing NUL and space bytes dropped, other bytes
     * outside printable ASCII as \xNN (REGISTER-MAP.md §1). Else "". */
    char text[MCP_REG_TEXT_MAX];
};

/*
 * The 64-bit big-endian value of n registers (1, 2 or 4) in order (§2's
 * table): ABCD as they are, CDAB words reversed, BADC each word's bytes
 * swapped, DCBA both. mcp_reg_order_put is the inverse.
 */
uint64_t mcp_reg_order_get(enum mcp_reg_order order, const uint16_t *regs, unsigned n);
void mcp_reg_order_put(enum mcp_reg_order order, uint64_t value, uint16_t *regs, unsigned n);

/*
 * The raw range of an integer type as doubles: u16 and bits 0..65535, i16
 * -32768..32767, u32, i32; u64 0..2^64 and i64 -2^63..2^63, whose upper ends
 * are 2^64 and 2^63 as doubles (exclusive there). Floats and str: 0..65535.
 */
void mcp_reg_raw_range(enum mcp_reg_type type, double *lo, double *hi);

/* Decodes item from its item->nregs registers. Cannot fail. */
void mcp_reg_decode(const struct mcp_reg_item *item, const uint16_t *regs,
                    struct mcp_reg_value *out);

/*
 * The shown value of a decoded item, as the dissector and the tools print it:
 * "23.4 °C", "1 (on)", "0x0009 (alarm, door_open)", "\"SN-0042\"".
 * Numbers: integers exactly; doubles in the shortest form that reads back
 * (at most 17 significant digits); nan, inf, -inf. Returns the length it
 * wanted (as snprintf).
 */
int mcp_reg_format(const struct mcp_reg_item *item, const struct mcp_reg_value *value, char *buf,
                   size_t size);

/* Only the number (or the quoted-less text for str) of mcp_reg_format: "23.4", "1", "9". */
int mcp_reg_format_number(const struct mcp_reg_item *item, const struct mcp_reg_value *value,
                          char *buf, size_t size);

/*
 * The write direction (§2). text is an engineering value: a number (decimal,
 * 0x hex for integer types, nan/inf for f32/f64), a label name of an integer
 * item, or for str:N the text itself (at most 2N bytes, padded with NULs).
 * raw = round((v - offset) / scale) for integer types. Fills item->nregs
 * registers and returns 0; -1 when the text is not a value of the item or
 * its raw form does not fit the type, err then says why, naming the item
 * and the range in engineering units: "tank_temp: 4000 is out of range
 * -3276.8..3276.7 °C".
 */
int mcp_reg_encode_text(const struct mcp_reg_item *item, const char *text, uint16_t *regs,
                        char *err, size_t errlen);

/* The same from a number (str: refused). */
int mcp_reg_encode_value(const struct mcp_reg_item *item, double eng, uint16_t *regs, char *err,
                         size_t errlen);

/*
 * §5: whether two decoded values of item count as the same: numbers whose
 * engineering values differ by at most item->tolerance, plus 1e-9 of the
 * larger magnitude (at least 1e-9) so a decimal tolerance holds between
 * decimal values (23.4 and 22.9 with tolerance 0.5); two NaNs are the same;
 * infinities equal only themselves. Integer types with tolerance 0 compare
 * raw values exactly. str: texts that are equal.
 */
bool mcp_reg_same(const struct mcp_reg_item *item, const struct mcp_reg_value *a,
                  const struct mcp_reg_value *b);

/*
 * §4: the engineering value of item at t seconds (>= 0) since the simulator
 * started. random_bits (uniformly random 64 bits) serves `random`, which is
 * uniform in [LO, HI]. `counter` wraps at the type's range. Not for str.
 */
double mcp_reg_sim_value(const struct mcp_reg_item *item, double t, uint64_t random_bits);

/*
 * §4: the registers of item at t: mcp_reg_sim_value written as §2 says, the
 * value clamped into the type's range (a sine's peak cannot make a write
 * error); str: its const text.
 */
void mcp_reg_sim_registers(const struct mcp_reg_item *item, double t, uint64_t random_bits,
                           uint16_t *regs);

#ifdef __cplusplus
}
#endif

#endif
