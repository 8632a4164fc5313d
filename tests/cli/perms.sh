#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Pinned objects are root's alone: the pin root and its folders 0700, every
# pinned map, program and link 0600. A user other than root gets one line,
# "permission denied (run as root)", from every command that reads the
# pins, never "not attached", and changes nothing; whichever layer stops
# them: a bpffs that hides its folders (mode 0700, as deps.sh mounts it),
# or the pin root (0700, and never trusted by anyone but its owner even
# when opened to all). The layer past the first is tried on a bpffs of the
# test's own (mode 0755), mounted in a mount namespace of its own, which
# takes its pins with it.
. "$(dirname "$0")/lib.bash"
# Debian's python3 for lib.bash's helpers, not a user's (slow) shim.
export PATH=/usr/bin:$PATH
cli_setup perms

# Where nobody cannot run programs at all (seen in fresh-debian.sh's chroot,
# whose root directory is mktemp's 0700: the dynamic loader is refused every
# library), nothing here can be asked of it.
if ! setpriv --reuid=nobody --regid=nogroup --clear-groups /bin/true 2>/dev/null; then
	echo "skip - perms: user nobody cannot run programs on this system (e.g. a root directory of mode 0700)"
	exit 0
fi

veth_pair v0 v1 192.168.0.1/24
expect_ok "attach v0 (root)" attach v0
expect_ok "forward add (root)" forward add tcp 203.0.113.4:80 192.168.0.2:80

# modes_ok ROOT: folders 0700, pins 0600, everything root's.
modes_ok() {
	local bad
	bad=$(find "$1" \( -type d ! -perm 0700 \) -o \( ! -type d ! -perm 0600 \) -o ! -user root)
	[ -z "$bad" ] || { WHY="wrong mode or owner: $(find $bad -maxdepth 0 -printf '%m %u %p ' | head -c 300)"; return 1; }
	[ "$(find "$1" ! -type d | wc -l)" -ge 18 ] || { WHY="too few pins under $1"; return 1; }
}
check "pins 0600, folders 0700, all root's" modes_ok "$PIN"
check "links and programs among them" eval '[ -e "$PIN/links/v0_xdp" ] && [ -e "$PIN/progs/xdp_ingress" ] && [ -e "$PIN/maps/hp_sessions" ]'

# The tool that nobody runs: the plain build beside the sanitizer one. In a
# fresh debootstrap root (../shared/tools/fresh-debian.sh, the project in
# /root/project) the dynamic loader refused nobody libasan.so.8 ("Permission
# denied"); the permission checks under test are the same code in both.
NOBODY_HX=$CLI_ROOT/build/hairpin-xdp
[ -x "$NOBODY_HX" ] || NOBODY_HX=$HAIRPIN_XDP

# as_nobody ARGS...: the tool as nobody:nogroup, in $NS; sets $RC, $OUT, $ERR.
as_nobody() {
	nsenter --net=/run/netns/"$NS" setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$NOBODY_HX" --bpffs "$PIN" "$@" >"$OUT" 2>"$ERR"
	RC=$?
	{
		echo "### (nobody) hairpin-xdp $* (rc $RC)"
		cat "$ERR"
	} >>"$ALLERR"
}

# denied ARGS...: fails with exactly the one line, and the state is as it was.
denied() {
	local before after
	before=$(snapshot)
	as_nobody "$@"
	after=$(snapshot)
	[ "$RC" -ne 0 ] && [ "$RC" -lt 128 ] || { WHY="rc $RC: $(head -c 200 "$ERR")"; return 1; }
	if [[ " $* " == *" --json "* ]]; then
		# JSON mode: the error is the one object on stdout, stderr is empty.
		[ ! -s "$ERR" ] || { WHY="stderr in JSON mode: $(head -c 200 "$ERR")"; return 1; }
		json_eval "j['error'].endswith('permission denied (run as root)')" || return 1
	else
		[ "$(grep -c '' "$ERR")" -eq 1 ] || { WHY="want one line, got: $(head -c 300 "$ERR")"; return 1; }
		grep -qE '^hairpin-xdp: .*permission denied \(run as root\)$' "$ERR" ||
			{ WHY="stderr: $(cat "$ERR")"; return 1; }
	fi
	[ "$before" = "$after" ] || { WHY="state changed"; return 1; }
}

printf 'attach v0\nforward tcp 203.0.113.4:80 192.168.0.2:80\n' >"$CLI_TMP/hx.conf"
chmod 0644 "$CLI_TMP/hx.conf"
chmod 0755 "$CLI_TMP"
COMMANDS=(
	"stats" "stats --json" "sessions" "sessions --count" "sessions flush" "forward list"
	"forward add tcp 203.0.113.4:81 192.168.0.2:81" "forward del tcp 203.0.113.4:80"
	"config" "config --fast-path off" "save" "metrics" "metrics --listen 127.0.0.1:9109"
	"detach v0" "detach --all" "attach v0" "apply $CLI_TMP/hx.conf" "apply --check $CLI_TMP/hx.conf"
)

# Root's own bpffs, as mounted for the tests.
for c in "${COMMANDS[@]}"; do
	# shellcheck disable=SC2086 # the command's words
	check "nobody: $c: permission denied (run as root)" denied $c
done

# Negative control: the same instance answers root, so it is the user that matters.
expect_ok "root: stats" stats
expect_ok "root: metrics" metrics
# And the check above can fail: a "not attached" line is not taken for it.
hx --bpffs "$PIN-none" stats
check "control: 'not attached' is not a permission denial" eval \
	'! grep -qE "permission denied \(run as root\)$" "$ERR" && grep -q "not attached" "$ERR"'

# The layers behind the first, on a bpffs that lets everyone look (0755).
layers() {
	local mnt=$CLI_TMP/bpf pin=$CLI_TMP/bpf/pins hx="$HAIRPIN_XDP --bpffs $CLI_TMP/bpf/pins"
	local nob="nsenter --net=/run/netns/$NS setpriv --reuid=nobody --regid=nogroup --clear-groups $NOBODY_HX --bpffs $CLI_TMP/bpf/pins"
	mkdir -p "$mnt"
	unshare -m --propagation private sh -c "
		mount -t bpf -o mode=0755 bpf '$mnt' || exit 1
		nsenter --net=/run/netns/$NS $hx attach v1 >/dev/null 2>&1 || exit 2
		echo root-made: \$(stat -c %a '$pin')
		echo nobody-root: \$($nob stats 2>&1)
		chmod 0755 '$pin'
		echo nobody-open-root: \$($nob stats 2>&1)
		chmod 0755 '$pin/maps' '$pin/progs' '$pin/links'
		echo nobody-open-folders: \$($nob sessions 2>&1)
		chmod 0700 '$pin' '$pin/maps' '$pin/progs' '$pin/links'
		chmod 0644 '$pin/maps/hp_stats'
		echo modes-after-chmod: \$(find '$pin' -type f -perm 0644 | wc -l)
		echo root-stats: \$(nsenter --net=/run/netns/$NS $hx stats >/dev/null 2>&1; echo \$?)
	" >"$CLI_TMP/layers" 2>&1
	echo "rc $?" >>"$CLI_TMP/layers"
}
layers
L=$CLI_TMP/layers
check "own bpffs: attach makes the root 0700" eval 'grep -qx "root-made: 700" "$L" || { WHY=$(cat "$L"); false; }'
check "own bpffs: nobody stopped at the pin root" eval \
	'grep -qE "^nobody-root: hairpin-xdp: .*/pins: permission denied \(run as root\)$" "$L" || { WHY=$(cat "$L"); false; }'
check "own bpffs: root open to all (0755): still denied" eval \
	'grep -qE "^nobody-open-root: hairpin-xdp: .*/pins: permission denied \(run as root\)$" "$L" || { WHY=$(cat "$L"); false; }'
check "own bpffs: its folders open too: still denied at the root, not ours" eval \
	'grep -qE "^nobody-open-folders: hairpin-xdp: .*/pins: permission denied \(run as root\)$" "$L" || { WHY=$(cat "$L"); false; }'
# Negative control of the mode check: a pin opened to others is found.
check "control: a pin chmod 0644 is seen" eval 'grep -qx "modes-after-chmod: 1" "$L" || { WHY=$(cat "$L"); false; }'
check "own bpffs: root still reads it after the chmods" eval 'grep -qx "root-stats: 0" "$L" || { WHY=$(cat "$L"); false; }'
check "own bpffs: its pins went with its mount namespace" eval '! in_ns ip -d link show dev v1 | grep -q "prog/xdp"'

expect_ok "detach --all (root)" detach --all
asan_report "perms: no sanitizer reports"
