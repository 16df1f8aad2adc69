#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Regenerates every sample capture and its answer key with mcpgen.
#
#   captures/regenerate.sh [OUTDIR]    write into OUTDIR (default: this folder)
#   captures/regenerate.sh --table     print the README table of files and commands
#
# MCPGEN names the mcpgen binary (default: mcpgen on PATH). The output is
# byte-identical on every run: test/captures checks that.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mcpgen=${MCPGEN:-mcpgen}

# name | what it shows | mcpgen arguments (besides --write and --truth)
CAPTURES=(
    "udp-clean|UDP, 2 masters x 3 devices: every command of §2, the device statuses (ILLEGAL_VALUE, ILLEGAL_ADDRESS, UNKNOWN_DEVICE, DEVICE_BUSY, DEVICE_FAILURE, UNSUPPORTED_COMMAND), EVENTs, WRITE to device 0xFF, some datagrams with several frames|--transport udp --masters 2 --devices 1-3 --limit 200 --burst 0.3 --seed 1"
    "udp-bad-crc|UDP, frames with a bad check: NAK reason 1 naming L+1, then the resend|--transport udp --devices 1-2 --limit 150 --corrupt-crc 0.1 --seed 11"
    "udp-gap|UDP, frames lost before the capture point: gap, NAK reason 2 per missing seq, retransmissions|--transport udp --devices 1-2 --limit 150 --drop 0.08 --seed 12"
    "udp-duplicate|UDP, frames sent twice|--transport udp --devices 1-2 --limit 150 --duplicate 0.1 --seed 13"
    "udp-reorder|UDP, frames overtaken by the next one: gap then out of order|--transport udp --devices 1-2 --limit 150 --reorder 0.1 --seed 14"
    "udp-nak|UDP, frames NAKed BUSY (reason 5) and retransmitted|--transport udp --devices 1-2 --limit 150 --nak 0.1 --seed 15"
    "udp-sync|UDP, SYNC frames restarting a sender's sequence|--transport udp --devices 1-2 --limit 150 --sync 0.08 --seed 16"
    "udp-broadcast|UDP requests to 255.255.255.255, never answered|--transport udp --masters 2 --devices 1-2 --limit 150 --broadcast 0.3 --seed 17"
    "udp-subnet-broadcast|UDP requests to the subnet broadcast 10.0.0.255|--transport udp --devices 1-2 --limit 100 --broadcast 0.3 --subnet-broadcast --seed 18"
    "udp-ipv6|UDP over IPv6 (broadcast stands in as ff02::1)|--transport udp --ipv6 --masters 2 --devices 1-2 --limit 150 --broadcast 0.1 --seed 19"
    "udp-vlan|UDP in 802.1Q-tagged Ethernet (VLAN 42)|--transport udp --vlan-id 42 --devices 1-2 --limit 100 --seed 20"
    "udp-sll|UDP in Linux cooked (SLL) framing|--transport udp --link sll --devices 1-2 --limit 100 --seed 21"
    "udp-length-le|UDP, little-endian length field (preference mcp5a.length_le)|--transport udp --length-le --devices 1-2 --limit 100 --seed 22"
    "udp-crc-maxim|UDP, check variant crc8-maxim (preference mcp5a.crc_variant)|--transport udp --crc crc8-maxim --devices 1-2 --limit 100 --corrupt-crc 0.05 --seed 23"
    "udp-faults|UDP, every fault at once|--transport udp --masters 2 --devices 1-2 --limit 300 --corrupt-crc 0.04 --drop 0.04 --duplicate 0.04 --reorder 0.04 --nak 0.04 --sync 0.02 --burst 0.3 --seed 24"
    "tcp-clean|TCP: handshake, frames split across segments and several per segment, a 4 KiB frame over three segments, FINs|--transport tcp --masters 1 --devices 1-2 --limit 200 --split 0.5 --burst 0.3 --seed 2"
    "tcp-faults|TCP, every fault at once (bad check frames stay in the stream)|--transport tcp --masters 2 --devices 1-2 --limit 300 --corrupt-crc 0.04 --drop 0.04 --duplicate 0.04 --reorder 0.04 --nak 0.04 --sync 0.02 --split 0.5 --burst 0.3 --seed 25"
    "tcp-ipv6-sll|TCP over IPv6 in Linux cooked framing|--transport tcp --ipv6 --link sll --devices 1-2 --limit 150 --split 0.5 --seed 26"
    "tcp-crc-autosar-le|TCP, crc8-autosar with little-endian lengths|--transport tcp --crc crc8-autosar --length-le --devices 1-2 --limit 150 --split 0.5 --seed 27"
    "tcp-pcapng-ns|TCP in pcapng with nanosecond timestamps|--transport tcp --format pcapng --nano --devices 1-2 --limit 150 --split 0.5 --seed 28"
    "serial-clean|Serial line (exported PDUs, mcp5a.serial): frames split across records anywhere|--transport serial --devices 1-3 --limit 200 --split 0.5 --seed 3"
    "serial-noise|Serial line noise and false starts (0x5A with a length over 4096; 0x5A with a plausible length that fails the check, delaying the frames inside its window)|--transport serial --devices 1-3 --limit 200 --split 0.6 --noise 0.5 --seed 4"
    "serial-faults|Serial, every fault: a bad check is junk, so the receiver sees a gap and NAKs it|--transport serial --devices 1-2 --limit 300 --corrupt-crc 0.05 --drop 0.04 --duplicate 0.04 --reorder 0.04 --nak 0.04 --sync 0.02 --noise 0.2 --split 0.5 --seed 5"
    "serial-xor8-le|Serial with the xor8 check and little-endian lengths|--transport serial --crc xor8 --length-le --devices 1-2 --limit 150 --noise 0.3 --split 0.5 --seed 6"
    "serial-pcapng|Serial in pcapng with microsecond timestamps|--transport serial --format pcapng --devices 1-2 --limit 100 --noise 0.3 --split 0.5 --seed 7"
    "plant|A plant's devices with the register map \`plant-map.csv\` (dissector preference mcp5a.register_map, docs/REGISTER-MAP.md): READs of whole items and blocks of adjacent items, WRITEs of setpoints that then stay; tank temperatures (scaled i16) on a sine and a ramp over a minute, f32 levels and flows in CDAB order, \`bits\` status words with labels, \`str:8\` serial numbers, u32 counters; the truth file's \`items\` give every value|--transport udp --devices 1-3 --map plant-map.csv --rate 5 --limit 600 --mix heartbeat=10,read=60,write=12,unknown=3,write-all=3,event=12 --seed 18"
)

if [ "${1:-}" = "--table" ]; then
    echo "| file | what it shows | command |"
    echo "|------|---------------|---------|"
    for entry in "${CAPTURES[@]}"; do
        IFS='|' read -r name what args <<<"$entry"
        ext=pcap
        [[ $args == *pcapng* ]] && ext=pcapng
        echo "| \`$name.$ext\` | $what | \`mcpgen $args --write $name.$ext --truth $name.truth.jsonl\` |"
    done
    exit 0
fi

out=${1:-$here}
mkdir -p "$out"
for entry in "${CAPTURES[@]}"; do
    IFS='|' read -r name what args <<<"$entry"
    ext=pcap
    [[ $args == *pcapng* ]] && ext=pcapng
    args=${args//--map /--map $here/} # a map lies beside the captures
    # shellcheck disable=SC2086 # args are words on purpose
    "$mcpgen" $args --write "$out/$name.$ext" --truth "$out/$name.truth.jsonl"
    chmod a+r "$out/$name.$ext" "$out/$name.truth.jsonl"
done
