#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# tshark with the ASan runtime preloaded, for a plugin built with
# -fsanitize=address,undefined (tshark itself is not instrumented).
# Use as MCP5A_TSHARK for test/tshark-unpriv.sh; only tshark gets the runtime.
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1:halt_on_error=1}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export ASAN_OPTIONS UBSAN_OPTIONS
LD_PRELOAD=$(gcc -print-file-name=libasan.so) exec tshark "$@"
