#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Allow lists: --allow PREFIX puts {32 + len, list id (network order),
# network address} -> 1 in hp_allow, and HP_FWF_ALLOWLIST and the list id
# (rule id * 2 + generation) in every entry of the rule; list shows the
# prefixes; del removes them; bad prefixes are one line and change nothing;
# a full hp_allow rolls the whole add back.
# shellcheck source=tests/cli/lib.bash
. "$(dirname "$0")/lib.bash"
cli_setup allow

veth_pair v0 v1 192.168.0.1/24
hx attach v0

expect_ok "add with two --allow (a bare address is /32)" \
	forward add tcp 203.0.113.4:80 192.168.0.2:80 --allow 198.51.100.0/24 --allow 192.168.0.3
check "hp_allow: the two prefixes under rule 0's list 0" lines_equal \
	"$(printf 'list=0 192.168.0.3/32 value=1\nlist=0 198.51.100.0/24 value=1')" "$(allow_entries)"
check "hp_allow: raw key of 198.51.100.0/24 is {56, htonl(0), addr}" eval \
	'map_dump hp_allow | grep -qF "{\"key\": {\"addr\": $(python3 -c "import socket, struct; print(struct.unpack(\"=I\", socket.inet_aton(\"198.51.100.0\"))[0])"), \"list_id\": 0, \"prefixlen\": 56}, \"value\": 1}"'
check "the entry has HP_FWF_ALLOWLIST and list 0" lines_equal \
	"tcp 203.0.113.4:80 192.168.0.2:80 rule=0 allow=0 hairpin=0 flags=1" \
	"$(fwd_entries | grep '^tcp 203.0.113.4:80 ')"

expect_ok "range with --allow and --hairpin external" \
	forward add udp 203.0.113.4:5000-5002 192.168.0.2:53 --allow 10.0.0.0/8 --hairpin external
check "every entry of the range has the flag" eval \
	'[ "$(fwd_entries | grep -c "^udp 203\.0\.113\.4:500[0-2] .* rule=1 .*hairpin=1 flags=1$")" -eq 3 ]'
expect_ok "no --allow: no flag" forward add tcp 203.0.113.4:443 192.168.0.2:443
check "no --allow: flags=0, nothing in hp_allow for rule 2 (lists 4, 5)" eval \
	'grep -q "^tcp 203\.0\.113\.4:443 .* rule=2 .* flags=0$" <<<"$(fwd_entries)" && ! grep -qE "^list=[45] " <<<"$(allow_entries)"'
expect_ok "--allow 0.0.0.0/0" forward add tcp 203.0.113.4:22 192.168.0.2:22 --allow 0.0.0.0/0
check "0.0.0.0/0 is prefix length 32 + 0" eval 'grep -qx "list=6 0.0.0.0/0 value=1" <<<"$(allow_entries)"'

hx forward list
check "list: the allow list as a column" eval \
	'grep -qE "^tcp +203\.0\.113\.4:80 +192\.168\.0\.2:80 +internal +0 +0 +0 +192\.168\.0\.3/32,198\.51\.100\.0/24$" "$OUT" &&
	grep -qE "^udp +203\.0\.113\.4:5000-5002 +192\.168\.0\.2:53 +external .* 10\.0\.0\.0/8$" "$OUT"'
check "list: no allow list is 'any'" eval 'grep -qE "^tcp +203\.0\.113\.4:443 .* any$" "$OUT"'
hx forward list --json
check "list --json: valid" json_valid
check "list --json: arrays, null without a list" json_eval \
	"[r['allow'] for r in j] == [['192.168.0.3/32', '198.51.100.0/24'], ['10.0.0.0/8'], None, ['0.0.0.0/0']]"

# Bad prefixes: one line, nothing changed (the snapshot covers both maps).
expect_fail "host bits set" \
	"^hairpin-xdp: bad prefix '198\.51\.100\.7/24': host bits set \(the network is 198\.51\.100\.0/24\)$" \
	forward add tcp 203.0.113.5:80 192.168.0.2:80 --allow 198.51.100.7/24
expect_fail "length 33" "bad prefix '198\.51\.100\.0/33': length must be 0 to 32" \
	forward add tcp 203.0.113.5:80 192.168.0.2:80 --allow 198.51.100.0/33
expect_fail "negative length" "bad prefix '198\.51\.100\.0/-1'" \
	forward add tcp 203.0.113.5:80 192.168.0.2:80 --allow 198.51.100.0/-1
expect_fail "empty length" "bad prefix '198\.51\.100\.0/'" \
	forward add tcp 203.0.113.5:80 192.168.0.2:80 --allow 198.51.100.0/
expect_fail "three-part address" "bad prefix '198\.51\.100/24': expected IPV4/LEN or IPV4" \
	forward add tcp 203.0.113.5:80 192.168.0.2:80 --allow 198.51.100/24
expect_fail "a name" "bad prefix 'example\.org'" \
	forward add tcp 203.0.113.5:80 192.168.0.2:80 --allow example.org
expect_fail "IPv6" "bad prefix '2001:db8::/32'" \
	forward add tcp 203.0.113.5:80 192.168.0.2:80 --allow 2001:db8::/32
expect_fail "the same prefix twice" '^hairpin-xdp: --allow 192\.0\.2\.1/32 given twice$' \
	forward add tcp 203.0.113.5:80 192.168.0.2:80 --allow 192.0.2.1 --allow 192.0.2.1/32
expect_fail "--allow without a value" "option '--allow' needs a value" \
	forward add tcp 203.0.113.5:80 192.168.0.2:80 --allow
expect_fail "good --allow, clashing rule: allow list not inserted" 'forward tcp 203\.0\.113\.4:443 already exists' \
	forward add tcp 203.0.113.4:443 192.168.0.2:443 --allow 192.0.2.0/24

# del removes the rule's allow entries only.
hx --json forward del tcp 203.0.113.4:80
check "del --json counts the allow entries" eval \
	'[ "$RC" -eq 0 ] && json_eval "j[\"allow_entries_deleted\"] == 2"'
check "del: rule 0's prefixes gone, the others kept" lines_equal \
	"$(printf 'list=2 10.0.0.0/8 value=1\nlist=6 0.0.0.0/0 value=1')" "$(allow_entries)"

# A prefix left under a free id (a delete that died half way) is not
# inherited by the next rule with that id.
# shellcheck disable=SC2046
bpftool map update pinned "$PIN/maps/hp_allow" \
	key $(hexb "struct.pack('=I', 32 + 12) + struct.pack('!I', 0) + $(ip4 172.16.0.0)") value 1 0 0 0
expect_ok "add reusing rule 0, without --allow" forward add tcp 203.0.113.4:80 192.168.0.2:80
check "the stale prefix of rule 0 is gone" eval '! grep -qE "^list=[01] " <<<"$(allow_entries)"'

# Fill hp_allow (4096) to one short of full with prefixes of an unused list
# id: the second --allow does not fit, and the first is taken out again
# (and the rollback's reconcile removes the list no rule uses).
batch=$CLI_TMP/fill
python3 - "$PIN/maps/hp_allow" >"$batch" <<'EOF'
import struct, sys
for i in range(4096 - 2 - 1):
    key = struct.pack("=I", 64) + struct.pack("!I", 1000) + bytes([100, 64 + (i >> 16), (i >> 8) & 255, i & 255])
    print("map update pinned %s key hex %s value 1 0 0 0" % (sys.argv[1], " ".join("%02x" % b for b in key)))
EOF
bpftool batch file "$batch" >/dev/null
check "hp_allow holds 4095 entries" eval '[ "$(allow_entries | wc -l)" -eq 4095 ]'
expect_fail "hp_allow full: the add fails and is rolled back" \
	'^hairpin-xdp: cannot add the allow list of forward udp 203\.0\.113\.4:7000: hp_allow is full \(4096 entries\)$' \
	forward add udp 203.0.113.4:7000 192.168.0.2:7000 --allow 192.0.2.0/25 --allow 192.0.2.128/25
check "rolled back: no entry for port 7000, no prefix of 192.0.2.0" eval \
	'! grep -q "203\.0\.113\.4:7000 " <<<"$(fwd_entries)" && ! grep -q " 192\.0\.2\." <<<"$(allow_entries)"'
expect_ok "with room for one prefix, one --allow fits" \
	forward add udp 203.0.113.4:7000 192.168.0.2:7000 --allow 192.0.2.0/25

expect_ok "detach --all" detach --all
check "nothing left" eval '[ ! -e "$PIN" ]'
asan_report "allow: no sanitizer reports"
