#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Issue 21 #5: mcpgen writing to a pipe whose reader closes early (`mcpgen -w - | head -c 100`)
# ends with exit 6 (docs/options.md: an output cannot be written) and one stderr line saying
# the reader closed it, not by SIGPIPE (141) nor silently; the reader got the start of a capture
# (what was sent: the file's magic), no answer key is left behind (README: "on any failure
# neither file is left behind"), and an endless run stops. The same for `--truth -`.
#   closed_pipe.sh MCPGEN
set -uo pipefail
mcpgen=${1:?usage: closed_pipe.sh MCPGEN}
work=$(mktemp -d /tmp/mcpgen-pipe.XXXXXX)
trap 'rm -rf "$work"' EXIT
status=0
bad() { echo "$*" >&2; cat "$work/err" >&2; status=1; }
for format in pcap pcapng; do
    case $format in pcap) magic=d4c3b2a1 ;; pcapng) magic=0a0d0d0a ;; esac
    rm -f "$work/t.jsonl"
    # far more frames than the pipe holds: without a stop this would run for hours
    timeout 60 "$mcpgen" -w - --format "$format" --truth "$work/t.jsonl" --limit 1000000000 \
        2>"$work/err" | head -c 100 >"$work/head"
    rc=${PIPESTATUS[0]}
    [ "$rc" -eq 6 ] || bad "$format -w - | head: exit $rc, want 6"
    [ "$(wc -l <"$work/err")" -eq 1 ] || bad "$format -w - | head: not one stderr line"
    grep -q '^mcpgen: cannot write the capture to stdout: the reader closed it' "$work/err" ||
        bad "$format -w - | head: no message that the reader closed the output"
    [ "$(od -An -tx1 -N4 "$work/head" | tr -d ' \n')" = "$magic" ] && [ "$(wc -c <"$work/head")" -eq 100 ] ||
        bad "$format -w - | head: head did not get the capture's first 100 bytes"
    [ ! -e "$work/t.jsonl" ] || bad "$format -w - | head: the answer key was left behind"
done
# the answer key to the closed pipe: the capture file is removed
timeout 60 "$mcpgen" -w "$work/c.pcap" --truth - --limit 20000 2>"$work/err" | head -c 100 >/dev/null
rc=${PIPESTATUS[0]}
[ "$rc" -eq 6 ] || bad "--truth - | head: exit $rc, want 6"
grep -q '^mcpgen: cannot write the answer key to stdout: the reader closed it' "$work/err" ||
    bad "--truth - | head: no message that the reader closed the output"
[ ! -e "$work/c.pcap" ] || bad "--truth - | head: the capture was left behind"
[ $status -eq 0 ] && echo "-w - | head, --truth - | head: exit 6, one line, nothing left behind"
exit $status
