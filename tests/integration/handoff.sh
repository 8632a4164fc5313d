#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Slow-path hand-offs and `forward del` (issue 10, finding 6): every hp_egress
# entry XDP leaves for TC egress carries the rule of its session, and
# deleting one rule removes exactly that rule's hand-offs: the other rule's
# flows are still finished by TC egress. Before, every entry had rule 0.
#
# One variant: the fast path is off, so every datagram leaves a hand-off.
# shellcheck source=tests/lib/integration.sh
. "$(dirname "$0")/../lib/integration.sh"

PORT_A=5353
PORT_B=5354
SPORT=39548

# send PORT WORD: one datagram WORD from the LAN client to $PUB:PORT.
send() { udp_send client "$CLIENT:$SPORT" "$1" "$2"; }

# arrived PORT WORD: the server got WORD on PORT from the router (hairpin
# SNAT finished by TC egress), within 2 s.
arrived() { udp_logged "udp.$1.log" "$2" "$ROUTER_LAN"; }

not_arrived() { udp_not_logged "udp.$1.log" "$2"; }

# rule_id PORT: the id of the rule for udp $PUB:PORT.
rule_id() {
	hp forward list --json | "$PYTHON" -c '
import json, sys
for r in json.load(sys.stdin):
    if r["proto"] == "udp" and r["external"].endswith(":" + sys.argv[1]):
        print(r["rule_id"])' "$1"
}

# handoffs: "PROTO RULE" per hp_egress entry (17: UDP).
handoffs() {
	bpftool -j map dump pinned "$HP_PINS/maps/hp_egress" | "$PYTHON" -c '
import json, sys
for e in json.load(sys.stdin):
    f = e.get("formatted", e)
    print(f["key"]["proto"], f["value"]["rule_id"])'
}

# has_handoff RULE: a UDP hand-off of RULE is in hp_egress.
has_handoff() {
	local out
	out=$(handoffs) || return $CANT_TELL
	echo "hp_egress (proto rule): $(tr '\n' ';' <<<"$out"), looking for a UDP one of rule $1" >&2
	grep -qx "17 $1" <<<"$out"
}

cases() {
	local a b
	serve_udp_log "udp.$PORT_A.log" "$PORT_A" && serve_udp_log "udp.$PORT_B.log" "$PORT_B" ||
		{ not_ok "$(t 'udp servers')" "did not start"; return; }
	check "$(t 'attach lan0 wan0')" hp attach lan0 wan0
	check "$(t 'fast path off')" hp config --fast-path off
	check "$(t "forward add udp :$PORT_A")" hp forward add udp "$PUB:$PORT_A" "$SERVER:$PORT_A"
	check "$(t "forward add udp :$PORT_B")" hp forward add udp "$PUB:$PORT_B" "$SERVER:$PORT_B"
	a=$(rule_id "$PORT_A")
	b=$(rule_id "$PORT_B")
	check "$(t 'two rules, two ids')" test -n "$a" -a -n "$b" -a "$a" != "$b"

	send "$PORT_A" a1
	send "$PORT_B" b1
	check "$(t "rule $a: hairpin datagram finished by TC egress")" arrived "$PORT_A" a1
	check "$(t "rule $b: hairpin datagram finished by TC egress")" arrived "$PORT_B" b1
	check "$(t "hp_egress holds a hand-off of rule $a")" has_handoff "$a"
	check "$(t "hp_egress holds a hand-off of rule $b")" has_handoff "$b"

	check "$(t "forward del udp :$PORT_A")" hp forward del udp "$PUB:$PORT_A"
	check "$(t "rule $a's hand-offs are gone")" negate has_handoff "$a"
	check "$(t "rule $b's hand-off stayed")" has_handoff "$b"
	send "$PORT_B" b2
	check "$(t "rule $b: the next datagram still finished by TC egress")" arrived "$PORT_B" b2
	send "$PORT_A" a2
	check "$(t "rule $a: deleted, its port no longer translated")" not_arrived "$PORT_A" a2
}

HP_VARIANTS=${HP_VARIANTS:-offload}
run_variants cases
