#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Memory flat whatever --limit: the peak RSS of 600,000 frames stays within
# 16 MB of that of 20,000 frames (the answer key and the cross-check keep 8
# chunks per array in memory and spill the rest; holding every frame, as
# before, took 77 bytes per frame: 45 MB more at 600,000).
#   memory_flat.sh MCPGEN
set -uo pipefail
mcpgen=${1:?usage: memory_flat.sh MCPGEN}
. "$(dirname "$0")/../libsh/memory_flat.sh"
work=$(mktemp -d /tmp/mcpgen-memflat.XXXXXX)
trap 'rm -rf "$work"' EXIT
peak() {
    peak_kb "$mcpgen" --limit "$1" --rate 20000 --no-progress \
        --write "$work/x.pcap" --truth "$work/x.jsonl"
}
memory_flat mcpgen 16384 20000 600000 peak
