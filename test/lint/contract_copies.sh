#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# docs/PROTOCOL.md and docs/REGISTER-MAP.md are exact copies of the contracts
# in ../shared (beside the checkout, as on CI): a difference fails, naming it.
#   test/lint/contract_copies.sh SOURCE_DIR
set -euo pipefail
src=${1:?usage: contract_copies.sh SOURCE_DIR}
shared="$src/../shared"
if [ ! -d "$shared" ]; then
    echo "contract_copies.sh: no $shared beside the checkout: nothing to compare (skipped)"
    exit 77
fi
status=0
for pair in "mcp-protocol.md:PROTOCOL.md" "mcp-register-map.md:REGISTER-MAP.md"; do
    contract=$shared/${pair%%:*} copy=$src/docs/${pair##*:}
    if [ ! -f "$contract" ]; then
        echo "FAIL: $contract is missing" >&2
        status=1
    elif ! cmp -s "$contract" "$copy"; then
        echo "FAIL: docs/${pair##*:} is not an exact copy of ../shared/${pair%%:*}:" >&2
        diff "$contract" "$copy" | head -20 >&2 || true
        status=1
    else
        echo "ok: docs/${pair##*:} = ../shared/${pair%%:*}"
    fi
done
exit $status
