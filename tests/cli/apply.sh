#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The config file: apply makes the live state equal to it (attachments,
# forwards with their options, settings), --check changes nothing, save
# prints the live state so that `save > f; apply f` changes nothing, the
# same file applied twice changes nothing (not a counter, not a session),
# a changed file keeps what stays and removes what goes, and every kind of
# bad input is one FILE:LINE line with nothing changed, also when a step
# fails half way (fault injection, test build).
# shellcheck source=tests/cli/lib.bash
. "$(dirname "$0")/lib.bash"
cli_setup apply

veth_pair lan0 lan0p 192.168.0.1/24
veth_pair wan0 wan0p 203.0.113.4/24

# Everything apply may touch, for "nothing changed".
full_state() {
	snapshot
	local m
	for m in hp_rules hp_config hp_ifaces hp_rule_stats hp_sessions; do
		map_dump "$m"
	done
}

conf() { cat >"$CLI_TMP/$1"; echo "$CLI_TMP/$1"; }

A=$(conf a.conf <<'EOF'
# the story's router
attach lan0 wan0 --snat-ports 62000-63000

forward tcp wan0:80 192.168.0.2:80
forward udp 203.0.113.4:5300-5310 192.168.0.2:5300-5310 --hairpin external   # a range
forward tcp wan0:2222 192.168.0.2:22 --allow 198.51.100.0/24 --allow 192.0.2.7
config --timeout udp=60
EOF
)

# --check: the whole file is valid here, nothing is made (not even the root).
hx apply --check "$A"
check "apply --check: exit 0, says ok" eval '[ "$RC" -eq 0 ] && grep -q ": ok (2 interfaces, 3 forwards)$" "$OUT"'
check "apply --check: nothing made" eval '[ ! -e "$PIN" ] && ! has_xdp lan0'

expect_ok "apply" apply "$A"
check "apply: both ports attached" eval 'has_xdp lan0 && has_xdp wan0 && has_filter lan0 && has_filter wan0'
check "apply: the rules in hp_rules, in file order" lines_equal \
	"$(printf '%s\n' \
		'0 tcp wan0:80-80 192.168.0.2:80-80 hairpin=0 flags=3' \
		'1 udp 203.0.113.4:5300-5310 192.168.0.2:5300-5310 hairpin=1 flags=1' \
		'2 tcp wan0:2222-2222 192.168.0.2:22-22 hairpin=0 flags=7')" "$(rule_slots)"
check "apply: wan0's address forwarded, the range port to port" eval \
	'[ "$(fwd_entries | wc -l)" -eq 13 ] &&
	grep -qx "tcp 203.0.113.4:80 192.168.0.2:80 rule=0 allow=0 hairpin=0 flags=0" <<<"$(fwd_entries)" &&
	grep -qx "udp 203.0.113.4:5310 192.168.0.2:5310 rule=1 allow=2 hairpin=1 flags=0" <<<"$(fwd_entries)"'
check "apply: the allow list" lines_equal \
	"$(printf 'list=4 192.0.2.7/32 value=1\nlist=4 198.51.100.0/24 value=1')" "$(allow_entries)"
hx config
check "apply: settings (snat ports, udp timeout)" eval \
	'grep -qE "^snat-ports +62000-63000$" "$OUT" && grep -qE "^udp +60s$" "$OUT" && grep -qE "^udp-oneway +30s$" "$OUT"'

# save prints exactly that, and applying it changes nothing.
hx save
check "save: the state as a config file" lines_equal "$(printf '%s\n' \
	"# hairpin-xdp save of $PIN: hairpin-xdp apply FILE makes this state again" \
	'attach lan0 wan0 --snat-ports 62000-63000' \
	'forward tcp wan0:80 192.168.0.2:80' \
	'forward udp 203.0.113.4:5300-5310 192.168.0.2:5300-5310 --hairpin external' \
	'forward tcp wan0:2222 192.168.0.2:22 --allow 192.0.2.7/32 --allow 198.51.100.0/24' \
	'config --timeout udp=60')" "$(cat "$OUT")"
cp "$OUT" "$CLI_TMP/saved.conf"

# Live state a re-apply must keep: counters of rule 0, a session of rule 0.
# shellcheck disable=SC2046
bpftool map update pinned "$PIN/maps/hp_rule_stats" key 0 0 0 0 value $(hexb "struct.pack('=QQQ', 7, 700, 1)")
session 198.51.100.9 203.0.113.4 4000 80 6 198.51.100.9 192.168.0.2 4000 80 1 0 0 5
session 192.168.0.2 198.51.100.9 80 4000 6 203.0.113.4 198.51.100.9 80 4000 1 1 0 5
before=$(full_state)
hx apply "$CLI_TMP/saved.conf"
check "apply of save's output: 3 kept, nothing else" eval \
	'[ "$RC" -eq 0 ] && grep -q "0 attached, 0 detached; forwards 0 added, 0 changed, 0 removed, 3 kept; settings unchanged; 0 sessions closed" "$OUT"'
check "apply of save's output: not a map entry changed" eval '[ "$before" = "$(full_state)" ]'
hx apply "$A"
check "the same file again: not a map entry changed (counters, sessions)" eval \
	'[ "$RC" -eq 0 ] && [ "$before" = "$(full_state)" ]'

# A changed file: rule 0 stays (its session and counters too), rule 1 goes,
# rule 2 gets another allow list (its list id moves to 5), a new rule comes.
B=$(conf b.conf <<'EOF'
attach lan0 wan0 --snat-ports 62000-63000
forward tcp wan0:80 192.168.0.2:80
forward tcp wan0:2222 192.168.0.2:22 --allow 198.51.100.0/24
forward tcp 203.0.113.4:8080 192.168.0.3:80 --hairpin off
EOF
)
expect_ok "apply a changed file" apply "$B"
check "changed: 1 added, 1 changed, 1 removed, 1 kept, settings changed" eval \
	'grep -q "forwards 1 added, 1 changed, 1 removed, 1 kept; settings changed" "$OUT"'
check "changed: rule 0 kept, rule 2 kept with list 5, the new rule takes id 3" lines_equal \
	"$(printf '%s\n' \
		'0 tcp wan0:80-80 192.168.0.2:80-80 hairpin=0 flags=3' \
		'2 tcp wan0:2222-2222 192.168.0.2:22-22 hairpin=0 flags=7' \
		'3 tcp 203.0.113.4:8080-8080 192.168.0.3:80-80 hairpin=2 flags=1')" "$(rule_slots)"
check "changed: the new allow list whole, the old one gone" lines_equal \
	'list=5 198.51.100.0/24 value=1' "$(allow_entries)"
check "changed: no entry of the removed range" eval '! grep -q "^udp " <<<"$(fwd_entries)"'
hx sessions --json
check "changed: rule 0's session kept" json_eval "[s['rule_id'] for s in j] == [0]"
hx forward list --json
check "changed: rule 0's counters kept" json_eval "j[0]['rule_id'] == 0 and j[0]['packets'] == 7 * $(possible_cpus)"
hx config
check "changed: settings not in the file are back to the defaults" eval 'grep -qE "^udp +120s$" "$OUT"'

# A port the file no longer names is detached; the forward of its address
# stays (literal addresses do not depend on an attachment).
C=$(conf c.conf <<'EOF'
attach lan0
forward tcp wan0:80 192.168.0.2:80
EOF
)
expect_ok "apply: wan0 no longer attached" apply "$C"
check "wan0 detached, lan0 attached" eval 'no_trace wan0 && has_xdp lan0'
check "the interface forward still follows wan0's address" eval \
	'grep -q "^tcp 203.0.113.4:80 " <<<"$(fwd_entries)"'
expect_ok "apply B again" apply "$B"

# Bad input: one line naming FILE:LINE, nothing changed.
bad() {
	local name=$1 re=$2 file
	file=$(conf bad.conf)
	expect_fail "bad input: $name" "^hairpin-xdp: ${file//./\\.}:$re" apply "$file"
}
bad "unknown statement" "2: unknown statement 'atach' \(expected attach, forward or config\)$" <<'EOF'
attach lan0
atach wan0
EOF
bad "unknown option" "1: attach: unknown option '--bogus'" <<<'attach lan0 wan0 --bogus'
bad "unknown interface" "1: nope0: no such interface$" <<<'attach lan0 nope0'
bad "interface twice" "2: attach: lan0 is attached on line 1 already$" <<<$'attach lan0\nattach lan0'
bad "bad address" "1: bad address '192.168.0:80'" <<<'forward tcp wan0:80 192.168.0:80'
bad "bad protocol" "1: bad protocol 'sctp'" <<<'forward sctp wan0:80 192.168.0.2:80'
bad "missing words" "1: forward: expected tcp\|udp EXT:PORT\[-LAST\] INT_IP:PORT\[-LAST\]$" \
	<<<'forward tcp wan0:80'
bad "overlapping ranges" "3: forward tcp 203\.0\.113\.4:8005-8020 overlaps forward tcp 203\.0\.113\.4:8000-8010 on line 2 \(port 8005\)$" \
	<<<$'attach lan0\nforward tcp 203.0.113.4:8000-8010 192.168.0.2:80\nforward tcp 203.0.113.4:8005-8020 192.168.0.2:81'
bad "an interface's address clashing with a literal rule" "3: forward tcp 203\.0\.113\.4:80 overlaps forward tcp wan0:80 on line 2 \(port 80, with the addresses the interfaces have now\)$" \
	<<<$'attach lan0\nforward tcp wan0:80 192.168.0.2:80\nforward tcp 203.0.113.4:80 192.168.0.3:80'
bad "two --snat-ports" "2: attach: --snat-ports 1000-2000, but 62000-63000 on line 1$" \
	<<<$'attach lan0 --snat-ports 62000-63000\nattach wan0 --snat-ports 1000-2000'
bad "switch both ways" "3: config: --fast-path on, but off on line 1$" \
	<<<$'config --fast-path off\nattach lan0\nconfig --fast-path on'
bad "a table size that needs a reload" " --max-sessions 1000 needs new session tables \(loaded with 262144\)" \
	<<<'attach lan0 --max-sessions 1000'
bad "a global option in a file" "1: attach: unknown option '--bpffs'" <<<'attach lan0 --bpffs /tmp'
bad "a mode change of an attached port" "1: lan0 is attached in native mode" <<<'attach lan0 --mode generic'
expect_fail "a file that is not there" "^hairpin-xdp: cannot read $CLI_TMP/none\.conf: No such file or directory$" \
	apply "$CLI_TMP/none.conf"
bad "--check of a bad file" "1: unknown statement 'frob'" <<<'frob'

# A step failing half way (the test build's fault points) rolls back whole.
D=$(conf d.conf <<'EOF'
attach lan0 wan0
forward tcp wan0:443 192.168.0.2:443 --allow 10.0.0.0/8
forward udp wan0:53 192.168.0.2:53
config --fast-path off
EOF
)
for step in apply:attached apply:config apply:allow apply:slots reconcile:forwards reconcile:allow \
	apply:rules apply:detached; do
	export HAIRPIN_XDP_FAULT=$step
	expect_fail "failure at $step: all rolled back" "^hairpin-xdp: injected fault at $step$" apply "$D"
	unset HAIRPIN_XDP_FAULT
	hx config
	check "failure at $step: settings rolled back too" eval 'grep -qE "^fast-path +on$" "$OUT"'
done
expect_ok "and without a fault it applies" apply "$D"

expect_ok "detach --all" detach --all
check "nothing left" eval '[ ! -e "$PIN" ] && no_trace lan0 && no_trace wan0'
asan_report "apply: no sanitizer reports"
