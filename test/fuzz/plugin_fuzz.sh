#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs fuzz_plugin for SECONDS from seeds cut out of CAPTURES_DIR, with the
# CRC check on and then off, and prints executions and coverage. Exit 1 when
# libFuzzer finds a crash (the input is left in WORKDIR/crash-*).
#   plugin_fuzz.sh FUZZ_PLUGIN SECONDS CAPTURES_DIR WORKDIR
# Soak: plugin_fuzz.sh build-fuzz/test/fuzz/fuzz_plugin 3600 captures /tmp/soak
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
fuzzer=${1:?usage: plugin_fuzz.sh FUZZ_PLUGIN SECONDS CAPTURES_DIR WORKDIR}
seconds=${2:?} capdir=${3:?} work=${4:?}
mkdir -p "$work/seeds" "$work/corpus"
[ -n "$(ls -A "$work/seeds")" ] || python3 "$here/make_plugin_corpus.py" "$capdir" "$work/seeds"
status=0
half=$(((seconds + 1) / 2))
for crc in 0 1; do
    # Leak checks are off: epan's file-scope memory lives as long as the process.
    if ! MCP5A_FUZZ_NO_CRC=$crc "$fuzzer" -detect_leaks=0 -max_len=4200 -rss_limit_mb=4096 -max_total_time="$half" \
        -artifact_prefix="$work/crash-" -print_final_stats=1 "$work/corpus" "$work/seeds" \
        >"$work/fuzz-$crc.log" 2>&1; then
        status=1
        grep -A40 -m1 "ERROR\|runtime error\|deadly signal" "$work/fuzz-$crc.log" >&2 || true
    fi
    runs=$(awk '/stat::number_of_executed_units/ {print $2}' "$work/fuzz-$crc.log")
    cov=$(grep -o 'cov: [0-9]*' "$work/fuzz-$crc.log" | tail -1)
    echo "check_crc $([ $crc = 1 ] && echo off || echo on): ${runs:-?} executions, ${cov:-cov: ?}" \
        "edges, corpus $(ls "$work/corpus" | wc -l) inputs"
done
exit $status
