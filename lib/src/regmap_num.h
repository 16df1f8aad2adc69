/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Numbers in register-map cells and written values, whatever the program's locale. Internal. */
#ifndef MCP_REGMAP_NUM_H
#define MCP_REGMAP_NUM_H

#include <locale.h>
#include <stdbool.h>
#include <stdint.h>

/* A decimal or 0x hex whole number at s (no sign); returns the end, or NULL
 * when there is none or it exceeds 64 bits. */
const char *regnum_uint(const char *s, uint64_t *out);

/* The same with an optional sign, within int64_t. */
const char *regnum_int(const char *s, int64_t *out);

/* The whole of s (spaces around allowed) as a number in the C locale
 * (decimal, exponent, 0x hex, nan, inf); false when s is anything else. */
bool regnum_double(const char *s, locale_t c_locale, double *out);

#endif
