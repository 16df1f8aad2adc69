# SPDX-License-Identifier: GPL-2.0-or-later
# What the plugin's shell tests in test/plugin share (sourced, bash):
#   . "$(dirname "$0")/../libsh/plugin_work.sh" NAME
# sets here (the test's folder), runner (tshark with the staged plugin, run as
# nobody: test/tshark-unpriv.sh) and work, a fresh /tmp/mcp5a-NAME.XXXXXX folder
# that tshark can read, removed on exit.
here=$(cd "$(dirname "$0")" && pwd)
runner="$here/../tshark-unpriv.sh"
work=$(mktemp -d "/tmp/mcp5a-${1:?plugin_work.sh NAME}.XXXXXX")
trap 'rm -rf "$work"' EXIT
chmod a+rx "$work"
