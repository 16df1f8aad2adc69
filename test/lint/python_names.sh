#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every Python file of the tests, benches and scripts names only what it defines
# or imports: pyflakes' "undefined name" (and syntax errors) fail; its style
# warnings do not. A test script that lost an import in a merge fails here,
# not halfway through its run.   python_names.sh SOURCE_DIR   (exit 77 without pyflakes3)
set -euo pipefail
src=${1:?usage: python_names.sh SOURCE_DIR}
command -v pyflakes3 >/dev/null || { echo "pyflakes3 not installed: skipped"; exit 77; }
mapfile -t files < <(find "$src/test" "$src/bench" "$src/scripts" "$src/captures" -name '*.py' 2>/dev/null)
[ ${#files[@]} -gt 0 ] || { echo "no Python files under $src" >&2; exit 1; }
out=$(pyflakes3 "${files[@]}" 2>&1 || true)
bad=$(grep -E "undefined name|invalid syntax|SyntaxError|unexpected indent|expected an indented" <<<"$out" || true)
if [ -n "$bad" ]; then
    echo "$bad" >&2
    exit 1
fi
echo "${#files[@]} Python files: no undefined name"
