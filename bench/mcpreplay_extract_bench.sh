#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Extraction speed over a 1,000,000-frame UDP capture and a TCP one (mcpgen),
# each tool run ROUNDS times alternated (A B C D A B C D), medians [min..max]
# of wall-clock seconds, the load average quoted (the machine is shared):
#   A  capinfos -c              wiretap's read alone (the floor)
#   B  mcpreplay -n --duration 1e-6   the replay pipeline's extraction, listing one frame
#   C  mcpreplay -n             extraction and the whole schedule listing
#   D  tshark -r                with the mcp5a plugin
# Targets (issue 24): B within 2x of A; C - B (the listing) no more than B.
#   bench/mcpreplay_extract_bench.sh [BUILD_DIR] [FRAMES] [ROUNDS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
n=${2:-1000000}
rounds=${3:-3}
work=$(mktemp -d /tmp/mcp-extract-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod a+rx "$work"
export MCP5A_PLUGIN=$build/plugin/mcp5a.so
replay=$build/replay/mcpreplay/mcpreplay
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
timed() { # label cmd...: appends "label seconds maxrss_kb" to $work/times
    local label=$1
    shift
    /usr/bin/time -f "%e %M" -o "$work/m" "$@" >"$work/out"
    echo "$label $(cat "$work/m")" >>"$work/times"
}
for t in udp tcp; do
    cap=$work/$t.pcap
    "$build/replay/mcpgen/mcpgen" -t $t -n "$n" --out "$cap" --truth /dev/null >/dev/null
    chmod a+r "$cap"
    : >"$work/times"
    for _ in $(seq "$rounds"); do
        timed capinfos capinfos -c "$cap"
        timed extract "$replay" -q -n --from all --duration 0.000001 "$cap"
        timed listing "$replay" -q -n --from all "$cap"
        frames=$(tail -1 "$work/out" | awk '{print $1}')
        timed tshark "$here/../test/tshark-unpriv.sh" -r "$cap"
    done
    echo "$t: $frames frames, median of $rounds alternated rounds [min..max], load average $(cut -d' ' -f1-3 /proc/loadavg)"
    awk -v f="$frames" '
        { t[$1] = t[$1] " " $2; kb[$1] = $3 > kb[$1] ? $3 : kb[$1] }
        function med(s,   a, n, i, j, x) {
            n = split(s, a, " ")
            for (i = 2; i <= n; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
            lo = a[1]; hi = a[n]
            return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
        }
        END {
            split("capinfos extract listing tshark", order, " ")
            label["capinfos"] = "capinfos -c (wiretap read alone)"
            label["extract"] = "mcpreplay -n --duration 1e-6 (extraction)"
            label["listing"] = "mcpreplay -n (extraction + listing)"
            label["tshark"] = "tshark -r"
            for (i = 1; i <= 4; i++) { k = order[i]; m[k] = med(t[k]); l[k] = lo; h[k] = hi }
            for (i = 1; i <= 4; i++) {
                k = order[i]
                printf "  %-44s %6.2f s [%.2f..%.2f] %10.0f frames/s %7.1f MiB", label[k], m[k], l[k], h[k], f / m[k], kb[k] / 1024
                if (k == "extract") printf "  %.1fx capinfos", m[k] / m["capinfos"]
                if (k == "listing") printf "  listing %.2f s = %.2fx the extraction", m[k] - m["extract"], (m[k] - m["extract"]) / m["extract"]
                if (k == "tshark") printf "  %.1fx mcpreplay -n", m[k] / m["listing"]
                printf "\n"
            }
        }' "$work/times"
done
