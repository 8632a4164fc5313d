#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Upgrades in place (issue 9). Two builds of the same source whose
# programs differ (B: the BPF object compiled with -mcpu=v3, other
# instructions): attaching B over A, and A over B again, while a download
# through the hairpin and a UDP stream run, replaces the programs on both
# interfaces, loses no byte and no datagram, and keeps the same sessions;
# the old programs are freed (the sweeper's timer moves to the new ones).
# Maps of an incompatible layout are refused with one line and nothing
# changed, until --reset-state starts over; detach --all still cleans them.
# shellcheck source=tests/lib/integration.sh
. "$(dirname "$0")/../lib/integration.sh"

#
# HP_UPGRADE_B=/path/to/hairpin-xdp: B is that binary instead (an earlier
# release, say), not built here. A release from before the three XDP
# programs (3475ff1 and earlier) knows nothing of progs/xdp_steps: going
# back to it (B over A) leaves the newer programs loaded through that pin,
# which "the old programs are freed" reports (docs/design.md, Upgrades).
A=$HAIRPIN_XDP
B_DIR=$HP_ROOT/build/variant-mcpu3
B=${HP_UPGRADE_B:-$B_DIR/hairpin-xdp}

build_b() {
	[ -n "${HP_UPGRADE_B:-}" ] && { [ -x "$B" ]; return; }
	make -s -C "$HP_ROOT" BUILD="$B_DIR" BPF_EXTRA_CFLAGS=-mcpu=v3 all >&2
}

# with BIN CMD...: hairpin-xdp from BIN in the router namespace.
with() {
	local bin=$1
	shift
	in_ns router "$bin" --bpffs "$HP_PINS" "$@"
}

# prog_ids: the XDP and TC egress program ids on wan0 and lan0.
prog_ids() {
	local dev
	for dev in wan0 lan0; do
		in_ns router ip -j link show dev "$dev" |
			"$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)[0]["xdp"]["prog"]["id"])' || return 1
		in_ns router tc -j filter show dev "$dev" egress |
			"$PYTHON" -c 'import json,sys; print([f["options"]["prog"]["id"] for f in json.load(sys.stdin) if "options" in f and "prog" in f["options"]][0])' || return 1
	done | tr '\n' ' '
}

session_list() {
	hp sessions --json | "$PYTHON" -c '
import json, sys
print(sorted((s["proto"], s["src"], s["xlat_src"]) for s in json.load(sys.stdin)))'
}

# prog_freed ID: the kernel has no program ID (bpftool says so, not just fails).
prog_freed() {
	local out
	out=$(bpftool prog show id "$1" 2>&1)
	[[ $out == *"No such file or directory"* ]]
}

# gone ID...: none of the programs exists any more (freed), within 5 s.
gone() {
	local id
	for id in "$@"; do
		wait_for 50 prog_freed "$id" ||
			{ echo "program $id is still loaded: $(bpftool prog show id "$id" 2>&1 | head -1)" >&2; return 1; }
	done
}

# upgrade_during_traffic FROM TO: a 50 MB download through the hairpin
# (rate-limited) and a UDP stream run while TO is attached over FROM.
upgrade_during_traffic() {
	local from=$1 to=$2 out=$HP_TMP/dl.bin stop=$HP_TMP/stop udp_pid dl_pid before after \
		ids_before ids_after ok=0
	rm -f "$out" "$stop"
	in_ns client curl -sS --max-time 60 --limit-rate 8M -o "$out" "$URL/big.bin" &
	dl_pid=$!
	in_ns client timeout 60 "$PYTHON" "$HP_ROOT/tests/lib/probe.py" udp-stream "$PUB" "$UDP_PORT" \
		20000 400 "$stop" >"$HP_TMP/udp-stream.out" &
	udp_pid=$!
	wait_for 50 eval '[ -s "$out" ]' || ok=1
	sleep 1
	before=$(session_list)
	ids_before=$(prog_ids)
	with "$to" attach wan0 lan0 >&2 || ok=1
	ids_after=$(prog_ids)
	after=$(session_list)
	sleep 1
	touch "$stop"
	wait "$udp_pid" || ok=1
	wait "$dl_pid" || ok=1
	echo "programs before: $ids_before after: $ids_after" >&2
	echo "sessions before: $before" >&2
	echo "sessions after:  $after" >&2
	echo "udp stream: $(cat "$HP_TMP/udp-stream.out"); download: $(stat -c %s "$out" 2>/dev/null) bytes" >&2
	read -ra old_ids <<<"$ids_before"
	read -ra new_ids <<<"$ids_after"
	[ "$ok" = 0 ] && [ "${#old_ids[@]}" = 4 ] && [ "${#new_ids[@]}" = 4 ] || return 1
	for i in 0 1 2 3; do
		[ "${old_ids[$i]}" != "${new_ids[$i]}" ] || { echo "program $i not replaced" >&2; return 1; }
	done
	[ "$before" = "$after" ] && same_file "$out" "$HP_TMP/www/big.bin" || return 1
	# A new session moves the sweeper's timer to the new programs: the old ones go.
	get_ok client && gone "${old_ids[@]}"
}

# attached_as_is BIN: attach with BIN succeeds and replaces nothing.
attached_as_is() {
	local out
	out=$(with "$1" attach wan0 lan0) || return 1
	echo "$out" >&2
	grep -q 'already attached' <<<"$out" && ! grep -q upgraded <<<"$out"
}

# tamper_map: maps/hp_frags replaced by a map of another shape (the programs keep the real one).
tamper_map() {
	rm -f "$HP_PINS/maps/hp_frags" &&
		bpftool map create "$HP_PINS/maps/hp_frags" type hash key 4 value 4 entries 8 name hp_frags
}

# refused_unchanged BIN: attach with BIN fails with one line naming hp_frags
# and the way out, and the programs on the interfaces are the same.
refused_unchanged() {
	local ids_before ids_after err
	ids_before=$(prog_ids)
	err=$(with "$1" attach wan0 lan0 2>&1 >/dev/null) && return 1
	ids_after=$(prog_ids)
	echo "attach said: $err; programs $ids_before -> $ids_after" >&2
	[ "$(wc -l <<<"$err")" = 1 ] && grep -q 'hp_frags' <<<"$err" && grep -q -- '--reset-state' <<<"$err" &&
		[ "$ids_before" = "$ids_after" ]
}

cases() {
	serve_http big || { not_ok "$(t 'http server')" "did not start"; return; }
	serve_udp || { not_ok "$(t 'udp echo')" "did not start"; return; }
	check "$(t 'attach with build A')" with "$A" attach wan0 lan0
	check "$(t 'forwards')" eval 'publish >&2 && hp forward add udp "$PUB:$UDP_PORT" "$SERVER:$UDP_PORT" >&2'
	check "$(t 'A: --version says the loaded programs are its own')" \
		output_has 'the same programs' with "$A" --version
	check "$(t 'B: --version says the loaded programs are another build')" \
		output_has 'upgrades them in place' with "$B" --version
	check "$(t 'attach B over A during a download and a UDP stream: replaced, no loss, same sessions')" \
		upgrade_during_traffic "$A" "$B"
	check "$(t 'B: --version now says the same programs')" output_has 'the same programs' with "$B" --version
	check "$(t 'attach B again: nothing to replace')" attached_as_is "$B"
	check "$(t 'attach A over B during traffic: replaced back, no loss, same sessions')" \
		upgrade_during_traffic "$B" "$A"
	check "$(t 'rules kept across the upgrades')" output_has "$SERVER:$UDP_PORT" hp forward list

	check "$(t 'a map of another shape pinned')" tamper_map
	check "$(t 'attach refused: one line, the programs unchanged')" refused_unchanged "$B"
	check "$(t 'sessions refused rather than misread')" \
		output_has 'not this build' eval 'hp sessions 2>&1; true'
	check "$(t 'forwarding still works (nothing was changed)')" get_ok client
	check "$(t 'attach --reset-state starts over')" with "$B" attach --reset-state wan0 lan0
	check "$(t 'after the reset: no rules (negative control for the kept rules)')" \
		negate output_has "$SERVER" hp forward list
	check "$(t 'after the reset: publish and GET through the hairpin')" eval 'publish >&2 && get_ok client'

	check "$(t 'a layout version from another build')" \
		bpftool map update pinned "$HP_PINS/maps/hp_meta" key 0 0 0 0 value 1 0 0 0 0 0 0 0
	check "$(t 'attach refused on the layout version')" \
		output_has 'layout 1, this build.s is [0-9]+' eval 'with "$A" attach wan0 lan0 2>&1; true'
	check "$(t 'detach --all still cleans an incompatible instance')" \
		eval 'hp detach --all >&2 && [ ! -e "$HP_PINS" ] && negate output_has xdp in_ns router ip link show dev wan0'
}

if [ "$(id -u)" = 0 ] && ! build_b; then
	not_ok upgrade "cannot build the -mcpu=v3 variant (or run HP_UPGRADE_B=$B)"
	exit 1
fi
run_variants cases
