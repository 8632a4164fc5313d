#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# XDP in generic (skb) mode: the same story through the kernel's generic XDP
# hook, which the other tests (native XDP on veth) do not exercise.
# shellcheck source=tests/lib/integration.sh
. "$(dirname "$0")/../lib/integration.sh"

generic_on() {
	output_has xdpgeneric in_ns router ip link show dev "$1"
}

cases() {
	serve_http || { not_ok "$(t 'http server')" "did not start"; return; }
	check "$(t 'attach --mode generic lan0 wan0')" hp attach --mode generic lan0 wan0
	check "$(t 'generic: lan0 runs generic XDP')" generic_on lan0
	check "$(t 'generic: wan0 runs generic XDP')" generic_on wan0
	check "$(t 'forward add tcp')" publish
	check "$(t 'generic: internet client GET, real address seen')" saw inet "$INET"
	check "$(t 'generic: LAN client GET, body identical')" get_ok client
	check "$(t 'generic: server sees the router LAN address')" saw client "$ROUTER_LAN"
	check "$(t 'generic: 200 sequential connections')" many_connections client 200 "$ROUTER_LAN"
}

run_variants cases
