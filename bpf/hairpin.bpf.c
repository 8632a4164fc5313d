/* SPDX-License-Identifier: GPL-2.0-only */
/* STUB: replaced by the real datapath shortly. Program names are final. */
#include "lib/maps.h"
SEC("xdp")
int xdp_ingress(struct xdp_md *ctx)
{
	return XDP_PASS;
}
SEC("tc")
int tc_egress(struct __sk_buff *skb)
{
	return 0; /* TC_ACT_OK */
}
char LICENSE[] SEC("license") = "GPL";
