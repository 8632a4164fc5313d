#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# `hairpin-xdp monitor --json` (issue 9, item 3) during a scripted scenario:
# a hairpinned HTTP connection (NEW with both tuples, its rule and hairpin,
# then established, then closing), a UDP flow from the internet that the
# sweeper expires (short timeouts), and a datagram dropped as a session clash
# with its reason, tuple and port. Negative controls: no events before the
# scenario nor for traffic that matches no rule, none once the monitor has
# exited (its lease ended), and a clear error when nothing is attached.
# shellcheck source=tests/lib/integration.sh
. "$(dirname "$0")/../lib/integration.sh"

HP_VARIANTS=${HP_VARIANTS:-offload}
CLASH_PORT=8		# udp PUB:8 -> SERVER:7 as well as PUB:7
CLASH_SPORT=40009
MON_PID=

MON_LOG=monitor.json

events() { "$PYTHON" "$HP_ROOT/tests/lib/events.py" "$HP_TMP/$MON_LOG" "$@"; }

# lease_is on|off: hp_monitor's listen_until_ns is set (a monitor listens) or 0.
lease_is() {
	local until
	until=$(bpftool -j map dump pinned "$HP_PINS/maps/hp_monitor" |
		"$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)[0]["formatted"]["value"]["listen_until_ns"])') ||
		return $CANT_TELL
	echo "hp_monitor listen_until_ns: $until, expected $1" >&2
	if [ "$1" = on ]; then [ "$until" != 0 ]; else [ "$until" = 0 ]; fi
}

# no_events: the monitor printed nothing yet.
no_events() {
	local n
	n=$(events count) || return $CANT_TELL
	echo "events so far: $n, expected 0" >&2
	[ "$n" = 0 ]
}

# start_monitor LOG: `monitor --json` in the background, its events in LOG.
start_monitor() {
	MON_LOG=$1
	# exec: $! is the monitor itself; its summary (stderr) apart from the JSON.
	hp_bg router "$MON_LOG" bash -c 'exec "$@" 2>"$0"' "$HP_TMP/monitor.err" \
		"$HAIRPIN_XDP" --bpffs "$HP_PINS" monitor --json
	MON_PID=${HP_PIDS[-1]}
	wait_for 50 lease_is on
}

# stop_monitor: SIGTERM; it exits 0 with a summary of lost events.
stop_monitor() {
	local rc
	kill -TERM "$MON_PID" 2>/dev/null
	wait "$MON_PID"
	rc=$?
	echo "monitor exited $rc; stderr: $(cat "$HP_TMP/monitor.err")" >&2
	[ "$rc" = 0 ] && grep -q '0 lost (ring buffer full)' "$HP_TMP/monitor.err"
}

# udp_from_inet PORT SPORT: one datagram from the internet client's SPORT.
udp_from_inet() {
	echo hello | in_ns inet timeout 5 socat -t 1 -T 2 - "UDP4:$PUB:$1,sourceport=$2,reuseaddr" >/dev/null
}

cases() {
	local tcp udp
	check "$(t 'monitor before attach: a clear error')" \
		output_has 'not attached' eval 'hp monitor 2>&1; true'
	serve_http || { not_ok "$(t 'http server')" "did not start"; return; }
	serve_udp || { not_ok "$(t 'udp echo server')" "did not start"; return; }
	check "$(t attach)" hp attach lan0 wan0
	check "$(t 'forward add tcp, udp, and a second udp port to the same server port')" \
		eval 'hp forward add tcp "$PUB:80" "$SERVER:80" &&
		      hp forward add udp "$PUB:$UDP_PORT" "$SERVER:$UDP_PORT" &&
		      hp forward add udp "$PUB:$CLASH_PORT" "$SERVER:$UDP_PORT"'
	check "$(t 'short udp timeouts (config --timeout)')" \
		hp config --timeout udp-oneway=2 --timeout udp=3
	tcp=$(hp forward list --json | "$PYTHON" -c 'import json, sys; print([r["rule_id"] for r in json.load(sys.stdin) if r["proto"] == "tcp"][0])')
	udp=$(hp forward list --json | "$PYTHON" -c 'import json, sys; print([r["rule_id"] for r in json.load(sys.stdin) if r["external"].endswith(":7")][0])')

	check "$(t 'the monitor starts listening (its lease in hp_monitor)')" start_monitor monitor.json
	# Negative control: nothing happens, and traffic that matches no rule.
	sleep 1
	check "$(t 'no events before the scenario')" no_events
	udp_from_inet 9 40011
	check "$(t 'no events for traffic that matches no rule')" no_events

	check "$(t 'hairpin: GET from the LAN client')" get_ok client
	check "$(t 'udp echo from the internet')" udp_ok inet "$INET"
	check "$(t 'udp to the same server port from the same source: dropped')" \
		eval 'udp_from_inet "$CLASH_PORT" "$CLASH_SPORT"; udp_from_inet "$UDP_PORT" "$CLASH_SPORT"; true'
	# Timeout 3 s, a sweep every 5 s: the UDP sessions go within ~8 s.
	check "$(t 'the sweeper expires the udp flow: its DESTROY comes')" \
		wait_for 150 events flow udp "$INET:" "$PUB:$UDP_PORT" NEW DESTROY:expired

	check "$(t 'tcp: NEW, established, closing, in order')" \
		wait_for 50 events flow tcp "$CLIENT:" "$PUB:80" NEW UPDATE:established UPDATE:closing
	check "$(t 'tcp NEW: the forward rule, hairpin')" events rule tcp "$CLIENT:" "$PUB:80" "$tcp" true
	check "$(t 'tcp NEW: the reply comes from the server to the router (hairpin SNAT)')" \
		events reply tcp "$CLIENT:" "$PUB:80" "$SERVER:80" "$ROUTER_LAN:"
	check "$(t 'udp NEW: its rule, no hairpin')" events rule udp "$INET:" "$PUB:$UDP_PORT" "$udp" false
	check "$(t 'udp NEW: the reply goes to the client itself')" \
		events reply udp "$INET:" "$PUB:$UDP_PORT" "$SERVER:$UDP_PORT" "$INET:"
	check "$(t 'the clash: a DROP with its reason, tuple and port')" \
		events drop drop_session_clash "$INET:$CLASH_SPORT" "$PUB:$UDP_PORT" wan0
	# (and its first flow too, before the last negative control below)
	check "$(t 'the clashing flow: NEW, then expired')" \
		wait_for 150 events flow udp "$INET:$CLASH_SPORT" "$PUB:$CLASH_PORT" NEW DESTROY:expired
	check "$(t 'no events for the unmatched datagram (negative control)')" \
		negate events flow udp "$INET:40011" "$PUB:9" NEW
	check "$(t 'SIGTERM: exits 0 with a summary, no events lost')" stop_monitor
	check "$(t 'the lease ended with the monitor')" lease_is off
	check "$(t 'stats shows the event counters')" \
		output_has 'events: 0 lost' hp stats
	# Negative control: with nobody listening nothing enters the ring, so
	# a monitor started afterwards has nothing to print.
	check "$(t 'after the monitor: traffic as before')" get_ok client
	check "$(t 'a second monitor starts')" start_monitor monitor2.json
	sleep 1
	check "$(t 'nothing was written while nobody listened (negative control)')" no_events
	check "$(t 'the second monitor exits cleanly')" stop_monitor
}

run_variants cases
