#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Install what building and testing hairpin-xdp needs on Debian 12, and mount
# bpffs. Run as root; non-interactive, so CI and `make demo`/`make test` on a
# fresh machine can call it unattended. When everything is already there it
# only asks dpkg, so calling it before every run costs a fraction of a second.
set -euo pipefail

# Only what the build, the tests and the demo actually run.
packages=(
	make gcc libc6-dev pkg-config	# the loader and the unit tests
	clang llvm			# BPF target (clang -target bpf), llvm-strip
	libbpf-dev libelf-dev zlib1g-dev linux-libc-dev
	bpftool				# skeleton generation, map inspection
	iproute2			# ip netns, veth, bridge, tc
	util-linux			# nsenter, mountpoint
	ethtool				# `tx off` variant of the integration tests
	curl socat iperf3 python3	# real clients and servers on both ends
	tcpdump				# the demo shows the story's failing handshake
	nftables python3-scapy		# differential test: nftables NAT as the reference
	procps				# sysctl in the namespaces
	iputils-ping			# ICMP echo through the router (icmp.sh, ipv6.sh)
	linux-perf			# the benchmark's profiles (bench/run, also its quick mode)
)

missing=()
for p in "${packages[@]}"; do
	# dpkg -s succeeds for removed-but-configured packages too: check the status.
	if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != "install ok installed" ]; then
		missing+=("$p")
	fi
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
	mount -t bpf bpf /sys/fs/bpf
fi
