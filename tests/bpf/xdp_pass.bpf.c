// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Test-only: pass every frame. The integration topology puts it on the far
 * end of each veth the router attaches to. A frame that the router sends with
 * XDP_TX or XDP_REDIRECT into a veth is delivered through the peer's NAPI
 * (veth_xdp_xmit), and a veth peer only runs NAPI while it has an XDP program
 * (drivers/net/veth.c); without one such frames are dropped.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
