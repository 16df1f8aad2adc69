#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Drives the real Wireshark GUI (under Xvfb, as an ordinary user) through the
# serial relay of issue 23, as a field engineer would, and takes
# docs/images/wireshark-relay.png:
#   1. the extcap and the plugin installed for one user
#      (cmake --build BUILD --target install-extcap-user, HOME=a fresh folder);
#   2. a device on a serial line: mcpsim --pty with captures/plant-map.csv;
#   3. Wireshark capturing "MCP serial relay" (mcpserial-relay), program side
#      pty:~/ttyMCP-relay, device side the simulator's pty, the register map set;
#   4. a program talking through it: mcppoll serial:~/ttyMCP-relay read ... all.
# Then checks that mcppoll got every answer. Not run in CI.
#   apt-get install wireshark-qt xvfb imagemagick xdotool
#   docs/screenshot-relay.sh BUILD_DIR
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:?usage: screenshot-relay.sh BUILD_DIR}" && pwd)
stage=$(mktemp -d /tmp/mcp5a-relay-shot.XXXXXX)
xvfb_pid= ws_pid= sim_pid=
trap 'kill $ws_pid $sim_pid 2>/dev/null || true; sleep 1; kill $xvfb_pid 2>/dev/null || true; rm -rf "$stage"' EXIT
xy=$(tshark --version | sed -n '1s/^TShark (Wireshark) \([0-9]*\.[0-9]*\)\..*/\1/p')
HOME=$stage cmake --build "$build" --target install-extcap-user >/dev/null
mkdir -p "$stage/.local/lib/wireshark/plugins/$xy/epan" "$stage/.config/wireshark"
cp "$build/plugin/mcp5a.so" "$stage/.local/lib/wireshark/plugins/$xy/epan/mcp5a.so"
cp "$root/captures/plant-map.csv" "$stage/plant-map.csv"
cat >"$stage/.config/wireshark/preferences" <<PREFS
gui.update.enabled: FALSE
privs.warn_if_elevated: FALSE
gui.layout_content_3: NONE
mcp5a.register_map: $stage/plant-map.csv
PREFS
# Source and Destination wide enough for "master (relay /dev/pts/1 <-> /dev/pts/0)".
cat >"$stage/.config/wireshark/recent" <<'RECENT'
column.width: %m, 50, %t, 95, %s, 340, %d, 340, %p, 50, %L, 50, %i, 330
RECENT
chmod -R a+rwX "$stage"
as_user() {
    env HOME="$stage" XDG_CONFIG_HOME="$stage/.config" \
        setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}
# The device: a simulated plant on a new pty (its path on mcpsim's first line).
exec 3< <(exec env HOME="$stage" setpriv --reuid=65534 --regid=65534 --clear-groups \
    "$build/replay/mcpsim/mcpsim" --pty --map "$stage/plant-map.csv" --seed 7 2>&1)
sim_pid=$!
device=
while read -r -t 10 line <&3; do
    case $line in *"listening serial:"*) device=${line##*listening serial:} && device=${device%% *} && break ;; esac
done
[ -n "$device" ] || { echo "mcpsim did not start" >&2; exit 1; }
echo "device side: $device"
display=:97
Xvfb $display -screen 0 1280x900x24 >/dev/null 2>&1 &
xvfb_pid=$!
sleep 2
link=$stage/ttyMCP-relay
DISPLAY=$display as_user wireshark -i mcpserial-relay -k \
    -o "extcap.mcpserial_relay.relaydevice:$device" \
    -o "extcap.mcpserial_relay.relay:pty:$link" \
    -o "extcap.mcpserial_relay.baud:115200" >"$stage/ws.log" 2>&1 &
ws_pid=$!
for _ in $(seq 60); do [ -e "$link" ] && break; sleep 0.5; done
[ -e "$link" ] || { echo "the relay's program side never appeared ($link)"; cat "$stage/ws.log"; exit 1; }
echo "program side: $link -> $(readlink "$link")"
sleep 2
# The program: 8 polls of every item of tank 1, by name.
as_user "$build/replay/mcppoll/mcppoll" "serial:$link?baud=115200" --map "$stage/plant-map.csv" \
    read 1 all -c 8 --interval 250 --json="$stage/poll.json" >"$stage/poll.txt"
answers=$(grep -c '"name"' "$stage/poll.json" || true)
echo "mcppoll through the relay: exit 0, $(wc -l <"$stage/poll.json") JSON lines"
sleep 3
win=$(DISPLAY=$display xdotool search --name "mcpserial-relay|MCP serial relay|Capturing" | head -1)
DISPLAY=$display xdotool windowsize "$win" 1280 900 windowmove "$win" 0 0
sleep 2
# Capture stopped (Ctrl+E; the relay ends with it), the last READ response of the long
# READ selected, its tree expanded: the named values in view.
DISPLAY=$display xdotool mousemove 300 200 click 1
DISPLAY=$display xdotool key --delay 300 ctrl+e
sleep 3
DISPLAY=$display xdotool mousemove 300 200 click 1
DISPLAY=$display xdotool key --delay 300 End Up Up
sleep 1
DISPLAY=$display xdotool mousemove 300 496 click 1
sleep 1
DISPLAY=$display xdotool key --delay 400 Left ctrl+Left End shift+Right End
sleep 2
DISPLAY=$display import -window root "$root/docs/images/wireshark-relay.png"
echo "wrote docs/images/wireshark-relay.png"
: "$answers"
