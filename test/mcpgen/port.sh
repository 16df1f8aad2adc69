#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# --port: the devices' port in the packets, and the answer key follows it.
# The cross-check decodes the written packets, so exit 0 means the headers and
# the answer key agree; tshark (when present) confirms the port on the wire.
#   port.sh MCPGEN
set -uo pipefail
mcpgen=${1:?usage: port.sh MCPGEN}
work=$(mktemp -d /tmp/mcpgen-port.XXXXXX)
trap 'rm -rf "$work"' EXIT
status=0
for t in udp tcp; do
    if ! "$mcpgen" --transport "$t" --port 5020 --limit 60 --write "$work/$t.pcap" \
        --truth "$work/$t.jsonl"; then
        echo "$t: mcpgen --port 5020 failed" >&2
        status=1
        continue
    fi
    if grep -q ':23130' "$work/$t.jsonl" || ! grep -q ':5020"' "$work/$t.jsonl"; then
        echo "$t: the answer key does not name port 5020" >&2
        status=1
    fi
    # the port is in the UDP/TCP headers: 5020 = 0x139c, big-endian
    if ! od -An -tx1 -v "$work/$t.pcap" | tr -d ' \n' | grep '139c' >/dev/null; then
        echo "$t: no 0x139c port in the capture" >&2
        status=1
    fi
    if command -v tshark >/dev/null; then
        ports=$(tshark -r "$work/$t.pcap" -T fields -e "$t.port" 2>/dev/null | tr ',' '\n' |
            sort -un | tr '\n' ' ')
        case " $ports" in
        *" 5020 "*) ;;
        *) echo "$t: tshark sees ports $ports, not 5020" >&2; status=1 ;;
        esac
        case " $ports" in
        *" 23130 "*) echo "$t: tshark still sees 23130" >&2; status=1 ;;
        esac
    fi
done
for bad in 0 65536 40001 -1 x; do
    if "$mcpgen" --port "$bad" --write "$work/bad.pcap" 2>/dev/null; then
        echo "--port $bad accepted" >&2
        status=1
    fi
done
"$mcpgen" --transport serial --port 5020 --write "$work/s.pcap" 2>/dev/null && {
    echo "--port accepted for serial" >&2
    status=1
}
[ $status -eq 0 ] && echo "--port 5020 reaches the packets and the answer key"
exit $status
