#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Install what building and testing hairpin-xdp needs on Debian 12, and mount
# bpffs. Run as root; non-interactive, so CI and `make demo`/`make test` on a
# fresh machine can call it unattended. When everything is already there it
# only asks dpkg, so calling it before every run costs a fraction of a second.
#
#   HP_DEPS_CROSS=1   also Debian's arm64 cross toolchain and arm64 libbpf
#                     (adds the arm64 architecture to dpkg), for
#                     tests/build/cross.sh; CI sets it.
set -euo pipefail

# Only what the build, the tests and the demo actually run.
packages=(
	make gcc libc6-dev pkg-config	# the loader and the unit tests
	dpkg-dev			# dpkg-buildflags (tests/build/makefile.sh), make deb
	binutils			# readelf, nm: what a build produced
	cppcheck clang-tidy		# static analysis of the loader (tests/build/static.sh)
	clang llvm			# BPF target (clang -target bpf), llvm-strip
	libbpf-dev libelf-dev zlib1g-dev linux-libc-dev
	bpftool				# skeleton generation, map inspection
	iproute2			# ip netns, veth, bridge, tc
	util-linux			# nsenter, mountpoint
	ethtool				# `tx off` variant of the integration tests
	curl socat iperf3 python3	# real clients and servers on both ends
	tcpdump				# the demo shows the story's failing handshake
	nftables python3-scapy		# differential test: nftables NAT as the reference
	python3-prometheus-client	# metrics parsed by a real exposition-format parser
	procps				# sysctl in the namespaces
	iputils-ping			# ICMP echo through the router (icmp.sh, ipv6.sh)
	linux-perf			# the benchmark's profiles (bench/run, also its quick mode)
	systemd				# systemd-analyze verify of the unit (tests/build/packaging.sh)
)

cross=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross libbpf-dev:arm64 libelf-dev:arm64 zlib1g-dev:arm64)
if [ "${HP_DEPS_CROSS:-0}" = 1 ]; then
	packages+=("${cross[@]}")
	if ! dpkg --print-foreign-architectures | grep -qx arm64; then
		[ "$(id -u)" -eq 0 ] || { echo "deps.sh: run as root to add the arm64 architecture" >&2; exit 1; }
		dpkg --add-architecture arm64
	fi
fi

# installed PKG[:ARCH]: installed for ARCH, by default the native one (or
# "all"). dpkg -s succeeds for removed-but-configured packages too, and a
# name without an architecture matches every architecture installed.
native=$(dpkg --print-architecture)
installed() {
	local name=${1%%:*} arch=${1#*:}
	[ "$arch" != "$1" ] || arch="($native|all)"
	dpkg-query -W -f='${Status} ${Architecture}\n' "$name" 2>/dev/null |
		grep -qE "^install ok installed $arch\$"
}

missing=()
for p in "${packages[@]}"; do
	installed "$p" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps.sh: missing packages (${missing[*]}); run as root to install them" >&2
		exit 1
	fi
	echo "deps.sh: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	# iperf3 asks whether to start a daemon; the frontend answers "no".
	apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# The pin root lives on bpffs; without it nothing can be pinned.
if ! mountpoint -q /sys/fs/bpf 2>/dev/null; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps.sh: /sys/fs/bpf is not mounted; run as root to mount bpffs" >&2
		exit 1
	fi
	mkdir -p /sys/fs/bpf
	# 0700: with the kernel's default (1777) any local user could create
	# the pin root first (user/pins.c refuses one that is not ours).
	mount -t bpf -o mode=0700 bpf /sys/fs/bpf
fi
