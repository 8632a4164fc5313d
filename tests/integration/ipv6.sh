#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# IPv6 is passed untouched (issue 3, item 8): with IPv6 on the LAN and WAN
# links, pings to the router and through it, and a 1 MB TCP upload from the
# LAN client to the internet client through the router (to the port a
# forward publishes over IPv4), arrive byte for byte from the client's real
# address, while XDP counts every such frame pass_not_ipv4.
#
# One variant only: nothing here is rewritten, so the hosts' checksum
# offloads change nothing the datapath does (it passes before looking).
# shellcheck source=tests/lib/integration.sh
. "$(dirname "$0")/../lib/integration.sh"

# ping6s NS ADDR: 3 echo requests, 3 replies, every one from ADDR.
ping6s() {
	local out
	out=$(in_ns "$1" ping -6 -n -c 3 -i 0.2 -W 1 "$2")
	echo "$out" >&2
	[ "$(grep -c "bytes from $2:" <<<"$out")" -eq 3 ]
}

# upload6 [MAXTIME]: 1 MB from the LAN client to the internet client over IPv6,
# through the router; identical, and the receiver saw the client's address.
upload6() {
	local file=$HP_TMP/v6.bin got=$HP_TMP/v6.got full
	rm -f "$got"
	hp_bg inet upload6.log socat -d -d -u "TCP6-LISTEN:$UPLOAD_PORT,reuseaddr" "CREATE:$got"
	wait_for 100 listening inet tcp "$UPLOAD_PORT" || return 1
	send_and_settle client "$file" "TCP6:[$V6_INET]:$UPLOAD_PORT" "${1:-10}" "${HP_PIDS[-1]}" || return 1
	# socat writes addresses in full: 2001:0db8:0000:0001:...
	full=$("$PYTHON" -c 'import ipaddress, sys; print(ipaddress.ip_address(sys.argv[1]).exploded)' "$V6_CLIENT")
	grep accepting "$HP_TMP/upload6.log" >&2
	same_file "$file" "$got" && grep -q "accepting connection from AF=10 \\[$full\\]" "$HP_TMP/upload6.log"
}

cases() {
	local pass
	head -c 1M /dev/urandom >"$HP_TMP/v6.bin"
	check "$(t 'IPv6 on the LAN and WAN links')" topo_ipv6
	check "$(t 'attach lan0 wan0')" hp attach lan0 wan0
	check "$(t "forward add tcp :$UPLOAD_PORT (IPv4)")" hp forward add tcp "$PUB:$UPLOAD_PORT" "$SERVER:$UPLOAD_PORT"

	pass=$(stat_get pass_not_ipv4)
	check "$(t 'LAN client pings the router over IPv6')" ping6s client "$V6_ROUTER_LAN"
	check "$(t 'LAN client pings the internet client over IPv6, through the router')" ping6s client "$V6_INET"
	check "$(t 'internet client pings the router WAN address over IPv6')" ping6s inet "$V6_ROUTER_WAN"
	check "$(t "1 MB TCP upload over IPv6 through the router, identical, real source")" upload6
	# 1 MB is over 700 segments in and their ACKs; both pings 9 requests.
	check "$(t 'IPv6 passed untouched (pass_not_ipv4 rose by 500)')" rose pass_not_ipv4 "$pass" 500

	# The traffic does cross the router: without IPv6 forwarding it stops.
	in_ns router sysctl -qw net.ipv6.conf.all.forwarding=0
	check "$(t 'router not forwarding IPv6: ping through it fails (negative control)')" \
		negate ping6s client "$V6_INET"
	check "$(t 'router not forwarding IPv6: upload fails (negative control)')" negate upload6 3
	in_ns router sysctl -qw net.ipv6.conf.all.forwarding=1
	check "$(t 'IPv6 forwarding back: upload identical again')" upload6
}

HP_VARIANTS=${HP_VARIANTS:-offload}
run_variants cases
