# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Live metrics of one configuration on a fresh test bed, sourced by bench/run
# after bed.sh. Every sample is recorded with the router's own CPU time
# (its NAPI threads' run time, bed_router_ns) next to the rate, because on
# two shared cores the rate also measures the test bed and the neighbours.
#
#   live_config ROUND CONFIG     all live metrics of CONFIG, recorded

# _gen NS FRAME ARGS...: run the generator in NS on the test bed's core
# (the internet host's on its own in the twocpu layout).
_gen() {
	local ns=$1 frame=$2 cpu=$BED_BED_CPU
	shift 2
	[ "$ns" = inet ] && cpu=$BED_INET_CPU
	taskset -c "$cpu" nsenter --net="/run/netns/$PFX-$ns" -- \
		timeout 120 "$HPBENCH" gen eth0 "$frame" "$@" "$BED_OBJ/gen.bpf.o"
}

# _udp ROUND CONFIG METRIC NS FRAME GEN-ARGS...: one UDP sample at the server.
_udp() {
	local round=$1 cfg=$2 metric=$3 ns=$4 frame=$5 r0 r1 gen rx
	shift 5
	# A first packet makes the session (or conntrack entry) outside the sample.
	case $metric in new_* | tcp_hs) ;; *) _gen "$ns" "$frame" --count 16 >/dev/null || return 1 ;; esac
	sleep 0.1
	bed_rx >/dev/null || return 1
	r0=$(bed_router_ns) || return 1
	gen=$(_gen "$ns" "$frame" "$@") || return 1
	sleep 0.3 # the last frames drain from the rings
	r1=$(bed_router_ns) || return 1
	rx=$(bed_rx) || return 1
	record live "\"round\": $round, \"layout\": \"$BED_LAYOUT\", \"config\": \"$cfg\", \"metric\": \"$metric\", \"router_ns\": $((r1 - r0)), \"rx\": $rx, \"gen\": $gen"
}

# _new2 ROUND CONFIG: new flows from two generators at once, the LAN
# client's through the hairpin (lan0) and the internet host's (wan0): in
# the twocpu layout on two CPUs, in onecore on one.
_new2() {
	local round=$1 cfg=$2 dst=$3 r0 r1 rx g1 g2 pid
	sleep 0.1
	bed_rx >/dev/null || return 1
	r0=$(bed_router_ns) || return 1
	_gen inet "$_IFRAME" --count "$NEW_FLOWS" --vary "$NEW_FLOWS,250" >"$HP_TMP/gen2.json" &
	pid=$!
	g1=$(_gen client "$_CFRAME" --count "$NEW_FLOWS" --vary "$NEW_FLOWS,$NEW_FLOWS") || { wait "$pid"; return 1; }
	wait "$pid" || return 1
	g2=$(cat "$HP_TMP/gen2.json")
	sleep 0.3
	r1=$(bed_router_ns) || return 1
	rx=$(bed_rx) || return 1
	record live "\"round\": $round, \"layout\": \"$BED_LAYOUT\", \"config\": \"$cfg\", \"metric\": \"new_flows_2gen\", \"router_ns\": $((r1 - r0)), \"rx\": $rx, \"gen\": [$g1, $g2]"
}

# _tcp_crr ROUND CONFIG: connections per second through the hairpin.
_tcp_crr() {
	local round=$1 cfg=$2 r0 r1 out
	hp_bg server crr.log taskset -c "$BED_BED_CPU" "$BED_OBJ/tcpcrr" server "$BED_CRR_PORT" 60
	sleep 0.3
	r0=$(bed_router_ns) || return 1
	out=$(in_ns client taskset -c "$BED_BED_CPU" timeout $((T_CRR * 2 + 10)) "$BED_OBJ/tcpcrr" client "$PUB" "$BED_CRR_PORT" "$T_CRR" 4) || return 1
	r1=$(bed_router_ns) || return 1
	record live "\"round\": $round, \"layout\": \"$BED_LAYOUT\", \"config\": \"$cfg\", \"metric\": \"tcp_crr\", \"router_ns\": $((r1 - r0)), \"crr\": $out"
}

# _iperf ROUND CONFIG: TCP throughput through the hairpin.
_iperf() {
	local round=$1 cfg=$2 r0 r1 out bps
	hp_bg server iperf.log taskset -c "$BED_BED_CPU" iperf3 -s -1 -p "$BED_UDP_PORT"
	sleep 0.5
	r0=$(bed_router_ns) || return 1
	out=$(in_ns client taskset -c "$BED_BED_CPU" timeout $((T_IPERF * 2 + 10)) iperf3 -c "$PUB" -p "$BED_UDP_PORT" -t "$T_IPERF" -J) || return 1
	r1=$(bed_router_ns) || return 1
	bps=$(echo "$out" | "$PYTHON" -c 'import json,sys; e=json.load(sys.stdin)["end"]; print("%d %d" % (e["sum_received"]["bits_per_second"], e["sum_received"]["bytes"]))') || return 1
	record live "\"round\": $round, \"layout\": \"$BED_LAYOUT\", \"config\": \"$cfg\", \"metric\": \"iperf3\", \"router_ns\": $((r1 - r0)), \"bps\": ${bps% *}, \"bytes\": ${bps#* }"
}

# live_config ROUND CONFIG: every metric of CONFIG in the current layout
# (twocpu: the two-generator new flows only).
live_config() {
	local round=$1 cfg=$2 dst=$PUB cm rm im wm
	if [ "$cfg" = hpx-before ]; then
		HAIRPIN_XDP=$BENCH_BEFORE live_config "$round" hpx-was
		return
	fi
	[ "$cfg" = hpx-was ] && cfg=hpx-before
	bed_up "$cfg" >/dev/null || return 1
	# Plain forwarding has no NAT: the same streams go to the server itself.
	[ "$cfg" = forward ] && dst=$SERVER
	cm=$(mac_of client eth0) rm=$(mac_of router lan0)
	im=$(mac_of inet eth0) wm=$(mac_of router wan0)
	# New flows: the LAN client's from new source ports (the hairpin), the
	# internet's from 240 source addresses of 198.51.100.0/24, 250 ports each.
	_CFRAME="$cm,$rm,udp,$CLIENT:1024,$dst:$BED_UDP_PORT"
	_IFRAME="$im,$wm,udp,198.51.100.10:1024,$dst:$BED_UDP_PORT"

	if [ "$BED_LAYOUT" = twocpu ]; then
		_new2 "$round" "$cfg" "$dst" || { bed_down; return 1; }
		bed_down
		return 0
	fi
	_udp "$round" "$cfg" udp_pps_hairpin client "$cm,$rm,udp,$CLIENT:40000,$dst:$BED_UDP_PORT" --seconds "$T_PPS" &&
		_udp "$round" "$cfg" udp_pps_inet inet "$im,$wm,udp,$INET:40000,$dst:$BED_UDP_PORT" --seconds "$T_PPS" &&
		_udp "$round" "$cfg" new_flows client "$_CFRAME" \
			--count "$NEW_FLOWS" --vary "$NEW_FLOWS,$NEW_FLOWS" &&
		_udp "$round" "$cfg" new_flows_inet inet "$_IFRAME" \
			--count "$NEW_FLOWS" --vary "$NEW_FLOWS,250" || { bed_down; return 1; }
	# The TCP handshake storm: every SYN from a new source port, answered
	# by the server's SYN-ACK and the client's ACK (three router passes);
	# the ACKs counted at the server. Not through plain forwarding's path.
	if [ "$cfg" != forward ]; then
		_udp "$round" "$cfg" tcp_hs client "$cm,$rm,tcp,$CLIENT:1024,$PUB:$BED_TCP_PORT" \
			--count "$NEW_FLOWS" --vary "$NEW_FLOWS,$NEW_FLOWS" || { bed_down; return 1; }
	fi
	if [ "$BED_LAYOUT" = onecore ]; then
		_new2 "$round" "$cfg" "$dst" || { bed_down; return 1; }
	fi
	# The ceiling and plain forwarding translate nothing: no hairpin for TCP.
	if [ "$cfg" != ceiling ] && [ "$cfg" != forward ]; then
		_tcp_crr "$round" "$cfg" || { bed_down; return 1; }
		if [ "$BED_LAYOUT" = split ]; then
			_iperf "$round" "$cfg" || { bed_down; return 1; }
		fi
	fi
	if [ "${cfg%-*}" = hpx ]; then
		hp stats --json | "$PYTHON" -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["counters"]))' >"$HP_TMP/stats.json" &&
			record stats "\"round\": $round, \"layout\": \"$BED_LAYOUT\", \"config\": \"$cfg\", \"counters\": $(cat "$HP_TMP/stats.json")"
	fi
	bed_down
}

# _sched_runs: how many times the router's NAPI threads were scheduled in
# (the third field of schedstat), summed: wakeups, i.e. NAPI polls batches.
_sched_runs() {
	local t sum=0 a b c
	for t in "${BED_THREADS[@]}"; do
		read -r a b c <"/proc/$t/schedstat" || return 1
		sum=$((sum + c))
	done
	echo "$sum"
}

# profile_all OUT: where the router's time goes in the hairpin UDP stream,
# for the ceiling, hairpin-xdp and nftables. For each: perf (cpu-clock
# samples, this VM has no hardware counters) on the router's NAPI threads
# with the router's time, its wakeups and the packets counted in the same
# window, so a symbol's share converts to ns per packet; the kernel's own
# per-program run time (BPF_ENABLE_STATS: run_time_ns / run_cnt) of the
# router's XDP program in place; bpftool prog profile, recorded as it fails
# or works. Recorded as kind "profile".
# _profile_window NAME OUT GEN-ARGS...: perf on the router's threads (only
# theirs: the core is shared with the rest of the machine) while the LAN
# client's generator runs with GEN-ARGS, with the router's time, its
# wakeups and the packets at the receiver in the same window; the top
# symbols in OUT/profile-NAME.txt, recorded as kind "profile".
_profile_window() {
	local name=$1 out=$2 r0 r1 w0 w1 rx perf_pid
	shift 2
	sleep 0.1
	bed_rx >/dev/null || return 1
	timeout 30 perf record -q -t "$(IFS=,; echo "${BED_THREADS[*]}")" -o "$HP_TMP/perf.data" -- sleep 2.5 >/dev/null 2>&1 &
	perf_pid=$!
	sleep 0.2
	r0=$(bed_router_ns) && w0=$(_sched_runs) || return 1
	_gen client "$@" >/dev/null
	sleep 0.3
	r1=$(bed_router_ns) && w1=$(_sched_runs) && rx=$(bed_rx) || return 1
	wait "$perf_pid"
	perf report -i "$HP_TMP/perf.data" --no-children --sort sym 2>/dev/null |
		grep -v '^#' | grep '%' | head -40 >"$out/profile-$name.txt"
	record profile "\"config\": \"$name\", \"router_ns\": $((r1 - r0)), \"wakeups\": $((w1 - w0)), \"rx\": $rx, \"top\": $("$PYTHON" -c '
import json, sys
rows = []
for line in open(sys.argv[1]):
    f = line.split()
    if len(f) >= 3 and f[0].endswith("%"):
        rows.append([float(f[0][:-1]), " ".join(f[2:])])
print(json.dumps(rows))' "$out/profile-$name.txt")"
}

profile_all() {
	local out=$1 cfg cm rm prog before after frame bp_pid
	for cfg in ceiling hpx-fast nft; do
		bed_up "$cfg" >/dev/null || return 1
		cm=$(mac_of client eth0) rm=$(mac_of router lan0)
		frame="$cm,$rm,udp,$CLIENT:40000,$PUB:$BED_UDP_PORT"
		_gen client "$frame" --count 16 >/dev/null
		_profile_window "$cfg" "$out" "$frame" --seconds 2 || return 1
		# The same over a new-flow storm (every packet a new hairpin flow):
		# where a new session's time goes, by kernel function (the BPF
		# program itself is one symbol; its helpers, the hash table's
		# insert, the fib, each their own).
		if [ "$cfg" != ceiling ]; then
			_profile_window "$cfg-newflows" "$out" "$cm,$rm,udp,$CLIENT:1024,$PUB:$BED_UDP_PORT" \
				--count "$NEW_FLOWS" --vary "$NEW_FLOWS,$NEW_FLOWS" || return 1
		fi
		case $cfg in
		ceiling) prog=$BED_PINS/ceiling/prog ;;
		hpx-fast) prog=$HP_PINS/progs/xdp_ingress ;;
		*) prog= ;;
		esac
		if [ -n "$prog" ]; then
			before=$(bpftool prog show pinned "$prog" -j)
			if [ "$cfg" = hpx-fast ]; then
				# bpftool prog profile needs hardware counters; record what it says
				timeout 10 bpftool prog profile pinned "$prog" duration 2 cycles instructions llc_misses \
					>"$out/bpftool-profile.txt" 2>&1 &
				bp_pid=$!
			fi
			_gen client "$frame" --seconds 2 --bpf-stats >/dev/null
			after=$(bpftool prog show pinned "$prog" -j)
			[ "$cfg" = hpx-fast ] && wait "$bp_pid"
			record bpf_stats "\"config\": \"$cfg\", \"prog\": \"$(basename "$(dirname "$prog")")/$(basename "$prog")\", \"before\": $before, \"after\": $after"
		fi
		bed_down
	done
}
