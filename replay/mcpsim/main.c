/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mcpsim: a simulated MCP v1 device for testing masters, replayers and dissectors. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <unistd.h>

#include "core.h"
#include "delay.h"
#include "loop.h"
#include "mapdev.h"
#include "idlist.h"
#include "mapopt.h"
#include "options.h"
#include "serial.h"
#include "tcp.h"
#include "udp.h"
#include "watch.h"

static void free_listener(gpointer p)
{
    struct sim_listener *l = p;
    close(l->fd);
    g_free(l);
}

/* Room for many clients: raise the soft descriptor limit to the hard one. */
static void raise_fd_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

/* A new device set (plain, or of the map's devices), kept in core->sets. */
static struct sim_devset *add_set(struct sim_core *core, const struct sim_config *cfg,
                                  unsigned number, const bool ids[256], uint64_t map_seed)
{
    struct sim_devset *s = core->layouts != NULL
                               ? sim_devset_new_map(number, ids, core->layouts, map_seed)
                               : sim_devset_new_plain(number, ids, cfg->have_seed, cfg->seed);
    g_ptr_array_add(core->sets, s);
    return s;
}

/*
 * The device sets: each listener with devices= its own (numbered by its position among the
 * --listen options), the others (and --pty) the shared --devices set, built only when used.
 * --map: the map's devices, no register store; says on stderr what is simulated and when
 * t = 0 of REGISTER-MAP.md §4 was (CLOCK_MONOTONIC, as the JSON's start_monotonic_ns, and
 * the wall clock).
 */
static int setup_devices(struct sim_core *core, const struct sim_config *cfg)
{
    core->stats.start_ns = core->start_ns;
    uint64_t map_seed = 0;
    if (cfg->map_file != NULL) {
        int rc = mcp_mapopt_load("mcpsim", cfg->map_file, &core->map);
        if (rc != 0)
            return rc;
        core->map_read_ns = sim_now_ns() - core->main_ns;
        core->layouts = sim_maplayouts_new(core->map);
        map_seed = cfg->have_seed ? cfg->seed : (uint64_t)g_random_int() << 32 | g_random_int();
    }
    bool shared_used = cfg->pty || (cfg->serial_path != NULL && !cfg->serial_has_devices);
    for (size_t i = 0; i < cfg->listen_count; i++)
        shared_used |= !cfg->listen[i].has_devices;
    if (shared_used)
        core->shared = add_set(core, cfg, 0, cfg->devices, map_seed);
    for (size_t i = 0; i < cfg->listen_count; i++)
        core->listen_sets[i] =
            cfg->listen[i].has_devices
                ? add_set(core, cfg, cfg->listen_number[i], cfg->listen[i].devices, map_seed)
                : core->shared;
    if (cfg->serial_path != NULL || cfg->pty)
        core->serial_set = cfg->serial_has_devices ? add_set(core, cfg, cfg->serial_number,
                                                             cfg->serial_devices, map_seed)
                                                   : core->shared;
    if (cfg->registers_file != NULL) {
        char err[600];
        if (!sim_devsets_load((struct sim_devset *const *)core->sets->pdata, core->sets->len,
                              cfg->registers_file, err, sizeof err)) {
            fprintf(stderr, "mcpsim: %s\n", err);
            return SIM_EXIT_REGISTERS;
        }
    }
    if (core->layouts != NULL) {
        size_t devices = 0, items = 0;
        for (guint i = 0; i < core->sets->len; i++) {
            devices += sim_devset_device_count(g_ptr_array_index(core->sets, i));
            items += sim_devset_item_count(g_ptr_array_index(core->sets, i));
        }
        core->map_devices = devices;
        uint64_t ago_ns = sim_now_ns() - core->start_ns;
        double wall = (double)(g_get_real_time() - (gint64)(ago_ns / 1000)) / 1e6;
        fprintf(stderr,
                "mcpsim: map %s: %zu devices, %zu items; t=0 at CLOCK_MONOTONIC %" PRIu64
                ".%09" PRIu64 " s (unix time %.6f)\n",
                cfg->map_file, devices, items, core->start_ns / 1000000000u,
                core->start_ns % 1000000000u, wall);
    }
    return SIM_EXIT_OK;
}

/* " devices=1-250" after the URL of a listener with its own device set, else "". */
static void own_devices(const struct sim_devset *set, char *out, size_t out_len)
{
    out[0] = '\0';
    if (set == NULL || set->number == 0)
        return;
    char list[1024];
    mcp_format_id_list(set->ids, list, sizeof list);
    snprintf(out, out_len, " devices=%s", list);
}

/* Opens every listener, then announces them all at once. */
static int setup_listeners(struct sim_core *core, const struct sim_config *cfg)
{
    /* One line per listener, in the order of the --listen options (a listener's own devices
     * draw by that position: a script reading line N finds listener N); --pty (and the old
     * --serial) last. */
    GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);
    unsigned *order = g_new0(unsigned, cfg->listen_count + 1);
    char url[400], err[600], own[1100];
    int rc = SIM_EXIT_OK;
    for (size_t i = 0; i < cfg->listen_count && rc == SIM_EXIT_OK; i++) {
        const struct mcp_endpoint *ep = &cfg->listen[i];
        struct sim_devset *set = core->listen_sets[i];
        bool ok = ep->kind == MCP_ENDPOINT_UDP
                      ? sim_udp_listen(core, ep, set, url, sizeof url, err, sizeof err)
                      : sim_tcp_listen(core, ep, set, url, sizeof url, err, sizeof err);
        own_devices(set, own, sizeof own);
        if (ok) {
            order[lines->len] = cfg->listen_number[i];
            g_ptr_array_add(lines, g_strdup_printf("listening %s%s\n", url, own));
        } else {
            rc = SIM_EXIT_LISTEN;
        }
    }
    if (rc == SIM_EXIT_OK && (cfg->serial_path != NULL || cfg->pty)) {
        own_devices(core->serial_set, own, sizeof own);
        if (sim_serial_open(core, cfg->serial_path, &cfg->serial, cfg->pty, core->serial_set, url,
                            sizeof url, err, sizeof err)) {
            order[lines->len] = cfg->serial_number > 0 ? cfg->serial_number : UINT_MAX;
            g_ptr_array_add(lines, g_strdup_printf("listening %s%s\n", url, own));
        } else {
            rc = SIM_EXIT_LISTEN;
        }
    }
    if (rc == SIM_EXIT_OK) {
        FILE *text = sim_text_out(cfg);
        guint *idx = g_new(guint, lines->len + 1);
        for (guint k = 0; k < lines->len; k++) { /* insertion sort by position: a few lines */
            guint j = k;
            for (; j > 0 && order[idx[j - 1]] > order[k]; j--)
                idx[j] = idx[j - 1];
            idx[j] = k;
        }
        for (guint k = 0; k < lines->len; k++)
            fputs(g_ptr_array_index(lines, idx[k]), text);
        g_free(idx);
        fflush(text);
        if (core->layouts != NULL) {
            /* the start-up with a map: how long from main() to every listener open */
            uint64_t ready_ns = sim_now_ns() - core->main_ns;
            fprintf(stderr,
                    "mcpsim: map %s: ready in %.1f ms (map read in %.1f ms; %zu devices share "
                    "%zu item indexes)\n",
                    cfg->map_file, (double)ready_ns / 1e6, (double)core->map_read_ns / 1e6,
                    core->map_devices, sim_maplayouts_count(core->layouts));
        }
    } else {
        fprintf(stderr, "mcpsim: %s\n", err);
    }
    g_ptr_array_free(lines, TRUE);
    g_free(order);
    return rc;
}

static void teardown(struct sim_core *core)
{
    sim_serial_close(core);
    sim_tcp_free(core, core->tcp);
    sim_udp_free(core->udp);
    sim_delay_free(core->delay);
    g_ptr_array_free(core->listeners, TRUE);
    g_ptr_array_free(core->sets, TRUE);
    sim_maplayouts_free(core->layouts);
    mcp_regmap_free(core->map);
    if (core->rand)
        g_rand_free(core->rand);
    if (core->epfd >= 0)
        close(core->epfd);
}

int main(int argc, char **argv)
{
    uint64_t main_ns = sim_now_ns();
    struct sim_config cfg;
    char err[600];
    if (!sim_options_parse(argc, argv, &cfg, err, sizeof err)) {
        fprintf(stderr, "mcpsim: %s\n", err);
        sim_config_free(&cfg);
        return SIM_EXIT_USAGE;
    }
    if (cfg.stats_json != NULL && !sim_json_path_writable(cfg.stats_json, err, sizeof err)) {
        fprintf(stderr, "mcpsim: %s\n", err);
        sim_config_free(&cfg);
        return SIM_EXIT_OUTPUT;
    }
    if (!sim_signals_block()) {
        fprintf(stderr, "mcpsim: cannot block signals: %s\n", strerror(errno));
        return SIM_EXIT_RUNTIME;
    }
    if (cfg.cpu >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(cfg.cpu, &set);
        if (cfg.cpu >= CPU_SETSIZE || sched_setaffinity(0, sizeof set, &set) < 0) {
            fprintf(stderr, "mcpsim: --cpu %d: cannot pin the process to it: %s\n", cfg.cpu,
                    strerror(errno));
            sim_config_free(&cfg);
            return SIM_EXIT_USAGE;
        }
    }
    raise_fd_limit();

    struct sim_core core;
    memset(&core, 0, sizeof core);
    core.cfg = &cfg;
    core.main_ns = main_ns;
    core.start_ns = sim_now_ns();
    core.rand =
        cfg.have_seed ? g_rand_new_with_seed((guint32)(cfg.seed ^ (cfg.seed >> 32))) : g_rand_new();
    core.delay = sim_delay_new();
    core.udp = sim_udp_new(cfg.max_udp_clients, (uint64_t)(cfg.udp_idle_s * 1e9));
    core.tcp = sim_tcp_new(cfg.max_tcp_clients);
    core.listeners = g_ptr_array_new_with_free_func(free_listener);
    core.sets = g_ptr_array_new_with_free_func((GDestroyNotify)sim_devset_free);
    core.epfd = epoll_create1(EPOLL_CLOEXEC);

    int rc = core.epfd < 0 ? SIM_EXIT_RUNTIME : setup_devices(&core, &cfg);
    if (rc == SIM_EXIT_OK)
        rc = setup_listeners(&core, &cfg);
    if (rc == SIM_EXIT_OK)
        rc = sim_run(&core);
    teardown(&core);
    sim_config_free(&cfg);
    return rc;
}
