#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The config file on a live router: apply builds the story's router from
# one file (a forward by interface name, a literal one, a UDP one), and
# swapping files back and forth while a 50 MB download runs through the
# hairpin on a rule that stays loses no byte and keeps the session. The
# negative control: a file without that rule ends the download.
# shellcheck source=tests/lib/integration.sh
. "$(dirname "$0")/../lib/integration.sh"

write_confs() {
	cat >"$HP_TMP/a.conf" <<EOF
# the story's router, by file
attach lan0 wan0
forward tcp wan0:$HTTP_PORT $SERVER:$HTTP_PORT
forward udp $PUB:$UDP_PORT $SERVER:$UDP_PORT --hairpin external
forward tcp $PUB:$UPLOAD_PORT $SERVER:$UPLOAD_PORT
EOF
	cat >"$HP_TMP/b.conf" <<EOF
attach lan0 wan0
forward tcp wan0:$HTTP_PORT $SERVER:$HTTP_PORT
forward tcp $PUB:8080 $SERVER:$HTTP_PORT --allow $INET
config --timeout udp=60 --nexthop-cache off
EOF
	cat >"$HP_TMP/none.conf" <<EOF
attach lan0 wan0
forward tcp $PUB:8080 $SERVER:$HTTP_PORT
EOF
}

# swap_during_download CONF...: a rate-limited 50 MB download through the
# hairpin runs while the files are applied in turn (twice each); it must
# end identical, from the same NAT session.
swap_during_download() {
	local out=$HP_TMP/swap.bin pid i conf ok=0 before after
	rm -f "$out"
	in_ns client curl -sS --max-time 60 --limit-rate 8M -o "$out" "$URL/big.bin" &
	pid=$!
	# The flow is up before the first swap.
	wait_for 50 eval '[ -s "$out" ]' || { kill "$pid" 2>/dev/null; return 1; }
	before=$(hp sessions --json | "$PYTHON" -c 'import json,sys; print(sorted(s["xlat_src"] for s in json.load(sys.stdin) if s["proto"] == "tcp"))')
	for i in 1 2; do
		for conf in "$@"; do
			hp apply "$HP_TMP/$conf" >&2 || ok=1
			sleep 0.5
		done
	done
	after=$(hp sessions --json | "$PYTHON" -c 'import json,sys; print(sorted(s["xlat_src"] for s in json.load(sys.stdin) if s["proto"] == "tcp"))')
	wait "$pid" || ok=1
	echo "sessions before the swaps: $before, after: $after; download: $(stat -c %s "$out" 2>/dev/null) bytes" >&2
	[ "$ok" = 0 ] && [ "$before" = "$after" ] && same_file "$out" "$HP_TMP/www/big.bin"
}

cases() {
	serve_http big || { not_ok "$(t 'http server')" "did not start"; return; }
	serve_udp || { not_ok "$(t 'udp echo')" "did not start"; return; }
	write_confs
	check "$(t 'apply --check a.conf on a bare router')" hp apply --check "$HP_TMP/a.conf"
	check "$(t 'apply a.conf')" hp apply "$HP_TMP/a.conf"
	check "$(t 'internet client: GET through the forward by interface name')" get_ok inet
	check "$(t 'internet client: the server saw its real address')" saw inet "$INET"
	check "$(t 'LAN client: GET through the hairpin')" get_ok client
	check "$(t 'LAN client: the server saw the router')" saw client "$ROUTER_LAN"
	check "$(t 'LAN client: UDP echo through the hairpin (external)')" udp_ok client "$PUB"
	check "$(t 'apply a.conf again changes nothing')" \
		output_has '0 added, 0 changed, 0 removed, 3 kept; settings unchanged' hp apply "$HP_TMP/a.conf"
	hp save >"$HP_TMP/saved.conf"
	check "$(t 'save > f; apply f changes nothing')" \
		output_has '0 added, 0 changed, 0 removed, 3 kept; settings unchanged' hp apply "$HP_TMP/saved.conf"
	check "$(t 'apply b.conf, a.conf in turn during a download on the kept rule: identical, same session')" \
		swap_during_download b.conf a.conf
	check "$(t 'after b.conf: the UDP forward is gone (negative control)')" \
		eval 'hp apply "$HP_TMP/b.conf" >&2 && udp_fails client'
	check "$(t 'negative control: a file without the rule ends the download')" \
		negate swap_during_download none.conf
	check "$(t 'apply a.conf restores the forward')" \
		eval 'hp apply "$HP_TMP/a.conf" >&2 && get_ok client'
}

run_variants cases
