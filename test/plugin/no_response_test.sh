#!/usr/bin/env bash
# mcp5a.analysis.no_response for every capture with a truth file (no_response_test.py).
#   MCP5A_PLUGIN=mcp5a.so no_response_test.sh CAPTURES_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=${1:?usage: no_response_test.sh CAPTURES_DIR}
work=$(mktemp -d /tmp/mcp5a-noresp.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod a+rx "$work"
status=0 count=0
shopt -s nullglob
for truth in "$dir"/*.truth.jsonl; do
    name=$(basename "$truth" .truth.jsonl)
    for ext in pcap pcapng; do
        [ -f "$dir/$name.$ext" ] || continue
        cp "$dir/$name.$ext" "$work/" && chmod a+r "$work/$name.$ext"
        python3 "$here/no_response_test.py" --runner "$here/../tshark-unpriv.sh" \
            "$work/$name.$ext" "$truth" || status=1
        count=$((count + 1))
    done
done
[ $count -gt 0 ] || { echo "no capture with a truth file in $dir: skipped"; exit 77; }
exit $status
