/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Per-request cost of the match table (lib/src/match.c, docs/PROTOCOL.md §4)
 * at 10, 1,000 and 100,000 pending requests, beside the pre-issue-24 table
 * (bench/match_v1.c) measured in the same run, alternated A B A B.
 *
 *   match_bench [--rounds N] [--ops N]        table of medians and spread
 *   match_bench --only new|v1 add|pair P [--ops N]   one measurement (callgrind)
 *
 * Modes, both at a constant number pending:
 *   pair: P requests pending on seqs i % 256 (READ, never answered); each op
 *         adds a WRITE on the next seq and answers it (pending stays P).
 *   add:  P requests pending; each op adds a request no one answers, on the
 *         next seq. Only steady while the table is at its bound (P >= 256 *
 *         MCP_MATCH_DEPTH): the table forgets the oldest of that seq as it adds.
 * Wall-clock ns/op on a shared machine is noisy: bench/match_bench.sh adds
 * instruction counts from callgrind.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "match_v1.h"
#include "mcp/match.h"
#include "mcp/pdu.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static volatile uint64_t sink;

/* One measurement: seconds for ops operations after filling pending. */
static double run(int v1, int pair, unsigned long pending, unsigned long ops)
{
    struct mcp_match_table t;
    struct v1_table o;
    mcp_match_init(&t);
    v1_init(&o);
    for (unsigned long i = 0; i < pending; i++) {
        if (v1)
            v1_add_request(&o, (uint8_t)i, MCP_CMD_READ, i);
        else
            mcp_match_add_request(&t, (uint8_t)i, MCP_CMD_READ, i);
    }
    uint64_t got = 0;
    double a = now_s();
    for (unsigned long k = 0; k < ops; k++) {
        uint8_t seq = (uint8_t)(pending + k);
        if (v1) {
            v1_add_request(&o, seq, pair ? MCP_CMD_WRITE : MCP_CMD_READ, k);
            if (pair)
                v1_response(&o, seq, MCP_CMD_WRITE_RSP, &got);
        } else {
            mcp_match_add_request(&t, seq, pair ? MCP_CMD_WRITE : MCP_CMD_READ, k);
            if (pair)
                mcp_match_response(&t, seq, MCP_CMD_WRITE_RSP, &got);
        }
    }
    double s = now_s() - a;
    sink += got + (v1 ? o.pending : t.pending);
    mcp_match_clear(&t);
    v1_clear(&o);
    return s;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    int rounds = 5;
    unsigned long ops = 2000000;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc) {
            rounds = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--ops") == 0 && i + 1 < argc) {
            ops = strtoul(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--only") == 0 && i + 3 < argc) {
            int v1 = strcmp(argv[i + 1], "v1") == 0;
            int pair = strcmp(argv[i + 2], "pair") == 0;
            unsigned long p = strtoul(argv[i + 3], NULL, 10);
            i += 3;
            if (i + 2 < argc && strcmp(argv[i + 1], "--ops") == 0)
                ops = strtoul(argv[i + 2], NULL, 10);
            run(v1, pair, p, ops);
            return 0;
        } else {
            fprintf(stderr, "usage: match_bench [--rounds N] [--ops N] | --only new|v1 "
                            "add|pair PENDING [--ops N]\n");
            return 2;
        }
    }
    if (rounds < 1 || rounds > 99)
        rounds = 5;
    printf("match table, ns per operation (median of %d alternated rounds, [min..max]), %lu ops\n",
           rounds, ops);
    printf("  %-34s %9s %-21s %9s %-21s %s\n", "operation", "v1", "", "new", "", "new/v1");
    const unsigned long pendings[] = {10, 1000, 100000};
    for (int pair = 1; pair >= 0; pair--) {
        for (size_t p = 0; p < 3; p++) {
            if (!pair && pendings[p] < 256 * MCP_MATCH_DEPTH)
                continue; /* add-only is steady only at the bound */
            double t[2][99];
            for (int r = 0; r < rounds; r++)
                for (int v1 = 1; v1 >= 0; v1--) /* A B A B */
                    t[v1][r] = run(v1, pair, pendings[p], ops) / (double)ops * 1e9;
            double med[2];
            char spread[2][32];
            for (int v1 = 0; v1 < 2; v1++) {
                qsort(t[v1], (size_t)rounds, sizeof(double), cmp);
                med[v1] = t[v1][rounds / 2];
                snprintf(spread[v1], sizeof spread[v1], "[%.1f..%.1f]", t[v1][0],
                         t[v1][rounds - 1]);
            }
            char what[64];
            snprintf(what, sizeof what, "%s at %lu pending",
                     pair ? "add + answer" : "add (never answered)", pendings[p]);
            printf("  %-34s %9.1f %-21s %9.1f %-21s %.2fx\n", what, med[1], spread[1], med[0],
                   spread[0], med[0] / med[1]);
        }
    }
    return 0;
}
