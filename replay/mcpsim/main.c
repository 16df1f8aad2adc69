/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mcpsim: a simulated MCP v1 device for testing masters, replayers and dissectors. */
#include <errno.h>
#include <inttypes.h>
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

/*
 * --map: the map's devices, no register store. Says on stderr what is
 * simulated and when t = 0 of REGISTER-MAP.md §4 was (CLOCK_MONOTONIC, as
 * the JSON's start_monotonic_ns, and the wall clock).
 */
static int setup_map(struct sim_core *core, const struct sim_config *cfg)
{
    int rc = mcp_mapopt_load("mcpsim", cfg->map_file, &core->map);
    if (rc != 0)
        return rc;
    uint64_t seed = cfg->have_seed ? cfg->seed : (uint64_t)g_random_int() << 32 | g_random_int();
    core->mapdev = sim_mapdev_new(core->map, cfg->devices, seed);
    uint64_t ago_ns = sim_now_ns() - core->start_ns;
    double wall = (double)(g_get_real_time() - (gint64)(ago_ns / 1000)) / 1e6;
    fprintf(stderr,
            "mcpsim: map %s: %zu devices, %zu items; t=0 at CLOCK_MONOTONIC %" PRIu64 ".%09" PRIu64
            " s (unix time %.6f)\n",
            cfg->map_file, sim_mapdev_device_count(core->mapdev),
            sim_mapdev_item_count(core->mapdev), core->start_ns / 1000000000u,
            core->start_ns % 1000000000u, wall);
    return SIM_EXIT_OK;
}

static int setup_devices(struct sim_core *core, const struct sim_config *cfg)
{
    core->stats.start_ns = core->start_ns;
    if (cfg->map_file != NULL)
        return setup_map(core, cfg);
    sim_devices_init(&core->devices, cfg->devices);
    if (cfg->have_seed)
        sim_devices_seed(&core->devices, cfg->seed);
    if (cfg->registers_file != NULL) {
        char err[600];
        if (!sim_devices_load(&core->devices, cfg->registers_file, err, sizeof err)) {
            fprintf(stderr, "mcpsim: %s\n", err);
            return SIM_EXIT_REGISTERS;
        }
    }
    return SIM_EXIT_OK;
}

/* Opens every listener, then announces them all at once. */
static int setup_listeners(struct sim_core *core, const struct sim_config *cfg)
{
    GString *lines = g_string_new(NULL);
    char url[400], err[600];
    int rc = SIM_EXIT_OK;
    for (size_t i = 0; i < cfg->listen_count && rc == SIM_EXIT_OK; i++) {
        const struct mcp_endpoint *ep = &cfg->listen[i];
        bool ok = ep->kind == MCP_ENDPOINT_UDP
                      ? sim_udp_listen(core, ep, url, sizeof url, err, sizeof err)
                      : sim_tcp_listen(core, ep, url, sizeof url, err, sizeof err);
        if (ok)
            g_string_append_printf(lines, "listening %s\n", url);
        else
            rc = SIM_EXIT_LISTEN;
    }
    if (rc == SIM_EXIT_OK && (cfg->serial_path != NULL || cfg->pty)) {
        if (sim_serial_open(core, cfg->serial_path, &cfg->serial, cfg->pty, url, sizeof url, err,
                            sizeof err))
            g_string_append_printf(lines, "listening %s\n", url);
        else
            rc = SIM_EXIT_LISTEN;
    }
    if (rc == SIM_EXIT_OK) {
        fputs(lines->str, stdout);
        fflush(stdout);
    } else {
        fprintf(stderr, "mcpsim: %s\n", err);
    }
    g_string_free(lines, TRUE);
    return rc;
}

static void teardown(struct sim_core *core)
{
    sim_serial_close(core);
    sim_tcp_free(core, core->tcp);
    sim_udp_free(core->udp);
    sim_delay_free(core->delay);
    g_ptr_array_free(core->listeners, TRUE);
    sim_devices_free(&core->devices);
    sim_mapdev_free(core->mapdev);
    mcp_regmap_free(core->map);
    if (core->rand)
        g_rand_free(core->rand);
    if (core->epfd >= 0)
        close(core->epfd);
}

int main(int argc, char **argv)
{
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
    core.start_ns = sim_now_ns();
    core.rand =
        cfg.have_seed ? g_rand_new_with_seed((guint32)(cfg.seed ^ (cfg.seed >> 32))) : g_rand_new();
    core.delay = sim_delay_new();
    core.udp = sim_udp_new(cfg.max_udp_clients, (uint64_t)(cfg.udp_idle_s * 1e9));
    core.tcp = sim_tcp_new(cfg.max_tcp_clients);
    core.listeners = g_ptr_array_new_with_free_func(free_listener);
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
