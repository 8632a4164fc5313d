#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# A VLAN device (lan0.10 on the trunk lan0) has no native XDP: the default
# falls back to generic, the dotted name gets an escaped link pin, and the
# trunk can be attached too, first (the kernel refuses XDP below a device
# that has it: attaching the trunk second is a clear error that changes
# nothing). Detach and detach --all leave nothing behind, also after the
# VLAN device is deleted. The same runs on a macvlan named like a VLAN, the
# other stacked device kind, so that kernels without 802.1Q test the path.
# shellcheck source=tests/cli/lib.bash
. "$(dirname "$0")/lib.bash"
cli_setup vlan
ns_add peer

# The trunk: a veth to the peer namespace, as a router's LAN port.
in_ns ip link add lan0 type veth peer name lan1 netns "$PFX-peer"
in_ns ip link set lan0 up
ip -n "$PFX-peer" link set lan1 up

# stacked KIND DEV ADDR/LEN: the checks for DEV, an upper device of lan0.
stacked() {
	local kind=$1 dev=$2 addr=$3 pin
	pin=links/$(sed 's/\./%2e/g' <<<"$dev")_xdp
	in_ns ip addr add "$addr" dev "$dev"
	in_ns ip link set "$dev" up

	expect_fail "$kind: --mode native fails with a hint" \
		"^hairpin-xdp: $dev: native XDP not available .*; try --mode generic$" attach "$dev" --mode native
	check "$kind: --mode native failure left no pin root" eval '[ ! -e "$PIN" ]'

	hx attach "$dev"
	check "$kind: default falls back to generic and says so" eval \
		'[ "$RC" -eq 0 ] && grep -qx "$dev: attached (generic XDP: the driver has no native XDP)" "$OUT"'
	check "$kind: generic XDP and TC egress on $dev" eval \
		'[ "$(xdp_mode_of "$dev")" = xdpgeneric ] && has_xdp "$dev" && has_filter "$dev"'
	check "$kind: link pin $pin (dot escaped)" eval '[ -e "$PIN/$pin" ]'
	check "$kind: hp_ifaces has $dev with its address" eval \
		'bpftool -j map dump pinned "$PIN/maps/hp_ifaces" | python3 -c "
import json, socket, struct, sys
v = [e.get(\"formatted\", e)[\"value\"] for e in json.load(sys.stdin)]
a, l = sys.argv[1].split(\"/\")
want = struct.unpack(\"=I\", socket.inet_aton(a))[0]
sys.exit(not any(x[\"name\"] == sys.argv[2] and x[\"addr\"] == want and x[\"prefixlen\"] == int(l) for x in v))" "$addr" "$dev"'

	expect_fail "$kind: trunk after $dev: clear error, nothing changed" \
		"^hairpin-xdp: lan0: a device on top of it \(VLAN, macvlan, bond\) has an XDP program, .*attach lan0 first" \
		attach lan0
	check "$kind: trunk left without XDP" eval '! has_xdp lan0 && ! has_filter lan0'

	expect_ok "$kind: detach $dev" detach "$dev"
	check "$kind: $dev has no XDP, filter, clsact or pin" eval 'no_trace "$dev" && [ ! -e "$PIN/$pin" ]'

	expect_ok "$kind: trunk first, then $dev, in one attach" attach lan0 "$dev"
	check "$kind: trunk native, $dev generic" eval \
		'[ "$(xdp_mode_of lan0)" = xdp ] && [ "$(xdp_mode_of "$dev")" = xdpgeneric ] && has_filter lan0 && has_filter "$dev"'
	hx attach "$dev" lan0
	check "$kind: attaching both again: already attached" eval \
		'[ "$RC" -eq 0 ] && [ "$(grep -c ": already attached" "$OUT")" -eq 2 ]'
	expect_ok "$kind: detach --all" detach --all
	check "$kind: nothing left on the trunk, $dev or bpffs" eval \
		'[ ! -e "$PIN" ] && no_trace lan0 && no_trace "$dev"'

	# The VLAN device deleted while attached: detach --all still cleans up.
	hx attach lan0 "$dev"
	in_ns ip link del "$dev"
	expect_ok "$kind: detach --all after $dev was deleted" detach --all
	check "$kind: deleted $dev: nothing left" eval '[ ! -e "$PIN" ] && no_trace lan0'
}

if in_ns ip link add link lan0 name lan0.10 type vlan id 10 2>/dev/null; then
	stacked vlan lan0.10 192.168.10.1/24
else
	echo "skip - vlan: this kernel has no 802.1Q (CONFIG_VLAN_8021Q): VLAN device not tested"
fi
if in_ns ip link add link lan0 name lan0.20 type macvlan mode bridge 2>/dev/null; then
	stacked macvlan lan0.20 192.168.20.1/24
else
	echo "skip - macvlan: this kernel has no macvlan: macvlan device not tested"
fi

asan_report "vlan: no sanitizer reports"
