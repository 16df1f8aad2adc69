# SPDX-License-Identifier: GPL-2.0-or-later
# "Peak memory flat whatever the input's length", measured the same way for every
# tool (sourced, bash; test/mcpgen/memory_flat.sh, test/mcpreplay/memory_flat.sh):
# the tool's peak RSS (GNU time's %M, KB) on a small and a large input, and the
# test fails when the large one needs more than LIMIT_KB over the small one.

command -v /usr/bin/time >/dev/null || { echo "SKIP: needs GNU time"; exit 77; }

# peak_kb CMD...: runs CMD under GNU time; prints its peak RSS in KB. Returns 1
# (saying so) when CMD fails.
peak_kb() {
    local t status=0
    t=$(mktemp /tmp/mcp-peak.XXXXXX)
    /usr/bin/time -f '%M' -o "$t" "$@" || status=$?
    if [ $status -ne 0 ]; then
        echo "failed (exit $status): $*" >&2
    else
        tail -n 1 "$t"
    fi
    rm -f "$t"
    return $status
}

# memory_flat WHAT LIMIT_KB SMALL LARGE PEAK: PEAK N prints the peak RSS (KB) of
# WHAT on an input of N frames (through peak_kb). Prints both peaks; exits 1
# when PEAK fails or LARGE's peak exceeds SMALL's by more than LIMIT_KB.
memory_flat() {
    local what=$1 limit=$2 small_n=$3 large_n=$4 peak=$5 small large
    small=$("$peak" "$small_n") || exit 1
    large=$("$peak" "$large_n") || exit 1
    echo "peak RSS of $what: $small_n frames ${small} KB, $large_n frames ${large} KB"
    if [ $((large - small)) -gt "$limit" ]; then
        echo "$what: memory grows with the input: $((large - small)) KB more (limit $limit KB)" >&2
        exit 1
    fi
}
