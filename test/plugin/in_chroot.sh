#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs inside a chroot made by scripts/chroot-wireshark.sh (the checkout is
# mounted read-only at /mcp5a-src): builds the plugin with -Werror against
# the chroot's Wireshark, runs the plugin's ctest tests (plugin.*), and with
# DUMP_DIR copies the field dump of every capture there (plugin.dissect wrote
# it: test/plugin/dissect_all.py).
#   in_chroot.sh [DUMP_DIR]
set -euo pipefail
src=/mcp5a-src
build=/var/tmp/mcp5a-build
dump=${1:-}
version=$(tshark --version 2>/dev/null | sed -n '1{s/\.$//;p}')
echo "== $version: build (warnings are errors)"
rm -rf "$build"
# Fuzzing: 500 editcap mutants per version, seeded by the version (4.4: 404),
# so that every version dissects other mutants than 4.0's 1000 (seed 1).
seed=$(tshark --version 2>/dev/null | sed -n '1s/^TShark (Wireshark) \([0-9]*\)\.\([0-9]*\)\..*/\1 \2/p' |
    awk '{print $1 * 100 + $2}')
cmake -S "$src" -B "$build" -DMCP_WERROR=ON -DMCP5A_FUZZ_MUTANTS=500 -DMCP5A_FUZZ_SEED="${seed:-2}" \
    >"$build.configure.log" 2>&1 || {
    cat "$build.configure.log" >&2
    exit 1
}
grep -E "mcp5a|Wireshark" "$build.configure.log" || true
# regmap_reload: the program plugin.regmap_reload runs.
cmake --build "$build" -j"$(nproc)" --target mcp5a mcp5a_asan regmap_reload
echo "== $version: plugin tests"
ctest --test-dir "$build" --output-on-failure -j"$(nproc)" -R '^plugin\.'
if [ -n "$dump" ]; then
    cp "$build"/test/plugin/dissected/dump/* "$dump/"
fi
