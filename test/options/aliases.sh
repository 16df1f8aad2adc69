#!/usr/bin/env bash
# mcpgen's old spellings (hidden for one release, CHANGELOG.md) give the same
# bytes as the new ones.
#   aliases.sh MCPGEN
set -uo pipefail
mcpgen=${1:?usage: aliases.sh MCPGEN}
work=$(mktemp -d /tmp/mcpgen-alias.XXXXXX)
trap 'rm -rf "$work"' EXIT
"$mcpgen" -t tcp -d 3 -n 300 --bad-crc 0.05 --gap 0.05 --fault-at bad-crc:5,gap:9 \
    -o "$work/old.pcap" --truth "$work/old.jsonl" || exit 1
"$mcpgen" --transport tcp --devices 3 -L 300 --corrupt-crc 0.05 --drop 0.05 \
    --fault-at corrupt-crc:5,drop:9 -w "$work/new.pcap" --truth "$work/new.jsonl" || exit 1
"$mcpgen" --transport tcp --devices 3 --limit 300 -w "$work/plain.pcap" || exit 1
if ! cmp "$work/old.pcap" "$work/new.pcap" || ! cmp "$work/old.jsonl" "$work/new.jsonl"; then
    echo "old and new spellings give different files" >&2
    exit 1
fi
# and the options did something: without the faults the capture differs
if cmp -s "$work/new.pcap" "$work/plain.pcap"; then
    echo "the fault options changed nothing" >&2
    exit 1
fi
echo "old spellings (-t -d -n -o --bad-crc --gap, fault names) = new ones, byte for byte"
