/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The BPF target's asm/posix_types.h: the kernel's generic one (see vmlinux/README.md). */
#include <asm-generic/posix_types.h>
