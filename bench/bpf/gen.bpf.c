// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The traffic generator's program, run by bench/hpbench.c through
 * BPF_PROG_TEST_RUN with BPF_F_TEST_XDP_LIVE_FRAMES: every frame is written
 * from the template (see tmpl.h for why every time) as flow number i (a new
 * source port/address per packet for the new-sessions test, see vary.h) and
 * sent with XDP_TX out of the interface the run is bound to.
 */
#include "tmpl.h"

SEC("xdp")
int gen(struct xdp_md *ctx)
{
	return hpb_tmpl_xdp(ctx) ? XDP_DROP : XDP_TX;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
