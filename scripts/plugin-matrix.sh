#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The mcp5a plugin against the Wireshark versions users run: 4.0 on this
# machine (build/, the plugin tests already ran in scripts/test.sh), then 4.4
# (Debian 13, trixie) and 4.6 (Debian testing, forky) in chroots made by
# scripts/chroot-wireshark.sh: build with -Werror and the plugin tests in each,
# and every mcp5a field of every capture compared with 4.0's, one pass and two.
#
#   scripts/plugin-matrix.sh            (as root; build/ must hold the plugin)
#   MCP5A_SUITES="forky" scripts/plugin-matrix.sh    only some suites
#   MCP5A_SUITES="" scripts/plugin-matrix.sh         skip (says so)
set -euo pipefail
cd "$(dirname "$0")/.."
suites=${MCP5A_SUITES-trixie forky}
if [ -z "$suites" ]; then
    echo "plugin matrix skipped (MCP5A_SUITES is empty): only Wireshark $(tshark --version | sed -n '1s/.*) //p') tested"
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "plugin matrix SKIPPED: chroots need root (CI runs as root): only Wireshark 4.0 tested"
    exit 0
fi
if [ ! -f build/plugin/mcp5a.so ]; then
    echo "plugin-matrix.sh: build/plugin/mcp5a.so missing (run scripts/build.sh)" >&2
    exit 2
fi
out=$(mktemp -d /tmp/mcp5a-matrix.XXXXXX)
trap 'rm -rf "$out"' EXIT
chmod a+rx "$out"
t0=$SECONDS
# The 4.0 dump: plugin.dissect wrote it in scripts/test.sh's ctest run (when
# newer than the plugin), or made here.
host=build/test/plugin/dissected/dump
if [ -f "$host/fields.txt" ] && [ "$host/fields.txt" -nt build/plugin/mcp5a.so ]; then
    cp -r "$host" "$out/host"
else
    MCP5A_PLUGIN=build/plugin/mcp5a.so python3 test/plugin/dissect_all.py --dump-only \
        --runner test/tshark-unpriv.sh captures "$out/dissected" >/dev/null
    mv "$out/dissected/dump" "$out/host"
fi
echo "host dump: $((SECONDS - t0)) s"
status=0
for suite in $suites; do
    t=$SECONDS
    if scripts/chroot-wireshark.sh test "$suite" "$out/$suite"; then
        test/plugin/compare_dumps.sh "$out/host" "$out/$suite" || status=1
    else
        echo "FAIL: plugin build or tests in $suite" >&2
        status=1
    fi
    echo "$suite: $((SECONDS - t)) s"
done
echo "plugin matrix: $((SECONDS - t0)) s, $([ $status -eq 0 ] && echo ok || echo FAILED)"
exit $status
