#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What a register map costs the mcp5a plugin, in instructions a frame
# (callgrind, as bench/plugin_instr.sh): with a 1,000-item map
# (bench/regmap_bench_map.py, every device, an item every 4 registers),
#   plain:  tshark -r CAPTURE with the map            vs  the data dissector (target <= 1.10x)
#   fields: -T fields -e mcp5a.reg.NAME with the map  vs  -T fields -e mcp5a.value (target <= 1.25x)
#
#   bench/plugin_regmap_instr.sh PLUGIN.so [FRAMES] [ITEMS]
set -euo pipefail
export MCP5A_PLUGIN=${1:?usage: plugin_regmap_instr.sh PLUGIN.so [FRAMES] [ITEMS]}
frames=${2:-20000}
items=${3:-1000}
. "$(dirname "$0")/plugin_common.sh"
bench_work mcp5a-regmap-instr a+rwx
bench_capture "" --transport udp --masters 4 --limit "$frames" --seed 7 >/dev/null
editcap -r "$work/bench.pcap" "$work/first.pcap" 1
chmod a+r "$work"/*.pcap
python3 "$root/bench/regmap_bench_map.py" "$work/map.csv" "$items"
chmod a+r "$work/map.csv"
map=(-o "mcp5a.register_map:$work/map.csv")
echo "capture: $packets packets (mcpgen --transport udp --masters 4 --limit $frames --seed 7)"
echo "map: $items items for every device (bench/regmap_bench_map.py)"

# cost NAME ARGS...: per-frame instructions of tshark ARGS over the capture.
cost() {
    local all one
    all=$(instr "$work/all.out" "$work/bench.pcap" "$@") || exit 1
    one=$(instr "$work/one.out" "$work/first.pcap" "$@") || exit 1
    per_frame "$all" "$one"
}
data=(-d udp.port==23130,data --disable-heuristic mcp5a_udp)
printf '%-8s %14s %14s %7s  %s\n' mode "measured" "baseline" ratio target
p=$(cost "${map[@]}") || exit 1
d=$(cost "${data[@]}") || exit 1
awk -v p="$p" -v d="$d" 'BEGIN { printf "%-8s %14.0f %14.0f %7.3f  <= 1.10\n", "plain", p, d, p / d }'
echo "  measured: tshark -n -r CAPTURE -o mcp5a.register_map:MAP; baseline: tshark -n -r CAPTURE ${data[*]}"
r=$(cost "${map[@]}" -T fields -e mcp5a.reg.v00001) || exit 1
v=$(cost "${map[@]}" -T fields -e mcp5a.value) || exit 1
awk -v p="$r" -v d="$v" 'BEGIN { printf "%-8s %14.0f %14.0f %7.3f  <= 1.25\n", "fields", p, d, p / d }'
echo "  measured: ... -T fields -e mcp5a.reg.v00001; baseline: ... -T fields -e mcp5a.value (both with the map)"
