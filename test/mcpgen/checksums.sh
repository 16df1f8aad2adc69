#!/usr/bin/env bash
# tshark, with checksum validation switched on, finds every IPv4 header, UDP
# and TCP checksum of the IP captures in DIR good, and none bad.
#   checksums.sh DIR      (exit 77 without tshark)
set -euo pipefail
dir=${1:?usage: checksums.sh DIR}
command -v tshark >/dev/null || { echo "tshark not installed: skipped"; exit 77; }
status=0 count=0
for cap in "$dir"/udp-*.pcap "$dir"/tcp-*.pcap "$dir"/tcp-*.pcapng; do
    [ -f "$cap" ] || continue
    out=$(tshark -r "$cap" -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE \
        -o tcp.check_checksum:TRUE -T fields -e ip.checksum.status -e udp.checksum.status \
        -e tcp.checksum.status 2>/dev/null)
    # status 1 = good; every record must have its transport checksum good
    bad=$(awk -F'\t' '{for (i = 1; i <= NF; i++) if ($i != "" && $i != "1") n++}
                      ($2 != "1" && $3 != "1") {n++} END {print n + 0}' <<<"$out")
    if [ "$bad" -ne 0 ]; then
        echo "$cap: $bad records with a checksum not verified good" >&2
        status=1
    fi
    count=$((count + 1))
done
[ $count -gt 0 ] || { echo "no IP captures in $dir" >&2; exit 1; }
[ $status -eq 0 ] && echo "$count captures: every IP/UDP/TCP checksum good"
exit $status
