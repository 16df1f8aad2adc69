#!/usr/bin/env bash
# Writes, for every capture in CAPTURES_DIR, the value of every mcp5a.* field
# in every frame (tshark -T fields, all occurrences), one pass and two passes,
# so that dumps made with different Wireshark versions can be compared with
# compare_dumps.sh. A capture's truth file (NAME.truth.jsonl) names the
# preferences it needs (CRC variant, length byte order).
#   MCP5A_PLUGIN=mcp5a.so dump_fields.sh CAPTURES_DIR OUT_DIR
# OUT_DIR/fields.txt lists the fields; OUT_DIR/NAME.{1,2}pass.tsv hold
# "frame<TAB>field1<TAB>field2..." (several values in one frame joined by ",").
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
runner="$here/../tshark-unpriv.sh"
capdir=${1:?usage: dump_fields.sh CAPTURES_DIR OUT_DIR}
out=${2:?usage: dump_fields.sh CAPTURES_DIR OUT_DIR}
work=$(mktemp -d /tmp/mcp5a-dump.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod a+rx "$work"
mkdir -p "$out"
# Header fields and expert infos (FT_NONE: "1" per occurrence) of mcp5a, sorted.
"$runner" -G fields | awk -F'\t' '$1=="F" && $3 ~ /^mcp5a\./ {print $3 "\t" $4}' |
    LC_ALL=C sort >"$work/fields"
cut -f1 "$work/fields" >"$out/fields.txt"
# 4.2+ print FT_BOOLEAN values as True/False in -T fields (4.0: 1/0): the
# value is the same, so booleans are written as 1/0 in every version.
bools=$(awk -F'\t' '$2=="FT_BOOLEAN" {printf "%s%d", sep, NR + 1; sep=","}' "$work/fields")
normalise() {
    awk -F'\t' -v OFS='\t' -v cols="$bools" 'BEGIN {n = split(cols, c, ",")}
        {for (i = 1; i <= n; i++) {gsub(/True/, "1", $c[i]); gsub(/False/, "0", $c[i])} print}'
}
if [ ! -s "$out/fields.txt" ]; then
    echo "dump_fields.sh: tshark lists no mcp5a field: the plugin did not load" >&2
    exit 1
fi
args=(-T fields -E occurrence=a -E aggregator=, -E quote=n -e frame.number)
while read -r f; do args+=(-e "$f"); done <"$out/fields.txt"
count=0
shopt -s nullglob
for cap in "$capdir"/*.pcap "$capdir"/*.pcapng; do
    name=$(basename "$cap")
    name=${name%.*}
    prefs=()
    truth="$capdir/$name.truth.jsonl"
    if [ -f "$truth" ]; then
        read -r crc le < <(python3 -c 'import json, sys
h = json.loads(open(sys.argv[1], encoding="utf-8").readline())
print(h["crc"], "TRUE" if h["length_le"] else "FALSE")' "$truth")
        prefs=(-o "mcp5a.crc_variant:$crc" -o "mcp5a.length_le:$le")
    fi
    cp "$cap" "$work/cap" && chmod a+r "$work/cap"
    "$runner" -n -r "$work/cap" "${prefs[@]}" "${args[@]}" | normalise >"$out/$name.1pass.tsv"
    "$runner" -n -2 -r "$work/cap" "${prefs[@]}" "${args[@]}" | normalise >"$out/$name.2pass.tsv"
    count=$((count + 1))
done
if [ $count -eq 0 ]; then
    echo "dump_fields.sh: no capture in $capdir" >&2
    exit 1
fi
echo "dumped $(wc -l <"$out/fields.txt") mcp5a fields of $count captures into $out"
