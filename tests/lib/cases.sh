# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The story's checks, shared by the integration tests and the demo. Each is a
# command that succeeds or fails, with its evidence on stderr; the test
# programs turn them into result lines with `check`. Sourced after apps.sh.

URL=http://$PUB	# the published server, as both clients know it

# get_ok NS [PORT]: GET the page through the public address, byte-identical.
get_ok() {
	local out=$HP_TMP/get.$1.${2:-80}
	rm -f "$out"
	http_get "$1" "$URL:${2:-80}/index.html" "$out" && same_file "$out" "$HP_TMP/www/index.html"
}

# get_fails NS [PORT]: the same GET does not connect (bounded: 3 s): curl
# times out (28: the story's lost SYN-ACK, a drop) or is refused (7: an RST,
# no forward). Any other outcome, curl's own errors included, is not the
# failure expected.
get_fails() {
	local rc
	http_get "$1" "$URL:${2:-80}/index.html" /dev/null 3
	rc=$?
	echo "GET from $1 via :${2:-80}: curl exit $rc, expected 28 (timeout) or 7 (refused)" >&2
	[ "$rc" -eq 28 ] || [ "$rc" -eq 7 ]
}

# saw NS ADDR [PORT]: a connection from NS (to the public address, PORT)
# reached the server with source ADDR.
saw() {
	local seen
	seen=$(peer_seen "$1" "$URL:${3:-80}")
	echo "server saw '$seen' for a connection from $1 via :${3:-80}, expected $2" >&2
	[ "$seen" = "$2" ]
}

# _udp_roundtrip ADDR SEND ARGS...: 1000 random bytes through `SEND ARGS...`
# (stdin to stdout) come back unchanged, and the echo server saw them from ADDR.
_udp_roundtrip() {
	local want=$1 data=$HP_TMP/udp.data reply=$HP_TMP/udp.reply last
	shift
	head -c 1000 /dev/urandom >"$data"
	"$@" <"$data" >"$reply"
	last=$(tail -n 1 "$HP_TMP/udpecho.log" 2>/dev/null)
	echo "echo server's last peer: '$last', expected $want; reply $(wc -c <"$reply") bytes" >&2
	same_file "$data" "$reply" && [ "${last%%:*}" = "$want" ]
}

# udp_ok NS ADDR [DEST]: a datagram from NS to DEST (default: the public
# address) comes back unchanged, and the echo server saw it from ADDR.
udp_ok() {
	_udp_roundtrip "$2" udp_echo "$1" "${3:-$PUB}"
}

# udp0_ok NS ADDR: the same with the datagram sent without a UDP checksum
# (0): the NAT must leave it 0 or make it right, never leave it wrong.
udp0_ok() {
	_udp_roundtrip "$2" in_ns "$1" timeout 10 "$PYTHON" "$HP_ROOT/tests/lib/serve.py" udp0 "$PUB" "$UDP_PORT"
}

# udp_fails NS: no echo arrives (a connected UDP socket drops a reply from
# any other address than the one it sent to, as in the story).
udp_fails() {
	local data=$HP_TMP/udp.data reply=$HP_TMP/udp.reply err=$HP_TMP/udp.err rc
	head -c 100 /dev/urandom >"$data"
	udp_echo "$1" "$PUB" <"$data" >"$reply" 2>"$err"
	rc=$?
	echo "UDP from $1: socat exit $rc ($(head -c 100 "$err")), $(wc -c <"$reply") bytes back;" \
		"expected none: a timeout (exit 0) or a port unreachable (refused)" >&2
	[ ! -s "$reply" ] || return 1
	# socat ends 0 at its inactivity timeout: it ran, and nothing came back;
	# with no forward the router's stack answers port unreachable.
	[ "$rc" -eq 0 ] || { [ "$rc" -eq 1 ] && grep -q 'Connection refused' "$err"; }
}

# many_connections NS N ADDR: N sequential HTTP/1.0 requests (the server
# closes each connection, so each is a new TCP connection and NAT session)
# all complete, all seen from ADDR, each from a different source port.
many_connections() {
	local out=$HP_TMP/many.out n ports
	# curl runs the URLs of a [1-N] glob one after the other; each /peer
	# answer is one line, the source address and port the server saw.
	in_ns "$1" timeout 120 curl -sS --max-time 5 "$URL/peer?n=[1-$2]" >"$out"
	n=$(grep -c "^$3:" "$out")
	ports=$(cut -d: -f2 "$out" | sort -u | wc -l)
	echo "$n of $2 connections completed from $3, $ports distinct source ports" >&2
	if [ "$ports" -ne "$2" ]; then
		echo "ports seen more than once: $(cut -d: -f2 "$out" | sort | uniq -d | tr '\n' ' ')" >&2
		hp sessions >&2
		hp stats >&2
	fi
	[ "$n" -eq "$2" ] && [ "$ports" -eq "$2" ]
}

# big_download NS: 50 MB from the server through the public address.
big_download() {
	local out=$HP_TMP/download.bin
	rm -f "$out"
	http_get "$1" "$URL/big.bin" "$out" 60 && same_file "$out" "$HP_TMP/www/big.bin"
}

# send_and_settle NS FILE TARGET MAXTIME PID: send FILE from NS to the socat
# address TARGET (bounded by MAXTIME seconds), then give the receiver PID,
# which exits once it has written everything after our FIN, up to 10 s.
send_and_settle() {
	local i
	if ! in_ns "$1" timeout "$4" socat -u "OPEN:$2" "$3"; then
		# A receiver still waiting for the rest would hold the port.
		_kill_bounded "$5"
		return 1
	fi
	for ((i = 0; i < 100; i++)); do
		kill -0 "$5" 2>/dev/null || break
		sleep 0.1
	done
}

# big_upload NS [FILE [MAXTIME]]: the same 50 MB (or FILE) to the server
# (socat), through the public address, the other direction of the same
# rewrites; the sender gives up after MAXTIME seconds (default 60).
big_upload() {
	local file=${2:-$HP_TMP/www/big.bin}
	serve_upload || return 1
	send_and_settle "$1" "$file" "TCP4:$PUB:$UPLOAD_PORT" "${3:-60}" "${HP_PIDS[-1]}" &&
		same_file "$HP_TMP/upload.bin" "$file"
}

# iperf_ok NS: an iperf3 TCP run of 2 s through the public address.
iperf_ok() {
	hp_bg server iperf3.log iperf3 -s -1 -p 5201
	wait_for 100 listening server tcp 5201 || return 1
	in_ns "$1" timeout 30 iperf3 -c "$PUB" -p 5201 -t 2 >&2
}

# udp_logged NAME WORD [FROM]: the server's serve_udp_log log NAME holds WORD
# (from address FROM, default anyone), within 2 s.
udp_logged() {
	wait_for 20 grep -qE "^${3:-[0-9.]+}:[0-9]+ $2\$" "$HP_TMP/$1"
	local rc=$?
	echo "server log $1: $(tr '\n' ';' <"$HP_TMP/$1"), expected $2 from ${3:-anyone}" >&2
	return $rc
}

# udp_not_logged NAME WORD: WORD is not in that log after 1 s.
udp_not_logged() {
	sleep 1
	echo "server log $1: $(tr '\n' ';' <"$HP_TMP/$1"), expected no $2" >&2
	! grep -q " $2\$" "$HP_TMP/$1"
}

# inet_udp_session PORT SPORT: the internet client opens a UDP session to
# $PUB:PORT from SPORT (one datagram, icmpbig.py), the router's neighbours
# resolved first so that nothing later waits for ARP; it is in `sessions`.
inet_udp_session() {
	in_ns router ping -c 1 -W 2 "$SERVER" >&2
	in_ns router ping -c 1 -W 2 "$INET" >&2
	in_ns inet "$PYTHON" "$HP_ROOT/tests/lib/icmpbig.py" udp "$PUB" "$1" "$2" || return $CANT_TELL
	wait_for 20 output_has "$INET:$2" hp sessions
}

# publish [OPTS...]: the story's rule, tcp 203.0.113.4:80 -> 192.168.0.2:80.
# shellcheck disable=SC2120 # options are optional
publish() {
	hp forward add tcp "$PUB:$HTTP_PORT" "$SERVER:$HTTP_PORT" "$@"
}
