#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# ICMP through the router (issue 3, items 1 and 2):
# - port unreachable: a UDP datagram to a closed port of the server, through
#   the forward and through the hairpin, makes the client's connected socket
#   fail with ECONNREFUSED, which the kernel does only when the error quotes
#   exactly what the socket sent (public address and port): the error's
#   outer addresses and its quote must both have been translated back;
# - fragmentation needed: with the server's link (the router's lan0) at
#   MTU 1280, a 5 MB upload from the internet completes because the router's
#   own "fragmentation needed", about a packet it had already DNAT'd, is
#   translated so that the sender lowers its MTU for the public address;
# - echo: pings to the public address are the router's own business, and
#   pings between LAN hosts are nobody's.
# shellcheck source=tests/lib/integration.sh
. "$(dirname "$0")/../lib/integration.sh"

CLOSED=5555	# a UDP port nothing on the server listens on

# The router listens on CLOSED itself and never answers: a datagram that the
# datapath failed to translate ends there silently (timeout) instead of
# drawing the router's own port unreachable, which would look like success.
router_sink() {
	hp_bg router sink.log socat -u "UDP4-RECV:$CLOSED" /dev/null &&
		wait_for 100 listening router udp "$CLOSED"
}

unreachable_cases() {
	local icmp
	router_sink || { not_ok "$(t 'router UDP sink')" "did not start"; return; }
	check "$(t 'no rule: LAN client datagram ends at the router, not refused (control)')" \
		udp_says timeout client "$PUB" "$CLOSED" 100
	check "$(t 'no rule: internet client datagram ends at the router, not refused (control)')" \
		udp_says timeout inet "$PUB" "$CLOSED" 100

	check "$(t "forward add udp :$CLOSED (closed on the server)")" \
		hp forward add udp "$PUB:$CLOSED" "$SERVER:$CLOSED"
	icmp=$(stat_get icmp_error_translated)
	check "$(t 'LAN client: closed server port through the hairpin: connection refused')" \
		udp_says refused client "$PUB" "$CLOSED" 100
	check "$(t 'hairpin port unreachable translated (icmp_error_translated rose)')" \
		rose icmp_error_translated "$icmp"
	icmp=$(stat_get icmp_error_translated)
	check "$(t 'internet client: closed server port through the forward: connection refused')" \
		udp_says refused inet "$PUB" "$CLOSED" 100
	check "$(t 'forward port unreachable translated (icmp_error_translated rose)')" \
		rose icmp_error_translated "$icmp"

	# The story's broken router: the server's error goes straight to the LAN
	# client from 192.168.0.2, quoting 192.168.0.3 -> 192.168.0.2; the
	# client's socket, connected to the public address, never hears of it.
	hp forward del udp "$PUB:$CLOSED" >&2
	check "$(t 'forward add udp --hairpin off')" \
		hp forward add udp "$PUB:$CLOSED" "$SERVER:$CLOSED" --hairpin off
	check "$(t 'hairpin off: LAN client is not told, times out (negative control)')" \
		udp_says timeout client "$PUB" "$CLOSED" 100
	check "$(t 'hairpin off: internet client still refused')" \
		udp_says refused inet "$PUB" "$CLOSED" 100
	hp forward del udp "$PUB:$CLOSED" >&2
}

# The internet client has learned MTU 1280 for the public address.
learned_pmtu() {
	output_has 'mtu 1280' in_ns inet ip route get "$PUB"
}

# Drop (or stop dropping) the router's own "fragmentation needed".
no_frag_needed() {
	in_ns router nft -f - <<-EOF
		table ip hpt_icmp {
			chain out {
				type filter hook output priority 0;
				icmp type destination-unreachable icmp code frag-needed drop
			}
		}
	EOF
}

pmtu_cases() {
	local file=$HP_TMP/upload5m.bin frag tc
	head -c 5M /dev/urandom >"$file"
	check "$(t "forward add tcp :$UPLOAD_PORT")" hp forward add tcp "$PUB:$UPLOAD_PORT" "$SERVER:$UPLOAD_PORT"
	check "$(t 'router lan0 (the server side) at MTU 1280')" in_ns router ip link set lan0 mtu 1280
	check "$(t 'MTU not learned yet')" negate learned_pmtu

	# Negative control: the same upload with the router's error dropped is a
	# PMTU black hole (the 1500-byte segments never fit), so the positive
	# case below can only pass through the translated error.
	if no_frag_needed; then
		check "$(t 'frag-needed dropped: 5 MB upload stalls (negative control)')" \
			negate big_upload inet "$file" 4
		check "$(t 'frag-needed dropped: MTU not learned')" negate learned_pmtu
		in_ns router nft delete table ip hpt_icmp
	else
		not_ok "$(t 'nft rule dropping frag-needed')" "nft failed"
	fi

	frag=$(stat_get slow_frag_needed)
	tc=$(stat_get tc_translated)
	check "$(t 'internet client: 5 MB upload through the forward, sha256 identical')" \
		big_upload inet "$file" 30
	check "$(t "internet client learned mtu 1280 for $PUB")" learned_pmtu
	check "$(t 'too big for lan0: slow path (slow_frag_needed rose)')" rose slow_frag_needed "$frag"
	check "$(t 'frag-needed translated at egress (tc_translated rose)')" rose tc_translated "$tc"
	in_ns router ip link set lan0 mtu 1500
}

# pings NS ADDR: 3 echo requests, 3 replies, every one from ADDR.
pings() {
	local out
	out=$(in_ns "$1" ping -n -c 3 -i 0.2 -W 1 "$2")
	echo "$out" >&2
	[ "$(grep -c "bytes from $2:" <<<"$out")" -eq 3 ] &&
		[ "$(grep -c 'bytes from' <<<"$out")" -eq 3 ]
}

echo_cases() {
	local pass
	# A rule on the public address must not draw ICMP into it.
	publish >&2
	pass=$(stat_get pass_icmp)
	check "$(t "LAN client pings $PUB, replies from $PUB")" pings client "$PUB"
	check "$(t "internet client pings $PUB, replies from $PUB")" pings inet "$PUB"
	check "$(t 'echo requests passed untouched (pass_icmp rose by 6)')" rose pass_icmp "$pass" 6
	# The replies are the router's own: with its echo replies off, nothing
	# else answers (the request was not forwarded to the server).
	in_ns router sysctl -qw net.ipv4.icmp_echo_ignore_all=1
	check "$(t 'router ignores echo: LAN client ping fails (negative control)')" negate pings client "$PUB"
	check "$(t 'router ignores echo: internet client ping fails (negative control)')" negate pings inet "$PUB"
	in_ns router sysctl -qw net.ipv4.icmp_echo_ignore_all=0

	check "$(t 'LAN client pings the server')" pings client "$SERVER"
	check "$(t 'server pings the LAN client')" pings server "$CLIENT"
	in_ns server sysctl -qw net.ipv4.icmp_echo_ignore_all=1
	check "$(t 'server ignores echo: LAN client ping fails (negative control)')" negate pings client "$SERVER"
	in_ns server sysctl -qw net.ipv4.icmp_echo_ignore_all=0
}

cases() {
	check "$(t 'attach lan0 wan0')" hp attach lan0 wan0
	unreachable_cases
	pmtu_cases
	echo_cases
}

run_variants cases
