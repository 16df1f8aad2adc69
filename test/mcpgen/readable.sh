#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every capture in DIR is read to its end by libpcap, holds as many records
# as its truth file says, and has the link type its truth file names.
#   readable.sh PCAPCHECK DIR
set -euo pipefail
check=${1:?usage: readable.sh PCAPCHECK DIR}
dir=${2:?usage: readable.sh PCAPCHECK DIR}
status=0 count=0
shopt -s nullglob
for truth in "$dir"/*.truth.jsonl; do
    name=${truth%.truth.jsonl}
    cap=$name.pcap
    [ -f "$cap" ] || cap=$name.pcapng
    header=$(head -n 1 "$truth")
    want_records=$(sed -E 's/.*"records":([0-9]+).*/\1/' <<<"$header")
    case $(sed -E 's/.*"link":"([a-z_]+)".*/\1/' <<<"$header") in
    ethernet | vlan) want_link=1 ;;
    sll) want_link=113 ;;
    upper_pdu) want_link=252 ;;
    *) want_link=unknown ;;
    esac
    got=$("$check" "$cap") || { status=1; continue; }
    if [ "$got" != "linktype $want_link records $want_records" ]; then
        echo "$cap: libpcap sees '$got', truth says linktype $want_link records $want_records" >&2
        status=1
    fi
    count=$((count + 1))
done
[ $count -gt 0 ] || { echo "no captures in $dir" >&2; exit 1; }
echo "$count captures readable by libpcap"
exit $status
