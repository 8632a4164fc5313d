#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The route MTU mirror (hp_route_mtus, user/routes.c) as attach fills it:
# routes with an mtu metric, locked or not, and the routes inside them;
# nothing for routes outside every MTU route; a link-down route without an
# MTU left out, one with an MTU kept; with a second table, the smallest MTU any table applies; stale
# entries deleted and the next-hop generation bumped when something
# changed, not when nothing did.
. "$(dirname "$0")/lib.bash"
cli_setup routes

veth_pair lan0 lan0p 192.168.0.1/24
veth_pair wan0 wan0p 203.0.113.4/24
veth_pair dead0 dead0p 198.51.100.1/24

# mirror: hp_route_mtus as "PREFIX MTU" lines.
mirror() {
	bpftool -j map dump pinned "$PIN/maps/hp_route_mtus" | python3 "$CLI_ROOT/tests/lib/route_mtus.py"
}

bump_ns() {
	bpftool -j map dump pinned "$PIN/maps/hp_nexthop_gen" |
		python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["formatted"]["value"]["bump_ns"])'
}

# mirror_is LINES: the mirror holds exactly LINES (in any order).
mirror_is() {
	local got want
	got=$(mirror | sort)
	want=$(sort <<<"$1")
	lines_equal "$want" "$got"
}

in_ns ip route add 192.168.0.2/32 dev lan0 mtu 1400
in_ns ip route add 192.168.0.128/25 dev lan0 mtu 1300
in_ns ip route add 192.168.0.200/32 dev lan0
in_ns ip route add 192.168.0.10/32 dev lan0 mtu lock 1350
in_ns ip route add 198.51.100.128/25 via 198.51.100.2 dev dead0 # no MTU, outside all
# Through a link that loses its carrier: linkdown. Without an MTU it is
# left out (the fib may skip it); with one it stays.
in_ns ip route add 192.168.0.129/32 via 198.51.100.2 dev dead0
in_ns ip route add 192.168.0.130/32 via 198.51.100.2 dev dead0 mtu 1250
in_ns ip link set dead0p down

expect_ok "attach lan0 wan0" attach lan0 wan0
check "routes are linkdown as meant" eval \
	'in_ns ip route show 192.168.0.129/32 | grep -q linkdown'
check "main table: MTU routes, the live route inside one (0), nothing else" mirror_is \
"192.168.0.128/25 1300
192.168.0.2/32 1400
192.168.0.10/32 1350
192.168.0.130/32 1250
192.168.0.200/32 0"
check "a change bumped the next-hop generation" eval '[ "$(bump_ns)" -gt 0 ]'

before=$(bump_ns)
expect_ok "attach again, nothing changed" attach lan0 wan0
check "nothing changed: no bump" eval '[ "$(bump_ns)" = "$before" ]'

# Policy routing: a second table with a smaller MTU over the whole LAN.
in_ns ip route add table 100 192.168.0.0/24 dev lan0 mtu 1200
in_ns ip rule add from 203.0.113.0/24 table 100
expect_ok "attach with a second table" attach lan0 wan0
check "two tables: the smallest MTU either applies to each prefix" mirror_is \
"192.168.0.0/24 1200
192.168.0.128/25 1200
192.168.0.2/32 1200
192.168.0.10/32 1200
192.168.0.130/32 1200
192.168.0.200/32 1200"
check "the change bumped again" eval '[ "$(bump_ns)" -gt "$before" ]'

in_ns ip rule del from 203.0.113.0/24 table 100
in_ns ip route del table 100 192.168.0.0/24
in_ns ip route del 192.168.0.128/25
expect_ok "attach after routes went" attach lan0 wan0
check "stale entries deleted, the rest as the main table says" mirror_is \
"192.168.0.2/32 1400
192.168.0.10/32 1350
192.168.0.130/32 1250"

expect_ok "detach --all" detach --all
check "nothing left" eval '[ ! -e "$PIN" ]'

asan_report "routes: no sanitizer reports"
