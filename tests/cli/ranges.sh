#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Port ranges: one hp_forwards entry per external port, all with the rule's
# id and range; port to port or onto one internal port; listed as one rule
# with its counters summed; added all or nothing (a clash anywhere in the
# range inserts nothing); deleted whole, by exactly the range it was given.
# shellcheck source=tests/cli/lib.bash
. "$(dirname "$0")/lib.bash"
cli_setup ranges

veth_pair v0 v1 192.168.0.1/24
hx attach v0

# entries PROTO EXT_IP FIRST LAST INT_IP INT_FIRST INT_LAST RULE [FLAGS]:
# the fwd_entries lines such a rule must have.
entries() {
	local p
	for ((p = $3; p <= $4; p++)); do
		if [ "$6" = "$7" ]; then
			echo "$1 $2:$p $5:$6 rule=$8 allow=$((2 * $8)) hairpin=0 flags=${9:-0}"
		else
			echo "$1 $2:$p $5:$(($6 + p - $3)) rule=$8 allow=$((2 * $8)) hairpin=0 flags=${9:-0}"
		fi
	done
}
rule_entries() { fwd_entries | grep "^$1 $2:" || true; }

# Port to port.
expect_ok "range port to port" forward add tcp 203.0.113.4:8000-8010 192.168.0.2:9000-9010
check "one entry per external port, int_port = its own" \
	lines_equal "$(entries tcp 203.0.113.4 8000 8010 192.168.0.2 9000 9010 0)" \
	"$(rule_entries tcp 203.0.113.4)"
check "hp_rules slot 0 holds the whole ranges" lines_equal \
	"0 tcp 203.0.113.4:8000-8010 192.168.0.2:9000-9010 hairpin=0 flags=1" "$(rule_slots)"

# A whole range onto one port.
expect_ok "range onto one internal port" forward add udp 203.0.113.4:5000-5004 192.168.0.2:53
check "every entry maps to port 53" \
	lines_equal "$(entries udp 203.0.113.4 5000 5004 192.168.0.2 53 53 1)" \
	"$(rule_entries udp 203.0.113.4)"
check "hp_rules slot 1: the range onto one port (53-53)" eval \
	'grep -qx "1 udp 203.0.113.4:5000-5004 192.168.0.2:53-53 hairpin=0 flags=1" <<<"$(rule_slots)"'

# Single ports work as before: first == last.
expect_ok "single port" forward add tcp 203.0.113.5:80 192.168.0.2:80
check "single port: one entry, slot 2 ext=80-80 int=80-80" eval \
	'[ "$(rule_entries tcp 203.0.113.5)" = "tcp 203.0.113.5:80 192.168.0.2:80 rule=2 allow=4 hairpin=0 flags=0" ] &&
	grep -qx "2 tcp 203.0.113.5:80-80 192.168.0.2:80-80 hairpin=0 flags=1" <<<"$(rule_slots)"'
expect_ok "same range, other protocol" forward add udp 203.0.113.4:8000-8010 192.168.0.3:8000-8010
expect_ok "same ports, other address" forward add tcp 203.0.113.6:8000-8010 192.168.0.3:80
check "11 + 5 + 1 + 11 + 11 entries in all" eval '[ "$(fwd_entries | wc -l)" -eq 39 ]'

# Listing: one line per rule, ranges as ranges.
hx forward list
check "list: the range rule as one line" eval \
	'[ "$(grep -c "203\.0\.113\.4:8000-8010" "$OUT")" -eq 2 ] &&
	grep -qE "^tcp +203\.0\.113\.4:8000-8010 +192\.168\.0\.2:9000-9010 +internal +0 +0 +0 +any$" "$OUT"'
check "list: range onto one port" eval \
	'grep -qE "^udp +203\.0\.113\.4:5000-5004 +192\.168\.0\.2:53 +internal +0 +0 +0 +any$" "$OUT"'
check "list: single port unchanged" eval \
	'grep -qE "^tcp +203\.0\.113\.5:80 +192\.168\.0\.2:80 +internal " "$OUT"'
check "list: 5 rules and the header" eval '[ "$(wc -l <"$OUT")" -eq 6 ]'
hx forward list --json
check "list --json: valid" json_valid
check "list --json: the range rule" json_eval \
	"j[0] == {'rule_id': 0, 'proto': 'tcp', 'external': '203.0.113.4:8000-8010', 'internal': '192.168.0.2:9000-9010', 'ports': 11, 'hairpin': 'internal', 'allow': None, 'packets': 0, 'bytes': 0, 'sessions': 0, 'active': True, 'inactive_reason': None}"
check "list --json: onto one port, and the single port" json_eval \
	"(j[1]['external'], j[1]['internal'], j[1]['ports']) == ('203.0.113.4:5000-5004', '192.168.0.2:53', 5) and (j[2]['external'], j[2]['ports']) == ('203.0.113.5:80', 1)"

# Counters are per rule id: summed over CPUs once per rule, not per entry.
ncpu=$(possible_cpus)
# shellcheck disable=SC2046
bpftool map update pinned "$PIN/maps/hp_rule_stats" key 0 0 0 0 \
	value $(hexb "struct.pack('=QQQ', 1, 100, 1)")
hx forward list --json
check "list --json: rule 0 counters summed over CPUs only" json_eval \
	"(j[0]['packets'], j[0]['bytes'], j[0]['sessions']) == ($ncpu, 100 * $ncpu, $ncpu)"
hx stats --json
check "stats --json: one row per rule" json_eval "len(j['rules']) == 5 and j['rules'][0]['external'] == '203.0.113.4:8000-8010'"

# Bad ranges: one line, nothing inserted (the snapshot covers the maps).
expect_fail "mismatched range lengths" \
	'^hairpin-xdp: port ranges differ in length: 203\.0\.113\.7:8000-8010 has 11 ports, 192\.168\.0\.2:9000-9005 has 6 ' \
	forward add tcp 203.0.113.7:8000-8010 192.168.0.2:9000-9005
expect_fail "one external port onto an internal range" 'has 1 port, 192\.168\.0\.2:9000-9001 has 2' \
	forward add tcp 203.0.113.7:80 192.168.0.2:9000-9001
expect_fail "range backwards" "bad port range in '203\.0\.113\.7:8010-8000'" \
	forward add tcp 203.0.113.7:8010-8000 192.168.0.2:80
expect_fail "range from 0" 'bad port range' forward add tcp 203.0.113.7:0-5 192.168.0.2:80
expect_fail "range past 65535" 'bad port range' forward add tcp 203.0.113.7:65530-65536 192.168.0.2:80
expect_fail "range without its end" 'bad port range' forward add tcp 203.0.113.7:8000- 192.168.0.2:80
expect_fail "bad internal range" "bad port range in '192\.168\.0\.2:9-x'" \
	forward add tcp 203.0.113.7:8000-8001 192.168.0.2:9-x

# Overlaps anywhere in the range: the clash is named, nothing is inserted.
expect_fail "overlap at the start of the existing range" \
	'^hairpin-xdp: forward tcp 203\.0\.113\.4:8005-8020 overlaps forward tcp 203\.0\.113\.4:8000-8010 \(port 8005\)$' \
	forward add tcp 203.0.113.4:8005-8020 192.168.0.2:9000
check "overlap: none of 8011-8020 inserted" eval '! grep -qE "^tcp 203\.0\.113\.4:80(1[1-9]|20) " <<<"$(fwd_entries)"'
expect_fail "overlap at the end of the new range" \
	'overlaps forward tcp 203\.0\.113\.4:8000-8010 \(port 8000\)$' \
	forward add tcp 203.0.113.4:7990-8000 192.168.0.2:9000
expect_fail "range around a single-port rule" \
	'forward tcp 203\.0\.113\.5:70-90 overlaps forward tcp 203\.0\.113\.5:80 \(port 80\)$' \
	forward add tcp 203.0.113.5:70-90 192.168.0.2:80
expect_fail "same range again" '^hairpin-xdp: forward tcp 203\.0\.113\.4:8000-8010 already exists$' \
	forward add tcp 203.0.113.4:8000-8010 192.168.0.9:80
expect_fail "one port inside a range" 'forward tcp 203\.0\.113\.4:8003 overlaps forward tcp 203\.0\.113\.4:8000-8010 \(port 8003\)' \
	forward add tcp 203.0.113.4:8003 192.168.0.9:80

# More ports than hp_forwards has room for (65536 entries, 39 used).
expect_fail "range that does not fit in hp_forwards" \
	'^hairpin-xdp: forward tcp 203\.0\.113\.9:1-65535 needs 65535 entries in hp_forwards; 65497 of 65536 are free$' \
	forward add tcp 203.0.113.9:1-65535 192.168.0.2:80

# del takes a rule by exactly what it was added with.
expect_fail "del of one port of a range" \
	'^hairpin-xdp: forward tcp 203\.0\.113\.4:8005 does not exist; it is part of forward tcp 203\.0\.113\.4:8000-8010 \(delete a forward by its whole range\)$' \
	forward del tcp 203.0.113.4:8005
expect_fail "del of the first port only" 'tcp 203\.0\.113\.4:8000 does not exist; it is part of' \
	forward del tcp 203.0.113.4:8000
expect_fail "del of part of a range" 'tcp 203\.0\.113\.4:8000-8005 does not exist; it is part of' \
	forward del tcp 203.0.113.4:8000-8005
expect_fail "del of a range wider than the rule" \
	'tcp 203\.0\.113\.4:7000-8000 does not exist; it overlaps forward tcp 203\.0\.113\.4:8000-8010' \
	forward del tcp 203.0.113.4:7000-8000
expect_fail "del of a range with no rule" '^hairpin-xdp: forward tcp 203\.0\.113\.4:100-200 does not exist$' \
	forward del tcp 203.0.113.4:100-200

# A session of rule 0 and one of rule 1: del closes only rule 0's.
session 198.51.100.7 203.0.113.4 4000 8003 6 198.51.100.7 192.168.0.2 4000 9003 1 0 0 1
session 198.51.100.7 203.0.113.4 4000 5001 17 198.51.100.7 192.168.0.2 4000 53 3 0 1 1
hx --json forward del tcp 203.0.113.4:8000-8010
check "del of the whole range: JSON" eval \
	'[ "$RC" -eq 0 ] && json_valid && json_eval "j == {\"rule_id\": 0, \"sessions_deleted\": 1, \"allow_entries_deleted\": 0}"'
check "del: all 11 entries gone, the udp rule on the same ports kept" eval \
	'[ -z "$(rule_entries tcp 203.0.113.4)" ] && [ "$(fwd_entries | grep -c "^udp 203\.0\.113\.4:80")" -eq 11 ]'
hx sessions --json
check "del: rule 0's session gone, rule 1's kept" json_eval "[s['rule_id'] for s in j] == [1]"
expect_ok "del of a range onto one port" forward del udp 203.0.113.4:5000-5004
expect_ok "del of a single port" forward del tcp 203.0.113.5:80
check "del: 22 entries left (rules 3 and 4)" eval '[ "$(fwd_entries | wc -l)" -eq 22 ]'

# The smallest free id is reused, with its counters reset.
expect_ok "re-add: gets rule 0 again" forward add tcp 203.0.113.4:8000-8001 192.168.0.2:80
hx forward list --json
check "re-add: rule 0, counters zero" json_eval \
	"(j[0]['rule_id'], j[0]['external'], j[0]['packets'], j[0]['ports']) == (0, '203.0.113.4:8000-8001', 0, 2)"

expect_ok "detach --all" detach --all
check "nothing left" eval '[ ! -e "$PIN" ]'
asan_report "ranges: no sanitizer reports"
