#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Serial records as Wireshark reads them: every record carries the exported-PDU
# dissector name "mcp5a.serial" and a P2P direction of 0 or 1, both directions
# occur, and the record count matches the truth file.
#   serial_export.sh MCPGEN      (exit 77 without tshark)
set -euo pipefail
mcpgen=${1:?usage: serial_export.sh MCPGEN}
command -v tshark >/dev/null || { echo "tshark not installed: skipped"; exit 77; }
work=$(mktemp -d /tmp/mcpgen-ser.XXXXXX)
trap 'rm -rf "$work"' EXIT
"$mcpgen" -t serial --devices 1-2 --frames 100 --noise 0.5 --split 0.5 --seed 3 \
    --out "$work/s.pcap" --truth "$work/s.jsonl"
tshark -r "$work/s.pcap" -T fields -e exported_pdu.prot_name -e exported_pdu.p2p_dir \
    2>/dev/null | sort | uniq -c >"$work/tags.txt"
records=$(sed -E 's/.*"records":([0-9]+).*/\1/' <<<"$(head -n 1 "$work/s.jsonl")")
read -r n0 name0 dir0 < <(sed -n 1p "$work/tags.txt")
read -r n1 name1 dir1 < <(sed -n 2p "$work/tags.txt")
if [ "$(wc -l <"$work/tags.txt")" -ne 2 ] || [ "$name0/$dir0/$name1/$dir1" != \
    "mcp5a.serial/0/mcp5a.serial/1" ] || [ $((n0 + n1)) -ne "$records" ]; then
    echo "unexpected exported-PDU tags (want $records records):" >&2
    cat "$work/tags.txt" >&2
    exit 1
fi
echo "$records records tagged mcp5a.serial, directions 0 ($n0) and 1 ($n1)"
