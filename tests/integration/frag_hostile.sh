#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Overlapping and repeated fragments (issue 10, item 3): crafted with scapy
# (tests/lib/fragattack.py) from the internet client through the forward and
# from the LAN client through the hairpin, captured on the server's link.
# No two fragments of a datagram that reach the server may overlap; the
# legitimate datagrams (in order, out of order, with a repeated piece the
# router drops) arrive whole and identical past the ports; those with a
# hostile overlap (over the TCP header at offset 1, a second first fragment
# with other ports, a tail overlap) never arrive whole. Each drop is counted.
# shellcheck source=tests/lib/integration.sh
. "$(dirname "$0")/../lib/integration.sh"

FA_UDP=7100 # forwarded; nothing listens on the server
FA_TCP=7101

# attack_from NS ID_BASE: send every scenario from NS, capturing on the
# server; leaves the verdicts in $HP_TMP/fa.NS.
attack_from() {
	local pcap=$HP_TMP/fa.$1.pcap
	capture_during server "fa.$1" ip router "$SERVER" \
		in_ns "$1" timeout 60 "$PYTHON" "$HP_ROOT/tests/lib/fragattack.py" send "$PUB" "$FA_UDP" "$FA_TCP" "$2" \
		"$HP_TMP/fa.$1.json" || return 1
	timeout 60 "$PYTHON" "$HP_ROOT/tests/lib/fragattack.py" check "$pcap" "$HP_TMP/fa.$1.json" "$SERVER" \
		>"$HP_TMP/fa.$1"
	cat "$HP_TMP/fa.$1" >&2
}

# verdict NS NAME: that scenario was judged ok.
verdict() {
	local line
	line=$(grep "^$2 " "$HP_TMP/fa.$1")
	echo "$1 $2: ${line#* }" >&2
	[ "${line#* }" = ok ]
}

# counter_is NAME N: the counter reads N.
counter_is() {
	local now
	now=$(stat_get "$1")
	echo "counter $1: ${now:-?}, expected $2" >&2
	[ "$now" = "$2" ]
}

# frag_counters: the fragment counters, for the log.
frag_counters() {
	local c
	for c in drop_frag_header drop_frag_duplicate drop_frag_overlap drop_frag_discarded frag_translated; do
		printf '%s=%s ' "$c" "$(stat_get "$c")"
	done
}

cases() {
	local ns base=$((RANDOM * 2)) before name
	check "$(t 'the judge flags overlaps, changed bytes, missing pieces (selftest)')" \
		"$PYTHON" "$HP_ROOT/tests/lib/fragattack.py" selftest
	check "$(t 'attach lan0 wan0')" hp attach lan0 wan0
	check "$(t "forward add udp :$FA_UDP")" hp forward add udp "$PUB:$FA_UDP" "$SERVER:$FA_UDP"
	check "$(t "forward add tcp :$FA_TCP")" hp forward add tcp "$PUB:$FA_TCP" "$SERVER:$FA_TCP"
	# Neighbours first: the fast path, and no ARP wait in the middle of a datagram.
	in_ns router ping -c 1 -W 2 "$SERVER" >&2
	in_ns router ping -c 1 -W 2 "$INET" >&2
	in_ns router ping -c 1 -W 2 "$CLIENT" >&2
	for ns in inet client; do
		before=$(frag_counters)
		if ! attack_from "$ns" "$base"; then
			not_ok "$(t "$ns: crafted fragments sent and judged")" "see the log"
			continue
		fi
		echo "counters before: $before" >&2
		echo "counters after:  $(frag_counters)" >&2
		for name in in_order out_of_order duplicate_first duplicate_middle tcp_in_order; do
			check "$(t "$ns: legitimate $name: arrives whole, identical, no repeat")" verdict "$ns" "$name"
		done
		for name in tail_overlap second_first tcp_offset_1; do
			check "$(t "$ns: hostile $name: no overlap reaches the server, never whole")" \
				verdict "$ns" "$name"
		done
		base=$((base + 100))
	done
	check "$(t 'drops counted: drop_frag_header 4 (second_first, tcp_offset_1; both clients)')" \
		counter_is drop_frag_header 4
	check "$(t 'drops counted: drop_frag_duplicate 4 (duplicate_first, duplicate_middle)')" \
		counter_is drop_frag_duplicate 4
	check "$(t 'drops counted: drop_frag_overlap 2 (tail_overlap)')" counter_is drop_frag_overlap 2
	check "$(t 'later pieces of the discarded datagrams dropped: drop_frag_discarded 10')" \
		counter_is drop_frag_discarded 10
}

HP_VARIANTS=${HP_VARIANTS:-offload}
run_variants cases
