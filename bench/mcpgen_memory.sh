#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mcpgen peak memory against --limit: memory must stay flat (the answer key
# and the cross-check spill to a temporary file), while the outputs grow.
# Prints, per frame count: peak RSS (getrusage, via GNU time), wall time,
# and the sizes of the capture and the answer key.
#   MCPGEN=build/replay/mcpgen/mcpgen bench/mcpgen_memory.sh [FRAMES...]
# Default: 10000 10000000 (the 10M run writes ~3 GB into $TMPDIR and takes
# about a minute on one free core).
set -euo pipefail
mcpgen=${MCPGEN:-mcpgen}
[ $# -gt 0 ] || set -- 10000 10000000
work=$(mktemp -d "${TMPDIR:-/tmp}/mcpgen-mem.XXXXXX")
trap 'rm -rf "$work"' EXIT
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install time)" >&2; exit 77; }

printf '%-10s %-9s %12s %10s %14s %14s\n' transport frames "peak RSS MB" "wall s" "capture MB" \
    "answer key MB"
for t in udp tcp serial; do
    for n in "$@"; do
        /usr/bin/time -f '%M %e' -o "$work/time" "$mcpgen" --transport "$t" --limit "$n" \
            --rate 20000 --seed 1 --no-progress --write "$work/x.pcap" --truth "$work/x.jsonl"
        read -r kb secs <"$work/time"
        awk -v t="$t" -v n="$n" -v kb="$kb" -v s="$secs" -v c="$(stat -c %s "$work/x.pcap")" \
            -v k="$(stat -c %s "$work/x.jsonl")" \
            'BEGIN { printf "%-10s %-9d %12.1f %10.2f %14.1f %14.1f\n", t, n, kb / 1024, s,
                     c / 1048576, k / 1048576 }'
        rm -f "$work/x.pcap" "$work/x.jsonl"
    done
done
