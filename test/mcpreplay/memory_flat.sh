#!/usr/bin/env bash
# Streamed memory flat whatever the capture's length: mcpreplay's peak RSS
# replaying 200,000 UDP frames (--topspeed, to a loopback socket that never
# answers) stays within 1 MiB of that of 10,000 frames. The queue of ready
# frames once kept a slot per frame (8 bytes a frame: 1.6 MiB more at 200,000,
# 8 MiB at 1,000,000); what stays bounded but is not flat (the matcher's
# settled keys, at most 256 x 64) costs about 0.2 MiB.
#   memory_flat.sh MCPREPLAY MKCAP
set -uo pipefail
replay=${1:?usage: memory_flat.sh MCPREPLAY MKCAP}
mkcap=${2:?usage: memory_flat.sh MCPREPLAY MKCAP}
command -v /usr/bin/time >/dev/null || { echo "SKIP: needs GNU time"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: needs python3"; exit 77; }
work=$(mktemp -d /tmp/mcpreplay-memflat.XXXXXX)
sink=
trap '[ -n "$sink" ] && kill "$sink" 2>/dev/null; rm -rf "$work"' EXIT
# A bound UDP socket that is never read: datagrams beyond its buffer are
# dropped by the kernel, so sends never fail and nothing is answered.
python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True)
time.sleep(600)
' >"$work/port" &
sink=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
port=$(cat "$work/port")
[ -n "$port" ] || { echo "no sink socket" >&2; exit 1; }
peak() {
    "$mkcap" --out "$work/x.pcap" --count "$1" --gap-us 1 >/dev/null || exit 1
    /usr/bin/time -f '%M' -o "$work/time" "$replay" -q --topspeed -t "udp://127.0.0.1:$port" \
        "$work/x.pcap" || { echo "mcpreplay failed on $1 frames" >&2; exit 1; }
    cat "$work/time"
}
small=$(peak 10000)
large=$(peak 200000)
echo "peak RSS streamed: 10,000 frames ${small} KB, 200,000 frames ${large} KB"
if [ $((large - small)) -gt 1024 ]; then
    echo "streamed memory grows with the capture: $((large - small)) KB more" >&2
    exit 1
fi
