#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mcpgen's old spellings (hidden for one release, CHANGELOG.md) give the same
# bytes as the new ones.
#   aliases.sh MCPGEN
set -uo pipefail
mcpgen=${1:?usage: aliases.sh MCPGEN}
work=$(mktemp -d /tmp/mcpgen-alias.XXXXXX)
trap 'rm -rf "$work"' EXIT
"$mcpgen" -t tcp -d 3 -n 300 --bad-crc 0.05 --gap 0.05 --fault-at bad-crc:5,gap:9 \
    -o "$work/old.pcap" --truth "$work/old.jsonl" || exit 1
"$mcpgen" --transport tcp --devices 1-3 -L 300 --corrupt-crc 0.05 --drop 0.05 \
    --fault-at corrupt-crc:5,drop:9 -w "$work/new.pcap" --truth "$work/new.jsonl" || exit 1
"$mcpgen" --transport tcp --devices 1-3 --limit 300 -w "$work/plain.pcap" || exit 1
if ! cmp "$work/old.pcap" "$work/new.pcap" || ! cmp "$work/old.jsonl" "$work/new.jsonl"; then
    echo "old and new spellings give different files" >&2
    exit 1
fi
# --devices N (a count in 0.2) = --devices 1-N; --latency L --jitter F (a share) = --latency L:L*F
"$mcpgen" --devices 4 --latency 8 --jitter 0.25 -L 300 -w "$work/old2.pcap" \
    --truth "$work/old2.jsonl" 2>"$work/notice" || exit 1
"$mcpgen" --devices 1-4 --latency 8:2 -L 300 -w "$work/new2.pcap" --truth "$work/new2.jsonl" || exit 1
if ! cmp "$work/old2.pcap" "$work/new2.pcap" || ! cmp "$work/old2.jsonl" "$work/new2.jsonl"; then
    echo "--devices 4 --latency 8 --jitter 0.25 and --devices 1-4 --latency 8:2 differ" >&2
    exit 1
fi
if ! grep -q -- "--devices 1-4" "$work/notice"; then
    echo "--devices 4 gave no notice of the new meaning" >&2
    exit 1
fi
# the latency did something: the default (5:2.5) differs
"$mcpgen" --devices 1-4 -L 300 -w "$work/default2.pcap" || exit 1
if cmp -s "$work/new2.pcap" "$work/default2.pcap"; then
    echo "--latency 8:2 changed nothing" >&2
    exit 1
fi
# and the options did something: without the faults the capture differs
if cmp -s "$work/new.pcap" "$work/plain.pcap"; then
    echo "the fault options changed nothing" >&2
    exit 1
fi
echo "old spellings (-t -d -n -o --bad-crc --gap, fault names, --devices N, --jitter) = new ones, byte for byte"
