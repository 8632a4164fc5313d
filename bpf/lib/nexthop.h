/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The next hop of a translated packet: bpf_fib_lookup(), behind a per-CPU
 * direct-mapped cache (hp_nexthops). The fib lookup is the largest single
 * cost of the fast path; a flow's packets ask the same question every time.
 *
 * The cache is keyed by everything the lookup was given that varies between
 * flows (source, destination, ingress port) and an entry lives
 * HP_NEXTHOP_TTL_MS: a route or neighbour change reaches the fast path within
 * that, and `hairpin-xdp config --nexthop-cache off` asks the fib for every
 * packet. Only complete answers are cached; anything else (no neighbour yet,
 * unreachable, ...) is asked again on the next packet. The route's MTU is
 * kept too, so that a longer packet still takes the slow path, where the
 * stack sends "fragmentation needed".
 */
#ifndef HP_BPF_NEXTHOP_H
#define HP_BPF_NEXTHOP_H

#include "lib/maps.h"
#include "lib/parse.h"
#include "lib/nat.h"

#define HP_AF_INET 2

static __always_inline __u32 hp_nexthop_slot(const struct hp_tuple *t, __u32 in_ifindex)
{
	return hp_mix32(hp_mix32(t->saddr ^ in_ifindex) ^ t->daddr) & (HP_NEXTHOP_SLOTS - 1);
}

static __always_inline void hp_fib_params(struct bpf_fib_lookup *fib, struct xdp_md *ctx,
					  const struct hp_packet *pkt, const struct hp_tuple *t, __u16 tot_len)
{
	__builtin_memset(fib, 0, sizeof(*fib));
	fib->family = HP_AF_INET;
	fib->tos = pkt->ip->tos;
	fib->l4_protocol = pkt->ip->protocol;
	fib->sport = t->sport;
	fib->dport = t->dport;
	fib->tot_len = tot_len; /* non-zero: the fib checks the MTU */
	fib->ifindex = ctx->ingress_ifindex;
	fib->ipv4_src = t->saddr;
	fib->ipv4_dst = t->daddr;
}

/* Ask the fib, and on a complete answer fill @nh (tags and expiry included). */
static __always_inline int hp_nexthop_ask_fib(struct xdp_md *ctx, const struct hp_packet *pkt,
					      const struct hp_tuple *t, __u64 now, struct hp_nexthop *nh)
{
	struct bpf_fib_lookup fib;
	int rc;

	hp_fib_params(&fib, ctx, pkt, t, bpf_ntohs(pkt->ip->tot_len));
	rc = bpf_fib_lookup(ctx, &fib, sizeof(fib), 0);
	if (rc != BPF_FIB_LKUP_RET_SUCCESS)
		return rc;

	nh->saddr = t->saddr;
	nh->daddr = t->daddr;
	nh->in_ifindex = ctx->ingress_ifindex;
	nh->out_ifindex = fib.ifindex;
	__builtin_memcpy(nh->dmac, fib.dmac, ETH_ALEN);
	__builtin_memcpy(nh->smac, fib.smac, ETH_ALEN);
	nh->attached = fib.ifindex == ctx->ingress_ifindex ||
		       bpf_map_lookup_elem(&hp_tx_ports, &fib.ifindex) != NULL;
	nh->expires_ns = now + HP_NEXTHOP_TTL_MS * 1000000ULL;

	/* The route's MTU: asked as the longest packet, it answers with it. */
	hp_fib_params(&fib, ctx, pkt, t, 0xffff);
	nh->mtu = bpf_fib_lookup(ctx, &fib, sizeof(fib), 0) == BPF_FIB_LKUP_RET_FRAG_NEEDED ?
			  fib.mtu_result : 0xffff;
	return BPF_FIB_LKUP_RET_SUCCESS;
}

/*
 * The next hop of @pkt once translated to @t, as a BPF_FIB_LKUP_RET_* code;
 * *nh is valid on BPF_FIB_LKUP_RET_SUCCESS.
 */
static __always_inline int hp_nexthop(struct xdp_md *ctx, const struct hp_packet *pkt,
				      const struct hp_tuple *t, const struct hp_config *cfg, __u64 now,
				      struct hp_nexthop *nh)
{
	__u32 slot = hp_nexthop_slot(t, ctx->ingress_ifindex);
	struct hp_nexthop *c = bpf_map_lookup_elem(&hp_nexthops, &slot);
	int rc;

	if (cfg->flags & HP_CF_NO_NEXTHOP_CACHE)
		c = NULL;
	if (c && c->daddr == t->daddr && c->saddr == t->saddr && c->in_ifindex == ctx->ingress_ifindex &&
	    now < c->expires_ns) {
		*nh = *c;
		return bpf_ntohs(pkt->ip->tot_len) > nh->mtu ? BPF_FIB_LKUP_RET_FRAG_NEEDED :
							      BPF_FIB_LKUP_RET_SUCCESS;
	}
	rc = hp_nexthop_ask_fib(ctx, pkt, t, now, nh);
	if (rc == BPF_FIB_LKUP_RET_SUCCESS && c)
		*c = *nh;
	return rc;
}

#endif /* HP_BPF_NEXTHOP_H */
