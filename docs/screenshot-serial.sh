#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Takes docs/images/wireshark-serial-swapped.png: the real Wireshark GUI (under
# Xvfb, MCP5A profile) with a serial capture whose two ports were given the
# wrong way round: captures/serial-pcapng.pcapng written again on a line named
# /dev/ttyUSB0 with every direction flipped (as test/plugin/serial_swapped_test.py
# does). Source and Destination say master/device (/dev/ttyUSB0); a response,
# its "ports swapped?" warning expanded. Not run in CI.
#   apt-get install wireshark-qt xvfb imagemagick xdotool
#   docs/screenshot-serial.sh build/plugin/mcp5a.so [FRAME] [DISPLAY_NUMBER]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
plugin=${1:?usage: screenshot-serial.sh PLUGIN.so [FRAME] [DISPLAY_NUMBER]}
frame=${2:-}
display=:${3:-93}
out="$root/docs/images/wireshark-serial-swapped.png"
stage=$(mktemp -d /tmp/mcp5a-shot.XXXXXX)
xvfb_pid= ws_pid=
trap 'kill $xvfb_pid $ws_pid 2>/dev/null || true; rm -rf "$stage"' EXIT
xy=$(tshark --version | sed -n '1s/^TShark (Wireshark) \([0-9]*\.[0-9]*\)\..*/\1/p')
mkdir -p "$stage/.local/lib/wireshark/plugins/$xy/epan" "$stage/.config/wireshark/profiles"
cp "$plugin" "$stage/.local/lib/wireshark/plugins/$xy/epan/mcp5a.so"
python3 - "$root" "$stage/swapped.pcapng" <<'PY'
import os, sys
root, out = sys.argv[1], sys.argv[2]
sys.path[:0] = [os.path.join(root, "test", "libpy"), os.path.join(root, "test", "plugin")]
import capfile
from serial_swapped_test import flip_direction, write_pcapng
_, recs = capfile.read(os.path.join(root, "captures", "serial-pcapng.pcapng"))
write_pcapng(out, ["/dev/ttyUSB0"], [(0, r.ts, flip_direction(r.data)) for r in recs])
PY
cp -R "$root/plugin/profile/MCP5A" "$stage/.config/wireshark/profiles/"
printf 'gui.update.enabled: FALSE\nprivs.warn_if_elevated: FALSE\ngui.layout_content_3: NONE\n' |
    tee -a "$stage/.config/wireshark/profiles/MCP5A/preferences" >"$stage/.config/wireshark/preferences"
# Column widths (the profile's recent file): room for "master (/dev/ttyUSB0)".
cat >"$stage/.config/wireshark/profiles/MCP5A/recent" <<'RECENT'
column.width:
	%m, 45,
	%t, 80,
	%s, 185,
	%d, 185,
	%p, 65,
	%L, 60,
	%Cus:mcp5a.device:0:R, 55,
	%Cus:mcp5a.seq:0:R, 45,
	%Cus:mcp5a.cmd:0:R, 150,
	%Cus:mcp5a.time:0:R, 105,
	%i, 600
RECENT
chmod -R a+rwX "$stage"
if [ -z "$frame" ]; then # the first response flagged
    frame=$(HOME="$stage" setpriv --reuid=65534 --regid=65534 --clear-groups \
        tshark -r "$stage/swapped.pcapng" -Y mcp5a.serial.swapped.response -T fields \
        -e frame.number | head -1)
fi
Xvfb "$display" -screen 0 1280x900x24 >/dev/null 2>&1 &
xvfb_pid=$!
sleep 2
# As root Wireshark ignores personal plugins: run it as nobody.
env DISPLAY="$display" HOME="$stage" XDG_CONFIG_HOME="$stage/.config" \
    setpriv --reuid=65534 --regid=65534 --clear-groups \
    wireshark -C MCP5A -r "$stage/swapped.pcapng" -g "$frame" >/dev/null 2>&1 &
ws_pid=$!
sleep 12
win=$(DISPLAY=$display xdotool search --name "swapped.pcapng" | head -1)
DISPLAY=$display xdotool windowsize "$win" 1280 900 windowmove "$win" 0 0
sleep 1
# Click into the packet details, collapse everything, go to the last top-level
# item (MCP5A) and expand its subtrees.
DISPLAY=$display xdotool mousemove 300 640 click 1
sleep 1
DISPLAY=$display xdotool key --delay 300 ctrl+Left End shift+Right
sleep 2
DISPLAY=$display import -window root "$out"
echo "wrote $out (frame $frame)"
