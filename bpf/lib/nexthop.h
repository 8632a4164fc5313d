/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The next hop of a translated packet: bpf_fib_lookup(), behind a per-CPU
 * direct-mapped cache (hp_nexthops). The fib lookup is the largest single
 * cost of the fast path; a flow's packets ask the same question every time.
 *
 * The cache is keyed by everything the lookup was given that varies between
 * flows (source, destination, ingress port). An entry answers while it is
 * younger than HP_NEXTHOP_TTL_MS and was filled after the last bump of the
 * next-hop generation (hp_nexthop_gen, bumped by userspace on route and
 * neighbour changes);
 * `hairpin-xdp config --nexthop-cache off` asks the fib for every packet.
 * Only complete answers are cached; anything else (no neighbour yet,
 * unreachable, ...) is asked again on the next packet.
 *
 * The MTU a packet must fit is the one the kernel's forward path would
 * apply (ip_dst_mtu_maybe_forward(), include/net/ip.h): the fib's (device
 * MTU, a locked route MTU, a learned path MTU), lowered by the route's `mtu`
 * metric that the fib ignores unless locked (hp_route_mtus). A longer packet
 * takes the slow path, where the stack sends "fragmentation needed" (DF set)
 * or fragments it (DF clear).
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

#define HP_NEXTHOP_TTL_NS (HP_NEXTHOP_TTL_MS * 1000000ULL)

/* When the next-hop generation was last bumped (0: never). */
static __always_inline __u64 hp_nexthop_bumped(void)
{
	__u32 key = 0;
	const struct hp_nexthop_gen *g = bpf_map_lookup_elem(&hp_nexthop_gen, &key);

	return g ? *(volatile const __u64 *)&g->bump_ns : 0;
}

/*
 * The cached next hop of @t from @in_ifindex in @c, if it may answer: not
 * expired, and filled (expires_ns - TTL) after the last bump. A fill stamps
 * the packet's clock, read before its fib lookup, so a lookup that raced a
 * route change and its bump is never taken for a later one. (The clock is
 * the coarse one, up to a tick behind the bump's: for that tick after a
 * bump, fills look stale too and the fib answers.)
 */
static __always_inline bool hp_nexthop_live(const struct hp_nexthop *c, const struct hp_tuple *t,
					    __u32 in_ifindex, __u64 now, __u64 bumped)
{
	return c && c->daddr == t->daddr && c->saddr == t->saddr && c->in_ifindex == in_ifindex &&
	       now < c->expires_ns && c->expires_ns > bumped + HP_NEXTHOP_TTL_NS;
}

/* The `mtu` metric of the route to @daddr, 0 when it has none. */
static __always_inline __u32 hp_route_mtu(__be32 daddr)
{
	struct hp_route_key k = { .prefixlen = 32, .addr = daddr };
	const struct hp_route_mtu *r = bpf_map_lookup_elem(&hp_route_mtus, &k);

	return r ? r->mtu : 0;
}

/*
 * Ask the fib, and on a complete answer fill @nh (tags and expiry
 * included). Asked with the packet's length, the fib checks its MTU
 * and, on success, reports it in mtu_result (bpf_fib_set_fwd_params(),
 * net/core/filter.c, since Linux 5.11).
 */
static __always_inline int hp_nexthop_ask_fib(struct xdp_md *ctx, const struct hp_packet *pkt,
					      const struct hp_tuple *t, __u64 now, struct hp_nexthop *nh)
{
	struct bpf_fib_lookup fib;
	__u32 mtu, route_mtu;
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
	nh->pad = 0;
	nh->expires_ns = now + HP_NEXTHOP_TTL_NS;

	mtu = fib.mtu_result;
	route_mtu = hp_route_mtu(t->daddr);
	if (route_mtu && route_mtu < mtu)
		mtu = route_mtu;
	nh->mtu = mtu < 0xffff ? mtu : 0xffff;
	return BPF_FIB_LKUP_RET_SUCCESS;
}

/* Does @pkt fit the MTU of its next hop? */
static __always_inline int hp_nexthop_fits(const struct hp_packet *pkt, const struct hp_nexthop *nh)
{
	return bpf_ntohs(pkt->ip->tot_len) > nh->mtu ? BPF_FIB_LKUP_RET_FRAG_NEEDED :
						      BPF_FIB_LKUP_RET_SUCCESS;
}

/*
 * The next hop of @pkt once translated to @t, as a BPF_FIB_LKUP_RET_* code;
 * *nh is valid on BPF_FIB_LKUP_RET_SUCCESS. FRAG_NEEDED also when the fib
 * answered but the route's MTU is smaller than the packet (the answer is
 * cached all the same: the flow's shorter packets go fast).
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
	if (hp_nexthop_live(c, t, ctx->ingress_ifindex, now, hp_nexthop_bumped())) {
		*nh = *c;
		return hp_nexthop_fits(pkt, nh);
	}
	rc = hp_nexthop_ask_fib(ctx, pkt, t, now, nh);
	if (rc != BPF_FIB_LKUP_RET_SUCCESS)
		return rc;
	if (c)
		*c = *nh;
	return hp_nexthop_fits(pkt, nh);
}

#endif /* HP_BPF_NEXTHOP_H */
