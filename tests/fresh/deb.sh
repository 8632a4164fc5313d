#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The Debian package's life on a fresh Debian 12: install, enable, remove,
# reinstall, purge. It changes the system it runs on (packages, /etc), so
# it is not part of tests/run: run it in a throwaway root, e.g.
#   PROJECT=$PWD /work/shared/tools/fresh-debian.sh \
#       './tests/lib/deps.sh && make deb && tests/fresh/deb.sh'
# (a chroot: systemctl enables offline there, but without systemd as PID 1
# nothing starts; tests/integration/service.sh runs the daemon as the unit
# does).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/report.sh
export DEBIAN_FRONTEND=noninteractive

deb=$(ls build/hairpin-xdp_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || { not_ok "deb: package" "no build/hairpin-xdp_*.deb (make deb)"; exit 1; }
[ ! -e /sys/fs/bpf/hairpin-xdp ] || { not_ok "deb: fresh system" "/sys/fs/bpf/hairpin-xdp exists"; exit 1; }
unit=/lib/systemd/system/hairpin-xdp.service
conf=/etc/hairpin-xdp/hairpin-xdp.conf

# systemd-analyze and man, for the unit check with its Documentation=.
apt-get install -y -q --no-install-recommends systemd man-db >/dev/null 2>&1

check "deb: apt-get install ./$deb" apt-get install -y -q "./$deb"
check "deb: hairpin-xdp runs (its libraries resolved)" /usr/sbin/hairpin-xdp --help
check "deb: the man page is found by man" eval 'man -w hairpin-xdp | grep -q hairpin-xdp.8.gz'
check "deb: systemd-analyze verify, with the man page check" eval \
	'out=$(systemd-analyze verify '"$unit"' 2>&1); echo "$out" >&2; [ -z "$out" ]'
check "deb: not enabled on install" test "$(systemctl is-enabled hairpin-xdp 2>&1)" = disabled
check "deb: the shipped config names nothing" negate grep -qv '^#' "$conf"
# Without systemd as PID 1 (a chroot) --now cannot start anything: enable only.
now=--now
[ -d /run/systemd/system ] || now=
check "deb: systemctl enable $now hairpin-xdp" systemctl enable $now hairpin-xdp
check "deb: enabled" test "$(systemctl is-enabled hairpin-xdp)" = enabled
check "deb: bash completion in place" test -f /usr/share/bash-completion/completions/hairpin-xdp

# The admin's config survives a reinstall (an upgrade of the same files).
echo '# edited' >>"$conf"
check "deb: reinstall" apt-get install -y -q --reinstall "./$deb"
check "deb: reinstall keeps the edited config" grep -qx '# edited' "$conf"
check "deb: reinstall keeps it enabled" test "$(systemctl is-enabled hairpin-xdp)" = enabled

check "deb: apt-get remove" apt-get remove -y -q hairpin-xdp
check "deb: remove takes the binary and the unit" eval '[ ! -e /usr/sbin/hairpin-xdp ] && [ ! -e '"$unit"' ]'
check "deb: remove keeps the config" test -f "$conf"
check "deb: remove masks the unit until purge or reinstall" \
	test "$(readlink /etc/systemd/system/hairpin-xdp.service)" = /dev/null
check "deb: install again after remove" apt-get install -y -q "./$deb"
check "deb: ... unmasked and still enabled" test "$(systemctl is-enabled hairpin-xdp)" = enabled

check "deb: apt-get purge" apt-get purge -y -q hairpin-xdp
check "deb: purge removes the config folder and the defaults" \
	eval '[ ! -e /etc/hairpin-xdp ] && [ ! -e /etc/default/hairpin-xdp ]'
check "deb: purge leaves no enablement or mask behind" \
	test -z "$(find /etc/systemd -name 'hairpin-xdp*' 2>/dev/null)"
check "deb: dpkg knows nothing of it" negate dpkg -s hairpin-xdp
[ "$HP_FAILED" -eq 0 ]
