#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The pin root cannot be turned against root: on a bpffs anyone may write
# (the kernel's default mode is 1777), a local user could make the root
# first, with a symlink in it pointing elsewhere, and root's next failed
# attach or detach --all would unlink files there. A root (or folder of
# it) that is a symlink, is not ours, or is writable by group or others is
# refused with one line and nothing is touched; so is the bpffs mount
# point itself. The victim folder keeps its files in every case.
# shellcheck source=tests/cli/lib.bash
. "$(dirname "$0")/lib.bash"
cli_setup pinroot

veth_pair v0 v1 192.168.0.1/24

# A folder of "someone else's" files the attack aims at, on the same bpffs.
VICTIM=$PIN-victim
mkdir -m 0700 "$VICTIM" && bpftool map create "$VICTIM/precious" type array key 4 value 4 \
	entries 1 name precious
cleanup_victim() { rm -rf "$VICTIM" "$PIN-link"; }
trap 'cleanup_victim; cli_cleanup' EXIT
victim_intact() { [ -e "$VICTIM/precious" ]; }

# refused NAME RE ARGS...: one line matching RE, the victim intact, the root
# as it was.
refused() {
	local name=$1 re=$2
	shift 2
	expect_fail "$name" "$re" "$@"
	check "$name: the victim's files are intact" victim_intact
}

# A root made by another user (nobody), with progs/ a symlink to the victim.
mkdir -m 0755 "$PIN" && mkdir "$PIN/maps" "$PIN/links" && ln -s "$VICTIM" "$PIN/progs" &&
	chown -R nobody "$PIN"
refused "a root owned by another user" "^hairpin-xdp: $PIN is owned by uid [0-9]+, not by us" attach v0
refused "detach --all of a root owned by another user" "is owned by uid" detach --all
chown -R root "$PIN"
refused "a folder of the root is a symlink" "^hairpin-xdp: $PIN/progs is a symlink; refusing to follow it$" attach v0
refused "detach --all through a symlinked folder" "is a symlink" detach --all
rm -f "$PIN/progs"
chmod 0777 "$PIN"
refused "a root writable by others" "^hairpin-xdp: $PIN is writable by group or others \(mode 0777\)" attach v0
chmod 0700 "$PIN"
chmod 0770 "$PIN/maps"
refused "a folder writable by the group" "^hairpin-xdp: $PIN/maps is writable by group or others" attach v0
chmod 0700 "$PIN/maps"
rm -rf "$PIN"

# The root itself a symlink (to the victim).
ln -s "$VICTIM" "$PIN"
refused "a root that is a symlink" "^hairpin-xdp: $PIN is a symlink; refusing to follow it$" attach v0
refused "detach --all of a symlinked root" "is a symlink" detach --all
rm -f "$PIN"

# The bpffs mount point is everyone's: never a pin root.
hx --bpffs /sys/fs/bpf attach v0
check "the bpffs mount point as the root: refused" eval \
	'[ "$RC" -ne 0 ] && grep -q "is the bpffs mount point itself" "$ERR" && ! has_xdp v0'

# Made by us: accepted, 0700, and removed whole.
expect_ok "a root we make" attach v0
check "the root and its folders are 0700" eval \
	'[ "$(stat -c %a "$PIN" "$PIN/maps" "$PIN/progs" "$PIN/links" | sort -u)" = 700 ]'
expect_ok "detach --all" detach --all
check "nothing left, the victim intact" eval '[ ! -e "$PIN" ] && victim_intact'
asan_report "pinroot: no sanitizer reports"
