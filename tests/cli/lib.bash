# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Shared by tests/cli/*.sh (sourced, not run: the runner runs only *.sh).
# Each test gets its own namespace(s) and pin root under a per-run prefix,
# removed by a trap even when the test fails. The tool runs inside with
# `nsenter --net=`, as a real router would run it. Nothing here touches the
# root namespace's interfaces, routes, addresses or firewall.
#
#   cli_setup NAME          prefix hpcli-$$-NAME, router namespace $NS, pin root $PIN
#   ns_add SUFFIX           another namespace $PFX-SUFFIX (cleaned by the trap)
#   veth_pair A B [ADDR/LEN]
#                           veth A <-> B in $NS, both up, ADDR on A
#   in_ns CMD...            run CMD in $NS
#   hx ARGS...              run the tool in $NS with --bpffs $PIN; sets $RC,
#                           output in $OUT and $ERR (files)
#   check NAME CMD...       ok if CMD succeeds, else not ok with $WHY
#   expect_ok NAME ARGS...  the tool succeeds with nothing on stderr but
#                           warnings (veth peers without XDP warn)
#   expect_fail NAME RE ARGS...
#                           the tool fails with exactly one stderr line
#                           matching RE, and the state snapshot is unchanged
#   snapshot                pins, XDP programs, qdiscs and filters of $NS, and
#                           the rule maps (hp_forwards, hp_allow)
#   fwd_entries, allow_entries
#                           those two maps as sorted readable lines
#   lines_equal WANT GOT    equal, else $WHY shows both
#   hexb PYEXPR, ip4 ADDR   bytes for bpftool from a python struct expression
#   session KEY... XLAT... STATE FLAGS RULE AGE_S
#                           write one hp_sessions entry
#   possible_cpus           how many values a per-CPU map entry has
#   asan_report             ok/not ok: no sanitizer report in any run
#   has_xdp, has_filter, has_clsact, no_trace, xdp_mode_of DEV
#                           our XDP program, TC filter, a clsact, none of
#                           them, the XDP mode (xdp, xdpgeneric) on DEV in $NS

set -uo pipefail

CLI_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HAIRPIN_XDP=${HAIRPIN_XDP:-build/asan/hairpin-xdp}
case $HAIRPIN_XDP in
/*) ;;
*) HAIRPIN_XDP=$CLI_ROOT/$HAIRPIN_XDP ;;
esac
# Leaks count as failures; a sanitizer report aborts the run.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# Never fall back to the real default pin root.
unset HAIRPIN_XDP_BPFFS

CLI_NAMESPACES=()
CLI_TMP=
WHY=

cli_cleanup() {
	local ns
	[ -n "${PIN:-}" ] && [ -d "$PIN" ] && rm -rf "$PIN"
	[ -n "${PIN:-}" ] && rm -f "$PIN-xdp_pass"
	for ns in "${CLI_NAMESPACES[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	[ -n "$CLI_TMP" ] && rm -rf "$CLI_TMP"
	return 0
}

# peer_xdp_pass NS DEV: an XDP_PASS program on DEV in namespace NS (a veth
# peer with NAPI). Loaded with bpftool and pinned under this run's name:
# `ip link set ... obj` would leave iproute2's folders in the bpffs root.
peer_xdp_pass() {
	[ -e "$PIN-xdp_pass" ] ||
		bpftool prog load "$CLI_ROOT/build/xdp_pass.bpf.o" "$PIN-xdp_pass" || return 1
	# nsenter, not `ip -n`: that remounts /sys and hides the pin.
	nsenter --net="/run/netns/$1" ip link set dev "$2" xdpgeneric pinned "$PIN-xdp_pass"
}

ns_add() {
	local ns=$PFX-$1
	ip netns add "$ns" || return 1
	CLI_NAMESPACES+=("$ns")
	ip -n "$ns" link set lo up
}

cli_setup() {
	PFX=hpcli-$$-$1
	NS=$PFX-r
	PIN=/sys/fs/bpf/$PFX
	trap cli_cleanup EXIT
	trap 'exit 130' INT TERM HUP
	CLI_TMP=$(mktemp -d)
	OUT=$CLI_TMP/out
	ERR=$CLI_TMP/err
	ALLERR=$CLI_TMP/all-stderr
	: >"$ALLERR"
	if ! mountpoint -q /sys/fs/bpf; then
		mount -t bpf -o mode=0700 bpf /sys/fs/bpf || { echo "not ok - $1: cannot mount bpffs"; exit 0; }
	fi
	if [ ! -x "$HAIRPIN_XDP" ]; then
		echo "not ok - $1: $HAIRPIN_XDP not built (make asan)"
		exit 0
	fi
	ns_add r || { echo "not ok - $1: cannot create namespace"; exit 0; }
}

veth_pair() {
	in_ns ip link add "$1" type veth peer name "$2" &&
		{ [ -z "${3:-}" ] || in_ns ip addr add "$3" dev "$1"; } &&
		in_ns ip link set "$1" up && in_ns ip link set "$2" up
}

in_ns() {
	ip netns exec "$NS" "$@"
}

hx() {
	nsenter --net=/run/netns/"$NS" "$HAIRPIN_XDP" --bpffs "$PIN" "$@" >"$OUT" 2>"$ERR"
	RC=$?
	{
		echo "### hairpin-xdp $* (rc $RC)"
		cat "$ERR"
	} >>"$ALLERR"
	return 0
}

ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1: $2"; }

check() {
	local name=$1
	shift
	WHY=
	if "$@"; then
		ok "$name"
	else
		not_ok "$name" "${WHY:-$* failed}"
	fi
}

# map_dump MAP: its entries as sorted JSON lines (hash order is no state).
map_dump() {
	[ -e "$PIN/maps/$1" ] || return 0
	bpftool -j map dump pinned "$PIN/maps/$1" | python3 -c '
import json, sys
for line in sorted(json.dumps(e.get("formatted", e), sort_keys=True) for e in json.load(sys.stdin)):
    print(line)'
}

# Pins, XDP programs, tc state of $NS and the rules: equal before and after
# a failed command means it changed nothing.
snapshot() {
	find "$PIN" 2>/dev/null | sort
	map_dump hp_forwards
	map_dump hp_allow
	in_ns ip -d link show | grep -E '^[0-9]+:|prog/xdp' | sed 's/ load_time [0-9]*//'
	local dev
	for dev in $(in_ns ip -o link show | awk -F': ' '{print $2}' | cut -d@ -f1); do
		in_ns tc qdisc show dev "$dev" | grep -v noqueue
		in_ns tc filter show dev "$dev" egress
	done
}

# Decoders for fwd_entries and allow_entries (bpftool prints the __be32 and
# __be16 fields as host-order numbers).
MAP_PY='
import json, signal, socket, struct, sys
signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # grep -q may stop reading
def ip(v): return socket.inet_ntoa(struct.pack("=I", v))
def port(v): return socket.ntohs(v)
def proto(v): return {6: "tcp", 17: "udp"}.get(v, "?")
entries = [e.get("formatted", e) for e in json.load(sys.stdin)]
'

# "tcp 203.0.113.4:8000 192.168.0.2:9000 rule=0 allow=0 hairpin=0 flags=0"
# for each hp_forwards entry, by protocol, address, port.
fwd_entries() {
	bpftool -j map dump pinned "$PIN/maps/hp_forwards" | python3 -c "$MAP_PY"'
rows = []
for e in entries:
    k, v = e["key"], e["value"]
    rows.append(((k["proto"], socket.ntohl(k["ext_addr"]), port(k["ext_port"])),
        "%s %s:%d %s:%d rule=%d allow=%d hairpin=%d flags=%d" % (
        proto(k["proto"]), ip(k["ext_addr"]), port(k["ext_port"]), ip(v["int_addr"]),
        port(v["int_port"]), v["rule_id"], v["allow_id"], v["hairpin"], v["flags"])))
for _, line in sorted(rows):
    print(line)'
}

# "0 tcp 203.0.113.4:8000-8010 192.168.0.2:9000-9010 hairpin=0 flags=1" for
# each used hp_rules slot (flags: enum hp_rule_flags), by id.
rule_slots() {
	bpftool -j map dump pinned "$PIN/maps/hp_rules" | python3 -c "$MAP_PY"'
for e in entries:
    v = e["value"]
    if not v["flags"] & 1:
        continue
    name = v["ext_ifname"]
    name = name if isinstance(name, str) else "".join(chr(c) for c in name if c)
    ext = name if v["flags"] & 2 else ip(v["ext_addr"])
    print("%d %s %s:%d-%d %s:%d-%d hairpin=%d flags=%d" % (e["key"], proto(v["proto"]), ext,
        v["ext_port_first"], v["ext_port_last"], ip(v["int_addr"]), v["int_port_first"],
        v["int_port_last"], v["hairpin"], v["flags"]))'
}

# "list=2 198.51.100.0/24 value=1" for each hp_allow entry, by list id, address.
allow_entries() {
	bpftool -j map dump pinned "$PIN/maps/hp_allow" | python3 -c "$MAP_PY"'
rows = []
for e in entries:
    k = e["key"]
    rows.append(((socket.ntohl(k["list_id"]), socket.ntohl(k["addr"]), k["prefixlen"]),
        "list=%d %s/%d value=%d" % (socket.ntohl(k["list_id"]), ip(k["addr"]),
        k["prefixlen"] - 32, e["value"])))
for _, line in sorted(rows):
    print(line)'
}

# hex BYTES for bpftool from a python struct expression.
hexb() { python3 -c "import socket, struct, time; print('hex', ' '.join('%02x' % b for b in $1))"; }
ip4() { echo "socket.inet_aton('$1')"; }

# session KEY(s d sp dp proto) XLAT(s d sp dp) STATE FLAGS RULE AGE_S
session() {
	local now="time.clock_gettime_ns(time.CLOCK_MONOTONIC)"
	# shellcheck disable=SC2046 # hexb prints "hex" and the bytes as words
	bpftool map update pinned "$PIN/maps/hp_sessions" \
		key $(hexb "$(ip4 "$1") + $(ip4 "$2") + struct.pack('!HH', $3, $4) + struct.pack('=B3x', $5)") \
		value $(hexb "$(ip4 "$6") + $(ip4 "$7") + struct.pack('!HH', $8, $9) + struct.pack('=BBHQ', ${10}, ${11}, ${12}, $now - ${13} * 10**9)")
}

possible_cpus() {
	python3 -c "
n = 0
for part in open('/sys/devices/system/cpu/possible').read().strip().split(','):
    lo, _, hi = part.partition('-')
    n += int(hi or lo) - int(lo) + 1
print(n)"
}

lines_equal() {
	[ "$1" = "$2" ] ||
		{ WHY="want [$(head -c 300 <<<"$1" | tr '\n' '|')] got [$(head -c 300 <<<"$2" | tr '\n' '|')]"; return 1; }
}

has_xdp() { in_ns ip -d link show dev "$1" | grep -q 'prog/xdp.*name xdp_ingress'; }
has_filter() { in_ns tc filter show dev "$1" egress | grep -q 'handle 0x4850.*tc_egress'; }
has_clsact() { in_ns tc qdisc show dev "$1" | grep -q clsact; }
no_trace() { ! has_xdp "$1" && ! has_filter "$1" && ! has_clsact "$1"; }
xdp_mode_of() { in_ns ip -d link show dev "$1" | grep -oE '\b(xdpgeneric|xdp|xdpdrv)\b' | head -1; }

stderr_lines() { grep -c '' "$ERR"; }

_expect_ok() {
	hx "$@"
	[ "$RC" -eq 0 ] || { WHY="rc $RC: $(head -c 300 "$ERR")"; return 1; }
	! grep -qv '^hairpin-xdp: warning: ' "$ERR" || { WHY="stderr: $(head -c 300 "$ERR")"; return 1; }
}

expect_ok() {
	local name=$1
	shift
	check "$name" _expect_ok "$@"
}

_expect_fail() {
	local re=$1 before after
	shift
	before=$(snapshot)
	hx "$@"
	after=$(snapshot)
	[ "$RC" -ne 0 ] || { WHY="succeeded"; return 1; }
	[ "$RC" -lt 128 ] || { WHY="crashed (rc $RC): $(head -c 300 "$ERR")"; return 1; }
	[ "$(stderr_lines)" -eq 1 ] ||
		{ WHY="want one stderr line, got: $(head -c 300 "$ERR")"; return 1; }
	grep -qE "$re" "$ERR" || { WHY="stderr '$(cat "$ERR")' !~ /$re/"; return 1; }
	grep -q '^hairpin-xdp: ' "$ERR" || { WHY="no 'hairpin-xdp:' prefix"; return 1; }
	[ "$before" = "$after" ] ||
		{ WHY="state changed: $(diff <(echo "$before") <(echo "$after") | head -5 | tr '\n' ' ')"; return 1; }
}

expect_fail() {
	local name=$1
	shift
	check "$name" _expect_fail "$@"
}

# Stdout of the last run is valid JSON (python's parser, strict).
json_valid() {
	python3 -m json.tool "$OUT" >/dev/null 2>&1 || { WHY="not JSON: $(head -c 200 "$OUT")"; return 1; }
}

# json_eval EXPR: EXPR (python, the parsed output is `j`) is true.
json_eval() {
	python3 -c "import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if ($1) else 1)" \
		"$OUT" 2>/dev/null || { WHY="JSON check failed: $1 on $(head -c 200 "$OUT")"; return 1; }
}

asan_report() {
	if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error' "$ALLERR"; then
		not_ok "$1" "sanitizer report: $(grep -m1 -E 'AddressSanitizer|LeakSanitizer|runtime error' "$ALLERR")"
	else
		ok "$1"
	fi
}
