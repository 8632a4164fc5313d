#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Reverse-path filtering (issue 10, finding 4): frames arriving on the WAN
# with the LAN client's source must not be translated as the LAN client's
# flow (they reached the server from the router's own address). XDP applies
# the check the router's rp_filter asks for, as the kernel would:
#
#   rp_filter=1 (strict)  the route back must leave by the ingress port
#   rp_filter=2 (loose)   any route back will do
#   rp_filter=0           no check: the spoofed datagram gets through (the
#                         negative control that shows the test can fail)
#
# The sysctl is read at attach, and again by `attach` of an interface that
# is attached already. The spoofer is the internet host, with the LAN
# client's address (and one the router has no route to) on its loopback.
#
# One variant: the check decides before any rewrite.
# shellcheck source=tests/lib/integration.sh
. "$(dirname "$0")/../lib/integration.sh"

DNS_PORT=5353
SPORT=39548
NO_ROUTE=198.51.100.9	# the router has no route to 198.51.100.0/24

# send NS SRC WORD: one datagram WORD from SRC:$SPORT in NS to $PUB:$DNS_PORT.
send() { udp_send "$1" "$2:$SPORT" "$DNS_PORT" "$3"; }

# arrived WORD [FROM]: the server got WORD (from address FROM), within 2 s.
arrived() { udp_logged udp.log "$@"; }

# not_arrived WORD: WORD has not reached the server after 1 s.
not_arrived() { udp_not_logged udp.log "$1"; }

# rp MODE: net.ipv4.conf.{all,wan0}.rp_filter in the router, then the
# re-read by `attach` of the interfaces already attached.
rp() {
	in_ns router sysctl -qw net.ipv4.conf.all.rp_filter=0 "net.ipv4.conf.wan0.rp_filter=$1" &&
		hp attach lan0 wan0 >/dev/null
}

# spoof_case MODE WORD SRC: the internet host sends WORD from SRC.
spoof_case() {
	local drops
	drops=$(stat_get drop_rp_filter)
	check "$(t "rp_filter=$1: spoofed $3 sent from the internet")" rp "$1"
	send inet "$3" "$2"
	case $4 in
	dropped)
		check "$(t "rp_filter=$1: spoofed $3 did not reach the server")" not_arrived "$2"
		check "$(t "rp_filter=$1: drop_rp_filter rose")" rose drop_rp_filter "$drops"
		;;
	*)
		check "$(t "rp_filter=$1: $3 reached the server as $4")" arrived "$2" "$4"
		check "$(t "rp_filter=$1: drop_rp_filter stayed")" stayed drop_rp_filter "$drops"
		;;
	esac
}

cases() {
	local drops
	serve_udp_log udp.log "$DNS_PORT" || { not_ok "$(t 'udp server')" "did not start"; return; }
	in_ns inet ip addr add "$CLIENT/32" dev lo
	in_ns inet ip addr add "$NO_ROUTE/32" dev lo
	# Its ARP requests from its own address: one from a spoofed source would
	# itself fail the router's rp_filter, and no frame would be sent at all.
	in_ns inet sysctl -qw net.ipv4.conf.all.arp_announce=2
	check "$(t 'rp_filter=1 before attach')" in_ns router sysctl -qw net.ipv4.conf.all.rp_filter=1
	check "$(t 'attach lan0 wan0')" hp attach lan0 wan0
	check "$(t "forward add udp :$DNS_PORT")" hp forward add udp "$PUB:$DNS_PORT" "$SERVER:$DNS_PORT"

	# The LAN client's hairpin flow: the session the spoofer aims at.
	send client "$CLIENT" honest1
	check "$(t 'LAN client datagram reached the server from the router')" arrived honest1 "$ROUTER_LAN"
	# strict: all=1 and wan0=0 is strict (the larger of the two)
	drops=$(stat_get drop_rp_filter)
	send inet "$CLIENT" spoof-all
	check "$(t 'rp_filter all=1: spoofed LAN source did not reach the server')" not_arrived spoof-all
	check "$(t 'rp_filter all=1: drop_rp_filter rose')" rose drop_rp_filter "$drops"

	spoof_case 1 spoof1 "$CLIENT" dropped
	spoof_case 2 spoof2 "$CLIENT" "$ROUTER_LAN"	# a route back exists (by lan0)
	spoof_case 2 noroute2 "$NO_ROUTE" dropped
	spoof_case 0 spoof0 "$CLIENT" "$ROUTER_LAN"	# the issue's behaviour
	spoof_case 0 noroute0 "$NO_ROUTE" "$NO_ROUTE"

	# Honest traffic under strict: the LAN client's flow still works.
	check "$(t 'rp_filter=1 again')" rp 1
	send client "$CLIENT" honest2
	check "$(t 'rp_filter=1: LAN client datagram still reaches the server')" arrived honest2 "$ROUTER_LAN"
}

HP_VARIANTS=${HP_VARIANTS:-offload}
run_variants cases
