#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# metrics: the Prometheus text exposition, parsed by a real parser
# (prometheus_client, tests/lib/promparse.py) and compared with stats --json
# for the same state; counters, sessions and the sweeper written into the
# pinned maps with bpftool, so every value is known. Then metrics --listen
# in the router namespace, scraped with curl: 200 with the same body, 404,
# 405, HEAD, an oversized and a silent request, concurrent scrapes, IPv6,
# SIGTERM. Each check of the parser has a control that breaks it.
. "$(dirname "$0")/lib.bash"
# Debian's python3 (it has python3-prometheus-client), not a user's shim.
export PATH=/usr/bin:$PATH
cli_setup metrics
PY=/usr/bin/python3
PROM="$PY $CLI_ROOT/tests/lib/promparse.py"
SRV_PIDS=()
stop_servers() {
	local p
	for p in "${SRV_PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	cli_cleanup
}
trap stop_servers EXIT

if ! $PY -c 'import prometheus_client' 2>/dev/null; then
	echo "not ok - metrics: python3-prometheus-client is not installed (tests/lib/deps.sh)"
	exit 0
fi

# No IPv6 on the links: no router solicitation moves a counter between two reads.
in_ns sysctl -qw net.ipv6.conf.default.disable_ipv6=1
veth_pair v0 v1 192.168.0.1/24
expect_ok "attach v0" attach v0
ncpu=$(possible_cpus)

expect_ok "forward add tcp (rule 0)" forward add tcp 203.0.113.4:80 192.168.0.2:80
# An interface whose name needs escaping in a label: '"' and '\' are allowed in one.
WEIRD='w"\x'
in_ns ip link add "$WEIRD" type veth peer name wpeer
expect_ok "forward add on interface w\"\\x (rule 1)" forward add udp "$WEIRD:5353" 192.168.0.2:53
# A newline can be in no interface name: rule 2 is written straight into hp_rules.
bpftool map update pinned "$PIN/maps/hp_rules" key 2 0 0 0 value $(hexb \
	"struct.pack('=BBBBIIHHHH16s', 3, 6, 0, 0, 0, struct.unpack('=I', $(ip4 192.168.0.2))[0], 9000, 9000, 80, 80, b'n\\nl')")

# Counters: counter i is i+1 on every CPU, rule 0 has 7 packets, 700 bytes, 1 session per CPU.
batch=$CLI_TMP/batch
ncounters=$(grep -cE '^[[:space:]]*X\([A-Z_0-9]+, "' "$CLI_ROOT/include/hairpin/counters.h")
$PY -c '
import struct, sys
hexs = lambda b: "hex " + " ".join("%02x" % c for c in b)
pin, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    print("map update pinned %s/maps/hp_stats key %s value %s" % (pin, hexs(struct.pack("=I", i)), hexs(struct.pack("=Q", i + 1))))
print("map update pinned %s/maps/hp_rule_stats key 0 0 0 0 value %s" % (pin, hexs(struct.pack("=QQQ", 7, 700, 1))))
' "$PIN" "$ncounters" >"$batch"
check "counters written" eval 'bpftool batch file "$batch" >/dev/null'
# Sessions: two hairpin TCP flows to the same server port (ports 61000 and
# 61001), one UDP flow. The sweeper: 11 runs, 22 removed, 1.5 s, 33 entries.
session 192.168.0.3 203.0.113.4 1025 80 6 192.168.0.1 192.168.0.2 61000 80 1 6 0 5
session 192.168.0.2 192.168.0.1 80 61000 6 203.0.113.4 192.168.0.3 80 1025 1 7 0 5
session 192.168.0.4 203.0.113.4 1026 80 6 192.168.0.1 192.168.0.2 61001 80 0 2 0 1
session 192.168.0.2 192.168.0.1 80 61001 6 203.0.113.4 192.168.0.4 80 1026 0 3 0 1
session 198.51.100.7 203.0.113.4 4000 5353 17 198.51.100.7 192.168.0.2 4000 53 3 0 1 10
session 192.168.0.2 198.51.100.7 53 4000 17 203.0.113.4 198.51.100.7 5353 4000 3 1 1 10
bpftool map update pinned "$PIN/maps/hp_gc" key 0 0 0 0 value $(hexb \
	"bytes(32) + struct.pack('=QQQQII', 11, 22, 1500000000, 33, 0, 0)")

expect_ok "metrics" metrics
cp "$OUT" "$CLI_TMP/metrics.txt"
expect_ok "stats --json" stats --json
cp "$OUT" "$CLI_TMP/stats.json"

# prom EXPR: EXPR (python) is true; `m` is promparse.py's JSON of the
# exposition, `st` the stats --json of the same state, `v(family, **labels)`
# the one value of a sample.
PARSED=
prom() {
	local sum
	sum=$(cksum <"$CLI_TMP/metrics.txt")
	if [ "$sum" != "$PARSED" ]; then
		PARSED=
		$PROM "$CLI_TMP/metrics.txt" >"$CLI_TMP/metrics.json" 2>"$CLI_TMP/prom.err" ||
			{ WHY="parser: $(cat "$CLI_TMP/prom.err")"; return 1; }
		PARSED=$sum
	fi
	$PY -c '
import json, sys
m = json.load(open(sys.argv[1])); st = json.load(open(sys.argv[2]))
def v(fam, **labels):
    got = [s[2] for s in m[fam]["samples"] if all(s[1].get(k) == x for k, x in labels.items())]
    if len(got) != 1:
        raise SystemExit("%s %s: %d samples" % (fam, labels, len(got)))
    return got[0]
ok = eval(sys.argv[3])
sys.exit(0 if ok else "false: " + sys.argv[3])' "$CLI_TMP/metrics.json" "$CLI_TMP/stats.json" "$1" 2>"$CLI_TMP/py.err" ||
		{ WHY="$(tail -c 400 "$CLI_TMP/py.err")"; return 1; }
}

check "the real parser reads it, families once, HELP and TYPE first" prom "len(m) >= 20"
REASONS='[s for f in m.values() for s in f["samples"] if "reason" in s[1]]'
check "every reason of counters.h is a label, once" prom \
	"sorted(s[1]['reason'] for s in $REASONS) == sorted(st['counters'])"
check "as many reasons as X() lines in counters.h ($ncounters)" prom "len($REASONS) == $ncounters"
check "each reason's value is stats --json's" prom \
	"all(s[2] == st['counters'][s[1]['reason']] for s in $REASONS) and max(st['counters'].values()) == $ncounters * $ncpu"
check "families by what they count: drops, passes" prom \
	"v('hairpin_xdp_ingress_dropped_packets_total', reason='drop_table_full') == st['counters']['drop_table_full'] and all(s[1]['reason'].startswith('pass_') for s in m['hairpin_xdp_ingress_passed_packets_total']['samples'])"
check "per rule: packets, bytes, sessions as stats --json, labelled" prom \
	"all(v('hairpin_xdp_rule_%s_total' % f, rule_id=str(r['rule_id']), proto=r['proto'], external=r['external'], internal=r['internal']) == r[f] for r in st['rules'] for f in ('packets', 'bytes', 'sessions')) and v('hairpin_xdp_rule_bytes_total', rule_id='0') == 700 * $ncpu"
check "label escaping: '\"' and '\\' of an interface name round-trip" prom \
	"v('hairpin_xdp_rule_packets_total', rule_id='1', external='w\"\\\\x:5353') == 0"
check "label escaping: a newline round-trips" prom \
	"v('hairpin_xdp_rule_packets_total', rule_id='2', external='n\\nl:9000', internal='192.168.0.2:80') == 0"
check "label escaping: as \\\" \\\\ and \\n in the text" eval \
	"grep -qF 'external=\"w\\\"\\\\x:5353\"' \"\$CLI_TMP/metrics.txt\" && grep -qF 'external=\"n\\nl:9000\"' \"\$CLI_TMP/metrics.txt\""
check "sessions by state" prom \
	"[v('hairpin_xdp_sessions', state=s) for s in ('syn_sent', 'established', 'closing', 'udp')] == [1, 1, 0, 1]"
check "table fill against its size" prom \
	"v('hairpin_xdp_map_entries', map='hp_sessions') == 6 and v('hairpin_xdp_map_max_entries', map='hp_sessions') == 2 * 262144 and v('hairpin_xdp_sessions_max') == 262144 and v('hairpin_xdp_map_entries', map='hp_egress') == 0"
check "SNAT ports in use, the busiest server's, the range" prom \
	"(v('hairpin_xdp_snat_ports_in_use'), v('hairpin_xdp_snat_ports_in_use_max'), v('hairpin_xdp_snat_ports')) == (2, 2, 65535 - 61000 + 1)"
check "sweeper runs and cost as stats --json, in seconds" prom \
	"(v('hairpin_xdp_sweeper_runs_total'), v('hairpin_xdp_sweeper_deleted_sessions_total'), v('hairpin_xdp_sweeper_last_duration_seconds'), v('hairpin_xdp_sweeper_last_visited_entries')) == (st['gc']['runs'], st['gc']['deleted'], st['gc']['last_sweep_ns'] / 1e9, st['gc']['last_visited']) == (11, 22, 1.5, 33)"
check "types: counters *_total, gauges not" prom \
	"m['hairpin_xdp_sessions']['type'] == 'gauge' and m['hairpin_xdp_events_total']['type'] == 'counter' and all((f['type'] == 'counter') == n.endswith('_total') for n, f in m.items())"

# Negative controls: the same checks fail on broken text.
cp "$CLI_TMP/metrics.txt" "$CLI_TMP/good.txt"
broken() {
	sed "$1" "$CLI_TMP/good.txt" >"$CLI_TMP/metrics.txt"
	! prom "len(m) >= 20"
}
check "control: an unterminated label value fails the parser" broken '0,/reason="xdp_fast_tx"/s//reason="xdp_fast_tx/'
check "control: a value that is no number fails the parser" broken '0,/^\(hairpin_xdp_sessions_max\) [0-9]*/s//\1 many/'
check "control: a family split in two fails" broken '$a hairpin_xdp_sessions{state="udp"} 1'
check "control: a sample before its TYPE fails" broken '0,/^# TYPE hairpin_xdp_sessions gauge$/s///'
sed '0,/reason="drop_table_full"/s//reason="drop_tablefull"/' "$CLI_TMP/good.txt" >"$CLI_TMP/metrics.txt"
check "control: a renamed reason fails the reason check" eval \
	"! prom \"sorted(s[1]['reason'] for s in $REASONS) == sorted(st['counters'])\""
cp "$CLI_TMP/good.txt" "$CLI_TMP/metrics.txt"

# ---- over HTTP, in the router namespace ----
curl_ns() { nsenter --net=/run/netns/"$NS" curl -sS --max-time 5 "$@"; }

# serve ADDR:PORT URL: metrics --listen in the background, up once a scrape answers.
serve() {
	nsenter --net=/run/netns/"$NS" "$HAIRPIN_XDP" --bpffs "$PIN" metrics --listen "$1" \
		>"$CLI_TMP/srv.out" 2>>"$CLI_TMP/srv.err" &
	SRV=$!
	SRV_PIDS+=("$SRV")
	for _ in $(seq 50); do
		curl_ns -o /dev/null "$2" 2>/dev/null && return 0
		kill -0 "$SRV" 2>/dev/null || break
		sleep 0.1
	done
	WHY="not serving: $(cat "$CLI_TMP/srv.err")"
	return 1
}
URL=http://127.0.0.1:9100/metrics
check "metrics --listen 127.0.0.1:9100 in the router namespace" serve 127.0.0.1:9100 "$URL"
check "announced on stdout" eval 'grep -qx "serving metrics at http://127.0.0.1:9100/metrics" "$CLI_TMP/srv.out"'

status_of() { curl_ns -o "$CLI_TMP/body" -D "$CLI_TMP/headers" -w '%{http_code}' "$@"; }
check "GET /metrics: 200, text/plain; version=0.0.4" eval \
	'[ "$(status_of "$URL")" = 200 ] && grep -qi "^content-type: text/plain; version=0.0.4; charset=utf-8" "$CLI_TMP/headers"'
same_body() {
	cmp -s "$1" "$CLI_TMP/good.txt" ||
		{ WHY="differs: $(diff "$CLI_TMP/good.txt" "$1" | head -6 | tr '\n' '|')"; return 1; }
}
check "the body is what metrics prints" same_body "$CLI_TMP/body"
cp "$CLI_TMP/body" "$CLI_TMP/metrics.txt"
check "the body parses, with every reason" prom "sorted(s[1]['reason'] for s in $REASONS) == sorted(st['counters'])"
check "GET / and /metricsx: 404" eval \
	'[ "$(status_of http://127.0.0.1:9100/)" = 404 ] && [ "$(status_of http://127.0.0.1:9100/metricsx)" = 404 ]'
check "POST /metrics: 405 with Allow" eval \
	'[ "$(status_of -X POST -d x "$URL")" = 405 ] && grep -qi "^allow: GET, HEAD" "$CLI_TMP/headers"'
check "HEAD /metrics: 200, Content-Length, no body" eval \
	'[ "$(status_of -I "$URL")" = 200 ] && grep -qi "^content-length: $(wc -c <"$CLI_TMP/good.txt")" "$CLI_TMP/headers"'
check "a request over 8 KiB: 431" eval \
	'[ "$(status_of -H "X-Big: $(head -c 9000 /dev/zero | tr "\0" a)" "$URL")" = 431 ]'

# Concurrent scrapes: 8 at once, each a whole, identical answer.
concurrent() {
	local i pids=() bad=0
	for i in $(seq 8); do
		curl_ns -o "$CLI_TMP/c$i" -w '%{http_code}' "$URL" >"$CLI_TMP/s$i" &
		pids+=($!)
	done
	for i in "${pids[@]}"; do wait "$i" || bad=$((bad + 1)); done
	for i in $(seq 8); do
		[ "$(cat "$CLI_TMP/s$i")" = 200 ] && same_body "$CLI_TMP/c$i" || bad=$((bad + 1))
	done
	[ "$bad" -eq 0 ] || { WHY="$bad of 8 failed"; return 1; }
}
check "8 concurrent scrapes: all 200, all whole" concurrent

# A client that connects and says nothing holds the server for at most its
# deadline (1 s): a scrape right behind it is answered within 3 s.
silent() {
	local t0 t1
	nsenter --net=/run/netns/"$NS" $PY -c '
import socket, time
s = socket.create_connection(("127.0.0.1", 9100)); time.sleep(4)' &
	local quiet=$!
	sleep 0.2
	t0=$(date +%s%N)
	[ "$(status_of "$URL")" = 200 ] || { WHY="no answer behind a silent client"; kill "$quiet"; return 1; }
	t1=$(date +%s%N)
	kill "$quiet" 2>/dev/null
	wait "$quiet" 2>/dev/null
	[ $(((t1 - t0) / 1000000)) -lt 3000 ] || { WHY="took $(((t1 - t0) / 1000000)) ms"; return 1; }
}
check "a silent client delays a scrape by its deadline at most" silent

sigterm() {
	kill -TERM "$SRV"
	for _ in $(seq 30); do
		kill -0 "$SRV" 2>/dev/null || break
		sleep 0.1
	done
	! kill -0 "$SRV" 2>/dev/null || { WHY="still running 3 s after SIGTERM"; return 1; }
	wait "$SRV"
	local rc=$?
	[ "$rc" -eq 0 ] || { WHY="exit status $rc: $(cat "$CLI_TMP/srv.err")"; return 1; }
	! curl_ns -o /dev/null "$URL" 2>/dev/null || { WHY="still answering"; return 1; }
}
check "SIGTERM: exits 0, the port is closed" sigterm

if nsenter --net=/run/netns/"$NS" ip -6 addr show dev lo | grep -q '::1'; then
	check "metrics --listen [::1]:9101" serve '[::1]:9101' 'http://[::1]:9101/metrics'
	check "GET over IPv6: 200, the same body" eval \
		'[ "$(status_of "http://[::1]:9101/metrics")" = 200 ] && same_body "$CLI_TMP/body"'
	kill -INT "$SRV"
	check "SIGINT: exits 0" eval 'wait "$SRV"'
else
	echo "skip - metrics over IPv6: no ::1 in the namespace"
fi
check "the server logged nothing" eval '[ ! -s "$CLI_TMP/srv.err" ] || { WHY=$(head -c 300 "$CLI_TMP/srv.err"); false; }'
cat "$CLI_TMP/srv.err" >>"$ALLERR"

# Bad input: one line, nothing served.
expect_fail "--listen without a port" "^hairpin-xdp: bad listen address '127\.0\.0\.1': expected IPV4:PORT or \[IPV6\]:PORT" metrics --listen 127.0.0.1
expect_fail "--listen IPv6 without brackets" "bad listen address '::1:9100'" metrics --listen ::1:9100
expect_fail "--listen a name (numeric only)" "bad listen address 'localhost:9100'" metrics --listen localhost:9100
expect_fail "--listen port 0" "listen port" metrics --listen 127.0.0.1:0
check "a port in use" serve 127.0.0.1:9102 http://127.0.0.1:9102/metrics
expect_fail "--listen on a port in use" "^hairpin-xdp: cannot listen on 127\.0\.0\.1:9102: Address already in use$" metrics --listen 127.0.0.1:9102
kill "$SRV"
wait "$SRV" 2>/dev/null
# Detached under a running exporter: 503, and each failed scrape logged.
check "metrics --listen 127.0.0.1:9104" serve 127.0.0.1:9104 http://127.0.0.1:9104/metrics
: >"$CLI_TMP/srv.err"
expect_ok "detach --all under it" detach --all
check "a scrape of a detached instance: 503" eval \
	'[ "$(status_of http://127.0.0.1:9104/metrics)" = 503 ] && [ "$(status_of http://127.0.0.1:9104/metrics)" = 503 ]'
check "each failed scrape logged its one line" eval \
	'[ "$(grep -c "^hairpin-xdp: not attached" "$CLI_TMP/srv.err")" -eq 2 ] || { WHY=$(head -c 300 "$CLI_TMP/srv.err"); false; }'
kill "$SRV"
wait "$SRV" 2>/dev/null
cat "$CLI_TMP/srv.err" >>"$ALLERR"
expect_ok "attach v0 again" attach v0
expect_fail "metrics when not attached: one line" "not attached" --bpffs "$PIN-none" metrics
check "metrics when not attached: nothing on stdout" eval '[ ! -s "$OUT" ]'
expect_fail "metrics --listen when not attached: refused at start" "not attached" --bpffs "$PIN-none" metrics --listen 127.0.0.1:9103

expect_ok "detach --all" detach --all
asan_report "metrics: no sanitizer reports"
