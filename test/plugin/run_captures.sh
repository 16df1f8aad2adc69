#!/usr/bin/env bash
# Compares the plugin's output with the truth file of every capture in
# captures/ (NAME.pcap or NAME.pcapng beside NAME.truth.jsonl), globbed now so
# new captures are covered automatically; two passes and one pass each.
#   MCP5A_PLUGIN=mcp5a.so run_captures.sh CAPTURES_DIR
# Exit 77 (skipped) when the folder holds no capture with a truth file.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
runner="$here/../tshark-unpriv.sh"
dir=${1:?usage: run_captures.sh CAPTURES_DIR}
work=$(mktemp -d /tmp/mcp5a-captures.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod a+rx "$work"
status=0 count=0
shopt -s nullglob
for truth in "$dir"/*.truth.jsonl; do
    name=$(basename "$truth" .truth.jsonl)
    cap=""
    for ext in pcap pcapng; do
        [ -f "$dir/$name.$ext" ] && cap="$dir/$name.$ext"
    done
    if [ -z "$cap" ]; then
        echo "$truth: no capture beside it" >&2
        status=1
        continue
    fi
    # tshark runs as nobody: give it a readable copy.
    cp "$cap" "$work/" && chmod a+r "$work/$(basename "$cap")"
    for mode in "" --one-pass; do
        python3 "$here/compare_truth.py" $mode --runner "$runner" "$work/$(basename "$cap")" \
            "$truth" || status=1
    done
    count=$((count + 1))
done
if [ $count -eq 0 ] && [ $status -eq 0 ]; then
    echo "no capture with a truth file in $dir: skipped"
    exit 77
fi
exit $status
