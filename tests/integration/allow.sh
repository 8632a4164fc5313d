#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Per-rule allow lists (issue 3, item 6): `forward add ... --allow PREFIX`
# forwards only sources in a listed prefix; any other source is passed
# untouched, as if there were no rule (here: to the router's own stack,
# which has nothing on :80 and refuses), and counted pass_not_allowed.
#
# One variant only: the allow list decides whether a flow is translated at
# all, before any rewrite; the rewriting with partial or complete checksums
# is http.sh's, which runs in both variants.
# shellcheck source=tests/lib/integration.sh
. "$(dirname "$0")/../lib/integration.sh"

ALT=8080	# a second rule onto the same server

# not_allowed_case NS PORT: NS cannot use the rule, and it was the allow
# list that passed its SYN (pass_not_allowed rose).
not_allowed_case() {
	local pass
	pass=$(stat_get pass_not_allowed)
	check "$(t "$3: $1 is not in the list: GET via :$2 fails")" get_fails "$1" "$2"
	check "$(t "$3: $1 passed untouched (pass_not_allowed rose)")" rose pass_not_allowed "$pass"
}

cases() {
	serve_http || { not_ok "$(t 'http server')" "did not start"; return; }
	check "$(t 'attach lan0 wan0')" hp attach lan0 wan0

	check "$(t "forward add tcp :80 --allow $INET/32")" publish --allow "$INET/32"
	check "$(t 'internet client (allowed): GET, body identical')" get_ok inet 80
	check "$(t 'internet client (allowed): server sees its real address')" saw inet "$INET" 80
	not_allowed_case client 80 "allow $INET/32"
	check "$(t 'forward list shows the allow list')" output_has "$INET/32" hp forward list

	# A second rule whose list is the LAN: the hairpin works there, and the
	# internet client is the one refused.
	check "$(t "forward add tcp :$ALT -> :80 --allow 192.168.0.0/24")" \
		hp forward add tcp "$PUB:$ALT" "$SERVER:$HTTP_PORT" --allow 192.168.0.0/24
	check "$(t "LAN client (allowed on :$ALT): GET through the hairpin, body identical")" \
		get_ok client "$ALT"
	check "$(t "LAN client (allowed on :$ALT): server sees the router LAN address")" \
		saw client "$ROUTER_LAN" "$ALT"
	not_allowed_case inet "$ALT" "allow 192.168.0.0/24"

	# Two prefixes in one rule: both clients.
	hp forward del tcp "$PUB:$HTTP_PORT" >&2
	check "$(t "forward add tcp :80 --allow $INET/32 --allow 192.168.0.0/24")" \
		publish --allow "$INET/32" --allow 192.168.0.0/24
	check "$(t 'two prefixes: internet client GET, real address seen')" saw inet "$INET" 80
	check "$(t 'two prefixes: LAN client GET through the hairpin, body identical')" get_ok client 80
	check "$(t 'two prefixes: server sees the router LAN address')" saw client "$ROUTER_LAN" 80

	# A list that holds neither client: both are refused.
	hp forward del tcp "$PUB:$HTTP_PORT" >&2
	check "$(t 'forward add tcp :80 --allow 198.51.100.0/24')" publish --allow 198.51.100.0/24
	not_allowed_case inet 80 "allow 198.51.100.0/24 (negative control)"
	not_allowed_case client 80 "allow 198.51.100.0/24 (negative control)"
}

HP_VARIANTS=${HP_VARIANTS:-offload}
run_variants cases
