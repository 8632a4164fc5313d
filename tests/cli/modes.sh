#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# XDP modes: a bridge has no native XDP, so the default falls back to
# generic and says so; --mode generic is honoured; --mode native on a bridge
# fails with a hint and leaves nothing behind. Also: the veth peer check
# across namespaces.
. "$(dirname "$0")/lib.bash"
cli_setup modes
ns_add peer

in_ns ip link add br0 type bridge
in_ns ip link add br1 type bridge
in_ns ip link set br0 up
in_ns ip link set br1 up
in_ns ip link add v0 type veth peer name v1 netns "$PFX-peer"
in_ns ip link set v0 up
ip -n "$PFX-peer" link set v1 up

expect_fail "--mode native on a bridge fails with a hint" \
	'br0: native XDP not available.*try --mode generic' attach br0 --mode native
check "--mode native failure left no pin root" eval '[ ! -e "$PIN" ]'

# The failure comes after v0 was attached and the programs loaded: both
# must be rolled back.
expect_fail "--mode native: veth ok, then bridge fails" 'br0: native XDP not available' \
	attach v0 br0 --mode native
check "rollback: v0 not left attached, nothing loaded" eval \
	'[ ! -e "$PIN" ] && [ -z "$(xdp_mode_of v0)" ] && ! in_ns tc qdisc show dev v0 | grep -q clsact'

hx attach br0
check "bridge: default falls back to generic and says so" eval \
	'[ "$RC" -eq 0 ] && grep -q "br0: attached (generic XDP: the driver has no native XDP)" "$OUT"'
check "bridge: XDP is attached in generic mode" eval '[ "$(xdp_mode_of br0)" = xdpgeneric ]'
check "bridge: hp_ifaces records generic mode" eval \
	'nsenter --net=/run/netns/$NS $HAIRPIN_XDP --bpffs $PIN -j attach br0 | python3 -c "import json,sys; sys.exit(json.load(sys.stdin)[\"interfaces\"][0][\"mode\"] != \"generic\")"'

expect_ok "--mode generic on a veth" attach v0 --mode generic
check "veth: XDP in generic mode as asked" eval '[ "$(xdp_mode_of v0)" = xdpgeneric ]'
check "veth peer in another netns without XDP: warning" eval \
	'grep -q "warning: v0: its veth peer v1 has no XDP program" "$ERR"'
expect_ok "detach v0" detach v0

# Loaded by an earlier attach: a failing attach undoes only its own part.
expect_fail "loaded: --mode native v0 ok, then bridge fails" 'br1: native XDP not available' \
	attach v0 br1 --mode native
check "loaded: v0 rolled back, br0 and the pins kept" eval \
	'[ -z "$(xdp_mode_of v0)" ] && [ -z "$(xdp_mode_of br1)" ] && [ "$(xdp_mode_of br0)" = xdpgeneric ] && [ -e "$PIN/progs/xdp_ingress" ]'

peer_xdp_pass "$PFX-peer" v1
hx attach v0
check "veth: default mode is native" eval '[ "$RC" -eq 0 ] && [ "$(xdp_mode_of v0)" = xdp ]'
check "hp_tx_ports: native v0 only, not generic br0" eval \
	'[ "$(bpftool -j map dump pinned "$PIN/maps/hp_tx_ports" | python3 -c "import json,sys; print(len(json.load(sys.stdin)))")" = 1 ]'
check "veth peer in another netns with XDP: no warning" eval '[ ! -s "$ERR" ]'

expect_ok "detach --all" detach --all
check "nothing left: no pins, no XDP" eval '[ ! -e "$PIN" ] && [ -z "$(xdp_mode_of br0)" ] && [ -z "$(xdp_mode_of v0)" ]'

asan_report "modes: no sanitizer reports"
