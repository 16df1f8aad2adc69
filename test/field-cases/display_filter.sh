#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mcpreplay -Y FILTER replays exactly the frames tshark with the plugin shows
# for -Y FILTER on the same capture (record order, seq, cmd). Skips (77) only
# when the staged plugin has no MCP5A export tap; a missing tshark is a clear
# exit 2 from mcpreplay, checked too.
#   display_filter.sh MCPREPLAY TSHARK-RUNNER CAPTURE...
set -euo pipefail
mcpreplay=$1 runner=$2
shift 2
[ -f "${MCP5A_PLUGIN:-}" ] || { echo "SKIP: plugin not built"; exit 77; }
work=$(mktemp -d /tmp/mcp-dfilter.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod a+rwx "$work"
status=0
# tshark absent: one clear line, exit 2.
set +e
msg=$(PATH=/nonexistent "$mcpreplay" -n -Y mcp5a "$1" 2>&1 >/dev/null); rc=$?
set -e
if [ $rc -ne 2 ] || ! grep -q "tshark is not in PATH" <<<"$msg"; then
    echo "not ok: without tshark: exit $rc: $msg"; status=1
else
    echo "ok: without tshark: exit 2, $msg"
fi
cp "$1" "$work/probe.pcap" && chmod a+r "$work/probe.pcap"
probe=$("$runner" -r "$work/probe.pcap" -U MCP5A -w "$work/probe-out.pcapng" -Q 2>&1 || true)
if grep -qi "tap" <<<"$probe"; then
    echo "SKIP: the staged plugin has no MCP5A export tap (tshark -U MCP5A refused)"
    exit 77
fi
for cap in "$@"; do
    cp "$cap" "$work/" && chmod a+r "$work/$(basename "$cap")"
    c="$work/$(basename "$cap")"
    for filter in "mcp5a.cmd == 2" "mcp5a.cmd.response == 1 && mcp5a.seq < 60"; do
        got=$(MCPREPLAY_TSHARK="$runner" "$mcpreplay" -n --from all -Y "$filter" "$c" |
              awk '$1 ~ /^[0-9.]+$/ && NF >= 6 { print $3 " " $5 }')
        # tshark prints seq and cmd per frame (aggregated per record); compare as pairs.
        want=$(python3 -c '
import sys
out = []
for line in sys.stdin.read().splitlines():
    parts = line.split()
    if len(parts) < 2: continue
    seqs = parts[0].split(","); cmds = parts[1].split(",")
    out += [f"{s} {c}" for s, c in zip(seqs, cmds)]
print("\n".join(out))' <<<"$("$runner" -r "$c" -Y "$filter" -T fields -e mcp5a.seq -e mcp5a.cmd 2>/dev/null)")
        if [ "$want" = "$got" ] && [ -n "$got" ]; then
            echo "ok: $(basename "$cap") -Y '$filter': $(wc -l <<<"$got") frames as tshark shows"
        else
            echo "not ok: $(basename "$cap") -Y '$filter': differs from tshark"
            diff <(echo "$want") <(echo "$got") | head -10
            status=1
        fi
    done
done
# A filter that matches nothing: exit 2 naming the user's file, not tshark's export.
set +e
msg=$(MCPREPLAY_TSHARK="$runner" "$mcpreplay" -n -Y "mcp5a.seq > 255" "$c" 2>&1 >/dev/null); rc=$?
set -e
if [ $rc -eq 2 ] && grep -q "no MCP frames in $c match -Y" <<<"$msg"; then
    echo "ok: a filter matching nothing: exit 2, $msg"
else
    echo "not ok: a filter matching nothing: exit $rc: $msg"; status=1
fi
exit $status
