#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Takes docs/images/wireshark-regmap.png and docs/images/wireshark-regmap-iograph.png:
# the real Wireshark GUI (under Xvfb) with captures/plant.pcap and its register
# map (captures/plant-map.csv): a READ response with its named values expanded,
# and Statistics > I/O Graphs of the tank temperature over time. Not run in CI.
#   apt-get install wireshark-qt xvfb imagemagick xdotool
#   docs/screenshot-regmap.sh build/plugin/mcp5a.so [FRAME]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
plugin=${1:?usage: screenshot-regmap.sh PLUGIN.so [FRAME]}
frame=${2:-}
stage=$(mktemp -d /tmp/mcp5a-shot.XXXXXX)
xvfb_pid= ws_pid=
trap 'kill $xvfb_pid $ws_pid 2>/dev/null || true; rm -rf "$stage"' EXIT
xy=$(tshark --version | sed -n '1s/^TShark (Wireshark) \([0-9]*\.[0-9]*\)\..*/\1/p')
mkdir -p "$stage/.local/lib/wireshark/plugins/$xy/epan" "$stage/.config/wireshark"
cp "$plugin" "$stage/.local/lib/wireshark/plugins/$xy/epan/mcp5a.so"
cp "$root/captures/plant.pcap" "$stage/plant.pcap"
cp "$root/captures/plant-map.csv" "$stage/plant-map.csv"
# No bytes pane; the map; the I/O graph of the tank temperature (the io_graphs
# UAT: enabled, name, filter, colour, style, y axis, y field, SMA, factor).
cat >"$stage/.config/wireshark/preferences" <<PREFS
gui.update.enabled: FALSE
privs.warn_if_elevated: FALSE
gui.layout_content_3: NONE
mcp5a.register_map: $stage/plant-map.csv
PREFS
cat >"$stage/.config/wireshark/io_graphs" <<'UAT'
"Enabled","Tank 1 temperature (AVG of mcp5a.reg.tank_temp, °C)","mcp5a.device == 1 && mcp5a.reg.tank_temp","#1f77b4","Line","AVG(Y Field)","mcp5a.reg.tank_temp","None","1"
"Enabled","Tank 2 temperature (AVG of mcp5a.reg.tank_temp, °C)","mcp5a.device == 2 && mcp5a.reg.tank_temp","#d62728","Line","AVG(Y Field)","mcp5a.reg.tank_temp","None","1"
UAT
chmod -R a+rwX "$stage"
as_nobody() {
    env HOME="$stage" XDG_CONFIG_HOME="$stage/.config" \
        setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}
if [ -z "$frame" ]; then # the first short READ response of device 1 with the status word
    frame=$(as_nobody tshark -r "$stage/plant.pcap" \
        -Y 'mcp5a.cmd == 0x82 && mcp5a.device == 1 && mcp5a.reg.tank_status && mcp5a.count <= 10' \
        -T fields -e frame.number | head -1)
fi
display=:96
Xvfb $display -screen 0 1280x900x24 >/dev/null 2>&1 &
xvfb_pid=$!
sleep 2
# As root Wireshark ignores personal plugins: run it as nobody.
DISPLAY=$display as_nobody wireshark -r "$stage/plant.pcap" -g "$frame" >/dev/null 2>&1 &
ws_pid=$!
sleep 12
win=$(DISPLAY=$display xdotool search --name "plant.pcap" | head -1)
DISPLAY=$display xdotool windowsize "$win" 1280 900 windowmove "$win" 0 0
sleep 1
# The packet details: collapse all, the last top-level item (MCP5A), expand
# it all, then to its last line so the named values are in view.
DISPLAY=$display xdotool mousemove 300 640 click 1
sleep 1
DISPLAY=$display xdotool key --delay 300 ctrl+Left End shift+Right End
sleep 2
DISPLAY=$display import -window root "$root/docs/images/wireshark-regmap.png"
echo "wrote docs/images/wireshark-regmap.png (frame $frame)"
# Statistics > I/O Graphs (alt+s opens the menu; the item's accelerator is I).
DISPLAY=$display xdotool key --delay 400 alt+s i
sleep 8
DISPLAY=$display import -window root "$root/docs/images/wireshark-regmap-iograph.png"
echo "wrote docs/images/wireshark-regmap-iograph.png"
