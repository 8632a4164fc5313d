#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The Makefile as a packager uses it: Debian's hardening flags (CFLAGS,
# CPPFLAGS, LDFLAGS from dpkg-buildflags) reach the compile and the link,
# libbpf comes from pkg-config, and install/uninstall honour DESTDIR and
# PREFIX. Builds into a folder of its own, removed on exit.
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
check "makefile: nothing installed outside DESTDIR/PREFIX" \
	test -z "$(find "$dest" -mindepth 1 -maxdepth 1 ! -name usr)"
make -s BUILD="$tmp/b" DESTDIR="$dest" PREFIX=/usr uninstall >/dev/null 2>&1
check "makefile: make uninstall removes every installed file" \
	test -z "$(find "$dest" -type f)"
[ "$HP_FAILED" -eq 0 ]
