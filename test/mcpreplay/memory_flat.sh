#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Streamed memory flat whatever the capture's length: mcpreplay's peak RSS
# replaying 200,000 UDP frames (--topspeed, to a loopback socket that never
# answers) stays within 1 MiB of that of 10,000 frames. The queue of ready
# frames once kept a slot per frame (8 bytes a frame: 1.6 MiB more at 200,000,
# 8 MiB at 1,000,000); what stays bounded but is not flat (the matcher's
# settled keys, at most 256 x 64) costs about 0.2 MiB.
# The same with --expect (issue 24): every request is one no one answers, and
# the capture holds no answer either; a recorded request is let go once lib's
# matcher forgets it (64 newer unanswered ones with its seq), so 30,000 and
# 300,000 frames peak alike. It once kept about 270 bytes a request for 30 s
# of capture time: 70 MiB more at 300,000.
#   memory_flat.sh MCPREPLAY MKCAP
set -uo pipefail
replay=${1:?usage: memory_flat.sh MCPREPLAY MKCAP}
mkcap=${2:?usage: memory_flat.sh MCPREPLAY MKCAP}
. "$(dirname "$0")/../libsh/memory_flat.sh"
command -v python3 >/dev/null || { echo "SKIP: needs python3"; exit 77; }
work=$(mktemp -d /tmp/mcpreplay-memflat.XXXXXX)
sink=
trap '[ -n "$sink" ] && kill "$sink" 2>/dev/null; rm -rf "$work"' EXIT
# A bound UDP socket that is never read: datagrams beyond its buffer are
# dropped by the kernel, so sends never fail and nothing is answered.
# Its port is read from its first line: no polling against a guessed start-up time.
exec 3< <(exec python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True)
time.sleep(600)
')
sink=$!
read -r -t 60 port <&3 && [ -n "$port" ] || { echo "no sink socket" >&2; exit 1; }
peak() {
    "$mkcap" --out "$work/x.pcap" --count "$1" --gap-us 1 >/dev/null || return 1
    peak_kb "$replay" -q --topspeed -t "udp://127.0.0.1:$port" "$work/x.pcap"
}
memory_flat "mcpreplay (streamed)" 1024 10000 200000 peak
peak_expect() { # the verdict is exit 1 (requests sent, nothing to compare them with)
    "$mkcap" --out "$work/x.pcap" --count "$1" --gap-us 1 >/dev/null || return 1
    local status=0
    /usr/bin/time -f '%M' -o "$work/m" "$replay" -q --topspeed --expect --timeout 100 \
        -t "udp://127.0.0.1:$port" "$work/x.pcap" || status=$?
    [ "$status" -eq 1 ] || { echo "--expect: exit $status, not 1 (nothing compared)" >&2; return 1; }
    tail -n 1 "$work/m"
}
memory_flat "mcpreplay --expect (streamed)" 2048 30000 300000 peak_expect
