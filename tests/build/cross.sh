#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Cross builds for a router that is not amd64, with Debian's cross
# toolchain (gcc-aarch64-linux-gnu, libbpf-dev:arm64: `HP_DEPS_CROSS=1
# tests/lib/deps.sh` installs them). The loader is built for arm64 the
# usual ways, and the BPF object must come out byte for byte the same as
# the native build's: it does not depend on the build host.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/report.sh

if ! command -v aarch64-linux-gnu-gcc >/dev/null ||
	[ ! -e /usr/lib/aarch64-linux-gnu/pkgconfig/libbpf.pc ]; then
	skip "cross: arm64 build" "no arm64 toolchain (HP_DEPS_CROSS=1 tests/lib/deps.sh installs it)"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# cross_build NAME BUILD_DIR MAKE_ARGS...: build the loader that way.
cross_build() {
	local name=$1 dir=$2 machine
	shift 2
	if ! make -s BUILD="$dir" "$@" all >"$tmp/$name.log" 2>&1; then
		not_ok "cross: make $*" "$(tail -1 "$tmp/$name.log")"
		return 1
	fi
	machine=$(readelf -h "$dir/hairpin-xdp" | sed -n 's/^ *Machine: *//p')
	if [ "$machine" = AArch64 ]; then
		ok "cross: make $* builds an AArch64 loader"
	else
		not_ok "cross: make $*" "the loader is for '$machine'"
	fi
}

cross_build arch "$tmp/arch" ARCH=arm64
cross_build cc "$tmp/cc" ARCH=arm64 CC=aarch64-linux-gnu-gcc
cross_build prefix "$tmp/prefix" CROSS_COMPILE=aarch64-linux-gnu-
check "cross: the arm64 loader links the arm64 libbpf" \
	grep -q 'NEEDED.*libbpf\.so' <<<"$(readelf -d "$tmp/arch/hairpin-xdp")"

make -s BUILD="$tmp/native" bpf >/dev/null 2>&1
check "cross: the BPF object is the same as the native build's" \
	cmp -s "$tmp/native/hairpin.bpf.o" "$tmp/arch/hairpin.bpf.o"
[ "$HP_FAILED" -eq 0 ]
