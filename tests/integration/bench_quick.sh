#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The benchmark still works: `bench/run --quick` (one short round, small
# repeat counts) finishes, every configuration counted packets at the
# receiver, the unavailable ones say why, and results.json is valid. It
# times nothing: a benchmark is not a test (issue 4), so no rate is checked.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/report.sh

out=$(mktemp -d /tmp/hpbq.XXXXXX) || exit 1
trap 'rm -rf "$out"' EXIT

if [ "$(id -u)" -ne 0 ]; then
	skip "bench quick mode" "needs root"
	exit 0
fi
timeout 170 bench/run --quick --out "$out" >"$out/stdout" 2>"$out/stderr"
rc=$?
cat "$out/stdout" "$out/stderr" >&2
if [ $rc -eq 0 ]; then
	ok "bench/run --quick finishes"
else
	not_ok "bench/run --quick finishes" "exit $rc (see the log)"
fi

# check NAME PYTHON-EXPR: one result from results.json (bound to `d`).
check_json() {
	local name=$1 expr=$2 why
	if why=$(/usr/bin/python3 - "$out/results.json" "$expr" 2>&1 <<-'EOF'
		import json, sys
		d = json.load(open(sys.argv[1]))
		r = eval(sys.argv[2])
		if r is not True:
		    print(r if isinstance(r, str) else "false")
		    sys.exit(1)
	EOF
	); then
		ok "$name"
	else
		not_ok "$name" "$(echo "$why" | tail -n 1)"
	fi
}

check_json "results.json is valid JSON with the machine" \
	'all(k in d["machine"] for k in ("kernel", "cpu_model", "cores")) or "machine info missing"'
check_json "six configurations, each measured or unavailable with a reason" \
	'sorted(d["configs"]) == sorted(["ceiling", "forward", "nft", "nft-flowtable", "hpx-fast", "hpx-slow"]) and all(c in d["unavailable"] and d["unavailable"][c] or c in d["live"]["udp_pps_hairpin"] for c in d["configs"]) or str(d["configs"])'
check_json "every configuration counted packets at the receiver" \
	'not d["problems"] or "; ".join(d["problems"])'
check_json "UDP streams counted in every measured configuration" \
	'all(d["live"][m][c]["rate"]["median"] > 0 for m in ("udp_pps_hairpin", "udp_pps_inet", "new_flows") for c in d["live"][m]) or "a zero rate"'
check_json "TCP connections and iperf3 through each NAT configuration" \
	'all(c in d["live"][m] and d["live"][m][c]["rate"]["median"] > 0 for m in ("tcp_crr", "iperf3") for c in ("nft", "hpx-fast", "hpx-slow")) or "missing TCP samples"'
check_json "per-path program costs measured" \
	'all(p in d["cost_ns"] for p in ("floor", "direct_floor", "untouched", "established", "hairpin", "reply", "reply_hairpin", "new_flow", "new_hairpin", "hairpin_slow", "tc_translate")) or sorted(d["cost_ns"])'
check_json "map memory measured" \
	'any(m["sessions"] > 0 and m["bytes_memlock"] > 0 for m in d["memory"]) or "no memory sample"'
check_json "every raw sample kept" \
	'len([s for s in d["samples"] if s["kind"] == "live"]) >= 17 or "too few raw samples"'
exit $((HP_FAILED > 0))
