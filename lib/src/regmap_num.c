/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Numbers in register-map cells and written values, whatever the program's locale. */

#include "regmap_num.h"

#include <stdlib.h>

const char *regnum_uint(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    const char *p = s;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        p += 2;
        const char *start = p;
        for (;; p++) {
            unsigned d;
            if (*p >= '0' && *p <= '9')
                d = (unsigned)(*p - '0');
            else if (*p >= 'a' && *p <= 'f')
                d = (unsigned)(*p - 'a' + 10);
            else if (*p >= 'A' && *p <= 'F')
                d = (unsigned)(*p - 'A' + 10);
            else
                break;
            if (v >> 60)
                return NULL;
            v = v << 4 | d;
        }
        if (p == start)
            return NULL;
    } else {
        const char *start = p;
        for (; *p >= '0' && *p <= '9'; p++) {
            unsigned d = (unsigned)(*p - '0');
            if (v > (UINT64_MAX - d) / 10)
                return NULL;
            v = v * 10 + d;
        }
        if (p == start)
            return NULL;
    }
    *out = v;
    return p;
}

const char *regnum_int(const char *s, int64_t *out)
{
    bool neg = false;
    if (*s == '-' || *s == '+')
        neg = *s++ == '-';
    uint64_t v;
    const char *p = regnum_uint(s, &v);
    if (p == NULL)
        return NULL;
    if (neg ? v > (uint64_t)INT64_MAX + 1 : v > (uint64_t)INT64_MAX)
        return NULL;
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return p;
}

bool regnum_double(const char *s, locale_t c_locale, double *out)
{
    while (*s == ' ')
        s++;
    if (*s == '\0')
        return false;
    char *end;
    double v = strtod_l(s, &end, c_locale);
    if (end == s)
        return false;
    while (*end == ' ')
        end++;
    if (*end != '\0')
        return false;
    *out = v;
    return true;
}
