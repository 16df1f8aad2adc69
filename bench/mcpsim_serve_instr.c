/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mcpsim_serve_instr: the user-space cost of serving one READ, with and
 * without --map, on the request pattern of mcpsim_bench.sh's map cases:
 * READ of COUNT registers of devices 1..DEVICES of SETS device sets (1: the
 * shared --devices set; more: listeners' own devices=1-DEVICES sets, each its
 * own device instances) in turn, at 0, 2, ... 190: request k goes to set
 * k mod SETS, device 1 + (k / SETS) mod DEVICES. mcpsim reads the clock once
 * per read from a socket, so the READs of one batch share t (REGISTER-MAP.md
 * §4): here BATCH (default 16, a load connection's window) requests in turn.
 * Run under callgrind (bench/mcpsim_bench.sh does when valgrind is there):
 * the instructions of serve_map and serve_plain divided by N are the figures
 * a noisy machine does not move. Also prints ns per READ (noisy).
 *
 *   mcpsim_serve_instr MAP.csv DEVICES COUNT N [SETS [BATCH]]
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "devset.h"
#include "mcp/pdu.h"
#include "mcp/regmap.h"

#define MAX_SETS 16

static unsigned devices_n, count, sets_n = 1, batch = 16;

static unsigned request(uint64_t k, uint8_t *payload, struct mcp_pdu *pdu)
{
    uint64_t j = k / sets_n;
    uint8_t device = (uint8_t)(1 + j % devices_n);
    uint16_t addr = (uint16_t)(2 * ((j / devices_n) % 96));
    size_t len = mcp_build_read(device, addr, (uint16_t)count, payload, 8);
    mcp_pdu_parse(MCP_CMD_READ, payload, len, pdu);
    return (unsigned)(k % sets_n);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* n READs over the sets; with a map each batch of requests shares one time t (as mcpsim does). */
static inline unsigned serve(struct sim_devset **sets, uint64_t n, bool timed)
{
    unsigned bad = 0;
    uint8_t payload[8];
    struct mcp_pdu pdu;
    struct sim_answer ans;
    for (uint64_t k = 0; k < n; k++) {
        unsigned s = request(k, payload, &pdu);
        sim_devset_serve(sets[s], timed ? (double)(k / batch) * 1e-4 : 0, (uint8_t)k, &pdu, payload,
                         MCP_STATUS_OK, &ans);
        bad += ans.payload[1] != 0;
    }
    return bad;
}

/* Kept out of line so callgrind names them. */
__attribute__((noinline)) static unsigned serve_map(struct sim_devset **sets, uint64_t n)
{
    return serve(sets, n, true);
}

__attribute__((noinline)) static unsigned serve_plain(struct sim_devset **sets, uint64_t n)
{
    return serve(sets, n, false);
}

int main(int argc, char **argv)
{
    if (argc < 5 || argc > 7) {
        fprintf(stderr, "usage: mcpsim_serve_instr MAP.csv DEVICES COUNT N [SETS [BATCH]]\n");
        return 2;
    }
    devices_n = (unsigned)atoi(argv[2]);
    count = (unsigned)atoi(argv[3]);
    uint64_t n = strtoull(argv[4], NULL, 10);
    if (argc >= 6)
        sets_n = (unsigned)atoi(argv[5]);
    if (argc == 7)
        batch = (unsigned)atoi(argv[6]);
    struct mcp_regmap *map;
    char err[MCP_REGMAP_ERR_MAX] = "bad arguments";
    if (devices_n < 1 || devices_n > 254 || count < 1 || count > 125 || sets_n < 1 ||
        sets_n > MAX_SETS || batch < 1 || mcp_regmap_load(argv[1], &map, err, sizeof err) != 0) {
        fprintf(stderr, "mcpsim_serve_instr: %s\n", err);
        return 2;
    }
    bool present[256] = {false};
    for (unsigned id = 1; id <= devices_n; id++)
        present[id] = true;
    struct sim_maplayouts *layouts = sim_maplayouts_new(map);
    struct sim_devset *mapped[MAX_SETS], *plain[MAX_SETS];
    double b0 = now_s();
    for (unsigned s = 0; s < sets_n; s++) {
        /* one set: the shared --devices one (0); more: listeners' own (1, 2, ...) */
        unsigned number = sets_n == 1 ? 0 : s + 1;
        mapped[s] = sim_devset_new_map(number, present, layouts, 1);
    }
    double b1 = now_s();
    for (unsigned s = 0; s < sets_n; s++)
        plain[s] = sim_devset_new_plain(sets_n == 1 ? 0 : s + 1, present, false, 0);
    double t0 = now_s();
    unsigned bad_plain = serve_plain(plain, n);
    double t1 = now_s();
    unsigned bad_map = serve_map(mapped, n);
    double t2 = now_s();
    printf("reads=%llu batch=%u sets=%u devices=%u plain_ns=%.1f map_ns=%.1f not_ok=%u "
           "map_build_ms=%.2f "
           "item_indexes=%zu\n",
           (unsigned long long)n, batch, sets_n, sets_n * devices_n, (t1 - t0) / (double)n * 1e9,
           (t2 - t1) / (double)n * 1e9, bad_plain + bad_map, (b1 - b0) * 1e3,
           sim_maplayouts_count(layouts));
    for (unsigned s = 0; s < sets_n; s++) {
        sim_devset_free(plain[s]);
        sim_devset_free(mapped[s]);
    }
    sim_maplayouts_free(layouts);
    mcp_regmap_free(map);
    return bad_plain + bad_map ? 1 : 0;
}
