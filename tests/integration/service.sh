#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The service as systemd runs it, without systemd: the commands of
# packaging/hairpin-xdp.service.in (ExecStart, ExecReload, ExecStopPost),
# run in the router namespace with the environment systemd gives them, and
# the daemon's side of the contract (hairpin-xdp(8), SERVICE):
#   - READY=1 on $NOTIFY_SOCKET once the config file is applied, and the
#     forwards work at that moment;
#   - stderr lines with sd-daemon <N> level prefixes when $JOURNAL_STREAM
#     names stderr, plain lines otherwise;
#   - reload: a file that does not check fails ExecReload and changes
#     nothing; a good one is applied after the SIGHUP;
#   - SIGTERM: exit 0, the dataplane stays attached and forwarding;
#     ExecStopPost with UNLOAD_ON_STOP=yes unloads it;
#   - a first apply that fails: non-zero exit, no READY=1.
# One variant: what is tested is the service, not the rewriting.
# shellcheck source=tests/lib/integration.sh
. "$(dirname "$0")/../lib/integration.sh"

UNIT=packaging/hairpin-xdp.service.in
CONF=		# set per run: $HP_TMP/hairpin-xdp.conf
DAEMON=		# pid of the running daemon

# unit_cmds KEY: the unit's command lines for KEY, for this test: the
# binary is ours, with this run's pin root; the config is $CONF.
unit_cmds() {
	sed -n "s/^$1=//p" "$UNIT" |
		sed -e "s|@SBINDIR@/hairpin-xdp|$HAIRPIN_XDP --bpffs $HP_PINS|g" -e "s|@CONFIG@|$CONF|g" \
			-e 's|\$DAEMON_OPTS||' -e 's|\$\$|$|g'
}

# notify_listen: a datagram socket at $HP_TMP/notify that logs each message
# it gets to $HP_TMP/notify.log, one line per assignment.
notify_listen() {
	rm -f "$HP_TMP/notify" "$HP_TMP/notify.log"
	"$PYTHON" "$HP_ROOT/tests/lib/notify.py" "$HP_TMP/notify" "$HP_TMP/notify.log" 120 &
	HP_PIDS+=($!)
	wait_for 50 test -S "$HP_TMP/notify"
}

notified() { grep -qx "$1" "$HP_TMP/notify.log" 2>/dev/null; }

# start_daemon LOG [JOURNAL]: ExecStart in the router namespace, stderr to
# $HP_TMP/LOG; JOURNAL=1 sets JOURNAL_STREAM to that file's device:inode,
# as systemd does for a stream connected to the journal.
start_daemon() {
	local log=$HP_TMP/$1 cmd js=
	: >"$log"
	[ "${2:-0}" = 1 ] && js=$(stat -c '%d:%i' "$log")
	read -r -a cmd <<<"$(unit_cmds ExecStart)"
	NOTIFY_SOCKET=$HP_TMP/notify JOURNAL_STREAM=$js \
		nsenter --net="/run/netns/$PFX-router" -- "${cmd[@]}" >>"$log" 2>&1 </dev/null &
	DAEMON=$!
	HP_PIDS+=("$DAEMON")
}

# run_unit KEY [ENV...]: each command line of KEY in turn, as systemd runs
# them (one failing stops the rest), $MAINPID the daemon.
run_unit() {
	local key=$1 line
	shift
	while IFS= read -r line; do
		env MAINPID="$DAEMON" "$@" nsenter --net="/run/netns/$PFX-router" -- sh -c "exec $line" >&2 || return 1
	done < <(unit_cmds "$key")
}


# exited_with CODE: the daemon ended (within 5 s) with exit status CODE.
exited_with() {
	local rc
	wait_for 50 daemon_gone || return 1
	wait "$DAEMON"
	rc=$?
	echo "daemon exit status $rc, want $1" >&2
	[ "$rc" = "$1" ]
}

# forwarded PORT: the file's forward wan0:PORT is live (listed, not inactive).
forwarded() {
	local out
	out=$(hp forward list) || return $CANT_TELL
	grep -E "^tcp +wan0:$1 " <<<"$out" | grep -qv inactive
}

write_conf() {
	printf '%s\n' "# written by tests/integration/service.sh" "$@" >"$CONF"
}

exited_nonzero() {
	local rc
	wait_for 50 daemon_gone || return 1
	wait "$DAEMON"
	rc=$?
	echo "daemon exit status $rc, want non-zero" >&2
	[ "$rc" != 0 ]
}

# Every stderr line of the daemon has a <0>..<7> prefix.
all_prefixed() {
	[ -s "$1" ] && ! grep -qvE '^<[0-7]>' "$1"
}

none_prefixed() {
	! grep -qE '^<[0-7]>' "$1"
}

cases() {
	local good=("attach lan0 wan0" "forward tcp wan0:80 $SERVER:80")
	CONF=$HP_TMP/hairpin-xdp.conf
	serve_http || { not_ok "$(t 'http server')" "did not start"; return; }
	notify_listen || { not_ok "$(t 'notify socket')" "not created"; return; }

	# Start, with the journal's stream on stderr.
	write_conf "${good[@]}"
	start_daemon daemon.log 1
	check "$(t 'start: READY=1 on NOTIFY_SOCKET')" wait_for 100 notified READY=1
	check "$(t 'start: the forward is in place when READY=1 arrives')" forwarded 80
	check "$(t 'start: internet GET through wan0:80')" saw inet "$INET"
	check "$(t 'start: LAN client GET through the hairpin')" saw client "$ROUTER_LAN"
	check "$(t 'journal: every stderr line has a <N> level prefix')" all_prefixed "$HP_TMP/daemon.log"

	# Reload with a file that does not check: the reload fails, nothing changes.
	write_conf "${good[@]}" "forward tcp wan0:8080 $SERVER:80 --hairpin sideways"
	check "$(t 'reload: a bad file fails ExecReload')" negate run_unit ExecReload
	check "$(t 'reload: the daemon still runs')" negate daemon_gone
	check "$(t 'reload: nothing of the bad file applied')" negate forwarded 8080
	check "$(t 'reload: the old forward still works')" saw inet "$INET"

	write_conf "${good[@]}" "forward tcp wan0:8080 $SERVER:80"
	check "$(t 'reload: a good file passes ExecReload')" run_unit ExecReload
	check "$(t 'reload: the daemon applies it (forward :8080)')" wait_for 100 forwarded 8080
	check "$(t 'reload: GET through the new forward')" saw inet "$INET" 8080

	# Stop: SIGTERM (KillSignal), the dataplane stays.
	kill -TERM "$DAEMON"
	check "$(t 'stop: the daemon exits 0 on SIGTERM')" exited_with 0
	run_unit ExecStopPost
	check "$(t 'stop: forwards still in place (UNLOAD_ON_STOP unset)')" forwarded 80
	check "$(t 'stop: internet GET still works without the daemon')" saw inet "$INET"
	check "$(t 'stop: LAN client GET through the hairpin still works')" saw client "$ROUTER_LAN"

	# Start again, without the journal: plain lines; then stop and unload.
	: >"$HP_TMP/notify.log"
	start_daemon daemon2.log
	check "$(t 'restart: READY=1 again')" wait_for 100 notified READY=1
	check "$(t 'no journal: no <N> prefixes on stderr')" none_prefixed "$HP_TMP/daemon2.log"
	kill -TERM "$DAEMON"
	check "$(t 'restart: exits 0 on SIGTERM')" exited_with 0
	check "$(t 'stop with UNLOAD_ON_STOP=yes: ExecStopPost succeeds')" run_unit ExecStopPost UNLOAD_ON_STOP=yes
	check "$(t 'stop with UNLOAD_ON_STOP=yes: nothing left loaded')" test ! -e "$HP_PINS"
	check "$(t 'unloaded: internet GET fails (negative control)')" get_fails inet

	# A first apply that fails: no readiness, a non-zero exit, one error line.
	: >"$HP_TMP/notify.log"
	write_conf "attach lan0 wan0 nosuch0" "forward tcp wan0:80 $SERVER:80"
	start_daemon daemon3.log 1
	check "$(t 'bad config at start: the daemon exits non-zero')" exited_nonzero
	check "$(t 'bad config at start: no READY=1')" negate notified READY=1
	check "$(t 'bad config at start: an error line at level <3>')" grep -q '^<3>.*nosuch0' "$HP_TMP/daemon3.log"
	check "$(t 'bad config at start: nothing attached')" test ! -e "$HP_PINS/links/lan0_xdp"
}

integration_start
HP_VARIANTS=offload for_each_variant cases
exit $((HP_FAILED > 0))
