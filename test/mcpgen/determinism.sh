#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The same arguments and seed give byte-identical captures and truth files;
# another seed gives a different capture. For every transport and format.
#   determinism.sh MCPGEN
set -euo pipefail
mcpgen=${1:?usage: determinism.sh MCPGEN}
work=$(mktemp -d /tmp/mcpgen-det.XXXXXX)
trap 'rm -rf "$work"' EXIT
faults="--bad-crc 0.05 --gap 0.05 --duplicate 0.05 --reorder 0.05 --nak 0.05 --sync 0.03"
status=0
for t in "-t udp --masters 2 --devices 1-3 --broadcast 0.1" "-t tcp --devices 1-2 --format pcapng --nano" \
    "-t serial --devices 1-2 --noise 0.4"; do
    for seed in 1 2; do
        for run in a b; do
            # shellcheck disable=SC2086
            "$mcpgen" $t $faults --frames 400 --seed $seed --out "$work/$seed$run.cap" \
                --truth "$work/$seed$run.jsonl"
        done
        if ! cmp -s "$work/${seed}a.cap" "$work/${seed}b.cap" ||
            ! cmp -s "$work/${seed}a.jsonl" "$work/${seed}b.jsonl"; then
            echo "$t seed $seed: two runs differ" >&2
            status=1
        fi
    done
    if cmp -s "$work/1a.cap" "$work/2a.cap"; then
        echo "$t: seeds 1 and 2 give the same capture" >&2
        status=1
    fi
done
[ $status -eq 0 ] && echo "deterministic per seed; seeds differ"
exit $status
