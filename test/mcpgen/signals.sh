#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# SIGINT and SIGTERM during a run: exit 5 and neither the capture nor the
# answer key is left behind (README: "On any failure neither file is left
# behind"). A progress line with --progress, none when stderr is no terminal.
#   signals.sh MCPGEN
set -uo pipefail
mcpgen=${1:?usage: signals.sh MCPGEN}
work=$(mktemp -d /tmp/mcpgen-sig.XXXXXX)
trap 'rm -rf "$work"' EXIT
status=0
for sig in INT TERM; do
    # far more frames than can be written before the signal
    "$mcpgen" --limit 1000000000 --write "$work/x.pcap" --truth "$work/x.jsonl" 2>"$work/err" &
    pid=$!
    # wait until the capture has data, so the signal lands mid-run
    for _ in $(seq 100); do
        [ -s "$work/x.pcap" ] && break
        sleep 0.1
    done
    if [ ! -s "$work/x.pcap" ]; then
        echo "SIG$sig: the capture never started" >&2
        status=1
    fi
    kill -"$sig" "$pid"
    wait "$pid"
    rc=$?
    if [ "$rc" -ne 5 ]; then
        echo "SIG$sig: exit $rc, want 5" >&2
        cat "$work/err" >&2
        status=1
    fi
    for f in x.pcap x.jsonl; do
        if [ -e "$work/$f" ]; then
            echo "SIG$sig left $f behind" >&2
            status=1
        fi
    done
    grep -q 'interrupted' "$work/err" || { echo "SIG$sig: no message" >&2; status=1; }
done
# the progress line (forced: stderr is not a terminal here), and none by default
"$mcpgen" --progress --limit 400000 --write "$work/p.pcap" 2>"$work/err" >/dev/null
if ! grep -q 'frames' "$work/err" || ! grep -q 'records written' "$work/err"; then
    echo "--progress: no progress line on stderr" >&2
    status=1
fi
"$mcpgen" --limit 400000 --write "$work/p.pcap" 2>"$work/err" >/dev/null
if [ -s "$work/err" ]; then
    echo "a progress line although stderr is not a terminal" >&2
    status=1
fi
[ $status -eq 0 ] && echo "SIGINT and SIGTERM: exit 5, no file left behind; progress line"
exit $status
