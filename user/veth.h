/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
#ifndef HP_USER_VETH_H
#define HP_USER_VETH_H

#include <linux/types.h>

/*
 * A veth hands XDP_TX and XDP_REDIRECT frames to its peer's NAPI, which only
 * runs when the peer has an XDP program (or GRO) of its own; otherwise the
 * frames are dropped. Warn when @ifname is a veth whose peer has no XDP
 * program. Says nothing (debug log only) when the check itself cannot be done.
 */
void veth_check_peer(const char *ifname, __u32 ifindex);

#endif /* HP_USER_VETH_H */
