#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The §6 preferences change results as the spec says. Expected counts come
# from how the vector captures were written (vectors/*.vec).
#   MCP5A_PLUGIN=mcp5a.so prefs_test.sh
set -euo pipefail
. "$(dirname "$0")/../libsh/plugin_work.sh" prefs
for v in udp_variant udp_basic udp_port9999 tcp_basic serial_silence; do
    python3 "$here/mkcap.py" "$here/vectors/$v.vec" "$work/$v.pcap"
done
fails=0

# expect NAME GOT WANT WHAT: "ok   NAME" when GOT is WANT, else a FAIL line
# (WHAT is GOT, expected WANT) counted in fails.
expect() {
    if [ "$2" = "$3" ]; then
        echo "ok   $1"
    else
        echo "FAIL $1: $4 is '$2', expected '$3'" >&2
        fails=$((fails + 1))
    fi
}
# check NAME EXPECTED CAPTURE FILTER [tshark options...]: packets matching FILTER.
check() {
    local name=$1 want=$2 cap=$3 filter=$4 got
    shift 4
    got=$("$runner" -n -2 -r "$work/$cap.pcap" -Y "$filter" "$@" | wc -l)
    expect "$name" "$got" "$want" "the number of packets matching '$filter'"
}
# check_text NAME EXPECTED CAPTURE TEXT [tshark options...]: packets whose
# detail view (-V) shows TEXT.
check_text() {
    local name=$1 want=$2 cap=$3 text=$4 got
    shift 4
    got=$("$runner" -n -2 -V -r "$work/$cap.pcap" "$@" |
        awk -v t="$text" '/^Frame [0-9]+:/ { f = 0 } index($0, t) && !f { n++; f = 1 } END { print n + 0 }')
    expect "$name" "$got" "$want" "the number of packets showing '$text'"
}
# values NAME EXPECTED CAPTURE FIELD [options...]: the field's values per packet,
# packets joined by '|', several values in one packet by ','.
values() {
    local name=$1 want=$2 cap=$3 field=$4 got
    shift 4
    got=$("$runner" -n -2 -r "$work/$cap.pcap" -T fields -E occurrence=a -E aggregator=, \
        -e "$field" "$@" | paste -sd'|')
    expect "$name" "$got" "$want" "$field"
}

le="-o mcp5a.length_le:TRUE"
maxim="-o mcp5a.crc_variant:crc8-maxim"
# udp_variant: crc8-maxim, little-endian length, 3 datagrams, 4 frames.
# Big-endian, the READ's length reads 0x0500: longer than the datagram, so
# datagrams 1 and 2 are all junk (datagram 3 starts with a HEARTBEAT, length 0
# either way, then junk).
check "default prefs: LE frames are junk" 2 udp_variant "mcp5a.junk && !mcp5a.seq"
check "default prefs: and the HEARTBEAT's check fails" 1 udp_variant "mcp5a.crc.bad"
values "right byte order, wrong variant: every check bad" "0|0|0,0" udp_variant mcp5a.crc.status $le
# The expert info's summary is fixed ("Bad CRC", so the Expert Information
# dialog groups them); the CRC item's text names the variant that matches.
check_text "bad check names the variant that matches" 3 udp_variant "valid as crc8-maxim" $le
values "right byte order and variant: every check good" "1|1|1,1" udp_variant \
    mcp5a.crc.status $le $maxim
values "check off: every check unverified" "2|2|2,2" udp_variant mcp5a.crc.status $le \
    -o mcp5a.check_crc:FALSE
values "check off: every frame takes part in the analysis" "||1,2" udp_variant \
    mcp5a.analysis.expected_seq $le -o mcp5a.check_crc:FALSE
values "check off: requests and responses still link" "|1|" udp_variant mcp5a.request_in $le \
    -o mcp5a.check_crc:FALSE
values "check off: the bad-check frame is analysed (udp_basic frame 8)" "5" udp_basic \
    mcp5a.analysis.expected_seq -o mcp5a.check_crc:FALSE -Y frame.number==8
values "check on: the bad-check frame is not analysed" "" udp_basic \
    mcp5a.analysis.expected_seq -Y frame.number==8

# Ports (§6 mcp5a.udp.port / mcp5a.tcp.port). The heuristics still claim
# CRC-valid frames on any port, so they are switched off where a port must not decode.
noheur="--disable-heuristic mcp5a_udp"
check "port 9999 off by default (heuristic off)" 0 udp_port9999 mcp5a $noheur
check "udp.port 9999 decodes port 9999, bad checks too" 3 udp_port9999 mcp5a \
    -o mcp5a.udp.port:9999 $noheur
check "udp.port moved: 23130 no longer decoded (heuristic off)" 0 udp_basic mcp5a \
    -o mcp5a.udp.port:9999 $noheur
# The heuristic takes datagram 1 (a good frame) and then holds the
# conversation: all 21 datagrams, bad check and junk-led ones included.
check "udp.port moved: heuristic claims the conversation at its first good frame" 21 \
    udp_basic mcp5a -o mcp5a.udp.port:9999
check "Decode As (-d udp.port==9999,mcp5a)" 3 udp_port9999 mcp5a \
    -d udp.port==9999,mcp5a $noheur
check "tcp.port moved: 23130 no longer decoded (heuristic off)" 0 tcp_basic mcp5a \
    -o mcp5a.tcp.port:9999 --disable-heuristic mcp5a_tcp
check "tcp.port default decodes" 8 tcp_basic mcp5a --disable-heuristic mcp5a_tcp

# A frame cut by the capture's snaplen: CRC unverified, never bad, no exception
# escapes (udp_basic frame 13 holds two frames; cut at 62 bytes the second
# keeps 5 of its 8 payload+CRC bytes).
editcap -s 62 "$work/udp_basic.pcap" "$work/udp_cut.pcap" && chmod a+r "$work/udp_cut.pcap"
values "snaplen cut: the cut frame's CRC is unverified" "1,2" udp_cut mcp5a.crc.status \
    -Y frame.number==13
check "snaplen cut: no exception escapes" 0 udp_cut "_ws.malformed && !mcp5a.payload.malformed"
values "snaplen cut: the cut frame is still analysed" "3,4" udp_cut \
    mcp5a.analysis.expected_seq -Y frame.number==13

# §5 line silence (serial_silence.vec): a false start (length 4000) and a READ
# (seq 1), then 150 ms later HEARTBEATs 2 and 3. Silence of at least
# mcp5a.serial.silence_ms gives the false start up in record 2, before its bytes.
values "serial silence default (100 ms): frames shown after the silence" "|1,2,3" \
    serial_silence mcp5a.seq
values "serial silence: the false start is junk of record 2" "|4" serial_silence mcp5a.junk.len
values "serial silence 150 ms: exactly the gap is silence" "|1,2,3" serial_silence mcp5a.seq \
    -o mcp5a.serial.silence_ms:150
values "serial silence 151 ms: not silent long enough" "|" serial_silence mcp5a.seq \
    -o mcp5a.serial.silence_ms:151
values "serial silence 0: never, the false start holds every frame" "|" serial_silence \
    mcp5a.seq -o mcp5a.serial.silence_ms:0

if [ $fails -ne 0 ]; then
    echo "$fails preference check(s) failed" >&2
    exit 1
fi
