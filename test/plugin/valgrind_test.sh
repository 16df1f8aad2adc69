#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Valgrind (memcheck) over tshark -2 -V on the vector captures (UDP, TCP,
# serial): no invalid reads/writes, no uninitialised use (valgrind's error
# exit), and no definitely-lost block allocated through the plugin. tshark and
# GLib leak start-up allocations of their own; instead of suppressions, a
# leak counts when a frame of its stack is in mcp5a.so.
#   MCP5A_PLUGIN=mcp5a.so valgrind_test.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
runner="$here/../tshark-unpriv.sh"
work=$(mktemp -d /tmp/mcp5a-valgrind.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod a+rx "$work"
cat >"$work/vg-tshark" <<EOS
#!/bin/sh
exec valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=none \
    --show-leak-kinds=definite --log-file=$work/vg.%p.log tshark "\$@"
EOS
chmod a+rx "$work/vg-tshark"
chmod a+rwx "$work"
fails=0
for v in udp_basic tcp_basic serial_basic; do
    python3 "$here/mkcap.py" "$here/vectors/$v.vec" "$work/$v.pcap"
    rc=0
    MCP5A_TSHARK="$work/vg-tshark" "$runner" -n -2 -V -r "$work/$v.pcap" >/dev/null 2>&1 || rc=$?
    # Leak records are separated by bare "==PID== " lines.
    leaks=$(cat "$work"/vg.*.log | awk '/definitely lost/ {rec=1; buf=""} rec {buf=buf $0 "\n"}
        /^==[0-9]+== $/ {if (rec && buf ~ /mcp5a/) printf "%s", buf; rec=0}')
    if [ $rc -ne 0 ] || [ -n "$leaks" ]; then
        echo "FAIL $v: valgrind/tshark exited $rc" >&2
        [ -n "$leaks" ] && printf '%s\n' "$leaks" >&2
        grep -v "definitely lost" "$work"/vg.*.log | head -40 >&2 || true
        fails=1
    else
        echo "ok   $v: memcheck clean"
    fi
    rm -f "$work"/vg.*.log
done
exit $fails
