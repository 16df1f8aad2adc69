#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Tiny scenarios whose answer keys were worked out by hand from
# docs/PROTOCOL.md §3/§4 (see the comments), compared line for line.
#   hand_truth.sh MCPGEN
set -euo pipefail
mcpgen=${1:?usage: hand_truth.sh MCPGEN}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/mcpgen-hand.XXXXXX)
trap 'rm -rf "$work"' EXIT
# One master, one device, HEARTBEATs only, a request every 10 ms, answers after exactly 1 ms.
common="-t udp --masters 1 --devices 1 --mix heartbeat=1 --first-seq 0 --requests 3 --steady
        --rate 100 --latency 1 --burst 0 --split 0 --bad-request 0 --busy 0 --seed 1"
status=0

# gap: the master's 2nd HEARTBEAT (seq 1, fresh frame 3 after the device's first answer) is
# lost. The 3rd (seq 2, t=20 ms) shows a gap of 1 (expected 1); the device NAKs seq 1 with
# reason 2 (its seq 1, t=20.2 ms) and the master resends seq 1 (t=20.5 ms): a retransmission
# (L is 2, so expected 3). The device answers seq 2 at 21 ms and seq 1 at 21.5 ms.
# shellcheck disable=SC2086
"$mcpgen" $common --fault-at gap:3 --gap-size 1 --out "$work/gap.pcap" --truth "$work/gap.jsonl"
diff -u "$here/hand/gap.expected" "$work/gap.jsonl" || status=1

# bad-crc then duplicate: the 2nd HEARTBEAT (seq 1) goes out with a bad check (ignored, no
# expected_seq); the device NAKs L+1 = 1 with reason 1; the resend of seq 1 is in order and
# is the request the answer links to. That answer (fresh frame 4) is sent twice in one
# datagram: in order, then a duplicate (expected 3) that links to nothing.
# shellcheck disable=SC2086
"$mcpgen" $common --fault-at bad-crc:3,duplicate:4 --out "$work/bd.pcap" --truth "$work/bd.jsonl"
diff -u "$here/hand/badcrc-dup.expected" "$work/bd.jsonl" || status=1
exit $status
