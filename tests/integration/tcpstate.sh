#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# TCP state tracking with real clients (issue 3, item 4), through the
# hairpin (LAN client) and through the forward (internet client): a server
# that closes first, a client that closes first, a client that resets
# (SO_LINGER 0). Each moves 1 MB checked byte for byte; halfway the client
# stops until the test has seen its session `established`; after the close
# the session is `closing`. Then the same client 4-tuple (fixed source port)
# connects again right after a close and must get through at once, on the
# same mapping (tcp_reopened), not wait out the closing timeout.
# shellcheck source=tests/lib/integration.sh
. "$(dirname "$0")/../lib/integration.sh"

TCP_PORT=9100
SIZE=1000000

serve_tcp() {
	hp_bg server tcpserver.log "$PYTHON" "$HP_ROOT/tests/lib/probe.py" tcp-server "$TCP_PORT" &&
		wait_for 100 listening server tcp "$TCP_PORT"
}

# server_said RESULT: the server's last connection in this mode ended with
# RESULT (done: its FIN then the client's; eof: the client's FIN; reset).
server_said() {
	local mode=$1 want=$2 last
	last=$(grep " $mode " "$HP_TMP/tcpserver.log" | tail -n 1)
	echo "server's last $mode connection: '$last', expected $want" >&2
	[ "${last##* }" = "$want" ]
}

# client_ok OUT: the client printed "ok" (all data identical).
client_ok() {
	echo "client said: $(cat "$1")" >&2
	[ "$(cat "$1")" = ok ]
}

# state_case NS SRC MODE SPORT RESULT: one connection from NS (seen by the
# router from SRC:SPORT) in MODE, its session checked mid-transfer and after.
state_case() {
	local ns=$1 src=$2:$4 mode=$3 sport=$4 result=$5 what est closing pid
	local sync=$HP_TMP/sync.$ns.$mode out=$HP_TMP/tcp.$ns.$mode
	what="$ns $mode"
	mkdir -p "$sync"
	est=$(stat_get tcp_established)
	closing=$(stat_get tcp_closing)
	probe "$ns" tcp "$PUB" "$TCP_PORT" "$mode" "$SIZE" "$sport" "$sync" >"$out" 2>&1 &
	pid=$!
	if wait_for 100 test -e "$sync/established"; then
		# Exact state: `closing` here fails it as surely as `none`.
		check "$(t "$what: established mid-transfer")" state_is "$src" established
	else
		not_ok "$(t "$what: established mid-transfer")" "the client never got halfway: $(cat "$out")"
	fi
	touch "$sync/go"
	wait "$pid"	# bounded: probe's own timeouts
	check "$(t "$what: 1 MB byte-identical")" client_ok "$out"
	check "$(t "$what: server saw the close as '$result'")" wait_for 30 server_said "$mode" "$result"
	check "$(t "$what: closing after the close")" state_is "$src" closing
	check "$(t "$what: tcp_established rose")" rose tcp_established "$est"
	check "$(t "$what: tcp_closing rose")" rose tcp_closing "$closing"
}

# peers MODE N: the peers the server saw for its last N connections in MODE.
last_peers() {
	grep " $1 " "$HP_TMP/tcpserver.log" | tail -n "$2" | cut -d' ' -f1
}

# reuse_case NS SRC SPORT: connect, close, connect again at once from the
# same source port: a SYN on a session in `closing`.
reuse_case() {
	local ns=$1 src=$2:$3 sport=$3 out=$HP_TMP/reuse.$1 reopened peers
	probe "$ns" tcp "$PUB" "$TCP_PORT" server-closes "$SIZE" "$sport" >"$out" 2>&1
	check "$(t "$ns reuse: first connection from port $sport byte-identical")" client_ok "$out"
	check "$(t "$ns reuse: session closing")" state_is "$src" closing
	reopened=$(stat_get tcp_reopened)
	probe "$ns" tcp "$PUB" "$TCP_PORT" server-closes "$SIZE" "$sport" >"$out" 2>&1
	check "$(t "$ns reuse: same 4-tuple again at once, byte-identical")" client_ok "$out"
	check "$(t "$ns reuse: tcp_reopened rose")" rose tcp_reopened "$reopened"
	wait_for 30 server_said server-closes "done"
	peers=$(last_peers server-closes 2 | sort -u)
	echo "server saw the two connections from: $peers" >&2
	check "$(t "$ns reuse: server saw both from the same address and port")" \
		test "$(wc -l <<<"$peers")" -eq 1
}

cases() {
	serve_tcp || { not_ok "$(t 'tcp server')" "did not start"; return; }
	check "$(t 'attach lan0 wan0')" hp attach lan0 wan0
	check "$(t "forward add tcp :$TCP_PORT")" hp forward add tcp "$PUB:$TCP_PORT" "$SERVER:$TCP_PORT"

	state_case client "$CLIENT" server-closes 40001 "done"
	state_case client "$CLIENT" client-closes 40002 eof
	state_case client "$CLIENT" rst 40003 reset
	state_case inet "$INET" server-closes 40001 "done"
	state_case inet "$INET" client-closes 40002 eof
	state_case inet "$INET" rst 40003 reset

	reuse_case client "$CLIENT" 40011
	reuse_case inet "$INET" 40011
	check "$(t 'state after reuse: the reopened session closed again')" state_is "$CLIENT:40011" closing

	# The story's control: with hairpin off the LAN client never connects.
	hp forward del tcp "$PUB:$TCP_PORT" >&2
	check "$(t "forward add tcp :$TCP_PORT --hairpin off")" \
		hp forward add tcp "$PUB:$TCP_PORT" "$SERVER:$TCP_PORT" --hairpin off
	check "$(t 'hairpin off: LAN client transfer fails (negative control)')" \
		negate client_ok_from client 40021
	check "$(t 'hairpin off: no session from the LAN client left established')" \
		negate state_is "$CLIENT:40021" established
}

# client_ok_from NS SPORT: a server-closes transfer from NS succeeds.
client_ok_from() {
	local out=$HP_TMP/tcp.$1.$2
	probe "$1" tcp "$PUB" "$TCP_PORT" server-closes "$SIZE" "$2" >"$out" 2>&1
	client_ok "$out"
}

run_variants cases
