#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Fuzzing the Wireshark way (tools/fuzz-test.sh): editcap -E mutations of every
# vector capture and every capture in CAPTURES_DIR, dissected with
# `tshark -nVxr` (every other batch with -2) and WIRESHARK_ABORT_ON_DISSECTOR_BUG,
# with the plugin built with ASan+UBSan (mcp5a_asan.so; tshark itself is not
# instrumented, so the ASan runtime is preloaded). Any crash, abort or
# sanitizer report fails.
#
#   MCP5A_PLUGIN=mcp5a_asan.so fuzz_test.sh COUNT [CAPTURES_DIR] [SEED]
#
# COUNT mutated captures in all; several go through one tshark run (tshark
# starts slowly). Inputs are cut to their first 2000 packets.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
runner="$here/../tshark-unpriv.sh"
count=${1:?usage: fuzz_test.sh COUNT [CAPTURES_DIR] [SEED]}
capdir=${2:-}
seed=${3:-1}
batch=${MCP5A_FUZZ_BATCH:-50}
work=$(mktemp -d /tmp/mcp5a-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod a+rx "$work"

inputs=()
for vec in "$here"/vectors/*.vec; do
    python3 "$here/mkcap.py" "$vec" "$work/in-$(basename "$vec" .vec).pcap"
    inputs+=("$work/in-$(basename "$vec" .vec).pcap")
done
shopt -s nullglob
if [ -n "$capdir" ]; then
    for cap in "$capdir"/*.pcap "$capdir"/*.pcapng; do
        out="$work/in-cap-$(basename "$cap")"
        editcap -r "$cap" "$out" 1-2000
        inputs+=("$out")
    done
fi

# Only tshark gets the preloaded runtime (other tools may hang under it).
export MCP5A_TSHARK="$here/tshark-asan.sh"
export WIRESHARK_ABORT_ON_DISSECTOR_BUG=1

per_input=$(((count + ${#inputs[@]} - 1) / ${#inputs[@]}))
made=0 runs=0 failures=0
pending=()
run_batch() {
    [ ${#pending[@]} -eq 0 ] && return 0
    local merged="$work/batch.pcapng" log="$work/batch.log" two=""
    mergecap -a -F pcapng -w "$merged" "${pending[@]}"
    chmod a+r "$merged"
    [ $((runs % 2)) -eq 1 ] && two=-2
    local rc=0
    "$runner" -nVx $two -r "$merged" >/dev/null 2>"$log" || rc=$?
    if [ $rc -ne 0 ] || grep -qE "AddressSanitizer|runtime error|LeakSanitizer|Dissector bug" "$log"; then
        failures=$((failures + 1))
        keep="/tmp/mcp5a-fuzz-failure-$seed-$runs.pcapng"
        cp "$merged" "$keep"
        echo "FAIL: tshark exited $rc on a batch (kept as $keep):" >&2
        grep -v "^-*$" "$log" | head -30 >&2
    fi
    runs=$((runs + 1))
    rm -f "${pending[@]}"
    pending=()
}

for input in "${inputs[@]}"; do
    # Exported-PDU records: spare the tags (name and direction) at the start.
    skip=0
    if capinfos -E "$input" | grep "Upper PDU" >/dev/null; then
        skip=28
    fi
    for ((i = 0; i < per_input; i++)); do
        s=$((seed * 100000 + made))
        out="$work/m$made.pcap"
        editcap -E 0.02 -o $skip --seed $s "$input" "$out" 2>/dev/null
        pending+=("$out")
        made=$((made + 1))
        [ ${#pending[@]} -ge "$batch" ] && run_batch
    done
done
run_batch
echo "$made mutated captures from ${#inputs[@]} inputs in $runs tshark runs: $failures failing batch(es)"
[ $failures -eq 0 ]
