#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs tshark with the freshly built mcp5a plugin, as Wireshark requires:
# as root it silently ignores personal plugins, so the plugin is staged in a
# personal plugin folder under a throw-away HOME and tshark runs as nobody.
#
#   MCP5A_PLUGIN=/path/to/mcp5a.so test/tshark-unpriv.sh -r capture.pcap ...
#
# Capture files must be readable by nobody (world-readable, in a folder it can
# enter); output goes to stdout as usual. Set MCP5A_TSHARK to run another
# binary (editcap is not needed: it has no plugins). MCP5A_PROFILES stages
# configuration profiles (below). MCP5A_WS_XY (e.g. 4.4)
# saves asking that tshark its version on every run.
set -euo pipefail
plugin=${MCP5A_PLUGIN:?set MCP5A_PLUGIN to the built mcp5a.so}
tshark_bin=${MCP5A_TSHARK:-tshark}
stage=$(mktemp -d /tmp/mcp5a-stage.XXXXXX)
trap 'rm -rf "$stage"' EXIT
# The personal plugin folder is plugins/X.Y/epan for the X.Y of the tshark
# that runs (4.0, 4.4, 4.6...): from MCP5A_WS_XY (ctest sets it) or asked.
xy=${MCP5A_WS_XY:-}
if [ -z "$xy" ]; then
    xy=$("$tshark_bin" --version 2>/dev/null | sed -n '1s/^TShark (Wireshark) \([0-9]*\.[0-9]*\)\..*/\1/p')
    if [ -z "$xy" ]; then
        echo "tshark-unpriv.sh: cannot tell the Wireshark version of $tshark_bin" >&2
        exit 2
    fi
fi
dir="$stage/.local/lib/wireshark/plugins/$xy/epan"
# An empty global plugin folder: a copy installed on the machine (cmake
# --install) would be loaded first and the staged one skipped.
mkdir -p "$dir" "$stage/global"
cp "$plugin" "$dir/mcp5a.so"
# MCP5A_PROFILES: a folder of configuration profiles (plugin/profile), staged
# as the personal ones, as install-plugin-user installs them (tshark -C NAME).
if [ -n "${MCP5A_PROFILES:-}" ]; then
    mkdir -p "$stage/.config/wireshark/profiles"
    cp -R "$MCP5A_PROFILES"/. "$stage/.config/wireshark/profiles/"
fi
chmod -R a+rX "$stage"
export WIRESHARK_ABORT_ON_DISSECTOR_BUG=1
# Global plugins are scanned before personal ones: an mcp5a.so installed in
# the global folder (cmake --install) would silently win over the staged one.
# An empty global plugin folder leaves only the staged plugin.
mkdir -p "$stage/global-plugins"
export WIRESHARK_PLUGIN_DIR="$stage/global-plugins"
if [ "$(id -u)" -eq 0 ]; then
    # nobody can read the stage; HOME and XDG_CONFIG_HOME keep its profile there.
    env HOME="$stage" XDG_CONFIG_HOME="$stage/.config" WIRESHARK_PLUGIN_DIR="$stage/global" \
        setpriv --reuid=65534 --regid=65534 --clear-groups "$tshark_bin" "$@"
else
    env HOME="$stage" XDG_CONFIG_HOME="$stage/.config" WIRESHARK_PLUGIN_DIR="$stage/global" \
        "$tshark_bin" "$@"
fi
