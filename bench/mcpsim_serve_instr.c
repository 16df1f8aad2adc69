/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mcpsim_serve_instr: the user-space cost of serving one READ, with and
 * without --map, on the request pattern of mcpsim_bench.sh's map case:
 * READ of COUNT registers of devices 1..DEVICES in turn at 0, 2, ... 190.
 * Run under callgrind (bench/mcpsim_bench.sh does when valgrind is there):
 * the instructions of serve_map and serve_plain divided by N are the figures
 * a noisy machine does not move. Also prints ns per READ (noisy).
 *
 *   mcpsim_serve_instr MAP.csv DEVICES COUNT N
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "device.h"
#include "mapdev.h"
#include "mcp/pdu.h"
#include "mcp/regmap.h"

static unsigned devices_n, count;

static void request(uint64_t k, uint8_t *payload, struct mcp_pdu *pdu)
{
    uint8_t device = (uint8_t)(1 + k % devices_n);
    uint16_t addr = (uint16_t)(2 * ((k / devices_n) % 96));
    size_t len = mcp_build_read(device, addr, (uint16_t)count, payload, 8);
    mcp_pdu_parse(MCP_CMD_READ, payload, len, pdu);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Kept out of line so callgrind names them. */
__attribute__((noinline)) static unsigned serve_map(struct sim_mapdev *m, uint64_t n)
{
    unsigned bad = 0;
    uint8_t payload[8];
    struct mcp_pdu pdu;
    struct sim_answer ans;
    for (uint64_t k = 0; k < n; k++) {
        request(k, payload, &pdu);
        sim_mapdev_serve(m, (double)k * 1e-5, (uint8_t)k, &pdu, payload, MCP_STATUS_OK, &ans);
        bad += ans.payload[1] != 0;
    }
    return bad;
}

__attribute__((noinline)) static unsigned serve_plain(struct sim_devices *d, uint64_t n)
{
    unsigned bad = 0;
    uint8_t payload[8];
    struct mcp_pdu pdu;
    struct sim_answer ans;
    for (uint64_t k = 0; k < n; k++) {
        request(k, payload, &pdu);
        sim_devices_serve(d, (uint8_t)k, &pdu, payload, MCP_STATUS_OK, &ans);
        bad += ans.payload[1] != 0;
    }
    return bad;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: mcpsim_serve_instr MAP.csv DEVICES COUNT N\n");
        return 2;
    }
    devices_n = (unsigned)atoi(argv[2]);
    count = (unsigned)atoi(argv[3]);
    uint64_t n = strtoull(argv[4], NULL, 10);
    struct mcp_regmap *map;
    char err[MCP_REGMAP_ERR_MAX];
    if (devices_n < 1 || devices_n > 254 || count < 1 || count > 125 ||
        mcp_regmap_load(argv[1], &map, err, sizeof err) != 0) {
        fprintf(stderr, "mcpsim_serve_instr: %s\n", devices_n && count ? err : "bad arguments");
        return 2;
    }
    bool present[256] = {false};
    for (unsigned id = 1; id <= devices_n; id++)
        present[id] = true;
    struct sim_mapdev *m = sim_mapdev_new(map, present, 1);
    struct sim_devices plain;
    sim_devices_init(&plain, present);
    double t0 = now_s();
    unsigned bad_plain = serve_plain(&plain, n);
    double t1 = now_s();
    unsigned bad_map = serve_map(m, n);
    double t2 = now_s();
    printf("reads=%llu plain_ns=%.1f map_ns=%.1f not_ok=%u\n", (unsigned long long)n,
           (t1 - t0) / (double)n * 1e9, (t2 - t1) / (double)n * 1e9, bad_plain + bad_map);
    sim_devices_free(&plain);
    sim_mapdev_free(m);
    mcp_regmap_free(map);
    return bad_plain + bad_map ? 1 : 0;
}
