#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# -Y replays tshark's PDU export, which carries whole frames only: frames the
# capture does not hold whole (cut by the snaplen) must still be named as
# skips and end the run with exit 4, as without -Y (h19's finding 7: they
# vanished, exit 0). Skips (77) when the plugin is not built.
#   display_filter_skips.sh MCPREPLAY TSHARK-RUNNER CAPTURE
set -uo pipefail
mcpreplay=$1 runner=$2 cap=$3
[ -f "${MCP5A_PLUGIN:-}" ] || { echo "SKIP: plugin not built"; exit 77; }
work=$(mktemp -d /tmp/mcp-dfskips.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod a+rwx "$work"
cp "$cap" "$work/" && chmod a+r "$work/$(basename "$cap")"
c="$work/$(basename "$cap")"
status=0
plain=$("$mcpreplay" -n "$c" 2>/dev/null); prc=$?
out=$(MCPREPLAY_TSHARK="$runner" "$mcpreplay" -n -Y mcp5a "$c" 2>/dev/null); rc=$?
want_skips=$(grep -c '^  record ' <<<"$plain")
got_skips=$(grep -c '^  record .*in the capture read without -Y' <<<"$out")
if [ $prc -ne 4 ] || [ "$want_skips" -lt 1 ]; then
    echo "not ok: the capture should have skips without -Y (exit $prc)"; status=1
fi
if [ $rc -ne 4 ] || [ "$got_skips" -ne "$want_skips" ]; then
    echo "not ok: -Y: exit $rc, $got_skips skips named, want exit 4 and $want_skips:"; echo "$out"; status=1
else
    echo "ok: -Y: exit 4, the $want_skips skips of the capture named"
fi
# Each skip names the same record and reason as the plain run.
while IFS= read -r line; do
    rec=$(sed -E 's/^  record ([0-9]+) .*/\1/' <<<"$line")
    reason=$(sed -E 's/^  record [0-9]+ sender [^ ]+ seq [^:]+: //' <<<"$line")
    if ! grep -qF -- "record $rec sender - " <<<"$out" || ! grep -qF -- "$reason" <<<"$out"; then
        echo "not ok: -Y does not name record $rec: $reason"; status=1
    fi
done < <(grep '^  record ' <<<"$plain")
MCPREPLAY_TSHARK="$runner" "$mcpreplay" -n -Y mcp5a --allow-skips "$c" >/dev/null 2>&1; arc=$?
[ $arc -eq 0 ] && echo "ok: --allow-skips: exit 0" || { echo "not ok: --allow-skips: exit $arc"; status=1; }
exit $status
