#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The story over HTTP: a real server on the LAN published on the public
# address, curl from the internet and from the LAN. Each positive case has
# its negative control: without a rule, and with hairpin off, the LAN
# client's connection fails exactly as in the story.
# shellcheck source=tests/lib/integration.sh
. "$(dirname "$0")/../lib/integration.sh"

# A line of `sessions` with the LAN client and the router's LAN address.
sessions_show_hairpin() {
	local out
	out=$(hp sessions) || return 1
	echo "$out" >&2
	grep -qE "$CLIENT.*$ROUTER_LAN|$ROUTER_LAN.*$CLIENT" <<<"$out"
}

republish() {
	hp forward del tcp "$PUB:$HTTP_PORT" && publish "$@"
}

cases() {
	local tx redirect

	serve_http || { not_ok "$(t 'http server')" "did not start"; return; }
	# Proves the topology, so the failures below are the router's doing.
	check "$(t 'baseline: LAN client reaches the server directly')" \
		http_get client "http://$SERVER/index.html" /dev/null 5

	check "$(t 'attach lan0 wan0')" hp attach lan0 wan0
	check "$(t 'no rule: internet client cannot connect')" get_fails inet
	check "$(t 'no rule: LAN client cannot connect')" get_fails client

	check "$(t 'forward add tcp (hairpin default)')" publish
	redirect=$(stat_get xdp_fast_redirect)
	check "$(t 'internet client: GET through the public address, body identical')" get_ok inet
	check "$(t 'internet client: server sees its real address')" saw inet "$INET"
	check "$(t 'internet client: fast path redirected (xdp_fast_redirect rose)')" \
		rose xdp_fast_redirect "$redirect"

	tx=$(stat_get xdp_fast_tx)
	check "$(t 'LAN client: GET through the public address, body identical')" get_ok client
	check "$(t 'LAN client: server sees the router LAN address (hairpin)')" saw client "$ROUTER_LAN"
	check "$(t 'LAN client: fast path sent it back out lan0 (xdp_fast_tx rose)')" rose xdp_fast_tx "$tx"
	check "$(t 'sessions lists the hairpin flow')" sessions_show_hairpin

	# The story's broken router: DNAT only, the server answers the LAN client
	# directly from 192.168.0.2 and the client drops the answer.
	check "$(t 'forward replaced with --hairpin off')" republish --hairpin off
	check "$(t 'hairpin off: LAN client connection fails (negative control)')" get_fails client
	check "$(t 'hairpin off: internet client still works')" get_ok inet

	check "$(t 'forward replaced with --hairpin external')" republish --hairpin external
	check "$(t 'hairpin external: LAN client works, server sees the public address')" saw client "$PUB"

	hp forward del tcp "$PUB:$HTTP_PORT" >&2
	check "$(t 'rule deleted: LAN client cannot connect')" get_fails client
	check "$(t 'rule deleted: internet client cannot connect')" get_fails inet
}

run_variants cases
