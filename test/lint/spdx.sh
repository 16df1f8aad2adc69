#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every source file git tracks (C, Python, shell, CMake) names its licence in
# its first lines: `SPDX-License-Identifier: GPL-2.0-or-later` (COPYING, README).
#   test/lint/spdx.sh SOURCE_DIR
set -euo pipefail
cd "${1:?usage: spdx.sh SOURCE_DIR}"
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    echo "spdx.sh: not a git checkout: nothing to list (skipped)"
    exit 77
fi
missing=0 checked=0
while IFS= read -r f; do
    checked=$((checked + 1))
    if ! head -n 5 "$f" | grep -q 'SPDX-License-Identifier: GPL-2.0-or-later'; then
        echo "FAIL: $f has no SPDX-License-Identifier: GPL-2.0-or-later in its first 5 lines" >&2
        missing=$((missing + 1))
    fi
done < <(git ls-files -- '*.c' '*.h' '*.cpp' '*.cc' '*.proto' '*.py' '*.sh' '*CMakeLists.txt' '*.cmake' .ci/run)
echo "spdx: $checked files checked, $missing without the licence line"
[ "$missing" -eq 0 ]
