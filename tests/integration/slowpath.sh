#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The slow path: XDP rewrites only the destination, the kernel stack routes
# and resolves the neighbour, TC egress rewrites the source. Taken when the
# router has no neighbour entry yet (the first packets of a flow after a
# flush), and for everything when the fast path is switched off.
# shellcheck source=tests/lib/integration.sh
. "$(dirname "$0")/../lib/integration.sh"

flush_neigh() {
	in_ns router ip neigh flush all
}

rules() {
	publish &&
		hp forward add tcp "$PUB:$UPLOAD_PORT" "$SERVER:$UPLOAD_PORT" &&
		hp forward add udp "$PUB:$UDP_PORT" "$SERVER:$UDP_PORT"
}

# The hairpin cases with the router's neighbour table empty before each.
no_neigh_cases() {
	local nn slow
	nn=$(stat_get slow_no_neigh)
	slow=$(stat_get xdp_slow_pass)
	flush_neigh
	check "$(t 'no neighbour: LAN client GET, body identical')" get_ok client
	flush_neigh
	check "$(t 'no neighbour: server sees the router LAN address')" saw client "$ROUTER_LAN"
	flush_neigh
	check "$(t 'no neighbour: LAN client UDP echo identical')" udp_ok client "$ROUTER_LAN"
	flush_neigh
	check "$(t 'no neighbour: internet client GET, real address seen')" saw inet "$INET"
	check "$(t 'no neighbour: slow_no_neigh rose')" rose slow_no_neigh "$nn"
	check "$(t 'no neighbour: xdp_slow_pass rose')" rose xdp_slow_pass "$slow"
}

# Every hairpin case with the fast path off: nothing may be sent by XDP.
forced_cases() {
	local tx redirect forced tc
	tx=$(stat_get xdp_fast_tx)
	redirect=$(stat_get xdp_fast_redirect)
	forced=$(stat_get slow_forced)
	tc=$(stat_get tc_translated)
	check "$(t "$1: LAN client GET, body identical")" get_ok client
	check "$(t "$1: server sees the router LAN address")" saw client "$ROUTER_LAN"
	check "$(t "$1: LAN client UDP echo identical")" udp_ok client "$ROUTER_LAN"
	check "$(t "$1: 200 sequential connections")" many_connections client 200 "$ROUTER_LAN"
	check "$(t "$1: 50 MB download, sha256 identical")" big_download client
	check "$(t "$1: 50 MB upload, sha256 identical")" big_upload client
	check "$(t "$1: internet client GET, real address seen")" saw inet "$INET"
	check "$(t "$1: slow_forced rose")" rose slow_forced "$forced"
	check "$(t "$1: TC egress translated (tc_translated rose)")" rose tc_translated "$tc"
	check "$(t "$1: xdp_fast_tx did not move")" stayed xdp_fast_tx "$tx"
	check "$(t "$1: xdp_fast_redirect did not move")" stayed xdp_fast_redirect "$redirect"
}

cases() {
	local tx
	serve_http big || { not_ok "$(t 'http server')" "did not start"; return; }
	serve_udp || { not_ok "$(t 'udp echo server')" "did not start"; return; }
	check "$(t 'attach lan0 wan0')" hp attach lan0 wan0
	check "$(t 'forward add tcp :80, :9000, udp :7')" rules
	no_neigh_cases

	check "$(t 'config --fast-path off')" hp config --fast-path off
	forced_cases "fast path off"

	check "$(t 'config --fast-path on')" hp config --fast-path on
	tx=$(stat_get xdp_fast_tx)
	check "$(t 'fast path on again: LAN client GET')" get_ok client
	check "$(t 'fast path on again: xdp_fast_tx rose')" rose xdp_fast_tx "$tx"

	# The same switch given at attach time.
	check "$(t 'detach --all, attach --no-fast-path')" reattach_no_fast_path
	forced_cases "attach --no-fast-path"
}

reattach_no_fast_path() {
	hp detach --all && hp attach --no-fast-path lan0 wan0 && rules
}

run_variants cases
