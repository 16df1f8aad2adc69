#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mcpgen throughput: frames per second writing N frames (default 1,000,000)
# per transport, with and without the answer key, against baselines measured
# in the same run on the same files:
#   dd       writing the same number of bytes (bs=64k) - raw file output
#   tcpdump  libpcap reading the generated capture and writing it again
#            ("the pcap without the generator logic")
# Each figure is the median of 3 runs.
#   MCPGEN=build/replay/mcpgen/mcpgen bench/mcpgen_bench.sh [FRAMES]
set -euo pipefail
mcpgen=${MCPGEN:-mcpgen}
frames=${1:-1000000}
work=$(mktemp -d /tmp/mcpgen-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

# median wall time in seconds of running "$@" three times
median3() {
    local t=()
    for _ in 1 2 3; do
        local a b
        a=$(date +%s.%N)
        "$@" >/dev/null 2>&1
        b=$(date +%s.%N)
        t+=("$(awk -v a="$a" -v b="$b" 'BEGIN {print b - a}')")
    done
    printf '%s\n' "${t[@]}" | sort -g | sed -n 2p
}

printf '%-8s %10s %9s %12s %9s %9s %11s %11s\n' transport bytes "gen s" "frames/s" \
    "nokey s" "dd s" "gen/dd" "gen/tcpdump"
for t in udp tcp serial; do
    args=(-t "$t" --frames "$frames" --rate 20000 --seed 1 --out "$work/$t.pcap")
    gen=$(median3 "$mcpgen" "${args[@]}" --truth "$work/$t.jsonl")
    nokey=$(median3 "$mcpgen" "${args[@]}")
    bytes=$(stat -c %s "$work/$t.pcap")
    n=$(head -c 300 "$work/$t.jsonl" | sed -E 's/.*"frames":([0-9]+).*/\1/')
    blocks=$(((bytes + 65535) / 65536))
    dd_s=$(median3 dd if=/dev/zero of="$work/dd.bin" bs=64k count="$blocks" conv=fsync)
    copy_s=$(median3 tcpdump -r "$work/$t.pcap" -w "$work/copy.pcap")
    awk -v t="$t" -v bytes="$bytes" -v n="$n" -v gen="$gen" -v nokey="$nokey" -v dd="$dd_s" \
        -v copy="$copy_s" 'BEGIN {
            printf "%-8s %10d %9.3f %12.0f %9.3f %9.3f %10.1fx %10.1fx\n", t, bytes, gen,
                n / gen, nokey, dd, gen / dd, gen / copy }'
done
echo "gen: mcpgen with --truth (includes the library cross-check); nokey: without --truth"
echo "gen/dd, gen/tcpdump: how many times longer mcpgen takes than the baseline"
