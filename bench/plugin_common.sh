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
