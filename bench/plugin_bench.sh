#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The mcp5a plugin's cost in tshark: a 1,000,000-frame UDP capture (32
# masters, requests and answers, a few faults) dissected with the plugin and,
# in the same run, without it (--disable-protocol mcp5a --disable-heuristic
# mcp5a_udp: eth/ip/udp are still dissected). Prints time ratios for plain
# output, for -Y mcp5a.analysis.gap and for -2, and the peak-RSS ratio
# (/usr/bin/time -v). Targets: <= 1.15x time, <= 1.20x peak RSS.
#
#   bench/plugin_bench.sh PLUGIN.so [CAPTURE]
#
# Without CAPTURE, mcpgen (MCPGEN, or found in a build dir) writes one.
set -euo pipefail
export MCP5A_PLUGIN=${1:?usage: plugin_bench.sh PLUGIN.so [CAPTURE]}
. "$(dirname "$0")/plugin_common.sh"
bench_work mcp5a-bench a+rx
bench_capture "${2:-}" --transport udp --masters 32 --limit 1000000 --seed 7 \
    --corrupt-crc 0.001 --drop 0.001
echo "capture: $packets frames"

without=(--disable-protocol mcp5a --disable-heuristic mcp5a_udp)
# measure LABEL ARGS...: prints "seconds peak_kb" of one tshark run.
measure() {
    /usr/bin/time -v -o "$work/time.txt" "$runner" -n -r "$work/bench.pcap" "$@" >/dev/null 2>&1
    local wall rss
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2, a, ":"); s=0;
        for (i = 1; i <= n; i++) s = s * 60 + a[i]; print s}' "$work/time.txt")
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
    echo "$wall $rss"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

printf '%-28s %10s %10s %7s %12s %12s %7s\n' case "with(s)" "without(s)" ratio \
    "with(KB)" "without(KB)" "RSS"
# The last case is informative only: the baseline hands port 23130 to the
# "data" dissector, so the UDP heuristics (which the plain baseline tries on
# every datagram MCP no longer claims) are not run either.
for case in plain gap two-pass plain-vs-data; do
    base=("${without[@]}")
    case $case in
    plain) args=() ;;
    gap) args=(-Y mcp5a.analysis.gap) ;;
    two-pass) args=(-2) ;;
    plain-vs-data) args=() base=(-d udp.port==23130,data --disable-heuristic mcp5a_udp) ;;
    esac
    read -r tw rw < <(measure "${args[@]}")
    read -r tb rb < <(measure "${args[@]}" "${base[@]}")
    printf '%-28s %10s %10s %7s %12s %12s %7s\n' "$case" "$tw" "$tb" "$(ratio "$tw" "$tb")" \
        "$rw" "$rb" "$(ratio "$rw" "$rb")"
done
