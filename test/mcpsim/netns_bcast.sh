#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs test_mcpsim_e2e_bcast inside a throw-away network namespace with a veth
# pair (10.77.0.1/24, broadcast 10.77.0.255), so broadcast datagrams never
# leave this test. Exit 77 (skipped) when namespaces cannot be created.
set -u
test_bin=$1
ns=mcpsim-bcast-$$
if ! ip netns add "$ns" 2>/dev/null; then
    echo "netns_bcast: cannot create a network namespace (not root?): skipped"
    exit 77
fi
trap 'ip netns del "$ns" 2>/dev/null' EXIT
ip -n "$ns" link add v0 type veth peer name v1 &&
    ip -n "$ns" addr add 10.77.0.1/24 broadcast 10.77.0.255 dev v0 &&
    ip -n "$ns" link set lo up && ip -n "$ns" link set v0 up && ip -n "$ns" link set v1 up &&
    ip -n "$ns" route add default dev v0 || { echo "netns_bcast: cannot set up veth: skipped"; exit 77; }
ip netns exec "$ns" "$test_bin" --tap
