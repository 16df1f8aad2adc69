#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The pcapng writer: libpcap reads back exactly the records and timestamps of
# the pcap that libpcap itself wrote from the same seed (µs and ns), tshark
# reads the pcapng with the right timestamp precision and the same times,
# and the ns file really carries sub-microsecond digits.
#   pcapng.sh MCPGEN PCAPCHECK
set -euo pipefail
mcpgen=${1:?usage: pcapng.sh MCPGEN PCAPCHECK}
check=${2:?usage: pcapng.sh MCPGEN PCAPCHECK}
work=$(mktemp -d /tmp/mcpgen-ng.XXXXXX)
trap 'rm -rf "$work"' EXIT
status=0
args="-t tcp --devices 1-2 --frames 200 --split 0.5 --seed 9"
for res in "" --nano; do
    # shellcheck disable=SC2086
    "$mcpgen" $args $res --format pcap --out "$work/a.pcap"
    # shellcheck disable=SC2086
    "$mcpgen" $args $res --format pcapng --out "$work/a.pcapng"
    "$check" --records "$work/a.pcap" >"$work/pcap.txt"
    "$check" --records "$work/a.pcapng" >"$work/pcapng.txt"
    if ! cmp -s "$work/pcap.txt" "$work/pcapng.txt"; then
        echo "pcapng$res: libpcap reads different records than from the pcap" >&2
        diff "$work/pcap.txt" "$work/pcapng.txt" | head -5 >&2
        status=1
    fi
    if [ "$res" = --nano ] && ! awk 'NR > 1 && $1 !~ /000$/ {found = 1} END {exit !found}' \
        "$work/pcapng.txt"; then
        echo "pcapng --nano: no timestamp with sub-microsecond digits" >&2
        status=1
    fi
    if command -v tshark >/dev/null; then
        want=$([ "$res" = --nano ] && echo "nanoseconds (9)" || echo "microseconds (6)")
        if ! capinfos "$work/a.pcapng" | grep "precision: *$want" >/dev/null; then
            echo "pcapng$res: capinfos does not report $want" >&2
            status=1
        fi
        tshark -r "$work/a.pcap" -T fields -e frame.time_epoch -e frame.len 2>/dev/null >"$work/ts1.txt"
        tshark -r "$work/a.pcapng" -T fields -e frame.time_epoch -e frame.len 2>/dev/null >"$work/ts2.txt"
        if ! cmp -s "$work/ts1.txt" "$work/ts2.txt" || [ ! -s "$work/ts1.txt" ]; then
            echo "pcapng$res: tshark reads other times or lengths than from the pcap" >&2
            status=1
        fi
    fi
done
[ $status -eq 0 ] && echo "pcapng matches pcap (libpcap$(command -v tshark >/dev/null && echo ', tshark'))"
exit $status
