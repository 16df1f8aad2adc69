#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# -Y with a tshark that cannot run the export (here: the system tshark without
# the plugin, which does not know the mcp5a preferences) names tshark's own
# error, not the warning tshark prints first when it runs as root ("Running
# as user "root" ... dangerous.", h19's finding 18). As non-root tshark prints
# no such warning and this checks only that the real error is named.
#   dfilter_message.sh MCPREPLAY CAPTURE
R=$1 cap=$2
msg=$(env -u MCPREPLAY_TSHARK HOME=/nonexistent WIRESHARK_CONFIG_DIR=/nonexistent \
      "$R" -n -Y mcp5a "$cap" 2>&1 >/dev/null)
rc=$?
echo "exit $rc: $msg"
[ $rc -eq 2 ] || { echo "not ok: want exit 2"; exit 1; }
case $msg in
*"Running as user"*) echo "not ok: the root warning, not the error, is quoted"; exit 1 ;;
*"tshark:"*) echo "ok: tshark's error is named" ;;
*) echo "not ok: tshark's error is not named"; exit 1 ;;
esac
