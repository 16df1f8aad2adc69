#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds each hand-written vector capture (vectors/*.vec) and compares the
# plugin's output with its hand-written truth, in two passes and in one.
#   MCP5A_PLUGIN=mcp5a.so run_vectors.sh
set -euo pipefail
. "$(dirname "$0")/../libsh/plugin_work.sh" vectors
status=0
for vec in "$here"/vectors/*.vec; do
    name=$(basename "$vec" .vec)
    python3 "$here/mkcap.py" "$vec" "$work/$name.pcap"
    python3 "$here/compare_truth.py" --runner "$runner" "$work/$name.pcap" \
        "$here/vectors/$name.truth.jsonl" || status=1
done
exit $status
