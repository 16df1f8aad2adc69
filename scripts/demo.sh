#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The main job: build, decode a sample capture with the mcp5a plugin in tshark,
# then replay a capture against mcpsim, record the session, and replay the
# recording with --expect against a fresh mcpsim (a capture as a regression test).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh >/dev/null
build=$PWD/build
work=$(mktemp -d /tmp/mcp-demo.XXXXXX)
chmod 755 "$work"
sim_pid=
cleanup() {
    [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

tshark_mcp() { MCP5A_PLUGIN="$build/plugin/mcp5a.so" test/tshark-unpriv.sh "$@"; }

start_sim() { # starts mcpsim on an ephemeral port; sets url to where it listens
    : >"$work/sim.out"
    "$build/replay/mcpsim/mcpsim" --listen tcp://127.0.0.1:0 --devices 1-3 --seed 7 \
        >"$work/sim.out" </dev/null &
    sim_pid=$!
    url=
    for _ in $(seq 100); do
        url=$(awk '/^listening tcp/ {print $2}' "$work/sim.out")
        [ -n "$url" ] && return 0
        sleep 0.05
    done
    echo "demo: mcpsim did not start" >&2
    exit 1
}
stop_sim() { kill "$sim_pid"; wait "$sim_pid" >/dev/null || true; sim_pid=; }

echo "== 1. Decode captures/udp-faults.pcap with the mcp5a plugin (first 15 frames, then the stats tree)"
tshark_mcp -2 -r captures/udp-faults.pcap -Y mcp5a -T fields -e frame.number -e _ws.col.Info >"$work/info.txt"
head -15 "$work/info.txt"
tshark_mcp -2 -q -r captures/udp-faults.pcap -z mcp5a,tree >"$work/stats.txt"
head -n 24 "$work/stats.txt" | cut -c1-60

echo
echo "== 2. Replay captures/tcp-clean.pcap against mcpsim (one connection per captured sender), recording the session"
start_sim
"$build/replay/mcpreplay/mcpreplay" -t "$url" --speed 20 --write "$work/session.pcap" \
    captures/tcp-clean.pcap
stop_sim
chmod 644 "$work/session.pcap"

echo
echo "== 3. Replay the recording against a fresh mcpsim and check every answer (--expect)"
start_sim
"$build/replay/mcpreplay/mcpreplay" -t "$url" --expect --speed 20 "$work/session.pcap"
stop_sim

echo
echo "== 4. The recording in tshark: gaps, bad CRCs, and requests without an answer"
gaps=$(tshark_mcp -2 -r "$work/session.pcap" -Y 'mcp5a.analysis.gap' | wc -l)
bad=$(tshark_mcp -2 -r "$work/session.pcap" -Y 'mcp5a.crc.status == 0' | wc -l)
unanswered=$(tshark_mcp -2 -r "$work/session.pcap" \
    -Y 'mcp5a.cmd.response == 0 && mcp5a.cmd != 4 && mcp5a.cmd != 5 && mcp5a.cmd != 6 && !(mcp5a.device == 255) && !mcp5a.response_in' | wc -l)
echo "gaps: $gaps, bad CRCs: $bad, requests (not broadcast) without an answer: $unanswered"
