#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tshark -q -z mcp5a,tree on the udp_basic vector: the counts below were
# worked out by hand from vectors/udp_basic.vec.
#   MCP5A_PLUGIN=mcp5a.so stats_test.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/mcp5a-stats.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod a+rx "$work"
python3 "$here/mkcap.py" "$here/vectors/udp_basic.vec" "$work/udp_basic.pcap"
"$here/../tshark-unpriv.sh" -q -z mcp5a,tree -r "$work/udp_basic.pcap" >"$work/tree.txt"
python3 - "$work/tree.txt" <<'PY'
import re, sys
got = {}
for line in open(sys.argv[1], encoding="utf-8"):
    m = re.match(r"^(\s*)(\S.*?)\s{2,}(\d+)\s", line)
    if m:
        got[m.group(2)] = int(m.group(3))
want = {
    "Frames by command": 22, "READ": 8, "READ response": 3, "WRITE": 2, "WRITE response": 2,
    "NAK": 2, "HEARTBEAT": 1, "HEARTBEAT response": 1, "SYNC": 1, "UNKNOWN (0x42)": 1,
    "UNKNOWN response (0xc2)": 1,
    "Responses by status": 7, "OK": 4, "ILLEGAL_VALUE": 1, "ILLEGAL_ADDRESS": 1,
    "UNSUPPORTED_COMMAND": 1,
    "CRC errors": 1,
    "Sequence verdicts": 22, "in order": 14, "none (first frame or SYNC)": 3, "gap": 1,
    "duplicate": 1, "out of order": 1, "retransmission": 1, "ignored (bad CRC)": 1,
    "Junk bytes": 8,
    "Frames by sender": 22, "10.0.0.1:40001>10.0.0.100:23130": 13,
    "10.0.0.100:23130>10.0.0.1:40001": 9,
}
bad = [f"{k}: {got.get(k)} (expected {v})" for k, v in want.items() if got.get(k) != v]
for b in bad:
    print("FAIL " + b, file=sys.stderr)
if not bad:
    print(f"all {len(want)} stats tree counts as expected")
sys.exit(1 if bad else 0)
PY
