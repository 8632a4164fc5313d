#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# forward list, sessions, stats and config, as text and as JSON. Counters and
# sessions are written into the pinned maps with bpftool, so the expected
# numbers are known exactly without traffic.
. "$(dirname "$0")/lib.bash"
cli_setup show

veth_pair v0 v1 192.168.0.1/24
hx attach v0

# Possible CPUs: bpftool writes the same value on each, the tool sums them.
ncpu=$(possible_cpus)

expect_ok "forward add tcp (rule 0)" forward add tcp 203.0.113.4:80 192.168.0.2:80
expect_ok "forward add udp --hairpin external (rule 1)" forward add udp 203.0.113.4:5353 192.168.0.2:53 --hairpin external

# Rule 0 counters: 7 packets, 700 bytes, 1 session per CPU.
bpftool map update pinned "$PIN/maps/hp_rule_stats" key 0 0 0 0 \
	value $(hexb "struct.pack('=QQQ', 7, 700, 1)")
hx forward list
check "forward list: header" eval 'head -1 "$OUT" | grep -qE "^PROTO +EXTERNAL +INTERNAL +HAIRPIN +PACKETS +BYTES +SESSIONS +ALLOW$"'
check "forward list: tcp rule with summed counters" eval \
	'grep -qE "^tcp +203\.0\.113\.4:80 +192\.168\.0\.2:80 +internal +$((7 * ncpu)) +$((700 * ncpu)) +$ncpu +any$" "$OUT"'
check "forward list: udp rule, hairpin external" eval \
	'grep -qE "^udp +203\.0\.113\.4:5353 +192\.168\.0\.2:53 +external +0 +0 +0 +any$" "$OUT"'
hx forward list --json
check "forward list --json: valid" json_valid
check "forward list --json: two rules with fields" json_eval \
	"len(j) == 2 and j[0] == {'rule_id': 0, 'proto': 'tcp', 'external': '203.0.113.4:80', 'internal': '192.168.0.2:80', 'ports': 1, 'hairpin': 'internal', 'allow': None, 'packets': 7 * $ncpu, 'bytes': 700 * $ncpu, 'sessions': $ncpu, 'active': True, 'inactive_reason': None}"

# Sessions: one hairpin TCP flow (two entries) of rule 0, one UDP flow of rule 1.
session 192.168.0.3 203.0.113.4 1025 80 6 192.168.0.1 192.168.0.2 61000 80 1 6 0 5
session 192.168.0.2 192.168.0.1 80 61000 6 203.0.113.4 192.168.0.3 80 1025 1 7 0 5
session 198.51.100.7 203.0.113.4 4000 5353 17 198.51.100.7 192.168.0.2 4000 53 3 0 1 10
session 192.168.0.2 198.51.100.7 53 4000 17 203.0.113.4 198.51.100.7 5353 4000 3 1 1 10

# idle_left PATTERN TIMEOUT MIN_IDLE: the line matching PATTERN has idle +
# timeout left == TIMEOUT and an idle time from MIN_IDLE to MIN_IDLE + 60
# (the test's own run time bounds it).
idle_left() {
	local line idle left
	line=$(grep -E "$1" "$OUT") || { WHY="no line /$1/ in: $(cat "$OUT")"; return 1; }
	idle=$(sed -E 's/.* idle=([0-9]+)s .*/\1/' <<<"$line")
	left=$(sed -E 's/.* timeout=([0-9]+)s$/\1/' <<<"$line")
	[ $((idle + left)) -eq "$2" ] && [ "$idle" -ge "$3" ] && [ "$idle" -le $(($3 + 60)) ] ||
		{ WHY="idle $idle + left $left != $2 (or idle out of range): $line"; return 1; }
}

hx sessions
check "sessions: two flows (reply entries not listed)" eval '[ "$(tail -1 "$OUT")" = "2 sessions" ] && [ "$(wc -l <"$OUT")" -eq 3 ]'
check "sessions: the hairpin TCP flow, established, idle 5 s, 7435 s left" eval \
	'idle_left "^tcp established 192\.168\.0\.3:1025 -> 203\.0\.113\.4:80 => 192\.168\.0\.1:61000 -> 192\.168\.0\.2:80 hairpin=yes rule=0 idle=[0-9]+s timeout=[0-9]+s$" 7440 5'
check "sessions: one-way UDP uses udp-oneway (30 s)" eval \
	'idle_left "^udp udp +198\.51\.100\.7:4000 -> 203\.0\.113\.4:5353 => 198\.51\.100\.7:4000 -> 192\.168\.0\.2:53 hairpin=no rule=1 idle=[0-9]+s timeout=[0-9]+s$" 30 10'
hx sessions --json
check "sessions --json: valid" json_valid
check "sessions --json: fields of the TCP flow" json_eval \
	"sorted(s['proto'] for s in j) == ['tcp', 'udp'] and [s for s in j if s['proto'] == 'tcp'][0]['xlat_src'] == '192.168.0.1:61000' and [s for s in j if s['proto'] == 'tcp'][0]['hairpin'] is True"

# Stats: every counter by name, sums over CPUs, rules, gc.
bpftool map update pinned "$PIN/maps/hp_stats" key 0 0 0 0 value $(hexb "struct.pack('=Q', 3)")
hx stats
check "stats: xdp_fast_tx summed over CPUs with its description" eval \
	'grep -qE "^xdp_fast_tx +$((3 * ncpu)) +translated, sent back out the same port" "$OUT"'
check "stats: every counter of counters.h listed" eval \
	'for c in $(grep -oE "X\([A-Z_]+, \"[a-z_]+\"" "$CLI_ROOT/include/hairpin/counters.h" | cut -d\" -f2); do grep -q "^$c " "$OUT" || { WHY="missing $c"; exit 1; }; done'
check "stats: rules and gc sections" eval 'grep -qE "^tcp +203\.0\.113\.4:80 " "$OUT" && grep -qE "^gc: [0-9]+ runs, [0-9]+ sessions removed$" "$OUT"'
hx stats --json
check "stats --json: valid" json_valid
check "stats --json: counters, rules, gc" json_eval \
	"j['counters']['xdp_fast_tx'] == 3 * $ncpu and j['counters']['drop_table_full'] == 0 and len(j['rules']) == 2 and 'runs' in j['gc']"

# forward del closes the rule's sessions (both entries), not the others.
expect_ok "forward del tcp" forward del tcp 203.0.113.4:80
hx sessions --json
check "forward del removed the rule's sessions only" json_eval "[s['proto'] for s in j] == ['udp']"
check "forward del removed the reply entry too" eval \
	'[ "$(bpftool -j map dump pinned "$PIN/maps/hp_sessions" | python3 -c "import json,sys; print(len(json.load(sys.stdin)))")" = 2 ]'

# A reused rule id starts from zero.
expect_ok "forward add reuses rule 0" forward add tcp 203.0.113.4:8080 192.168.0.2:80
hx forward list --json
check "reused rule id: counters reset" json_eval \
	"[(r['rule_id'], r['external'], r['packets']) for r in j] == [(0, '203.0.113.4:8080', 0), (1, '203.0.113.4:5353', 0)]"

# config: the fast path flag and timeouts, read back from hp_config.
hx config
check "config: defaults" eval 'grep -qE "^fast-path +on$" "$OUT" && grep -qE "^snat-ports +61000-65535$" "$OUT" && grep -qE "^tcp-established +7440s$" "$OUT"'
expect_ok "config --fast-path off" config --fast-path off
check "hp_config flags has HP_CF_NO_FAST_PATH" eval \
	'grep -q "\"flags\": 1" <<<"$(bpftool map dump pinned "$PIN/maps/hp_config")"'
hx config --json
check "config --json: fast_path false" eval 'json_valid && json_eval "j[\"fast_path\"] is False and j[\"timeouts\"][\"udp\"] == 120"'
expect_ok "config --fast-path on --timeout udp=60 --timeout udp-oneway=100" \
	config --fast-path on --timeout udp=60 --timeout udp-oneway=100
check "config: fast path back on, udp timeouts 60 and 100" eval \
	'grep -q "\"flags\": 0" <<<"$(bpftool map dump pinned "$PIN/maps/hp_config")" &&
	grep -qE "^udp +60s$" "$OUT" && grep -qE "^udp-oneway +100s$" "$OUT"'
expect_ok "config --nexthop-cache off" config --nexthop-cache off
check "hp_config flags has HP_CF_NO_NEXTHOP_CACHE only" eval \
	'grep -q "\"flags\": 2" <<<"$(bpftool map dump pinned "$PIN/maps/hp_config")" &&
	grep -qE "^nexthop-cache +off$" "$OUT" && grep -qE "^fast-path +on$" "$OUT"'
hx config --json
check "config --json: nexthop_cache false, fast_path true" eval \
	'json_valid && json_eval "j[\"nexthop_cache\"] is False and j[\"fast_path\"] is True"'
expect_ok "config --nexthop-cache on" config --nexthop-cache on
check "config: next-hop cache back on" eval \
	'grep -q "\"flags\": 0" <<<"$(bpftool map dump pinned "$PIN/maps/hp_config")"'
hx sessions
check "sessions: remaining timeout follows the config (udp-oneway 100)" \
	idle_left "^udp udp .* rule=1 " 100 10
expect_fail "attach --no-fast-path on a loaded instance points to config" \
	'config --fast-path off' attach v0 --no-fast-path

expect_ok "detach --all" detach --all
check "nothing left" eval '[ ! -e "$PIN" ]'

# First load options: a fresh attach applies them.
expect_ok "attach with load options" attach v0 --snat-ports 20000-20999 --max-sessions 1000 \
	--no-fast-path --timeout tcp-established=600
hx config --json
check "load options applied to hp_config" json_eval \
	"(j['snat_port_lo'], j['snat_port_hi'], j['max_sessions'], j['fast_path'], j['timeouts']['tcp-established']) == (20000, 20999, 1000, False, 600)"
check "--max-sessions sizes hp_sessions (2 entries per session)" eval \
	'grep -q "max_entries 2000" <<<"$(bpftool map show pinned "$PIN/maps/hp_sessions")"'
expect_ok "attach again with the same options" attach v0 --snat-ports 20000-20999 --max-sessions 1000
expect_ok "detach --all" detach --all

asan_report "show: no sanitizer reports"
