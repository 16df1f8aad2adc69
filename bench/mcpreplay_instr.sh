#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mcpreplay's user-space cost per frame at top speed, in instructions
# (valgrind --tool=callgrind counts the same on a busy machine, where
# mcpreplay_bench.py's wall-clock figures cannot be trusted), over its own
# start-up cost:
#   per-frame(X) = (Ir(X on FRAMES frames) - Ir(X on 1,000 frames)) / (FRAMES - 1,000)
# for X = --topspeed (the baseline), --topspeed --expect and --topspeed --preload,
# each to a loopback UDP sink that never answers (the case of issue 24: every
# request stays unanswered, and the capture has no answer either). The kernel's
# send path is not counted: it is the same for all three.
#
#   bench/mcpreplay_instr.sh [BUILD_DIR] [FRAMES]     (default build, 200000)
#
# With BASE=OTHER_BUILD_DIR, the same three are measured for that build too
# (e.g. a checkout of an older commit) and the ratios printed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
frames=${2:-200000}
command -v valgrind >/dev/null || { echo "needs valgrind" >&2; exit 2; }
work=$(mktemp -d /tmp/mcpreplay-instr.XXXXXX)
sink=
trap '[ -n "$sink" ] && kill "$sink" 2>/dev/null; rm -rf "$work"' EXIT
mkcap=$build/test/mcpreplay/mcpreplay_mkcap
"$mkcap" --out "$work/big.pcap" --count "$frames" --gap-us 1 >/dev/null
"$mkcap" --out "$work/small.pcap" --count 1000 --gap-us 1 >/dev/null
# A bound UDP socket never read: datagrams past its buffer are dropped by the kernel.
exec 3< <(exec python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True)
time.sleep(3600)
')
sink=$!
read -r -t 60 port <&3
ir() { # BUILD CAPTURE ARGS...: instructions of one run
    local b=$1 cap=$2
    shift 2
    valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" \
        "$b/replay/mcpreplay/mcpreplay" -q --topspeed "$@" -t "udp://127.0.0.1:$port" "$cap" \
        2>"$work/vg.err" >/dev/null
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$work/vg.err"
}
per_frame() { # BUILD ARGS...
    local big small
    big=$(ir "$1" "$work/big.pcap" "${@:2}")
    small=$(ir "$1" "$work/small.pcap" "${@:2}")
    echo $(((big - small) / (frames - 1000)))
}
echo "capture: $frames UDP requests, no answers (mcpreplay_mkcap --count $frames --gap-us 1); sink never answers"
declare -A now base
for mode in stream expect preload; do
    case $mode in
    stream) args=() ;;
    expect) args=(--expect --timeout 100) ;;
    preload) args=(--preload) ;;
    esac
    now[$mode]=$(per_frame "$build" "${args[@]}")
    if [ -n "${BASE:-}" ]; then
        base[$mode]=$(per_frame "$(cd "$BASE" && pwd)" "${args[@]}")
    fi
done
printf '%-34s %12s %10s' "mcpreplay -q --topspeed" "instr/frame" "vs stream"
[ -n "${BASE:-}" ] && printf ' %12s %8s' "BASE" "now/BASE"
printf '\n'
for mode in stream expect preload; do
    case $mode in
    stream) label="(streamed)" ;;
    expect) label="--expect --timeout 100" ;;
    preload) label="--preload" ;;
    esac
    printf '%-34s %12d %10.2f' "  $label" "${now[$mode]}" "$(awk -v a="${now[$mode]}" -v b="${now[stream]}" 'BEGIN { print a / b }')"
    [ -n "${BASE:-}" ] && printf ' %12d %8.2f' "${base[$mode]}" "$(awk -v a="${now[$mode]}" -v b="${base[$mode]}" 'BEGIN { print a / b }')"
    printf '\n'
done
echo "  command: valgrind --tool=callgrind $build/replay/mcpreplay/mcpreplay -q --topspeed [MODE] -t udp://127.0.0.1:PORT CAPTURE"
