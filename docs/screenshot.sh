#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Takes docs/images/wireshark-mcp5a.png: the real Wireshark GUI (under Xvfb)
# with the MCP5A configuration profile (plugin/profile/MCP5A: colouring rules,
# filter buttons, columns) showing an MCP5A packet with a gap, its analysis
# expanded. Not run in CI.
#   apt-get install wireshark-qt xvfb imagemagick xdotool
#   docs/screenshot.sh build/plugin/mcp5a.so [CAPTURE] [FRAME] [UP]
# UP: how many MCP5A items above the packet's last one to expand (default 0).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
plugin=${1:?usage: screenshot.sh PLUGIN.so [CAPTURE] [FRAME]}
capture=${2:-$root/captures/udp-faults.pcap}
frame=${3:-}
up=${4:-0}
out="$root/docs/images/wireshark-mcp5a.png"
stage=$(mktemp -d /tmp/mcp5a-shot.XXXXXX)
trap 'kill $xvfb_pid $ws_pid 2>/dev/null || true; rm -rf "$stage"' EXIT
mkdir -p "$stage/.local/lib/wireshark/plugins/4.0/epan" "$stage/.config/wireshark/profiles"
cp "$plugin" "$stage/.local/lib/wireshark/plugins/4.0/epan/mcp5a.so"
cp "$capture" "$stage/capture.pcap"
# The profile as install-plugin-user installs it; no bytes pane: the packet
# details get the room.
cp -R "$root/plugin/profile/MCP5A" "$stage/.config/wireshark/profiles/"
printf 'gui.update.enabled: FALSE\nprivs.warn_if_elevated: FALSE\ngui.layout_content_3: NONE\n' |
    tee -a "$stage/.config/wireshark/profiles/MCP5A/preferences" >"$stage/.config/wireshark/preferences"
chmod -R a+rwX "$stage"
if [ -z "$frame" ]; then # the first gap
    frame=$(HOME="$stage" setpriv --reuid=65534 --regid=65534 --clear-groups \
        tshark -r "$stage/capture.pcap" -Y mcp5a.analysis.gap -T fields -e frame.number | head -1)
fi
display=:97
Xvfb $display -screen 0 1280x900x24 >/dev/null 2>&1 &
xvfb_pid=$!
sleep 2
# As root Wireshark ignores personal plugins: run it as nobody.
env DISPLAY=$display HOME="$stage" XDG_CONFIG_HOME="$stage/.config" \
    setpriv --reuid=65534 --regid=65534 --clear-groups \
    wireshark -C MCP5A -r "$stage/capture.pcap" -Y "mcp5a" -g "$frame" >/dev/null 2>&1 &
ws_pid=$!
sleep 12
win=$(DISPLAY=$display xdotool search --name "capture.pcap" | head -1)
DISPLAY=$display xdotool windowsize "$win" 1280 900 windowmove "$win" 0 0
sleep 1
# Click into the packet details, collapse everything, go to the last
# top-level item (the last MCP5A frame of the packet) and expand its subtrees.
DISPLAY=$display xdotool mousemove 300 640 click 1
sleep 1
ups=()
for ((i = 0; i < up; i++)); do ups+=(Up); done
DISPLAY=$display xdotool key --delay 300 ctrl+Left End "${ups[@]}" shift+Right
sleep 2
DISPLAY=$display import -window root "$out"
echo "wrote $out (frame $frame)"
