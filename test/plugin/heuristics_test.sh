#!/usr/bin/env bash
# The heuristic dissectors (§6) claim nothing in ordinary traffic (DNS, NTP,
# HTTP, seeded random UDP/TCP payloads, some starting with 0x5A), and do claim
# MCP on a port that is not 23130 when it begins with a CRC-valid frame.
#   MCP5A_PLUGIN=mcp5a.so heuristics_test.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
runner="$here/../tshark-unpriv.sh"
work=$(mktemp -d /tmp/mcp5a-heur.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod a+rx "$work"
mkdir "$work/vec"
python3 "$here/gen_other_traffic.py" "$work/vec"
caps=()
for vec in "$work"/vec/*.vec; do
    python3 "$here/mkcap.py" "$vec" "${vec%.vec}.pcap"
    caps+=("${vec%.vec}.pcap")
done
mergecap -a -w "$work/other.pcap" "${caps[@]}"
chmod a+r "$work/other.pcap"
fails=0
total=$("$runner" -n -r "$work/other.pcap" | wc -l)
claimed=$("$runner" -n -r "$work/other.pcap" -Y mcp5a | wc -l)
if [ "$claimed" -ne 0 ] || [ "$total" -lt 1800 ]; then
    echo "FAIL: $claimed of $total ordinary packets shown as mcp5a" >&2
    "$runner" -n -r "$work/other.pcap" -Y mcp5a | head >&2
    fails=1
else
    echo "ok   none of $total ordinary packets claimed"
fi

# Positive controls on port 9999 (not a registered port): the heuristics take
# the datagrams that begin with a good frame (frames 1 and 2; frame 3's check is bad).
python3 "$here/mkcap.py" "$here/vectors/udp_port9999.vec" "$work/udp9999.pcap"
got=$("$runner" -n -r "$work/udp9999.pcap" -Y mcp5a -T fields -e frame.number | paste -sd,)
if [ "$got" != "1,2" ]; then
    echo "FAIL: UDP heuristic claimed frames '$got' on port 9999, expected 1,2" >&2
    fails=1
else
    echo "ok   UDP heuristic finds MCP on port 9999"
fi
# TCP on port 9999: the heuristic claims the stream at its first segment (a
# whole frame) and the conversation keeps going to mcp5a, split frames included.
sed 's/^transport tcp/transport tcp\nports 40001,9999/' "$here/vectors/tcp_basic.vec" \
    >"$work/tcp9999.vec"
python3 "$here/mkcap.py" "$work/tcp9999.vec" "$work/tcp9999.pcap"
got=$("$runner" -n -r "$work/tcp9999.pcap" -Y mcp5a -T fields -e frame.number | paste -sd,)
if [ "$got" != "1,3,6,7,8,9,10,11" ]; then
    echo "FAIL: TCP heuristic showed mcp5a in frames '$got', expected 1,3,6,7,8,9,10,11" >&2
    fails=1
else
    echo "ok   TCP heuristic finds MCP on port 9999 and follows the stream"
fi
# A TCP stream whose first segment holds only part of a frame is left to Decode As.
printf 'transport tcp\nports 40001,9999\nbytes R F:01:82:010003001000040001000200030004\nD 1.0 @R[0:8]\nD 1.1 @R[8:]\n' \
    >"$work/tcppart.vec"
python3 "$here/mkcap.py" "$work/tcppart.vec" "$work/tcppart.pcap"
got=$("$runner" -n -r "$work/tcppart.pcap" -Y mcp5a | wc -l)
if [ "$got" -ne 0 ]; then
    echo "FAIL: a stream starting mid-frame was claimed by the TCP heuristic" >&2
    fails=1
else
    echo "ok   a stream starting with part of a frame is not claimed"
fi
exit $fails
