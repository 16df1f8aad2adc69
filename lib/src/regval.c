/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The typed codec of docs/REGISTER-MAP.md §2-§5. */

#include "mcp/regval.h"

#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "regmap_num.h"

uint64_t mcp_reg_order_get(enum mcp_reg_order order, const uint16_t *regs, unsigned n)
{
    bool words_reversed = order == MCP_ORDER_CDAB || order == MCP_ORDER_DCBA;
    bool bytes_swapped = order == MCP_ORDER_BADC || order == MCP_ORDER_DCBA;
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++) {
        uint16_t w = regs[words_reversed ? n - 1 - i : i];
        if (bytes_swapped)
            w = (uint16_t)(w << 8 | w >> 8);
        v = v << 16 | w;
    }
    return v;
}

void mcp_reg_order_put(enum mcp_reg_order order, uint64_t value, uint16_t *regs, unsigned n)
{
    bool words_reversed = order == MCP_ORDER_CDAB || order == MCP_ORDER_DCBA;
    bool bytes_swapped = order == MCP_ORDER_BADC || order == MCP_ORDER_DCBA;
    for (unsigned i = 0; i < n; i++) {
        uint16_t w = (uint16_t)(value >> (16 * (n - 1 - i)));
        if (bytes_swapped)
            w = (uint16_t)(w << 8 | w >> 8);
        regs[words_reversed ? n - 1 - i : i] = w;
    }
}

static bool is_signed(enum mcp_reg_type t)
{
    return t == MCP_REG_I16 || t == MCP_REG_I32 || t == MCP_REG_I64;
}

static bool is_int(enum mcp_reg_type t)
{
    return t <= MCP_REG_I64 || t == MCP_REG_BITS;
}

static unsigned bits_of(enum mcp_reg_type t)
{
    switch (t) {
    case MCP_REG_U32:
    case MCP_REG_I32:
    case MCP_REG_F32:
        return 32;
    case MCP_REG_U64:
    case MCP_REG_I64:
    case MCP_REG_F64:
        return 64;
    default:
        return 16;
    }
}

/* A locale's decimal comma would turn "23.4" into "23,4": printf's output is
 * put back into the C locale's form. */
static void c_decimal_point(char *buf)
{
    const char *dp = localeconv()->decimal_point;
    if (dp[0] == '.' && dp[1] == '\0')
        return;
    size_t dl = strlen(dp);
    char *p = strstr(buf, dp);
    if (p != NULL) {
        *p = '.';
        memmove(p + 1, p + dl, strlen(p + dl) + 1);
    }
}

/* The shortest %.Ng (N from min_digits to max_digits) that reads back as v,
 * in the program's locale (tmp: 40 bytes). */
static void shortest_locale(char *tmp, double v, int min_digits, int max_digits, bool as_float)
{
    int d;
    for (d = min_digits; d < max_digits; d++) {
        if (snprintf(tmp, 40, "%.*g", d, v) >= 40)
            continue;                    /* (at most 17 digits and an exponent: never) */
        double back = strtod(tmp, NULL); /* the same locale as the snprintf */
        if (as_float ? (float)back == (float)v : back == v)
            break;
    }
    /* No exponent for a whole part of up to 17 digits: 20, not 2e+01. */
    double mag = fabs(v);
    int whole = mag >= 1 && isfinite(mag) ? (int)floor(log10(mag)) + 1 : 1;
    if (whole > d && whole <= 17)
        d = whole;
    if (snprintf(tmp, 40, "%.*g", d, v) >= 40)
        tmp[39] = '\0';
}

/* The same in the C locale's form, into buf; returns its length. */
static int shortest(char *buf, size_t size, double v, int min_digits, int max_digits, bool as_float)
{
    char tmp[40];
    shortest_locale(tmp, v, min_digits, max_digits, as_float);
    c_decimal_point(tmp);
    if (size > 0)
        snprintf(buf, size, "%s", tmp);
    return (int)strlen(tmp);
}

/* x rounded to d decimals, as the nearest double of that decimal (-1: as is). */
static double round_decimals(double x, int d)
{
    static const double p10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    if (d < 0 || d > 15 || !isfinite(x))
        return x;
    double s = x * p10[d];
    if (fabs(s) >= 9007199254740992.0) /* 2^53: no finer than the double already is */
        return x;
    return nearbyint(s) / p10[d];
}

static const char *label_of(const struct mcp_reg_item *it, int64_t v)
{
    size_t lo = 0, hi = it->label_count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (it->labels[mid].value == v)
            return it->labels[mid].name;
        if (it->labels[mid].value < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static void decode_str(const struct mcp_reg_item *it, const uint16_t *regs, char *out)
{
    unsigned char bytes[2 * MCP_REG_STR_MAX];
    size_t n = 2u * it->nregs;
    for (unsigned i = 0; i < it->nregs; i++) {
        unsigned char hi = (unsigned char)(regs[i] >> 8), lo = (unsigned char)regs[i];
        bytes[2 * i] = it->order == MCP_ORDER_BADC ? lo : hi;
        bytes[2 * i + 1] = it->order == MCP_ORDER_BADC ? hi : lo;
    }
    while (n > 0 && (bytes[n - 1] == 0 || bytes[n - 1] == ' '))
        n--;
    char *o = out;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = bytes[i];
        if (c >= 0x20 && c < 0x7F) {
            *o++ = (char)c;
        } else {
            static const char hex[] = "0123456789abcdef";
            *o++ = '\\';
            *o++ = 'x';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        }
    }
    *o = '\0';
}

void mcp_reg_decode(const struct mcp_reg_item *item, const uint16_t *regs,
                    struct mcp_reg_value *out)
{
    out->raw = 0;
    out->sraw = 0;
    out->eng = 0;
    out->label = NULL;
    out->text[0] = '\0';
    if (item->type == MCP_REG_STR) {
        decode_str(item, regs, out->text);
        return;
    }
    unsigned bits = bits_of(item->type);
    uint64_t raw = mcp_reg_order_get(item->order, regs, item->nregs);
    out->raw = raw;
    out->sraw = (int64_t)raw;
    switch (item->type) {
    case MCP_REG_F32: {
        uint32_t b = (uint32_t)raw;
        float f;
        memcpy(&f, &b, sizeof f);
        double d = f;
        if (isfinite(f)) { /* its shortest decimal form, as a double */
            char tmp[40];
            /* (6 digits or fewer give the same text for a normal float; a
             * subnormal's shortest form may be shorter: 1e-45, not 1.4013e-45) */
            shortest_locale(tmp, f, fpclassify(f) == FP_SUBNORMAL ? 1 : 6, 9, true);
            d = strtod(tmp, NULL);
        }
        out->eng = item->scaled ? d * item->scale + item->offset : d;
        return;
    }
    case MCP_REG_F64: {
        double d;
        memcpy(&d, &raw, sizeof d);
        out->eng = item->scaled ? d * item->scale + item->offset : d;
        return;
    }
    default:
        break;
    }
    if (is_signed(item->type) && bits < 64 && (raw >> (bits - 1) & 1))
        out->sraw = (int64_t)(raw | ~((UINT64_C(1) << bits) - 1));
    double v = is_signed(item->type) ? (double)out->sraw : (double)raw;
    if (item->scaled)
        v = round_decimals(v * item->scale + item->offset, item->decimals);
    out->eng = v;
    if (item->type != MCP_REG_BITS && item->label_count > 0 &&
        (is_signed(item->type) || raw <= (uint64_t)INT64_MAX))
        out->label = label_of(item, out->sraw);
}

static int format_double(char *buf, size_t size, double v)
{
    if (isnan(v))
        return snprintf(buf, size, "nan");
    if (isinf(v))
        return snprintf(buf, size, v < 0 ? "-inf" : "inf");
    return shortest(buf, size, v, 1, 17, false);
}

int mcp_reg_format_number(const struct mcp_reg_item *item, const struct mcp_reg_value *value,
                          char *buf, size_t size)
{
    switch (item->type) {
    case MCP_REG_STR:
        return snprintf(buf, size, "%s", value->text);
    case MCP_REG_F32:
    case MCP_REG_F64:
        return format_double(buf, size, value->eng);
    default:
        if (item->scaled)
            return format_double(buf, size, value->eng);
        if (is_signed(item->type))
            return snprintf(buf, size, "%lld", (long long)value->sraw);
        return snprintf(buf, size, "%llu", (unsigned long long)value->raw);
    }
}

int mcp_reg_format(const struct mcp_reg_item *item, const struct mcp_reg_value *value, char *buf,
                   size_t size)
{
    if (item->type == MCP_REG_STR)
        return snprintf(buf, size, "\"%s\"", value->text);
    char num[48];
    if (item->type == MCP_REG_BITS)
        snprintf(num, sizeof num, "0x%04llx", (unsigned long long)value->raw);
    else
        mcp_reg_format_number(item, value, num, sizeof num);
    char tail[512] = "";
    size_t tl = 0;
    if (item->type == MCP_REG_BITS) {
        for (size_t i = 0; i < item->label_count; i++) {
            if (!(value->raw >> item->labels[i].value & 1))
                continue;
            int n = snprintf(tail + tl, sizeof tail - tl, "%s%s", tl == 0 ? " (" : ", ",
                             item->labels[i].name);
            if (n < 0 || (size_t)n >= sizeof tail - tl - 2)
                break;
            tl += (size_t)n;
        }
        if (tl > 0)
            snprintf(tail + tl, sizeof tail - tl, ")");
    } else if (value->label != NULL) {
        snprintf(tail, sizeof tail, " (%s)", value->label);
    }
    return snprintf(buf, size, "%s%s%s%s", num, item->unit != NULL ? " " : "",
                    item->unit != NULL ? item->unit : "", tail);
}

/* ---- the write direction ---- */

void mcp_reg_raw_range(enum mcp_reg_type t, double *lo, double *hi)
{
    switch (t) {
    case MCP_REG_I16:
        *lo = -32768.0, *hi = 32767.0;
        return;
    case MCP_REG_U32:
        *lo = 0, *hi = 4294967295.0;
        return;
    case MCP_REG_I32:
        *lo = -2147483648.0, *hi = 2147483647.0;
        return;
    case MCP_REG_U64:
        *lo = 0, *hi = 18446744073709551615.0;
        return;
    case MCP_REG_I64:
        *lo = -9223372036854775808.0, *hi = 9223372036854775807.0;
        return;
    default:
        *lo = 0, *hi = 65535.0;
        return;
    }
}

static int range_error(const struct mcp_reg_item *it, const char *shown, char *err, size_t errlen)
{
    char a[48], b[48];
    if (it->type == MCP_REG_F32) {
        double m = (double)FLT_MAX * fabs(it->scale);
        format_double(a, sizeof a, -m + it->offset);
        format_double(b, sizeof b, m + it->offset);
    } else if (!it->scaled && it->type == MCP_REG_U64) {
        snprintf(a, sizeof a, "0");
        snprintf(b, sizeof b, "18446744073709551615");
    } else if (!it->scaled && it->type == MCP_REG_I64) {
        snprintf(a, sizeof a, "-9223372036854775808");
        snprintf(b, sizeof b, "9223372036854775807");
    } else {
        double lo, hi;
        mcp_reg_raw_range(it->type, &lo, &hi);
        double x = round_decimals(lo * it->scale + it->offset, it->scaled ? it->decimals : 0);
        double y = round_decimals(hi * it->scale + it->offset, it->scaled ? it->decimals : 0);
        format_double(a, sizeof a, x < y ? x : y);
        format_double(b, sizeof b, x < y ? y : x);
    }
    snprintf(err, errlen, "%s: %s is out of range %s..%s%s%s (%s)", it->name, shown, a, b,
             it->unit != NULL ? " " : "", it->unit != NULL ? it->unit : "",
             mcp_reg_type_name(it->type));
    return -1;
}

static void put_raw(const struct mcp_reg_item *it, uint64_t raw, uint16_t *regs)
{
    unsigned bits = bits_of(it->type);
    if (bits < 64)
        raw &= (UINT64_C(1) << bits) - 1;
    mcp_reg_order_put(it->order, raw, regs, it->nregs);
}

int mcp_reg_encode_value(const struct mcp_reg_item *item, double eng, uint16_t *regs, char *err,
                         size_t errlen)
{
    /* the value as shown in an error message, formatted only then (formatting
     * costs more than the encoding: mcpsim encodes at every READ) */
    char shown[48];
    if (item->type == MCP_REG_STR) {
        snprintf(err, errlen, "%s: a str item takes text, not a number", item->name);
        return -1;
    }
    double x = item->scaled ? (eng - item->offset) / item->scale : eng;
    if (item->type == MCP_REG_F64) {
        uint64_t raw;
        memcpy(&raw, &x, sizeof raw);
        put_raw(item, raw, regs);
        return 0;
    }
    if (item->type == MCP_REG_F32) {
        float f = (float)x;
        if (isfinite(x) && !isfinite(f)) {
            format_double(shown, sizeof shown, eng);
            return range_error(item, shown, err, errlen);
        }
        uint32_t b;
        memcpy(&b, &f, sizeof b);
        put_raw(item, b, regs);
        return 0;
    }
    if (!isfinite(x)) {
        format_double(shown, sizeof shown, eng);
        snprintf(err, errlen, "%s: %s is not a value of a whole-number type (%s)", item->name,
                 shown, mcp_reg_type_name(item->type));
        return -1;
    }
    /* (v - offset) / scale lands a hair off the integer it means (0.15 / 0.1 =
     * 1.4999999999999998): settle it to 1e-6 of a raw step first. */
    if (fabs(x) < 1e9)
        x = nearbyint(x * 1e6) / 1e6;
    double r = round(x);
    double lo, hi;
    mcp_reg_raw_range(item->type, &lo, &hi);
    /* hi of the 64-bit types is 2^64 or 2^63 as a double: exclusive there. */
    bool above = bits_of(item->type) == 64 ? r >= hi : r > hi;
    if (r < lo || above) {
        format_double(shown, sizeof shown, eng);
        return range_error(item, shown, err, errlen);
    }
    uint64_t raw = is_signed(item->type) ? (uint64_t)(int64_t)r : (uint64_t)r;
    put_raw(item, raw, regs);
    return 0;
}

/* A sign, then decimal or 0x hex digits only, spaces after: a whole number,
 * however large. */
static bool whole_number_text(const char *s)
{
    if (*s == '-' || *s == '+')
        s++;
    bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
    if (hex)
        s += 2;
    const char *digits = s;
    while (hex ? (*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') || (*s >= 'A' && *s <= 'F')
               : (*s >= '0' && *s <= '9'))
        s++;
    if (s == digits)
        return false;
    while (*s == ' ')
        s++;
    return *s == '\0';
}

int mcp_reg_encode_text(const struct mcp_reg_item *item, const char *text, uint16_t *regs,
                        char *err, size_t errlen)
{
    if (item->type == MCP_REG_STR) {
        size_t n = strlen(text), room = 2u * item->nregs;
        if (n > room) {
            snprintf(err, errlen, "%s: %zu bytes of text do not fit str:%u (%zu bytes)", item->name,
                     n, item->nregs, room);
            return -1;
        }
        unsigned char bytes[2 * MCP_REG_STR_MAX] = {0};
        memcpy(bytes, text, n);
        for (unsigned i = 0; i < item->nregs; i++) {
            unsigned char a = bytes[2 * i], b = bytes[2 * i + 1];
            regs[i] =
                item->order == MCP_ORDER_BADC ? (uint16_t)(b << 8 | a) : (uint16_t)(a << 8 | b);
        }
        return 0;
    }
    while (*text == ' ')
        text++;
    /* A label's name. */
    for (size_t i = 0; item->type != MCP_REG_BITS && i < item->label_count; i++) {
        if (strcmp(item->labels[i].name, text) == 0) {
            put_raw(item, (uint64_t)item->labels[i].value, regs);
            return 0;
        }
    }
    /* A whole number, exactly (64-bit values do not survive a double). */
    if (is_int(item->type) && !item->scaled) {
        int64_t s;
        uint64_t u;
        const char *end;
        bool neg = text[0] == '-';
        if (neg ? (end = regnum_int(text, &s)) != NULL
                : (end = regnum_uint(text[0] == '+' ? text + 1 : text, &u)) != NULL) {
            while (*end == ' ')
                end++;
            if (*end == '\0') {
                double lo, hi;
                mcp_reg_raw_range(item->type, &lo, &hi);
                bool fits;
                if (neg)
                    fits = s == 0 || (is_signed(item->type) && (double)s >= lo);
                else if (item->type == MCP_REG_I64)
                    fits = u <= (uint64_t)INT64_MAX;
                else if (item->type == MCP_REG_U64)
                    fits = true;
                else
                    fits = (double)u <= hi;
                if (!fits)
                    return range_error(item, text, err, errlen);
                put_raw(item, neg ? (uint64_t)s : u, regs);
                return 0;
            }
        } else if (whole_number_text(text)) {
            /* Beyond 64 bits: out of range, not a double that rounds into it. */
            return range_error(item, text, err, errlen);
        }
    }
    locale_t c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    double v;
    bool ok = c != (locale_t)0 && regnum_double(text, c, &v);
    if (c != (locale_t)0)
        freelocale(c);
    if (!ok) {
        if (item->label_count > 0 && item->type != MCP_REG_BITS)
            snprintf(err, errlen, "%s: '%s' is neither a number nor one of its labels", item->name,
                     text);
        else
            snprintf(err, errlen, "%s: '%s' is not a number", item->name, text);
        return -1;
    }
    return mcp_reg_encode_value(item, v, regs, err, errlen);
}

bool mcp_reg_same(const struct mcp_reg_item *item, const struct mcp_reg_value *a,
                  const struct mcp_reg_value *b)
{
    if (item->type == MCP_REG_STR)
        return strcmp(a->text, b->text) == 0;
    if (item->tolerance == 0 && is_int(item->type))
        return a->raw == b->raw;
    double x = a->eng, y = b->eng;
    if (isnan(x) || isnan(y))
        return isnan(x) && isnan(y);
    if (isinf(x) || isinf(y))
        return x == y;
    double mag = fabs(x) > fabs(y) ? fabs(x) : fabs(y);
    if (mag < 1)
        mag = 1;
    /* A decimal tolerance (0.5) must hold for decimal values (23.4, 22.9). */
    return fabs(x - y) <= item->tolerance + 1e-9 * mag;
}

/* ---- §4 ---- */

double mcp_reg_sim_value(const struct mcp_reg_item *item, double t, uint64_t random_bits)
{
    const struct mcp_reg_sim *s = &item->sim;
    switch (s->kind) {
    case MCP_SIM_CONST:
        return s->a;
    case MCP_SIM_RAMP:
        return s->a + (s->b - s->a) * (fmod(t, s->c) / s->c);
    case MCP_SIM_SINE:
        return s->a + s->b * sin(2 * M_PI * t / s->c);
    case MCP_SIM_RANDOM: {
        double u = (double)(random_bits >> 11) * 0x1.0p-53; /* [0, 1) */
        double v = s->a + (s->b - s->a) * u;
        return v > s->b ? s->b : v;
    }
    case MCP_SIM_COUNTER: {
        double v = s->a * t;
        if (!is_int(item->type))
            return v;
        /* Wrap the raw count at the type's range. */
        double raw = round(item->scaled ? (v - item->offset) / item->scale : v);
        double span = ldexp(1.0, (int)bits_of(item->type));
        raw = fmod(raw, span);
        if (raw < 0)
            raw += span;
        if (is_signed(item->type) && raw >= span / 2)
            raw -= span;
        return item->scaled ? round_decimals(raw * item->scale + item->offset, item->decimals)
                            : raw;
    }
    case MCP_SIM_TOGGLE:
        return fmod(floor(t / s->c), 2.0) == 0 ? s->a : s->b;
    }
    return 0;
}

void mcp_reg_sim_registers(const struct mcp_reg_item *item, double t, uint64_t random_bits,
                           uint16_t *regs)
{
    char err[8];
    if (item->type == MCP_REG_STR) {
        if (mcp_reg_encode_text(item, item->sim.text, regs, err, sizeof err) != 0)
            memset(regs, 0, item->nregs * sizeof *regs);
        return;
    }
    double v = mcp_reg_sim_value(item, t, random_bits);
    if (mcp_reg_encode_value(item, v, regs, err, sizeof err) == 0)
        return;
    /* Out of range: the nearest end of the type. */
    double lo, hi;
    if (item->type == MCP_REG_F32) {
        lo = -(double)FLT_MAX, hi = (double)FLT_MAX;
    } else {
        mcp_reg_raw_range(item->type, &lo, &hi);
    }
    double x = item->scaled ? (v - item->offset) / item->scale : v;
    if (item->type == MCP_REG_F32) {
        float f = x < 0 ? -FLT_MAX : FLT_MAX;
        uint32_t b;
        memcpy(&b, &f, sizeof b);
        put_raw(item, b, regs);
        return;
    }
    (void)lo, (void)hi;
    uint64_t top = UINT64_C(1) << (bits_of(item->type) - 1); /* the sign bit */
    if (is_signed(item->type))
        put_raw(item, x < 0 ? top : top - 1, regs);
    else
        put_raw(item, x < 0 ? 0 : UINT64_MAX, regs);
}
