#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Addresses that change under a running daemon (as DHCP or PPPoE change
# them): a forward by interface name (wan0:80) keeps working across three
# address changes of wan0, each in hp_forwards within a second and then
# answering from the internet and through the hairpin at the new address;
# the hairpin source follows lan0's address. Negative controls: with the
# daemon stopped neither follows (the GET at the new address is refused,
# the hairpin answers go to an address the router no longer has), and a
# daemon started again catches up at once.
# shellcheck source=tests/lib/integration.sh
. "$(dirname "$0")/../lib/integration.sh"

CONF=

stop_daemon() {
	kill -TERM "$DAEMON" 2>/dev/null
	wait_for 50 daemon_gone
}

# get_at NS ADDR: the page from ADDR:80, byte-identical.
get_at() {
	local out=$HP_TMP/get.$1
	rm -f "$out"
	http_get "$1" "http://$2/index.html" "$out" 5 && same_file "$out" "$HP_TMP/www/index.html"
}

# refused_at NS ADDR: the router's stack answers the SYN with a reset (no forward).
refused_at() {
	local rc
	http_get "$1" "http://$2/index.html" /dev/null 3
	rc=$?
	echo "GET from $1 at $2: curl exit $rc, expected 7 (refused)" >&2
	[ "$rc" -eq 7 ]
}

# seen_at NS ADDR WANT: a connection from NS to ADDR:80 reached the server from WANT.
seen_at() {
	local seen
	seen=$(in_ns "$1" curl -sS --max-time 5 "http://$2/peer" | cut -d: -f1)
	echo "server saw '$seen' for a connection from $1 to $2, expected $3" >&2
	[ "$seen" = "$3" ]
}

# addr_hex ADDR: its four bytes in hex, as bpftool takes them.
addr_hex() (
	IFS=.
	# shellcheck disable=SC2086 # split on the dots
	printf '%02x %02x %02x %02x' $1
)

# forwarded ADDR: hp_forwards has tcp ADDR:80 (one bpftool lookup: quick).
forwarded() {
	# shellcheck disable=SC2046 # the key's words
	bpftool map lookup pinned "$HP_PINS/maps/hp_forwards" \
		key hex $(addr_hex "$1") 00 50 06 00 >/dev/null 2>&1
}

# moved_within_1s T0 OLD NEW: NEW:80 forwarded and OLD:80 not, at most
# 1000 ms after T0 (date +%s%N of the change).
moved() { forwarded "$2" && ! forwarded "$1"; }
moved_within_1s() {
	local ms
	wait_for 30 moved "$2" "$3" || { echo "not followed within 3 s" >&2; return 1; }
	ms=$((($(date +%s%N) - $1) / 1000000))
	echo "wan0 $2 -> $3: hp_forwards followed in $ms ms" >&2
	[ "$ms" -le 1000 ]
}

# readdress DEV OLD NEW: as a DHCP client does, the old address goes, the new comes.
readdress() {
	in_ns router ip addr del "$2/24" dev "$1" && in_ns router ip addr add "$3/24" dev "$1"
}

# lan_gateway ADDR: the LAN hosts' default route via the router's ADDR;
# they forget the router's old address (else a reply to it still reaches
# the router's MAC from their ARP cache).
lan_gateway() {
	local h
	for h in server client; do
		in_ns "$h" ip route replace default via "$1" && in_ns "$h" ip neigh flush all || return 1
	done
}

cases() {
	local prev=$PUB addr t0
	CONF=$HP_TMP/hairpin-xdp.conf
	printf '%s\n' "attach lan0 wan0" "forward tcp wan0:80 $SERVER:80" >"$CONF"
	serve_http || { not_ok "$(t 'http server')" "did not start"; return; }
	check "$(t 'the daemon starts')" daemon_start "$CONF"
	check "$(t "at $PUB: internet GET")" get_at inet "$PUB"
	check "$(t "at $PUB: LAN client GET through the hairpin")" seen_at client "$PUB" "$ROUTER_LAN"

	for addr in 203.0.113.5 203.0.113.6 203.0.113.7; do
		t0=$(date +%s%N)
		readdress wan0 "$prev" "$addr"
		check "$(t "wan0 $prev -> $addr: followed within 1 s")" moved_within_1s "$t0" "$prev" "$addr"
		check "$(t "at $addr: internet GET, the server saw the client")" seen_at inet "$addr" "$INET"
		check "$(t "at $addr: LAN client GET through the hairpin")" seen_at client "$addr" "$ROUTER_LAN"
		check "$(t "at $addr: the page byte for byte")" get_at inet "$addr"
		prev=$addr
	done

	# The hairpin source: lan0 moves to .254 (the hosts' gateway with it).
	readdress lan0 "$ROUTER_LAN" 192.168.0.254 && lan_gateway 192.168.0.254
	check "$(t 'lan0 -> 192.168.0.254: the hairpin source follows')" \
		wait_for 30 seen_at client "$prev" 192.168.0.254
	check "$(t 'lan0 -> 192.168.0.254: internet GET still works')" seen_at inet "$prev" "$INET"

	# Negative controls: the daemon stopped, nothing follows.
	check "$(t 'the daemon stops (SIGTERM)')" stop_daemon
	readdress lan0 192.168.0.254 "$ROUTER_LAN" && lan_gateway "$ROUTER_LAN"
	sleep 1.5
	check "$(t 'negative control: without the daemon the hairpin source is stale, the GET fails')" \
		negate get_at client "$prev"
	check "$(t '... while the forward itself still answers the internet')" get_at inet "$prev"
	readdress wan0 "$prev" 203.0.113.8
	sleep 1.5
	check "$(t 'negative control: without the daemon the new wan0 address is refused')" \
		refused_at inet 203.0.113.8
	check "$(t 'a daemon started again catches up')" daemon_start "$CONF"
	check "$(t 'at 203.0.113.8: internet GET')" wait_for 10 seen_at inet 203.0.113.8 "$INET"
	check "$(t 'at 203.0.113.8: the hairpin from the LAN address again')" \
		wait_for 10 seen_at client 203.0.113.8 "$ROUTER_LAN"
	check "$(t 'the daemon stops again')" stop_daemon
}

integration_start
HP_VARIANTS=offload for_each_variant cases
exit $((HP_FAILED > 0))
