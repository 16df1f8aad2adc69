#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tshark's peak RSS on a capture where every request comes from a new UDP
# source port (bench/newport_cap.py: PAIRS request/response pairs, each its
# own conversation), with the mcp5a plugin BEFORE and AFTER a change, one pass
# and -2, and without the plugin (--disable-protocol mcp5a --disable-heuristic
# mcp5a_udp) for what tshark itself keeps. Prints peak RSS (KB, GNU time's
# "Maximum resident set size"), AFTER/BEFORE, and the plugin's share per pair
# ((RSS - RSS without) / PAIRS, bytes).
#
#   bench/plugin_conv_memory.sh BEFORE.so AFTER.so [PAIRS]     (PAIRS default 100000)
#
# Each run is: /usr/bin/time -v test/tshark-unpriv.sh -n -r CAPTURE [-2] >/dev/null
# (MCP5A_PLUGIN=BEFORE.so or AFTER.so).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
before=$(realpath "${1:?usage: plugin_conv_memory.sh BEFORE.so AFTER.so [PAIRS]}")
after=$(realpath "${2:?usage: plugin_conv_memory.sh BEFORE.so AFTER.so [PAIRS]}")
pairs=${3:-100000}
runner="$root/test/tshark-unpriv.sh"
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install time)" >&2; exit 77; }
work=$(mktemp -d /tmp/mcp5a-convmem.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod a+rx "$work"
python3 "$root/bench/newport_cap.py" "$pairs" "$work/newport.pcap"
chmod a+r "$work/newport.pcap"
echo "capture: $pairs request/response pairs, each from a new UDP source port (bench/newport_cap.py)"

# rss PLUGIN ARGS...: peak RSS (KB) of one tshark run.
rss() {
    local plugin=$1
    shift
    MCP5A_PLUGIN=$plugin /usr/bin/time -v -o "$work/time.txt" "$runner" -n \
        -r "$work/newport.pcap" "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; return 1; }
    awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt"
}
printf '%-9s %12s %12s %12s %7s %14s %14s\n' mode "without(KB)" "before(KB)" "after(KB)" \
    ratio "before(B/pair)" "after(B/pair)"
for mode in one-pass two-pass; do
    case $mode in
    one-pass) args=() ;;
    two-pass) args=(-2) ;;
    esac
    n=$(rss "$after" "${args[@]}" --disable-protocol mcp5a --disable-heuristic mcp5a_udp)
    b=$(rss "$before" "${args[@]}")
    a=$(rss "$after" "${args[@]}")
    awk -v m="$mode" -v n="$n" -v b="$b" -v a="$a" -v p="$pairs" \
        'BEGIN { printf "%-9s %12d %12d %12d %7.3f %14.0f %14.0f\n", m, n, b, a, a / b,
                 (b - n) * 1024 / p, (a - n) * 1024 / p }'
done
