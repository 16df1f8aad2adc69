/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a read or write command sends: see plan.h. */
#include "plan.h"

#include <stdio.h>
#include <string.h>

#include "mapopt.h"
#include "mcp/regval.h"

static uint32_t end_of(const struct mcp_reg_item *it)
{
    return (uint32_t)it->addr + it->nregs;
}

static struct mp_step *add_step(struct mp_options *o, uint8_t device, uint16_t addr)
{
    o->steps = g_renew(struct mp_step, o->steps, o->step_count + 1);
    struct mp_step *st = &o->steps[o->step_count++];
    memset(st, 0, sizeof *st);
    st->device = device;
    st->addr = addr;
    return st;
}

static struct mp_item *add_item(struct mp_options *o, const struct mcp_reg_item *it, bool named)
{
    o->items = g_renew(struct mp_item, o->items, o->item_count + 1);
    struct mp_item *m = &o->items[o->item_count++];
    memset(m, 0, sizeof *m);
    m->item = *it;
    m->named = named;
    return m;
}

/* A CSV cell as RFC 4180 quotes it (the text may hold the separator or quotes). */
static void csv_cell(GString *s, const char *text)
{
    g_string_append_c(s, '"');
    for (const char *p = text; *p != '\0'; p++) {
        if (*p == '"')
            g_string_append_c(s, '"');
        g_string_append_c(s, *p);
    }
    g_string_append_c(s, '"');
}

/*
 * --type T --order O: lib's own map reader checks them (one source of every rule):
 * a one-item map "device,addr,name,type,order / 1,0,v,T,O" whose item is the template.
 */
static const struct mcp_reg_item *type_template(struct mp_options *o, GError **error)
{
    GString *text = g_string_new("device,addr,name,type,order\n1,0,v,");
    csv_cell(text, o->type_name);
    g_string_append_c(text, ',');
    csv_cell(text, o->order_name != NULL ? o->order_name : "ABCD");
    g_string_append_c(text, '\n');
    char err[MCP_REGMAP_ERR_MAX];
    int rc = mcp_regmap_parse(text->str, text->len, "t", &o->type_map, err, sizeof err);
    g_string_free(text, TRUE);
    if (rc != 0) {
        const char *why = g_str_has_prefix(err, "t:2: ") ? err + 5 : err;
        /* lib says "type: ..." or "order: ...": the option's name is --type or --order */
        return mp_usage_error(error, "%s%s",
                              g_str_has_prefix(why, "type") || g_str_has_prefix(why, "order")
                                  ? "--"
                                  : "--type/--order: ",
                              why),
               NULL;
    }
    return mcp_regmap_item(o->type_map, 0);
}

static bool plan_typed(struct mp_options *o, GError **error)
{
    const struct mcp_reg_item *tpl = type_template(o, error);
    if (tpl == NULL)
        return false;
    unsigned w = tpl->nregs;
    const char *tname = o->type_name;
    if ((unsigned)o->count * w > MCP_MAX_REGISTERS)
        return mp_usage_error(
            error, "%s: %u values of %s take %u registers; one %s carries at most %d (%u values)",
            o->command == MP_CMD_READ ? "read" : "write", o->count, tname, o->count * w,
            o->command == MP_CMD_READ ? "READ" : "WRITE", MCP_MAX_REGISTERS, MCP_MAX_REGISTERS / w);
    struct mp_step *st = add_step(o, o->device, o->addr);
    st->count = (uint16_t)(o->count * w);
    for (unsigned i = 0; i < o->count; i++) {
        struct mp_item *m = add_item(o, tpl, false);
        m->item.addr = (uint16_t)(o->addr + i * w);
        m->item.name = "";
        m->offset = (uint16_t)(i * w);
        if (o->command != MP_CMD_WRITE)
            continue;
        char what[32], err[256];
        g_snprintf(what, sizeof what, "VALUE %u", i + 1);
        struct mcp_reg_item named = m->item;
        named.name = what;
        if (mcp_reg_encode_text(&named, o->args[1 + i], st->values + m->offset, err, sizeof err) !=
            0)
            return mp_usage_error(error, "write: %s (--type %s)", err, tname);
    }
    return true;
}

static bool readable(const struct mcp_reg_item *it)
{
    return (it->access & MCP_ACCESS_R) != 0;
}

/* The items of the device, by name or all, in the order shown; refusals name the item. */
static bool plan_read_names(struct mp_options *o, GError **error)
{
    const struct mcp_reg_item *const *all;
    size_t n = mcp_regmap_device_items(o->map, o->device, &all);
    bool *wanted = g_new0(bool, n + 1);
    GString *skipped = g_string_new(NULL);
    bool every = g_strv_length(o->args) == 1 && strcmp(o->args[0], "all") == 0 &&
                 mcp_regmap_find(o->map, o->device, "all") == NULL;
    bool ok = true;
    const struct mcp_reg_item **order = g_new0(const struct mcp_reg_item *, n + 1);
    size_t shown = 0;
    if (every) {
        if (n == 0)
            ok = mp_usage_error(error, "read: device %u has no items in the map %s", o->device,
                                o->map_path);
        for (size_t i = 0; i < n; i++) {
            if (readable(all[i])) {
                wanted[i] = true;
                order[shown++] = all[i];
            } else {
                g_string_append_printf(skipped, "%s%s", skipped->len ? ", " : "", all[i]->name);
            }
        }
        if (ok && shown == 0)
            ok = mp_usage_error(error, "read: every item of device %u is write-only (access w)",
                                o->device);
    }
    for (size_t a = 0; ok && !every && o->args[a] != NULL; a++) {
        if (strcmp(o->args[a], "all") == 0 && mcp_regmap_find(o->map, o->device, "all") == NULL) {
            /* e.g. "read 1 all --json out.json": --json's FILE needs '=', so out.json was
             * taken as a name */
            GString *others = g_string_new(NULL);
            for (size_t b = 0; o->args[b] != NULL; b++)
                if (b != a)
                    g_string_append_printf(others, " '%s'", o->args[b]);
            ok = mp_usage_error(error,
                                "read: 'all' stands alone, here it comes with%s (an option's "
                                "optional value is given with '=': --json=FILE)",
                                others->str);
            g_string_free(others, TRUE);
            break;
        }
        char err[MCP_REGMAP_ERR_MAX];
        const struct mcp_reg_item *it =
            mcp_mapopt_item(o->map, o->device, o->args[a], err, sizeof err);
        if (it == NULL) {
            ok = mp_usage_error(error, "read: %s (--map %s)", err, o->map_path);
            break;
        }
        if (!readable(it)) {
            ok = mp_usage_error(
                error, "read: %s is write-only (access %s, line %u of %s): nothing was sent",
                it->name, mcp_reg_access_name(it->access), it->line, o->map_path);
            break;
        }
        size_t k = 0;
        while (all[k] != it)
            k++;
        if (wanted[k]) {
            ok = mp_usage_error(error, "read: %s is named twice", it->name);
            break;
        }
        wanted[k] = true;
        order[shown++] = it;
    }
    /* The READs: runs without a gap, at most 125 registers, ending on an item asked for. */
    for (size_t i = 0; ok && i < n;) {
        if (!wanted[i]) {
            i++;
            continue;
        }
        size_t last = i;
        for (size_t j = i + 1; j < n && all[j]->addr == end_of(all[j - 1]) &&
                               end_of(all[j]) - all[i]->addr <= MCP_MAX_REGISTERS;
             j++) {
            if (wanted[j])
                last = j;
            else if (!readable(all[j]))
                break;
        }
        struct mp_step *st = add_step(o, o->device, all[i]->addr);
        st->count = (uint16_t)(end_of(all[last]) - all[i]->addr);
        i = last + 1;
    }
    for (size_t k = 0; ok && k < shown; k++) {
        struct mp_item *m = add_item(o, order[k], true);
        for (size_t s = 0; s < o->step_count; s++) {
            const struct mp_step *st = &o->steps[s];
            if (order[k]->addr >= st->addr && end_of(order[k]) <= (uint32_t)st->addr + st->count) {
                m->step = s;
                m->offset = (uint16_t)(order[k]->addr - st->addr);
                break;
            }
        }
    }
    if (ok && skipped->len > 0)
        fprintf(stderr, "mcppoll: note: read all leaves out the write-only items (access w): %s\n",
                skipped->str);
    g_string_free(skipped, TRUE);
    g_free(order);
    g_free(wanted);
    return ok;
}

static int cmp_item_addr(const void *a, const void *b)
{
    const struct mp_item *x = a, *y = b;
    return (int)x->item.addr - (int)y->item.addr;
}

static bool plan_write_names(struct mp_options *o, GError **error)
{
    for (size_t a = 0; o->args[a] != NULL; a++) {
        char *eq = strchr(o->args[a], '=');
        char *name = g_strndup(o->args[a], (size_t)(eq - o->args[a]));
        char err[MCP_REGMAP_ERR_MAX];
        const struct mcp_reg_item *it = mcp_mapopt_item(o->map, o->device, name, err, sizeof err);
        g_free(name);
        if (it == NULL)
            return mp_usage_error(error, "write: %s (--map %s)", err, o->map_path);
        if (!(it->access & MCP_ACCESS_W))
            return mp_usage_error(
                error, "write: %s is read-only (access %s, line %u of %s): nothing was sent",
                it->name, mcp_reg_access_name(it->access), it->line, o->map_path);
        for (size_t k = 0; k < o->item_count; k++)
            if (strcmp(o->items[k].item.name, it->name) == 0)
                return mp_usage_error(error, "write: %s is named twice", it->name);
        struct mp_item *m = add_item(o, it, true);
        uint16_t regs[MCP_REG_MAX_REGS];
        if (mcp_reg_encode_text(it, eq + 1, regs, err, sizeof err) != 0)
            return mp_usage_error(error, "write: %s", err);
        /* the registers wait in the item's place until the steps exist */
        m->step = a;
    }
    /* WRITEs: items whose registers follow each other, at most 125 registers each. */
    qsort(o->items, o->item_count, sizeof *o->items, cmp_item_addr);
    for (size_t k = 0; k < o->item_count; k++) {
        struct mp_item *m = &o->items[k];
        struct mp_step *st = o->step_count > 0 ? &o->steps[o->step_count - 1] : NULL;
        if (st == NULL || (uint32_t)st->addr + st->count != m->item.addr ||
            st->count + m->item.nregs > MCP_MAX_REGISTERS)
            st = add_step(o, o->device, m->item.addr);
        const char *text = strchr(o->args[m->step], '=') + 1;
        char err[MCP_REGMAP_ERR_MAX];
        mcp_reg_encode_text(&m->item, text, st->values + st->count, err, sizeof err);
        m->step = o->step_count - 1;
        m->offset = st->count;
        st->count = (uint16_t)(st->count + m->item.nregs);
    }
    return true;
}

bool mp_plan_build(struct mp_options *o, GError **error)
{
    if (o->command != MP_CMD_READ && o->command != MP_CMD_WRITE)
        return true;
    if (o->by_name)
        return o->command == MP_CMD_READ ? plan_read_names(o, error) : plan_write_names(o, error);
    if (o->type_name != NULL)
        return plan_typed(o, error);
    struct mp_step *st = add_step(o, o->device, o->addr);
    st->count = o->count;
    memcpy(st->values, o->values, sizeof st->values);
    return true;
}
