/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mcpgen --map: requests at a register map's items, answers with their §4 values. */
#include "mapgen.h"

#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "behaviour.h"
#include "mapopt.h"
#include "mcp/frame.h"
#include "mcp/pdu.h"
#include "mcp/regmap.h"
#include "mcp/regval.h"

/* The ids mcpgen can simulate (--devices). */
#define GEN_MAX_ID 150

struct mapgen {
    const struct gen_options *opt;
    const struct mcp_regmap *map;
    struct rng rng;      /* §4 random values, apart from the traffic's draws */
    GHashTable *written; /* device << 16 | addr -> uint16_t[nregs]: items written (§4) */
};

/* An item of every device 1..254: the map's `*`. */
static bool every_device(const struct mcp_reg_item *it)
{
    for (unsigned d = 1; d <= 254; d++)
        if (!mcp_reg_item_has_device(it, d))
            return false;
    return true;
}

bool mapgen_configure(struct gen_options *opt)
{
    if (mcp_mapopt_load("mcpgen", opt->map_path, &opt->map) != 0)
        return false;
    bool present[256] = {false};
    for (size_t i = 0; i < mcp_regmap_item_count(opt->map); i++) {
        const struct mcp_reg_item *it = mcp_regmap_item(opt->map, i);
        if (every_device(it)) {
            for (unsigned d = 1; d <= GEN_MAX_ID; d++)
                present[d] = present[d] || opt->device_present[d];
            continue;
        }
        for (unsigned d = 1; d <= 254; d++) {
            if (!mcp_reg_item_has_device(it, d))
                continue;
            if (d > GEN_MAX_ID) {
                fprintf(stderr,
                        "mcpgen: %s:%u: device %u: mcpgen simulates device ids 1..%d only\n",
                        opt->map_path, it->line, d, GEN_MAX_ID);
                return false;
            }
            present[d] = true;
        }
    }
    opt->devices = 0;
    for (unsigned d = 1; d <= GEN_MAX_ID; d++) {
        opt->device_present[d] = present[d];
        if (present[d]) {
            opt->device_id[opt->devices++] = (uint8_t)d;
            opt->max_device = (uint8_t)d;
        }
    }
    if (opt->devices == 0) {
        fprintf(stderr,
                "mcpgen: --map %s: no item names a device (an item of device * holds "
                "the ids of --devices)\n",
                opt->map_path);
        return false;
    }
    return true;
}

struct mapgen *mapgen_new(const struct gen_options *opt)
{
    struct mapgen *g = g_new0(struct mapgen, 1);
    g->opt = opt;
    g->map = opt->map;
    rng_seed(&g->rng, opt->seed ^ UINT64_C(0x6d61702d73696d21)); /* "map-sim!" */
    g->written = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    return g;
}

void mapgen_free(struct mapgen *g)
{
    if (g == NULL)
        return;
    g_hash_table_destroy(g->written);
    g_free(g);
}

static gpointer written_key(unsigned device, uint16_t addr)
{
    return GUINT_TO_POINTER(device << 16 | addr);
}

static size_t heartbeat(struct rng *rng, uint8_t *cmd, uint8_t *out)
{
    *cmd = MCP_CMD_HEARTBEAT;
    return mcp_build_heartbeat(rng_chance(rng, 0.5), (uint32_t)rng_next(rng), out,
                               BEHAVIOUR_MAX_PAYLOAD);
}

/* A value in the item's range: around its §4 behaviour, as an operator would set it. */
static void draw_value(struct rng *rng, const struct mcp_reg_item *it, uint16_t *regs)
{
    char err[MCP_REGMAP_ERR_MAX];
    if (it->type == MCP_REG_STR) {
        static const char chars[] = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789-";
        char text[2 * MCP_REG_STR_MAX + 1];
        unsigned room = 2u * it->nregs < 12 ? 2u * it->nregs : 12;
        unsigned len = rng_range(rng, 1, room);
        for (unsigned i = 0; i < len; i++)
            text[i] = chars[rng_below(rng, sizeof chars - 1)];
        text[len] = '\0';
        if (mcp_reg_encode_text(it, text, regs, err, sizeof err) != 0)
            memset(regs, 0, it->nregs * sizeof *regs);
        return;
    }
    if (it->type == MCP_REG_BITS) {
        regs[0] = (uint16_t)rng_next(rng);
        return;
    }
    const struct mcp_reg_sim *s = &it->sim;
    double lo = s->a, hi = s->a;
    switch (s->kind) {
    case MCP_SIM_CONST:
        break;
    case MCP_SIM_RAMP:
    case MCP_SIM_RANDOM:
        lo = fmin(s->a, s->b), hi = fmax(s->a, s->b);
        break;
    case MCP_SIM_SINE:
        lo = s->a - fabs(s->b), hi = s->a + fabs(s->b);
        break;
    case MCP_SIM_TOGGLE:
        lo = fmin(s->a, s->b), hi = fmax(s->a, s->b);
        break;
    case MCP_SIM_COUNTER:
        lo = 0, hi = 1000.0 * fmax(1.0, fabs(s->a));
        break;
    }
    if (!(hi > lo)) { /* a constant: a value near it */
        double span = fmax(1.0, 0.2 * fabs(lo));
        lo -= span / 2, hi += span / 2;
    }
    double v = lo + (hi - lo) * rng_unit(rng);
    /* Refused (out of the type's range): the item's own §4 value, clamped into it. */
    if (mcp_reg_encode_value(it, v, regs, err, sizeof err) != 0)
        mcp_reg_sim_registers(it, 0.0, rng_next(rng), regs);
}

size_t mapgen_request(struct mapgen *g, struct rng *rng, enum gen_mix kind, uint8_t unit,
                      int max_unit, uint8_t *cmd, uint8_t *out)
{
    if (kind == MIX_WRITE_ALL)
        return heartbeat(rng, cmd, out);
    if (kind != MIX_READ && kind != MIX_WRITE)
        return behaviour_request(g->opt, rng, kind, unit, max_unit, cmd, out);
    unsigned need = kind == MIX_READ ? MCP_ACCESS_R : MCP_ACCESS_W;
    const struct mcp_reg_item *const *items;
    size_t n = mcp_regmap_device_items(g->map, unit, &items);
    size_t usable = 0;
    for (size_t i = 0; i < n; i++)
        usable += (items[i]->access & need) != 0;
    if (usable == 0)
        return heartbeat(rng, cmd, out);
    /* The k-th usable item starts the request. */
    size_t k = rng_below(rng, (uint32_t)usable), s = 0;
    for (;; s++)
        if ((items[s]->access & need) != 0 && k-- == 0)
            break;
    /* Masters mostly poll from the start of a block of adjacent items. */
    if (kind == MIX_READ && rng_chance(rng, 0.5))
        while (s > 0 && (items[s - 1]->access & need) != 0 &&
               items[s - 1]->addr + items[s - 1]->nregs == items[s]->addr)
            s--;
    /* Adjacent usable items after it, within one request's 125 registers. */
    size_t end = s + 1;
    unsigned regs = items[s]->nregs;
    while (end < n && (items[end]->access & need) != 0 &&
           items[end]->addr == items[end - 1]->addr + items[end - 1]->nregs &&
           regs + items[end]->nregs <= MCP_MAX_REGISTERS)
        regs += items[end++]->nregs;
    size_t run = end - s;
    /* Masters poll a whole block or part of it; a WRITE mostly sets one item. */
    if (kind == MIX_READ)
        run = rng_chance(rng, 0.5) ? run : rng_range(rng, 1, (uint32_t)run);
    else
        run = rng_chance(rng, 0.8) ? 1 : rng_range(rng, 1, (uint32_t)run);
    uint16_t addr = items[s]->addr, count = 0;
    uint16_t values[MCP_MAX_REGISTERS];
    for (size_t i = s; i < s + run; i++) {
        if (kind == MIX_WRITE)
            draw_value(rng, items[i], values + count);
        count = (uint16_t)(count + items[i]->nregs);
    }
    /* A request the device must refuse: unknown device or count 0 (ILLEGAL_VALUE). */
    if (rng_chance(rng, g->opt->bad_request)) {
        if (rng_chance(rng, 0.5))
            unit = (uint8_t)(max_unit + 1 + (int)rng_below(rng, 50));
        else
            count = 0;
    }
    *cmd = kind == MIX_READ ? MCP_CMD_READ : MCP_CMD_WRITE;
    if (kind == MIX_READ)
        return mcp_build_read(unit, addr, count, out, BEHAVIOUR_MAX_PAYLOAD);
    return mcp_build_write(unit, addr, count, values, out, BEHAVIOUR_MAX_PAYLOAD);
}

void mapgen_written(struct mapgen *g, const uint8_t *req, size_t len, uint8_t rsp_cmd,
                    const uint8_t *rsp, size_t rsp_len)
{
    struct mcp_pdu p, r;
    mcp_pdu_parse(rsp_cmd, rsp, rsp_len, &r);
    if (!r.has_req_seq || r.status != MCP_STATUS_OK)
        return;
    if (!mcp_pdu_parse(MCP_CMD_WRITE, req, len, &p) || !p.has_register_block)
        return;
    const struct mcp_reg_item *const *first;
    size_t n = mcp_regmap_overlapping(g->map, p.device, p.addr, (uint32_t)p.value_count, &first);
    for (size_t i = 0; i < n; i++) {
        const struct mcp_reg_item *it = first[i];
        /* mcpgen writes whole items only (mapgen_request) */
        if (it->addr < p.addr || it->addr + it->nregs > p.addr + p.value_count)
            continue;
        uint16_t *regs = g_new(uint16_t, it->nregs);
        const uint8_t *v = req + p.values_offset + 2 * (size_t)(it->addr - p.addr);
        for (unsigned j = 0; j < it->nregs; j++)
            regs[j] = (uint16_t)(v[2 * j] << 8 | v[2 * j + 1]);
        g_hash_table_insert(g->written, written_key(p.device, it->addr), regs);
    }
}

void mapgen_fill_answer(struct mapgen *g, uint8_t cmd, uint8_t *payload, size_t len, double t_s)
{
    struct mcp_pdu p;
    if (cmd != MCP_CMD_READ_RSP || !mcp_pdu_parse(cmd, payload, len, &p) || !p.has_req_seq ||
        p.status != MCP_STATUS_OK || !p.has_register_block)
        return;
    const struct mcp_reg_item *const *first;
    size_t n = mcp_regmap_overlapping(g->map, p.device, p.addr, (uint32_t)p.value_count, &first);
    for (size_t i = 0; i < n; i++) {
        const struct mcp_reg_item *it = first[i];
        if (it->addr < p.addr || it->addr + it->nregs > p.addr + p.value_count)
            continue; /* never: reads ask for whole items */
        uint16_t regs[MCP_REG_MAX_REGS];
        const uint16_t *w = g_hash_table_lookup(g->written, written_key(p.device, it->addr));
        if (w != NULL)
            memcpy(regs, w, it->nregs * sizeof *regs);
        else
            mcp_reg_sim_registers(it, t_s, rng_next(&g->rng), regs);
        uint8_t *v = payload + p.values_offset + 2 * (size_t)(it->addr - p.addr);
        for (unsigned j = 0; j < it->nregs; j++) {
            v[2 * j] = (uint8_t)(regs[j] >> 8);
            v[2 * j + 1] = (uint8_t)regs[j];
        }
    }
}
