#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds the Debian packages (cpack -G DEB: mcp-tools, wireshark-plugin-mcp5a) INSIDE a
# clean Debian chroot, so the plugin matches that release's Wireshark, with -DMCP_WERROR=ON
# (that release's compiler: a warning fails the build, as in CI), installs them there with
# apt-get, checks them, and removes them again:
#   - tshark -G plugins lists mcp5a; tshark -D lists mcpserialdump's port (a pty, through
#     $MCPSERIALDUMP_PORTS);
#   - man mcpreplay opens; every tool answers --version;
#   - lintian on both packages (its findings are printed, they do not fail the test);
#   - apt-get purge removes them: none of their files is left.
#
#   scripts/package-test.sh [SUITE]     SUITE: trixie (default) or forky; as root
#
# The chroot is the one scripts/chroot-wireshark.sh provisions
# ($MCP5A_CHROOT_DIR/SUITE, default /var/cache/mcp5a-chroots), mounted read-only under
# a throwaway overlay: the provisioned chroot itself is never changed (what this
# script installs, file, man-db, lintian and the packages, goes into the overlay).
# The .debs are copied to $MCP_PACKAGE_OUT (default build-packages/SUITE) for a look.
# scripts/test.sh runs it for forky after the plugin matrix (MCP_PACKAGE_SUITE=""
# skips it). Measured: 3.3 min for trixie, about 5 min for forky on 2 busy cores
# (2026-11-30, lintian already cached); the first run takes longer, most of it
# apt-get installing lintian the first time (its .debs are cached for the next run).
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
suite=${1:-trixie}
case $suite in
trixie | forky) ;;
*) echo "package-test.sh: unknown suite '$suite' (trixie or forky)" >&2; exit 2 ;;
esac
[ "$(id -u)" -eq 0 ] || { echo "package-test.sh: run as root (mount, chroot)" >&2; exit 2; }
base=${MCP5A_CHROOT_DIR:-/var/cache/mcp5a-chroots}
lower="$base/$suite"
[ -f "$lower/.mcp5a-provisioned" ] || {
    echo "package-test.sh: $lower is not provisioned (scripts/chroot-wireshark.sh provision $suite)" >&2
    exit 3
}
out=${MCP_PACKAGE_OUT:-$src/build-packages/$suite}
t0=$SECONDS

# A shared lock: chroot-wireshark.sh takes it exclusively while it changes the chroot.
exec 9>"$base/$suite.lock"
flock -s 9

. "$src/scripts/lib/chroot-mounts.sh"
# Each run works in its own /var/tmp/mcp-package-test.*, locked (fd 8) while it lives.
# The folder of a run killed outright (SIGKILL: no trap) is unlocked: its mounts are
# cleared and it is removed here, by the next run (one at a time: package-test.lock).
exec 7>"$base/package-test.lock"
flock 7
for old in /var/tmp/mcp-package-test.*; do
    # (a folder without run.lock is an older script's: never touched)
    [ -f "$old/run.lock" ] && flock -n "$old/run.lock" true 2>/dev/null || continue
    chroot_clear_stale "$old"
    echo "package-test.sh: removing $old, left by an earlier run" >&2
    rm -rf --one-file-system "$old"
done
work=$(mktemp -d /var/tmp/mcp-package-test.XXXXXX)
exec 8>"$work/run.lock"
flock 8
exec 7>&-
root="$work/root"
mkdir -p "$work/upper" "$work/ovl" "$root"
cleanup() {
    # never remove the folder through a mount still there (dev is /dev, bound)
    if chroot_unmount_all && ! findmnt -rn -o TARGET | grep "^$work/" >/dev/null; then
        rm -rf --one-file-system "$work"
    else
        echo "package-test.sh: $work left in place: something is still mounted there" >&2
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
chroot_mount "$root" -t overlay overlay -o "lowerdir=$lower,upperdir=$work/upper,workdir=$work/ovl"
chroot_mount_system "$root" "$src"
# apt's downloads are kept between runs ($base/SUITE.apt-archives), outside the chroot
mkdir -p "$base/$suite.apt-archives/partial"
chroot_mount "$root/var/cache/apt/archives" --bind "$base/$suite.apt-archives"
in_root() { chroot_run "$root" "$@"; }

echo "== $suite: apt-get install file man-db lintian (into the overlay)"
in_root apt-get install -y -q --no-install-recommends file man-db lintian >"$work/apt.log" 2>&1 || {
    in_root apt-get update -q >/dev/null 2>&1
    in_root apt-get install -y -q --no-install-recommends file man-db lintian >"$work/apt.log" 2>&1 ||
        { tail -20 "$work/apt.log" >&2; exit 3; }
}

echo "== $suite: build and cpack -G DEB"
in_root bash -euo pipefail -c '
    mkdir -p /tmp/src /tmp/debs
    cd /mcp5a-src && tar --exclude=./build --exclude="./build-*" --exclude=./.git -cf - . | tar -C /tmp/src -xf -
    cmake -S /tmp/src -B /tmp/build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=/usr \
        -DMCP_WERROR=ON -DCMAKE_SKIP_INSTALL_ALL_DEPENDENCY=ON >/tmp/cmake.log
    # what the packages ship, with -Werror; cpack then installs just that (without
    # CMAKE_SKIP_INSTALL_ALL_DEPENDENCY its preinstall step would build "all": the tests too)
    cmake --build /tmp/build -j2 --target mcpreplay mcpsim mcpgen mcppoll mcpserialdump mcp5a \
        packaging-files >/tmp/build.log 2>&1
    cd /tmp/build && cpack -G DEB -B /tmp/debs >/tmp/cpack.log
    ls /tmp/debs/*.deb' || {
    # with -Werror a warning is the failure: show every one, then the end of the logs
    in_root sh -c 'grep -E "(warning|error):" /tmp/build.log; tail -n 30 /tmp/build.log /tmp/cpack.log' >&2
    exit 1
}
mkdir -p "$out"
cp "$root"/tmp/debs/*.deb "$out/"

status=0
ok() { echo "ok: $*"; }
bad() { echo "not ok: $*" >&2; status=1; }

echo "== $suite: lintian"
in_root sh -c 'lintian --no-tag-display-limit /tmp/debs/*.deb' >"$work/lintian.txt" 2>&1 || true
if [ -s "$work/lintian.txt" ]; then
    sed 's/^/  lintian: /' "$work/lintian.txt"
else
    ok "lintian: no findings"
fi

echo "== $suite: install"
in_root sh -c 'dpkg-deb -f /tmp/debs/wireshark-plugin-mcp5a_*.deb Depends; dpkg-deb -f /tmp/debs/mcp-tools_*.deb Depends' |
    sed 's/^/  Depends: /'
in_root sh -c 'apt-get install -y -q /tmp/debs/*.deb' >"$work/install.log" 2>&1 ||
    { tail -20 "$work/install.log" >&2; exit 1; }
in_root sh -c 'dpkg -L mcp-tools wireshark-plugin-mcp5a' | sort -u >"$work/files"

if in_root tshark -G plugins 2>/dev/null | grep '^mcp5a\.so' >/dev/null; then
    ok "tshark -G plugins lists mcp5a"
else
    bad "tshark -G plugins does not list mcp5a"
fi
# a pseudo-terminal as the only serial port, held open while tshark asks the extcap;
# the holder names its pid (the chroot shares this pid namespace) with the pty, and is
# stopped by it: killing the backgrounded in_root would leave it in the overlay
in_root python3 -c 'import os, pty, time
m, s = pty.openpty()
with open("/tmp/pty.tmp", "w") as f:
    f.write(f"{os.getpid()} {os.ttyname(s)}\n")
os.rename("/tmp/pty.tmp", "/tmp/pty.name")
time.sleep(120)' &
for _ in $(seq 300); do [ -s "$root/tmp/pty.name" ] && break; sleep 0.1; done
read -r pty_pid pty <"$root/tmp/pty.name" ||
    { echo "package-test.sh: the pty holder did not start within 30 s" >&2; exit 1; }
dlist=$(in_root env MCPSERIALDUMP_PORTS="$pty" tshark -D 2>&1 || true)
kill "$pty_pid" 2>/dev/null || true
wait
if grep -q "$pty" <<<"$dlist"; then
    ok "tshark -D lists the serial extcap: $(grep -m1 "$pty" <<<"$dlist")"
else
    bad "tshark -D does not list $pty: $dlist"
fi
if in_root sh -c 'MANPAGER=cat MANWIDTH=80 man mcpreplay 2>&1 | grep -q "^NAME"'; then
    ok "man mcpreplay opens"
else
    bad "man mcpreplay does not open"
fi
for tool in mcpreplay mcpsim mcpgen mcppoll mcpserialdump; do
    v=$(in_root "/usr/bin/$tool" --version 2>&1) && grep -q "^$tool " <<<"$v" && ok "$v" ||
        bad "$tool --version: $v"
done

echo "== $suite: remove"
in_root apt-get purge -y -q mcp-tools wireshark-plugin-mcp5a >"$work/purge.log" 2>&1 ||
    { tail -20 "$work/purge.log" >&2; status=1; }
left=0
while read -r f; do
    [ -d "$root$f" ] && continue # folders shared with other packages (/usr/bin, ...)
    if [ -e "$root$f" ] || [ -L "$root$f" ]; then
        bad "left after purge: $f"
        left=1
    fi
done <"$work/files"
if in_root dpkg -s mcp-tools >/dev/null 2>&1 || in_root dpkg -s wireshark-plugin-mcp5a >/dev/null 2>&1; then
    bad "dpkg still knows the packages"
elif [ $left -eq 0 ]; then
    ok "purged: none of the $(wc -l <"$work/files") paths left"
fi
echo "== $suite: packages in $out ($((SECONDS - t0)) s)"
exit $status
