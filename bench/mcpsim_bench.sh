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
#
# Then --map (issue 19; MAP=0 skips it): mcpsim with a register map of
# MAP_DEVICES (250) devices x MAP_ITEMS (100) items, nine in ten moving
# (bench/mcpsim_bench_map.py, one line per device and item), against mcpsim
# without a map (--devices 1-MAP_DEVICES), alternated A B A B, each on
# MAP_LISTENERS (4) listeners with one load connection per listener, the same
# load: READs of MAP_COUNT (8) registers (4 items) spread over every device
# and 96 addresses. Prints the medians, min..max, the ratio map / no map
# (target >= 0.8) and the start-up time (spawn to the listening lines; < 1 s).
#
# Then 1,000 devices (issue 19; SCALE=0 skips it): the same comparison with
# each of the MAP_LISTENERS listeners serving its own devices
# (--listen URL?devices=1-MAP_DEVICES: 4 x 250 = 1,000 device instances, each
# with its own registers, frozen items and random generator, the map's 25,000
# lines read once and its 250 item indexes shared by the 4 listeners), the
# load walking every id on every listener (one connection per listener, each
# connection walks all ids), against mcpsim without a map on the same
# listeners and ids (1,000 65,536-register devices). Start-up is timed from the
# spawn to the listening lines and by mcpsim's own "ready in" line.
# MAP_ONLY=1: only the two map comparisons; SCALE_ONLY=1: only the 1,000-device
# one.
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
    # emptied first: the child truncates them only once it runs, and the last
    # server's listening lines must not be taken for this one's
    : >"$tmp/server.out"
    : >"$tmp/server.err"
    "$@" >"$tmp/server.out" 2>"$tmp/server.err" &
    server_pid=$!
    for _ in $(seq 50); do
        [[ $(grep -c '^listening' "$tmp/server.out" || true) -ge 2 ]] && return 0
        sleep 0.1
    done
    echo "mcpsim_bench: server did not start: $(cat "$tmp/server.err")" >&2
    exit 3
}

# start_timed CMD... : start_server, and the start-up time in ms (spawn to every
# listening line, polled every 2 ms) in $started_ms.
start_timed() {
    local want=$1
    shift
    local t0
    : >"$tmp/server.out" # (as in start_server)
    : >"$tmp/server.err"
    t0=$(date +%s%N)
    "$@" >"$tmp/server.out" 2>"$tmp/server.err" &
    server_pid=$!
    for _ in $(seq 2500); do
        if [[ $(grep -c '^listening' "$tmp/server.out" || true) -ge $want ]]; then
            started_ms=$((($(date +%s%N) - t0) / 1000000))
            return 0
        fi
        sleep 0.002
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

median() { sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }

# Echo and mcpsim runs alternate closely so that both see the same machine.
# MAP_ONLY=1 or SCALE_ONLY=1: only the map comparisons below.
if [[ ${MAP_ONLY:-0} != 1 && ${SCALE_ONLY:-0} != 1 ]]; then
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
fi

[[ ${MAP:-1} == 0 && ${SCALE_ONLY:-0} != 1 ]] && exit 0

map_devices=${MAP_DEVICES:-250}
map_items=${MAP_ITEMS:-100}
map_listeners=${MAP_LISTENERS:-4}
map_count=${MAP_COUNT:-8}
python3 "$here/mcpsim_bench_map.py" "$tmp/bench-map.csv" "$map_devices" "$map_items"
targets() { grep "^listening $1://" "$tmp/server.out" | cut -d' ' -f2 | sed 's/^/--target /'; }
# mcpsim's CPU time so far (user + system, clock ticks): CPU per request is the
# figure a busy machine disturbs least (the req/s also measure who else runs).
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$server_pid/status"; }
# cpu_us KIND TRANSPORT ROUND: microseconds of mcpsim CPU per answered request
# (the warm-up's requests counted at the measured rate).
cpu_us() {
    local f=$tmp/$1.$2.$3
    awk -v ticks="$(field cpu_ticks "$(cat "$f")")" -v rate="$(field rate "$(cat "$f")")" \
        -v hz="$(getconf CLK_TCK)" -v secs="$secs" \
        'BEGIN { print (rate > 0 ? ticks / hz * 1e6 / (rate * (secs + 0.5)) : 0) }'
}
map_load() { # map_load TRANSPORT
    [[ -n $(targets "$1") ]] || {
        echo "mcpsim_bench: no $1 listener in: $(cat "$tmp/server.out" "$tmp/server.err")" >&2
        exit 3
    }
    # shellcheck disable=SC2046
    taskset -c "$gen_cpu" "$gen" $(targets "$1") --connections "$map_listeners" \
        --window "$window" --seconds "$secs" --devices "1-$map_devices" --addr 0 \
        --count "$map_count" --spread 96 --stride 2
}
minmax() { sort -g | awk 'NR==1{lo=$1} {hi=$1} END {printf "%.0f..%.0f", lo, hi}'; }
# run_one KIND TRANSPORT ROUND ARGS...: starts mcpsim with ARGS, loads it, stops it.
run_one() {
    local kind=$1 t=$2 r=$3
    shift 3
    start_timed "$map_listeners" "$sim" "$@" --cpu "$sim_cpu"
    echo "$started_ms" >"$tmp/start.$kind.$t.$r"
    sed -n 's/.*ready in \([0-9.]*\) ms.*/\1/p' "$tmp/server.err" >"$tmp/ready.$kind.$t.$r"
    local c0
    c0=$(cpu_ticks)
    map_load "$t" >"$tmp/$kind.$t.$r"
    echo "cpu_ticks=$(($(cpu_ticks) - c0)) rss_kb=$(rss_kb)" >>"$tmp/$kind.$t.$r"
    stop_server
}
# compare MODE: no map (A) against the map (B), alternated A B A B, then the
# table. MODE map: MAP_LISTENERS listeners sharing --devices 1-MAP_DEVICES;
# MODE scale: each listener with its own devices=1-MAP_DEVICES.
compare() {
    local mode=$1 plain=plain.$1 mapped=map.$1 suffix='' shared=() devices what
    if [[ $mode == scale ]]; then
        suffix="?devices=1-$map_devices"
        devices=$((map_devices * map_listeners))
        what="$devices devices ($map_listeners listeners x devices=1-$map_devices, each its own)"
    else
        shared=(--devices "1-$map_devices")
        devices=$map_devices
        what="$map_devices devices ($map_listeners listeners sharing --devices 1-$map_devices)"
    fi
    for r in $(seq "$rounds"); do
        for t in udp tcp; do
            local listen=()
            for _ in $(seq "$map_listeners"); do listen+=(--listen "$t://127.0.0.1:0$suffix"); done
            run_one "$plain" "$t" "$r" "${listen[@]}" "${shared[@]}"
            run_one "$mapped" "$t" "$r" "${listen[@]}" --map "$tmp/bench-map.csv" "${shared[@]}" \
                --seed 1
        done
    done
    values() { for r in $(seq "$rounds"); do field "$3" "$(cat "$tmp/$1.$2.$r")"; done; }
    echo
    echo "mcpsim --map bench ($mode): $what x $map_items items (9 in 10 moving), $map_listeners" \
        "listeners x 1 connection x window $window, READ $map_count registers over every device;" \
        "$rounds rounds x ${secs}s alternated no-map/map; medians (min..max); load average:" \
        "$(cut -d' ' -f1-3 /proc/loadavg)"
    printf '%-5s %14s %17s %14s %17s %7s %9s %9s %8s\n' transport nomap_req/s range map_req/s \
        range ratio map_p99 not_ok lost
    for t in udp tcp; do
        local a b
        a=$(values "$plain" $t rate | median)
        b=$(values "$mapped" $t rate | median)
        printf '%-5s %14.0f %17s %14.0f %17s %7.2f %9.1f %9.0f %8.0f\n' "$t" "$a" \
            "$(values "$plain" $t rate | minmax)" "$b" "$(values "$mapped" $t rate | minmax)" \
            "$(awk -v a="$b" -v b="$a" 'BEGIN{print (b > 0 ? a / b : 0)}')" \
            "$(values "$mapped" $t p99_us | median)" "$(values "$mapped" $t not_ok | median)" \
            "$(values "$mapped" $t lost | median)"
    done
    echo "mcpsim CPU per request (us; the ratio no-map / map estimates the req/s ratio when" \
        "mcpsim has a core to itself):"
    for t in udp tcp; do
        local a b
        a=$(for r in $(seq "$rounds"); do cpu_us "$plain" $t "$r"; done | median)
        b=$(for r in $(seq "$rounds"); do cpu_us "$mapped" $t "$r"; done | median)
        printf '  %-5s no map %6.2f (%s)  map %6.2f (%s)  ratio %.2f\n' "$t" "$a" \
            "$(for r in $(seq "$rounds"); do cpu_us "$plain" $t "$r"; done | sort -g | tr '\n' ' ' | sed 's/ $//')" \
            "$b" "$(for r in $(seq "$rounds"); do cpu_us "$mapped" $t "$r"; done | sort -g | tr '\n' ' ' | sed 's/ $//')" \
            "$(awk -v a="$a" -v b="$b" 'BEGIN{print (b > 0 ? a / b : 0)}')"
    done
    for k in "$plain" "$mapped"; do
        local ms
        ms=$(cat "$tmp"/start."$k".* | median)
        echo "start-up (${k%."$mode"}, $devices devices): median ${ms} ms," \
            "$(cat "$tmp"/start."$k".* | minmax) ms over $((rounds * 2)) starts (spawn to the" \
            "listening lines); resident memory after the load: median" \
            "$(values "$k" udp rss_kb | median) kB (udp), $(values "$k" tcp rss_kb | median) kB (tcp)"
    done
    echo "start-up (map, mcpsim's own 'ready in' line, main() to every listener open): median" \
        "$(cat "$tmp"/ready."$mapped".* | median) ms, $(cat "$tmp"/ready."$mapped".* | sort -g |
            awk 'NR==1{lo=$1} {hi=$1} END {printf "%.1f..%.1f", lo, hi}') ms"
    # The user-space part, in instructions (callgrind counts the same on a busy
    # machine): the serving alone (bench/mcpsim_serve_instr, READs in batches of
    # 16 sharing t as a connection's window does), then all of mcpsim under the
    # same load as above (CALLGRIND=0 skips it), per READ answered: the event
    # loop, decoding, sessions, serving, encoding. The kernel's share, the same
    # with and without a map, is not in it: the req/s ratio is above this one.
    local instr=$build/bench/mcpsim_serve_instr sets=1
    [[ $mode == scale ]] && sets=$map_listeners
    if command -v valgrind >/dev/null && command -v callgrind_annotate >/dev/null &&
        [[ -x $instr ]]; then
        local n=100000
        valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.$mode.out" "$instr" \
            "$tmp/bench-map.csv" "$map_devices" "$map_count" "$n" "$sets" >/dev/null 2>&1
        ir() { callgrind_annotate --inclusive=yes "$2" 2>/dev/null |
            awk -v f=":$1 " 'index($0, f) && !/=>/ && !done {gsub(",", "", $1); print $1; done = 1}'; }
        local p m
        p=$(ir serve_plain "$tmp/cg.$mode.out")
        m=$(ir serve_map "$tmp/cg.$mode.out")
        awk -v p="$p" -v m="$m" -v n="$n" -v c="$map_count" -v s="$sets" 'BEGIN {
            printf "user-space instructions per READ of %d registers over %d device set(s), " \
                "serving only (callgrind, %d READs): no map %.0f, map %.0f (+%.0f)\n", c, s, n,
                p / n, m / n, (m - p) / n }'
        if [[ ${CALLGRIND:-1} != 0 ]]; then
            for t in udp tcp; do
                local listen=() k line=""
                for _ in $(seq "$map_listeners"); do
                    listen+=(--listen "$t://127.0.0.1:0$suffix")
                done
                for k in plain map; do
                    local args=("${listen[@]}" "${shared[@]}")
                    [[ $k == map ]] && args+=(--map "$tmp/bench-map.csv" --seed 1)
                    # (valgrind starts slowly: up to 60 s for every listening line)
                    : >"$tmp/server.out"
                    valgrind --tool=callgrind --callgrind-out-file="$tmp/cgfull.$mode.$k.$t" \
                        "$sim" "${args[@]}" >"$tmp/server.out" 2>"$tmp/server.err" &
                    server_pid=$!
                    for _ in $(seq 600); do
                        [[ $(grep -c '^listening' "$tmp/server.out") -ge $map_listeners ]] && break
                        sleep 0.1
                    done
                    map_load "$t" >/dev/null
                    stop_server
                    local reads ir_run
                    reads=$(grep 'frames in' "$tmp/server.out" | grep -o 'READ=[0-9]*' | cut -d= -f2)
                    ir_run=$(ir sim_run "$tmp/cgfull.$mode.$k.$t")
                    line+=$(awk -v k="$k" -v i="$ir_run" -v r="$reads" \
                        'BEGIN {printf " %s %.0f (%d READs)", k, (r > 0 ? i / r : 0), r}')
                done
                echo "user-space instructions per READ, all of mcpsim under callgrind, $t:$line"
            done
        fi
    fi
    echo "raw runs ($mode):"
    cat "$tmp"/"$plain".* "$tmp"/"$mapped".* | sed 's/^/  /'
}
[[ ${MAP:-1} != 0 && ${SCALE_ONLY:-0} != 1 ]] && compare map
[[ ${SCALE:-1} != 0 ]] && compare scale
exit 0
