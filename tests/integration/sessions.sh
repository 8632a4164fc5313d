#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The session tools on a table with thousands of sessions while the expiry
# sweeper runs: sessions lists each live session exactly once, again and
# again while the sweeper deletes thousands of expired ones; the filters
# and --count select exactly; flush removes the matching flows, both
# halves, and says how many, and leaves the others (a real hairpin flow
# among them) alone.
# shellcheck source=tests/lib/integration.sh
. "$(dirname "$0")/../lib/integration.sh"

LIVE=1500
DEAD=1500
# Live clients are 198.51.100.(i % 250 + 1): in 198.51.100.0/25, those up to .127.
LOW=$(( (LIVE / 250) * 127 + (LIVE % 250 < 127 ? LIVE % 250 : 127) ))

# fill: LIVE live and DEAD expired UDP flows of rule 1, both halves each,
# written with one bpftool batch (clients 198.51.100.0/24 and 198.51.99.0/24).
fill() {
	"$PYTHON" - "$HP_PINS/maps/hp_sessions" "$LIVE" "$DEAD" "$PUB" "$SERVER" >"$HP_TMP/fill" <<'EOF'
import socket, struct, sys, time
path, live, dead, pub, server = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
now = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
a = socket.inet_aton
def entry(key, val):
    return "map update pinned %s key hex %s value hex %s" % (
        path, " ".join("%02x" % b for b in key), " ".join("%02x" % b for b in val))
for i in range(live + dead):
    net = "198.51.100" if i < live else "198.51.99"
    client = a("%s.%d" % (net, i % 250 + 1))
    cport = 20000 + i
    seen = now - (0 if i < live else 400 * 10**9)  # udp-oneway is 30 s
    # original: C:c -> PUB:5353 => C:c -> S:53; reply: S:53 -> C:c => PUB:5353 -> C:c
    okey = client + a(pub) + struct.pack("!HH", cport, 5353) + struct.pack("=B3x", 17)
    oval = client + a(server) + struct.pack("!HH", cport, 53) + struct.pack("=BBHQ", 3, 0, 1, seen)
    rkey = a(server) + client + struct.pack("!HH", 53, cport) + struct.pack("=B3x", 17)
    rval = a(pub) + client + struct.pack("!HH", 5353, cport) + struct.pack("=BBHQ", 3, 1, 1, seen)
    print(entry(okey, oval))
    print(entry(rkey, rval))
EOF
	bpftool batch file "$HP_TMP/fill" >/dev/null
}

# listed_once: one listing, every live flow in it exactly once.
listed_once() {
	local out
	out=$(hp sessions --json --proto udp) || return $CANT_TELL
	"$PYTHON" -c '
import collections, json, sys
j = json.load(sys.stdin)
srcs = collections.Counter(s["src"] for s in j)
dup = [s for s, n in srcs.items() if n > 1]
live = sum(1 for s in srcs if s.startswith("198.51.100."))
print("listed %d udp sessions, %d live ones, %d listed twice" % (len(j), live, len(dup)), file=sys.stderr)
sys.exit(0 if not dup and live == int(sys.argv[1]) else 1)' "$LIVE" <<<"$out"
}

# listed_once_while_sweeping: list again and again for 12 s (two sweeps).
listed_once_while_sweeping() {
	local i bad=0
	for ((i = 0; i < 24; i++)); do
		listed_once || bad=1
		sleep 0.5
	done
	return $bad
}

count_is() {
	local want=$1 got
	shift
	got=$(hp sessions --count "$@") || return $CANT_TELL
	echo "sessions --count $*: $got, expected $want sessions" >&2
	[ "$got" = "$want sessions" ] || [ "$got" = "$want session" ]
}

entries_of() {
	bpftool -j map dump pinned "$HP_PINS/maps/hp_sessions" | "$PYTHON" -c '
import json, socket, struct, sys
n = 0
for e in json.load(sys.stdin):
    k, v = e.get("formatted", e)["key"], e.get("formatted", e)["value"]
    addrs = [socket.inet_ntoa(struct.pack("=I", x)) for x in (k["tuple"]["saddr"], k["tuple"]["daddr"])]
    n += any(a.startswith(sys.argv[1]) for a in addrs)
print(n)' "$1"
}

cases() {
	local runs
	serve_http || { not_ok "$(t 'http server')" "did not start"; return; }
	check "$(t 'attach, forward :80 (rule 0) and udp :5353 (rule 1)')" eval \
		'hp attach lan0 wan0 >&2 && publish >&2 && hp forward add udp "$PUB:5353" "$SERVER:53" >&2'
	# A real hairpin flow: it also arms the sweeper.
	check "$(t 'LAN client: a real hairpin session')" get_ok client
	check "$(t "$LIVE live and $DEAD expired sessions written")" fill
	runs=$(hp stats --json | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["gc"]["runs"])')
	check "$(t 'sessions lists every live flow once, 24 times over 12 s while the sweeper deletes')" \
		listed_once_while_sweeping
	check "$(t 'the sweeper ran meanwhile')" eval \
		'[ "$(hp stats --json | "$PYTHON" -c "import json,sys; print(json.load(sys.stdin)[\"gc\"][\"runs\"])")" -gt "$runs" ]'
	check "$(t 'the expired flows are gone (both halves)')" eval '[ "$(entries_of 198.51.99.)" -eq 0 ]'
	check "$(t "--count: $LIVE udp")" count_is "$LIVE" --proto udp
	check "$(t "--count --src 198.51.100.0/25: $LOW")" count_is "$LOW" --src 198.51.100.0/25
	check "$(t '--count --rule 1 --state udp --hairpin no')" count_is "$LIVE" --rule 1 --state udp --hairpin no
	check "$(t '--count --hairpin yes: the real flow')" count_is 1 --hairpin yes
	check "$(t '--count --port 80 --proto tcp')" count_is 1 --port 80 --proto tcp
	check "$(t '--count --dst 192.168.0.2 (as translated)')" count_is $((LIVE + 1)) --dst "$SERVER"
	check "$(t '--count of nothing')" count_is 0 --src 10.0.0.0/8
	check "$(t "flush --src 198.51.100.0/25: $LOW removed")" \
		output_has "^$LOW sessions removed$" hp sessions flush --src 198.51.100.0/25
	check "$(t 'flush removed both halves of each')" eval \
		'[ "$(entries_of 198.51.100.)" -eq $(((LIVE - LOW) * 2)) ]'
	check "$(t 'the others stay')" count_is $((LIVE - LOW)) --proto udp
	check "$(t 'the real hairpin flow stays')" count_is 1 --hairpin yes
	check "$(t 'flush --json of nothing: 0')" output_has '"removed":0' hp --json sessions flush --port 9
	check "$(t 'flush --rule 1')" output_has "^$((LIVE - LOW)) sessions removed$" hp sessions flush --rule 1
	check "$(t 'the LAN client still gets through')" get_ok client
}

run_variants cases
