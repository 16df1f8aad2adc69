# SPDX-License-Identifier: GPL-2.0-or-later
# Mounts inside a chroot, and their undoing, for scripts/chroot-wireshark.sh and
# scripts/package-test.sh (sourced, bash). Every mount made through here is
# recorded, and chroot_unmount_all undoes them newest first: call it from the
# script's EXIT trap so nothing stays mounted, whatever happens (a run killed
# outright cannot: chroot_clear_stale clears what such a run left).

chroot_mounted=()

# chroot_mount TARGET MOUNT-ARGS...: creates TARGET and mounts it (mount ARGS TARGET).
chroot_mount() {
    local target=$1
    shift
    mkdir -p "$target"
    mount "$@" "$target"
    chroot_mounted+=("$target")
}

# chroot_mount_system ROOT SRC: proc, sys, dev and dev/pts in ROOT, and SRC (the
# checkout) read-only at ROOT/mcp5a-src.
chroot_mount_system() {
    local root=$1 src=$2
    chroot_mount "$root/proc" -t proc proc
    chroot_mount "$root/sys" -t sysfs sysfs
    chroot_mount "$root/dev" --bind /dev
    chroot_mount "$root/dev/pts" --bind /dev/pts
    chroot_mount "$root/mcp5a-src" --bind "$src"
    mount -o remount,bind,ro "$root/mcp5a-src"
}

# chroot_unmount_all: unmounts what chroot_mount mounted, newest first (lazily
# when busy); says which it could not unmount and returns 1 then.
chroot_unmount_all() {
    local i status=0
    for ((i = ${#chroot_mounted[@]} - 1; i >= 0; i--)); do
        umount "${chroot_mounted[i]}" 2>/dev/null || umount -l "${chroot_mounted[i]}" || {
            echo "${0##*/}: could not unmount ${chroot_mounted[i]}" >&2
            status=1
        }
    done
    chroot_mounted=()
    return $status
}

# chroot_clear_stale DIR: unmounts everything mounted below DIR (deepest first),
# left by a run that was killed outright; says so for each.
chroot_clear_stale() {
    local dir=$1 stale
    { findmnt -rn -o TARGET | grep "^$dir/" || true; } | sort -r | while read -r stale; do
        echo "${0##*/}: unmounting $stale, left by an earlier run" >&2
        umount "$stale" 2>/dev/null || umount -l "$stale"
    done
}

# chroot_run ROOT CMD...: CMD inside ROOT with a clean environment.
chroot_run() {
    local root=$1
    shift
    chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
        LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}
