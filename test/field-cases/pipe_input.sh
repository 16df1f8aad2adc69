#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A capture from a pipe, stdin ("-", /dev/stdin), a FIFO or <(...) is read
# once and replayed as the same file would be (h19's finding 8: it was read
# twice, the first read consumed the pipe: "no MCP frames", exit 2). The
# copy mcpreplay keeps in TMPDIR is gone after the run, after an interrupt too.
#   pipe_input.sh MCPREPLAY CAPTURE...
set -u
R=$1
shift
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export TMPDIR="$work/tmp"
mkdir "$TMPDIR"
bad=0
check() { # what, want-file, got-file, exit
    if [ "$4" -ne "$5" ] || ! cmp -s "$2" "$3"; then
        echo "not ok: $1 (exit $4, want $5)"; diff "$2" "$3" | head -5; bad=1
    else
        echo "ok: $1"
    fi
    if [ -n "$(ls -A "$TMPDIR")" ]; then
        echo "not ok: $1 left $(ls -A "$TMPDIR") in TMPDIR"; bad=1; rm -rf "$TMPDIR"/*
    fi
}
for f in "$@"; do
    n=$(basename "$f")
    "$R" -n --from all "$f" >"$work/want" 2>&1; want=$?
    [ "$want" -eq 0 ] || [ "$want" -eq 4 ] || { echo "not ok: $n: the file itself exits $want"; bad=1; }
    # Messages name the input: the file's name in "want" becomes "-" etc. (none expected here)
    cat "$f" | "$R" -n --from all - >"$work/got" 2>&1; check "$n: cat | mcpreplay -" "$work/want" "$work/got" $? "$want"
    "$R" -n --from all - <"$f" >"$work/got" 2>&1; check "$n: - < file" "$work/want" "$work/got" $? "$want"
    cat "$f" | "$R" -n --from all /dev/stdin >"$work/got" 2>&1; check "$n: /dev/stdin" "$work/want" "$work/got" $? "$want"
    mkfifo "$work/fifo"
    cat "$f" >"$work/fifo" &
    "$R" -n --from all --loop 2 "$work/fifo" >"$work/got" 2>&1; rc=$?
    wait
    "$R" -n --from all --loop 2 "$f" >"$work/want2" 2>&1
    check "$n: a FIFO, --loop 2" "$work/want2" "$work/got" $rc "$want"
    rm -f "$work/fifo"
done
# Interrupted while the pipe is still being read: a clear message, exit 2, no copy left.
mkfifo "$work/slow"
sleep 30 >"$work/slow" &
writer=$!
"$R" -n - <"$work/slow" >"$work/got" 2>&1 &
pid=$!
sleep 0.5
kill -INT "$pid"
wait "$pid"
rc=$?
kill "$writer" 2>/dev/null
wait "$writer" 2>/dev/null
if [ "$rc" -eq 2 ] && grep -q "interrupted while reading the capture" "$work/got"; then
    echo "ok: interrupted"
else
    echo "not ok: interrupted: exit $rc, $(cat "$work/got")"; bad=1
fi
[ -z "$(ls -A "$TMPDIR")" ] || { echo "not ok: the interrupted run left a copy"; bad=1; }
exit $bad
