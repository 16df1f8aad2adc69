#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The mcp5a plugin's per-frame cost in instructions (valgrind --tool=callgrind
# counts the same on a busy machine), over tshark's own start-up cost:
#   per-frame(X) = (Ir(X on the capture) - Ir(X on its first frame)) / (frames - 1)
# for X = the plugin, and X = the "data" dissector on the same port
# (-d udp.port==23130,data, MCP heuristics off). Prints per-frame counts and
# their ratio for plain output, -2 and -V, with the commands run.
#
#   bench/plugin_instr.sh PLUGIN.so [FRAMES] [CAPTURE]
#
# Without CAPTURE, mcpgen (MCPGEN, or found in a build dir) writes a FRAMES
# (default 50,000) frame UDP capture. Target (issue 13): plain <= 1.10x.
set -euo pipefail
export MCP5A_PLUGIN=${1:?usage: plugin_instr.sh PLUGIN.so [FRAMES] [CAPTURE]}
frames=${2:-50000}
. "$(dirname "$0")/plugin_common.sh"
bench_work mcp5a-instr a+rwx
bench_capture "${3:-}" --transport udp --masters 4 --limit "$frames" --seed 7 >/dev/null
editcap -r "$work/bench.pcap" "$work/first.pcap" 1
chmod a+r "$work"/*.pcap
n=$packets
echo "capture: $n packets (mcpgen --transport udp --masters 4 --limit $frames --seed 7)"

data=(-d udp.port==23130,data --disable-heuristic mcp5a_udp)
printf '%-8s %14s %14s %7s\n' mode "plugin/frame" "data/frame" ratio
for mode in plain two-pass verbose; do
    case $mode in
    plain) args=() ;;
    two-pass) args=(-2) ;;
    verbose) args=(-V) ;;
    esac
    p_all=$(instr "$work/p.out" "$work/bench.pcap" "${args[@]}")
    p_one=$(instr "$work/p1.out" "$work/first.pcap" "${args[@]}")
    d_all=$(instr "$work/d.out" "$work/bench.pcap" "${args[@]}" "${data[@]}")
    d_one=$(instr "$work/d1.out" "$work/first.pcap" "${args[@]}" "${data[@]}")
    awk -v pa="$p_all" -v p1="$p_one" -v da="$d_all" -v d1="$d_one" -v n="$n" -v m="$mode" \
        'BEGIN { p = (pa - p1) / (n - 1); d = (da - d1) / (n - 1);
                 printf "%-8s %14.0f %14.0f %7.3f\n", m, p, d, p / d }'
    echo "  commands: valgrind --tool=callgrind tshark -n -r CAPTURE ${args[*]}" \
        "[${data[*]}] (and on its first frame alone)"
done
