# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The benchmark's test bed, sourced by bench/run: the story's topology from
# tests/lib/topo.sh (reused, not copied), made cheap next to the router and
# pinned to cores:
#
#   - every switch port runs bench/bpf/switch.bpf.c, which redirects the
#     bench's unicast frames by destination MAC (the bridge stays for ARP);
#   - every veth end that receives XDP_TX/REDIRECT frames runs an XDP program
#     (NAPI): the router's lan0/wan0 (the router's program or xdp_pass), the
#     client's eth0 (handshake: xdp_pass but for the TCP storm's SYN-ACKs,
#     which it answers), the server's eth0 (the rx_count receiver, which
#     answers the storm's SYNs);
#   - the router's ports run threaded NAPI pinned to CPU $BED_ROUTER_CPU, so
#     the router's whole per-packet work (XDP, stack, nftables, XDP_TX) is
#     done by two kernel threads whose run time is read from schedstat;
#     everything else (generator, switch, hosts, receiver) runs on
#     CPU $BED_BED_CPU, the switch port towards the router as a pinned thread.
#
#   bed_up CONFIG     build the bed and set the router up as CONFIG
#   bed_router_ns     run time (ns) of the router's NAPI threads, summed
#   bed_rx            {"packets","first_ns","last_ns"} at the server, reset
#   bed_down          remove everything (topo_down)

# shellcheck source=tests/lib/topo.sh
. "$BENCH_ROOT/tests/lib/topo.sh"

BED_ROUTER_CPU=${BED_ROUTER_CPU:-1}
BED_BED_CPU=${BED_BED_CPU:-0}
# The layout (bed_layout): split, onecore or twocpu.
BED_LAYOUT=split
BED_LAN_CPU=$BED_ROUTER_CPU BED_WAN_CPU=$BED_ROUTER_CPU BED_INET_CPU=$BED_BED_CPU
BED_OBJ=$BENCH_ROOT/build/bench
HPBENCH=$BED_OBJ/hpbench
BED_PINS=		# $HP_PIN_DIR/bench once up
BED_THREADS=()		# router NAPI thread ids
BED_UDP_PORT=5201	# must match HPB_UDP_PORT in bench/bpf/bench.h
BED_TCP_PORT=5202	# must match HPB_TCP_PORT
BED_CRR_PORT=8080
# hairpin-xdp as a user with the new-sessions load would attach it: the
# whole non-privileged port range for hairpin SNAT.
BED_SNAT_PORTS=${BED_SNAT_PORTS:-1024-65535}

mac_of() { in_ns "$1" ip -j link show dev "$2" | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)[0]["address"])'; }
ifindex_of() { in_ns "$1" ip -j link show dev "$2" | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)[0]["ifindex"])'; }

# le32 N: the 4 bytes of N, little endian, as bpftool's "hex" arguments.
le32() { printf '%02x %02x %02x %02x' $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255)); }
# ip_dec A.B.C.D: the 4 bytes (network order) as bpftool arguments.
ip_dec() { echo "${1//./ }"; }
# mac_hex AA:BB:...: the 6 bytes as bpftool arguments.
mac_hex() { echo "${1//:/ }"; }

# _load NAME OBJ: load a bench program and pin it and its maps under $BED_PINS/NAME.
_load() {
	mkdir -p "$BED_PINS/$1" &&
		bpftool prog load "$BED_OBJ/$2.bpf.o" "$BED_PINS/$1/prog" pinmaps "$BED_PINS/$1" >&2
}

# _xdp NS DEV PINNED: attach a pinned program in native mode, replacing any.
_xdp() { in_ns "$1" ip -force link set dev "$2" xdpdrv pinned "$3" >&2; }

# _napi_thread NS DEV CPU: switch DEV to threaded NAPI and pin its thread.
# The thread is created by the write; the one new napi/DEV-* thread is ours.
_napi_thread() {
	local ns=$1 dev=$2 cpu=$3 before after pid
	in_ns "$ns" ethtool -K "$dev" gro on >&2 || return 1 # NAPI that outlives XDP swaps
	before=$(ps -eo pid=,comm= | awk -v d="napi/$dev-" 'index($2, d) == 1 {print $1}')
	ip netns exec "$PFX-$ns" sh -c "echo 1 > /sys/class/net/$dev/threaded" || return 1
	after=$(ps -eo pid=,comm= | awk -v d="napi/$dev-" 'index($2, d) == 1 {print $1}')
	pid=$(comm -13 <(echo "$before" | sort) <(echo "$after" | sort))
	if [ -z "$pid" ] || [ "$(echo "$pid" | wc -l)" -ne 1 ]; then
		echo "bed: cannot tell the NAPI thread of $ns/$dev" >&2
		return 1
	fi
	taskset -pc "$cpu" "$pid" >/dev/null || return 1
	# A NAPI thread is real-time: it runs as soon as frames wait for it,
	# and a generator on its CPU (one BPF_PROG_TEST_RUN burst holds the CPU)
	# only in what the system leaves, so that the receiver counts what the
	# system carries, not one ring's worth after each burst, and the
	# router's time is not spent on frames dropped behind it.
	chrt -f -p 10 "$pid" >/dev/null || return 1
	echo "$pid"
}

# _bed_common: everything but the router's configuration.
_bed_common() {
	local p ifx mac ns dev port
	BED_PINS=$HP_PIN_DIR/bench
	mkdir -p "$BED_PINS"
	_load switch switch && _load rx rx_count && _load hs handshake || return 1

	# Receiver, client NAPI, switch ports.
	_xdp server eth0 "$BED_PINS/rx/prog" &&
		_xdp client eth0 "$BED_PINS/hs/prog" || return 1
	for p in p-router p-server p-client; do
		_xdp switch "$p" "$BED_PINS/switch/prog" || return 1
		ifx=$(ifindex_of switch "$p")
		# A devmap resolves the ifindex in the caller's namespace: in_ns, always.
		in_ns switch bpftool map update pinned "$BED_PINS/switch/hpb_ports" key hex $(le32 "$ifx") value hex $(le32 "$ifx") >&2 || return 1
	done
	for p in router:lan0:p-router server:eth0:p-server client:eth0:p-client; do
		IFS=: read -r ns dev port <<<"$p"
		mac=$(mac_of "$ns" "$dev")
		ifx=$(ifindex_of switch "$port")
		bpftool map update pinned "$BED_PINS/switch/hpb_fdb" key hex $(mac_hex "$mac") 00 00 value hex $(le32 "$ifx") >&2 || return 1
	done

	# The router never sends ICMP redirects for the hairpin (the stack would
	# for every forwarded packet that leaves by the port it came in on), and
	# its neighbours are known, so the fast path is taken from packet one.
	in_ns router sysctl -qw net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.lan0.send_redirects=0
	in_ns router ip neigh replace "$SERVER" lladdr "$(mac_of server eth0)" dev lan0 nud permanent &&
		in_ns router ip neigh replace "$CLIENT" lladdr "$(mac_of client eth0)" dev lan0 nud permanent &&
		in_ns router ip neigh replace "$INET" lladdr "$(mac_of inet eth0)" dev wan0 nud permanent &&
		in_ns server ip neigh replace "$ROUTER_LAN" lladdr "$(mac_of router lan0)" dev eth0 nud permanent &&
		in_ns client ip neigh replace "$ROUTER_LAN" lladdr "$(mac_of router lan0)" dev eth0 nud permanent &&
		in_ns inet ip neigh replace "$PUB" lladdr "$(mac_of router wan0)" dev eth0 nud permanent || return 1
	# Plain forwarding (no NAT) from the internet side needs a route back.
	in_ns inet ip route add 192.168.0.0/24 via "$PUB" || return 1

	# Cores: the router's ports on one, the switch's port towards the router
	# on the other (without its own thread it would run in the router's).
	BED_THREADS=()
	BED_THREADS+=("$(_napi_thread router lan0 "$BED_LAN_CPU")") || return 1
	BED_THREADS+=("$(_napi_thread router wan0 "$BED_WAN_CPU")") || return 1
	_napi_thread switch p-router "$BED_BED_CPU" >/dev/null || return 1
}

# _bed_router CONFIG: the router's part of the configuration.
_bed_router() {
	local cfg=$1 lan
	case $cfg in
	ceiling)
		_load ceiling ceiling || return 1
		lan=$(ifindex_of router lan0)
		# By destination: the public address's frames go to the server (both
		# ports' streams, as hairpin-xdp sends them), the LAN client's to it
		# (the handshake storm's SYN-ACKs, untranslated here).
		bpftool map update pinned "$BED_PINS/ceiling/hpb_hops" key $(ip_dec "$PUB") \
			value hex $(le32 "$lan") $(mac_hex "$(mac_of router lan0)") $(mac_hex "$(mac_of server eth0)") >&2 &&
			bpftool map update pinned "$BED_PINS/ceiling/hpb_hops" key $(ip_dec "$CLIENT") \
				value hex $(le32 "$lan") $(mac_hex "$(mac_of router lan0)") $(mac_hex "$(mac_of client eth0)") >&2 || return 1
		in_ns router bpftool map update pinned "$BED_PINS/ceiling/hpb_ports" key hex $(le32 "$lan") value hex $(le32 "$lan") >&2 &&
			_xdp router lan0 "$BED_PINS/ceiling/prog" &&
			_xdp router wan0 "$BED_PINS/ceiling/prog"
		;;
	forward | nft | nft-flowtable)
		_xdp router lan0 "$HP_PIN_DIR/xdp_pass" && _xdp router wan0 "$HP_PIN_DIR/xdp_pass" || return 1
		[ "$cfg" = forward ] && return 0
		local ft="" offload=""
		if [ "$cfg" = nft-flowtable ]; then
			ft="flowtable ft { hook ingress priority 0; devices = { lan0, wan0 }; }"
			offload="chain forward { type filter hook forward priority filter; policy accept; meta l4proto { tcp, udp } flow add @ft; }"
		fi
		in_ns router nft -f - <<-EOF
			table ip hpbench {
				$ft
				$offload
				chain prerouting {
					type nat hook prerouting priority dstnat; policy accept;
					ip daddr $PUB udp dport $BED_UDP_PORT dnat to $SERVER
					ip daddr $PUB tcp dport { $BED_UDP_PORT, $BED_TCP_PORT, $BED_CRR_PORT } dnat to $SERVER
				}
				chain postrouting {
					type nat hook postrouting priority srcnat; policy accept;
					oifname "lan0" ip saddr 192.168.0.0/24 ct status dnat masquerade
				}
			}
		EOF
		;;
	hpx-fast | hpx-slow | hpx-before)
		local extra=()
		[ "$cfg" = hpx-slow ] && extra=(--no-fast-path)
		hp attach lan0 wan0 --snat-ports "$BED_SNAT_PORTS" "${extra[@]}" >&2 &&
			hp forward add udp "$PUB:$BED_UDP_PORT" "$SERVER:$BED_UDP_PORT" >&2 &&
			hp forward add tcp "$PUB:$BED_UDP_PORT" "$SERVER:$BED_UDP_PORT" >&2 &&
			hp forward add tcp "$PUB:$BED_CRR_PORT" "$SERVER:$BED_CRR_PORT" >&2 &&
			hp forward add tcp "$PUB:$BED_TCP_PORT" "$SERVER:$BED_TCP_PORT" >&2
		;;
	*)
		echo "bed: unknown configuration $cfg" >&2
		return 1
		;;
	esac
}

# bed_layout NAME: where the router's and the bed's work run.
#   split    the router's two NAPI threads on CPU $BED_ROUTER_CPU, the rest
#            (generators, switch, hosts, receiver) on CPU $BED_BED_CPU: the
#            router's own time is read apart from the rest;
#   onecore  everything on CPU $BED_BED_CPU: the whole system's cost, read as
#            the rate at the receiver (deferred work, RCU callbacks and
#            timers included wherever they run);
#   twocpu   lan0's NAPI thread and the LAN client's generator on CPU
#            $BED_BED_CPU, wan0's and the internet host's generator on CPU
#            $BED_ROUTER_CPU: two generators, two router CPUs.
bed_layout() {
	BED_LAYOUT=$1
	case $1 in
	split) BED_LAN_CPU=$BED_ROUTER_CPU BED_WAN_CPU=$BED_ROUTER_CPU BED_INET_CPU=$BED_BED_CPU ;;
	onecore) BED_LAN_CPU=$BED_BED_CPU BED_WAN_CPU=$BED_BED_CPU BED_INET_CPU=$BED_BED_CPU ;;
	twocpu) BED_LAN_CPU=$BED_BED_CPU BED_WAN_CPU=$BED_ROUTER_CPU BED_INET_CPU=$BED_ROUTER_CPU ;;
	*) echo "bed: unknown layout $1" >&2; return 1 ;;
	esac
}

bed_up() {
	topo_up offload || return 1
	_bed_common || { echo "bed: setting up the test bed failed" >&2; return 1; }
	_bed_router "$1" || { echo "bed: configuring the router as $1 failed" >&2; return 1; }
}

bed_down() { topo_down; }

bed_router_ns() {
	local t sum=0 rt
	for t in "${BED_THREADS[@]}"; do
		read -r rt _ <"/proc/$t/schedstat" || return 1
		sum=$((sum + rt))
	done
	echo "$sum"
}

bed_rx() { "$HPBENCH" rx "$BED_PINS/rx/hpb_rx"; }

# nft_flowtable_reason: why the flowtable configuration cannot run here, or
# nothing when it can. Tried for real in the router namespace.
nft_flowtable_reason() {
	local err
	err=$(in_ns router nft -f - 2>&1 <<-EOF
		table ip hpbench_ft {
			flowtable ft { hook ingress priority 0; devices = { lan0, wan0 }; }
		}
	EOF
	) && { in_ns router nft delete table ip hpbench_ft; return 0; }
	err=$(echo "$err" | grep -m1 -o 'Error: .*')
	# grep -c reads it all: with pipefail, -q would fail the pipe by SIGPIPE
	if [ "$(zcat /proc/config.gz 2>/dev/null | grep -c '^# CONFIG_NF_FLOW_TABLE is not set')" -gt 0 ]; then
		echo "kernel $(uname -r) is built without CONFIG_NF_FLOW_TABLE (nft: ${err#Error: })"
	else
		echo "nft cannot create a flowtable: ${err#Error: }"
	fi
}
