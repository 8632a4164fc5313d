#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# attach/detach happy path on veth: XDP link, TC egress filter, pins and map
# entries appear; attaching twice changes nothing; detach and detach --all
# leave no pin, no clsact qdisc or filter and no XDP program behind.
. "$(dirname "$0")/lib.bash"
cli_setup attach

# v0 (192.168.0.1/24) <-> v1 and d0 <-> d0p, all in the router namespace.
veth_pair v0 v1 192.168.0.1/24
veth_pair d0 d0p 198.51.100.1/24

# Before attach: the state checks must be able to see "nothing".
check "precondition: no XDP, filter or pins" eval '! has_xdp v0 && ! has_filter v0 && [ ! -e "$PIN" ]'

expect_ok "attach v0 d0" attach v0 d0 --mode generic
check "XDP program visible in ip -d link (v0, d0)" eval 'has_xdp v0 && has_xdp d0'
check "tc egress filter 0x4850 visible (v0, d0)" eval 'has_filter v0 && has_filter d0'
check "pins: maps, progs, links" eval '[ -e "$PIN/maps/hp_forwards" ] && [ -e "$PIN/maps/hp_sessions" ] &&
	[ -e "$PIN/progs/xdp_ingress" ] && [ -e "$PIN/progs/tc_egress" ] &&
	[ -e "$PIN/links/v0_xdp" ] && [ -e "$PIN/links/d0_xdp" ]'
check "hp_ifaces has v0 with 192.168.0.1/24" eval \
	'bpftool -j map dump pinned "$PIN/maps/hp_ifaces" | python3 -c "
import json, socket, struct, sys
v = [e[\"formatted\"][\"value\"] if \"formatted\" in e else e[\"value\"] for e in json.load(sys.stdin)]
want = struct.unpack(\"=I\", socket.inet_aton(\"192.168.0.1\"))[0]
sys.exit(not any(x[\"name\"] == \"v0\" and x[\"addr\"] == want and x[\"prefixlen\"] == 24 for x in v))"'
# Generic-mode ports cannot send what a native port redirects to them.
check "hp_tx_ports holds no generic-mode interface" eval \
	'[ "$(bpftool -j map dump pinned "$PIN/maps/hp_tx_ports" | python3 -c "import json,sys; print(len(json.load(sys.stdin)))")" = 0 ]'

# Attaching again: success, says so, changes nothing.
before=$(snapshot)
hx attach v0
check "attach twice: exit 0 and 'already attached'" eval '[ "$RC" -eq 0 ] && grep -q "^v0: already attached" "$OUT"'
check "attach twice: nothing changed" eval '[ "$before" = "$(snapshot)" ]'
hx --json attach v0 d0
check "attach --json is valid JSON" json_valid
check "attach --json reports already attached, generic" json_eval \
	'[i["status"] for i in j["interfaces"]] == ["already attached"] * 2 and j["interfaces"][0]["mode"] == "generic" and not j["loaded"]'

# Load-time options that differ from the loaded instance are refused.
expect_fail "attach --snat-ports differing from the loaded one fails" \
	'snat-ports 61000-65535.*first load' attach v0 --snat-ports 2000-3000
expect_fail "attach --max-sessions differing fails" 'max-sessions 262144' attach v0 --max-sessions 10

# Detach one: its traces go, the other interface stays.
expect_ok "detach v0" detach v0
check "detach v0 removed XDP, filter, clsact, link pin" eval 'no_trace v0 && [ ! -e "$PIN/links/v0_xdp" ]'
check "detach v0 left d0 attached" eval 'has_xdp d0 && has_filter d0'
check "hp_ifaces no longer has v0" eval \
	'! grep -q "\"name\": \"v0\"" <<<"$(bpftool map dump pinned "$PIN/maps/hp_ifaces")"'
expect_fail "detach v0 again fails" '^hairpin-xdp: v0: not attached$' detach v0

# A clsact qdisc that was there before attach is not ours to remove.
in_ns tc qdisc add dev v0 clsact
expect_ok "attach v0 (native) over a foreign clsact" attach v0
check "native XDP on veth" eval 'in_ns ip -d link show dev v0 | grep -q "xdp "'
expect_ok "detach v0 keeps the foreign clsact" detach v0
check "foreign clsact still there, our filter gone" eval 'has_clsact v0 && ! has_filter v0'
in_ns tc qdisc del dev v0 clsact

# The veth peer (v1) has no XDP program: attach warns about XDP_TX into it.
hx attach v0
check "attach veth warns when the peer has no XDP" eval \
	'[ "$RC" -eq 0 ] && grep -q "warning: v0: its veth peer v1 has no XDP program" "$ERR"'
hx detach v0
peer_xdp_pass "$NS" v1
hx attach v0
check "no veth warning when the peer has XDP" eval '[ "$RC" -eq 0 ] && [ ! -s "$ERR" ]'
in_ns ip link set dev v1 xdpgeneric off

# An interface that disappears (netns gone) is still cleaned up by detach.
in_ns ip link add d1 type veth peer name d1p
hx attach d1
in_ns ip link del d1
expect_ok "detach of a deleted interface" detach d1
check "deleted interface: link pin and map entry gone" eval \
	'[ ! -e "$PIN/links/d1_xdp" ] && ! grep -q "\"name\": \"d1\"" <<<"$(bpftool map dump pinned "$PIN/maps/hp_ifaces")"'

# Dots in interface names (VLAN style) are escaped: bpffs allows none.
veth_pair v0.7 v1.7
expect_ok "attach an interface with a dot in its name" attach v0.7
check "its link pin is links/v0%2e7_xdp" eval '[ -e "$PIN/links/v0%2e7_xdp" ] && has_xdp v0.7'
expect_ok "detach it by name" detach v0.7
check "dotted name: pin and XDP gone" eval '[ ! -e "$PIN/links/v0%2e7_xdp" ] && ! has_xdp v0.7'
hx attach v0.7

# A link pin without its hp_ifaces entry (an attach that died half way) is
# still found and detached by --all, tc filter included.
hx attach v0
idx=$(in_ns ip -o link show dev v0 | cut -d: -f1)
bpftool map delete pinned "$PIN/maps/hp_ifaces" key $idx 0 0 0
check "stray: v0 attached without its hp_ifaces entry" eval \
	'has_xdp v0 && ! grep -q "\"name\": \"v0\"" <<<"$(bpftool map dump pinned "$PIN/maps/hp_ifaces")"'

# detach --all: nothing at all is left.
hx --json detach --all
check "detach --all --json succeeds with valid JSON" eval '[ "$RC" -eq 0 ] && json_valid'
check "detach --all: no pin root" eval '[ ! -e "$PIN" ]'
check "detach --all: no XDP, clsact or filter anywhere" eval 'no_trace d0 && no_trace v1 && no_trace v0.7'
# Whether the stray's clsact was ours is not recorded: it stays.
check "detach --all: the stray's XDP and filter are gone" eval '! has_xdp v0 && ! has_filter v0'
hx detach --all
check "detach --all when nothing is loaded: ok with a note" eval \
	'[ "$RC" -eq 0 ] && grep -q "nothing to detach" "$OUT" && [ ! -e "$PIN" ]'

asan_report "attach/detach: no sanitizer reports"
