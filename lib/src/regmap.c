/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The register-map reader: docs/REGISTER-MAP.md §1 (columns, cells, errors). */

#include "mcp/regmap.h"
#include "mcp/regval.h"

#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "regmap_csv.h"
#include "regmap_num.h"

/* ---- storage: every string and label array of a map lives in its arena ---- */

struct arena_chunk {
    struct arena_chunk *next;
    size_t used, cap;
    max_align_t data[];
};

struct device_index {
    const struct mcp_reg_item **by_addr; /* sorted by addr */
    const struct mcp_reg_item **by_name; /* sorted by name */
    size_t count;
};

struct mcp_regmap {
    struct mcp_reg_item *items;
    size_t item_count;
    struct mcp_reg_field *fields;
    size_t field_count;
    struct device_index dev[256];
    struct arena_chunk *arena;
};

static void *arena_alloc(struct mcp_regmap *map, size_t size)
{
    size = (size + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    struct arena_chunk *c = map->arena;
    if (c == NULL || c->cap - c->used < size) {
        size_t cap = size > 16384 ? size : 16384;
        c = malloc(sizeof *c + cap);
        if (c == NULL)
            return NULL;
        c->cap = cap;
        c->used = 0;
        c->next = map->arena;
        map->arena = c;
    }
    void *p = (char *)c->data + c->used;
    c->used += size;
    return p;
}

static char *arena_strdup(struct mcp_regmap *map, const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = arena_alloc(map, n);
    if (d != NULL)
        memcpy(d, s, n);
    return d;
}

void mcp_regmap_free(struct mcp_regmap *map)
{
    if (map == NULL)
        return;
    for (int d = 0; d < 256; d++) {
        free(map->dev[d].by_addr);
        free(map->dev[d].by_name);
    }
    free(map->items);
    free(map->fields);
    while (map->arena != NULL) {
        struct arena_chunk *next = map->arena->next;
        free(map->arena);
        map->arena = next;
    }
    free(map);
}

/* ---- names ---- */

static const char *const type_names[] = {"u16", "i16", "u32", "i32",  "u64",
                                         "i64", "f32", "f64", "bits", "str"};
static const char *const order_names[] = {"ABCD", "CDAB", "BADC", "DCBA"};

const char *mcp_reg_type_name(enum mcp_reg_type type)
{
    return (unsigned)type <= MCP_REG_STR ? type_names[type] : "?";
}

const char *mcp_reg_order_name(enum mcp_reg_order order)
{
    return (unsigned)order <= MCP_ORDER_DCBA ? order_names[order] : "?";
}

const char *mcp_reg_access_name(enum mcp_reg_access access)
{
    switch (access) {
    case MCP_ACCESS_R:
        return "r";
    case MCP_ACCESS_W:
        return "w";
    case MCP_ACCESS_RW:
        return "rw";
    }
    return "?";
}

/* ---- the parse ---- */

enum column {
    COL_DEVICE,
    COL_ADDR,
    COL_NAME,
    COL_TYPE,
    COL_ORDER,
    COL_SCALE,
    COL_OFFSET,
    COL_UNIT,
    COL_LABELS,
    COL_ACCESS,
    COL_SIM,
    COL_TOLERANCE,
    COL_DESCRIPTION,
    COL_COUNT
};

static const char *const column_names[COL_COUNT] = {
    "device", "addr",   "name",   "type", "order",     "scale",       "offset",
    "unit",   "labels", "access", "sim",  "tolerance", "description",
};

struct parse {
    const char *filename;
    char *err;
    size_t errlen;
    unsigned line;
    struct mcp_regmap *map;
    locale_t c_locale;
    size_t items_cap;
};

static int fail(struct parse *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct parse *ps, const char *fmt, ...)
{
    if (ps->err == NULL || ps->errlen == 0)
        return -1;
    int n = ps->line > 0 ? snprintf(ps->err, ps->errlen, "%s:%u: ", ps->filename, ps->line)
                         : snprintf(ps->err, ps->errlen, "%s: ", ps->filename);
    if (n >= 0 && (size_t)n < ps->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static bool is_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > MCP_REG_NAME_MAX || s[0] < 'a' || s[0] > 'z')
        return false;
    for (size_t i = 1; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            return false;
    }
    return true;
}

static int parse_devices(struct parse *ps, const char *cell, uint8_t devices[32])
{
    memset(devices, 0, 32);
    if (strcmp(cell, "*") == 0) {
        for (unsigned d = 1; d <= 254; d++)
            devices[d / 8] |= (uint8_t)(1u << (d % 8));
        return 0;
    }
    const char *p = cell;
    bool any = false;
    for (;;) {
        while (*p == ' ')
            p++;
        uint64_t lo, hi;
        const char *q = regnum_uint(p, &lo);
        if (q == NULL)
            return fail(ps, "device: '%s' is not a device list (3, 1-8, 1,3,9-12 or *)", cell);
        hi = lo;
        while (*q == ' ')
            q++;
        if (*q == '-') {
            q++;
            while (*q == ' ')
                q++;
            q = regnum_uint(q, &hi);
            if (q == NULL)
                return fail(ps, "device: '%s' is not a device list (3, 1-8, 1,3,9-12 or *)", cell);
            while (*q == ' ')
                q++;
        }
        if (lo > 254 || hi > 254)
            return fail(ps, "device: %llu in '%s' is not a device (0..254; 255 is broadcast)",
                        (unsigned long long)(lo > 254 ? lo : hi), cell);
        if (hi < lo)
            return fail(ps, "device: range %llu-%llu in '%s' runs backwards",
                        (unsigned long long)lo, (unsigned long long)hi, cell);
        for (uint64_t d = lo; d <= hi; d++)
            devices[d / 8] |= (uint8_t)(1u << (d % 8));
        any = true;
        if (*q == '\0')
            break;
        if (*q != ',')
            return fail(ps, "device: '%s' is not a device list (3, 1-8, 1,3,9-12 or *)", cell);
        p = q + 1;
    }
    return any ? 0 : fail(ps, "device: empty");
}

static int parse_type(struct parse *ps, const char *cell, enum mcp_reg_type *type, uint8_t *nregs)
{
    static const uint8_t widths[] = {1, 1, 2, 2, 4, 4, 2, 4, 1};
    for (int t = MCP_REG_U16; t <= MCP_REG_BITS; t++) {
        if (strcasecmp(cell, type_names[t]) == 0) {
            *type = (enum mcp_reg_type)t;
            *nregs = widths[t];
            return 0;
        }
    }
    if (strncasecmp(cell, "str:", 4) == 0) {
        uint64_t n;
        const char *q = regnum_uint(cell + 4, &n);
        if (q == NULL || *q != '\0')
            return fail(ps, "type: '%s' is not str:N (N registers, 1..64)", cell);
        if (n < 1 || n > MCP_REG_STR_MAX)
            return fail(ps, "type: %s: N must be 1..64 registers", cell);
        *type = MCP_REG_STR;
        *nregs = (uint8_t)n;
        return 0;
    }
    return fail(ps, "type: '%s' is not a type (u16 i16 u32 i32 u64 i64 f32 f64 bits str:N)", cell);
}

/* A finite number of the cell, in the C locale whatever the program's. */
static int parse_double(struct parse *ps, const char *col, const char *cell, double *out)
{
    if (!regnum_double(cell, ps->c_locale, out) || !isfinite(*out))
        return fail(ps, "%s: '%s' is not a number", col, cell);
    return 0;
}

/* Smallest d in 0..15 with x * 10^d an integer (to 1e-9), or -1. */
static int decimals_of(double x)
{
    double p = 1;
    for (int d = 0; d <= 15; d++, p *= 10) {
        double v = x * p;
        if (fabs(v) > 9007199254740992.0)
            return -1;
        /* (a nonzero x is not a whole number of 10^-d while it rounds to 0:
         * 1e-9 is 9 decimals, not 0) */
        if (fabs(v - nearbyint(v)) <= 1e-9 * (fabs(v) > 1 ? fabs(v) : 1) &&
            (x == 0 || nearbyint(v) != 0))
            return d;
    }
    return -1;
}

static bool is_integer_type(enum mcp_reg_type t)
{
    return t <= MCP_REG_I64 || t == MCP_REG_BITS;
}

static int cmp_label(const void *a, const void *b)
{
    const struct mcp_reg_label *x = a, *y = b;
    return x->value < y->value ? -1 : x->value > y->value;
}

/* labels: "0=off;1=on" (integer types) or "0=alarm;3=door_open" (bits). */
static int parse_labels(struct parse *ps, struct mcp_reg_item *it, const char *cell)
{
    if (!is_integer_type(it->type))
        return fail(ps, "labels: type %s takes no labels (integer types and bits do)",
                    mcp_reg_type_name(it->type));
    size_t n = 1;
    for (const char *p = cell; *p; p++)
        n += *p == ';';
    struct mcp_reg_label *labels = arena_alloc(ps->map, n * sizeof *labels);
    char *copy = arena_strdup(ps->map, cell);
    if (labels == NULL || copy == NULL)
        return fail(ps, "out of memory");
    size_t count = 0;
    char *save = NULL;
    for (char *tok = strtok_r(copy, ";", &save); tok != NULL; tok = strtok_r(NULL, ";", &save)) {
        while (*tok == ' ')
            tok++;
        char *eq = strchr(tok, '=');
        if (eq == NULL)
            return fail(ps, "labels: '%s' is not VALUE=NAME", tok);
        *eq = '\0';
        char *name = eq + 1;
        while (*name == ' ')
            name++;
        size_t nl = strlen(name);
        while (nl > 0 && name[nl - 1] == ' ')
            name[--nl] = '\0';
        int64_t v;
        const char *q = regnum_int(tok, &v);
        while (q != NULL && *q == ' ')
            q++;
        if (q == NULL || *q != '\0')
            return fail(ps, "labels: '%s' is not a whole number", tok);
        if (it->type == MCP_REG_BITS) {
            if (v < 0 || v > 15)
                return fail(ps, "labels: bit %lld is not a bit of a register (0..15)",
                            (long long)v);
            if (!is_name(name))
                return fail(ps,
                            "labels: bit name '%s' must be [a-z][a-z0-9_]{0,47} (it names the "
                            "field mcp5a.reg.%s.%s)",
                            name, it->name, name);
        } else {
            double lo, hi;
            mcp_reg_raw_range(it->type, &lo, &hi);
            if (it->type == MCP_REG_U64 ? v < 0 : ((double)v < lo || (double)v > hi))
                return fail(ps, "labels: %lld does not fit %s", (long long)v,
                            mcp_reg_type_name(it->type));
            if (nl == 0)
                return fail(ps, "labels: %lld has no name", (long long)v);
            double as_number;
            if (regnum_double(name, ps->c_locale, &as_number))
                return fail(ps,
                            "labels: %lld=%s: a label that reads as a number would be written "
                            "as %lld, not %s",
                            (long long)v, name, (long long)v, name);
        }
        for (size_t i = 0; i < count; i++) {
            if (labels[i].value == v)
                return fail(ps, "labels: %lld is named twice", (long long)v);
            if (strcmp(labels[i].name, name) == 0)
                return fail(ps, "labels: '%s' names two values", name);
        }
        labels[count].value = v;
        labels[count].name = name;
        count++;
    }
    if (count == 0)
        return fail(ps, "labels: '%s' holds no VALUE=NAME", cell);
    qsort(labels, count, sizeof *labels, cmp_label);
    it->labels = labels;
    it->label_count = count;
    return 0;
}

/* The engineering range of a numeric item (for sim values). */
static void eng_range(const struct mcp_reg_item *it, double *lo, double *hi)
{
    if (it->type == MCP_REG_F32) {
        *lo = -3.4028234663852886e38, *hi = 3.4028234663852886e38;
    } else if (it->type == MCP_REG_F64) {
        *lo = -1.7976931348623157e308, *hi = 1.7976931348623157e308;
    } else {
        mcp_reg_raw_range(it->type, lo, hi);
    }
    double a = *lo * it->scale + it->offset, b = *hi * it->scale + it->offset;
    if (it->type == MCP_REG_F32 || it->type == MCP_REG_F64) {
        if (it->scale < 0) {
            double t = a;
            a = b, b = t;
        }
        *lo = a, *hi = b;
        return;
    }
    *lo = a < b ? a : b;
    *hi = a < b ? b : a;
}

static int sim_fits(struct parse *ps, const struct mcp_reg_item *it, const char *cell, double v)
{
    double lo, hi;
    eng_range(it, &lo, &hi);
    /* Half a raw step of slack: the value is rounded when written. */
    double slack = is_integer_type(it->type) ? fabs(it->scale) / 2 : 0;
    if (v < lo - slack || v > hi + slack)
        return fail(ps, "sim: '%s': %.17g does not fit %s (%.17g..%.17g)", cell, v,
                    it->type == MCP_REG_STR ? "str" : mcp_reg_type_name(it->type), lo, hi);
    return 0;
}

static int parse_sim(struct parse *ps, struct mcp_reg_item *it, const char *cell)
{
    struct mcp_reg_sim *s = &it->sim;
    const char *p = cell;
    while (*p == ' ')
        p++;
    size_t kw = strcspn(p, " ");
    const char *rest = p + kw;
    while (*rest == ' ')
        rest++;
    if (it->type == MCP_REG_STR) {
        if (kw != 5 || strncasecmp(p, "const", 5) != 0)
            return fail(ps, "sim: a str item takes only 'const TEXT', not '%s'", cell);
        if (strlen(rest) > 2u * it->nregs)
            return fail(ps, "sim: const text of %zu bytes does not fit str:%u (%u bytes)",
                        strlen(rest), it->nregs, 2u * it->nregs);
        s->kind = MCP_SIM_CONST;
        s->text = arena_strdup(ps->map, rest);
        return s->text != NULL ? 0 : fail(ps, "out of memory");
    }
    static const struct {
        const char *name;
        enum mcp_sim_kind kind;
        int args;
        const char *usage;
    } kinds[] = {
        {"const", MCP_SIM_CONST, 1, "const V"},
        {"ramp", MCP_SIM_RAMP, 3, "ramp LO HI S"},
        {"sine", MCP_SIM_SINE, 3, "sine MID AMP S"},
        {"random", MCP_SIM_RANDOM, 2, "random LO HI"},
        {"counter", MCP_SIM_COUNTER, 1, "counter RATE"},
        {"toggle", MCP_SIM_TOGGLE, 3, "toggle A B S"},
    };
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        if (strlen(kinds[k].name) != kw || strncasecmp(p, kinds[k].name, kw) != 0)
            continue;
        double v[3] = {0, 0, 0};
        int n = 0;
        char tok[64];
        const char *q = rest;
        while (*q != '\0') {
            size_t len = strcspn(q, " ");
            if (n == kinds[k].args || len >= sizeof tok)
                return fail(ps, "sim: '%s' is not '%s'", cell, kinds[k].usage);
            memcpy(tok, q, len);
            tok[len] = '\0';
            if (!regnum_double(tok, ps->c_locale, &v[n]) || !isfinite(v[n]))
                return fail(ps, "sim: '%s': '%s' is not a number", cell, tok);
            n++;
            q += len;
            while (*q == ' ')
                q++;
        }
        if (n != kinds[k].args)
            return fail(ps, "sim: '%s' is not '%s'", cell, kinds[k].usage);
        s->kind = kinds[k].kind;
        s->a = v[0], s->b = v[1], s->c = v[2];
        switch (s->kind) {
        case MCP_SIM_CONST:
            return sim_fits(ps, it, cell, s->a);
        case MCP_SIM_RAMP:
        case MCP_SIM_TOGGLE:
            if (!(s->c > 0))
                return fail(ps, "sim: '%s': the period S must be more than 0", cell);
            return sim_fits(ps, it, cell, s->a) || sim_fits(ps, it, cell, s->b);
        case MCP_SIM_SINE:
            if (!(s->c > 0))
                return fail(ps, "sim: '%s': the period S must be more than 0", cell);
            return sim_fits(ps, it, cell, s->a - fabs(s->b)) ||
                   sim_fits(ps, it, cell, s->a + fabs(s->b));
        case MCP_SIM_RANDOM:
            if (s->b < s->a)
                return fail(ps, "sim: '%s': HI is below LO", cell);
            return sim_fits(ps, it, cell, s->a) || sim_fits(ps, it, cell, s->b);
        case MCP_SIM_COUNTER:
            return 0;
        }
    }
    return fail(ps, "sim: '%s' is not a behaviour (const, ramp, sine, random, counter, toggle)",
                cell);
}

static const char *opt_text(struct parse *ps, const char *cell)
{
    return cell[0] == '\0' ? NULL : arena_strdup(ps->map, cell);
}

static int parse_item(struct parse *ps, const int *colidx, char **cells, struct mcp_reg_item *it)
{
    memset(it, 0, sizeof *it);
    it->line = ps->line;
    it->order = MCP_ORDER_ABCD;
    it->access = MCP_ACCESS_RW;
    it->scale = 1;
    it->sim.kind = MCP_SIM_CONST;
    it->sim.text = "";
#define CELL(c) (colidx[c] >= 0 ? cells[colidx[c]] : "")
    for (int c = COL_DEVICE; c <= COL_TYPE; c++) {
        if (CELL(c)[0] == '\0')
            return fail(ps, "%s: empty (the column is required)", column_names[c]);
    }
    const char *name = CELL(COL_NAME);
    if (!is_name(name))
        return fail(ps, "name: '%s' must be [a-z][a-z0-9_]{0,47}", name);
    if ((it->name = arena_strdup(ps->map, name)) == NULL)
        return fail(ps, "out of memory");
    if (parse_devices(ps, CELL(COL_DEVICE), it->devices) != 0)
        return -1;
    uint64_t addr;
    const char *q = regnum_uint(CELL(COL_ADDR), &addr);
    if (q == NULL || *q != '\0' || addr > 0xFFFF)
        return fail(ps, "addr: '%s' is not a register address (0..65535, or 0x0000..0xffff)",
                    CELL(COL_ADDR));
    it->addr = (uint16_t)addr;
    if (parse_type(ps, CELL(COL_TYPE), &it->type, &it->nregs) != 0)
        return -1;
    if (addr + it->nregs - 1 > 0xFFFF)
        return fail(ps, "%s at 0x%04x runs past register 0xffff (%u registers)", name,
                    (unsigned)addr, it->nregs);
    const char *order = CELL(COL_ORDER);
    if (order[0] != '\0') {
        int o;
        for (o = MCP_ORDER_ABCD; o <= MCP_ORDER_DCBA; o++) {
            if (strcasecmp(order, order_names[o]) == 0)
                break;
        }
        if (o > MCP_ORDER_DCBA)
            return fail(ps, "order: '%s' is not ABCD, CDAB, BADC or DCBA", order);
        if (it->type == MCP_REG_STR && o != MCP_ORDER_ABCD && o != MCP_ORDER_BADC)
            return fail(ps, "order: str takes ABCD or BADC, not %s", order_names[o]);
        it->order = (enum mcp_reg_order)o;
    }
    bool numeric = it->type != MCP_REG_STR;
    if (CELL(COL_SCALE)[0] != '\0') {
        if (!numeric)
            return fail(ps, "scale: a str item takes no scale");
        if (parse_double(ps, "scale", CELL(COL_SCALE), &it->scale) != 0)
            return -1;
        if (it->scale == 0)
            return fail(ps, "scale: 0 would make every value the offset");
    }
    if (CELL(COL_OFFSET)[0] != '\0') {
        if (!numeric)
            return fail(ps, "offset: a str item takes no offset");
        if (parse_double(ps, "offset", CELL(COL_OFFSET), &it->offset) != 0)
            return -1;
    }
    if (it->type == MCP_REG_BITS && (it->scale != 1 || it->offset != 0))
        return fail(ps, "scale/offset: a bits item takes neither");
    it->scaled = it->scale != 1 || it->offset != 0;
    int ds = decimals_of(it->scale), dof = decimals_of(it->offset);
    it->decimals = ds < 0 || dof < 0 ? -1 : (ds > dof ? ds : dof);
    it->unit = opt_text(ps, CELL(COL_UNIT));
    it->description = opt_text(ps, CELL(COL_DESCRIPTION));
    if (CELL(COL_LABELS)[0] != '\0' && parse_labels(ps, it, CELL(COL_LABELS)) != 0)
        return -1;
    const char *access = CELL(COL_ACCESS);
    if (access[0] != '\0') {
        if (strcasecmp(access, "r") == 0)
            it->access = MCP_ACCESS_R;
        else if (strcasecmp(access, "w") == 0)
            it->access = MCP_ACCESS_W;
        else if (strcasecmp(access, "rw") == 0)
            it->access = MCP_ACCESS_RW;
        else
            return fail(ps, "access: '%s' is not r, w or rw", access);
    }
    if (CELL(COL_SIM)[0] != '\0' && parse_sim(ps, it, CELL(COL_SIM)) != 0)
        return -1;
    if (CELL(COL_TOLERANCE)[0] != '\0') {
        if (parse_double(ps, "tolerance", CELL(COL_TOLERANCE), &it->tolerance) != 0)
            return -1;
        if (it->tolerance < 0)
            return fail(ps, "tolerance: '%s' is below 0", CELL(COL_TOLERANCE));
    }
#undef CELL
    return 0;
}

static int parse_header(struct parse *ps, const struct csv_record *rec, int *colidx, char sep)
{
    for (int c = 0; c < COL_COUNT; c++)
        colidx[c] = -1;
    for (size_t i = 0; i < rec->count; i++) {
        int c;
        for (c = 0; c < COL_COUNT; c++) {
            if (strcasecmp(rec->cells[i], column_names[c]) == 0)
                break;
        }
        if (c == COL_COUNT)
            return fail(ps,
                        "unknown column '%s' (columns: device addr name type order scale offset "
                        "unit labels access sim tolerance description; separator '%c')",
                        rec->cells[i], sep);
        if (colidx[c] >= 0)
            return fail(ps, "column '%s' twice", column_names[c]);
        colidx[c] = (int)i;
    }
    for (int c = COL_DEVICE; c <= COL_TYPE; c++) {
        if (colidx[c] < 0)
            return fail(ps,
                        "the header has no column '%s' (device, addr, name and type are "
                        "required; separator '%c')",
                        column_names[c], sep);
    }
    return 0;
}

/* ---- the index: per device, items by address and by name ---- */

static int cmp_addr(const void *a, const void *b)
{
    const struct mcp_reg_item *x = *(const struct mcp_reg_item *const *)a;
    const struct mcp_reg_item *y = *(const struct mcp_reg_item *const *)b;
    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    return x->line < y->line ? -1 : x->line > y->line;
}

static int cmp_name(const void *a, const void *b)
{
    const struct mcp_reg_item *x = *(const struct mcp_reg_item *const *)a;
    const struct mcp_reg_item *y = *(const struct mcp_reg_item *const *)b;
    int c = strcmp(x->name, y->name);
    if (c != 0)
        return c;
    return x->line < y->line ? -1 : x->line > y->line;
}

bool mcp_reg_item_has_device(const struct mcp_reg_item *item, unsigned device)
{
    return device < 256 && (item->devices[device / 8] >> (device % 8) & 1);
}

/* The conflict reported is the one on the earliest line. */
struct conflict {
    unsigned line;
    char text[MCP_REGMAP_ERR_MAX];
};

static void note_conflict(struct conflict *cf, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void note_conflict(struct conflict *cf, unsigned line, const char *fmt, ...)
{
    if (cf->line != 0 && cf->line <= line)
        return;
    cf->line = line;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cf->text, sizeof cf->text, fmt, ap);
    va_end(ap);
}

static int build_index(struct parse *ps)
{
    struct mcp_regmap *map = ps->map;
    size_t counts[256] = {0};
    for (size_t i = 0; i < map->item_count; i++) {
        for (unsigned d = 0; d < 255; d++)
            counts[d] += mcp_reg_item_has_device(&map->items[i], d);
    }
    for (unsigned d = 0; d < 255; d++) {
        if (counts[d] == 0)
            continue;
        struct device_index *dx = &map->dev[d];
        dx->by_addr = malloc(counts[d] * sizeof *dx->by_addr);
        dx->by_name = malloc(counts[d] * sizeof *dx->by_name);
        if (dx->by_addr == NULL || dx->by_name == NULL)
            return fail(ps, "out of memory");
    }
    /* Sorted once, then dealt out in order: each device's lists come out
     * sorted (a map of `*` items would otherwise sort the same list 254 times). */
    size_t n = map->item_count;
    const struct mcp_reg_item **by_addr = malloc((n ? n : 1) * sizeof *by_addr);
    const struct mcp_reg_item **by_name = malloc((n ? n : 1) * sizeof *by_name);
    if (by_addr == NULL || by_name == NULL) {
        free(by_addr);
        free(by_name);
        return fail(ps, "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        by_addr[i] = by_name[i] = &map->items[i];
    qsort(by_addr, n, sizeof *by_addr, cmp_addr);
    qsort(by_name, n, sizeof *by_name, cmp_name);
    size_t filled_name[256] = {0};
    for (size_t i = 0; i < n; i++) {
        for (unsigned d = 0; d < 255; d++) {
            if (mcp_reg_item_has_device(by_addr[i], d)) {
                struct device_index *dx = &map->dev[d];
                dx->by_addr[dx->count++] = by_addr[i];
            }
            if (mcp_reg_item_has_device(by_name[i], d))
                map->dev[d].by_name[filled_name[d]++] = by_name[i];
        }
    }
    free(by_addr);
    free(by_name);
    struct conflict cf = {0};
    for (unsigned d = 0; d < 255; d++) {
        struct device_index *dx = &map->dev[d];
        if (dx->count == 0)
            continue;
        for (size_t k = 1; k < dx->count; k++) {
            const struct mcp_reg_item *a = dx->by_name[k - 1], *b = dx->by_name[k];
            if (strcmp(a->name, b->name) == 0)
                note_conflict(&cf, b->line, "name %s is used twice for device %u (line %u too)",
                              b->name, d, a->line);
        }
        /* Sorted by address, an item overlaps an earlier one iff it starts before
         * the furthest end so far. */
        const struct mcp_reg_item *reach = dx->by_addr[0];
        for (size_t k = 1; k < dx->count; k++) {
            const struct mcp_reg_item *b = dx->by_addr[k];
            if ((unsigned)reach->addr + reach->nregs > b->addr) {
                const struct mcp_reg_item *later = reach->line > b->line ? reach : b;
                const struct mcp_reg_item *earlier = later == b ? reach : b;
                note_conflict(&cf, later->line,
                              "%s (0x%04x..0x%04x) and %s on line %u (0x%04x..0x%04x) share a "
                              "register of device %u",
                              later->name, later->addr, later->addr + later->nregs - 1,
                              earlier->name, earlier->line, earlier->addr,
                              earlier->addr + earlier->nregs - 1, d);
            }
            if ((unsigned)b->addr + b->nregs > (unsigned)reach->addr + reach->nregs)
                reach = b;
        }
    }
    if (cf.line != 0) {
        ps->line = cf.line;
        return fail(ps, "%s", cf.text);
    }
    return 0;
}

/* ---- fields: one per distinct name ---- */

static int cmp_field_first(const void *a, const void *b)
{
    const struct mcp_reg_item *x = *(const struct mcp_reg_item *const *)a;
    const struct mcp_reg_item *y = *(const struct mcp_reg_item *const *)b;
    return x->line < y->line ? -1 : x->line > y->line;
}

static int build_fields(struct parse *ps)
{
    struct mcp_regmap *map = ps->map;
    size_t n = map->item_count;
    if (n == 0)
        return 0;
    const struct mcp_reg_item **sorted = malloc(n * sizeof *sorted);
    const struct mcp_reg_item **firsts = malloc(n * sizeof *firsts);
    map->fields = calloc(n, sizeof *map->fields);
    if (sorted == NULL || firsts == NULL || map->fields == NULL) {
        free(sorted);
        free(firsts);
        return fail(ps, "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        sorted[i] = &map->items[i];
    qsort(sorted, n, sizeof *sorted, cmp_name);
    /* Consistency inside each group of one name (sorted by line). */
    struct conflict cf = {0};
    size_t groups = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && strcmp(sorted[j]->name, sorted[i]->name) == 0)
            j++;
        const struct mcp_reg_item *first = sorted[i];
        firsts[groups++] = first;
        for (size_t k = i + 1; k < j; k++) {
            const struct mcp_reg_item *it = sorted[k];
            if (it->type != first->type || it->nregs != first->nregs) {
                char a[16], b[16];
                snprintf(a, sizeof a, "%s", mcp_reg_type_name(it->type));
                snprintf(b, sizeof b, "%s", mcp_reg_type_name(first->type));
                if (it->type == MCP_REG_STR)
                    snprintf(a, sizeof a, "str:%u", it->nregs);
                if (first->type == MCP_REG_STR)
                    snprintf(b, sizeof b, "str:%u", first->nregs);
                note_conflict(&cf, it->line, "%s is %s here and %s on line %u (one name, one type)",
                              it->name, a, b, first->line);
            }
        }
        i = j;
    }
    if (cf.line != 0) {
        free(sorted);
        free(firsts);
        ps->line = cf.line;
        return fail(ps, "%s", cf.text);
    }
    qsort(firsts, groups, sizeof *firsts, cmp_field_first);
    for (size_t g = 0; g < groups; g++) {
        struct mcp_reg_field *f = &map->fields[g];
        f->name = firsts[g]->name;
        f->title = firsts[g]->description != NULL ? firsts[g]->description : firsts[g]->name;
        f->type = firsts[g]->type;
        f->is_double = f->type == MCP_REG_F32 || f->type == MCP_REG_F64;
    }
    map->field_count = groups;
    for (size_t g = 0; g < groups; g++) /* the first of each name knows its field */
        ((struct mcp_reg_item *)firsts[g])->field = (unsigned)g;
    free(firsts);
    /* Each item's field, scaled names, and the bits' labels, group by group
     * (sorted by name, then line: a group starts with its first item). */
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && strcmp(sorted[j]->name, sorted[i]->name) == 0)
            j++;
        size_t g = sorted[i]->field;
        struct mcp_reg_field *f = &map->fields[g];
        size_t nbits = 0;
        for (size_t k = i; k < j; k++) {
            struct mcp_reg_item *it = (struct mcp_reg_item *)sorted[k];
            it->field = (unsigned)g;
            f->is_double |= it->scaled;
            nbits += it->type == MCP_REG_BITS ? it->label_count : 0;
        }
        if (nbits > 0) {
            struct mcp_reg_label *bits = arena_alloc(map, nbits * sizeof *bits);
            if (bits == NULL) {
                free(sorted);
                return fail(ps, "out of memory");
            }
            size_t nb = 0;
            for (size_t k = i; k < j; k++) {
                const struct mcp_reg_item *it = sorted[k];
                for (size_t l = 0; l < it->label_count; l++) {
                    const struct mcp_reg_label *lb = &it->labels[l];
                    size_t m;
                    for (m = 0; m < nb; m++) {
                        if (strcmp(bits[m].name, lb->name) == 0)
                            break;
                    }
                    if (m < nb) {
                        if (bits[m].value != lb->value)
                            note_conflict(&cf, it->line,
                                          "labels: %s.%s is bit %lld here and bit %lld on an "
                                          "earlier line (one label, one bit)",
                                          it->name, lb->name, (long long)lb->value,
                                          (long long)bits[m].value);
                        continue;
                    }
                    bits[nb++] = *lb;
                }
            }
            qsort(bits, nb, sizeof *bits, cmp_label);
            f->bits = bits;
            f->bit_count = nb;
        }
        i = j;
    }
    free(sorted);
    if (cf.line != 0) {
        ps->line = cf.line;
        return fail(ps, "%s", cf.text);
    }
    return 0;
}

int mcp_regmap_parse(const char *text, size_t len, const char *filename, struct mcp_regmap **out,
                     char *err, size_t errlen)
{
    struct parse ps = {
        .filename = filename != NULL ? filename : "(map)", .err = err, .errlen = errlen};
    *out = NULL;
    if (err != NULL && errlen > 0)
        err[0] = '\0';
    ps.map = calloc(1, sizeof *ps.map);
    ps.c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    if (ps.map == NULL || ps.c_locale == (locale_t)0) {
        if (ps.c_locale != (locale_t)0)
            freelocale(ps.c_locale);
        free(ps.map);
        return fail(&ps, "out of memory");
    }
    struct csv_reader rd;
    csv_init(&rd, text, len);
    struct csv_record rec;
    int colidx[COL_COUNT];
    size_t columns = 0;
    int rc = 0, got;
    bool header = false;
    char csverr[256];
    while ((got = csv_next(&rd, &rec, csverr, sizeof csverr)) != 0) {
        ps.line = rec.line;
        if (got < 0) {
            rc = fail(&ps, "%s", csverr);
            break;
        }
        if (!header) {
            if ((rc = parse_header(&ps, &rec, colidx, rd.sep)) != 0)
                break;
            header = true;
            columns = rec.count;
            continue;
        }
        if (rec.count != columns) {
            char other = rd.sep == ',' ? ';' : ',';
            bool has_other = false;
            for (size_t i = 0; i < rec.count; i++)
                has_other |= strchr(rec.cells[i], other) != NULL;
            rc = fail(&ps,
                      "%zu cells where the header has %zu (the separator is '%c', from the "
                      "header%s)",
                      rec.count, columns, rd.sep,
                      has_other && rec.count < columns ? "; this line seems to use the other one"
                                                       : "");
            break;
        }
        if (ps.map->item_count == ps.items_cap) {
            size_t cap = ps.items_cap ? ps.items_cap * 2 : 64;
            struct mcp_reg_item *ni = realloc(ps.map->items, cap * sizeof *ni);
            if (ni == NULL) {
                rc = fail(&ps, "out of memory");
                break;
            }
            ps.map->items = ni;
            ps.items_cap = cap;
        }
        if ((rc = parse_item(&ps, colidx, rec.cells, &ps.map->items[ps.map->item_count])) != 0)
            break;
        ps.map->item_count++;
    }
    csv_free(&rd);
    if (rc == 0 && !header) {
        ps.line = 0;
        rc = fail(&ps, "no header line (device, addr, name, type, ...)");
    }
    if (rc == 0)
        rc = build_index(&ps);
    if (rc == 0)
        rc = build_fields(&ps);
    freelocale(ps.c_locale);
    if (rc != 0) {
        mcp_regmap_free(ps.map);
        return -1;
    }
    *out = ps.map;
    return 0;
}

int mcp_regmap_load(const char *path, struct mcp_regmap **out, char *err, size_t errlen)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        if (err != NULL)
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    size_t cap = 0, len = 0;
    char *text = NULL;
    for (;;) {
        if (len == cap) {
            if (cap >= (64u << 20)) {
                free(text);
                fclose(f);
                if (err != NULL)
                    snprintf(err, errlen, "%s: larger than 64 MiB: not a register map", path);
                return -1;
            }
            cap = cap ? cap * 2 : 65536;
            char *nt = realloc(text, cap);
            if (nt == NULL) {
                free(text);
                fclose(f);
                if (err != NULL)
                    snprintf(err, errlen, "%s: out of memory", path);
                return -1;
            }
            text = nt;
        }
        size_t got = fread(text + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        int e = errno;
        free(text);
        fclose(f);
        if (err != NULL)
            snprintf(err, errlen, "%s: %s", path, strerror(e));
        return -1;
    }
    fclose(f);
    int rc = mcp_regmap_parse(text, len, path, out, err, errlen);
    free(text);
    return rc;
}

size_t mcp_regmap_item_count(const struct mcp_regmap *map)
{
    return map->item_count;
}

const struct mcp_reg_item *mcp_regmap_item(const struct mcp_regmap *map, size_t i)
{
    return i < map->item_count ? &map->items[i] : NULL;
}

size_t mcp_regmap_field_count(const struct mcp_regmap *map)
{
    return map->field_count;
}

const struct mcp_reg_field *mcp_regmap_field(const struct mcp_regmap *map, size_t i)
{
    return i < map->field_count ? &map->fields[i] : NULL;
}

bool mcp_regmap_has_device(const struct mcp_regmap *map, unsigned device)
{
    return device < 256 && map->dev[device].count > 0;
}

size_t mcp_regmap_device_items(const struct mcp_regmap *map, unsigned device,
                               const struct mcp_reg_item *const **items)
{
    if (device > 255 || map->dev[device].count == 0) {
        *items = NULL;
        return 0;
    }
    *items = map->dev[device].by_addr;
    return map->dev[device].count;
}

size_t mcp_regmap_overlapping(const struct mcp_regmap *map, unsigned device, uint32_t addr,
                              uint32_t count, const struct mcp_reg_item *const **first)
{
    *first = NULL;
    if (device > 255 || count == 0 || addr > 0xFFFF)
        return 0;
    if (count > 0x10000 - addr) /* no register past 0xFFFF */
        count = 0x10000 - addr;
    const struct device_index *dx = &map->dev[device];
    uint32_t end = addr + count; /* exclusive */
    /* Items never overlap, so their ends rise with their addresses: the first
     * item ending after addr. */
    size_t lo = 0, hi = dx->count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if ((uint32_t)dx->by_addr[mid]->addr + dx->by_addr[mid]->nregs <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t k = lo;
    while (k < dx->count && dx->by_addr[k]->addr < end)
        k++;
    if (k == lo)
        return 0;
    *first = &dx->by_addr[lo];
    return k - lo;
}

const struct mcp_reg_item *mcp_regmap_find(const struct mcp_regmap *map, unsigned device,
                                           const char *name)
{
    if (device > 255)
        return NULL;
    const struct device_index *dx = &map->dev[device];
    size_t lo = 0, hi = dx->count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(dx->by_name[mid]->name, name);
        if (c == 0)
            return dx->by_name[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}
