#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# A datagram the router fragments itself (issue 10, item 8a): the server's
# 1400-byte UDP reply with DF clear meets the router's wan0 at MTU 1280, so
# it takes the slow path (slow_frag_needed) and the stack cuts it in two.
# Both fragments must leave with the public address as source; before the
# fix the second left with the server's private address.
# shellcheck source=tests/lib/integration.sh
. "$(dirname "$0")/../lib/integration.sh"

PORT=7200
SPORT=42426
ID=16962 # 0x4242

# reply_fragments_from ADDR: the reply's fragments at the internet client
# are at least two, all from ADDR.
reply_fragments_from() {
	local pcap=$HP_TMP/fr.pcap got
	capture_during inet fr ip router "$INET" \
		in_ns server timeout 30 "$PYTHON" "$HP_ROOT/tests/lib/fragattack.py" whole "$SERVER" "$INET" "$PORT" \
		"$SPORT" 1400 "$ID" || return $CANT_TELL
	got=$(timeout 30 "$PYTHON" "$HP_ROOT/tests/lib/fragattack.py" sources "$pcap" "$ID") || return $CANT_TELL
	echo "fragments of IP id $ID at the internet client (source, offset): ${got//$'\n'/; }; expected all from $1" >&2
	[ "$(wc -l <<<"$got")" -ge 2 ] && ! grep -qv "^$1 " <<<"$got"
}

cases() {
	local slow tc
	check "$(t 'router wan0 at MTU 1280')" in_ns router ip link set wan0 mtu 1280
	check "$(t 'attach lan0 wan0')" hp attach lan0 wan0
	check "$(t "forward add udp :$PORT")" hp forward add udp "$PUB:$PORT" "$SERVER:$PORT"
	check "$(t 'internet client opens the UDP session, and it is there')" inet_udp_session "$PORT" "$SPORT"
	slow=$(stat_get slow_frag_needed)
	tc=$(stat_get tc_translated)
	check "$(t 'the reply, fragmented by the router, leaves all from the public address')" \
		reply_fragments_from "$PUB"
	check "$(t 'it took the slow path: slow_frag_needed rose')" rose slow_frag_needed "$slow"
	check "$(t 'TC translated both fragments: tc_translated rose by 2')" rose tc_translated "$tc" 2
}

HP_VARIANTS=${HP_VARIANTS:-offload}
run_variants cases
