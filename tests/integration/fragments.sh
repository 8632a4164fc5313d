#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# IPv4 fragments (issue 3, item 3): a 4000-byte UDP datagram leaves the
# sender in three fragments (1500-byte links); only the first carries the
# ports. The echo must come back byte for byte through the forward and
# through the hairpin, on the fast path and with it off, which needs every
# later fragment, both ways, translated like its first (frag_translated).
# shellcheck source=tests/lib/integration.sh
. "$(dirname "$0")/../lib/integration.sh"

SIZE=4000

# big_echo NS ADDR: a SIZE-byte datagram to the public address comes back
# identical, and the echo server got it whole from ADDR.
big_echo() {
	local last
	udp_says identical "$1" "$PUB" "$UDP_PORT" "$SIZE" || return 1
	last=$(tail -n 1 "$HP_TMP/udpecho.log")
	echo "echo server's last datagram: '$last', expected $2:* udp $SIZE bytes" >&2
	[[ $last == "$2":*" udp $SIZE bytes" ]]
}

# echo_cases WHAT: both clients, frag_translated rising with each.
echo_cases() {
	local frag
	frag=$(stat_get frag_translated)
	check "$(t "$1: internet client: $SIZE-byte UDP echo identical, server saw $INET")" big_echo inet "$INET"
	# Two later fragments in, two out.
	check "$(t "$1: internet client: later fragments translated (frag_translated rose by 4)")" \
		rose frag_translated "$frag" 4
	frag=$(stat_get frag_translated)
	check "$(t "$1: LAN client: $SIZE-byte UDP echo identical, server saw $ROUTER_LAN")" \
		big_echo client "$ROUTER_LAN"
	check "$(t "$1: LAN client: later fragments translated (frag_translated rose by 4)")" \
		rose frag_translated "$frag" 4
}

# frags_says WORD NS ORDER: the datagram fragmented by probe.py and sent in
# ORDER ends as WORD.
frags_says() {
	local got
	got=$(probe "$2" frags "$PUB" "$UDP_PORT" "$SIZE" "$3")
	echo "UDP $SIZE bytes from $2 in fragments sent $3: $got, expected $1" >&2
	[ "$got" = "$1" ]
}

# The last fragment before the first: it cannot be translated yet, so it is
# passed to the router's stack untouched and the datagram is lost, not
# mis-rewritten. The same fragments in order show the sender is right.
order_cases() {
	local pass
	check "$(t "$1: fragments sent in order 1,2,3: echo identical")" frags_says identical "$1" 1,2,3
	pass=$(stat_get pass_fragment)
	check "$(t "$1: last fragment first (3,1,2): datagram lost, no echo")" frags_says timeout "$1" 3,1,2
	check "$(t "$1: the early fragment passed untouched (pass_fragment rose)")" rose pass_fragment "$pass"
}

cases() {
	local forced
	serve_udp || { not_ok "$(t 'udp echo server')" "did not start"; return; }
	check "$(t "baseline: LAN client $SIZE-byte echo with the server directly")" \
		udp_says identical client "$SERVER" "$UDP_PORT" "$SIZE"
	check "$(t 'attach lan0 wan0')" hp attach lan0 wan0
	# Without a rule the router's own stack reassembles and refuses.
	check "$(t "no rule: internet client gets no $SIZE-byte echo (negative control)")" \
		negate big_echo inet "$INET"

	check "$(t 'forward add udp')" hp forward add udp "$PUB:$UDP_PORT" "$SERVER:$UDP_PORT"
	echo_cases "fast path"
	order_cases inet
	order_cases client

	check "$(t 'config --fast-path off')" hp config --fast-path off
	forced=$(stat_get slow_forced)
	echo_cases "fast path off"
	check "$(t 'fast path off: slow_forced rose')" rose slow_forced "$forced"
	hp config --fast-path on >&2

	hp forward del udp "$PUB:$UDP_PORT" >&2
	check "$(t 'forward add udp --hairpin off')" \
		hp forward add udp "$PUB:$UDP_PORT" "$SERVER:$UDP_PORT" --hairpin off
	check "$(t "hairpin off: LAN client gets no $SIZE-byte echo (negative control)")" \
		udp_says timeout client "$PUB" "$UDP_PORT" "$SIZE"
}

run_variants cases
