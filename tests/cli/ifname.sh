#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Interface names read back from hp_ifaces are bounded (issue 10, item 8d):
# the name field is IFNAMSIZ bytes that the map does not promise to end in
# NUL (an older or foreign writer, a corrupted entry). Commands that read it
# must print at most 15 characters and read nothing past the field (ASan
# aborts on the over-read of `detach NAME` printing it).
. "$(dirname "$0")/lib.bash"
cli_setup h3ifname

veth_pair v0 v1 192.168.0.1/24
expect_ok "attach v0" attach v0 --mode generic

# v0's entry with 16 name bytes and no NUL; the rest as attach wrote it.
LONG=abcdefghijklmnop
idx=$(in_ns cat /sys/class/net/v0/ifindex)
# shellcheck disable=SC2046 # hexb prints "hex" and the bytes as words
check "hp_ifaces[v0].name := 16 bytes without NUL" bpftool map update pinned "$PIN/maps/hp_ifaces" \
	key $(hexb "struct.pack('=I', $idx)") \
	value $(hexb "$(ip4 192.168.0.1) + struct.pack('=BBH', 24, 1, 0) + b'$LONG'")

hx detach "$LONG"
check "detach $LONG: refused as not attached, one line" eval \
	'[ "$RC" -ne 0 ] && [ "$(wc -l <"$ERR")" -eq 1 ] && grep -q "$LONG: not attached" "$ERR"'
check "detach $LONG: nothing printed past the name field" eval '! grep -q "$LONG" "$OUT"'

hx --json detach --all
check "detach --all: exit 0" eval '[ "$RC" -eq 0 ]'
# The link pin is named after v0, so it is found (and detached) as well.
check "detach --all: the name printed bounded (15 characters)" json_eval \
	'j["detached"][0] == "abcdefghijklmno" and all(len(n) <= 15 for n in j["detached"]) and j["unloaded"]'
check "detach --all: v0 clean, no pins left" eval 'no_trace v0 && [ ! -e "$PIN" ]'
asan_report "no sanitizer report"
