/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The BPF target's asm/bitsperlong.h: the kernel's generic one (see vmlinux/README.md). */
#include <asm-generic/bitsperlong.h>
