#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Long fuzz runs for soak testing (not in CI): fuzz_test.sh rounds with new
# seeds until MINUTES have passed or a round fails.
#   MCP5A_PLUGIN=build/plugin/mcp5a_asan.so soak.sh MINUTES [CAPTURES_DIR] [PER_ROUND]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
minutes=${1:?usage: soak.sh MINUTES [CAPTURES_DIR] [PER_ROUND]}
capdir=${2:-$here/../../../captures}
per_round=${3:-5000}
end=$((SECONDS + minutes * 60))
seed=1000
while [ $SECONDS -lt $end ]; do
    "$here/fuzz_test.sh" "$per_round" "$capdir" "$seed"
    seed=$((seed + 1))
done
