#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# cmake --install (into a DESTDIR) installs every tool with its man page, each
# man page renders without warnings, every SEE ALSO page it names is installed
# too, and every installed tool answers --version.
#   install.sh BUILD_DIR
set -uo pipefail
build=${1:?usage: install.sh BUILD_DIR}
command -v man >/dev/null || { echo "man not installed: skipped"; exit 77; }
work=$(mktemp -d /tmp/mcp-install.XXXXXX)
trap 'rm -rf "$work"' EXIT
DESTDIR="$work" cmake --install "$build" >"$work/log" 2>&1 || { cat "$work/log" >&2; exit 1; }
status=0
bindir=$(dirname "$(find "$work" -path '*/bin/mcpgen' -print -quit)")
mandir=$(dirname "$(find "$work" -path '*/man1/mcpgen.1.gz' -print -quit)")
for tool in mcpgen mcpsim mcpreplay mcppoll mcpserialdump; do
    if [ ! -x "$bindir/$tool" ]; then
        echo "$tool not installed" >&2
        status=1
    fi
    if [ ! -f "$mandir/$tool.1.gz" ]; then
        echo "$tool.1.gz not installed" >&2
        status=1
    fi
done
for tool in mcpgen mcpsim mcpreplay mcppoll mcpserialdump; do
    "$bindir/$tool" --version | grep "^$tool " >/dev/null || { echo "$tool --version" >&2; status=1; }
done
for page in "$mandir"/*.1.gz; do
    warn=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
    if [ -n "$warn" ]; then
        echo "$(basename "$page"): $warn" >&2
        status=1
    fi
    # the pages of this toolkit named under SEE ALSO must be installed
    for ref in $(zcat "$page" | sed -n '/^\.SH SEE ALSO/,/^\.SH/p' | grep -o 'mcp[a-z0-9]* (1)' | tr -d ' ()1'); do
        if [ ! -f "$mandir/$ref.1.gz" ]; then
            echo "$(basename "$page"): SEE ALSO names $ref(1), which is not installed" >&2
            status=1
        fi
    done
done
[ $status -eq 0 ] && echo "installed: $(cd "$bindir" && echo *); man pages: $(cd "$mandir" && echo *)"
exit $status
