#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The heuristic dissectors (§6) claim nothing in ordinary traffic (DNS, NTP,
# HTTP, seeded random UDP/TCP payloads, some starting with 0x5A), and do claim
# MCP on a port that is not 23130 when it begins with a CRC-valid frame.
#   MCP5A_PLUGIN=mcp5a.so heuristics_test.sh
set -euo pipefail
. "$(dirname "$0")/../libsh/plugin_work.sh" heur
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
    "$runner" -n -r "$work/other.pcap" -Y mcp5a | sed -n 1,10p >&2
    fails=1
else
    echo "ok   none of $total ordinary packets claimed"
fi

# Positive controls on port 9999 (not a registered port): the heuristic takes
# frame 1 (a good frame) and holds the conversation from there: frame 3, whose
# check is bad, is MCP too and shows as a bad CRC.
python3 "$here/mkcap.py" "$here/vectors/udp_port9999.vec" "$work/udp9999.pcap"
got=$("$runner" -n -r "$work/udp9999.pcap" -Y mcp5a -T fields -e frame.number | paste -sd,)
bad=$("$runner" -n -r "$work/udp9999.pcap" -Y mcp5a.crc.bad -T fields -e frame.number | paste -sd,)
if [ "$got" != "1,2,3" ] || [ "$bad" != "3" ]; then
    echo "FAIL: UDP heuristic claimed frames '$got' (bad CRC '$bad') on port 9999, expected 1,2,3 (3)" >&2
    fails=1
else
    echo "ok   UDP heuristic finds MCP on port 9999 and holds the conversation (bad CRC shown)"
fi

# fields CAPTURE [tshark options]: what mcp5a shows per packet.
fields() {
    local cap=$1
    shift
    "$runner" -n -r "$cap" "$@" -T fields -e frame.number -e mcp5a.seq -e mcp5a.crc.status \
        -e mcp5a.analysis.expected_seq -e mcp5a.request_in -e mcp5a.junk.len | paste -sd'|'
}
# same_passes NAME CAPTURE EXPECTED: one pass and two passes both show EXPECTED.
same_passes() {
    local name=$1 cap=$2 want=$3 one two
    one=$(fields "$cap")
    two=$(fields "$cap" -2)
    if [ "$one" != "$want" ] || [ "$two" != "$want" ]; then
        echo "FAIL: $name: one pass '$one', two passes '$two', expected '$want'" >&2
        fails=1
    else
        echo "ok   $name"
    fi
}
# UDP: a bad-check datagram before the heuristic accepts stays UDP in every
# pass; after it (frame 4), the conversation is MCP and the bad check shows.
printf '%s\n' 'transport udp' 'ports 40001,9999' 'M 1.000 B:00:02:0300100001' \
    'D 1.001 F:00:82:000003001000011234' 'M 1.002 F:01:02:0300100001' \
    'D 1.003 B:01:82:010003001000011234' >"$work/udpbadfirst.vec"
python3 "$here/mkcap.py" "$work/udpbadfirst.vec" "$work/udpbadfirst.pcap"
same_passes "UDP conversation is MCP from the accepted frame on, in every pass" \
    "$work/udpbadfirst.pcap" $'1\t\t\t\t\t|2\t0\t1\t\t\t|3\t1\t1\t\t\t|4\t1\t0\t\t\t'
# TCP on port 9999, capture started mid-connection: the first segment starts
# with the tail of a frame, so it stays TCP in one pass and in two; the stream
# is MCP from segment 2 (a whole frame) on. Segment 2's HEARTBEAT response
# has no request_in (its request was in segment 1); segment 4 answers 3.
printf '%s\n' 'transport tcp' 'ports 40001,9999' 'bytes X F:03:03:0300500001abcd' \
    'M 1.000 @X[6:] F:04:01:' 'D 1.001 F:04:81:0400' 'M 1.002 F:05:02:0300100001' \
    'D 1.003 F:05:82:050003001000011234' >"$work/tcpmid.vec"
python3 "$here/mkcap.py" "$work/tcpmid.vec" "$work/tcpmid.pcap"
same_passes "TCP mid-connection: MCP from the accepted segment on, in every pass" \
    "$work/tcpmid.pcap" $'1\t\t\t\t\t|2\t4\t1\t\t\t|3\t5\t1\t\t\t|4\t5\t1\t5\t3\t'
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
