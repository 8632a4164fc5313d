#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# hairpin-xdp beside a firewall (docs/firewall.md): the router runs an
# nftables ruleset shaped like fw4's, with `policy drop` in forward, the
# conntrack accepts fw4 has (established/related, and `ct status dnat`
# for its own port forwards), the LAN zone forwarding freely, and invalid
# packets dropped. It shows:
#   - the fast path never meets the forward chain (a counting rule stays
#     at 0, a drop rule for the client does not stop it): forwards and the
#     hairpin work with no accept rule at all;
#   - the slow path (--fast-path off, or the first packet of a flow whose
#     next hop is not resolved yet) goes through the forward chain as a
#     new connection to the internal address, which fw4's `ct status dnat`
#     does not match: the internet client fails until the recipe's accept
#     rule (`ip daddr INT_IP tcp dport INT_PORT ct state new accept`) is
#     there, and works with it, seen with its real address;
#   - traffic that matches no forward is still the firewall's: a routed
#     connection straight to a server port stays blocked (and works with
#     the ruleset gone: the negative control), and the LAN client fails
#     with --hairpin off as in the story.
# shellcheck source=tests/lib/integration.sh
. "$(dirname "$0")/../lib/integration.sh"

DIRECT_PORT=8080	# served on the server, forwarded by nothing

# The ruleset of the router. fw4's names are kept where they help a reader
# compare: forward_wan's "ct status dnat accept" is fw4's own rule for
# port forwards done by netfilter DNAT.
ruleset() {
	cat <<EOF
table inet hpfw {
	chain input {
		type filter hook input priority filter; policy drop;
		ct state established,related accept
		ct state invalid drop
		iifname "lo" accept
		iifname "lan0" accept
	}
	chain forward {
		type filter hook forward priority filter; policy drop;
		ip daddr $SERVER tcp dport $HTTP_PORT counter comment "seen"
		ct state established,related accept
		ct state invalid counter drop comment "invalid"
		iifname "lan0" accept comment "lan zone: forward ACCEPT"
		iifname "wan0" jump forward_wan
	}
	chain forward_wan {
		ct status dnat accept comment "fw4: accept port forwards"
	}
	chain srcnat {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "wan0" masquerade
	}
}
EOF
}

nft_router() {
	in_ns router nft "$@"
}

# counter COMMENT: packets of the forward rule with that comment.
counter() {
	nft_router list chain inet hpfw forward |
		sed -n "s/.*counter packets \([0-9]*\) bytes.*comment \"$1\".*/\1/p"
}

counter_is() {
	local got
	got=$(counter "$1")
	echo "nft counter '$1': $got, want $2" >&2
	[ "$got" = "$2" ]
}

counter_rose() {
	local got
	got=$(counter "$1")
	echo "nft counter '$1': $got, want more than $2" >&2
	[ -n "$got" ] && [ "$got" -gt "$2" ]
}

# fw4's kind of accept for a forward: new connections to the internal
# address, the rest left to "ct state established". Right for the slow
# path alone, wrong beside the fast path (see mixed_cases).
NAIVE_RULE=(ip daddr "$SERVER" tcp dport "$HTTP_PORT" ct state new accept comment '"naive"')

# The recipe (docs/firewall.md): the forward's packets both ways, accepted
# whatever conntrack thinks of them, before any "ct state invalid drop".
recipe_add() {
	nft_router insert rule inet hpfw forward ip saddr "$SERVER" tcp sport "$HTTP_PORT" accept comment '"hairpin-xdp reply"' &&
		nft_router insert rule inet hpfw forward ip daddr "$SERVER" tcp dport "$HTTP_PORT" accept comment '"hairpin-xdp forward"'
}

recipe_del() {
	del_by_comment forward "hairpin-xdp forward" && del_by_comment forward "hairpin-xdp reply"
}

del_by_comment() {
	local chain=$1 comment=$2 handle
	handle=$(nft_router -a list chain inet hpfw "$chain" |
		sed -n "s/.*comment \"$comment\" # handle \([0-9]*\)$/\1/p")
	[ -n "$handle" ] && nft_router delete rule inet hpfw "$chain" handle "$handle"
}

direct_ok() {
	in_ns inet curl -sS --max-time 3 -o /dev/null "http://$SERVER:$DIRECT_PORT/index.html"
}

# Every host's neighbour entries present, so that the fast path can run
# from the first packet (pings go out through the router's own output,
# which the ruleset leaves open, and come back as established).
prime_neigh() {
	in_ns router ping -c 1 -W 2 "$SERVER" >/dev/null &&
		in_ns router ping -c 1 -W 2 "$CLIENT" >/dev/null &&
		in_ns router ping -c 1 -W 2 "$INET" >/dev/null
}

fast_path_cases() {
	local fast
	check "$(t 'prime the router neighbours')" prime_neigh
	fast=$(($(stat_get xdp_fast_redirect) + $(stat_get xdp_fast_tx)))
	check "$(t 'fast path, no accept rule: internet GET, body identical')" get_ok inet
	check "$(t 'fast path, no accept rule: server sees the real address')" saw inet "$INET"
	check "$(t 'fast path, no accept rule: LAN client GET through the hairpin')" get_ok client
	check "$(t 'fast path: server sees the router LAN address')" saw client "$ROUTER_LAN"
	check "$(t 'fast path: XDP sent them (xdp_fast_redirect + xdp_fast_tx rose)')" \
		eval '[ $(($(stat_get xdp_fast_redirect) + $(stat_get xdp_fast_tx))) -gt '"$fast"' ]'
	check "$(t 'fast path bypasses the forward chain: its counter stayed 0')" counter_is seen 0

	# A firewall rule that drops the client: the fast path does not see it.
	nft_router insert rule inet hpfw forward ip saddr "$INET" drop comment '"block inet"' >&2
	check "$(t 'fast path: a forward-chain drop of the client does not stop it (bypass)')" \
		saw inet "$INET"
	del_by_comment forward "block inet" >&2
	check "$(t 'fast path: a --allow list stops it (the rule to use instead)')" reforward_allow
	hp forward del tcp "$PUB:$HTTP_PORT" >&2 && publish >&2
}

reforward_allow() {
	hp forward del tcp "$PUB:$HTTP_PORT" >&2 && publish --allow 198.51.100.0/24 >&2 &&
		get_fails inet
}


slow_path_cases() {
	local seen
	check "$(t 'config --fast-path off')" hp config --fast-path off
	seen=$(counter seen)
	check "$(t 'slow path, no accept rule: internet GET fails (policy drop)')" get_fails inet
	check "$(t 'slow path: the forward chain saw it (counter rose)')" counter_rose seen "$seen"
	check "$(t 'slow path: LAN client GET through the hairpin (lan zone accepts)')" get_ok client
	check "$(t 'slow path: server sees the router LAN address')" saw client "$ROUTER_LAN"
	check "$(t 'slow path: add a fw4-like accept (ct state new)')" \
		nft_router add rule inet hpfw forward_wan "${NAIVE_RULE[@]}"
	check "$(t 'slow path, ct state new accept: internet GET, body identical')" get_ok inet
	check "$(t 'slow path: no packet was invalid for conntrack')" counter_is invalid 0
	nft_router insert rule inet hpfw forward ip saddr "$INET" drop comment '"block inet"' >&2
	check "$(t 'slow path: a forward-chain drop of the client stops it')" get_fails inet
	del_by_comment forward "block inet" >&2
	check "$(t 'slow path: without that drop it works again')" get_ok inet
	check "$(t 'config --fast-path on')" hp config --fast-path on
}

# One connection, two paths: the SYN on the fast path (the server's MAC is
# known), the SYN-ACK on the slow path (the client's is not). conntrack
# sees a SYN-ACK of a connection it never saw begin: invalid.
mixed_cases() {
	local invalid
	check "$(t 'mixed: prime neighbours, then forget the internet client')" forget_inet
	invalid=$(counter invalid)
	check "$(t 'mixed, ct state new accept: internet GET fails (reply invalid)')" get_fails inet
	check "$(t 'mixed: conntrack found the reply invalid (counter rose)')" counter_rose invalid "$invalid"
	del_by_comment forward_wan naive >&2
	check "$(t "mixed: the recipe's accept rules")" recipe_add
	check "$(t 'mixed, recipe: internet GET, body identical')" get_ok inet
	check "$(t 'mixed, recipe: server sees the real address')" saw inet "$INET"

	# The first packet of a flow whose next hop the router has not resolved
	# goes through the stack too: without an accept it is dropped, and
	# the router never resolves the neighbour (nothing is sent to it).
	check "$(t 'neighbours flushed')" flush_neigh
	check "$(t 'no neighbour, recipe: internet GET works')" get_ok inet
	check "$(t 'recipe, fast path off: internet GET works')" eval \
		'hp config --fast-path off >&2 && get_ok inet; rc=$?; hp config --fast-path on >&2; [ $rc = 0 ]'
	check "$(t 'recipe: a port not forwarded is still blocked')" negate direct_ok
	recipe_del >&2
	check "$(t 'neighbours flushed')" flush_neigh
	check "$(t 'no neighbour, no accept: internet GET fails (first packet dropped)')" get_fails inet
	recipe_add >&2
}

# forget_inet: the router knows the server's MAC, not the internet client's.
forget_inet() {
	prime_neigh && sleep 1 && in_ns router ip neigh del "$INET" dev wan0
}

# flush_neigh: the router forgets the server's MAC. The last packets of an
# earlier connection (FIN, ACK) could have it resolved again: let them pass
# first, then check it is gone.
flush_neigh() {
	sleep 1
	in_ns router ip neigh flush all
	in_ns router ip neigh show >&2
	! in_ns router ip neigh show "$SERVER" | grep -qE 'REACHABLE|STALE|DELAY|PROBE'
}

# On a failure, what the router had: the counters, the ruleset, the neighbours.
diag() {
	[ "$HP_FAILED" -gt 0 ] || return 0
	{
		echo "### diagnostics"
		hp stats | grep -v ' 0  '
		hp sessions
		nft_router list ruleset
		in_ns router ip neigh show
	} >&2
}

cases() {
	serve_http || { not_ok "$(t 'http server')" "did not start"; return; }
	hp_bg server direct.log "$PYTHON" "$HP_ROOT/tests/lib/serve.py" http "$DIRECT_PORT" "$HP_TMP/www"
	wait_for 100 listening server tcp "$DIRECT_PORT" || { not_ok "$(t 'second server')" "did not start"; return; }
	# The internet client may route to the LAN directly (no NAT): the
	# firewall alone decides whether it gets there.
	in_ns inet ip route add 192.168.0.0/24 via "$PUB"
	check "$(t 'no ruleset: a routed connection to server:8080 works (control)')" direct_ok

	check "$(t 'load the ruleset (policy drop in forward)')" eval 'ruleset | nft_router -f -'
	check "$(t 'ruleset: the routed connection to server:8080 is blocked')" negate direct_ok
	check "$(t 'attach lan0 wan0')" hp attach lan0 wan0
	check "$(t 'forward add tcp :80')" publish
	fast_path_cases
	slow_path_cases
	mixed_cases

	check "$(t 'with the firewall: still blocked: server:8080')" negate direct_ok
	hp forward del tcp "$PUB:$HTTP_PORT" >&2
	check "$(t 'forward add --hairpin off')" publish --hairpin off
	check "$(t 'hairpin off (negative control): LAN client GET fails')" get_fails client
	check "$(t 'hairpin off: internet GET still works')" saw inet "$INET"
	diag
}

run_variants cases
