#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds and tests the mcp5a plugin against the Wireshark of another Debian
# release, inside a chroot this script creates (as root, needs debootstrap):
#   trixie  Debian 13       Wireshark 4.4
#   forky   Debian testing  Wireshark 4.6
#
#   scripts/chroot-wireshark.sh test SUITE [DUMP_DIR]
#       provision SUITE if needed, build the plugin from this checkout with
#       -Werror and run its ctest tests (plugin.*) inside; with DUMP_DIR, also
#       copy the mcp5a field dump of every capture there (plugin.dissect writes it)
#   scripts/chroot-wireshark.sh provision SUITE   create or update the chroot only
#   scripts/chroot-wireshark.sh shell SUITE [CMD...]
#       run CMD (default: bash) inside, the checkout mounted read-only at /mcp5a-src
#   scripts/chroot-wireshark.sh clean SUITE       delete the chroot
#
# The chroots live outside the checkout, in $MCP5A_CHROOT_DIR (default
# /var/cache/mcp5a-chroots/SUITE, about 0.9 GiB each) and are reused once
# provisioned (a stamp file names the packages installed). The mirror comes
# from this machine's apt configuration when the script runs (or
# $MCP5A_MIRROR). proc, sys, dev, dev/pts and the checkout are mounted only
# while a command runs, and always unmounted afterwards.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
usage() {
    sed -n '3,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
    exit 2
}
[ $# -ge 2 ] || usage
action=$1 suite=$2
shift 2
case $suite in
trixie | forky) ;;
*)
    echo "chroot-wireshark.sh: unknown suite '$suite' (trixie or forky)" >&2
    exit 2
    ;;
esac
if [ "$(id -u)" -ne 0 ]; then
    echo "chroot-wireshark.sh: run as root (debootstrap, mount, chroot)" >&2
    exit 2
fi
base=${MCP5A_CHROOT_DIR:-/var/cache/mcp5a-chroots}
root="$base/$suite"
stamp="$root/.mcp5a-provisioned"
packages="build-essential cmake pkg-config libglib2.0-dev libpcap-dev libwireshark-dev
wireshark-dev tshark python3 util-linux"
packages=$(echo $packages)

# The first Debian archive URI in the machine's apt sources (deb822 .sources
# files, then one-line sources.list), skipping the security archive.
mirror() {
    if [ -n "${MCP5A_MIRROR:-}" ]; then
        echo "$MCP5A_MIRROR"
        return
    fi
    local uri
    uri=$(
        {
            cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
                awk 'tolower($1)=="uris:" {for (i = 2; i <= NF; i++) print $i}'
            cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
                awk '$1=="deb" {for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/) {print $i; break}}'
        } | grep -v -e security -e '^cdrom:' | sed -n 1p
    )
    if [ -z "$uri" ]; then
        echo "chroot-wireshark.sh: no Debian mirror found in /etc/apt (set MCP5A_MIRROR)" >&2
        exit 3
    fi
    echo "$uri"
}

. "$src/scripts/lib/chroot-mounts.sh"
# Nothing may stay mounted inside the chroot, whatever happens.
trap chroot_unmount_all EXIT
trap 'exit 130' INT TERM
mount_all() { chroot_mount_system "$root" "$src"; }
in_root() { chroot_run "$root" "$@"; }

provision() {
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$packages" ]; then
        return 0
    fi
    local t0=$SECONDS url
    url=$(mirror)
    if [ ! -x "$root/usr/bin/apt-get" ]; then
        command -v debootstrap >/dev/null || {
            echo "chroot-wireshark.sh: debootstrap missing (scripts/setup-debian.sh installs it)" >&2
            exit 3
        }
        rm -rf "$root"
        mkdir -p "$base"
        # Debian 12's debootstrap has no forky script: testing is bootstrapped as sid is.
        local script=""
        [ -f "/usr/share/debootstrap/scripts/$suite" ] || script=/usr/share/debootstrap/scripts/sid
        echo "== debootstrap $suite from $url into $root"
        debootstrap --variant=minbase "$suite" "$root" "$url" $script >"$base/$suite.debootstrap.log" 2>&1 || {
            tail -20 "$base/$suite.debootstrap.log" >&2
            exit 3
        }
    fi
    cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
    echo "deb $url $suite main" >"$root/etc/apt/sources.list"
    # testing's Release file may be past its Valid-Until on a mirror snapshot.
    echo 'Acquire::Check-Valid-Until "false";' >"$root/etc/apt/apt.conf.d/99mcp5a"
    mount_all
    echo "== apt-get install in $suite"
    in_root sh -c 'echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections'
    in_root apt-get update -q >/dev/null
    in_root apt-get install -y -q --no-install-recommends $packages >"$base/$suite.apt.log" 2>&1 || {
        tail -20 "$base/$suite.apt.log" >&2
        exit 3
    }
    in_root apt-get clean
    chroot_unmount_all
    echo "$packages" >"$stamp"
    echo "== $suite provisioned in $((SECONDS - t0)) s"
}

# Exclusive use of the chroot: two CI runs on one machine wait for each other.
mkdir -p "$base"
exec 9>"$base/$suite.lock"
flock 9
# A run killed outright (SIGKILL) cannot unmount: clear what it left behind.
chroot_clear_stale "$root"

case $action in
provision)
    provision
    ;;
shell)
    provision
    mount_all
    if [ $# -eq 0 ]; then set -- bash; fi
    in_root "$@"
    ;;
test)
    provision
    dump=${1:-}
    mount_all
    if [ -n "$dump" ]; then
        mkdir -p "$dump"
        chroot_mount "$root/mcp5a-dump" --bind "$dump"
    fi
    in_root bash /mcp5a-src/test/plugin/in_chroot.sh ${dump:+/mcp5a-dump}
    ;;
clean)
    # Never delete through a live mount (the bind of /dev or the checkout).
    if findmnt -rn -o TARGET | grep "^$root/" >/dev/null; then
        echo "chroot-wireshark.sh: something is still mounted under $root" >&2
        exit 3
    fi
    rm -rf "$root" "$base/$suite".*.log
    ;;
*)
    usage
    ;;
esac
