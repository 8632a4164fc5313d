#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Crash consistency: each command that changes state is killed (SIGKILL,
# the test build's fault points) at each of its steps. The next command
# must report what it finds (a reading command warns) and repair it (a
# changing command ends in exactly the state it asked for), and detach
# --all must always leave nothing behind.
# shellcheck source=tests/cli/lib.bash
. "$(dirname "$0")/lib.bash"
cli_setup crash

veth_pair lan0 lan0p 192.168.0.1/24
veth_pair wan0 wan0p 203.0.113.4/24
veth_pair dmz0 dmz0p 198.51.100.1/24

# killed STEP ARGS...: run the tool, killed at STEP; it must have died there.
killed() {
	local step=$1
	shift
	HAIRPIN_XDP_FAULT_KILL=$step hx "$@"
	[ "$RC" -eq 137 ] || { WHY="not killed at $step (rc $RC): $(head -c 200 "$ERR")"; return 1; }
}

# The forwards of a state where rules 0 (tcp :80) and 1 (udp :53) live.
two_rules() {
	printf '%s\n' \
		'tcp 203.0.113.4:80 192.168.0.2:80 rule=0 allow=0 hairpin=0 flags=0' \
		'udp 203.0.113.4:53 192.168.0.2:53 rule=1 allow=2 hairpin=0 flags=1'
}

# attached DEV: attached whole (XDP, filter, an hp_ifaces entry not pending).
attached() {
	has_xdp "$1" && has_filter "$1" &&
		bpftool -j map dump pinned "$PIN/maps/hp_ifaces" | python3 -c '
import json, sys
v = [e.get("formatted", e)["value"] for e in json.load(sys.stdin)]
sys.exit(not any(x["name"] == sys.argv[1] and not x["flags"] & 4 for x in v))' "$1"
}

# The first attach, killed while loading: the next attach loads and attaches.
for step in attach:maps-pinned attach:tc-prog-pinned; do
	check "first attach killed at $step" killed "$step" attach lan0 wan0
	expect_ok "attach after the kill at $step" attach lan0 wan0
	check "after the kill at $step: both attached whole" eval 'attached lan0 && attached wan0'
	expect_ok "detach --all after the kill at $step" detach --all
	check "after the kill at $step: nothing left" eval '[ ! -e "$PIN" ] && no_trace lan0 && no_trace wan0'
done
expect_ok "attach lan0 wan0" attach lan0 wan0

# Attaching one more port, killed at each step; attach again repairs.
for step in attach:recorded attach:xdp attach:tx_ports attach:tc; do
	check "attach dmz0 killed at $step" killed "$step" attach dmz0
	hx attach dmz0
	check "attach after the kill at $step: says it repairs, attaches" eval \
		'[ "$RC" -eq 0 ] && grep -q "^hairpin-xdp: warning: dmz0: an earlier attach or detach did not finish; attaching it anew$" "$ERR" ||
		{ WHY="rc $RC: $(head -c 300 "$ERR")"; false; }'
	check "after the kill at $step: dmz0 attached whole" attached dmz0
	check "after the kill at $step: one tc filter on dmz0" eval \
		'[ "$(in_ns tc filter show dev dmz0 egress | grep -c "handle 0x4850")" -eq 1 ]'
	expect_ok "detach dmz0 after the kill at $step" detach dmz0
	check "after the kill at $step: dmz0 clean" no_trace dmz0
done

# Detaching, killed at each step: detach (or attach) again finishes it.
for step in detach:unpinned detach:tc; do
	expect_ok "attach dmz0 (for detach killed at $step)" attach dmz0
	check "detach dmz0 killed at $step" killed "$step" detach dmz0
	hx detach dmz0
	check "detach again after the kill at $step" eval '[ "$RC" -eq 0 ] && no_trace dmz0'
done

# forward add and del, killed at each step: the next change repairs.
expect_ok "forward add tcp :80 (rule 0)" forward add tcp 203.0.113.4:80 192.168.0.2:80
for step in forward-add:allow forward-add:slot reconcile:forwards reconcile:allow; do
	check "forward add killed at $step" killed "$step" \
		forward add udp 203.0.113.4:53 192.168.0.2:53 --allow 10.0.0.0/8
	hx forward list
	if [ "$step" != forward-add:allow ]; then
		check "forward list after the kill at $step: reports it" eval \
			'grep -q "^hairpin-xdp: warning: an earlier command did not finish" "$ERR"'
	fi
	# The add either took (slot written) or did not: say it again, or see it.
	hx forward add udp 203.0.113.4:53 192.168.0.2:53 --allow 10.0.0.0/8
	check "after the kill at $step: the add again (or 'already exists') repairs" eval \
		'[ "$RC" -eq 0 ] || grep -q "already exists" "$ERR"'
	check "after the kill at $step: hp_forwards follows the rules exactly" lines_equal \
		"$(two_rules)" "$(fwd_entries)"
	check "after the kill at $step: one allow list, the live one" lines_equal \
		"list=2 10.0.0.0/8 value=1" "$(allow_entries)"
	hx forward list
	check "after the kill at $step: nothing left to report" eval '[ ! -s "$ERR" ]'
	if [ "$step" = reconcile:allow ]; then
		break
	fi
	expect_ok "forward del udp :53 (after the kill at $step)" forward del udp 203.0.113.4:53
done
for step in forward-del:slot reconcile:forwards reconcile:allow; do
	check "forward del killed at $step" killed "$step" forward del udp 203.0.113.4:53
	hx forward del udp 203.0.113.4:53
	check "after the kill at $step: del again (or 'does not exist') repairs" eval \
		'[ "$RC" -eq 0 ] || grep -q "does not exist" "$ERR"'
	check "after the kill at $step: only rule 0's entry" lines_equal \
		"$(two_rules | head -1)" "$(fwd_entries)"
	check "after the kill at $step: no allow list left" eval '[ -z "$(allow_entries)" ]'
	expect_ok "forward add udp :53 again (after the kill at $step)" \
		forward add udp 203.0.113.4:53 192.168.0.2:53 --allow 10.0.0.0/8
done

# apply, killed at each step: applying the file again ends in its state.
F=$CLI_TMP/f.conf
printf '%s\n' 'attach lan0 wan0 dmz0' 'forward tcp 203.0.113.4:80 192.168.0.2:80' \
	'forward tcp wan0:443 192.168.0.2:443 --allow 198.51.100.0/24' 'config --timeout udp=60' >"$F"
G=$CLI_TMP/g.conf
printf '%s\n' 'attach lan0 wan0' 'forward tcp 203.0.113.4:80 192.168.0.2:80' \
	'forward udp 203.0.113.4:53 192.168.0.2:53 --allow 10.0.0.0/8' >"$G"
for step in apply:attached apply:config apply:allow apply:slots reconcile:forwards reconcile:allow \
	apply:rules detach:unpinned apply:detached; do
	expect_ok "apply F (before the kill at $step)" apply "$F"
	check "apply G killed at $step" killed "$step" apply "$G"
	expect_ok "apply G again after the kill at $step" apply "$G"
	check "after the kill at $step: G's forwards exactly" lines_equal "$(two_rules)" "$(fwd_entries)"
	check "after the kill at $step: G's allow list only" lines_equal \
		"list=2 10.0.0.0/8 value=1" "$(allow_entries)"
	check "after the kill at $step: dmz0 detached, the others attached" eval \
		'no_trace dmz0 && attached lan0 && attached wan0'
	hx config
	check "after the kill at $step: G's settings" eval 'grep -qE "^udp +120s$" "$OUT"'
done

# detach --all killed half way: the next one leaves nothing.
check "detach --all killed at detach:tc" killed detach:tc detach --all
expect_ok "detach --all again" detach --all
check "nothing left" eval '[ ! -e "$PIN" ] && no_trace lan0 && no_trace wan0 && no_trace dmz0'
asan_report "crash: no sanitizer reports"
