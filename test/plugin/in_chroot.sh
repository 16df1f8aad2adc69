#!/usr/bin/env bash
# Runs inside a chroot made by scripts/chroot-wireshark.sh (the checkout is
# mounted read-only at /mcp5a-src): builds the plugin with -Werror against
# the chroot's Wireshark, runs the plugin's ctest tests (plugin.*), and with
# DUMP_DIR writes the field dump of every capture (dump_fields.sh) there.
#   in_chroot.sh [DUMP_DIR]
set -euo pipefail
src=/mcp5a-src
build=/var/tmp/mcp5a-build
dump=${1:-}
version=$(tshark --version 2>/dev/null | head -n1 | sed "s/\.$//")
echo "== $version: build (warnings are errors)"
rm -rf "$build"
cmake -S "$src" -B "$build" -DMCP_WERROR=ON >"$build.configure.log" 2>&1 || {
    cat "$build.configure.log" >&2
    exit 1
}
grep -E "mcp5a|Wireshark" "$build.configure.log" || true
cmake --build "$build" -j"$(nproc)" --target mcp5a mcp5a_asan
echo "== $version: plugin tests"
ctest --test-dir "$build" --output-on-failure -j"$(nproc)" -R '^plugin\.'
if [ -n "$dump" ]; then
    echo "== $version: mcp5a fields of every capture"
    MCP5A_PLUGIN="$build/plugin/mcp5a.so" "$src/test/plugin/dump_fields.sh" "$src/captures" "$dump"
fi
