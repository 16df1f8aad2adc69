/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small helpers shared by the library's unit tests. */
#ifndef MCP_TEST_TESTUTIL_H
#define MCP_TEST_TESTUTIL_H

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

/* Parses hex bytes separated by spaces ("5a 00 00 00 01 20") into out; returns the count. */
static inline size_t hex_bytes(const char *text, uint8_t *out, size_t cap)
{
    size_t n = 0;
    const char *p = text;
    while (*p != '\0') {
        if (*p == ' ') {
            p++;
            continue;
        }
        g_assert_true(g_ascii_isxdigit(p[0]) && g_ascii_isxdigit(p[1]));
        g_assert_cmpuint(n, <, cap);
        out[n++] = (uint8_t)(g_ascii_xdigit_value(p[0]) << 4 | g_ascii_xdigit_value(p[1]));
        p += 2;
    }
    return n;
}

/* The spec's test vectors (docs/PROTOCOL.md §1, crc8-smbus, big-endian length). */
#define VECTOR_HEARTBEAT "5a 00 00 00 01 20"
#define VECTOR_READ      "5a 01 00 05 02 03 00 10 00 04 d4"
#define VECTOR_READ_RSP  "5a ff 00 0b 82 01 00 03 00 10 00 02 12 34 ab cd b3"

#endif
