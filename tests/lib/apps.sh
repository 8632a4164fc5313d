# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Real programs on both ends of the story, sourced after topo.sh: the
# servers run in $PFX-server, the clients in $PFX-client (LAN) or $PFX-inet.
# Every client call is bounded by --max-time / timeout.

HTTP_PORT=80
UDP_PORT=7
UPLOAD_PORT=9000

# listening NS tcp|udp PORT: a socket is bound there.
listening() {
	local flag=-ltn
	[ "$2" = udp ] && flag=-lun
	output_has . in_ns "$1" ss -H "$flag" "sport = :$3"
}

# serve_http: the HTTP server on $SERVER:80, serving $HP_TMP/www, which holds
# index.html (a small page) and, with `serve_http big`, big.bin (50 MB).
# shellcheck disable=SC2120 # the argument is optional
serve_http() {
	mkdir -p "$HP_TMP/www"
	printf '<html><body>hairpin-xdp test page %s</body></html>\n' "$PFX" >"$HP_TMP/www/index.html"
	if [ "${1:-}" = big ] && [ ! -e "$HP_TMP/www/big.bin" ]; then
		head -c 50M /dev/urandom >"$HP_TMP/www/big.bin"
	fi
	hp_bg server httpd.log "$PYTHON" "$HP_ROOT/tests/lib/serve.py" http "$HTTP_PORT" "$HP_TMP/www"
	wait_for 100 listening server tcp "$HTTP_PORT"
}

serve_udp() {
	hp_bg server udpecho.log "$PYTHON" "$HP_ROOT/tests/lib/serve.py" udp "$UDP_PORT"
	wait_for 100 listening server udp "$UDP_PORT"
}

# serve_udp_log NAME PORT: a UDP server on $SERVER:PORT writing "SRC:PORT
# PAYLOAD" for each datagram to $HP_TMP/NAME (read by udp_logged).
serve_udp_log() {
	hp_bg server "$1" "$PYTHON" -u -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", int(sys.argv[1])))
while True:
    data, peer = s.recvfrom(2048)
    print("%s:%d %s" % (peer[0], peer[1], data.decode(errors="replace").strip()))
' "$2"
	wait_for 100 listening server udp "$2"
}

# udp_send NS SRC:SPORT PORT WORD: one datagram WORD from SRC:SPORT in NS to
# $PUB:PORT.
udp_send() {
	echo "$4" | in_ns "$1" timeout 5 socat -u - "UDP4-SENDTO:$PUB:$3,bind=$2"
}

# serve_upload: receive one TCP stream on $SERVER:9000 into $HP_TMP/upload.bin.
serve_upload() {
	rm -f "$HP_TMP/upload.bin"
	hp_bg server upload.log socat -u "TCP4-LISTEN:$UPLOAD_PORT,reuseaddr" "CREATE:$HP_TMP/upload.bin"
	wait_for 100 listening server tcp "$UPLOAD_PORT"
}

# http_get NS URL OUT [MAXTIME]: fetch URL from NS into OUT.
http_get() {
	in_ns "$1" curl -sS --max-time "${4:-10}" -o "$3" "$2"
}

# peer_seen NS URL: the address the HTTP server saw for a request from NS.
peer_seen() {
	in_ns "$1" curl -sS --max-time 5 "$2/peer" | cut -d: -f1
}

# udp_echo NS ADDR: send stdin as one datagram and print the reply.
udp_echo() {
	# -t: wait that long for the echo after our side has sent everything.
	in_ns "$1" timeout 10 socat -t 2 -T 5 - "UDP4:$2:$UDP_PORT"
}

# daemon_start CONF: hairpin-xdp daemon on CONF in the router namespace,
# its output in $HP_TMP/daemon.log, its pid in $DAEMON; up once it says it
# follows (after its first apply). daemon_gone: it has ended.
DAEMON=
daemon_start() {
	: >"$HP_TMP/daemon.log"
	hp_bg router daemon.log "$HAIRPIN_XDP" --bpffs "$HP_PINS" daemon --config "$1"
	DAEMON=${HP_PIDS[-1]}
	wait_for 100 grep -q "following addresses" "$HP_TMP/daemon.log"
}
daemon_gone() { ! kill -0 "$DAEMON" 2>/dev/null; }

# stat_get NAME: counter NAME from `hairpin-xdp stats --json` (empty if absent).
stat_get() {
	hp stats --json 2>/dev/null | "$PYTHON" "$HP_ROOT/tests/lib/jsoncount.py" "$1" 2>/dev/null
}

same_file() {
	[ "$(sha256sum <"$1")" = "$(sha256sum <"$2")" ]
}

# rose NAME BEFORE [BY]: the counter has risen by at least BY (default 1)
# since it read BEFORE.
rose() {
	local now
	now=$(stat_get "$1")
	echo "counter $1: before ${2:-?} now ${now:-?}, expected a rise of ${3:-1}" >&2
	[ -n "$now" ] && [ -n "$2" ] && [ "$now" -ge $(($2 + ${3:-1})) ]
}

# stayed NAME BEFORE: the counter still reads BEFORE.
stayed() {
	local now
	now=$(stat_get "$1")
	echo "counter $1: before ${2:-?} now ${now:-?}, expected no change" >&2
	[ -n "$now" ] && [ "$now" = "$2" ]
}

# Cases run once per variant (topo.sh): default offloads, and `tx off`.
VARIANT=
t() { echo "$1 [$VARIANT]"; }

# for_each_variant FN: build the topology, run FN, tear it down; once per
# variant in $HP_VARIANTS (default both).
for_each_variant() {
	local fn=$1
	for VARIANT in ${HP_VARIANTS:-offload tx-off}; do
		if topo_up "$VARIANT"; then
			"$fn"
		else
			not_ok "$(t topology)" "setup failed (see log)"
		fi
		topo_down
	done
}

# integration_start: requirements, trap. A test program calls it first.
# Not being root is the one reason to skip; anything else missing is a
# failure, since the runner builds and installs everything.
integration_start() {
	local why
	if [ "$(id -u)" -ne 0 ]; then
		skip "${0##*/}" "needs root (network namespaces, XDP)"
		exit 0
	fi
	if ! why=$(topo_requirements); then
		not_ok "${0##*/}" "$why"
		exit 1
	fi
	topo_trap
}

# probe NS ARGS...: tests/lib/probe.py in NS (bounded: every probe waits
# 10 s at most, and timeout ends it after 30).
probe() {
	local ns=$1
	shift
	in_ns "$ns" timeout 30 "$PYTHON" "$HP_ROOT/tests/lib/probe.py" "$@"
}

# udp_says WORD NS ADDR PORT SIZE: a SIZE-byte datagram from NS to
# ADDR:PORT on a connected socket ends as WORD: identical (echoed byte for
# byte), differs, refused (ECONNREFUSED: an ICMP port unreachable matched
# to the socket) or timeout.
udp_says() {
	local got
	got=$(probe "$2" udp "$3" "$4" "$5") || return $CANT_TELL
	echo "UDP $5 bytes from $2 to $3:$4: $got, expected $1" >&2
	[ "$got" = "$1" ]
}

# session_state SRC: the state of the NAT session whose original source is
# SRC (IP:PORT) in `hairpin-xdp sessions --json`; "none" if there is none.
session_state() {
	local out
	out=$(hp sessions --json) || return $CANT_TELL
	"$PYTHON" -c '
import json, sys
states = [s["state"] for s in json.load(sys.stdin) if s.get("src") == sys.argv[1]]
print(states[0] if states else "none")' "$1" <<<"$out"
}

# state_is SRC STATE: that session is in STATE (CANT_TELL when sessions fails).
state_is() {
	local got
	got=$(session_state "$1") || return $CANT_TELL
	echo "session from $1: state $got, expected $2" >&2
	[ "$got" = "$2" ]
}

# capture_start NS NAME FILTER FROM DST: tcpdump on NS's eth0 into
# $HP_TMP/NAME.pcap, returned once it has caught a ping from namespace FROM
# to DST (so nothing sent after it is missed); its pid in $CAPTURE_PID.
# --immediate-mode: libpcap's ring otherwise holds packets for a block
# timeout, and those still held when tcpdump is stopped are lost.
# Bounded: 5 s for tcpdump to start, 20 pings.
capture_start() {
	local pcap=$HP_TMP/$2.pcap i
	hp_bg "$1" "$2.tcpdump" tcpdump --immediate-mode -U -n -i eth0 -w "$pcap" "$3"
	CAPTURE_PID=${HP_PIDS[-1]}
	for ((i = 0; i < 50; i++)); do
		grep -q 'listening on' "$HP_TMP/$2.tcpdump" && break
		sleep 0.1
	done
	for ((i = 0; i < 20; i++)); do
		in_ns "$4" ping -c 1 -W 1 "$5" >/dev/null 2>&1
		# More than the 24-byte pcap file header: a packet is in.
		[ "$(stat -c %s "$pcap" 2>/dev/null || echo 0)" -gt 24 ] && return 0
	done
	echo "capture_start: tcpdump in $1 caught nothing in 20 pings" >&2
	return 1
}

# capture_during NS NAME FILTER FROM DST CMD...: CMD while capture_start's
# capture (the same first five arguments) runs, which ends 0.5 s after CMD
# so that its last packets are in. CMD's status, or CANT_TELL when the
# capture did not start.
capture_during() {
	local rc
	capture_start "$1" "$2" "$3" "$4" "$5" || return $CANT_TELL
	shift 5
	"$@"
	rc=$?
	sleep 0.5
	_kill_bounded "$CAPTURE_PID"
	return $rc
}
