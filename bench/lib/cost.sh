# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Per-packet cost of each program on each path with BPF_PROG_TEST_RUN
# (bench/bpf/cost.bpf.c restores the frame before every run), the same cost
# with 1k/100k/1M sessions in the table, and the maps' memory per session.
# Beside the parse-only floor, a "parse + one session lookup" reference
# (cost.bpf.c lookup_xdp, its table shaped and filled like hp_sessions): the
# least any stateful NAT pays per packet.
# Sourced by bench/run after bed.sh. Runs on the router's core.
#
#   cost_all     everything above, recorded as kind "cost" and "memory"

COST_MAX_SESSIONS=1048576
# Sessions must not expire while the measurements run.
COST_ATTACH=(--snat-ports "$BED_SNAT_PORTS" --timeout udp-oneway=3600 --timeout udp=3600)

# _cost NAME HOOK TARGET DEV FRAME [hpbench args...]: one path's samples.
_cost() {
	local name=$1 hook=$2 target=$3 dev=$4 frame=$5 out
	shift 5
	out=$(taskset -c "$BED_ROUTER_CPU" nsenter --net="/run/netns/$PFX-router" -- timeout 120 \
		"$HPBENCH" cost "$hook" "$target" "$frame" --dev "$dev" "$@" "$BED_OBJ/cost.bpf.o") || return 1
	record cost "\"name\": \"${COST_TAG:-}$name\", \"hook\": \"$hook\", \"sessions\": ${COST_SESSIONS:-0}, \"result\": $out"
}

# _memory SESSIONS LABEL MAX: memlock of every hairpin-xdp map, summed, for
# a table of MAX sessions holding SESSIONS.
_memory() {
	local sessions=$1 label=$2 max=$3 m total=0 b
	for m in "$HP_PINS"/maps/*; do
		b=$(bpftool map show pinned "$m" -j | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin).get("bytes_memlock", 0))') || return 1
		total=$((total + b))
	done
	record memory "\"label\": \"$label\", \"sessions\": $sessions, \"max_sessions\": $max, \"bytes_memlock\": $total"
}

# _fill BASE COUNT: COUNT new internet-side sessions, from BASE:1024 up.
_fill() {
	local base=$1 count=$2
	[ "$count" -gt 0 ] || return 0
	_cost_q "$base" --repeat "$count" --vary "$count,50000"
}
_cost_q() {
	local base=$1
	shift
	taskset -c "$BED_ROUTER_CPU" nsenter --net="/run/netns/$PFX-router" -- timeout 300 \
		"$HPBENCH" cost xdp "$HP_PINS/progs/xdp_ingress" "$_IM,$_WM,udp,$base:1024,$PUB:$BED_UDP_PORT" \
		--dev wan0 "$@" "$BED_OBJ/cost.bpf.o" >/dev/null
}

_sessions_now() {
	hp stats --json | "$PYTHON" -c 'import json,sys; c=json.load(sys.stdin)["counters"]; print(c["session_created"] - c.get("session_expired", 0))'
}

# _reattach MAX: a fresh instance (empty maps) of the given size.
_reattach() {
	hp detach --all >&2
	hp attach lan0 wan0 --max-sessions "$1" "${COST_ATTACH[@]}" >&2 &&
		hp forward add udp "$PUB:$BED_UDP_PORT" "$SERVER:$BED_UDP_PORT" >&2
}

# _cost_lookup NAME [hpbench args]: the "parse + one session lookup"
# reference (cost.bpf.c lookup_xdp) on the established frame, its table as
# large as hp_sessions and holding as many sessions (COST_SESSIONS).
_cost_lookup() {
	local name=$1
	shift
	_cost "$name" xdp lookup wan0 "$_IM,$_WM,udp,$INET:40000,$PUB:$BED_UDP_PORT" \
		--table $((2 * COST_MAX_SESSIONS)) --fill "${COST_SESSIONS:-0},100.64.0.1,$SERVER" "$@"
}

# The established paths and the lookup reference, measured at each table size.
_cost_established() {
	local rep=(--repeat "$COST_REPEAT" --samples "$COST_SAMPLES") xprog=$HP_PINS/progs/xdp_ingress
	_cost_lookup lookup "${rep[@]}" &&
		_cost established xdp "$xprog" wan0 "$_IM,$_WM,udp,$INET:40000,$PUB:$BED_UDP_PORT" "${rep[@]}" &&
		_cost hairpin xdp "$xprog" lan0 "$_CM,$_LM,udp,$CLIENT:40000,$PUB:$BED_UDP_PORT" "${rep[@]}"
}

cost_all() {
	local xprog tprog rep k port n have
	bed_up hpx-fast >/dev/null || return 1
	_CM=$(mac_of client eth0) _LM=$(mac_of router lan0)
	_IM=$(mac_of inet eth0) _WM=$(mac_of router wan0) _SM=$(mac_of server eth0)
	_reattach "$COST_MAX_SESSIONS" || return 1
	xprog=$HP_PINS/progs/xdp_ingress
	tprog=$HP_PINS/progs/tc_egress
	rep=(--repeat "$COST_REPEAT" --samples "$COST_SAMPLES")
	COST_SESSIONS=0

	# The harness alone and the parse-only floor, on both hooks; the lookup
	# reference; a no-op with the kernel's run-time accounting on (what
	# BPF_ENABLE_STATS adds to every run, to read the in-place run time).
	_cost harness xdp nop wan0 "$_IM,$_WM,udp,$INET:40000,$PUB:$BED_UDP_PORT" "${rep[@]}" &&
		_cost floor xdp floor wan0 "$_IM,$_WM,udp,$INET:40000,$PUB:$BED_UDP_PORT" "${rep[@]}" &&
		_cost harness tc nop wan0 "$_SM,$_LM,udp,$CLIENT:40000,$SERVER:$BED_UDP_PORT" "${rep[@]}" &&
		_cost floor tc floor wan0 "$_SM,$_LM,udp,$CLIENT:40000,$SERVER:$BED_UDP_PORT" "${rep[@]}" &&
		_cost direct_nop xdp nop wan0 "$_IM,$_WM,udp,$INET:40000,$PUB:$BED_UDP_PORT" "${rep[@]}" --direct &&
		_cost direct_floor xdp floor wan0 "$_IM,$_WM,udp,$INET:40000,$PUB:$BED_UDP_PORT" "${rep[@]}" --direct &&
		_cost_lookup direct_lookup "${rep[@]}" --direct &&
		_cost direct_nop_stats xdp nop wan0 "$_IM,$_WM,udp,$INET:40000,$PUB:$BED_UDP_PORT" "${rep[@]}" --direct --bpf-stats || return 1

	# XDP ingress, fast path: untouched, established (internet), hairpin, the
	# two replies. The first run of each makes the session.
	_cost untouched xdp "$xprog" wan0 "$_IM,$_WM,udp,$INET:40000,$PUB:9999" "${rep[@]}" &&
		_cost_established &&
		_cost reply xdp "$xprog" lan0 "$_SM,$_LM,udp,$SERVER:$BED_UDP_PORT,$INET:40000" "${rep[@]}" || return 1
	port=$(hp sessions --json | "$PYTHON" -c '
import json, sys
for s in json.load(sys.stdin):
    if s["src"] == sys.argv[1] and s["xlat_src"].split(":")[0] == sys.argv[2]:
        print(s["xlat_src"].split(":")[1])' "$CLIENT:40000" "$ROUTER_LAN")
	[ -n "$port" ] || { echo "cost: no hairpin session found" >&2; return 1; }
	_cost reply_hairpin xdp "$xprog" lan0 "$_SM,$_LM,udp,$SERVER:$BED_UDP_PORT,$ROUTER_LAN:$port" "${rep[@]}" || return 1

	# New flows: every run a new session, so every sample its own sources.
	n=$((COST_REPEAT / 10))
	for ((k = 0; k < COST_SAMPLES; k++)); do
		_cost new_flow xdp "$xprog" wan0 "$_IM,$_WM,udp,198.51.100.$((10 + 4 * k)):1024,$PUB:$BED_UDP_PORT" \
			--repeat "$n" --vary "$n,50000" || return 1
		# Hairpin: each new flow also takes a SNAT port (10k of 64512 per sample).
		_cost new_hairpin xdp "$xprog" lan0 "$_CM,$_LM,udp,192.168.0.$((20 + k)):1024,$PUB:$BED_UDP_PORT" \
			--repeat 10000 --vary "10000,10000" || return 1
	done

	# One insert of a new key, into a preallocated and an on-demand
	# session-shaped table: what the preallocation changes per half.
	for ((k = 0; k < COST_SAMPLES; k++)); do
		_cost insert_pre xdp insert_pre wan0 "$_IM,$_WM,udp,198.51.100.$((10 + 4 * k)):1024,$PUB:$BED_UDP_PORT" \
			--repeat "$n" --vary "$n,50000" &&
			_cost insert_np xdp insert_np wan0 "$_IM,$_WM,udp,198.51.100.$((10 + 4 * k)):1024,$PUB:$BED_UDP_PORT" \
				--repeat "$n" --vary "$n,50000" || return 1
	done

	# The same with the next-hop cache off (bpf_fib_lookup on every packet):
	# what the cache saves.
	hp config --nexthop-cache off >&2 || return 1
	_cost established_nocache xdp "$xprog" wan0 "$_IM,$_WM,udp,$INET:40000,$PUB:$BED_UDP_PORT" "${rep[@]}" &&
		_cost hairpin_nocache xdp "$xprog" lan0 "$_CM,$_LM,udp,$CLIENT:40000,$PUB:$BED_UDP_PORT" "${rep[@]}" || return 1
	hp config --nexthop-cache on >&2 || return 1

	# Slow path: XDP rewrites the destination only, TC egress the source.
	hp config --fast-path off >&2 || return 1
	_cost hairpin_slow xdp "$xprog" lan0 "$_CM,$_LM,udp,$CLIENT:40000,$PUB:$BED_UDP_PORT" "${rep[@]}" &&
		_cost tc_translate tc "$tprog" lan0 "$_LM,$_SM,udp,$CLIENT:40000,$SERVER:$BED_UDP_PORT" "${rep[@]}" &&
		_cost tc_untouched tc "$tprog" lan0 "$_LM,$_SM,udp,$ROUTER_LAN:40000,$SERVER:9999" "${rep[@]}" || return 1
	hp config --fast-path on >&2 || return 1

	# The table filled to each size: established cost, memory.
	_reattach "$COST_MAX_SESSIONS" || return 1
	_memory 0 empty "$COST_MAX_SESSIONS" || return 1
	have=0
	k=0
	for n in "${PREFILL[@]}"; do
		# each step's sessions come from its own block of source addresses
		_fill "100.$((64 + k)).0.1" $((n - have)) || return 1
		have=$n
		k=$((k + 1))
		COST_SESSIONS=$(_sessions_now) || return 1
		_cost_established || return 1
		_memory "$COST_SESSIONS" "max_sessions=$COST_MAX_SESSIONS" "$COST_MAX_SESSIONS" || return 1
	done
	COST_SESSIONS=0

	# The default table size (262144 sessions), filled.
	if [ $QUICK = 0 ]; then
		hp detach --all >&2
		hp attach lan0 wan0 "${COST_ATTACH[@]}" >&2 &&
			hp forward add udp "$PUB:$BED_UDP_PORT" "$SERVER:$BED_UDP_PORT" >&2 || return 1
		_fill 100.80.0.1 262000 || return 1
		_memory "$(_sessions_now)" "max_sessions=262144 (default)" 262144 || return 1
	fi
	bed_down
}
