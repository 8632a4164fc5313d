#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# 802.1Q and stacked devices (issue 3, item 7):
# - tagged frames on an attached trunk: a SYN to the public address in a
#   frame tagged 10 (and one double-tagged 100/10) sent into the router's
#   lan0 is parsed and its destination translated (slow path, slow_vlan),
#   with its tags and a correct checksum, as the router's own capture shows;
#   without a rule the same frame is untouched. Runs on any kernel: the
#   frames are crafted, so it needs no 802.1Q support.
# - the LAN on VLAN 10 (needs the kernel's 802.1Q): lan0 a trunk, the
#   router's LAN address on lan0.10, the switch tagging; HTTP through the
#   forward and the hairpin with lan0 (the trunk) attached, then with
#   lan0.10 itself attached (generic XDP).
# - a macvlan on lan0 carrying the LAN address, attached itself (generic
#   XDP): the other stacked device kind, so that kernels without 802.1Q
#   still test attaching an upper device.
# shellcheck source=tests/lib/integration.sh
. "$(dirname "$0")/../lib/integration.sh"

# capture_syns OUT VIDS...: what the router's lan0 receives (after XDP) while
# the switch sends one SYN from the LAN client to the public address per VIDS
# (10, or 100,10), from source ports 40000, 40001, ...
capture_syns() {
	local out=$1 mac pid i=0 vids
	shift
	mac=$(in_ns router ip -br link show dev lan0 | awk '{print $3}')
	in_ns router timeout 3 tcpdump -i lan0 -n -e -vv -l 'not arp' >"$out" 2>"$out.err" &
	pid=$!
	wait_for 50 grep -q listening "$out.err" || return 1
	for vids in "$@"; do
		probe switch vlan-syn p-router "$mac" "$CLIENT:$((40000 + i))" "$PUB:$HTTP_PORT" "$vids" >&2
		i=$((i + 1))
	done
	wait "$pid"
	cat "$out" >&2
	return 0
}

# seen OUT PORT DEST TAGS: the capture holds the SYN from PORT, to DEST, with
# TAGS ("vlan 10", or "vlan 100.*vlan 10") and a correct TCP checksum (an IP
# checksum tcpdump finds wrong is printed "bad cksum").
seen() {
	grep -A1 -E "$4" "$1" | grep -qE "$CLIENT\\.$2 > $3: Flags \\[S\\], cksum 0x[0-9a-f]+ \\(correct\\)" &&
		! grep -q 'bad cksum' "$1"
}

tagged_frames() {
	local cap=$HP_TMP/tagged slow pass
	check "$(t 'attach lan0 wan0')" hp attach lan0 wan0
	pass=$(stat_get pass_no_match)
	capture_syns "$cap.none" 10 100,10 || { not_ok "$(t 'capture on lan0')" "tcpdump did not start"; return; }
	check "$(t 'no rule: tagged SYN untouched, to the public address (control)')" \
		seen "$cap.none" 40000 "$PUB\\.$HTTP_PORT" 'length [0-9]+: vlan 10,'
	check "$(t 'no rule: double-tagged SYN untouched (control)')" \
		seen "$cap.none" 40001 "$PUB\\.$HTTP_PORT" 'length [0-9]+: vlan 100,.*vlan 10,'
	check "$(t 'no rule: both passed as no match (pass_no_match rose by 2)')" rose pass_no_match "$pass" 2

	check "$(t 'forward add tcp')" publish
	slow=$(stat_get slow_vlan)
	capture_syns "$cap.rule" 10 100,10 || { not_ok "$(t 'capture on lan0')" "tcpdump did not start"; return; }
	check "$(t 'tagged SYN: destination translated, tag kept, checksum correct')" \
		seen "$cap.rule" 40000 "$SERVER\\.$HTTP_PORT" 'length [0-9]+: vlan 10,'
	check "$(t 'double-tagged SYN: destination translated, both tags kept, checksum correct')" \
		seen "$cap.rule" 40001 "$SERVER\\.$HTTP_PORT" 'length [0-9]+: vlan 100,.*vlan 10,'
	check "$(t 'tagged frames took the slow path (slow_vlan rose by 2)')" rose slow_vlan "$slow" 2
	hp detach --all >&2
}

# http_cases WHAT: the story over the LAN as it is now set up.
http_cases() {
	check "$(t "$1: internet client GET, body identical")" get_ok inet
	check "$(t "$1: internet client: server sees its real address")" saw inet "$INET"
	check "$(t "$1: LAN client GET through the hairpin, body identical")" get_ok client
	check "$(t "$1: LAN client: server sees the router LAN address")" saw client "$ROUTER_LAN"
}

# hairpin_off_case WHAT: the negative control on the same setup.
hairpin_off_case() {
	hp forward del tcp "$PUB:$HTTP_PORT" >&2
	publish --hairpin off >&2
	check "$(t "$1: hairpin off: LAN client cannot connect (negative control)")" get_fails client
	hp forward del tcp "$PUB:$HTTP_PORT" >&2
	publish >&2
}

vlan_lan() {
	local slow
	if ! topo_can vlan; then
		skip "$(t 'LAN on VLAN 10')" "this kernel has no 802.1Q (CONFIG_VLAN_8021Q): trunk and VLAN device not tested with real traffic"
		return
	fi
	check "$(t 'LAN moved onto VLAN 10 (lan0 a trunk, 192.168.0.1 on lan0.10)')" topo_lan_upper vlan
	check "$(t 'VLAN 10: LAN client reaches the server directly')" \
		http_get client "http://$SERVER/index.html" /dev/null 5
	check "$(t 'VLAN 10: attach lan0 (trunk) wan0')" hp attach lan0 wan0
	check "$(t 'VLAN 10: forward add tcp')" publish
	slow=$(stat_get slow_vlan)
	http_cases "trunk attached"
	check "$(t 'trunk attached: tagged frames translated (slow_vlan rose)')" rose slow_vlan "$slow"
	hairpin_off_case "trunk attached"

	check "$(t 'VLAN 10: detach --all, attach lan0.10 wan0')" \
		eval 'hp detach --all && hp attach lan0.10 wan0 && publish'
	check "$(t 'lan0.10 runs generic XDP')" output_has xdpgeneric in_ns router ip link show dev lan0.10
	http_cases "lan0.10 attached"
	hairpin_off_case "lan0.10 attached"
}

macvlan_lan() {
	if ! topo_can macvlan; then
		skip "$(t 'LAN on a macvlan')" "this kernel has no macvlan"
		return
	fi
	check "$(t 'LAN address moved to macvlan lan0.20')" topo_lan_upper macvlan
	check "$(t 'macvlan: attach lan0.20 wan0')" hp attach lan0.20 wan0
	check "$(t 'lan0.20 runs generic XDP')" output_has xdpgeneric in_ns router ip link show dev lan0.20
	check "$(t 'macvlan: forward add tcp')" publish
	http_cases "lan0.20 attached"
	# The same from the internet through the stack, which tells a failure of
	# the fast path (XDP_REDIRECT from wan0 into the stacked device) apart.
	hp config --fast-path off >&2
	check "$(t 'lan0.20 attached, fast path off: internet client GET, real address seen')" saw inet "$INET"
	hp config --fast-path on >&2
	hairpin_off_case "lan0.20 attached"
}

cases() {
	serve_http || { not_ok "$(t 'http server')" "did not start"; return; }
	# Crafted frames: the same bytes whatever the hosts' offloads.
	[ "$VARIANT" = offload ] && tagged_frames
	# Each rebuilds the LAN, so each gets a topology of its own.
	vlan_lan
	topo_down
	if topo_up "$VARIANT"; then
		serve_http >&2 || { not_ok "$(t 'http server')" "did not start"; return; }
		macvlan_lan
	else
		not_ok "$(t topology)" "setup failed (see log)"
	fi
}

run_variants cases
