#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# metrics after real traffic: HTTP through the public address from the
# internet and from the LAN (hairpin), then the exposition, parsed by
# prometheus_client (tests/lib/promparse.py), holds the same values as
# stats --json and sessions for the same state, and metrics --listen in the
# router namespace serves it to curl. Control: after more traffic the old
# exposition no longer matches, so the comparison can fail.
# shellcheck source=tests/lib/integration.sh
. "$(dirname "$0")/../lib/integration.sh"
# One variant: the metrics do not depend on offloads.
HP_VARIANTS=${HP_VARIANTS:-offload}

# snapshot DIR: stats --json, metrics, stats --json again, sessions --json,
# until the two stats agree (the sweeper or a stray ARP may count between).
snapshot() {
	local d=$1 try
	mkdir -p "$d"
	for try in 1 2 3 4 5; do
		hp stats --json >"$d/stats.json" && hp metrics >"$d/metrics.txt" &&
			hp sessions --json >"$d/sessions.json" && hp stats --json >"$d/stats2.json" || return 1
		"$PYTHON" -c '
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:])
sys.exit(a["counters"] != b["counters"] or a["rules"] != b["rules"])' "$d/stats.json" "$d/stats2.json" && return 0
		sleep 0.5
	done
	echo "stats kept changing" >&2
	return 1
}

# agrees DIR [STATS_DIR]: DIR's exposition says what STATS_DIR's (default
# the same) stats --json and sessions --json say.
agrees() {
	local s=${2:-$1}
	"$PYTHON" "$HP_ROOT/tests/lib/promparse.py" "$1/metrics.txt" >"$1/metrics.json" || return 1
	"$PYTHON" -c '
import collections, json, sys
m, st, ss = (json.load(open(f)) for f in sys.argv[1:])
def vals(fam):
    return m[fam]["samples"]
reasons = {s[1]["reason"]: s[2] for f in m.values() for s in f["samples"] if "reason" in s[1]}
bad = [k for k in st["counters"] if reasons.get(k) != st["counters"][k]]
bad += ["rule %s %s" % (r["rule_id"], f) for r in st["rules"] for f in ("packets", "bytes", "sessions")
        if [s[2] for s in vals("hairpin_xdp_rule_%s_total" % f) if s[1]["rule_id"] == str(r["rule_id"])] != [r[f]]]
states = collections.Counter(s["state"] for s in ss)
bad += ["state " + s[1]["state"] for s in vals("hairpin_xdp_sessions") if s[2] != states.get(s[1]["state"], 0)]
if vals("hairpin_xdp_snat_ports_in_use")[0][2] != sum(1 for s in ss if s["hairpin"]):
    bad.append("snat ports in use")
if vals("hairpin_xdp_sweeper_runs_total")[0][2] < st["gc"]["runs"]:
    bad.append("sweeper runs")
if bad or len(reasons) != len(st["counters"]):
    sys.exit("differ: %s" % bad[:5])' "$1/metrics.json" "$s/stats.json" "$s/sessions.json"
}

# metric DIR FAMILY [LABEL=VALUE]: the value of one sample, from DIR's parse.
metric() {
	"$PYTHON" -c '
import json, sys
m = json.load(open(sys.argv[1]))
want = dict(a.split("=", 1) for a in sys.argv[3:])
print(int(sum(s[2] for s in m[sys.argv[2]]["samples"] if all(s[1].get(k) == v for k, v in want.items()))))' \
		"$1/metrics.json" "${@:2}"
}
gt0() { [ "$("$@")" -gt 0 ]; }
eq() { [ "$(metric "$1" "$2" "${@:4}")" = "$3" ]; }

scrape() {
	in_ns router curl -sS --max-time 5 -o "$HP_TMP/scrape/metrics.txt" -w '%{http_code}' \
		http://127.0.0.1:9100/metrics >"$HP_TMP/scrape/code" && [ "$(cat "$HP_TMP/scrape/code")" = 200 ]
}

cases() {
	serve_http || { not_ok "$(t 'http server')" "did not start"; return; }
	check "$(t 'attach lan0 wan0')" hp attach lan0 wan0
	check "$(t 'forward add tcp')" publish
	check "$(t 'internet client: GET through the public address')" get_ok inet
	check "$(t 'LAN client: GET through the public address (hairpin)')" get_ok client

	local a=$HP_TMP/a b=$HP_TMP/b
	check "$(t 'a settled snapshot: stats, metrics, sessions')" snapshot "$a"
	check "$(t 'metrics agree with stats --json and sessions: every reason, the rule, states, SNAT ports')" agrees "$a"
	check "$(t 'the traffic shows: translated packets, rule bytes, 2 sessions')" eval \
		"gt0 metric $a hairpin_xdp_ingress_translated_packets_total && gt0 metric $a hairpin_xdp_rule_bytes_total rule_id=0 && eq $a hairpin_xdp_rule_sessions_total 2 rule_id=0"
	check "$(t 'the hairpin flow holds one SNAT port')" eq "$a" hairpin_xdp_snat_ports_in_use 1
	check "$(t 'the rule is labelled as forward list shows it')" eq "$a" hairpin_xdp_rule_sessions_total 2 \
		rule_id=0 proto=tcp external="$PUB:$HTTP_PORT" internal="$SERVER:$HTTP_PORT"

	# Control: more traffic, and the old exposition no longer agrees.
	check "$(t 'LAN client: GET again')" get_ok client
	check "$(t 'a second snapshot')" snapshot "$b"
	check "$(t 'control: the first exposition disagrees with the second stats')" negate agrees "$a" "$b"
	check "$(t 'the second agrees with its own')" agrees "$b"

	mkdir -p "$HP_TMP/scrape"
	hp_bg router metrics-listen.log "$HAIRPIN_XDP" --bpffs "$HP_PINS" metrics --listen 127.0.0.1:9100
	local srv=${HP_PIDS[-1]}
	check "$(t 'metrics --listen 127.0.0.1:9100 in the router namespace: curl gets 200')" wait_for 50 scrape
	check "$(t 'the scrape parses and agrees with stats --json')" eval \
		"snapshot $HP_TMP/c && cp $HP_TMP/scrape/metrics.txt $HP_TMP/c/metrics.txt && agrees $HP_TMP/c"
	check "$(t 'GET /other: 404')" eval \
		"[ \"\$(in_ns router curl -sS --max-time 5 -o /dev/null -w '%{http_code}' http://127.0.0.1:9100/other)\" = 404 ]"
	kill -TERM "$srv"
	check "$(t 'SIGTERM ends the exporter')" eval "wait $srv"
}

run_variants cases
