/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The template frame of the generator and the cost harness. Both must write
 * the whole frame before every run: a frame is rewritten in place downstream
 * (the router's NAT), and with BPF_F_TEST_XDP_LIVE_FRAMES its page comes back
 * to the generator's page pool with the rewritten bytes, which the kernel
 * does not restore. Without this, the generator would soon send packets that
 * are already translated, straight to the server.
 */
#ifndef HPB_TMPL_H
#define HPB_TMPL_H

#include "vary.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hpb_tmpl);
} hpb_tmpl SEC(".maps");

/* Packet number of the run, per CPU; the loader zeroes it. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} hpb_seq SEC(".maps");

/* The template for this run, its checked length and the run's number. */
static __always_inline struct hpb_tmpl *hpb_tmpl_next(__u32 *len, __u64 *i)
{
	__u32 zero = 0;
	struct hpb_tmpl *t = bpf_map_lookup_elem(&hpb_tmpl, &zero);
	__u64 *seq = bpf_map_lookup_elem(&hpb_seq, &zero);

	if (!t || !seq)
		return NULL;
	/* a mask, which the verifier follows, rather than a range check the
	 * compiler may fold into one subtraction that it cannot */
	*len = t->len & (HPB_TMPL_MAX - 1);
	if (*len < ETH_HLEN)
		return NULL;
	*i = (*seq)++;
	return t;
}

/* Write the template into an XDP frame as flow number i; 0 on success. */
static __always_inline int hpb_tmpl_xdp(struct xdp_md *ctx)
{
	struct hpb_tmpl *t;
	__u32 len;
	__u64 i;

	t = hpb_tmpl_next(&len, &i);
	if (!t || bpf_xdp_store_bytes(ctx, 0, t->data, len))
		return -1;
	return hpb_vary_frame((void *)(long)ctx->data, (void *)(long)ctx->data_end, &t->vary, i);
}

#endif /* HPB_TMPL_H */
