/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Device sets: the shared --devices set and listeners' own devices= sets. */
#include "devset.h"

#include <string.h>

#include <glib.h>

struct sim_devset *sim_devset_new_plain(unsigned number, const bool ids[256], bool have_seed,
                                        uint64_t seed)
{
    struct sim_devset *s = g_new0(struct sim_devset, 1);
    s->number = number;
    memcpy(s->ids, ids, sizeof s->ids);
    sim_devices_init(&s->plain, ids);
    if (have_seed)
        sim_devices_seed(&s->plain, number == 0 ? seed : seed ^ number * 0x9E3779B97F4A7C15ull);
    return s;
}

struct sim_devset *sim_devset_new_map(unsigned number, const bool ids[256],
                                      struct sim_maplayouts *layouts, uint64_t seed)
{
    struct sim_devset *s = g_new0(struct sim_devset, 1);
    s->number = number;
    memcpy(s->ids, ids, sizeof s->ids);
    s->mapdev = sim_mapdev_new(layouts, ids, number == 0, seed, number);
    return s;
}

void sim_devset_free(struct sim_devset *s)
{
    if (s == NULL)
        return;
    sim_devices_free(&s->plain);
    sim_mapdev_free(s->mapdev);
    g_free(s);
}

size_t sim_devset_device_count(const struct sim_devset *s)
{
    if (s->mapdev != NULL)
        return sim_mapdev_device_count(s->mapdev);
    size_t n = 0;
    for (unsigned id = 0; id < 256; id++)
        n += sim_device_exists(&s->plain, (uint8_t)id);
    return n;
}

size_t sim_devset_item_count(const struct sim_devset *s)
{
    return s->mapdev != NULL ? sim_mapdev_item_count(s->mapdev) : 0;
}

void sim_devset_serve(struct sim_devset *s, double t, uint8_t seq, const struct mcp_pdu *pdu,
                      const uint8_t *payload, enum mcp_status fault, struct sim_answer *ans)
{
    if (s->mapdev != NULL)
        sim_mapdev_serve(s->mapdev, t, seq, pdu, payload, fault, ans);
    else
        sim_devices_serve(&s->plain, seq, pdu, payload, fault, ans);
}

bool sim_devsets_load(struct sim_devset *const *sets, size_t n, const char *path, char *err,
                      size_t err_len)
{
    struct sim_devices **devs = g_new(struct sim_devices *, n ? n : 1);
    for (size_t i = 0; i < n; i++)
        devs[i] = &sets[i]->plain;
    bool ok = sim_devices_load_all(devs, n, path, err, err_len);
    g_free(devs);
    return ok;
}
