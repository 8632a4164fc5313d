#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The Debian package under a real systemd: a fresh minimal Debian 12 root
# with the package installed, booted with systemd-nspawn in a network
# namespace of its own (--private-network) and a bpffs folder of its own
# (/sys/fs/bpf/PREFIX bound at its /sys/fs/bpf), then
#   systemctl enable --now hairpin-xdp   active once READY=1, forwards in place
#   systemctl reload                     a bad file fails and changes nothing,
#                                        a good one is applied
#   systemctl stop                       forwards stay; with UNLOAD_ON_STOP=yes
#                                        everything is unloaded
# and the journal has the daemon's lines with their levels. Not part of
# tests/run (it takes a few minutes and installs packages in the root):
#   make deb && tests/fresh/systemd.sh
# The root is the cached minimal bookworm of fresh-debian.sh, or a new one.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/report.sh
export DEBIAN_FRONTEND=noninteractive

PFX=hpsd$$
CACHE=${HOME:-/root}/.cache/hairpin-xdp/bookworm-minbase.tar
ROOT=
PINS=/sys/fs/bpf/$PFX
NSPAWN=

deb=$(find build -maxdepth 1 -name 'hairpin-xdp_*.deb' | head -1)
[ -n "$deb" ] || { not_ok "systemd: package" "no build/hairpin-xdp_*.deb (make deb)"; exit 1; }
[ "$(id -u)" = 0 ] || { skip "systemd" "needs root"; exit 0; }

cleanup() {
	[ -n "$NSPAWN" ] && kill "$NSPAWN" 2>/dev/null && sleep 2
	if [ -d "$PINS/hairpin-xdp" ]; then
		build/hairpin-xdp --bpffs "$PINS/hairpin-xdp" detach --all >/dev/null 2>&1
	fi
	[ -d "$PINS" ] && rm -rf "$PINS"
	[ -n "$ROOT" ] && rm -rf --one-file-system "$ROOT"
	return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

command -v systemd-nspawn >/dev/null || apt-get install -y -q systemd-container >&2
ROOT=$(mktemp -d -t hp-nspawn.XXXXXX)
if [ -s "$CACHE" ]; then
	tar -C "$ROOT" -xf "$CACHE"
else
	command -v debootstrap >/dev/null || apt-get install -y -q debootstrap >&2
	debootstrap --variant=minbase bookworm "$ROOT" >&2 || { not_ok "systemd: root" "debootstrap failed"; exit 1; }
fi
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
cp "$deb" "$ROOT/root/"

# in_root CMD: run CMD (a shell line) in the root, not booted.
in_root() {
	systemd-nspawn -q --register=no --keep-unit -D "$ROOT" --pipe sh -c "$1"
}
check "systemd: install systemd and the package in a fresh root" in_root \
	"apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends systemd systemd-sysv dbus iproute2 /root/$(basename "$deb") >/dev/null"

mkdir -p "$PINS"
systemd-nspawn -q --register=no --keep-unit --private-network --capability=all \
	--system-call-filter='bpf perf_event_open' --bind="$PINS:/sys/fs/bpf" \
	-D "$ROOT" -b >"$ROOT.boot.log" 2>&1 &
NSPAWN=$!

# The container's init: systemd-nspawn -> its helper -> systemd.
init_pid() {
	local helper
	helper=$(pgrep -P "$NSPAWN" | head -1) && [ -n "$helper" ] && pgrep -P "$helper" | head -1
}
# Up far enough for services: basic.target reached (is-system-running can
# stay "starting" for a minute in a container, on device units it waits for).
booted() {
	local pid
	pid=$(init_pid) || return 1
	[ "$(nsenter -t "$pid" -a systemctl is-active basic.target 2>/dev/null)" = active ]
}
if ! wait_for 600 booted; then
	not_ok "systemd: boot the root" "not running after 60 s: $(tail -3 "$ROOT.boot.log")"
	exit 1
fi
INIT=$(init_pid)
ok "systemd: the root boots systemd $(nsenter -t "$INIT" -a systemctl --version | head -1 | cut -d' ' -f2)"
in_box() { nsenter -t "$INIT" -a sh -c "$1"; }
conf=/etc/hairpin-xdp/hairpin-xdp.conf
good='attach wan0 lan0\nforward tcp wan0:80 192.168.0.2:80\n'

check "systemd: the container's interfaces (wan0, lan0)" in_box '
	ip link add wan0 type veth peer name wan0p && ip link add lan0 type veth peer name lan0p &&
	ip addr add 203.0.113.4/24 dev wan0 && ip addr add 192.168.0.1/24 dev lan0 &&
	for d in wan0 wan0p lan0 lan0p; do ip link set $d up; done'
check "systemd: not enabled on install" test "$(in_box 'systemctl is-enabled hairpin-xdp')" = disabled
in_box "printf '$good' >$conf"
check "systemd: systemctl enable --now hairpin-xdp" in_box 'systemctl enable --now hairpin-xdp'
check "systemd: active (READY=1 came)" test "$(in_box 'systemctl is-active hairpin-xdp')" = active
hx=hairpin-xdp
check "systemd: the forward is in place (wan0:80, active)" \
	in_box "$hx forward list | grep -E '^tcp +wan0:80 ' | grep -qv inactive"
check "systemd: attached to both interfaces" in_box 'ip -d link show wan0 | grep -q prog/xdp && ip -d link show lan0 | grep -q prog/xdp'
check "systemd: the journal has the daemon's lines at info level or above" \
	in_box 'journalctl -u hairpin-xdp -p info _PID=$(systemctl show -p MainPID --value hairpin-xdp) -o cat | grep -q .'
check "systemd: no '<N>' prefix left in the journal's messages" \
	negate in_box "journalctl -u hairpin-xdp -o cat | grep -qE '^<[0-7]>'"

in_box "printf '${good}forward tcp wan0:8080 192.168.0.2:80 --hairpin sideways\n' >$conf"
check "systemd: reload with a bad file fails" negate in_box 'systemctl reload hairpin-xdp'
check "systemd: ... the service stays active" test "$(in_box 'systemctl is-active hairpin-xdp')" = active
check "systemd: ... nothing of it applied" negate in_box "$hx forward list | grep -q :8080"
in_box "printf '${good}forward tcp wan0:8080 192.168.0.2:80\n' >$conf"
check "systemd: reload with a good file" in_box 'systemctl reload hairpin-xdp'
check "systemd: ... applied" wait_for 50 in_box "$hx forward list | grep -q :8080"

check "systemd: systemctl stop" in_box 'systemctl stop hairpin-xdp'
check "systemd: ... the forwards stay" in_box "$hx forward list | grep -q :8080"
check "systemd: ... still attached" in_box 'ip -d link show wan0 | grep -q prog/xdp'
in_box 'sed -i "s/^UNLOAD_ON_STOP=.*/UNLOAD_ON_STOP=yes/" /etc/default/hairpin-xdp'
check "systemd: start again, then stop with UNLOAD_ON_STOP=yes" \
	in_box 'systemctl start hairpin-xdp && systemctl stop hairpin-xdp'
check "systemd: ... nothing left loaded" test -z "$(ls -A "$PINS")"
check "systemd: ... nothing attached" negate in_box 'ip -d link show wan0 | grep -q prog/xdp'
in_box 'journalctl -u hairpin-xdp -o short-monotonic --no-pager' >&2
[ "$HP_FAILED" -eq 0 ]
