#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Compares two dump_fields.sh outputs (e.g. Wireshark 4.0 on the machine and
# 4.4 in a chroot): the same mcp5a fields, and in every capture, pass and
# frame the same values. Only mcp5a.* fields are dumped, so what Wireshark
# changed in its own dissectors cannot show here.
#   compare_dumps.sh REF_DIR OTHER_DIR
set -euo pipefail
ref=${1:?usage: compare_dumps.sh REF_DIR OTHER_DIR}
other=${2:?usage: compare_dumps.sh REF_DIR OTHER_DIR}
status=0 files=0
for f in "$ref"/*; do
    name=$(basename "$f")
    files=$((files + 1))
    if [ ! -f "$other/$name" ]; then
        echo "DIFF $name: missing from $other" >&2
        status=1
    elif ! cmp -s "$f" "$other/$name"; then
        echo "DIFF $name ($ref vs $other):" >&2
        diff "$f" "$other/$name" | head -20 >&2 || true
        status=1
    fi
done
for f in "$other"/*; do
    [ -e "$ref/$(basename "$f")" ] || { echo "DIFF $(basename "$f"): only in $other" >&2; status=1; }
done
[ $files -gt 1 ] || { echo "compare_dumps.sh: $ref holds no dump" >&2; exit 1; }
[ $status -eq 0 ] && echo "same mcp5a field values in all $files files: $ref = $other"
exit $status
