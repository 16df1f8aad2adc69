#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Extraction speed over a 1,000,000-frame UDP capture, a TCP one (mcpgen) and
# the UDP one as pcapng, each tool run ROUNDS times alternated (A B C D A B C D),
# medians [min..max] of wall-clock seconds, the load average quoted (the machine
# is shared):
#   A  capinfos -c              wiretap's read alone (the floor)
#   B  mcpreplay -n --duration 1e-6   the replay pipeline's extraction, listing one frame
#   C  mcpreplay -n             extraction and the whole schedule listing
#   D  tshark -r                with the mcp5a plugin
# Targets (issue 24): B within 2x of A; C - B (the listing) no more than B.
# Plain pcap files are read by mcpreplay's own pcap reader (replay/common/capread.c),
# pcapng through libwiretap: the pcapng line shows the pipeline over wiretap's read.
#   bench/mcpreplay_extract_bench.sh [BUILD_DIR] [FRAMES] [ROUNDS]
# Environment:
#   KINDS="udp tcp udp-pcapng"  which captures (default all three)
#   INSTR=N    also count instructions (valgrind's callgrind, deterministic, unlike the
#              wall clock on a shared machine) of A, B and C over N-frame captures
#              (100000 takes about a minute a kind); 0 (default): not counted
#   TSHARK=0   leave tshark out
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
n=${2:-1000000}
rounds=${3:-3}
kinds=${KINDS:-udp tcp udp-pcapng}
instr=${INSTR:-0}
with_tshark=${TSHARK:-1}
work=$(mktemp -d /tmp/mcp-extract-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod a+rx "$work"
export MCP5A_PLUGIN=$build/plugin/mcp5a.so
replay=$build/replay/mcpreplay/mcpreplay
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
timed() { # label cmd...: appends "label seconds maxrss_kb" to $work/times
    local label=$1
    shift
    /usr/bin/time -f "%e %M" -o "$work/m" "$@" >"$work/out"
    echo "$label $(cat "$work/m")" >>"$work/times"
}
capture() { # kind frames file: mcpgen's capture of that kind (udp-pcapng: udp, as pcapng)
    local t=${1%-pcapng}
    "$build/replay/mcpgen/mcpgen" -t "$t" -n "$2" --out "$3.pcap" --truth /dev/null >/dev/null
    if [ "$1" != "$t" ]; then
        editcap -F pcapng "$3.pcap" "$3"
        rm -f "$3.pcap"
    else
        mv "$3.pcap" "$3"
    fi
    chmod a+r "$3"
}
instructions() { # cmd...: instructions the command executes (callgrind), or "-"
    if valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" >/dev/null 2>"$work/cg"; then
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$work/cg" | tail -1
    else
        echo -
    fi
}
for t in $kinds; do
    cap=$work/$t.cap
    capture "$t" "$n" "$cap"
    : >"$work/times"
    for _ in $(seq "$rounds"); do
        timed capinfos capinfos -c "$cap"
        timed extract "$replay" -q -n --from all --duration 0.000001 "$cap"
        timed listing "$replay" -q -n --from all "$cap"
        frames=$(grep -E '^[0-9]+ frames, ' "$work/out" | tail -1 | awk '{print $1}')
        if [ "$with_tshark" != 0 ]; then
            timed tshark "$here/../test/tshark-unpriv.sh" -r "$cap"
        fi
    done
    echo "$t: $frames frames, median of $rounds alternated rounds [min..max], load average $(cut -d' ' -f1-3 /proc/loadavg)"
    awk -v f="$frames" -v kind="$t" '
        { t[$1] = t[$1] " " $2; kb[$1] = $3 > kb[$1] ? $3 : kb[$1] }
        function med(s,   a, n, i, j, x) {
            n = split(s, a, " ")
            for (i = 2; i <= n; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
            lo = a[1]; hi = a[n]
            return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
        }
        END {
            split("capinfos extract listing tshark", order, " ")
            label["capinfos"] = "A capinfos -c (wiretap read alone)"
            label["extract"] = "B mcpreplay -n --duration 1e-6 (extraction)"
            label["listing"] = "C mcpreplay -n (extraction + listing)"
            label["tshark"] = "D tshark -r"
            for (i = 1; i <= 4; i++) { k = order[i]; if (!(k in t)) continue; m[k] = med(t[k]); l[k] = lo; h[k] = hi }
            for (i = 1; i <= 4; i++) {
                k = order[i]
                if (!(k in t)) continue
                printf "  %-46s %6.2f s [%.2f..%.2f] %10.0f frames/s %7.1f MiB", label[k], m[k], l[k], h[k], f / m[k], kb[k] / 1024
                if (k == "extract") printf "  %.2fx capinfos", m[k] / m["capinfos"]
                if (k == "listing") printf "  listing %.2f s = %.2fx the extraction", m[k] - m["extract"], (m[k] - m["extract"]) / m["extract"]
                if (k == "tshark") printf "  %.1fx mcpreplay -n", m[k] / m["listing"]
                printf "\n"
            }
            printf "  %s wall clock: extraction = %.2fx wiretap (target <= 2), listing = %.2fx the extraction (target <= 1)\n", kind, m["extract"] / m["capinfos"], (m["listing"] - m["extract"]) / m["extract"]
        }' "$work/times"
    if [ "$instr" != 0 ]; then
        small=$work/$t.small.cap
        capture "$t" "$instr" "$small"
        a=$(instructions capinfos -c "$small")
        b=$(instructions "$replay" -q -n --from all --duration 0.000001 "$small")
        c=$(instructions "$replay" -q -n --from all "$small")
        awk -v a="$a" -v b="$b" -v c="$c" -v n="$instr" -v kind="$t" 'BEGIN {
            if (a == "-" || b == "-" || c == "-") { printf "  %s instructions: callgrind failed\n", kind; exit }
            printf "  %s instructions over %d frames (callgrind): A %.0f, B %.0f, C %.0f: extraction = %.2fx wiretap, listing = %.2fx the extraction\n", kind, n, a, b, c, b / a, (c - b) / b
        }'
        rm -f "$small"
    fi
    rm -f "$cap"
done
