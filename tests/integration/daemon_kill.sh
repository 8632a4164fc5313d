#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The dataplane does not depend on the daemon: SIGKILL of the daemon in the
# middle of two rate-limited 50 MB downloads (one from the internet, one
# through the hairpin) loses no byte (both compared byte for byte) and
# `sessions` shows the same sessions before and after. A daemon started
# after the kill is not refused by its lock and takes over. Negative
# control: the same download while that daemon applies a file without the
# forward (SIGHUP) does not complete, so the checks above can fail.
# shellcheck source=tests/lib/integration.sh
. "$(dirname "$0")/../lib/integration.sh"

CONF=

# The TCP sessions as (original, translated) tuples, sorted.
tcp_sessions() {
	hp sessions --json | "$PYTHON" -c '
import json, sys
print(sorted((s["src"], s["dst"], s["xlat_src"], s["xlat_dst"]) for s in json.load(sys.stdin) if s["proto"] == "tcp"))'
}

# download NS NAME: a rate-limited download of big.bin into $HP_TMP/NAME.bin
# in the background (about 6 s); its pid in $! of the caller's shell.
download() {
	rm -f "$HP_TMP/$2.bin"
	in_ns "$1" curl -sS --max-time 60 --limit-rate 8M -o "$HP_TMP/$2.bin" "$URL/big.bin" &
}

# killed_during_transfer: SIGKILL the daemon while both downloads run; both
# complete identical, with the same sessions before and after.
killed_during_transfer() {
	local pid_inet pid_lan before after ok=0
	download inet inet
	pid_inet=$!
	download client lan
	pid_lan=$!
	wait_for 50 eval '[ -s "$HP_TMP/inet.bin" ] && [ -s "$HP_TMP/lan.bin" ]' || ok=1
	before=$(tcp_sessions)
	kill -KILL "$DAEMON"
	wait_for 50 daemon_gone || ok=1
	sleep 1
	after=$(tcp_sessions)
	wait "$pid_inet" || ok=1
	wait "$pid_lan" || ok=1
	echo "sessions before the kill: $before; after: $after;" \
		"downloads: $(stat -c %s "$HP_TMP/inet.bin" "$HP_TMP/lan.bin" 2>/dev/null | tr '\n' ' ')bytes" >&2
	[ "$ok" = 0 ] && [ -n "$before" ] && [ "$before" != "[]" ] && [ "$before" = "$after" ] &&
		same_file "$HP_TMP/inet.bin" "$HP_TMP/www/big.bin" &&
		same_file "$HP_TMP/lan.bin" "$HP_TMP/www/big.bin"
}

# reload_during_transfer CONF: the hairpin download while the daemon
# applies CONF on SIGHUP; identical when done.
reload_during_transfer() {
	local pid ok=0
	download client lan
	pid=$!
	wait_for 50 eval '[ -s "$HP_TMP/lan.bin" ]' || ok=1
	cp "$1" "$CONF"
	kill -HUP "$DAEMON"
	wait "$pid" || ok=1
	echo "download: $(stat -c %s "$HP_TMP/lan.bin" 2>/dev/null) bytes" >&2
	[ "$ok" = 0 ] && same_file "$HP_TMP/lan.bin" "$HP_TMP/www/big.bin"
}

cases() {
	CONF=$HP_TMP/hairpin-xdp.conf
	printf '%s\n' "attach lan0 wan0" "forward tcp wan0:80 $SERVER:80" >"$CONF"
	printf '%s\n' "attach lan0 wan0" "forward tcp wan0:8080 $SERVER:80" >"$HP_TMP/other.conf"
	serve_http big || { not_ok "$(t 'http server')" "did not start"; return; }
	check "$(t 'the daemon starts')" daemon_start "$CONF"
	check "$(t 'SIGKILL of the daemon during two downloads: no byte lost, the same sessions')" \
		killed_during_transfer
	check "$(t 'after the kill: still attached')" test -e "$HP_PINS/links/wan0_xdp"
	check "$(t 'after the kill: a new GET from the LAN through the hairpin')" saw client "$ROUTER_LAN"
	check "$(t 'a daemon started after the kill is not refused by the stale lock')" daemon_start "$CONF"
	check "$(t 'negative control: a file without the forward, applied during a download, ends it')" \
		negate reload_during_transfer "$HP_TMP/other.conf"
	kill -TERM "$DAEMON"
	check "$(t 'the new daemon exits on SIGTERM')" wait_for 50 daemon_gone
}

integration_start
HP_VARIANTS=offload for_each_variant cases
exit $((HP_FAILED > 0))
