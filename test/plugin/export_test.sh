#!/usr/bin/env bash
# PDU export round trip (§6) for every capture in captures/ that has a truth
# file: export with -U MCP5A, read back, compare (export_roundtrip.py).
#   MCP5A_PLUGIN=mcp5a.so export_test.sh CAPTURES_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
runner="$here/../tshark-unpriv.sh"
dir=${1:?usage: export_test.sh CAPTURES_DIR}
work=$(mktemp -d /tmp/mcp5a-export.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod a+rwx "$work" # tshark runs as nobody and writes the export here
status=0 count=0
shopt -s nullglob
for truth in "$dir"/*.truth.jsonl; do
    name=$(basename "$truth" .truth.jsonl)
    for ext in pcap pcapng; do
        [ -f "$dir/$name.$ext" ] || continue
        cp "$dir/$name.$ext" "$work/" && chmod a+r "$work/$name.$ext"
        python3 "$here/export_roundtrip.py" --runner "$runner" "$work/$name.$ext" "$truth" \
            "$work" || status=1
        count=$((count + 1))
    done
done
if [ $count -eq 0 ] && [ $status -eq 0 ]; then
    echo "no capture with a truth file in $dir: skipped"
    exit 77
fi
exit $status
