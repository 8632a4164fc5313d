#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Port ranges (issue 3, item 5): `forward add tcp 203.0.113.4:8000-8002
# 192.168.0.2:9000-9002` maps port to port, a range onto a single internal
# port sends every port there, `forward list` shows ranges as ranges, and
# `forward del` of the range removes every port of it. Servers on 9000-9002
# answer with their own port number, so a wrong mapping shows as a wrong
# number, not as a failure.
#
# One variant only: what is tested is which rule and port a connection
# selects; the rewriting itself (with partial or complete checksums) is the
# same code as for one port, run in both variants by http.sh and udp.sh.
# shellcheck source=tests/lib/integration.sh
. "$(dirname "$0")/../lib/integration.sh"

# reaches NS EXT_PORT INT_PORT: a connection from NS to the public address
# on EXT_PORT is answered by the server on INT_PORT.
reaches() {
	local got
	got=$(probe "$1" read "$PUB" "$2")
	echo "$1 -> $PUB:$2 answered '$got', expected $3" >&2
	[ "$got" = "$3" ]
}

# fails NS EXT_PORT: no server answers (the router's own stack refuses).
fails() {
	local got rc
	got=$(probe "$1" read "$PUB" "$2")
	rc=$?
	echo "$1 -> $PUB:$2 answered '$got' (exit $rc), expected a failure" >&2
	[ "$rc" -ne 0 ] && [[ $got != [0-9]* ]]
}

# listed RE: `forward list` has a line matching RE.
listed() {
	local out
	out=$(hp forward list) || return $CANT_TELL
	echo "$out" >&2
	grep -qE -- "$1" <<<"$out"
}

cases() {
	local ns i
	hp_bg server ports.log "$PYTHON" "$HP_ROOT/tests/lib/probe.py" port-server 9000 9001 9002
	if ! wait_for 100 listening server tcp 9002; then
		not_ok "$(t 'port servers')" "did not start"
		return
	fi
	check "$(t 'attach lan0 wan0')" hp attach lan0 wan0
	check "$(t 'forward add tcp 8000-8002 -> 9000-9002')" \
		hp forward add tcp "$PUB:8000-8002" "$SERVER:9000-9002"
	for ns in inet client; do
		for i in 0 1 2; do
			check "$(t "$ns: :800$i reaches the server's :900$i")" reaches "$ns" "800$i" "900$i"
		done
		check "$(t "$ns: :8003, outside the range, reaches nothing (negative control)")" fails "$ns" 8003
	done
	check "$(t 'forward list shows 8000-8002 -> 9000-9002')" \
		listed "$PUB:8000-8002 .*$SERVER:9000-9002"

	check "$(t 'forward add tcp 8100-8102 -> 9001 (range onto one port)')" \
		hp forward add tcp "$PUB:8100-8102" "$SERVER:9001"
	for ns in inet client; do
		for i in 0 1 2; do
			check "$(t "$ns: :810$i reaches the server's :9001")" reaches "$ns" "810$i" 9001
		done
	done
	check "$(t 'forward list shows 8100-8102 -> 9001')" listed "$PUB:8100-8102 .*$SERVER:9001( |$)"
	check "$(t 'forward add of a port already in a range fails')" \
		negate hp forward add tcp "$PUB:8001" "$SERVER:9000"

	check "$(t 'forward del tcp 8000-8002')" hp forward del tcp "$PUB:8000-8002"
	for ns in inet client; do
		for i in 0 1 2; do
			check "$(t "$ns: range deleted: :800$i reaches nothing")" fails "$ns" "800$i"
		done
		check "$(t "$ns: the other range still reaches :9001")" reaches "$ns" 8101 9001
	done
	check "$(t 'forward list no longer shows 8000-8002')" negate listed "$PUB:8000"
	check "$(t 'forward del tcp 8100-8102')" hp forward del tcp "$PUB:8100-8102"
	check "$(t 'inet: both ranges deleted: :8102 reaches nothing')" fails inet 8102
}

HP_VARIANTS=${HP_VARIANTS:-offload}
run_variants cases
