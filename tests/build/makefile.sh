#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The Makefile as a packager uses it: Debian's hardening flags (CFLAGS,
# CPPFLAGS, LDFLAGS from dpkg-buildflags) reach the compile and the link,
# libbpf comes from pkg-config, and install/uninstall honour DESTDIR and
# PREFIX (the binary, man page, systemd unit, OpenWrt init script, bash
# completion, example and /etc config; the admin's edited config survives).
# Builds into a folder of its own, removed on exit.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/report.sh

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Debian's flags as a package build gets them (hardening=+all: bindnow too).
flags=$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --export=sh) || {
	not_ok "makefile: dpkg-buildflags" "dpkg-buildflags failed (dpkg-dev missing?)"
	exit 1
}
if (eval "$flags" && make -s BUILD="$tmp/b" all) >"$tmp/build.log" 2>&1; then
	ok "makefile: builds with dpkg-buildflags' CFLAGS, CPPFLAGS and LDFLAGS"
else
	not_ok "makefile: build with dpkg-buildflags" "$(tail -1 "$tmp/build.log")"
	exit 1
fi
bin=$tmp/b/hairpin-xdp
dyn=$(readelf -d "$bin")
check "makefile: LDFLAGS reach the link (-z relro -z now: BIND_NOW)" grep -qE 'BIND_NOW|FLAGS_1.*NOW' <<<"$dyn"
check "makefile: LDFLAGS reach the link (RELRO)" grep -q GNU_RELRO <<<"$(readelf -lW "$bin")"
syms=$(nm -D "$bin")
check "makefile: CFLAGS reach the compile (-fstack-protector-strong)" grep -q __stack_chk_fail <<<"$syms"
check "makefile: CPPFLAGS reach the compile (-D_FORTIFY_SOURCE)" grep -qE '__[a-z]+_chk' <<<"$syms"
check "makefile: libbpf from pkg-config" \
	test "$(make -s print-LIBBPF_LIBS | xargs)" = "$(pkg-config --libs libbpf | xargs)"
check "makefile: linked against libbpf" grep -q 'NEEDED.*libbpf\.so' <<<"$dyn"

# install and uninstall, staged under DESTDIR with a packager's PREFIX.
dest=$tmp/root
if make -s BUILD="$tmp/b" DESTDIR="$dest" PREFIX=/usr install >"$tmp/install.log" 2>&1; then
	ok "makefile: make install DESTDIR=... PREFIX=/usr"
else
	not_ok "makefile: make install" "$(tail -1 "$tmp/install.log")"
fi
check "makefile: installs the loader in PREFIX/sbin" test -x "$dest/usr/sbin/hairpin-xdp"
check "makefile: installs the man page in PREFIX/share/man/man8" test -f "$dest/usr/share/man/man8/hairpin-xdp.8"
check "makefile: installs the systemd unit in PREFIX/lib/systemd/system" \
	test -f "$dest/usr/lib/systemd/system/hairpin-xdp.service"
# shellcheck disable=SC2016 # $DAEMON_OPTS is the unit's, literal
check "makefile: the unit runs PREFIX/sbin/hairpin-xdp with /etc's config" \
	grep -qx 'ExecStart=/usr/sbin/hairpin-xdp daemon --config /etc/hairpin-xdp/hairpin-xdp.conf $DAEMON_OPTS' \
	"$dest/usr/lib/systemd/system/hairpin-xdp.service"
check "makefile: installs the OpenWrt init script in PREFIX/share/hairpin-xdp/openwrt" \
	test -x "$dest/usr/share/hairpin-xdp/openwrt/hairpin-xdp"
check "makefile: installs the bash completion in PREFIX/share/bash-completion/completions" \
	test -f "$dest/usr/share/bash-completion/completions/hairpin-xdp"
check "makefile: installs the example config in PREFIX/share/doc/hairpin-xdp/examples" \
	test -f "$dest/usr/share/doc/hairpin-xdp/examples/hairpin-xdp.conf"
check "makefile: installs the config file in /etc/hairpin-xdp (PREFIX=/usr)" \
	test -f "$dest/etc/hairpin-xdp/hairpin-xdp.conf"
check "makefile: installs the service defaults in /etc/default (PREFIX=/usr)" \
	test -f "$dest/etc/default/hairpin-xdp"
check "makefile: nothing installed outside DESTDIR/PREFIX and /etc" \
	test -z "$(find "$dest" -mindepth 1 -maxdepth 1 ! -name usr ! -name etc)"

# The admin's config is theirs: a second install keeps it, uninstall too.
echo 'attach eth9' >"$dest/etc/hairpin-xdp/hairpin-xdp.conf"
make -s BUILD="$tmp/b" DESTDIR="$dest" PREFIX=/usr install >/dev/null 2>&1
check "makefile: make install keeps an edited config file" \
	grep -qx 'attach eth9' "$dest/etc/hairpin-xdp/hairpin-xdp.conf"
make -s BUILD="$tmp/b" DESTDIR="$dest" PREFIX=/usr uninstall >/dev/null 2>&1
check "makefile: make uninstall keeps an edited config file" \
	test "$(find "$dest" -type f)" = "$dest/etc/hairpin-xdp/hairpin-xdp.conf"
rm -f "$dest/etc/hairpin-xdp/hairpin-xdp.conf"
make -s BUILD="$tmp/b" DESTDIR="$dest" PREFIX=/usr install >/dev/null 2>&1
make -s BUILD="$tmp/b" DESTDIR="$dest" PREFIX=/usr uninstall >/dev/null 2>&1
check "makefile: make uninstall removes every installed file" \
	test -z "$(find "$dest" -type f)"

# The default PREFIX (/usr/local): the config beside it, not in /etc.
dest=$tmp/local
make -s BUILD="$tmp/b" DESTDIR="$dest" install >/dev/null 2>&1
check "makefile: PREFIX=/usr/local: everything under DESTDIR/usr/local" \
	test -z "$(find "$dest" -mindepth 1 -maxdepth 2 ! -path "$dest/usr" ! -path "$dest/usr/local")"
check "makefile: PREFIX=/usr/local: the unit reads /usr/local/etc's config" \
	grep -q -- '--config /usr/local/etc/hairpin-xdp/hairpin-xdp.conf' \
	"$dest/usr/local/lib/systemd/system/hairpin-xdp.service"
make -s BUILD="$tmp/b" DESTDIR="$dest" uninstall >/dev/null 2>&1
check "makefile: PREFIX=/usr/local: make uninstall removes every installed file" \
	test -z "$(find "$dest" -type f)"
[ "$HP_FAILED" -eq 0 ]
