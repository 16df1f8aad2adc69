#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Match table per-request cost (issue 24): wall-clock ns/op from match_bench
# (A B A B, medians and spread, new against the pre-issue-24 table), then
# instructions per op from callgrind, which the load on a shared machine does
# not change: Ir(2N ops) - Ir(N ops), over N, so the filling is not counted.
#   bench/match_bench.sh [BUILD_DIR] [ROUNDS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
rounds=${2:-5}
prog=$build/bench/match_bench
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
"$prog" --rounds "$rounds"
command -v valgrind >/dev/null || { echo "(instruction counts skipped: no valgrind)"; exit 0; }
ir() { # impl mode pending ops
    local out
    out=$(mktemp)
    valgrind --tool=callgrind --callgrind-out-file="$out" "$prog" --only "$1" "$2" "$3" --ops "$4" \
        >/dev/null 2>&1
    callgrind_annotate "$out" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}'
    rm -f "$out"
}
n=100000
echo "instructions per operation (callgrind, (Ir(2N) - Ir(N)) / N, N = $n)"
printf "  %-34s %9s %9s %s\n" operation v1 new new/v1
for mode in pair add; do
    for p in 10 1000 100000; do
        [ "$mode" = add ] && [ "$p" -lt 16384 ] && continue
        declare -A per
        for impl in v1 new; do
            a=$(ir $impl $mode $p $n)
            b=$(ir $impl $mode $p $((2 * n)))
            per[$impl]=$(( (b - a) / n ))
        done
        label="add + answer at $p pending"
        [ "$mode" = add ] && label="add (never answered) at $p pending"
        awk -v l="$label" -v o="${per[v1]}" -v w="${per[new]}" \
            'BEGIN { printf "  %-34s %9d %9d %.2fx\n", l, o, w, w / o }'
    done
done
