# SPDX-License-Identifier: GPL-2.0-or-later
# What bench/plugin_bench.sh and bench/plugin_instr.sh share (sourced, bash): the
# checkout ($root), tshark with the plugin as nobody ($runner:
# test/tshark-unpriv.sh, the plugin from MCP5A_PLUGIN), a work folder and the
# capture measured.

root=$(cd "$(dirname "$0")/.." && pwd)
runner="$root/test/tshark-unpriv.sh"

# bench_work PREFIX MODE: $work, a fresh /tmp/PREFIX.XXXXXX folder (chmod MODE:
# tshark runs as nobody), removed on exit.
bench_work() {
    work=$(mktemp -d "/tmp/$1.XXXXXX")
    trap 'rm -rf "$work"' EXIT
    chmod "$2" "$work"
}

# bench_capture CAPTURE MCPGEN-ARGS...: $work/bench.pcap (readable by all), a
# copy of CAPTURE, or when CAPTURE is empty, what mcpgen writes with
# MCPGEN-ARGS (MCPGEN, or the first build*/replay/mcpgen/mcpgen of the checkout).
# Sets packets to its number of packets (capinfos).
bench_capture() {
    local cap=$1 found
    shift
    if [ -n "$cap" ]; then
        cp "$cap" "$work/bench.pcap"
    else
        found=("$root"/build*/replay/mcpgen/mcpgen)
        local mcpgen=${MCPGEN:-${found[0]}}
        [ -x "$mcpgen" ] || { echo "no mcpgen found: pass a capture or set MCPGEN" >&2; exit 2; }
        "$mcpgen" "$@" --write "$work/bench.pcap"
    fi
    chmod a+r "$work/bench.pcap"
    packets=$(capinfos -c -M "$work/bench.pcap" | awk '/Number of packets/ {print $NF}')
}

# instr OUT CAPTURE ARGS...: total instructions of one tshark run (callgrind
# counts the same on a busy machine).
instr() {
    local out=$1 cap=$2
    shift 2
    MCP5A_TSHARK=valgrind "$runner" --tool=callgrind --callgrind-out-file="$out" \
        tshark -n -r "$cap" "$@" >/dev/null 2>"$work/vg.err" || {
        cat "$work/vg.err" >&2
        return 1
    }
    awk '/^summary:/ {print $2}' "$out"
}

# per_frame ALL ONE: instructions a frame, start-up (a run over the first
# frame alone) taken away.
per_frame() {
    awk -v a="$1" -v o="$2" -v n="$packets" 'BEGIN { printf "%.0f", (a - o) / (n - 1) }'
}

# The runner asks tshark its version, which it cannot do through valgrind.
export MCP5A_WS_XY=${MCP5A_WS_XY:-$(tshark --version 2>/dev/null | sed -n '1s/^TShark (Wireshark) \([0-9]*\.[0-9]*\)\..*/\1/p')}
