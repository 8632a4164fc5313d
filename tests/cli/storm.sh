#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Concurrency: eight writers add and delete forwards on 32 ports at once
# (and one applies a file now and then), then every port is checked: it is
# listed by `forward list` exactly when hp_forwards forwards it and hp_rules
# holds it, every rule id is used once, and every allow list belongs to a
# live rule. Commands that change state take the pin root's lock, so none
# can see another's half-written state.
# shellcheck source=tests/cli/lib.bash
. "$(dirname "$0")/lib.bash"
cli_setup storm

veth_pair lan0 lan0p 192.168.0.1/24
expect_ok "attach" attach lan0

WRITERS=8
ROUNDS=60
PORTS=32
BASE=10000

writer() {
	local w=$1 i port rc
	for ((i = 0; i < ROUNDS; i++)); do
		port=$((BASE + (RANDOM % PORTS)))
		if ((RANDOM % 2)); then
			nsenter --net=/run/netns/"$NS" "$HAIRPIN_XDP" --bpffs "$PIN" forward add tcp \
				"203.0.113.4:$port" "192.168.0.2:$((port + w))" --allow "10.$w.0.0/16" \
				>/dev/null 2>>"$CLI_TMP/w$w.err"
		else
			nsenter --net=/run/netns/"$NS" "$HAIRPIN_XDP" --bpffs "$PIN" forward del tcp \
				"203.0.113.4:$port" >/dev/null 2>>"$CLI_TMP/w$w.err"
		fi
		rc=$?
		# Expected refusals only: a port taken, a forward gone.
		[ $rc -eq 0 ] || [ $rc -eq 1 ] || echo "writer $w: rc $rc" >>"$CLI_TMP/w$w.err"
	done
}

applier() {
	local i
	printf '%s\n' 'attach lan0' "forward udp 203.0.113.4:$BASE-$((BASE + PORTS - 1)) 192.168.0.9:7" \
		>"$CLI_TMP/storm.conf"
	for ((i = 0; i < 10; i++)); do
		# The file keeps only its own rule: every tcp forward goes with it.
		nsenter --net=/run/netns/"$NS" "$HAIRPIN_XDP" --bpffs "$PIN" apply "$CLI_TMP/storm.conf" \
			>/dev/null 2>>"$CLI_TMP/apply.err"
		sleep 0.2
	done
}

start=$(date +%s)
pids=()
for ((w = 0; w < WRITERS; w++)); do
	timeout 240 bash -c "$(declare -f writer); NS=$NS HAIRPIN_XDP=$HAIRPIN_XDP PIN=$PIN CLI_TMP=$CLI_TMP \
		ROUNDS=$ROUNDS PORTS=$PORTS BASE=$BASE writer $w" &
	pids+=($!)
done
timeout 240 bash -c "$(declare -f applier); NS=$NS HAIRPIN_XDP=$HAIRPIN_XDP PIN=$PIN CLI_TMP=$CLI_TMP \
	PORTS=$PORTS BASE=$BASE applier" &
pids+=($!)
for p in "${pids[@]}"; do
	wait "$p"
done
echo "storm: $((WRITERS * ROUNDS + 10)) commands in $(($(date +%s) - start)) s" >&2

check "storm: no command crashed or hung (only refusals)" eval \
	'! grep -hE "rc [0-9]+|AddressSanitizer|runtime error|injected" "$CLI_TMP"/*.err'
check "storm: refusals are the expected ones" eval \
	'! grep -hvE "already exists|overlaps forward|does not exist|^$" "$CLI_TMP"/w*.err'

# Port by port: listed <=> forwarded <=> in hp_rules.
hx forward list --json
cp "$OUT" "$CLI_TMP/list.json"
consistent() {
	python3 - "$CLI_TMP/list.json" "$BASE" "$PORTS" <<EOF
import json, sys
listed = {}
for r in json.load(open(sys.argv[1])):
    first, _, last = r["external"].split(":")[1].partition("-")
    for p in range(int(first), int(last or first) + 1):
        listed[(r["proto"], p)] = (r["rule_id"], r["internal"].split(":")[0])
fwd = {}
for line in """$(fwd_entries)""".splitlines():
    proto, ext, intl, rule = line.split()[:4]
    fwd[(proto, int(ext.split(":")[1]))] = (int(rule.split("=")[1]), intl.split(":")[0])
slots = {}
for line in """$(rule_slots)""".splitlines():
    f = line.split()
    slots[int(f[0])] = f
bad = [k for k in set(listed) | set(fwd) if listed.get(k) != fwd.get(k)]
ids = [v[0] for v in listed.values()]
if bad:
    sys.exit("listed and forwarded differ at %s: listed %s, forwarded %s" % (bad[0], listed.get(bad[0]), fwd.get(bad[0])))
if sorted(set(ids)) != sorted(slots):
    sys.exit("rule ids listed %s, hp_rules %s" % (sorted(set(ids)), sorted(slots)))
print("ports forwarded: %d, rules: %d" % (len(fwd), len(slots)), file=sys.stderr)
EOF
}
check "storm: every port listed exactly when forwarded, ids match hp_rules" consistent
check "storm: every allow list belongs to a live rule's list" eval \
	'python3 -c "
import sys
slots = [l.split() for l in sys.argv[1].splitlines()]
lists = {int(l.split()[0].split(\"=\")[1]) for l in sys.argv[2].splitlines()}
live = {2 * int(s[0]) + g for s in slots for g in (0, 1) if int(s[-1].split(\"=\")[1]) & 4}
sys.exit(0 if lists <= live else \"stray lists %s\" % (lists - live))" "$(rule_slots)" "$(allow_entries)"'
hx forward list
check "storm: nothing left to repair" eval '[ ! -s "$ERR" ]'

expect_ok "detach --all" detach --all
check "nothing left" eval '[ ! -e "$PIN" ] && no_trace lan0'
asan_report "storm: no sanitizer reports"
