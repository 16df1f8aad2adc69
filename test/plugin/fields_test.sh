#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tshark -G fields lists every display-filter field of docs/PROTOCOL.md §6
# (names copied from the spec), and the §6 preferences exist with their defaults
# (the port ranges are not listed there: prefs_test.sh covers them).
#   MCP5A_PLUGIN=mcp5a.so fields_test.sh
set -euo pipefail
runner="$(cd "$(dirname "$0")/.." && pwd)/tshark-unpriv.sh"
# Only mcp5a's rows: the full list is ~20 MB, too big to search 32 times.
fields=$("$runner" -G fields | grep -P '^[FE]\t[^\t]*\tmcp5a' || true)
# Under the ASan wrapper (sanitizer builds) tshark -G defaultprefs hangs
# (measured, 4.0.17); the preferences are exercised by prefs_test.sh there.
prefs=""
[ -z "${MCP5A_TSHARK:-}" ] && prefs=$("$runner" -G defaultprefs)
protos=$("$runner" -G protocols)
plugins=$("$runner" -G plugins)
status=0
# The staged build is the one loaded, once, as a dissector (plugin_describe
# where the version has it; 4.0 tells the type from the epan folder).
row=$(grep -P '^mcp5a\.so\s*\t' <<<"$plugins" || true)
if [ "$(wc -l <<<"$row")" -ne 1 ] ||
    ! grep -qP '^mcp5a\.so\s*\t[^\t]+\tdissector\t\S*/\.local/lib/wireshark/plugins/[0-9]+\.[0-9]+/epan/mcp5a\.so$' \
        <<<"$row"; then
    echo "tshark -G plugins does not list the staged mcp5a.so once as a dissector:" >&2
    printf '%s\n' "${row:-(no mcp5a.so row)}" >&2
    status=1
fi
for f in mcp5a.magic mcp5a.seq mcp5a.len mcp5a.cmd mcp5a.crc mcp5a.cmd.response \
    mcp5a.crc.status mcp5a.payload mcp5a.req_seq mcp5a.status mcp5a.device mcp5a.addr \
    mcp5a.count mcp5a.value mcp5a.uptime mcp5a.event.code mcp5a.event.timestamp \
    mcp5a.event.data mcp5a.nak.seq mcp5a.nak.reason mcp5a.sync.reason \
    mcp5a.analysis.expected_seq mcp5a.analysis.missing mcp5a.analysis.duplicate \
    mcp5a.analysis.out_of_order mcp5a.analysis.retransmission mcp5a.analysis.gap \
    mcp5a.crc.bad mcp5a.junk mcp5a.response_in mcp5a.request_in mcp5a.time; do
    # F rows are header fields, E rows expert infos: name is the third column.
    if ! awk -F'\t' -v f="$f" '($1=="F" || $1=="E") && $3==f {found=1} END {exit !found}' \
        <<<"$fields"; then
        echo "field $f missing from tshark -G fields" >&2
        status=1
    fi
done
for p in "mcp5a.check_crc: TRUE" "mcp5a.crc_variant: crc8-smbus" "mcp5a.length_le: FALSE" \
    "mcp5a.serial.silence_ms: 100"; do
    [ -z "${MCP5A_TSHARK:-}" ] || continue
    if ! grep -qxF "#$p" <<<"$prefs"; then
        echo "preference '$p' missing from tshark -G defaultprefs" >&2
        status=1
    fi
done
if ! grep -qP '^Modular Communication Protocol\tMCP5A\tmcp5a' <<<"$protos"; then
    echo "protocol names differ from §6" >&2
    status=1
fi
[ $status -eq 0 ] && echo "all §6 fields, preferences and names present"
exit $status
