#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# A route's mtu metric on the fast path (issue 8, item 3). The path to the
# server carries only 1400 bytes (the switch port toward it is at MTU 1400:
# bigger frames are dropped there), the server's own link is at 1500, so it
# advertises MSS 1460, and the router knows the path from its route
# `192.168.0.2/32 dev lan0 mtu 1400`. The kernel's forward path honours that
# metric (ip_dst_mtu_maybe_forward) and answers a full-size segment with
# "fragmentation needed"; bpf_fib_lookup ignores it unless locked, so
# without the route MTU mirror (hp_route_mtus) the fast path sends the
# segment whole into the 1400-byte path: a PMTU black hole.
#
# - route added before attach, mirror entry deleted (negative control): a
#   hairpinned upload stalls, nothing takes the slow path for its size;
# - the same with the mirror as attach fills it: the client gets
#   frag-needed (mtu 1400, captured), learns the MTU, the upload completes
#   byte for byte;
# - route added after attach: `hairpin-xdp apply` picks it up (until the
#   daemon follows routes itself).
# shellcheck source=tests/lib/integration.sh
. "$(dirname "$0")/../lib/integration.sh"

ROUTE=("$SERVER/32" dev lan0 mtu 1400)

# mirror_has PREFIX MTU: hp_route_mtus holds PREFIX -> MTU (MTU "none": no entry).
mirror_has() {
	local out got
	out=$(bpftool -j map dump pinned "$HP_PINS/maps/hp_route_mtus" |
		"$PYTHON" "$HP_ROOT/tests/lib/route_mtus.py") || return "$CANT_TELL"
	got=$(awk -v p="$1" '$1 == p { print $2 }' <<<"$out")
	echo "hp_route_mtus $1: ${got:-none}, expected $2" >&2
	[ "${got:-none}" = "$2" ]
}

# The negative control's switch: the mirror entry of the server's /32 goes.
mirror_delete_server() {
	# struct hp_route_key: prefixlen 32 (host order), 192.168.0.2
	bpftool map delete pinned "$HP_PINS/maps/hp_route_mtus" \
		key hex 20 00 00 00 c0 a8 00 02
}

# The client has learned MTU 1400 for the public address.
learned_pmtu() {
	output_has 'mtu 1400' in_ns client ip route get "$PUB"
}

# Forget what the client learned: exceptions live on the route's nexthop.
client_forget_pmtu() {
	in_ns client ip route del default &&
		in_ns client ip route add default via "$ROUTER_LAN"
}

# capture_frag_needed: tcpdump on the client for one frag-needed (bounded).
capture_frag_needed() {
	rm -f "$HP_TMP/frag.txt"
	hp_bg client frag.txt timeout 60 tcpdump -nl -i eth0 -c 1 \
		'icmp[icmptype] == 3 and icmp[icmpcode] == 4'
	# tcpdump says "listening on" once its filter is in place.
	wait_for 50 grep -q 'listening on' "$HP_TMP/frag.txt"
}

# tcpdump prints the quoted destination: the public address, translated back.
frag_needed_seen() {
	grep -q "ICMP $PUB unreachable - need to frag (mtu 1400)" "$HP_TMP/frag.txt"
}

captured_frag_needed() {
	wait_for 50 frag_needed_seen
	local rc=$?
	cat "$HP_TMP/frag.txt" >&2
	return "$rc"
}

# A stalled upload leaves an orphan socket retransmitting; it goes, so that
# nothing but the next upload can draw the next frag-needed.
client_kill_uploads() {
	in_ns client ss -K dst "$PUB" dport = ":$UPLOAD_PORT" >/dev/null
	! output_has . in_ns client ss -Htn dst "$PUB" dport = ":$UPLOAD_PORT"
}

path_1400() {
	in_ns switch ip link set p-server mtu 1400 && in_ns router ip route add "${ROUTE[@]}"
}

# The upload with the mirror entry gone: whole 1500-byte segments, sent by
# XDP, dropped at the 1400-byte port; no frag-needed for the client.
black_hole_cases() {
	local file=$1 frag tx
	check "$(t 'attach lan0 wan0 fills the mirror')" mirror_has "$SERVER/32" 1400
	check "$(t 'mirror entry deleted')" mirror_delete_server
	check "$(t 'mirror entry gone')" mirror_has "$SERVER/32" none
	frag=$(stat_get slow_frag_needed)
	tx=$(stat_get xdp_fast_tx)
	check "$(t 'no mirror: hairpinned 4 MB upload stalls (negative control)')" \
		negate big_upload client "$file" 6
	check "$(t 'no mirror: full-size segments sent by XDP_TX (xdp_fast_tx rose)')" \
		rose xdp_fast_tx "$tx" 10
	check "$(t 'no mirror: nothing took the slow path for its size')" stayed slow_frag_needed "$frag"
	check "$(t 'no mirror: client did not learn the MTU')" negate learned_pmtu
}

# upload_cases WHAT FILE: the upload completes through frag-needed.
upload_cases() {
	local what=$1 file=$2 frag
	check "$(t "$what: client has no upload left")" client_kill_uploads
	check "$(t "$what: client forgets the MTU")" client_forget_pmtu
	check "$(t "$what: client MTU not learned yet")" negate learned_pmtu
	frag=$(stat_get slow_frag_needed)
	capture_frag_needed || { not_ok "$(t "$what: tcpdump")" "did not start"; return; }
	check "$(t "$what: hairpinned 4 MB upload completes, sha256 identical")" \
		big_upload client "$file" 30
	check "$(t "$what: longer than the route MTU: slow path (slow_frag_needed rose)")" \
		rose slow_frag_needed "$frag"
	check "$(t "$what: client got frag-needed, mtu 1400, quoting the public address")" \
		captured_frag_needed
	check "$(t "$what: client learned mtu 1400 for $PUB")" learned_pmtu
}

write_conf() {
	cat >"$HP_TMP/route.conf" <<-EOF
		attach lan0 wan0
		forward tcp $PUB:$UPLOAD_PORT $SERVER:$UPLOAD_PORT
	EOF
}

cases() {
	local file=$HP_TMP/upload4m.bin
	head -c 4M /dev/urandom >"$file"
	write_conf
	check "$(t 'a 1400-byte path to the server, route mtu 1400 on the router')" path_1400
	check "$(t 'attach lan0 wan0')" hp attach lan0 wan0
	check "$(t "forward add tcp :$UPLOAD_PORT")" \
		hp forward add tcp "$PUB:$UPLOAD_PORT" "$SERVER:$UPLOAD_PORT"
	black_hole_cases "$file"

	check "$(t 'attach again: the mirror entry is back')" hp attach lan0 wan0
	check "$(t 'mirror holds the route again')" mirror_has "$SERVER/32" 1400
	upload_cases "route before attach" "$file"

	# The route goes, the client forgets, the route comes back after attach.
	check "$(t 'route deleted')" in_ns router ip route del "${ROUTE[@]}"
	check "$(t 'apply: the mirror drops it')" hp apply "$HP_TMP/route.conf"
	check "$(t 'mirror empty of it')" mirror_has "$SERVER/32" none
	check "$(t 'route added after attach')" in_ns router ip route add "${ROUTE[@]}"
	check "$(t 'not mirrored before apply (no daemon follows routes yet)')" \
		mirror_has "$SERVER/32" none
	check "$(t 'apply picks it up')" hp apply "$HP_TMP/route.conf"
	check "$(t 'mirror holds the new route')" mirror_has "$SERVER/32" 1400
	upload_cases "route after attach, apply" "$file"
}

run_variants cases
