#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Bad input: one clear line on stderr (or {"error"} with --json), non-zero
# exit, and the state exactly as before (pins, XDP, tc).
. "$(dirname "$0")/lib.bash"
cli_setup errors

veth_pair v0 v1 192.168.0.1/24

# Nothing loaded yet.
expect_fail "forward add before attach" 'not attached: run hairpin-xdp attach IFACE first' \
	forward add tcp 203.0.113.4:80 192.168.0.2:80
expect_fail "sessions before attach" 'not attached' sessions
expect_fail "unknown interface" '^hairpin-xdp: nope0: no such interface$' attach nope0
check "unknown interface: no pin root created" eval '[ ! -e "$PIN" ]'
expect_fail "unknown second interface: first not left attached" 'nope0: no such interface' \
	attach v0 nope0
check "unknown second interface: no XDP on v0, no pins" eval \
	'[ ! -e "$PIN" ] && ! in_ns ip -d link show dev v0 | grep -q prog/xdp'

# Pin root not on a bpffs (a tmpfs directory), and a missing parent.
tmpdir=$(mktemp -d)
before=$(snapshot)
nsenter --net=/run/netns/"$NS" "$HAIRPIN_XDP" --bpffs "$tmpdir/pins" attach v0 >"$OUT" 2>"$ERR"
RC=$?
check "pin root not on bpffs: clear error" eval \
	'[ "$RC" -ne 0 ] && [ "$(stderr_lines)" -eq 1 ] && grep -q "is not on a bpffs; mount one with: mount -t bpf -o mode=0700 bpf /sys/fs/bpf" "$ERR"'
check "pin root not on bpffs: nothing created" eval '[ -z "$(ls -A "$tmpdir")" ] && [ "$before" = "$(snapshot)" ]'
HAIRPIN_XDP_BPFFS=$tmpdir nsenter --net=/run/netns/"$NS" "$HAIRPIN_XDP" stats >"$OUT" 2>"$ERR"
check "HAIRPIN_XDP_BPFFS is honoured" eval 'grep -q "$tmpdir is not on a bpffs" "$ERR"'
rm -rf "$tmpdir"

expect_ok "attach v0" attach v0

# Malformed rules.
expect_fail "bad proto" "bad protocol 'sctp'" forward add sctp 203.0.113.4:80 192.168.0.2:80
expect_fail "bad address (3 parts)" "'203.0.113' is not a dotted-quad" forward add tcp 203.0.113:80 192.168.0.2:80
expect_fail "bad address (octet 256)" 'not a dotted-quad' forward add tcp 203.0.113.256:80 192.168.0.2:80
expect_fail "external interface that does not exist" '^hairpin-xdp: nope9: no such interface$' forward add tcp nope9:80 192.168.0.2:80
expect_fail "internal side must be an address" 'not a dotted-quad' forward add tcp 203.0.113.4:80 localhost:80
expect_fail "missing port" 'expected IPV4:PORT' forward add tcp 203.0.113.4 192.168.0.2:80
expect_fail "port 0" 'port 0 is not a valid port' forward add tcp 203.0.113.4:0 192.168.0.2:80
expect_fail "internal port 0" 'port 0' forward add tcp 203.0.113.4:80 192.168.0.2:0
expect_fail "port 65536" 'bad port.*1-65535' forward add udp 203.0.113.4:65536 192.168.0.2:80
expect_fail "port with sign" 'bad port' forward add udp 203.0.113.4:+80 192.168.0.2:80
expect_fail "bad hairpin mode" "bad hairpin mode 'maybe'" forward add tcp 203.0.113.4:80 192.168.0.2:80 --hairpin maybe
expect_fail "too few arguments" 'expected tcp\|udp EXT:PORT\[-LAST\] INT_IP:PORT\[-LAST\]' forward add tcp 203.0.113.4:80
expect_fail "unknown option" "unknown option '--frobnicate'" forward add tcp 203.0.113.4:80 192.168.0.2:80 --frobnicate
expect_fail "unknown command, named once" "^hairpin-xdp: unknown command 'frob' \\(see hairpin-xdp --help\\)$" frob
expect_fail "unknown forward command" "^hairpin-xdp: forward: unknown command 'frob' \\(see hairpin-xdp forward --help\\)$" forward frob
expect_fail "ambiguous prefix" "'s' is ambiguous" s
expect_fail "bad --snat-ports" "bad port range '5-2'" attach v0 --snat-ports 5-2
expect_fail "bad --max-sessions" "bad --max-sessions '0'" attach v0 --max-sessions 0
expect_fail "bad --mode" "bad --mode 'turbo'" attach v0 --mode turbo
expect_fail "bad --timeout name" "bad timeout 'tcp=5'" config --timeout tcp=5
expect_fail "bad --timeout value" "bad timeout 'x'" config --timeout udp=x
expect_fail "detach without target" 'missing IFACE or --all' detach

# Duplicates and missing rules.
expect_ok "forward add" forward add tcp 203.0.113.4:80 192.168.0.2:80
expect_fail "duplicate rule" '^hairpin-xdp: forward tcp 203.0.113.4:80 already exists$' \
	forward add tcp 203.0.113.4:80 192.168.0.9:8080
expect_ok "same port, other protocol is not a duplicate" forward add udp 203.0.113.4:80 192.168.0.2:80
expect_fail "del of a missing rule" '^hairpin-xdp: forward tcp 203.0.113.4:81 does not exist$' \
	forward del tcp 203.0.113.4:81
expect_fail "detach of an interface not attached" '^hairpin-xdp: v1: not attached$' detach v1
expect_fail "detach with one unknown leaves the other attached" 'nope0: not attached' detach v0 nope0

# --json: the error is a JSON object on stdout, non-zero exit.
hx --json forward add tcp 203.0.113.4:80 192.168.0.2:80
check "--json error: {\"error\": ...} on stdout" eval \
	'[ "$RC" -ne 0 ] && json_valid && json_eval "\"already exists\" in j[\"error\"]"'

expect_ok "detach --all" detach --all
asan_report "errors: no sanitizer reports"
