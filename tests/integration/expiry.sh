#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Session expiry: the sweeper (a bpf_timer every 5 s, bpf/lib/gc.h) removes
# sessions idle past their timeout, both halves, and a new flow is then made
# afresh; with a long timeout the same sweeps leave a live session alone.
# One variant: expiry does not depend on the hosts' checksum offloads.
# shellcheck source=tests/lib/integration.sh
. "$(dirname "$0")/../lib/integration.sh"

HP_VARIANTS=${HP_VARIANTS:-offload}

# session_count: sessions listed by `hairpin-xdp sessions --json`.
session_count() {
	hp sessions --json | "$PYTHON" -c 'import json, sys; print(len(json.load(sys.stdin)))'
}

sessions_are() {
	local n
	n=$(session_count)
	echo "sessions: $n, expected $1" >&2
	[ "$n" = "$1" ]
}

# entries_in MAP N: the pinned map holds exactly N entries.
entries_in() {
	local n
	n=$(bpftool -j map dump pinned "$HP_PINS/maps/$1" | "$PYTHON" -c 'import json, sys; print(len(json.load(sys.stdin)))')
	echo "$1: $n entries, expected $2" >&2
	[ "$n" = "$2" ]
}

gc_runs() {
	hp stats --json | "$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["gc"]["runs"])'
}

# swept_twice SINCE: the sweeper ran at least twice since it read SINCE.
swept_twice() {
	[ "$(gc_runs)" -ge $(($1 + 2)) ]
}

cases() {
	local created expired runs

	serve_udp || { not_ok "$(t 'udp echo server')" "did not start"; return; }
	check "$(t 'attach with udp timeouts of 2 s (one way) and 3 s')" \
		hp attach lan0 wan0 --timeout udp-oneway=2 --timeout udp=3
	check "$(t 'forward add udp')" hp forward add udp "$PUB:$UDP_PORT" "$SERVER:$UDP_PORT"
	check "$(t 'echo through the hairpin and the forward')" \
		eval 'udp_ok client "$ROUTER_LAN" && udp_ok inet "$INET"'
	check "$(t 'two sessions, four entries in hp_sessions')" \
		eval 'sessions_are 2 && entries_in hp_sessions 4'
	expired=$(stat_get session_expired)

	# Timeout 3 s, a sweep every 5 s: gone within ~8 s; wait at most 15.
	check "$(t 'the sweeper removes both idle sessions')" wait_for 150 sessions_are 0
	check "$(t 'hp_sessions is empty: both halves of each went')" entries_in hp_sessions 0
	check "$(t 'session_expired rose by 2')" rose session_expired "$expired" 2

	# Negative control: with a long timeout, two sweeps leave new sessions
	# alone. The timeout is raised first: with 3 s, a slow machine's next
	# steps could outlast the sessions before the check begins.
	check "$(t 'config --timeout udp=120')" hp config --timeout udp=120
	created=$(stat_get session_created)
	check "$(t 'after expiry: the same clients echo again, through new sessions')" \
		eval 'udp_ok client "$ROUTER_LAN" && udp_ok inet "$INET" && sessions_are 2'
	check "$(t 'session_created rose by 2')" rose session_created "$created" 2
	runs=$(gc_runs)
	check "$(t 'two more sweeps ran')" wait_for 150 swept_twice "$runs"
	check "$(t 'live sessions survive the sweeps (negative control)')" \
		eval 'sessions_are 2 && entries_in hp_sessions 4'
	# The sweeps since saw those 4 entries: stats says so, and for how long.
	check "$(t 'stats: the last sweep looked at the 4 live entries, and took time')" \
		eval 'hp stats --json | "$PYTHON" -c "import json, sys; g = json.load(sys.stdin)[\"gc\"]; sys.exit(not (g[\"last_visited\"] >= 4 and g[\"last_sweep_ns\"] > 0))"'
}

run_variants cases
