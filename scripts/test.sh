#!/usr/bin/env bash
# The whole test suite: the -Werror build and every ctest test, then the
# library and tools again under ASan+UBSan, then the libFuzzer targets
# (the library's parsers and the plugin in-process).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

echo "== build (warnings are errors)"
scripts/build.sh
echo "== tests"
ctest --test-dir build --output-on-failure -j"$jobs"

echo "== the plugin against other Wireshark versions (scripts/plugin-matrix.sh)"
scripts/plugin-matrix.sh

echo "== sanitizer build (ASan + UBSan): every test not labelled nosan"
cmake -S . -B build-asan -DMCP_WERROR=ON -DMCP_SANITIZE=ON -DMCP_BUILD_PLUGIN=OFF >/dev/null
cmake --build build-asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j"$jobs" -LE nosan

echo "== fuzz targets (libFuzzer, short runs)"
CC=clang cmake -S . -B build-fuzz -DMCP_WERROR=ON -DMCP_FUZZ=ON -DMCP_BUILD_PLUGIN=OFF >/dev/null
cmake --build build-fuzz -j"$jobs"
ctest --test-dir build-fuzz --output-on-failure -R '^fuzz\.'

echo "== the README's main job (scripts/demo.sh)"
scripts/demo.sh >/dev/null
echo "demo: ok"
