#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mcpsim throughput and latency over UDP and TCP loopback, beside the loopback
# echo ceiling measured in the same run with the same load generator.
#
#   bench/mcpsim_bench.sh [BUILD_DIR]      (default: build)
#   env: ROUNDS=3 SECONDS_PER_RUN=3 CONNECTIONS=4 WINDOW=16 SIM_CPU=0 GEN_CPU=1
#
# Each round runs the echo server and then mcpsim, both pinned to SIM_CPU,
# with mcp_loadgen pinned to GEN_CPU keeping CONNECTIONS x WINDOW READ
# requests in flight. Figures are medians over the rounds; the ratio is
# mcpsim / echo. Target: >= 200,000 requests/s over UDP with p99 < 1 ms.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
sim=$build/replay/mcpsim/mcpsim
gen=$build/bench/mcp_loadgen
echo_srv=$build/bench/udp_echo
for exe in "$sim" "$gen" "$echo_srv"; do
    [[ -x $exe ]] || { echo "mcpsim_bench: $exe not built (make mcpsim mcp_loadgen udp_echo)" >&2; exit 2; }
done
rounds=${ROUNDS:-3}
secs=${SECONDS_PER_RUN:-3}
conns=${CONNECTIONS:-4}
window=${WINDOW:-16}
sim_cpu=${SIM_CPU:-0}
gen_cpu=${GEN_CPU:-1}

tmp=$(mktemp -d)
server_pid=
cleanup() {
    [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT

# start_server CMD... : starts it, waits (at most 5 s) for both listening lines.
start_server() {
    "$@" >"$tmp/server.out" 2>"$tmp/server.err" &
    server_pid=$!
    for _ in $(seq 50); do
        [[ $(grep -c '^listening' "$tmp/server.out" || true) -ge 2 ]] && return 0
        sleep 0.1
    done
    echo "mcpsim_bench: server did not start: $(cat "$tmp/server.err")" >&2
    exit 3
}

stop_server() {
    kill "$server_pid"
    wait "$server_pid" || true
    server_pid=
}

url() { grep -m1 "^listening $1://" "$tmp/server.out" | cut -d' ' -f2; }

# field NAME LINE
field() { sed -n "s/.*\b$1=\([0-9.]*\).*/\1/p" <<<"$2"; }

load() {
    taskset -c "$gen_cpu" "$gen" --target "$1" --connections "$conns" --window "$window" \
        --seconds "$secs"
}

# Echo and mcpsim runs alternate closely so that both see the same machine.
for r in $(seq "$rounds"); do
    for t in udp tcp; do
        start_server taskset -c "$sim_cpu" "$echo_srv" udp://127.0.0.1:0 tcp://127.0.0.1:0
        load "$(url $t)" >"$tmp/echo.$t.$r"
        stop_server
        start_server "$sim" --listen udp://127.0.0.1:0 --listen tcp://127.0.0.1:0 --cpu "$sim_cpu"
        load "$(url $t)" >"$tmp/sim.$t.$r"
        stop_server
    done
done

median() { sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
stat() { # stat KIND TRANSPORT FIELD
    for r in $(seq "$rounds"); do field "$3" "$(cat "$tmp/$1.$2.$r")"; done | median
}

echo "mcpsim bench: $rounds rounds x ${secs}s, $conns connections x window $window (READ 1 register)," \
    "server on CPU $sim_cpu, load generator on CPU $gen_cpu; medians"
printf '%-5s %14s %14s %7s %10s %10s %10s %8s\n' transport echo_req/s mcpsim_req/s ratio \
    p50_us p99_us echo_p99 lost
for t in udp tcp; do
    e=$(stat echo $t rate)
    s=$(stat sim $t rate)
    printf '%-5s %14.0f %14.0f %7.2f %10.1f %10.1f %10.1f %8.0f\n' "$t" "$e" "$s" \
        "$(awk -v a="$s" -v b="$e" 'BEGIN{print (b > 0 ? a / b : 0)}')" \
        "$(stat sim $t p50_us)" "$(stat sim $t p99_us)" "$(stat echo $t p99_us)" "$(stat sim $t lost)"
done
echo "raw runs:"
cat "$tmp"/echo.* "$tmp"/sim.* | sed 's/^/  /'
