#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# UDP echo through the public address, from the internet and from the LAN
# (hairpin), the data compared byte for byte and the source the echo server
# saw checked; with hairpin off the LAN client gets no answer.
# shellcheck source=tests/lib/integration.sh
. "$(dirname "$0")/../lib/integration.sh"

udp_rule() {
	hp forward add udp "$PUB:$UDP_PORT" "$SERVER:$UDP_PORT" "$@"
}

cases() {
	serve_udp || { not_ok "$(t 'udp echo server')" "did not start"; return; }
	check "$(t 'baseline: LAN client echoes with the server directly')" udp_ok client "$CLIENT" "$SERVER"
	check "$(t 'attach lan0 wan0')" hp attach lan0 wan0
	check "$(t 'no rule: LAN client gets no echo')" udp_fails client

	check "$(t 'forward add udp')" udp_rule
	check "$(t 'internet client: echo identical, server saw the real address')" udp_ok inet "$INET"
	check "$(t 'LAN client: echo identical, server saw the router LAN address')" udp_ok client "$ROUTER_LAN"
	# A second datagram of the same flow goes through the session, not the rule.
	check "$(t 'LAN client: second flow identical too')" udp_ok client "$ROUTER_LAN"
	check "$(t 'LAN client: zero UDP checksum, echo identical')" udp0_ok client "$ROUTER_LAN"
	check "$(t 'internet client: zero UDP checksum, echo identical')" udp0_ok inet "$INET"

	hp forward del udp "$PUB:$UDP_PORT" >&2
	check "$(t 'forward add udp --hairpin off')" udp_rule --hairpin off
	check "$(t 'hairpin off: LAN client gets no echo (negative control)')" udp_fails client
	check "$(t 'hairpin off: internet client still echoes')" udp_ok inet "$INET"
}

run_variants cases
