/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mcpsim --map: register-map devices (docs/REGISTER-MAP.md §4). */
#include "mapdev.h"

#include <math.h>
#include <string.h>

#include <glib.h>

#include "mcp/frame.h"
#include "mcp/regval.h"

/* One item of a layout and where its registers are kept in a device's store. */
struct md_item {
    uint32_t addr, end; /* [addr, end) */
    uint32_t off;       /* its registers in the device's store */
    uint32_t value;     /* its behaviour's registers among the layouts' values, or NO_VALUE */
    bool random;        /* sim random: draws a number at each READ */
    uint8_t access;     /* item->access, here to check a range without touching items */
    const struct mcp_reg_item *item;
};

#define NO_VALUE UINT32_MAX

/*
 * What a moving item's registers depend on (§4 then §2), random aside: items
 * with equal keys, on any device of any listener, hold equal registers at
 * equal t. Without padding, so its bytes are its hash and equality.
 */
struct md_behaviour {
    double a, b, c, scale, offset;
    int32_t kind, type, order, decimals, nregs, scaled; /* 64 bytes, no padding */
};
_Static_assert(sizeof(struct md_behaviour) == 8 * 5 + 4 * 6, "struct md_behaviour has padding");

/* The registers of a behaviour, computed once per t (the t of a batch of requests). */
struct md_value {
    double t; /* NaN: never computed */
    uint16_t regs[4];
};

/* Devices whose items span at most this many registers get a slot table. */
#define MD_SLOT_SPAN 16384

/* What devices with one item set share (never changed once built). */
struct md_layout {
    struct md_item *items; /* sorted by address, never sharing a register */
    size_t n;
    uint32_t regs;   /* registers the items cover: the size of a device's store */
    uint16_t *init;  /* a new device's store: the const items' registers, 0 elsewhere */
    uint8_t *frozen; /* a new device's frozen flags: 1 for const items */
    /* slot[r - lo]: 1 + the index of the item holding register r, 0 for none,
     * for r in [lo, hi); NULL when the span is over MD_SLOT_SPAN (then a
     * binary search finds the items) */
    uint16_t *slot;
    /* run[access - 1][r - lo] (access MCP_ACCESS_R, MCP_ACCESS_W): how many
     * registers from r on items allowing that access cover without a gap, at
     * most 255 (a request names 125 at most); with slot */
    uint8_t *run[2];
    uint32_t lo, hi;
    const struct mcp_reg_item **key; /* its item set (the layouts' hash key) */
};

/* One device: its layout and what it changes itself. */
struct md_device {
    const struct md_layout *lay;
    uint64_t rng;    /* splitmix64 state for its `random` items */
    uint8_t *frozen; /* per item: written (or const): the store holds its value (§4) */
    uint16_t *store; /* lay->regs registers */
};

struct sim_maplayouts {
    const struct mcp_regmap *map;
    /* by[id][star]: the layout of device id with (1) or without (0) the `*` items */
    struct md_layout *by[255][2];
    GHashTable *sets; /* item set -> struct md_layout *, owns the layouts */
    size_t count;
    GHashTable *behaviours; /* struct md_behaviour * -> index + 1 in values */
    struct md_value *values;
    size_t nvalues, cap;
};

struct sim_mapdev {
    struct md_device *dev[256]; /* NULL: not simulated */
    size_t devices, items;
    struct sim_maplayouts *layouts;
};

/* splitmix64, as device.c's seed: the same seed always gives the same draws. */
static uint64_t next_random(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* `*` in the device column: ids 1..254 and not 0. */
static bool is_star(const struct mcp_reg_item *it)
{
    if (it->devices[0] != 0xFE || it->devices[31] != 0x7F)
        return false;
    for (unsigned i = 1; i < 31; i++)
        if (it->devices[i] != 0xFF)
            return false;
    return true;
}

/* An item set: its items' addresses, NULL-terminated (the items are the map's, shared). */
static guint set_hash(gconstpointer p)
{
    const struct mcp_reg_item *const *k = p;
    guint h = 2166136261u;
    for (; *k != NULL; k++)
        h = (h ^ (guint)((uintptr_t)*k >> 3)) * 16777619u;
    return h;
}

static gboolean set_equal(gconstpointer a, gconstpointer b)
{
    const struct mcp_reg_item *const *x = a, *const *y = b;
    for (; *x != NULL && *x == *y; x++, y++)
        ;
    return *x == *y;
}

static void layout_free(gpointer p)
{
    struct md_layout *l = p;
    g_free(l->items);
    g_free(l->init);
    g_free(l->frozen);
    g_free(l->slot);
    g_free(l->run[0]);
    g_free(l->run[1]);
    g_free(l->key);
    g_free(l);
}

static guint behaviour_hash(gconstpointer p)
{
    const uint8_t *b = p;
    guint h = 2166136261u;
    for (size_t i = 0; i < sizeof(struct md_behaviour); i++)
        h = (h ^ b[i]) * 16777619u;
    return h;
}

static gboolean behaviour_equal(gconstpointer a, gconstpointer b)
{
    return memcmp(a, b, sizeof(struct md_behaviour)) == 0;
}

struct sim_maplayouts *sim_maplayouts_new(const struct mcp_regmap *map)
{
    struct sim_maplayouts *l = g_new0(struct sim_maplayouts, 1);
    l->map = map;
    l->sets = g_hash_table_new_full(set_hash, set_equal, NULL, layout_free);
    l->behaviours = g_hash_table_new_full(behaviour_hash, behaviour_equal, g_free, NULL);
    return l;
}

void sim_maplayouts_free(struct sim_maplayouts *l)
{
    if (l == NULL)
        return;
    g_hash_table_destroy(l->sets);
    g_hash_table_destroy(l->behaviours);
    g_free(l->values);
    g_free(l);
}

/*
 * The index of item's behaviour among l->values, shared by every item with the
 * same one; NO_VALUE for what is not a function of t alone (random, const,
 * str, wider than 4 registers).
 */
static uint32_t behaviour_of(struct sim_maplayouts *l, const struct mcp_reg_item *it)
{
    if (it->sim.kind == MCP_SIM_RANDOM || it->sim.kind == MCP_SIM_CONST ||
        it->type == MCP_REG_STR || it->nregs > 4)
        return NO_VALUE;
    struct md_behaviour k;
    k.a = it->sim.a, k.b = it->sim.b, k.c = it->sim.c;
    k.scale = it->scale, k.offset = it->offset;
    k.kind = (int32_t)it->sim.kind, k.type = (int32_t)it->type;
    k.order = (int32_t)it->order, k.decimals = it->decimals;
    k.nregs = it->nregs, k.scaled = it->scaled;
    gpointer found = g_hash_table_lookup(l->behaviours, &k);
    if (found != NULL)
        return GPOINTER_TO_UINT(found) - 1;
    if (l->nvalues == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        l->values = g_renew(struct md_value, l->values, l->cap);
    }
    l->values[l->nvalues].t = NAN;
    g_hash_table_insert(l->behaviours, g_memdup2(&k, sizeof k), GUINT_TO_POINTER(l->nvalues + 1));
    return (uint32_t)l->nvalues++;
}

size_t sim_maplayouts_count(const struct sim_maplayouts *l)
{
    return l->count;
}

/* The layout of an item set (key: its items sorted by address, NULL-terminated; taken). */
static struct md_layout *build_layout(struct sim_maplayouts *l, const struct mcp_reg_item **key,
                                      size_t n)
{
    struct md_layout *d = g_new0(struct md_layout, 1);
    d->key = key;
    d->n = n;
    d->items = g_new0(struct md_item, n ? n : 1);
    uint32_t regs = 0;
    for (size_t i = 0; i < n; i++) {
        struct md_item *m = &d->items[i];
        m->addr = key[i]->addr;
        m->end = m->addr + key[i]->nregs;
        m->off = regs;
        m->item = key[i];
        m->access = (uint8_t)key[i]->access;
        m->random = key[i]->sim.kind == MCP_SIM_RANDOM;
        m->value = behaviour_of(l, key[i]);
        regs += key[i]->nregs;
    }
    d->regs = regs;
    d->init = g_new0(uint16_t, regs ? regs : 1);
    d->frozen = g_new0(uint8_t, n ? n : 1);
    for (size_t i = 0; i < n; i++) {
        /* a const item's registers never change: kept as if written (a WRITE
         * then stores over them as over any frozen item) */
        struct md_item *m = &d->items[i];
        if (m->item->sim.kind == MCP_SIM_CONST) {
            mcp_reg_sim_registers(m->item, 0, 0, d->init + m->off);
            d->frozen[i] = 1;
        }
    }
    if (n > 0 && d->items[n - 1].end - d->items[0].addr <= MD_SLOT_SPAN) {
        d->lo = d->items[0].addr;
        d->hi = d->items[n - 1].end;
        uint32_t span = d->hi - d->lo;
        d->slot = g_new0(uint16_t, span);
        for (size_t i = 0; i < n; i++)
            for (uint32_t r = d->items[i].addr; r < d->items[i].end; r++)
                d->slot[r - d->lo] = (uint16_t)(i + 1);
        for (unsigned a = 0; a < 2; a++) {
            d->run[a] = g_new0(uint8_t, span);
            for (uint32_t r = span; r-- > 0;) {
                unsigned k = d->slot[r];
                if (k == 0 || !(d->items[k - 1].access & (a + 1)))
                    continue;
                unsigned next = r + 1 < span ? d->run[a][r + 1] : 0;
                d->run[a][r] = (uint8_t)(next < 255 ? next + 1 : 255);
            }
        }
    }
    return d;
}

/* The layout of device id, with or without the `*` items: built once per item set. */
static const struct md_layout *layout_of(struct sim_maplayouts *l, unsigned id, bool star_ok)
{
    struct md_layout **slot = &l->by[id][star_ok];
    if (*slot != NULL)
        return *slot;
    const struct mcp_reg_item *const *items;
    size_t n = mcp_regmap_device_items(l->map, id, &items);
    const struct mcp_reg_item **key = g_new(const struct mcp_reg_item *, n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (star_ok || !is_star(items[i]))
            key[k++] = items[i];
    key[k] = NULL;
    struct md_layout *found = g_hash_table_lookup(l->sets, key);
    if (found != NULL) {
        g_free(key);
    } else {
        found = build_layout(l, key, k);
        g_hash_table_insert(l->sets, key, found);
        l->count++;
    }
    *slot = found;
    return found;
}

/* A device of layout lay: one block holding its store and frozen flags. */
static struct md_device *device_new(const struct md_layout *lay, uint64_t rng)
{
    size_t store_bytes = (lay->regs ? lay->regs : 1) * sizeof(uint16_t);
    struct md_device *d = g_malloc(sizeof *d + store_bytes + (lay->n ? lay->n : 1));
    d->lay = lay;
    d->rng = rng;
    d->store = (uint16_t *)(d + 1);
    d->frozen = (uint8_t *)d->store + store_bytes;
    memcpy(d->store, lay->init, lay->regs * sizeof(uint16_t));
    memcpy(d->frozen, lay->frozen, lay->n);
    return d;
}

/*
 * The start of device id's `random` generator in device set `set`: seed,
 * set and id mixed by splitmix64 (distinct sets, distinct ids, distinct draws).
 */
static uint64_t device_seed(uint64_t seed, unsigned set, unsigned id)
{
    uint64_t s = seed ^ ((uint64_t)set << 8 | id) * 0xD1B54A32D192ED03ull;
    return next_random(&s);
}

struct sim_mapdev *sim_mapdev_new(struct sim_maplayouts *layouts, const bool devices[256],
                                  bool add_named, uint64_t seed, unsigned set)
{
    struct sim_mapdev *m = g_new0(struct sim_mapdev, 1);
    m->layouts = layouts;
    for (unsigned id = 0; id < 255; id++) {
        bool named = false;
        if (add_named && !devices[id]) {
            /* named: an item other than a `*` one holds id */
            const struct mcp_reg_item *const *items;
            size_t n = mcp_regmap_device_items(layouts->map, id, &items);
            for (size_t i = 0; i < n && !named; i++)
                named = !is_star(items[i]);
        }
        if (!named && !devices[id])
            continue;
        m->dev[id] = device_new(layout_of(layouts, id, devices[id]), device_seed(seed, set, id));
        m->devices++;
        m->items += m->dev[id]->lay->n;
    }
    return m;
}

void sim_mapdev_free(struct sim_mapdev *m)
{
    if (m == NULL)
        return;
    for (unsigned id = 0; id < 256; id++)
        g_free(m->dev[id]);
    g_free(m);
}

size_t sim_mapdev_device_count(const struct sim_mapdev *m)
{
    return m->devices;
}

size_t sim_mapdev_item_count(const struct sim_mapdev *m)
{
    return m->items;
}

bool sim_mapdev_has(const struct sim_mapdev *m, uint8_t id)
{
    return m->dev[id] != NULL;
}

/* The first item of d ending after addr (binary search). */
static size_t first_item(const struct md_layout *d, uint32_t addr)
{
    size_t lo = 0, hi = d->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->items[mid].end <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/*
 * §4: whether items of d cover every register of [addr, end) and allow the
 * access; sets [*first, *last) to the items touched.
 */
static enum mcp_status cover(const struct md_layout *d, uint32_t addr, uint32_t end,
                             enum mcp_reg_access need, size_t *first, size_t *last)
{
    if (d->slot != NULL) {
        /* covered without a gap by items allowing it: the run from addr reaches end */
        if (addr < d->lo || end > d->hi || d->run[need - 1][addr - d->lo] < end - addr)
            return MCP_STATUS_ILLEGAL_ADDRESS;
        *first = d->slot[addr - d->lo] - 1u;
        *last = d->slot[end - 1 - d->lo];
        return MCP_STATUS_OK;
    }
    size_t j = first_item(d, addr);
    *first = j;
    for (uint32_t cur = addr; cur < end; cur = d->items[j++].end) {
        if (j == d->n || d->items[j].addr > cur || !(d->items[j].access & need))
            return MCP_STATUS_ILLEGAL_ADDRESS;
    }
    *last = j;
    return MCP_STATUS_OK;
}

/*
 * The registers of a moving item at t: its behaviour's, computed once per t
 * for every item that shares it; a random item's own draw into tmp.
 */
static const uint16_t *moving_registers(struct md_value *values, struct md_device *d,
                                        const struct md_item *m, double t, uint16_t *tmp)
{
    if (m->value != NO_VALUE) {
        struct md_value *v = &values[m->value];
        if (v->t != t) {
            mcp_reg_sim_registers(m->item, t, 0, v->regs);
            v->t = t;
        }
        return v->regs;
    }
    uint64_t bits = m->random ? next_random(&d->rng) : 0;
    mcp_reg_sim_registers(m->item, t, bits, tmp);
    return tmp;
}

/* The registers of item k of d now: written, or its behaviour at t. */
static const uint16_t *item_registers(struct md_value *values, struct md_device *d, size_t k,
                                      double t, uint16_t *tmp)
{
    const struct md_item *m = &d->lay->items[k];
    if (d->frozen[k])
        return d->store + m->off;
    return moving_registers(values, d, m, t, tmp);
}

static enum mcp_status range_status(const struct sim_mapdev *m, const struct mcp_pdu *pdu,
                                    size_t *first, size_t *last)
{
    const struct md_device *d = m->dev[pdu->device];
    if (d == NULL)
        return MCP_STATUS_UNKNOWN_DEVICE;
    if (pdu->count == 0 || pdu->count > MCP_MAX_REGISTERS)
        return MCP_STATUS_ILLEGAL_VALUE;
    uint32_t end = (uint32_t)pdu->addr + pdu->count;
    if (end > SIM_REGISTER_COUNT)
        return MCP_STATUS_ILLEGAL_ADDRESS;
    return cover(d->lay, pdu->addr, end, pdu->cmd == MCP_CMD_WRITE ? MCP_ACCESS_W : MCP_ACCESS_R,
                 first, last);
}

static void do_write(struct md_value *values, struct md_device *d, size_t first, size_t last,
                     double t, const struct mcp_pdu *pdu, const uint8_t *payload)
{
    uint32_t end = (uint32_t)pdu->addr + pdu->count;
    for (size_t k = first; k < last; k++) {
        const struct md_item *m = &d->lay->items[k];
        uint16_t *regs = d->store + m->off;
        if (!d->frozen[k]) {
            /* registers of the item the WRITE leaves alone keep their value of now */
            uint16_t tmp[MCP_REG_MAX_REGS];
            memcpy(regs, item_registers(values, d, k, t, tmp), m->item->nregs * sizeof *regs);
            d->frozen[k] = 1;
        }
        uint32_t from = MAX(m->addr, (uint32_t)pdu->addr), to = MIN(m->end, end);
        for (uint32_t r = from; r < to; r++)
            regs[r - m->addr] = mcp_pdu_value(payload, pdu, r - pdu->addr);
    }
}

/* n registers of an item (n <= 4 mostly): fixed-size copies the compiler inlines. */
static inline void copy_regs(uint16_t *dst, const uint16_t *src, uint32_t n)
{
    switch (n) {
    case 1:
        dst[0] = src[0];
        return;
    case 2:
        memcpy(dst, src, 2 * sizeof *dst);
        return;
    case 4:
        memcpy(dst, src, 4 * sizeof *dst);
        return;
    default:
        memcpy(dst, src, n * sizeof *dst);
        return;
    }
}

static void do_read(struct md_value *values, struct md_device *d, size_t first, size_t last,
                    double t, const struct mcp_pdu *pdu, uint16_t *out)
{
    uint32_t end = (uint32_t)pdu->addr + pdu->count;
    const struct md_item *items = d->lay->items;
    for (size_t k = first; k < last; k++) {
        const struct md_item *m = &items[k];
        bool inside = m->addr >= pdu->addr && m->end <= end;
        uint16_t tmp[MCP_REG_MAX_REGS];
        const uint16_t *regs;
        if (d->frozen[k]) {
            regs = d->store + m->off;
        } else if (m->value != NO_VALUE) {
            struct md_value *v = &values[m->value];
            if (v->t != t) {
                mcp_reg_sim_registers(m->item, t, 0, v->regs);
                v->t = t;
            }
            regs = v->regs;
        } else {
            /* random: the device's own draw, straight into the answer when it fits */
            uint64_t bits = m->random ? next_random(&d->rng) : 0;
            if (inside) {
                mcp_reg_sim_registers(m->item, t, bits, out + (m->addr - pdu->addr));
                continue;
            }
            mcp_reg_sim_registers(m->item, t, bits, tmp);
            regs = tmp;
        }
        if (inside) {
            copy_regs(out + (m->addr - pdu->addr), regs, m->end - m->addr);
            continue;
        }
        uint32_t from = MAX(m->addr, (uint32_t)pdu->addr), to = MIN(m->end, end);
        memcpy(out + (from - pdu->addr), regs + (from - m->addr), (to - from) * sizeof *out);
    }
}

static void status_only(struct sim_answer *ans, uint8_t cmd, uint8_t seq, uint8_t status)
{
    ans->answer = true;
    ans->cmd = (uint8_t)(cmd | MCP_RESPONSE_FLAG);
    ans->len = mcp_build_status_response(seq, status, ans->payload, sizeof ans->payload);
}

/* Broadcast: every device whose registers allow the WRITE takes it; nobody answers. */
static void serve_broadcast(struct sim_mapdev *m, double t, const struct mcp_pdu *pdu,
                            const uint8_t *payload, enum mcp_status fault)
{
    if (fault != MCP_STATUS_OK || pdu->cmd != MCP_CMD_WRITE)
        return;
    struct mcp_pdu one = *pdu;
    for (unsigned id = 0; id < 255; id++) {
        size_t first, last;
        one.device = (uint8_t)id;
        if (m->dev[id] != NULL && range_status(m, &one, &first, &last) == MCP_STATUS_OK)
            do_write(m->layouts->values, m->dev[id], first, last, t, &one, payload);
    }
}

void sim_mapdev_serve(struct sim_mapdev *m, double t, uint8_t seq, const struct mcp_pdu *pdu,
                      const uint8_t *payload, enum mcp_status fault, struct sim_answer *ans)
{
    ans->answer = false;
    ans->len = 0;
    if (pdu->cmd == MCP_CMD_HEARTBEAT) { /* as without a map */
        status_only(ans, pdu->cmd, seq, (uint8_t)fault);
        return;
    }
    if (pdu->cmd != MCP_CMD_READ && pdu->cmd != MCP_CMD_WRITE) {
        if (mcp_cmd_is_request(pdu->cmd))
            status_only(ans, pdu->cmd, seq, MCP_STATUS_UNSUPPORTED_COMMAND);
        return;
    }
    if (pdu->device == MCP_BROADCAST_DEVICE) {
        serve_broadcast(m, t, pdu, payload, fault);
        return;
    }
    size_t first = 0, last = 0;
    enum mcp_status st = range_status(m, pdu, &first, &last);
    if (st == MCP_STATUS_OK)
        st = fault;
    if (st != MCP_STATUS_OK) {
        status_only(ans, pdu->cmd, seq, (uint8_t)st);
        return;
    }
    struct md_device *d = m->dev[pdu->device];
    ans->answer = true;
    ans->cmd = (uint8_t)(pdu->cmd | MCP_RESPONSE_FLAG);
    if (pdu->cmd == MCP_CMD_READ) {
        uint16_t values[MCP_MAX_REGISTERS];
        do_read(m->layouts->values, d, first, last, t, pdu, values);
        ans->len = mcp_build_read_response_ok(seq, pdu->device, pdu->addr, pdu->count, values,
                                              ans->payload, sizeof ans->payload);
    } else {
        do_write(m->layouts->values, d, first, last, t, pdu, payload);
        ans->len = mcp_build_write_response_ok(seq, pdu->device, pdu->addr, pdu->count,
                                               ans->payload, sizeof ans->payload);
    }
}
