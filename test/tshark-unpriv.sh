#!/usr/bin/env bash
# Runs tshark with the freshly built mcp5a plugin, as Wireshark requires:
# as root it silently ignores personal plugins, so the plugin is staged in a
# personal plugin folder under a throw-away HOME and tshark runs as nobody.
#
#   MCP5A_PLUGIN=/path/to/mcp5a.so test/tshark-unpriv.sh -r capture.pcap ...
#
# Capture files must be readable by nobody (world-readable, in a folder it can
# enter); output goes to stdout as usual. Set MCP5A_TSHARK to run another
# binary (editcap is not needed: it has no plugins).
set -euo pipefail
plugin=${MCP5A_PLUGIN:?set MCP5A_PLUGIN to the built mcp5a.so}
tshark_bin=${MCP5A_TSHARK:-tshark}
stage=$(mktemp -d /tmp/mcp5a-stage.XXXXXX)
trap 'rm -rf "$stage"' EXIT
dir="$stage/.local/lib/wireshark/plugins/4.0/epan"
mkdir -p "$dir"
cp "$plugin" "$dir/mcp5a.so"
chmod -R a+rX "$stage"
export WIRESHARK_ABORT_ON_DISSECTOR_BUG=1
# Global plugins are scanned before personal ones: an mcp5a.so installed in
# the global folder (cmake --install) would silently win over the staged one.
# An empty global plugin folder leaves only the staged plugin.
mkdir -p "$stage/global-plugins"
export WIRESHARK_PLUGIN_DIR="$stage/global-plugins"
if [ "$(id -u)" -eq 0 ]; then
    # nobody can read the stage; HOME and XDG_CONFIG_HOME keep its profile there.
    env HOME="$stage" XDG_CONFIG_HOME="$stage/.config" \
        setpriv --reuid=65534 --regid=65534 --clear-groups "$tshark_bin" "$@"
else
    env HOME="$stage" XDG_CONFIG_HOME="$stage/.config" "$tshark_bin" "$@"
fi
