#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# --version, and upgrades in place killed at each step: build B (the BPF
# object compiled with -mcpu=v3: the same source, other programs) attached
# over build A is SIGKILLed at every step of the upgrade; the next attach
# (of either build) finishes it, so that the programs on both interfaces are
# the pinned ones, the rules are kept and --version tells the truth.
# Traffic across an upgrade: tests/integration/upgrade.sh.
# shellcheck source=tests/cli/lib.bash
. "$(dirname "$0")/lib.bash"
cli_setup upgrade

A=$HAIRPIN_XDP
B_DIR=$PWD/build/variant-mcpu3
B=$B_DIR/asan/hairpin-xdp
if ! make -s BUILD="$B_DIR" BPF_EXTRA_CFLAGS=-mcpu=v3 asan >&2; then
	not_ok "upgrade: build B" "make asan of the -mcpu=v3 variant failed"
	exit 0
fi

veth_pair lan0 lan0p 192.168.0.1/24
veth_pair wan0 wan0p 203.0.113.4/24

# as BIN CMD...: hx with another build.
as() {
	local bin=$1
	shift
	HAIRPIN_XDP=$bin hx "$@"
}

prog_id_pinned() { bpftool -j prog show pinned "$PIN/progs/$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'; }
xdp_id() { in_ns ip -j link show dev "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["xdp"]["prog"]["id"])'; }
tc_id() {
	in_ns tc -j filter show dev "$1" egress | python3 -c '
import json, sys
print([f["options"]["prog"]["id"] for f in json.load(sys.stdin) if "prog" in f.get("options", {})][0])'
}

# consistent: both interfaces run the pinned programs, no half-made pin is left.
consistent() {
	local x t dev
	x=$(prog_id_pinned xdp_ingress) && t=$(prog_id_pinned tc_egress) || { WHY="no pinned programs"; return 1; }
	for dev in lan0 wan0; do
		[ "$(xdp_id "$dev")" = "$x" ] && [ "$(tc_id "$dev")" = "$t" ] ||
			{ WHY="$dev runs xdp $(xdp_id "$dev") tc $(tc_id "$dev"), pinned are $x $t"; return 1; }
	done
	! ls "$PIN/progs" | grep -q _new || { WHY="left: $(ls "$PIN/progs")"; return 1; }
}

# says BIN REGEX: BIN --version matches REGEX.
says() {
	as "$1" --version
	[ "$RC" = 0 ] && grep -qE "$2" "$OUT" || { WHY="rc $RC: $(cat "$OUT" "$ERR" | head -c 300)"; return 1; }
}

check "--version before anything is loaded" says "$A" '^hairpin-xdp [^ ]+ \(programs: object [0-9a-f]{16}, layout [0-9]+\)$'
check "--version: nothing loaded" says "$A" '^loaded: nothing under '
hx --json --version
check "--version --json: loaded is null" eval 'json_valid && json_eval "j[\"loaded\"] is None and len(j[\"object\"]) == 16"'
check "the two builds carry different programs" eval \
	'[ "$(as "$A" --version; head -1 "$OUT")" != "$(as "$B" --version; head -1 "$OUT")" ]'

expect_ok "attach lan0 wan0 (A)" attach lan0 wan0
expect_ok "forward add (A)" forward add tcp 203.0.113.4:80 192.168.0.2:80
check "A --version: the same programs" says "$A" 'the same programs$'
check "B --version: another build's, attach upgrades" says "$B" 'attach or apply upgrades them in place$'
hx --json --version
check "A --version --json: same" eval 'json_valid && json_eval "j[\"loaded\"][\"same\"] is True"'

from=$A to=$B
for step in upgrade:loaded upgrade:replaced upgrade:tc-repinned upgrade:repinned; do
	HAIRPIN_XDP_FAULT_KILL=$step as "$to" attach lan0 wan0
	check "upgrade killed at $step" eval '[ "$RC" -eq 137 ] || { WHY="rc $RC: $(head -c 200 "$ERR")"; false; }'
	as "$to" attach lan0 wan0
	check "after the kill at $step: attach finishes the upgrade" eval \
		'[ "$RC" -eq 0 ] && grep -q "programs upgraded in place" "$OUT" || { WHY="rc $RC: $(cat "$OUT" "$ERR" | head -c 300)"; false; }'
	check "after the kill at $step: both interfaces run the pinned programs" consistent
	check "after the kill at $step: --version says the same programs" says "$to" 'the same programs$'
	check "after the kill at $step: the rule is kept" eval 'hx forward list; grep -q "203.0.113.4:80" "$OUT"'
	tmp=$from from=$to to=$tmp
done

# An upgrade that fails at the swap puts the old programs back.
HAIRPIN_XDP_FAULT=upgrade:replaced as "$to" attach lan0 wan0
check "an upgrade failing at the swap: one error line" eval '[ "$RC" -ne 0 ] && [ "$(stderr_lines)" -eq 1 ]'
check "after the failed swap: the old programs, consistent" consistent
check "after the failed swap: --version says the old build's are loaded" says "$from" 'the same programs$'

# A map added to this layout after instances of it were pinned (marked
# HP_ADDED_IN_LAYOUT in bpf/lib/maps.h) is missing from the pins of
# programs from before it: the upgrade creates it. Any other missing map is
# refused, nothing changed (the negative control).
rm "$PIN/maps/hp_route_mtus"
as "$to" attach lan0 wan0
check "pins without hp_route_mtus (added later): attach upgrades" eval \
	'[ "$RC" -eq 0 ] && grep -q "programs upgraded in place" "$OUT" || { WHY="rc $RC: $(cat "$OUT" "$ERR" | head -c 300)"; false; }'
check "the upgrade pinned hp_route_mtus anew" test -e "$PIN/maps/hp_route_mtus"
check "after it: both interfaces run the pinned programs" consistent
rm "$PIN/maps/hp_cpu"
HAIRPIN_XDP=$from expect_fail "pins without hp_cpu: attach refused, nothing changed" \
	'hp_cpu is missing.*--reset-state' attach lan0 wan0
check "after the refusal: both interfaces run the pinned programs" consistent

# A map every command opens, gone: commands send to detach --all, which must work.
rm "$PIN/maps/hp_frags"
expect_fail "without hp_frags: sessions refused, pointing at detach --all" 'detach --all' sessions
expect_ok "detach --all, hp_frags missing" detach --all
check "nothing left" eval '[ ! -e "$PIN" ] && no_trace lan0 && no_trace wan0'
asan_report "upgrade: no sanitizer report"
