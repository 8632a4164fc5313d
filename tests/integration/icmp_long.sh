#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# ICMP errors longer than 4096 bytes (issue 10, item 8c). XDP verifies an
# error's checksum before translating it; the sum stopped at 4096 bytes and
# a longer error was dropped as drop_icmp_bad_csum, corrupt or not. Such an
# error needs a jumbo link and generic XDP (a native veth frame is one
# page): every link here is MTU 9000 and the router attaches in generic
# mode. The server answers the internet client's datagram with port
# unreachable quoting 1000 bytes (control) and 5000 bytes; both must reach
# the internet client translated (outer source and quote: the public
# address), and a 5000-byte one with a wrong checksum is still dropped.
# shellcheck source=tests/lib/integration.sh
. "$(dirname "$0")/../lib/integration.sh"

CLOSED=5555
SPORT=42424

jumbo() (
	set -e
	in_ns switch ip link set dev p-router xdpdrv off
	in_ns inet ip link set dev eth0 xdpdrv off
	in_ns router ip link set lan0 mtu 9000
	in_ns router ip link set wan0 mtu 9000
	for d in p-router p-server p-client br0; do in_ns switch ip link set "$d" mtu 9000; done
	for h in server client inet; do in_ns "$h" ip link set eth0 mtu 9000; done
)

# _send_until_seen N [bad]: error_arrives' sends, into its i and got; fails
# only when a tool does.
_send_until_seen() {
	local pcap=$HP_TMP/icmp.$1${2:-}.pcap
	for ((i = 0; i < 3; i++)); do
		in_ns server timeout 30 "$PYTHON" "$HP_ROOT/tests/lib/icmpbig.py" send "$SERVER" "$INET" "$INET" \
			"$SPORT" "$SERVER" "$CLOSED" "$1" ${2:+"$2"} || return 1
		sleep 0.5
		got=$(timeout 30 "$PYTHON" "$HP_ROOT/tests/lib/icmpbig.py" seen "$pcap" "$PUB" "$PUB" "$CLOSED") ||
			return 1
		[ -n "$got" ] && break
	done
	return 0
}

# error_arrives N [bad]: the server's error quoting N bytes reaches the
# internet client translated, with all N bytes. Sent up to 3 times; every
# one that arrives must be whole, and a "bad" one must never arrive.
error_arrives() {
	local i got=
	capture_during inet "icmp.$1${2:-}" icmp router "$INET" _send_until_seen "$@" || return $CANT_TELL
	echo "errors from $PUB quoting $PUB:$CLOSED at the internet client after $((i + 1)) sends:" \
		"payload bytes '${got//$'\n'/ }', expected $1" >&2
	[ -n "$got" ] && ! grep -qvx "$1" <<<"$got"
}

cases() {
	local before
	check "$(t 'jumbo links (MTU 9000), no XDP on the far ends')" jumbo
	check "$(t 'attach lan0 wan0 --mode generic')" hp attach lan0 wan0 --mode generic
	check "$(t "forward add udp :$CLOSED")" hp forward add udp "$PUB:$CLOSED" "$SERVER:$CLOSED"
	check "$(t 'internet client opens the UDP session, and it is there')" inet_udp_session "$CLOSED" "$SPORT"

	before=$(stat_get icmp_error_translated)
	check "$(t 'error quoting 1000 bytes arrives translated (control)')" error_arrives 1000
	check "$(t 'icmp_error_translated rose')" rose icmp_error_translated "$before"
	before=$(stat_get icmp_error_translated)
	check "$(t 'error quoting 5000 bytes arrives translated')" error_arrives 5000
	check "$(t 'icmp_error_translated rose for it')" rose icmp_error_translated "$before"
	check "$(t 'drop_icmp_bad_csum stayed 0 for the good ones')" stayed drop_icmp_bad_csum 0
	check "$(t 'a 5000-byte error with a wrong checksum does not arrive')" negate error_arrives 5000 bad
	check "$(t 'and is counted drop_icmp_bad_csum')" rose drop_icmp_bad_csum 0
}

HP_VARIANTS=${HP_VARIANTS:-offload}
run_variants cases
