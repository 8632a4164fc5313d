#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The BPF objects build from kernel UAPI headers, libbpf's headers, the
# compiler's own and the project's, and nothing else: no C library header
# and nothing from the build host's multiarch folder (vmlinux/README.md).
# A machine with libc6-dev-i386 installed builds an object that pulls
# glibc's headers in without a word, so this checks what the compiler
# actually reads (clang -M) on every machine, fresh or not. The probes show
# the check catches the usual slips.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/report.sh

clang=$(make -s print-CLANG)
read -r -a bpf_cflags <<<"$(make -s print-BPF_CFLAGS)"
resource=$("$clang" -print-resource-dir)/include
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# foreign_headers SRC [EXTRA_FLAGS...]: the headers SRC reads that are not
# allowed, one a line; missing ones (-MG) count. Empty output: clean.
foreign_headers() {
	local src=$1 dep
	shift
	"$clang" "${bpf_cflags[@]}" -Ibench/bpf "$@" -MG -M "$src" 2>"$tmp/err" >"$tmp/deps" || {
		echo "clang -M failed: $(head -1 "$tmp/err")"
		return
	}
	# Make's format: "target: dep dep \" lines.
	sed -e 's/^[^:]*://' -e 's/\\$//' "$tmp/deps" | tr ' ' '\n' | sed '/^$/d' | sort -u |
		while read -r dep; do
			[ "$dep" = "$src" ] && continue
			case $(realpath -m "$dep") in
			"$PWD"/*) [ -e "$dep" ] && continue ;;
			/usr/include/linux/* | /usr/include/asm-generic/* | /usr/include/bpf/*) continue ;;
			"$(realpath -m "$resource")"/*) continue ;;
			esac
			echo "$dep"
		done
}

sources=(bpf/hairpin.bpf.c tests/bpf/*.bpf.c bench/bpf/*.bpf.c)
for src in "${sources[@]}"; do
	bad=$(foreign_headers "$src" | head -5 | tr '\n' ' ')
	if [ -z "$bad" ]; then
		ok "bpf headers: $src reads only UAPI, libbpf, compiler and project headers"
	else
		not_ok "bpf headers: $src" "reads $bad"
	fi
done

# The guard itself: each probe pulls in something it must refuse.
probe() {
	local name=$1 code=$2 bad
	shift 2
	printf '%s\n' "$code" >"$tmp/probe.bpf.c"
	bad=$(foreign_headers "$tmp/probe.bpf.c" "$@")
	if [ -n "$bad" ]; then
		ok "bpf headers guard: refuses $name ($(echo "$bad" | head -1))"
	else
		not_ok "bpf headers guard: $name" "was not refused"
	fi
}
probe "<linux/icmp.h> (glibc's sys/socket.h through linux/if.h)" '#include <linux/icmp.h>'
probe "<stdint.h> (the compiler's, then glibc's)" '#include <stdint.h>'
probe "an asm/ header of the host's multiarch folder" '#include <asm/unistd.h>' -I"/usr/include/$(gcc -dumpmachine)"
[ "$HP_FAILED" -eq 0 ]
