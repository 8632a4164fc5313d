# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# shellcheck shell=bash
#
# Twin copies of the story's router for the differential test, sourced after
# tests/lib/topo.sh. Each twin is topo.sh's network under its own prefix
# ($DIFF_PFX-NAME-router, ...; pins under /sys/fs/bpf/$DIFF_PFX/NAME); only
# the router differs:
#
#   nft    nftables NAT with conntrack: dnat in prerouting, masquerade of the
#          hairpin in postrouting (what the story's router does today)
#   xdp    hairpin-xdp attached to lan0 and wan0, the same forwards
#   xdps   hairpin-xdp with --no-fast-path (every packet through the stack)
#
# The hosts are made passive wires so that every packet is one the test
# crafted (hpdiff.py sends and captures with AF_PACKET): their addresses are
# removed (with forwarding off an unaddressed host drops IP silently, no
# RST, no port unreachable: ip_error() sends nothing unless forwarding), MACs
# are fixed and the router knows them as permanent neighbours (no ARP, the
# same fast-path decision on every run). Routers do not send ICMP redirects:
# Linux redirects a hairpinned packet (it leaves by the port it came in on),
# which is the stack's business, not NAT's, and is rate limited by time.
#
#   twins_up NAME...     build and configure these twins
#   twins_down           remove every twin and the pin directory (trap)
#   twins_trap           install the cleanup trap
#   twin_use NAME        point topo.sh's globals (PFX, HP_PINS, ...) at a twin

DIFF_PFX=${HP_TEST_PREFIX:-hpd$$}
DIFF_PIN_ROOT=/sys/fs/bpf/$DIFF_PFX
DIFF_BUILT=()
declare -A DIFF_TWIN_TMP=()

# The fixed MACs, also known to hpdiff.py (net.py).
MAC_ROUTER_LAN=02:00:00:00:00:01
MAC_ROUTER_WAN=02:00:00:00:00:04
MAC_SERVER=02:00:00:00:00:12
MAC_CLIENT=02:00:00:00:00:13
MAC_INET=02:00:00:00:00:22
# A second internet client behind a gateway (the inet host) with a path MTU
# of 1300: where the router itself must send "fragmentation needed".
FAR_NET=198.51.100.0/24
FAR_MTU=1300

# The forwards, "proto port [xdp-only options]", identical in every twin.
# tcp 81 is the self-check: hairpin off in hairpin-xdp only, so its case
# must differ.
DIFF_FORWARDS=(
	"tcp 80"
	"tcp 81 --hairpin off"
	"udp 53"
	"udp 7"
)

# shellcheck disable=SC2034 # the globals topo.sh's functions read
twin_use() {
	PFX=$DIFF_PFX-$1
	HP_PIN_DIR=$DIFF_PIN_ROOT/$1
	HP_PINS=$HP_PIN_DIR/pins
	HP_TMP=${DIFF_TWIN_TMP[$1]:-}
	HP_PIDS=()
	export HAIRPIN_XDP_BPFFS=$HP_PINS
}

# _twin_hosts: passive hosts with fixed MACs, router neighbours and sysctls.
_twin_hosts() (
	set -euo pipefail
	local h
	in_ns router ip link set lan0 address "$MAC_ROUTER_LAN"
	in_ns router ip link set wan0 address "$MAC_ROUTER_WAN"
	in_ns server ip link set eth0 address "$MAC_SERVER"
	in_ns client ip link set eth0 address "$MAC_CLIENT"
	in_ns inet ip link set eth0 address "$MAC_INET"
	for h in server client inet; do
		in_ns "$h" ip addr flush dev eth0
		in_ns "$h" sysctl -qw net.ipv4.ip_forward=0
	done
	in_ns router ip neigh replace "$SERVER" lladdr "$MAC_SERVER" dev lan0 nud permanent
	in_ns router ip neigh replace "$CLIENT" lladdr "$MAC_CLIENT" dev lan0 nud permanent
	in_ns router ip neigh replace "$INET" lladdr "$MAC_INET" dev wan0 nud permanent
	in_ns router ip route add "$FAR_NET" via "$INET" dev wan0 mtu lock "$FAR_MTU"
	for h in all default lan0 wan0; do
		in_ns router sysctl -qw "net.ipv4.conf.$h.send_redirects=0"
	done
)

_twin_nft() {
	local f proto port rules=
	for f in "${DIFF_FORWARDS[@]}"; do
		read -r proto port _ <<<"$f"
		rules+="		ip daddr $PUB $proto dport $port dnat to $SERVER:$port
"
	done
	in_ns router nft -f - <<EOF
table ip hpdiff {
	chain pre {
		type nat hook prerouting priority dstnat; policy accept;
$rules	}
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "lan0" ip saddr 192.168.0.0/24 ip daddr 192.168.0.0/24 ct status dnat masquerade
	}
}
EOF
}

_twin_xdp() {
	local f proto port opts
	hp attach lan0 wan0 "$@" || return 1
	for f in "${DIFF_FORWARDS[@]}"; do
		read -r proto port opts <<<"$f"
		# shellcheck disable=SC2086 # opts is a word list
		hp forward add "$proto" "$PUB:$port" "$SERVER:$port" $opts || return 1
	done
}

twins_up() {
	local name rc
	for name in "$@"; do
		DIFF_BUILT+=("$name")
		twin_use "$name"
		topo_up offload
		rc=$?
		DIFF_TWIN_TMP[$name]=$HP_TMP	# also on failure: twins_down removes it
		[ "$rc" -eq 0 ] || return 1
		_twin_hosts >&2 || { echo "twins_up: $name: hosts setup failed" >&2; return 1; }
		case $name in
		nft) _twin_nft >&2 ;;
		xdp) _twin_xdp >&2 ;;
		xdps) _twin_xdp --no-fast-path >&2 ;;
		*) echo "twins_up: unknown twin $name" >&2; false ;;
		esac || { echo "twins_up: $name: router setup failed" >&2; return 1; }
	done
}

twins_down() {
	local name
	for name in "${DIFF_BUILT[@]}"; do
		twin_use "$name"
		topo_down
	done
	DIFF_BUILT=()
	[ -d "$DIFF_PIN_ROOT" ] && rm -rf "$DIFF_PIN_ROOT"
	return 0
}

twins_trap() {
	trap twins_down EXIT
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 143' TERM
}
