#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mcpsim (MCP over UDP and TCP) against a gRPC server doing the same READ work
# (bench/vs_grpc/), side by side in one run. Needs a build with
# -DMCP_BENCH_GRPC=ON.
#
#   bench/vs_grpc.sh [BUILD_DIR]      (default: build)
#   env: ROUNDS=3 SECONDS_PER_RUN=2 WARMUP=0.5 CLIENTS="1 10 100 1000"
#        REGISTERS="1 125" OPEN_CLIENTS= SIM_CPU=0 GEN_CPU=1
#
# Both servers start once and stay up (idle while the other is measured),
# pinned to SIM_CPU: mcpsim (--cpu, one thread) and grpc_server (taskset: one
# completion queue and poller for the one core). The load generators,
# mcp_loadgen and grpc_loadgen, run pinned to GEN_CPU. Each READ is of
# REGISTERS registers at 0x10 of device 1 (both servers: --seed 1, the same
# values).
#
# Closed loop: CLIENTS clients (sockets; gRPC: channels, one HTTP/2
# connection each) with one request outstanding each. Every cell runs
# mcp-udp, mcp-tcp, grpc in turn, and the rounds repeat that order
# (A B C A B C ...). Figures are medians over the rounds, with the min..max of
# requests/s; srv_us is the server's CPU time (user + system, all its
# threads) per answered request, the figure a busy machine disturbs least;
# gen_us the load generator's (/usr/bin/time), to see which side is the
# bottleneck.
#
# Open loop: then, for each register count, a fixed rate of half the lowest
# of the protocols' closed-loop peaks (the best median over CLIENTS), over as
# many clients as that peak had (or OPEN_CLIENTS), so that the slowest
# protocol runs at half its capacity; latency runs from each request's due
# time (no coordinated omission). Same alternation and rounds.
#
# Last line: "mcp-udp/grpc req/s at 100 clients, 125 registers: X.XX" (the
# ratio of the medians; "n/a" when that cell was not run).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
sim=$build/replay/mcpsim/mcpsim
gen=$build/bench/mcp_loadgen
gsrv=$build/bench/vs_grpc/grpc_server
ggen=$build/bench/vs_grpc/grpc_loadgen
for exe in "$sim" "$gen" "$gsrv" "$ggen"; do
    [[ -x $exe ]] || {
        echo "vs_grpc: $exe not built (cmake -DMCP_BENCH_GRPC=ON, then build)" >&2
        exit 2
    }
done
rounds=${ROUNDS:-3}
secs=${SECONDS_PER_RUN:-2}
warmup=${WARMUP:-0.5}
read -r -a clients <<<"${CLIENTS:-1 10 100 1000}"
read -r -a registers <<<"${REGISTERS:-1 125}"
sim_cpu=${SIM_CPU:-0}
gen_cpu=${GEN_CPU:-1}
protos=(mcp-udp mcp-tcp grpc)

tmp=$(mktemp -d)
sim_pid=''
gsrv_pid=''
cleanup() {
    for p in $sim_pid $gsrv_pid; do
        if kill "$p" 2>/dev/null; then wait "$p" 2>/dev/null || true; fi
    done
    rm -rf "$tmp"
}
trap cleanup EXIT

# wait_for FILE PATTERN COUNT: the server's listening lines (at most 10 s).
wait_for() {
    for _ in $(seq 100); do
        [[ $(grep -c "$2" "$1" || true) -ge $3 ]] && return 0
        sleep 0.1
    done
    echo "vs_grpc: server did not start: $(cat "$1" "$1.err")" >&2
    exit 3
}
"$sim" --listen udp://127.0.0.1:0 --listen tcp://127.0.0.1:0 --cpu "$sim_cpu" --seed 1 \
    --max-tcp-clients 4096 >"$tmp/sim.out" 2>"$tmp/sim.out.err" &
sim_pid=$!
taskset -c "$sim_cpu" "$gsrv" --listen 127.0.0.1:0 --seed 1 >"$tmp/gsrv.out" \
    2>"$tmp/gsrv.out.err" &
gsrv_pid=$!
wait_for "$tmp/sim.out" '^listening' 2
wait_for "$tmp/gsrv.out" '^listening grpc://' 1
udp_url=$(grep -m1 '^listening udp://' "$tmp/sim.out" | cut -d' ' -f2)
tcp_url=$(grep -m1 '^listening tcp://' "$tmp/sim.out" | cut -d' ' -f2)
grpc_addr=$(grep -m1 '^listening grpc://' "$tmp/gsrv.out" | cut -d' ' -f2 | sed 's|^grpc://||')

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# timed CMD...: runs it, then appends its CPU seconds (user + system) to $out
timed() {
    local rc=0
    /usr/bin/time -f 'gen_cpu_s=%U %S' -o "$out.time" "$@" || rc=$?
    awk '/^gen_cpu_s=/ { sub("gen_cpu_s=", ""); printf "gen_cpu_s=%.2f\n", $1 + $2 }' \
        "$out.time" >>"$out.gen"
    rm -f "$out.time"
    return $rc
}

# run PROTO REGS CLIENTS OUT [RATE]: one load run, its line in OUT with the
# server's CPU ticks appended.
run() {
    local proto=$1 regs=$2 n=$3 out=$4 rate=${5:-} pid extra=()
    [[ -n $rate ]] && extra=(--rate "$rate")
    if [[ $proto == grpc ]]; then pid=$gsrv_pid; else pid=$sim_pid; fi
    local c0
    c0=$(cpu_ticks "$pid")
    case $proto in
    mcp-udp | mcp-tcp)
        local url=$udp_url
        [[ $proto == mcp-tcp ]] && url=$tcp_url
        timed taskset -c "$gen_cpu" "$gen" --target "$url" --connections "$n" --window 1 \
            --count "$regs" --seconds "$secs" --warmup "$warmup" "${extra[@]}" >"$out" || true
        ;;
    grpc)
        timed taskset -c "$gen_cpu" "$ggen" --target "$grpc_addr" --clients "$n" --count "$regs" \
            --seconds "$secs" --warmup "$warmup" "${extra[@]}" >"$out" || true
        ;;
    esac
    local line
    line=$(head -1 "$out")
    if [[ -z $line || $(field answered "$line") == 0 || $(field not_ok "$line") != 0 ]]; then
        echo "vs_grpc: $proto, $regs registers, $n clients${rate:+, rate $rate}: bad run: '$line'" >&2
        exit 4
    fi
    echo "cpu_ticks=$(($(cpu_ticks "$pid") - c0))" >>"$out"
    cat "$out.gen" >>"$out"
    rm -f "$out.gen"
}

field() { sed -n "s/.*\b$1=\([0-9.]*\).*/\1/p" <<<"$2" | head -1; }
median() { sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
minmax() { sort -g | awk 'NR==1{lo=$1} {hi=$1} END {printf "%.0f..%.0f", lo, hi}'; }
# values PREFIX FIELD: FIELD of every round's PREFIX.R file
values() { for r in $(seq "$rounds"); do field "$2" "$(cat "$1.$r")"; done; }
# srv_us PREFIX: median server CPU microseconds per answered request (the
# warm-up's requests counted at the measured rate)
srv_us() {
    for r in $(seq "$rounds"); do
        awk -v t="$(field cpu_ticks "$(cat "$1.$r")")" -v rate="$(field rate "$(cat "$1.$r")")" \
            -v hz="$(getconf CLK_TCK)" -v s="$secs" -v w="$warmup" \
            'BEGIN { print (rate > 0 ? t / hz * 1e6 / (rate * (s + w)) : 0) }'
    done | median
}
# gen_us PREFIX: the same for the load generator (its whole run: connecting
# included, which weighs with 1,000 gRPC channels)
gen_us() {
    for r in $(seq "$rounds"); do
        awk -v c="$(field gen_cpu_s "$(cat "$1.$r")")" -v rate="$(field rate "$(cat "$1.$r")")" \
            -v s="$secs" -v w="$warmup" 'BEGIN { print (rate > 0 ? c * 1e6 / (rate * (s + w)) : 0) }'
    done | median
}
# row PREFIX LABEL...: one table line
row() {
    local p=$1
    shift
    printf '%4s %7s %-8s %10.0f %17s %9.1f %9.1f %9.1f %7.2f %7.2f' "$@" \
        "$(values "$p" rate | median)" "$(values "$p" rate | minmax)" \
        "$(values "$p" p50_us | median)" "$(values "$p" p99_us | median)" \
        "$(values "$p" p999_us | median)" "$(srv_us "$p")" "$(gen_us "$p")"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

load0=$(cut -d' ' -f1-3 /proc/loadavg)
for r in $(seq "$rounds"); do
    for regs in "${registers[@]}"; do
        for n in "${clients[@]}"; do
            for p in "${protos[@]}"; do
                run "$p" "$regs" "$n" "$tmp/cl.$p.$regs.$n.$r"
            done
        done
    done
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)

echo "closed loop: $rounds rounds x ${secs}s (+${warmup}s warm-up) per cell, alternated" \
    "${protos[*]}; servers on CPU $sim_cpu, load generators on CPU $gen_cpu; medians;" \
    "load average before $load0, after $load1"
printf '%4s %7s %-8s %10s %17s %9s %9s %9s %7s %7s %8s\n' regs clients protocol req/s \
    min..max p50_us p99_us p99.9_us srv_us gen_us x_grpc
for regs in "${registers[@]}"; do
    for n in "${clients[@]}"; do
        g=$(values "$tmp/cl.grpc.$regs.$n" rate | median)
        for p in "${protos[@]}"; do
            row "$tmp/cl.$p.$regs.$n" "$regs" "$n" "$p"
            printf ' %8s\n' "$(ratio "$(values "$tmp/cl.$p.$regs.$n" rate | median)" "$g")"
        done
    done
done

# The open-loop rate per register count: half the lowest protocol peak.
declare -A open_rate open_clients
for regs in "${registers[@]}"; do
    low=
    for p in "${protos[@]}"; do
        # "RATE CLIENTS" of this protocol's best cell
        peak=$(for n in "${clients[@]}"; do
            echo "$(values "$tmp/cl.$p.$regs.$n" rate | median) $n"
        done | sort -g | tail -1)
        if [[ -z $low ]] || awk -v a="${peak% *}" -v b="${low% *}" 'BEGIN { exit !(a < b) }'; then
            low=$peak
        fi
    done
    open_rate[$regs]=$(awk -v l="${low% *}" 'BEGIN { printf "%.0f", l / 2 }')
    open_clients[$regs]=${OPEN_CLIENTS:-${low#* }}
done
load2=$(cut -d' ' -f1-3 /proc/loadavg)
for r in $(seq "$rounds"); do
    for regs in "${registers[@]}"; do
        for p in "${protos[@]}"; do
            run "$p" "$regs" "${open_clients[$regs]}" "$tmp/op.$p.$regs.$r" "${open_rate[$regs]}"
        done
    done
done
load3=$(cut -d' ' -f1-3 /proc/loadavg)
echo
echo "open loop: a fixed rate, half the lowest closed-loop peak above, over as many clients" \
    "as that peak had; latency from each request's due time; $rounds rounds x ${secs}s" \
    "alternated; medians; load average before $load2, after $load3"
printf '%4s %7s %-8s %10s %17s %9s %9s %9s %7s %7s %8s\n' regs clients protocol req/s \
    min..max p50_us p99_us p99.9_us srv_us gen_us lost
for regs in "${registers[@]}"; do
    for p in "${protos[@]}"; do
        row "$tmp/op.$p.$regs" "$regs" "${open_clients[$regs]}" "$p"
        printf ' %8.0f   rate %s\n' "$(values "$tmp/op.$p.$regs" lost | median)" "${open_rate[$regs]}"
    done
done
echo "raw runs:"
for f in "$tmp"/cl.* "$tmp"/op.*; do
    echo "  $(basename "$f"): $(tr '\n' ' ' <"$f")"
done
if [[ -e $tmp/cl.grpc.125.100.1 ]]; then
    x=$(ratio "$(values "$tmp/cl.mcp-udp.125.100" rate | median)" \
        "$(values "$tmp/cl.grpc.125.100" rate | median)")
else
    x=n/a
fi
echo "mcp-udp/grpc req/s at 100 clients, 125 registers: $x"
