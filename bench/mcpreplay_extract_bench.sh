#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Extraction speed: frames/s of `mcpreplay --dry-run --from all` over a
# 1,000,000-frame UDP capture and a TCP one (mcpgen), beside `tshark -r` of the
# same files with the mcp5a plugin (target: >= 10x tshark's rate), and the peak
# RSS of each. One run, wall-clock seconds; the machine is shared: say so.
#   bench/mcpreplay_extract_bench.sh [BUILD_DIR] [FRAMES]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
n=${2:-1000000}
work=$(mktemp -d /tmp/mcp-extract-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod a+rx "$work"
export MCP5A_PLUGIN=$build/plugin/mcp5a.so
for t in udp tcp; do
    cap=$work/$t.pcap
    "$build/replay/mcpgen/mcpgen" -t $t -n "$n" --out "$cap" --truth /dev/null >/dev/null
    chmod a+r "$cap"
    /usr/bin/time -f "%e %M" -o "$work/m" "$build/replay/mcpreplay/mcpreplay" -q -n --from all \
        "$cap" >"$work/out"
    frames=$(tail -1 "$work/out" | awk '{print $1}')
    read -r ms mkb <"$work/m"
    /usr/bin/time -f "%e %M" -o "$work/t" "$here/../test/tshark-unpriv.sh" -r "$cap" >/dev/null
    read -r ts tkb <"$work/t"
    awk -v t=$t -v f="$frames" -v ms="$ms" -v ts="$ts" -v mkb="$mkb" -v tkb="$tkb" 'BEGIN {
        printf "%s: %d frames; mcpreplay -n %.2f s = %.0f frames/s (%.1f MiB); tshark -r %.2f s = %.0f frames/s (%.1f MiB); ratio %.1fx\n",
               t, f, ms, f / ms, mkb / 1024, ts, f / ts, tkb / 1024, ts / ms }'
done
