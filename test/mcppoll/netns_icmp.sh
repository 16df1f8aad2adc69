#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ICMP errors from a router are reported (h19 finding 11): a client namespace h25a
# behind a router namespace h25b whose routes answer 'unreachable' (203.0.113.0/25) and
# 'prohibit' (203.0.113.128/25). Both namespaces are this test's own (deleted at the end);
# no datagram leaves them. mcppoll and mcpreplay must exit 3 naming the ICMP type/code and
# the router's address; before IP_RECVERR they said "nothing answered it" / "result: ok".
#
#   netns_icmp.sh BUILD_DIR        (needs root and ip netns; exit 77 to skip)
set -u
B=$1/replay
[ "$(id -u)" = 0 ] && command -v ip >/dev/null || { echo "skip: needs root and ip"; exit 77; }
C=h25a$$ R=h25b$$
tmp=$(mktemp -d)
cleanup() { ip netns del "$C" 2>/dev/null; ip netns del "$R" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
ip netns add "$C" && ip netns add "$R" || { echo "skip: cannot create namespaces"; exit 77; }
ip link add h25ca netns "$C" type veth peer name h25ra netns "$R" || { echo "skip: no veth"; exit 77; }
nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
nsx "$C" ip addr add 10.254.25.2/24 dev h25ca && nsx "$C" ip link set h25ca up && nsx "$C" ip link set lo up
nsx "$R" ip addr add 10.254.25.1/24 dev h25ra && nsx "$R" ip link set h25ra up && nsx "$R" ip link set lo up
nsx "$R" sysctl -qw net.ipv4.ip_forward=1
nsx "$R" sysctl -qw net.ipv4.icmp_ratelimit=0
# The router's ICMP for routing errors has its own budget (ip_error(): a burst of
# route.error_burst, then one per route.error_cost jiffies): lift it where the kernel lets
# a namespace do so, and run each kind of error in its own second below anyway.
nsx "$R" sysctl -qw net.ipv4.route.error_cost=0 2>/dev/null
nsx "$R" sysctl -qw net.ipv4.route.error_burst=100000 2>/dev/null
nsx "$R" ip route add unreachable 203.0.113.0/25
nsx "$R" ip route add prohibit 203.0.113.128/25
nsx "$C" ip route add default via 10.254.25.1
# 60 frames (~0.4 s): the ICMP error comes back long before the last send (a run that
# ends before it arrives is a gap of mcpreplay, see the report of h25)
"$B/mcpgen/mcpgen" -L 60 -w "$tmp/c.pcap" >/dev/null || exit 1

fails=0
expect() { # expect WHAT RC NEEDLE -- command...
    local what=$1 want=$2 needle=$3; shift 4
    local out rc
    out=$(timeout 30 ip netns exec "$C" "$@" 2>&1); rc=$?
    if [ "$rc" = "$want" ] && grep -qF -- "$needle" <<<"$out"; then
        echo "ok: $what"
    else
        echo "not ok: $what: wanted exit $want and '$needle', got exit $rc:"; echo "$out" | tail -5
        fails=$((fails + 1))
    fi
}
expect "mcpreplay, unreachable route" 3 "ICMP host unreachable (type 3 code 1) from 10.254.25.1" -- \
    "$B/mcpreplay/mcpreplay" -t udp://203.0.113.5:23130 "$tmp/c.pcap"
# mcpreplay's 60 frames spend the router's error budget where the namespace cannot lift
# it (one ICMP a second after the burst): a second for the next error
sleep 1.5
expect "mcppoll, unreachable route" 3 "unreachable (ICMP host unreachable (type 3 code 1) from 10.254.25.1)" -- \
    "$B/mcppoll/mcppoll" --timeout 2000 udp://203.0.113.5:23130 read 1 0 1
sleep 1.5
expect "mcpreplay, prohibit route" 3 "ICMP communication administratively prohibited" -- \
    "$B/mcpreplay/mcpreplay" -t udp://203.0.113.200:23130 "$tmp/c.pcap"
sleep 1.5
expect "mcppoll, prohibit route" 3 "(ICMP communication administratively prohibited (type 3 code 13) from 10.254.25.1)" -- \
    "$B/mcppoll/mcppoll" --timeout 2000 udp://203.0.113.200:23130 read 1 0 1
expect "mcppoll, nothing listens on the router" 3 "refused (ICMP port unreachable (type 3 code 3) from 10.254.25.1: nothing listens there)" -- \
    "$B/mcppoll/mcppoll" --timeout 2000 udp://10.254.25.1:23130 read 1 0 1
[ -n "${H25_KEEP:-}" ] && { trap - EXIT; echo "kept $C $R $tmp"; }
exit $((fails > 0))
