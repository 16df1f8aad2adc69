#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The whole test suite: the -Werror build and every ctest test, the plugin
# against Wireshark 4.4 and 4.6 (and the Debian packages built, installed
# and removed in 4.6's chroot), then the library and tools again under
# ASan+UBSan, then the libFuzzer targets (the library's parsers and the
# plugin in-process). Each stage says how long it took.
#   MCP_PACKAGE_SUITE=""  scripts/test.sh    leaves the package test out (says so)
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
t0=$SECONDS t=$SECONDS
took() {
    echo "-- $1: $((SECONDS - t)) s"
    t=$SECONDS
}

echo "== build (warnings are errors; with the optional gRPC benchmark, bench/vs_grpc)"
scripts/build.sh -DMCP_BENCH_GRPC=ON
took build
echo "== tests"
ctest --test-dir build --output-on-failure -j"$jobs"
took tests

echo "== the plugin against other Wireshark versions (scripts/plugin-matrix.sh)"
scripts/plugin-matrix.sh
took "plugin matrix"

package_suite=${MCP_PACKAGE_SUITE-forky}
if [ -z "$package_suite" ]; then
    echo "== Debian package test skipped (MCP_PACKAGE_SUITE is empty)"
elif [ "$(id -u)" -ne 0 ]; then
    echo "== Debian package test SKIPPED: chroots need root (CI runs as root)"
else
    echo "== the Debian packages in $package_suite (scripts/package-test.sh)"
    scripts/package-test.sh "$package_suite"
    took "package test"
fi

echo "== sanitizer build (ASan + UBSan): every test not labelled nosan"
cmake -S . -B build-asan -DMCP_WERROR=ON -DMCP_SANITIZE=ON -DMCP_BUILD_PLUGIN=OFF >/dev/null
cmake --build build-asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j"$jobs" -LE nosan
took "sanitizer build and tests"

echo "== fuzz targets (libFuzzer, short runs)"
CC=clang cmake -S . -B build-fuzz -DMCP_WERROR=ON -DMCP_FUZZ=ON -DMCP_BUILD_PLUGIN=OFF >/dev/null
# Only the fuzz_* targets (and what they need): the rest of this build is not tested here.
fuzz_targets=$(cmake --build build-fuzz --target help | sed -n 's/^\.\.\. \(fuzz_[A-Za-z0-9_]*\).*/\1/p')
[ -n "$fuzz_targets" ] || { echo "test.sh: build-fuzz has no fuzz_* target" >&2; exit 1; }
cmake --build build-fuzz -j"$jobs" --target $fuzz_targets
# Each run is bounded by its time, on one core: -j runs them side by side.
ctest --test-dir build-fuzz --output-on-failure -j"$jobs" -R '^fuzz\.'
took "fuzz build and runs"

echo "== the README's main job (scripts/demo.sh)"
demo_log=$(mktemp /tmp/mcp-demo-log.XXXXXX)
demo_rc=0
scripts/demo.sh >"$demo_log" 2>&1 || demo_rc=$?
if [ "$demo_rc" -ne 0 ]; then
    cat "$demo_log"
    echo "test.sh: scripts/demo.sh failed (exit $demo_rc)" >&2
    exit 1
fi
rm -f "$demo_log"
echo "demo: ok"
took demo
echo "test.sh: all stages passed in $((SECONDS - t0)) s"
