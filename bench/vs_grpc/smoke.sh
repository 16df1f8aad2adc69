#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ctest bench.vs_grpc.smoke: bench/vs_grpc.sh for about two seconds. Both
# protocols really run (closed loop at 1 and 100 clients, then open loop,
# 125 registers), and the table's figures and the last line must be there
# and positive. Not a measurement: the full run is bench/vs_grpc.sh alone.
#   bench/vs_grpc/smoke.sh BUILD_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(ROUNDS=1 SECONDS_PER_RUN=0.15 WARMUP=0.05 CLIENTS="1 100" REGISTERS=125 \
    "$here/../vs_grpc.sh" "$1")
echo "$out"
fail() {
    echo "smoke: $*" >&2
    exit 1
}
last=$(tail -1 <<<"$out")
[[ $last =~ ^mcp-udp/grpc\ req/s\ at\ 100\ clients,\ 125\ registers:\ ([0-9]+\.[0-9]+)$ ]] ||
    fail "last line is '$last'"
awk -v x="${BASH_REMATCH[1]}" 'BEGIN { exit !(x > 0) }' || fail "ratio ${BASH_REMATCH[1]}"
# Every table row (closed: 2 x 3, open: 3): requests/s and latencies above zero.
rows=$(grep -E '^ +125 +[0-9]+ (mcp-udp|mcp-tcp|grpc) ' <<<"$out")
[[ $(wc -l <<<"$rows") -eq 9 ]] || fail "expected 9 table rows, got: $rows"
awk '!($4 > 0 && $6 > 0 && $7 > 0 && $8 > 0) { print "smoke: not positive: " $0; bad = 1 }
     END { exit bad }' <<<"$rows" >&2 || exit 1
echo "smoke: ok"
