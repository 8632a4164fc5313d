#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# hairpin-xdp daemon against the maps (tests/integration/follow.sh and
# daemon_kill.sh send traffic): a bad file at start is one line and a
# non-zero exit with nothing made; READY=1 on $NOTIFY_SOCKET after the
# first apply; a second daemon on the same pin root is refused; three
# address changes of wan0 each reach hp_forwards within a second, the
# LAN port's address change reaches hp_ifaces (the hairpin source), the
# sessions of an address that went away are dropped and the others kept;
# a route change expires the next-hop cache; SIGHUP applies a changed file
# (RELOADING=1, READY=1), a bad one keeps the state and logs the error;
# SIGTERM exits 0, leaves the dataplane attached and removes the lock.
# Negative controls: the same changes without the daemon are not followed.
# shellcheck source=tests/cli/lib.bash
. "$(dirname "$0")/lib.bash"
cli_setup daemon

veth_pair lan0 lan0p 192.168.0.1/24
veth_pair wan0 wan0p 203.0.113.4/24

DAEMON=
NOTIFY_PID=
LOG=$CLI_TMP/daemon.log
conf() { cat >"$CLI_TMP/$1"; echo "$CLI_TMP/$1"; }

stop_all() {
	local pid i
	for pid in $DAEMON $NOTIFY_PID; do
		kill "$pid" 2>/dev/null || continue
		for ((i = 0; i < 30; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$pid" 2>/dev/null
	done
	DAEMON= NOTIFY_PID=
	# A daemon killed by the runner's timeout leaves its (unlocked) file.
	[ -n "${LOCK:-}" ] && rm -f "$LOCK"
	cli_cleanup
}
trap stop_all EXIT

# The datagrams the daemon sends, one assignment a line, in $CLI_TMP/notify.log.
python3 "$CLI_ROOT/tests/lib/notify.py" "$CLI_TMP/notify" "$CLI_TMP/notify.log" &
NOTIFY_PID=$!

# waited TRIES CMD...: CMD every 0.1 s until it succeeds, at most TRIES times.
waited() {
	local tries=$1 i
	shift
	for ((i = 0; i < tries; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}
waited 50 test -S "$CLI_TMP/notify" || { not_ok "notify socket" "not created"; exit 0; }
notified() { grep -qx "$1" "$CLI_TMP/notify.log"; }
notified_count() { grep -cx "$1" "$CLI_TMP/notify.log"; }

# start_daemon ARGS...: the daemon in $NS in the background, stderr to $LOG.
start_daemon() {
	NOTIFY_SOCKET=$CLI_TMP/notify nsenter --net=/run/netns/"$NS" \
		"$HAIRPIN_XDP" --bpffs "$PIN" daemon "$@" >>"$LOG" 2>&1 </dev/null &
	DAEMON=$!
}
alive() { kill -0 "$DAEMON" 2>/dev/null; }
# exited_with CODE: the daemon ended (within 5 s) with exit status CODE
# (not in a $(...): only this shell can wait for its child).
exited_with() {
	local rc
	waited 50 eval '! alive' || { WHY="still running after 5 s"; return 1; }
	wait "$DAEMON"
	rc=$?
	[ "$rc" = "$1" ] || { WHY="exit status $rc, want $1"; return 1; }
}
in_log() { grep -qE "$1" "$LOG"; }

# The lock file of this pin root (pins_daemon_lock()).
LOCK=/run/hairpin-xdp/daemon-$(stat -c '%d-%i' "$(dirname "$PIN")")-$(basename "$PIN").lock

A=$(conf a.conf <<'EOF'
attach lan0 wan0
forward tcp wan0:80 192.168.0.2:80
forward tcp 203.0.113.4:2222 192.168.0.2:22
EOF
)

# ---- bad input at start: one line, non-zero, nothing made ----
start_bad() {
	: >"$LOG"
	start_daemon --config "$1"
	exited_with 1 || return 1
	[ "$(grep -c '' "$LOG")" -eq 1 ] || { WHY="want one line: $(head -c 300 "$LOG")"; return 1; }
	grep -qE "$2" "$LOG" || { WHY="'$(cat "$LOG")' !~ /$2/"; return 1; }
	[ ! -e "$PIN" ] || { WHY="$PIN made"; return 1; }
	! notified READY=1 || { WHY="READY=1 sent"; return 1; }
}
check "bad config at start: non-zero exit, one line naming FILE:LINE, nothing made" start_bad \
	"$(conf bad.conf <<<$'attach lan0 wan0\nforward tcp wan0:80 192.168.0.2:80 --hairpin sideways')" \
	"^hairpin-xdp: $CLI_TMP/bad.conf:2: bad hairpin mode 'sideways'"
check "a config file that is not there: one line" start_bad "$CLI_TMP/none.conf" \
	"^hairpin-xdp: cannot read $CLI_TMP/none.conf: No such file or directory$"
check "an interface that is not there: one line" start_bad \
	"$(conf nosuch.conf <<<'attach lan0 nosuch0')" "nosuch0: no such interface"
hx daemon --metrics 127.0.0.1
check "--metrics without a port: one usage line" eval \
	'[ "$RC" -eq 1 ] && [ "$(stderr_lines)" -eq 1 ] && grep -q "want ADDR:PORT" "$ERR"'

# ---- start ----
: >"$LOG"
start_daemon --config "$A" --metrics 127.0.0.1:9469
check "start: READY=1 on NOTIFY_SOCKET" waited 100 notified READY=1
check "start: STATUS= says what was applied" eval 'grep -q "^STATUS=applied $A" "$CLI_TMP/notify.log"'
check "start: the forwards are in place when READY=1 came" eval \
	'grep -q "^tcp 203.0.113.4:80 192.168.0.2:80 " <<<"$(fwd_entries)" && has_xdp lan0 && has_xdp wan0'
check "start: the lock file holds the daemon's pid" eval '[ "$(cat "$LOCK")" = "$DAEMON" ]'

# ---- a second daemon on the same pin root ----
hx daemon --config "$A"
check "a second daemon is refused with one line naming the first" eval \
	'[ "$RC" -eq 1 ] && [ "$(stderr_lines)" -eq 1 ] &&
	grep -qx "hairpin-xdp: another hairpin-xdp daemon (pid $DAEMON) runs on $PIN; stop it first" "$ERR"'
check "... and the first one still runs" alive
# Commands are not locked out by the daemon (it holds only its own lock).
expect_ok "a command runs beside the daemon" forward add tcp 203.0.113.4:8080 192.168.0.2:8080
expect_ok "... and another" forward del tcp 203.0.113.4:8080

# ---- addresses ----
# follows ADDR: hp_forwards has wan0:80 at ADDR and at no other address,
# within a second of the change (polled; the time taken is printed).
has_only() {
	local e
	e=$(fwd_entries | grep ':80 192.168.0.2:80 ')
	[ "$e" = "tcp $1:80 192.168.0.2:80 rule=0 allow=0 hairpin=0 flags=0" ]
}
# fwd_key ADDR: hp_forwards' key of tcp ADDR:80 as bpftool takes it.
fwd_key() {
	local IFS=.
	# shellcheck disable=SC2086 # the four bytes of ADDR, split on dots
	printf 'hex %02x %02x %02x %02x 00 50 06 00' $1
}
fwd_has() {
	# shellcheck disable=SC2046 # the key's words
	bpftool map lookup pinned "$PIN/maps/hp_forwards" key $(fwd_key "$1") >/dev/null 2>&1
}
# moved OLD NEW: tcp NEW:80 is forwarded and OLD:80 no longer (one lookup
# each: the time measured is the daemon's, not a slow check's).
moved() { fwd_has "$2" && ! fwd_has "$1"; }
# follows OLD NEW: that, within a second of the change (the time taken is
# printed), and then hp_forwards holds wan0:80 at NEW only.
follows() {
	local t0=$1 ms
	waited 30 moved "$2" "$3" || { WHY="not within 3 s: $(fwd_entries | tr '\n' '|')"; return 1; }
	ms=$((($(date +%s%N) - t0) / 1000000))
	echo "# wan0 $2 -> $3 followed in $ms ms" >&2
	[ "$ms" -le 1000 ] || { WHY="took $ms ms"; return 1; }
	has_only "$3" || { WHY="hp_forwards: $(fwd_entries | tr '\n' '|')"; return 1; }
}
# A session of the forward at the address about to go, and one of the literal rule.
session 198.51.100.9 203.0.113.4 4000 80 6 198.51.100.9 192.168.0.2 4000 80 1 0 0 1
session 192.168.0.2 198.51.100.9 80 4000 6 203.0.113.4 198.51.100.9 80 4000 1 1 0 1
session 198.51.100.9 203.0.113.4 4001 2222 6 198.51.100.9 192.168.0.2 4001 22 1 0 1 1
session 192.168.0.2 198.51.100.9 22 4001 6 203.0.113.4 198.51.100.9 2222 4001 1 1 1 1
# As a DHCP client renews onto another address: the old one goes, the new one comes.
prev=203.0.113.4
for addr in 203.0.113.5 203.0.113.6 203.0.113.7; do
	t0=$(date +%s%N)
	in_ns ip addr del "$prev/24" dev wan0
	in_ns ip addr add "$addr/24" dev wan0
	check "address change $prev -> $addr: wan0:80 follows within 1 s" follows "$t0" "$prev" "$addr"
	prev=$addr
done
hx sessions --json
check "the session of the address that went away is dropped, the literal rule's kept" \
	json_eval "[(s['proto'], s['dst'], s['rule_id']) for s in j] == [('tcp', '203.0.113.4:2222', 1)]"
check "the literal forward stays where it was" eval \
	'grep -q "^tcp 203.0.113.4:2222 192.168.0.2:22 " <<<"$(fwd_entries)"'
in_ns ip addr add 203.0.113.8/24 dev wan0
check "a second address on wan0 is forwarded too" waited 10 eval \
	'grep -q "^tcp 203.0.113.8:80 " <<<"$(fwd_entries)" && grep -q "^tcp 203.0.113.7:80 " <<<"$(fwd_entries)"'
in_ns ip addr del 203.0.113.8/24 dev wan0
check "... and removed with it" waited 10 has_only 203.0.113.7

# The hairpin source: lan0's primary address in hp_ifaces.
iface_addr() {
	bpftool -j map dump pinned "$PIN/maps/hp_ifaces" | python3 -c "
import json, socket, struct, sys
for e in json.load(sys.stdin):
    v = e.get('formatted', e)['value']
    if v['name'] == sys.argv[1]:
        print(socket.inet_ntoa(struct.pack('=I', v['addr'])))" "$1"
}
in_ns ip addr del 192.168.0.1/24 dev lan0
in_ns ip addr add 192.168.0.254/24 dev lan0
check "the hairpin source follows lan0's address" waited 10 eval '[ "$(iface_addr lan0)" = 192.168.0.254 ]'

# A route change bumps the next-hop generation (hp_nexthop_gen): every next
# hop cached before it is asked of the fib again.
nh_gen() {
	bpftool -j map lookup pinned "$PIN/maps/hp_nexthop_gen" key 0 0 0 0 | python3 -c '
import json, sys
e = json.load(sys.stdin)
print(e.get("formatted", e)["value"]["bump_ns"])'
}
gen_before=$(nh_gen)
sleep 0.3
check "negative control: without a route change the next-hop generation stays" eval '[ "$(nh_gen)" = "$gen_before" ]'
in_ns ip route add 198.51.100.0/24 via 203.0.113.1 dev wan0 >&2
check "a route change bumps the next-hop generation" waited 10 eval '[ "$(nh_gen)" -gt "$gen_before" ]'
gen_before=$(nh_gen)
in_ns ip neigh replace 203.0.113.1 lladdr 02:00:00:00:00:01 dev wan0 >&2
check "a neighbour change bumps it too" waited 10 eval '[ "$(nh_gen)" -gt "$gen_before" ]'

# An interface the file attaches, deleted and made again (a PPPoE
# reconnect's ppp0): the daemon attaches the new device.
in_ns ip link del wan0 >&2
check "wan0 deleted: gone" eval '! in_ns ip link show dev wan0 >/dev/null 2>&1'
veth_pair wan0 wan0p 203.0.113.7/24
check "wan0 made again: the daemon attaches it" waited 50 eval 'has_xdp wan0 && has_filter wan0'
check "... and its forward by name is back" waited 30 eval 'grep -q "^tcp 203.0.113.7:80 " <<<"$(fwd_entries)"'

# ---- SIGHUP ----
B=$(conf b.conf <<'EOF'
attach lan0 wan0
forward tcp wan0:80 192.168.0.2:80
forward udp wan0:53 192.168.0.2:53
EOF
)
cp "$B" "$A"
: >"$CLI_TMP/notify.log"
kill -HUP "$DAEMON"
check "SIGHUP: the changed file is applied" waited 30 eval \
	'grep -q "^udp 203.0.113.7:53 " <<<"$(fwd_entries)" && ! grep -q ":2222 " <<<"$(fwd_entries)"'
check "SIGHUP: RELOADING=1, then READY=1" waited 30 eval \
	'[ "$(grep -nx -e RELOADING=1 -e READY=1 "$CLI_TMP/notify.log" | cut -d: -f2 | tr "\n" " ")" = "RELOADING=1 READY=1 " ]'
printf 'attach lan0 wan0\nforward tcp wan0:80 192.168.0.2:80 --bogus\n' >"$A"
before=$(snapshot)
: >"$LOG"
kill -HUP "$DAEMON"
check "SIGHUP with a bad file: the error is logged with FILE:LINE" waited 30 in_log \
	"^hairpin-xdp: $A:2: forward: unknown option '--bogus'"
check "SIGHUP with a bad file: says the state stays" waited 30 in_log "SIGHUP: $A not applied; the state stays as it was"
check "SIGHUP with a bad file: nothing changed" eval '[ "$before" = "$(snapshot)" ]'
check "SIGHUP with a bad file: the daemon still runs" alive
in_ns ip addr add 203.0.113.9/24 dev wan0
check "... and still follows addresses" waited 10 eval 'grep -q "^udp 203.0.113.9:53 " <<<"$(fwd_entries)"'

# ---- SIGTERM ----
kill -TERM "$DAEMON"
check "SIGTERM: exit status 0" exited_with 0
check "SIGTERM: the dataplane stays attached" eval 'has_xdp lan0 && has_xdp wan0 && has_filter wan0 && [ -e "$PIN/links/wan0_xdp" ]'
check "SIGTERM: the lock file is removed" test ! -e "$LOCK"
check "SIGTERM: STOPPING=1" notified STOPPING=1

# Negative controls: without the daemon nothing follows.
in_ns ip addr flush dev wan0
in_ns ip addr add 203.0.113.10/24 dev wan0
sleep 1.5
check "negative control: without the daemon wan0:80 does not follow" eval \
	'! grep -q "^tcp 203.0.113.10:80 " <<<"$(fwd_entries)" && grep -q "^tcp 203.0.113.7:80 " <<<"$(fwd_entries)"'
in_ns ip addr del 192.168.0.254/24 dev lan0
in_ns ip addr add 192.168.0.1/24 dev lan0
sleep 1
check "negative control: without the daemon the hairpin source does not follow" \
	eval '[ "$(iface_addr lan0)" = 192.168.0.254 ]'
in_ns ip link del wan0 >&2
veth_pair wan0 wan0p 203.0.113.10/24
sleep 1.5
check "negative control: without the daemon a wan0 made again stays without programs" \
	eval '! has_xdp wan0 && ! has_filter wan0'
# A daemon started again catches up at once (its first apply reconciles).
printf 'attach lan0 wan0\nforward tcp wan0:80 192.168.0.2:80\n' >"$A"
start_daemon --config "$A"
check "a daemon started again catches up: wan0:80 at the new address" waited 50 has_only 203.0.113.10
check "... and the hairpin source" waited 10 eval '[ "$(iface_addr lan0)" = 192.168.0.1 ]'
kill -TERM "$DAEMON"
check "... and exits 0" exited_with 0
DAEMON=

expect_ok "detach --all" detach --all
cat "$LOG" >>"$ALLERR"
asan_report "daemon: no sanitizer reports"
