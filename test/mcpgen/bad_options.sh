#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Bad options: one line on stderr and exit 2; an output that cannot be
# written: exit 6 (one exit-code table: docs/options.md). Nothing is left behind.
#   bad_options.sh MCPGEN
set -uo pipefail
mcpgen=${1:?usage: bad_options.sh MCPGEN}
work=$(mktemp -d /tmp/mcpgen-opt.XXXXXX)
trap 'rm -rf "$work"' EXIT
out="--out $work/x.pcap"
status=0
expect() {
    local want=$1
    shift
    "$mcpgen" "$@" >"$work/stdout" 2>"$work/stderr"
    local rc=$?
    local lines
    lines=$(wc -l <"$work/stderr")
    if [ $rc -ne "$want" ] || [ "$lines" -ne 1 ] || ! grep -q '^mcpgen: ' "$work/stderr"; then
        echo "mcpgen $*: exit $rc (want $want), stderr:" >&2
        cat "$work/stderr" >&2
        status=1
    fi
}
expect 2                                   # no --out
expect 2 $out --transport carrier-pigeon
expect 2 $out --format pcapx
expect 2 $out --link tokenring
expect 2 $out --crc crc32
expect 2 $out --bad-crc 1.5
expect 2 $out --gap -0.1
expect 2 $out --bad-crc 0.6 --gap 0.6      # fault probabilities over 1
expect 2 $out --masters 0
expect 2 $out --devices 1000
expect 2 $out --frames 0
expect 2 $out --rate 0
expect 2 $out --seed -1
expect 2 $out --seed banana
expect 2 $out --first-seq 256
expect 2 $out --vlan-id 5000
expect 2 $out --mix heartbeat=x
expect 2 $out --mix nothing=1
expect 2 $out --mix read=0
expect 2 $out --fault-at gap
expect 2 $out --fault-at explode:3
expect 2 $out -t tcp --broadcast 0.5
expect 2 $out -t udp --noise 0.5
expect 2 $out -t udp --big-frames 1
expect 2 $out -t serial --masters 2
expect 2 $out -t serial --link vlan
expect 2 $out -t serial --ipv6
expect 2 $out --no-such-option
expect 2 $out stray-argument
# a bad register map: "mcpgen: FILE:LINE: what is wrong" (docs/REGISTER-MAP.md §1)
printf 'device,addr,name,type\n1,0,ok,u16\n1,1,bad,u17\n' >"$work/bad.csv"
expect 2 $out --map "$work/bad.csv"
grep -q "^mcpgen: $work/bad.csv:3: " "$work/stderr" || {
    echo "--map bad.csv: want 'mcpgen: $work/bad.csv:3: ...', got:" >&2
    cat "$work/stderr" >&2
    status=1
}
printf 'device,addr,name,type\n200,0,far,u16\n' >"$work/far.csv"
expect 2 $out --map "$work/far.csv"         # device 200: mcpgen simulates 1..150
expect 2 $out --map "$work/no-such-map.csv"
expect 6 --out "$work/no/such/dir/x.pcap"
expect 6 --out "$work/no/such/dir/x.pcapng" --format pcapng
expect 6 $out --truth "$work/no/such/dir/x.jsonl"
# a failed run leaves no capture behind
if [ -e "$work/x.pcap" ]; then
    echo "a failed run left $work/x.pcap behind" >&2
    status=1
fi
[ $status -eq 0 ] && echo "bad options exit 2, unwritable outputs exit 6"
exit $status
