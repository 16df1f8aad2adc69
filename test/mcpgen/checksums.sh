#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tshark, with checksum validation switched on, finds every IPv4 header, UDP
# and TCP checksum of the IP captures in DIR good, and none bad.
#   checksums.sh DIR      (exit 77 without tshark)
# The captures are concatenated (mergecap -a) and read by one tshark; only when
# that finds a bad record is each capture read on its own, to name it.
set -euo pipefail
dir=${1:?usage: checksums.sh DIR}
command -v tshark >/dev/null || { echo "tshark not installed: skipped"; exit 77; }
command -v mergecap >/dev/null || { echo "mergecap not installed: skipped"; exit 77; }
caps=()
for cap in "$dir"/udp-*.pcap "$dir"/tcp-*.pcap "$dir"/tcp-*.pcapng; do
    [ -f "$cap" ] && caps+=("$cap")
done
[ ${#caps[@]} -gt 0 ] || { echo "no IP captures in $dir" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

count_bad() { # FILE: prints how many records have a checksum not verified good
    local out
    out=$(tshark -r "$1" -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE \
        -o tcp.check_checksum:TRUE -T fields -e ip.checksum.status -e udp.checksum.status \
        -e tcp.checksum.status 2>/dev/null)
    [ -n "$out" ] || { echo "tshark read no record of $1" >&2; echo 1; return; }
    # status 1 = good; every record must have its transport checksum good
    awk -F'\t' '{for (i = 1; i <= NF; i++) if ($i != "" && $i != "1") n++}
                ($2 != "1" && $3 != "1") {n++} END {print n + 0}' <<<"$out"
}

mergecap -a -F pcapng -w "$work/all.pcapng" "${caps[@]}"
if [ "$(count_bad "$work/all.pcapng")" -eq 0 ]; then
    echo "${#caps[@]} captures: every IP/UDP/TCP checksum good"
    exit 0
fi
status=0
for cap in "${caps[@]}"; do
    bad=$(count_bad "$cap")
    if [ "$bad" -ne 0 ]; then
        echo "$cap: $bad records with a checksum not verified good" >&2
        status=1
    fi
done
[ $status -ne 0 ] || echo "the concatenated captures had a bad checksum, but no single capture has one" >&2
exit 1
