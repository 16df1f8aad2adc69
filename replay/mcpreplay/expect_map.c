/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --expect with --map: item-by-item comparison (docs/REGISTER-MAP.md §5). */
#include "expect_map.h"

#include <string.h>

#include "mcp/regval.h"

static bool ignored(const char *const *names, const char *name)
{
    for (; names != NULL && *names != NULL; names++)
        if (strcmp(*names, name) == 0)
            return true;
    return false;
}

/* text into a fixed buffer; a longer one is cut visibly ("..."). */
static void put_text(char *dst, size_t size, const char *text)
{
    if (g_strlcpy(dst, text, size) >= size && size > 4) {
        /* do not leave half a UTF-8 sequence before the dots */
        size_t end = size - 4;
        while (end > 0 && ((unsigned char)dst[end] & 0xC0) == 0x80)
            end--;
        memcpy(dst + end, "...", 4);
    }
}

static void shown(const struct mcp_reg_item *it, const struct mcp_reg_value *val,
                  struct mr_value *out, char *number, size_t number_size)
{
    memset(out, 0, sizeof *out);
    out->kind = MR_VALUE_TEXT;
    char buf[MCP_REG_TEXT_MAX + 160];
    mcp_reg_format(it, val, buf, sizeof buf);
    put_text(out->text, sizeof out->text, buf);
    mcp_reg_format_number(it, val, buf, sizeof buf);
    put_text(number, number_size, buf);
}

static void item_diff(struct mr_verdict *v, const struct mcp_reg_item *it,
                      const struct mcp_reg_value *a, const struct mcp_reg_value *b)
{
    struct mr_value ra, rb;
    char na[sizeof v->fields[0].recorded_number], nb[sizeof na];
    shown(it, a, &ra, na, sizeof na);
    shown(it, b, &rb, nb, sizeof nb);
    struct mr_field_diff *d = mr_verdict_add_diff(v, it->name, &ra, &rb);
    if (d == NULL)
        return;
    d->item = true;
    d->numeric = it->type != MCP_REG_STR;
    d->tolerance = it->tolerance;
    put_text(d->unit, sizeof d->unit, it->unit != NULL ? it->unit : "");
    memcpy(d->recorded_number, na, sizeof na);
    memcpy(d->received_number, nb, sizeof nb);
}

static void register_diff(struct mr_verdict *v, size_t i, uint16_t a, uint16_t b)
{
    struct mr_value ra = {.kind = MR_VALUE_NUMBER, .number = a, .hex = true};
    struct mr_value rb = {.kind = MR_VALUE_NUMBER, .number = b, .hex = true};
    char label[24];
    g_snprintf(label, sizeof label, "value[%zu]", i);
    mr_verdict_add_diff(v, label, &ra, &rb);
}

size_t mr_expect_map_compare(const struct mcp_regmap *map, const char *const *ignore_items,
                             unsigned device, uint16_t addr, size_t count, const uint16_t *rec,
                             const uint16_t *got, struct mr_verdict *v)
{
    size_t before = v->field_total;
    const struct mcp_reg_item *const *items = NULL;
    size_t n = mcp_regmap_overlapping(map, device, addr, (uint32_t)count, &items);
    uint32_t end = (uint32_t)addr + (uint32_t)count;
    size_t k = 0;
    for (size_t r = 0; r < count;) {
        uint32_t at = (uint32_t)addr + (uint32_t)r;
        /* Items in address order, sharing no register: skip those before this register
         * and those only partly in the answer (§3: no value; their registers are
         * compared one by one below). */
        while (k < n && (items[k]->addr < at || (uint32_t)items[k]->addr + items[k]->nregs > end))
            k++;
        if (k < n && items[k]->addr == at) {
            const struct mcp_reg_item *it = items[k++];
            if (!ignored(ignore_items, it->name)) {
                struct mcp_reg_value a, b;
                mcp_reg_decode(it, rec + r, &a);
                mcp_reg_decode(it, got + r, &b);
                if (!mcp_reg_same(it, &a, &b))
                    item_diff(v, it, &a, &b);
            }
            r += it->nregs;
            continue;
        }
        if (rec[r] != got[r])
            register_diff(v, r, rec[r], got[r]);
        r++;
    }
    return v->field_total - before;
}

bool mr_expect_check_ignore_items(const struct mcp_regmap *map, const char *map_path,
                                  const GPtrArray *items, GError **error)
{
    for (guint i = 0; items != NULL && i < items->len; i++) {
        const char *name = g_ptr_array_index(items, i);
        if (name == NULL) /* the list's end */
            break;
        bool found = false;
        for (size_t f = 0; map != NULL && f < mcp_regmap_field_count(map) && !found; f++)
            found = strcmp(mcp_regmap_field(map, f)->name, name) == 0;
        if (found)
            continue;
        if (map == NULL)
            g_set_error(error, MR_ERROR, 2,
                        "--ignore: unknown field '%s' (one of: %s; item names need --map)", name,
                        mr_expect_field_names());
        else
            g_set_error(error, MR_ERROR, 2,
                        "--ignore: '%s' is neither a field (one of: %s) nor an item of %s", name,
                        mr_expect_field_names(), map_path);
        return false;
    }
    return true;
}

void mr_expect_format_item(GString *s, const struct mr_field_diff *d)
{
    g_string_append_printf(s, "%s: recorded %s, received %s", d->name, d->recorded.text,
                           d->received.text);
    if (d->numeric) {
        char buf[40];
        mr_expect_format_tolerance(d->tolerance, buf, sizeof buf);
        g_string_append_printf(s, ", tolerance %s", buf);
    }
}

void mr_expect_format_tolerance(double tolerance, char *buf, size_t size)
{
    /* the lib's shortest form, as an f64 item's value is shown */
    struct mcp_reg_item t = {.type = MCP_REG_F64};
    struct mcp_reg_value tv = {.eng = tolerance};
    mcp_reg_format_number(&t, &tv, buf, size);
}
