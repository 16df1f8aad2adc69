#!/usr/bin/env bash
# Memory flat whatever --limit: the peak RSS of 600,000 frames stays within
# 16 MB of that of 20,000 frames (the answer key and the cross-check keep 8
# chunks per array in memory and spill the rest; holding every frame, as
# before, took 77 bytes per frame: 45 MB more at 600,000).
#   memory_flat.sh MCPGEN
set -uo pipefail
mcpgen=${1:?usage: memory_flat.sh MCPGEN}
command -v /usr/bin/time >/dev/null || { echo "needs GNU time"; exit 77; }
work=$(mktemp -d /tmp/mcpgen-memflat.XXXXXX)
trap 'rm -rf "$work"' EXIT
peak() {
    /usr/bin/time -f '%M' -o "$work/time" "$mcpgen" --limit "$1" --rate 20000 --no-progress \
        --write "$work/x.pcap" --truth "$work/x.jsonl" || exit 1
    cat "$work/time"
}
small=$(peak 20000)
large=$(peak 600000)
echo "peak RSS: 20,000 frames ${small} KB, 600,000 frames ${large} KB"
if [ $((large - small)) -gt 16384 ]; then
    echo "memory grows with --limit: $((large - small)) KB more" >&2
    exit 1
fi
