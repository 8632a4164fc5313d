# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The story's network in namespaces, sourced by tests/integration/*.sh and
# demo/run:
#
#   [inet] eth0 ---- wan0 [router] lan0 ---- p-router [switch: br0] p-server ---- eth0 [server]
#   203.0.113.2      203.0.113.4   192.168.0.1                      p-client ---- eth0 [client]
#                    (public)                                                  192.168.0.2 / .3
#
# Every name carries the per-run prefix $PFX (namespaces $PFX-router, ...,
# the pin directory /sys/fs/bpf/$PFX), so runs never collide and cleanup
# knows exactly what is its own. Nothing here touches the root namespace's
# interfaces, routes, addresses or firewall.
#
#   topo_up [offload|tx-off]   build it (tx-off: `ethtool -K eth0 tx off` on the
#                              hosts, so their L4 checksums are complete)
#   topo_down                  remove it; idempotent, also run by the trap
#   topo_trap                  install the cleanup trap (EXIT, INT, TERM, HUP)
#   in_ns NS CMD...            run CMD in $PFX-NS
#   hp CMD...                  run hairpin-xdp in the router namespace
#   hp_bg NS LOG CMD...        start CMD in $PFX-NS in the background, output to $HP_TMP/LOG

# shellcheck source=tests/lib/report.sh
. "$(dirname "${BASH_SOURCE[0]}")/report.sh"

HP_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HAIRPIN_XDP=${HAIRPIN_XDP:-$HP_ROOT/build/hairpin-xdp}
# Debian's interpreter, not a user's pyenv shim: the scripts use only the stdlib.
PYTHON=${PYTHON:-$(command -v /usr/bin/python3 || command -v python3)}
PFX=${HP_TEST_PREFIX:-hp$$}
HP_PIN_DIR=/sys/fs/bpf/$PFX	# this run's: the XDP_PASS program and the pin root
HP_PINS=$HP_PIN_DIR/pins	# hairpin-xdp's pin root (--bpffs)
HP_XDP_PASS_OBJ=$HP_ROOT/build/xdp_pass.bpf.o
HP_NAMESPACES=(router switch server client inet)
HP_PIDS=()
HP_TMP=
# Belt and braces: should the tool ever miss --bpffs, the environment still
# keeps it off the default pin root that a real router would use.
export HAIRPIN_XDP_BPFFS=$HP_PINS

# The story's addresses (DESIGN.md).
PUB=203.0.113.4		# router, WAN: the public address
ROUTER_LAN=192.168.0.1	# router, LAN
SERVER=192.168.0.2
CLIENT=192.168.0.3	# LAN client
INET=203.0.113.2	# internet client

case $PFX in
*/* | '' | .*) echo "topo.sh: bad prefix '$PFX'" >&2; exit 1 ;;
esac

in_ns() {
	local ns=$1
	shift
	# nsenter switches only the network namespace: unlike `ip netns exec` it
	# keeps /sys and so the bpffs mounted at /sys/fs/bpf.
	nsenter --net="/run/netns/$PFX-$ns" -- "$@"
}

hp() {
	in_ns router "$HAIRPIN_XDP" --bpffs "$HP_PINS" "$@"
}

hp_bg() {
	local ns=$1 log=$2
	shift 2
	# A simple command, not the in_ns function: bash then execs nsenter in
	# the background child and nsenter execs CMD, so $! is the server itself
	# and a test can stop it by id (a function would leave $! a subshell).
	nsenter --net="/run/netns/$PFX-$ns" -- "$@" >"$HP_TMP/$log" 2>&1 </dev/null &
	HP_PIDS+=($!)
}

# _topo_build VARIANT: the commands, under set -e in a subshell so that the
# first failure stops the build; topo_down removes whatever was made.
_topo_build() (
	set -euo pipefail
	local ns h

	for ns in "${HP_NAMESPACES[@]}"; do
		ip netns add "$PFX-$ns"
		in_ns "$ns" ip link set lo up
		# IPv4 only: no IPv6 router solicitations or DAD in the captures and counters.
		in_ns "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	done

	in_ns router ip link add lan0 type veth peer name p-router netns "$PFX-switch"
	in_ns router ip link add wan0 type veth peer name eth0 netns "$PFX-inet"
	in_ns server ip link add eth0 type veth peer name p-server netns "$PFX-switch"
	in_ns client ip link add eth0 type veth peer name p-client netns "$PFX-switch"

	# The LAN switch: a plain bridge, forwarding at once (no STP delay).
	in_ns switch ip link add br0 type bridge forward_delay 0
	for h in p-router p-server p-client; do
		in_ns switch ip link set "$h" master br0 up
	done
	in_ns switch ip link set br0 up

	in_ns router sysctl -qw net.ipv4.ip_forward=1
	in_ns router ip addr add "$ROUTER_LAN/24" dev lan0
	in_ns router ip addr add "$PUB/24" dev wan0
	in_ns router ip link set lan0 up
	in_ns router ip link set wan0 up

	in_ns server ip addr add "$SERVER/24" dev eth0
	in_ns client ip addr add "$CLIENT/24" dev eth0
	in_ns inet ip addr add "$INET/24" dev eth0
	for h in server client inet; do
		in_ns "$h" ip link set eth0 up
	done
	in_ns server ip route add default via "$ROUTER_LAN"
	in_ns client ip route add default via "$ROUTER_LAN"

	# The far end of each router port needs NAPI, i.e. an XDP program, to
	# receive the router's XDP_TX/XDP_REDIRECT frames (tests/bpf/xdp_pass.bpf.c).
	in_ns switch ip link set dev p-router xdpdrv pinned "$HP_PIN_DIR/xdp_pass"
	in_ns inet ip link set dev eth0 xdpdrv pinned "$HP_PIN_DIR/xdp_pass"

	if [ "$1" = tx-off ]; then
		# Complete L4 checksums from the senders instead of CHECKSUM_PARTIAL.
		for h in server client inet; do
			in_ns "$h" ethtool -K eth0 tx off >/dev/null
		done
	fi
)

topo_up() {
	local variant=${1:-offload}
	case $variant in
	offload | tx-off) ;;
	*) echo "topo_up: unknown variant $variant" >&2; return 1 ;;
	esac
	HP_TMP=$(mktemp -d "/tmp/$PFX.XXXXXX") || return 1
	mkdir -p "$HP_PIN_DIR" || return 1
	# Loaded with bpftool and pinned under this run's directory: `ip link set
	# ... obj` would leave its own folders in the bpffs root.
	if [ ! -e "$HP_PIN_DIR/xdp_pass" ] &&
		! bpftool prog load "$HP_XDP_PASS_OBJ" "$HP_PIN_DIR/xdp_pass" >&2; then
		echo "topo_up: cannot load $HP_XDP_PASS_OBJ (make testbpf)" >&2
		return 1
	fi
	if ! _topo_build "$variant" >&2; then
		echo "topo_up: building the topology failed" >&2
		return 1
	fi
}

# _kill_bounded PID...: TERM, then up to 3 s for them to go, then KILL.
_kill_bounded() {
	local pid i alive
	[ $# -gt 0 ] || return 0
	kill "$@" 2>/dev/null
	for ((i = 0; i < 30; i++)); do
		alive=0
		for pid in "$@"; do
			kill -0 "$pid" 2>/dev/null && alive=1
		done
		[ $alive = 0 ] && return 0
		sleep 0.1
	done
	kill -9 "$@" 2>/dev/null
	return 0
}

topo_down() {
	local ns pids=("${HP_PIDS[@]}")

	# A process keeps its namespace alive after `ip netns del`: end every
	# process in our namespaces (all of them started by this run), by id.
	for ns in "${HP_NAMESPACES[@]}"; do
		[ -e "/run/netns/$PFX-$ns" ] || continue
		# shellcheck disable=SC2207
		pids+=($(ip netns pids "$PFX-$ns" 2>/dev/null))
	done
	_kill_bounded "${pids[@]}"
	HP_PIDS=()

	# The product's own cleanup first, so its links and qdiscs go the way a
	# user's would; what it misses goes with the namespaces and the pin dir.
	if [ -d "$HP_PINS" ] && [ -e "/run/netns/$PFX-router" ] && [ -x "$HAIRPIN_XDP" ]; then
		timeout 20 nsenter --net="/run/netns/$PFX-router" -- \
			"$HAIRPIN_XDP" --bpffs "$HP_PINS" detach --all >/dev/null 2>&1
	fi
	for ns in "${HP_NAMESPACES[@]}"; do
		[ -e "/run/netns/$PFX-$ns" ] && ip netns del "$PFX-$ns" 2>/dev/null
	done
	# Only this run's directory; bpffs removes pins with unlink/rmdir.
	[ -d "$HP_PIN_DIR" ] && rm -rf "$HP_PIN_DIR"
	[ -n "$HP_TMP" ] && rm -rf "$HP_TMP"
	HP_TMP=
	return 0
}

topo_trap() {
	trap topo_down EXIT
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# Integration tests need root, bpffs and the built pieces; say which is missing.
topo_requirements() {
	[ "$(id -u)" -eq 0 ] || { echo "needs root"; return 1; }
	mountpoint -q /sys/fs/bpf || { echo "bpffs not mounted at /sys/fs/bpf (tests/lib/deps.sh)"; return 1; }
	[ -x "$HAIRPIN_XDP" ] || { echo "$HAIRPIN_XDP not built (make)"; return 1; }
	[ -f "$HP_XDP_PASS_OBJ" ] || { echo "$HP_XDP_PASS_OBJ not built (make testbpf)"; return 1; }
	return 0
}

# topo_lan_upper KIND: move the router's LAN address from lan0 to a device
# stacked on it, for attaching that device or the trunk below it:
#   vlan     lan0.10 (802.1Q VLAN 10); the switch's router port becomes a
#            trunk too (p-router.10 in the bridge instead of p-router), so
#            every LAN frame on the lan0 veth is tagged
#   macvlan  lan0.20 (macvlan, bridge mode) with its own MAC; lan0 keeps
#            no address and stops answering ARP for the router's
# The hosts forget the router's old MAC. Needs the kernel's 802.1Q or
# macvlan: `topo_can KIND` says whether it has them.
topo_lan_upper() (
	set -euo pipefail
	local dev h
	case $1 in
	vlan) dev=lan0.10 ;;
	macvlan) dev=lan0.20 ;;
	*) echo "topo_lan_upper: unknown kind $1" >&2; exit 1 ;;
	esac
	in_ns router ip addr del "$ROUTER_LAN/24" dev lan0
	if [ "$1" = vlan ]; then
		in_ns router ip link add link lan0 name "$dev" type vlan id 10
		in_ns switch ip link set p-router nomaster
		in_ns switch ip link add link p-router name p-router.10 type vlan id 10
		in_ns switch ip link set p-router.10 master br0 up
	else
		in_ns router ip link add link lan0 name "$dev" type macvlan mode bridge
		in_ns router sysctl -qw net.ipv4.conf.lan0.arp_ignore=1
	fi
	in_ns router ip addr add "$ROUTER_LAN/24" dev "$dev"
	in_ns router ip link set "$dev" up
	for h in server client; do
		in_ns "$h" ip neigh flush all
	done
) >&2

# topo_can vlan|macvlan: this kernel can make that device (tried in the
# router namespace and removed at once).
topo_can() {
	local args=(type vlan id 4000)
	[ "$1" = macvlan ] && args=(type macvlan)
	in_ns router ip link add link lan0 name hpt-probe "${args[@]}" 2>/dev/null &&
		in_ns router ip link del hpt-probe
}

# IPv6 (documentation prefix, inside the namespaces only): the LAN link
# 2001:db8:0:1::/64 (router lan0 ::1, LAN client ::3) and the WAN link
# 2001:db8:0:2::/64 (router wan0 ::1, internet client ::2), the router
# forwarding between them. topo_up leaves IPv6 off everywhere.
V6_ROUTER_LAN=2001:db8:0:1::1
V6_CLIENT=2001:db8:0:1::3
V6_ROUTER_WAN=2001:db8:0:2::1
V6_INET=2001:db8:0:2::2

topo_ipv6() (
	set -euo pipefail
	v6_on() {
		local ns=$1 dev
		shift
		for dev in lo "$@"; do
			in_ns "$ns" sysctl -qw "net.ipv6.conf.$dev.disable_ipv6=0"
		done
	}
	v6_on router lan0 wan0
	v6_on client eth0
	v6_on inet eth0
	in_ns router sysctl -qw net.ipv6.conf.all.forwarding=1
	# nodad: usable at once, no duplicate address detection wait.
	in_ns router ip -6 addr add "$V6_ROUTER_LAN/64" dev lan0 nodad
	in_ns router ip -6 addr add "$V6_ROUTER_WAN/64" dev wan0 nodad
	in_ns client ip -6 addr add "$V6_CLIENT/64" dev eth0 nodad
	in_ns inet ip -6 addr add "$V6_INET/64" dev eth0 nodad
	in_ns client ip -6 route add default via "$V6_ROUTER_LAN"
	in_ns inet ip -6 route add 2001:db8:0:1::/64 via "$V6_ROUTER_WAN"
) >&2
