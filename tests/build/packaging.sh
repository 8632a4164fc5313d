#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# What packaging/ installs, without a running systemd or OpenWrt:
#   - the systemd unit passes `systemd-analyze verify` (installed under a
#     temporary PREFIX, so every command it names exists), and a broken
#     copy does not (the negative control: verify warns but exits 0);
#   - ExecReload and ExecStopPost do what the unit's comments say, run
#     against a stand-in binary that records its arguments;
#   - the OpenWrt init script parses as POSIX sh and, under a stand-in for
#     /etc/rc.common and procd, starts, reloads and stops as documented;
#   - the bash completion completes commands, options and their values;
#   - make deb builds a package with the files, conffiles, dependencies and
#     maintainer scripts it should have.
# Builds into a folder of its own, removed on exit.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/report.sh

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
p=$tmp/p
if ! make -s BUILD="$tmp/b" PREFIX="$p" install >"$tmp/install.log" 2>&1; then
	not_ok "packaging: make install PREFIX=$p" "$(tail -1 "$tmp/install.log")"
	exit 1
fi
unit=$p/lib/systemd/system/hairpin-xdp.service
init=$p/share/hairpin-xdp/openwrt/hairpin-xdp

# ---- the systemd unit ----

# verify UNIT: exit 0 and nothing said (it only warns about a bad setting).
verify() {
	local out
	out=$(systemd-analyze verify --man=no "$1" 2>&1) || { echo "$out" >&2; return 1; }
	echo "systemd-analyze verify $1: '${out}'" >&2
	[ -z "$out" ]
}
check "unit: systemd-analyze verify passes, says nothing" verify "$unit"
sed 's/^Type=notify$/Type=notfy/' "$unit" >"$tmp/hairpin-xdp.service"
check "unit: a broken copy fails the same check (negative control)" negate verify "$tmp/hairpin-xdp.service"
check "unit: man page named in Documentation= is the one installed" \
	test -f "$p/share/man/man8/hairpin-xdp.8"

# unit_get KEY: its values, one a line.
unit_get() { sed -n "s/^$1=//p" "$unit"; }
check "unit: Type=notify, readiness from the main process" \
	test "$(unit_get Type) $(unit_get NotifyAccess)" = "notify main"
check "unit: ordered after the network" grep -qx 'After=network.target' "$unit"
check "unit: ExecStart is the daemon with the installed config" \
	test "$(unit_get ExecStart)" = "$p/sbin/hairpin-xdp daemon --config $p/etc/hairpin-xdp/hairpin-xdp.conf \$DAEMON_OPTS"
check "unit: enabled into multi-user.target" test "$(unit_get WantedBy)" = multi-user.target

# The commands of the unit, run as systemd would (\$\$ is a literal \$),
# against a stand-in binary that records its arguments and can fail.
cp "$p/sbin/hairpin-xdp" "$tmp/real"
cat >"$p/sbin/hairpin-xdp" <<STUB
#!/bin/sh
echo "\$*" >>"$tmp/calls"
[ "\$1 \$2" != "apply --check" ] || [ ! -e "$tmp/bad" ]
STUB
chmod +x "$p/sbin/hairpin-xdp"

# run_exec KEY [ENV...]: each command line of KEY in turn, as systemd runs
# them (one failing stops the rest); $MAINPID is a sleeping child of ours.
run_exec() {
	local key=$1 line rc=0
	shift
	: >"$tmp/calls"
	while IFS= read -r line; do
		line=${line//\$\$/\$}
		env MAINPID="$MAINPID" "$@" sh -c "exec $line" || { rc=$?; break; }
	done < <(unit_get "$key")
	return $rc
}
sleep 30 &
MAINPID=$!
trap 'kill $MAINPID 2>/dev/null; rm -rf "$tmp"' EXIT
hup_seen() { ! kill -0 "$MAINPID" 2>/dev/null; }

touch "$tmp/bad"
check "unit: reload with a file that does not check fails" negate run_exec ExecReload
check "unit: ... and checked it with apply --check" \
	grep -qx "apply --check $p/etc/hairpin-xdp/hairpin-xdp.conf" "$tmp/calls"
check "unit: ... and did not signal the daemon" kill -0 "$MAINPID"
rm -f "$tmp/bad"
check "unit: reload with a good file succeeds" run_exec ExecReload
check "unit: ... and sends SIGHUP to the daemon" wait_for 20 hup_seen

check "unit: stop with UNLOAD_ON_STOP unset leaves the dataplane" run_exec ExecStopPost
check "unit: ... (no hairpin-xdp call)" test ! -s "$tmp/calls"
run_exec ExecStopPost UNLOAD_ON_STOP=no
check "unit: stop with UNLOAD_ON_STOP=no: no hairpin-xdp call" test ! -s "$tmp/calls"
run_exec ExecStopPost UNLOAD_ON_STOP=yes
check "unit: stop with UNLOAD_ON_STOP=yes runs detach --all" grep -qx 'detach --all' "$tmp/calls"
check "unit: the shipped defaults say UNLOAD_ON_STOP=no" \
	grep -qx 'UNLOAD_ON_STOP=no' "$p/etc/default/hairpin-xdp"

# ---- the OpenWrt init script ----

check "init: POSIX sh syntax (dash -n)" dash -n "$init"
if command -v busybox >/dev/null; then
	check "init: busybox sh syntax (OpenWrt's shell)" busybox sh -n "$init"
fi

# A stand-in for /etc/rc.common with procd's helpers: it sources the
# script and runs the action as rc.common does, logging each procd call.
cat >"$tmp/rc.common" <<'RC'
log() { echo "$*" >>"$CALLS"; }
procd_open_instance() { log "open_instance $*"; }
procd_set_param() { log "set_param $*"; }
procd_close_instance() { log "close_instance"; }
procd_send_signal() { log "send_signal $*"; }
procd_kill() { log "kill $*"; }
procd_lock() { :; }
initscript=$1
action=$2
. "$initscript"
case $action in
start) start_service ;;
reload) reload_service ;;
stop)
	procd_lock
	type stop_service >/dev/null 2>&1 && stop_service
	procd_kill "$(basename "$initscript")"
	if type service_stopped >/dev/null 2>&1; then service_stopped; fi
	;;
esac
RC
# rc ACTION [DEFAULTS_CONTENT]: run it, the procd calls in $tmp/calls.
rc() {
	local defaults=$p/etc/default/hairpin-xdp
	: >"$tmp/calls"
	[ $# -lt 2 ] || printf '%s\n' "$2" >"$defaults"
	CALLS=$tmp/calls dash "$tmp/rc.common" "$init" "$1"
}
want_start="open_instance 
set_param command $p/sbin/hairpin-xdp daemon --config $p/etc/hairpin-xdp/hairpin-xdp.conf
set_param respawn 3600 5 5
set_param stdout 1
set_param stderr 1
close_instance"
check "init: start runs the daemon under procd, respawned, output to the log" rc start
check "init: ... with exactly these procd parameters" test "$(cat "$tmp/calls")" = "$want_start"
rc start 'DAEMON_OPTS="--metrics 127.0.0.1:9469"'
check "init: DAEMON_OPTS from /etc/default/hairpin-xdp reach the command" \
	grep -qx "set_param command .* --config $p/etc/hairpin-xdp/hairpin-xdp.conf --metrics 127.0.0.1:9469" "$tmp/calls"
mv "$p/etc/hairpin-xdp/hairpin-xdp.conf" "$tmp/conf"
check "init: start without a config file fails" negate rc start
check "init: ... and starts nothing" test ! -s "$tmp/calls"
mv "$tmp/conf" "$p/etc/hairpin-xdp/hairpin-xdp.conf"
touch "$tmp/bad"
check "init: reload with a file that does not check fails" negate rc reload
check "init: ... and sends no signal" negate grep -q send_signal "$tmp/calls"
rm -f "$tmp/bad"
check "init: reload checks the file, then SIGHUP to the daemon" rc reload
check "init: ... apply --check, send_signal HUP" test "$(cat "$tmp/calls")" = \
	"apply --check $p/etc/hairpin-xdp/hairpin-xdp.conf
send_signal hairpin-xdp * HUP"
rc stop UNLOAD_ON_STOP=no
check "init: stop: procd ends the daemon, the dataplane stays" test "$(cat "$tmp/calls")" = "kill hairpin-xdp"
rc stop UNLOAD_ON_STOP=yes
check "init: stop with UNLOAD_ON_STOP=yes: then detach --all" test "$(cat "$tmp/calls")" = \
	"kill hairpin-xdp
detach --all"
cp packaging/hairpin-xdp.default "$p/etc/default/hairpin-xdp"

# ---- bash completion ----

# complete_one WORDS...: the candidates for the last word, sorted, on one line.
complete_one() {
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _hairpin_xdp
		printf "%s\n" "${COMPREPLY[@]}" | sort | paste -sd " "' _ packaging/hairpin-xdp.bash-completion "$@"
}

# complete_to WANT WORDS...: completing the last word gives exactly WANT.
complete_to() {
	local want=$1 got
	shift
	got=$(complete_one "$@")
	echo "complete '$*': '$got', want '$want'" >&2
	[ "$got" = "$want" ]
}
check "completion: commands" complete_to "apply attach" hairpin-xdp a
check "completion: forward subcommands" complete_to "add del list" hairpin-xdp forward ""
check "completion: forward add protocols" complete_to "tcp udp" hairpin-xdp forward add ""
check "completion: forward add options" complete_to "--hairpin --help" hairpin-xdp forward add tcp --h
check "completion: --hairpin values" complete_to "external internal off" hairpin-xdp forward add tcp --hairpin ""
check "completion: after a global option with a value" complete_to "import" hairpin-xdp --bpffs /tmp/x im
check "completion: import openwrt options" complete_to "--network" hairpin-xdp import openwrt --n
check "completion: metrics options" complete_to "--listen" hairpin-xdp metrics --l
check "completion: config --fast-path values" complete_to "off on" hairpin-xdp config --fast-path ""
# has_lo: the interfaces offered include lo (the host may have more).
has_lo() { grep -qw lo <<<"$(complete_one hairpin-xdp attach l)"; }
check "completion: attach completes interfaces" has_lo

# ---- the Debian package ----

if ! make -s BUILD="$tmp/b" deb >"$tmp/deb.log" 2>&1; then
	not_ok "deb: make deb" "$(tail -1 "$tmp/deb.log")"
	exit 1
fi
ok "deb: make deb"
deb=$(ls "$tmp"/b/hairpin-xdp_*.deb)
field() { dpkg-deb -f "$deb" "$1"; }
check "deb: named by version and architecture" \
	test "$(basename "$deb")" = "hairpin-xdp_$(field Version)_$(dpkg --print-architecture).deb"
check "deb: depends on the libbpf it was linked with" grep -qE '(^|, )libbpf1 \(>= ' <<<"$(field Depends)"
check "deb: depends on libc6" grep -qE '(^|, )libc6 \(>= ' <<<"$(field Depends)"
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./||' | sort >"$tmp/files"
for f in usr/sbin/hairpin-xdp lib/systemd/system/hairpin-xdp.service usr/share/man/man8/hairpin-xdp.8.gz \
	usr/share/bash-completion/completions/hairpin-xdp usr/share/doc/hairpin-xdp/copyright \
	usr/share/doc/hairpin-xdp/examples/hairpin-xdp.conf etc/hairpin-xdp/hairpin-xdp.conf \
	etc/default/hairpin-xdp; do
	check "deb: ships /$f" grep -qx "$f" "$tmp/files"
done
check "deb: no OpenWrt init script, nothing in /usr/local" negate grep -qE '^(etc/init\.d|usr/local|usr/share/hairpin-xdp/)' "$tmp/files"
dpkg-deb -e "$deb" "$tmp/control"
check "deb: conffiles are the config and the defaults" test "$(cat "$tmp/control/conffiles")" = \
	"/etc/hairpin-xdp/hairpin-xdp.conf
/etc/default/hairpin-xdp"
for s in postinst prerm postrm; do
	check "deb: $s is executable POSIX sh" eval "test -x '$tmp/control/$s' && dash -n '$tmp/control/$s'"
done
dpkg-deb -x "$deb" "$tmp/root"
check "deb: the binary is stripped" negate grep -qE '\.(debug_info|symtab)' <<<"$(readelf -SW "$tmp/root/usr/sbin/hairpin-xdp")"
# shellcheck disable=SC2016 # $DAEMON_OPTS is the unit's, literal
check "deb: the unit names /usr/sbin and /etc" \
	grep -qx 'ExecStart=/usr/sbin/hairpin-xdp daemon --config /etc/hairpin-xdp/hairpin-xdp.conf $DAEMON_OPTS' \
	"$tmp/root/lib/systemd/system/hairpin-xdp.service"
check "deb: md5sums cover every file outside /etc" \
	eval "cd '$tmp/root' && md5sum --quiet -c '$tmp/control/md5sums' && \
		test \$(wc -l <'$tmp/control/md5sums') -eq \$(find usr lib -type f | wc -l)"
[ "$HP_FAILED" -eq 0 ]
