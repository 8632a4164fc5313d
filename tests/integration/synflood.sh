#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# A flood of new flows does not lock everyone out (issue 10, finding 5).
# With a small table (--max-sessions $FLOOD_TABLE), a generator in the
# internet namespace sends SYNs from spoofed sources (198.51.100.0/24 only,
# 240 addresses x 250 ports, inside this test's namespaces) at
# $FLOOD_PPS/s to the web forward; the server answers each, no ACK ever
# comes: sessions that never prove real. Meanwhile:
#
#   - 20 new HTTP connections from the internet client: at least 90% must
#     complete (before: 0 of 20, the table full of the flood's sessions);
#   - a download through the hairpin and one from the internet, both
#     established before the flood, come through whole;
#   - session_evicted counts the flood's sessions taken out for the new
#     flows; drop_table_full stays where it was.
#
# The same with a flood of new UDP tuples (to a forwarded port where nothing
# listens: one-way flows; to the echo server itself its socket would drop
# the legitimate datagrams among the flood's, whatever the NAT does) and 10
# new echo flows from the internet client.
#
# The negative control is in the unit tests (evict_none_when_all_proved,
# evict_none_udp_streams: a table full of proved sessions still refuses the
# new flow) and, once, this test run against the build before eviction
# (HAIRPIN_XDP=...): see docs/performance.md "SYN flood".
# shellcheck source=tests/lib/integration.sh
. "$(dirname "$0")/../lib/integration.sh"

HP_VARIANTS=${HP_VARIANTS:-offload}
FLOOD_TABLE=${FLOOD_TABLE:-4096}
FLOOD_PPS=${FLOOD_PPS:-40000}
HPBENCH=$HP_ROOT/build/bench/hpbench
GEN_OBJ=$HP_ROOT/build/bench/gen.bpf.o
FLOOD_PID=
DISCARD_PORT=9

mac_of() { in_ns "$1" ip -j link show dev "$2" | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)[0]["address"])'; }

# flood_start PROTO PORT: the generator in the internet namespace, paced,
# bounded by timeout; every packet a new spoofed source address and port.
flood_start() {
	local frame
	frame="$(mac_of inet eth0),$(mac_of router wan0),$1,198.51.100.10:1024,$PUB:$2"
	nsenter --net="/run/netns/$PFX-inet" -- timeout 60 "$HPBENCH" gen eth0 "$frame" \
		--seconds 40 --pps "$FLOOD_PPS" --vary 60000,250 "$GEN_OBJ" >"$HP_TMP/flood.json" 2>&1 &
	FLOOD_PID=$!
	HP_PIDS+=("$FLOOD_PID")
	sleep 2 # the table fills (4096 sessions in 0.1 s at 40k/s)
}

flood_stop() {
	_kill_bounded "$FLOOD_PID"
	wait "$FLOOD_PID" 2>/dev/null
	echo "flood: $(cat "$HP_TMP/flood.json" 2>/dev/null)" >&2
}

# slow_download NS OUT: 50 MB through the public address at 10 MB/s (five
# seconds: the flood runs through it), in the background.
slow_download() {
	rm -f "$2"
	in_ns "$1" curl -sS --max-time 60 --limit-rate 10M -o "$2" "$URL/big.bin" &
	HP_PIDS+=($!)
}

# new_http N: N new connections from the internet client, one at a time,
# each given 3 s; prints how many completed with the whole page.
new_http() {
	local i ok=0 out=$HP_TMP/flood.get
	for ((i = 0; i < $1; i++)); do
		rm -f "$out"
		if http_get inet "$URL/index.html" "$out" 3 2>/dev/null && same_file "$out" "$HP_TMP/www/index.html"; then
			ok=$((ok + 1))
		fi
	done
	echo "$ok"
}

# new_udp N: N echo exchanges from the internet client, each a new flow
# (socat binds a new source port every time); prints how many came back.
new_udp() {
	local i ok=0 data=$HP_TMP/flood.udp
	head -c 200 /dev/urandom >"$data"
	for ((i = 0; i < $1; i++)); do
		if [ "$(in_ns inet timeout 5 socat -t 2 -T 2 - "UDP4:$PUB:$UDP_PORT" <"$data" 2>/dev/null | wc -c)" -eq 200 ]; then
			ok=$((ok + 1))
		fi
	done
	echo "$ok"
}

# at_least WHAT GOT WANT: GOT >= WANT, said on stderr.
at_least() {
	echo "$1: $2, expected at least $3" >&2
	[ "$2" -ge "$3" ]
}

cases() {
	local full evicted got pid_lan pid_inet

	if ! make -s benchbin >&2; then
		not_ok "$(t 'the flood generator builds')" "make benchbin failed"
		return
	fi
	serve_http big || { not_ok "$(t 'http server')" "did not start"; return; }
	serve_udp || { not_ok "$(t 'udp echo server')" "did not start"; return; }
	check "$(t "attach --max-sessions $FLOOD_TABLE")" hp attach lan0 wan0 --max-sessions "$FLOOD_TABLE"
	check "$(t 'forward add tcp and udp')" \
		eval 'publish && hp forward add udp "$PUB:$UDP_PORT" "$SERVER:$UDP_PORT" &&
			hp forward add udp "$PUB:$DISCARD_PORT" "$SERVER:$DISCARD_PORT"'
	check "$(t 'before the flood: a page through the forward')" get_ok inet

	# ---- SYN flood ----
	slow_download client "$HP_TMP/dl.lan"
	pid_lan=${HP_PIDS[-1]}
	slow_download inet "$HP_TMP/dl.inet"
	pid_inet=${HP_PIDS[-1]}
	sleep 0.5
	full=$(stat_get drop_table_full)
	evicted=$(stat_get session_evicted)
	flood_start tcp "$HTTP_PORT"
	got=$(new_http 20)
	check "$(t 'SYN flood: at least 18 of 20 new connections complete')" at_least "connections" "$got" 18
	check "$(t 'SYN flood: the flood filled the table (sessions were evicted)')" \
		rose session_evicted "$evicted" "$FLOOD_TABLE"
	check "$(t 'SYN flood: no new flow refused for a full table')" stayed drop_table_full "$full"
	wait "$pid_lan"
	check "$(t 'SYN flood: the hairpin download, established before, came through whole')" \
		same_file "$HP_TMP/dl.lan" "$HP_TMP/www/big.bin"
	wait "$pid_inet"
	check "$(t 'SYN flood: the download from the internet came through whole')" \
		same_file "$HP_TMP/dl.inet" "$HP_TMP/www/big.bin"
	flood_stop

	# ---- a flood of new UDP tuples ----
	evicted=$(stat_get session_evicted)
	flood_start udp "$DISCARD_PORT"
	got=$(new_udp 10)
	check "$(t 'UDP flood: at least 9 of 10 new echo flows come back')" at_least "echo flows" "$got" 9
	check "$(t 'UDP flood: the flood filled the table (sessions were evicted)')" \
		rose session_evicted "$evicted" "$FLOOD_TABLE"
	flood_stop
}

run_variants cases
