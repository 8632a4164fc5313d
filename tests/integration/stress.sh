#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Volume through the hairpin on the fast path: 200 sequential short TCP
# connections, 50 MB each way compared by sha256, an iperf3 run. Every new
# connection is a new NAT session with its own SNAT port, and every data
# packet is rewritten with its checksums; one wrong byte or one lost session
# shows up here.
# shellcheck source=tests/lib/integration.sh
. "$(dirname "$0")/../lib/integration.sh"

cases() {
	local tx created
	serve_http big || { not_ok "$(t 'http server')" "did not start"; return; }
	check "$(t 'attach lan0 wan0')" hp attach lan0 wan0
	check "$(t 'forward add tcp :80, :9000, :5201')" publish_all

	tx=$(stat_get xdp_fast_tx)
	created=$(stat_get session_created)
	check "$(t 'LAN client: 200 sequential connections, each its own SNAT port')" \
		many_connections client 200 "$ROUTER_LAN"
	check "$(t '200 connections made 200 sessions (session_created)')" rose session_created "$created" 200
	check "$(t 'LAN client: 50 MB download through the hairpin, sha256 identical')" big_download client
	check "$(t 'LAN client: 50 MB upload through the hairpin, sha256 identical')" big_upload client
	check "$(t 'LAN client: iperf3 through the hairpin')" iperf_ok client
	check "$(t 'fast path carried it (xdp_fast_tx rose by 10000)')" rose xdp_fast_tx "$tx" 10000
	check "$(t 'internet client: 50 MB download, sha256 identical')" big_download inet
}

publish_all() {
	local port
	publish || return 1
	for port in "$UPLOAD_PORT" 5201; do
		hp forward add tcp "$PUB:$port" "$SERVER:$port" || return 1
	done
}

run_variants cases
