#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# import openwrt: each folder of tests/cli/import/ is an OpenWrt router's
# /etc/config (firewall, and network where the router has one: as fw4 and
# LuCI write them), optional extra arguments (args), and the exact expected
# stdout (out) and stderr (err). The tool runs in the folder, as `import
# openwrt [ARGS] firewall`, so the expected files name it relatively.
# Then bad input: one line naming FILE[:LINE], nothing on stdout, exit 1.
# Touches no network state: no namespace needed.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/report.sh

HAIRPIN_XDP=${HAIRPIN_XDP:-build/asan/hairpin-xdp}
case $HAIRPIN_XDP in
/*) ;;
*) HAIRPIN_XDP=$PWD/$HAIRPIN_XDP ;;
esac
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# same NAME WANT_FILE GOT_FILE: byte for byte, else the diff in the log.
same() {
	if cmp -s "$2" "$3"; then
		ok "$1"
	else
		not_ok "$1" "differs from $2 (diff in the log)"
		diff -u "$2" "$3" >&2
	fi
}

for dir in tests/cli/import/*/; do
	case=$(basename "$dir")
	args=()
	[ -f "$dir/args" ] && read -ra args <"$dir/args"
	(cd "$dir" && "$HAIRPIN_XDP" import openwrt "${args[@]}" firewall) >"$tmp/out" 2>"$tmp/err"
	rc=$?
	check "import $case: exit 0" test "$rc" -eq 0
	same "import $case: stdout is the expected config" "$dir/out" "$tmp/out"
	same "import $case: stderr is the expected warning (or nothing)" "$dir/err" "$tmp/err"
done

# fails NAME RE ARGS...: exit 1, nothing on stdout, one stderr line matching RE.
fails() {
	local name=$1 re=$2 rc
	shift 2
	"$HAIRPIN_XDP" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	echo "## $* -> rc $rc: $(cat "$tmp/err")" >&2
	if [ "$rc" -ne 1 ]; then
		not_ok "$name" "exit $rc, want 1"
	elif [ -s "$tmp/out" ]; then
		not_ok "$name" "printed on stdout: $(head -c 200 "$tmp/out")"
	elif [ "$(grep -c '' "$tmp/err")" -ne 1 ] || ! grep -qE -- "$re" "$tmp/err"; then
		not_ok "$name" "stderr '$(head -c 300 "$tmp/err")' is not one line matching /$re/"
	else
		ok "$name"
	fi
}

# bad NAME LINE TEXT: a firewall file whose line LINE is broken.
bad() {
	printf '%b' "$3" >"$tmp/firewall"
	fails "malformed: $1" "^hairpin-xdp: $tmp/firewall:$2: " import openwrt "$tmp/firewall"
}

fails "missing file" "^hairpin-xdp: $tmp/nope: No such file or directory$" import openwrt "$tmp/nope"
fails "a folder, not a file" "^hairpin-xdp: $tmp: Is a directory$" import openwrt "$tmp"
redirect="config redirect\n\toption src 'wan'\n\toption src_dport '80'\n\toption dest_ip '192.168.1.2'\n"
bad "unterminated quote" 5 "$redirect\toption name 'web\n"
bad "unterminated double quote" 2 "config zone\n\toption name \"lan\n"
bad "option before any config" 1 "\toption name 'x'\n$redirect"
bad "unknown keyword" 5 "$redirect\toptoin name 'x'\n"
bad "extra text after the value" 2 "config redirect\n\toption name 'a' 'b'\n"
bad "option without a value" 4 "config zone\n\n# a comment\n\toption name\n"
bad "bad section type" 1 "config 're direct'\n"
check "malformed: the message says what" grep -q "unterminated ' quote" <(
	printf "config x\n\toption a 'b\n" >"$tmp/firewall"; "$HAIRPIN_XDP" import openwrt "$tmp/firewall" 2>&1)

# The network file: given and missing, or broken (named in the message).
cp tests/cli/import/luci/firewall "$tmp/firewall"
fails "--network FILE missing" "^hairpin-xdp: $tmp/net: No such file or directory$" \
	import openwrt --network "$tmp/net" "$tmp/firewall"
printf "config interface 'wan'\n\toption device 'eth1\n" >"$tmp/network"
fails "network beside FILE malformed: named with its line" "^hairpin-xdp: $tmp/network:2: unterminated ' quote$" \
	import openwrt "$tmp/firewall"
rm -f "$tmp/network"

fails "no FILE" "import openwrt: expected FILE" import openwrt
fails "two FILEs" "import openwrt: expected FILE" import openwrt "$tmp/firewall" "$tmp/firewall"
fails "unknown source" "import: unknown command 'pfsense'" import pfsense "$tmp/firewall"
fails "unknown option" "unknown option '--lan'" import openwrt --lan eth0 "$tmp/firewall"

# The same result as a file given by another path: the header names it.
"$HAIRPIN_XDP" import openwrt --wan eth9 "$tmp/firewall" >"$tmp/out" 2>/dev/null
check "--wan IFACE: every zone-addressed forward uses it" \
	test "$(grep -c '^forward [a-z]* eth9:' "$tmp/out")" -eq 9
check "--wan IFACE: src_dip still wins" grep -qx 'forward tcp 203.0.113.5:443 192.168.1.3:8443' "$tmp/out"
check "the header names FILE as given" grep -qx "# hairpin-xdp configuration from the redirects of $tmp/firewall" "$tmp/out"

# JSON mode: the error is the JSON object.
"$HAIRPIN_XDP" --json import openwrt "$tmp/nope" >"$tmp/out" 2>"$tmp/err"
check "--json: a missing file is {\"error\": ...} on stdout" \
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if "No such file" in j["error"] else 1)' "$tmp/out"
[ "$HP_FAILED" -eq 0 ]
