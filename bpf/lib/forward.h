/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where a translated packet goes. The fast path (DESIGN.md decision 2) sends
 * it from XDP when bpf_fib_lookup() resolves the whole next hop; everything
 * else is the slow path: XDP rewrites the destination only (decision 1) and
 * hands the packet to the stack, and TC egress finishes the source.
 */
#ifndef HP_BPF_FORWARD_H
#define HP_BPF_FORWARD_H

#include "lib/maps.h"
#include "lib/parse.h"
#include "lib/rewrite.h"
#include "lib/counters.h"
#include "lib/nat.h"
#include "lib/frag.h"
#include "lib/icmp.h"
#include "lib/nexthop.h"

static __always_inline bool hp_on_link(__be32 a, __be32 b, __u8 prefixlen)
{
	__u32 mask;

	if (!prefixlen || prefixlen > 32)
		return false;
	mask = prefixlen == 32 ? ~0u : ~((1u << (32 - prefixlen)) - 1);
	return (bpf_ntohl(a) & mask) == (bpf_ntohl(b) & mask);
}

/*
 * Does a packet to @daddr leave by the port it came in on? The fib names the
 * egress port even before the neighbour is resolved; where it cannot route
 * at all, the ingress port's own subnet decides.
 */
static __always_inline bool hp_leaves_by_ingress(struct xdp_md *ctx, const struct hp_packet *pkt,
						 __be32 daddr, const struct hp_iface *in)
{
	struct bpf_fib_lookup fib = {
		.family = HP_AF_INET,
		.l4_protocol = pkt->key.proto,
		.sport = pkt->key.tuple.sport,
		.ifindex = ctx->ingress_ifindex,
		.ipv4_src = pkt->key.tuple.saddr,
		.ipv4_dst = daddr,
	};

	switch (bpf_fib_lookup(ctx, &fib, sizeof(fib), 0)) {
	case BPF_FIB_LKUP_RET_SUCCESS:
	case BPF_FIB_LKUP_RET_NO_NEIGH:
		return fib.ifindex == ctx->ingress_ifindex;
	default:
		return in && hp_on_link(daddr, in->addr, in->prefixlen);
	}
}

/* TTL and protocol share a 16-bit word of the IPv4 header checksum. */
static __always_inline void hp_ip_decrease_ttl(struct iphdr *ip)
{
	__be16 *word = (__be16 *)&ip->ttl;
	__be16 old = *word;

	ip->ttl--;
	ip->check = csum_update_full(ip->check, csum_delta16(old, *word));
}

/*
 * The fast path: returns the XDP action, or HP_CONTINUE with *slow_reason
 * set when the packet must take the slow path. Nothing is written to the
 * packet before the decision is final.
 */
static __always_inline int hp_forward_fast(struct xdp_md *ctx, struct hp_packet *pkt, enum hp_pkt_kind kind,
					   const struct hp_tuple *xlat, const struct hp_config *cfg,
					   struct hp_l4_csum *cs, __u64 now, __u32 *slow_reason)
{
	struct hp_nexthop nh;
	bool same_port;

	if (cfg->flags & HP_CF_NO_FAST_PATH) {
		*slow_reason = HP_SLOW_FORCED;
		return HP_CONTINUE;
	}
	/* The fib knows the trunk, not the VLAN device the frame belongs to. */
	if (pkt->vlans) {
		*slow_reason = HP_SLOW_VLAN;
		return HP_CONTINUE;
	}
	/* Options such as record route are a router's to process: the stack's. */
	if (pkt->ip->ihl > 5) {
		*slow_reason = HP_SLOW_IP_OPTIONS;
		return HP_CONTINUE;
	}
	if (pkt->ip->ttl <= 1) { /* the stack sends Time Exceeded */
		*slow_reason = HP_SLOW_TTL;
		return HP_CONTINUE;
	}
	switch (hp_nexthop(ctx, pkt, xlat, cfg, now, &nh)) {
	case BPF_FIB_LKUP_RET_SUCCESS:
		break;
	case BPF_FIB_LKUP_RET_NO_NEIGH:
		*slow_reason = HP_SLOW_NO_NEIGH;
		return HP_CONTINUE;
	case BPF_FIB_LKUP_RET_FRAG_NEEDED:
		*slow_reason = HP_SLOW_FRAG_NEEDED;
		return HP_CONTINUE;
	default:
		*slow_reason = HP_SLOW_FIB_OTHER;
		return HP_CONTINUE;
	}
	if (!nh.attached) {
		*slow_reason = HP_SLOW_NOT_ATTACHED;
		return HP_CONTINUE;
	}
	same_port = nh.out_ifindex == ctx->ingress_ifindex;
	if (cs->kind == HP_CSUM_PARTIAL) {
		if (!hp_l4_csum_finish(pkt, cs)) {
			*slow_reason = HP_SLOW_PARTIAL_CSUM;
			return HP_CONTINUE;
		}
		hp_count(HP_CSUM_PARTIAL_FINISHED);
	}

	hp_rewrite_inplace(pkt, kind, xlat, HP_REWRITE_ALL, cs);
	hp_ip_decrease_ttl(pkt->ip);
	__builtin_memcpy(pkt->eth->h_dest, nh.dmac, ETH_ALEN);
	__builtin_memcpy(pkt->eth->h_source, nh.smac, ETH_ALEN);
	if (same_port) {
		hp_count(HP_XDP_FAST_TX);
		return XDP_TX;
	}
	hp_count(HP_XDP_FAST_REDIRECT);
	return bpf_redirect_map(&hp_tx_ports, nh.out_ifindex, 0);
}

/*
 * Leave the source rewrite of a slow-path packet to TC egress, keyed by what
 * the packet will look like when it leaves the stack. The entry carries the
 * rule of the session it came from, so that removing a rule's sessions
 * removes its hand-offs too (`forward del`). False when there is no room to
 * remember it.
 */
static __always_inline bool hp_egress_handoff(const struct hp_packet *pkt, enum hp_pkt_kind kind,
					      const struct hp_tuple *xlat, __u16 rule_id, __u64 now)
{
	struct hp_session_key ek;
	struct hp_session *e;
	struct hp_session v = { .xlat = *xlat, .rule_id = rule_id };

	if (kind == HP_PKT_FRAG) {
		hp_frag_remember(pkt, xlat, HP_FRAG_EGRESS, now);
		return true;
	}
	if (kind == HP_PKT_L4) {
		hp_egress_key(&ek, &pkt->key, xlat);
		if (pkt->first_frag)
			hp_frag_remember(pkt, xlat, HP_FRAG_EGRESS, now);
	} else {
		hp_icmp_egress_key(&ek, pkt->ip->saddr, xlat->daddr, &pkt->icmp.to);
	}
	e = bpf_map_lookup_elem(&hp_egress, &ek);
	/* A stale entry of an older flow on the same tuple is replaced. */
	if (e && hp_tuple_eq(&e->xlat, xlat) && e->rule_id == rule_id)
		return true;
	return bpf_map_update_elem(&hp_egress, &ek, &v, BPF_ANY) == 0;
}

/*
 * The slow path: rewrite the destination, hand the source to TC egress,
 * pass to the stack.
 */
static __always_inline int hp_forward_slow(struct hp_packet *pkt, enum hp_pkt_kind kind,
					   const struct hp_tuple *xlat, __u16 rule_id, const struct hp_l4_csum *cs,
					   __u32 slow_reason, __u64 now)
{
	if (xlat->saddr != pkt->ip->saddr || (kind == HP_PKT_L4 && xlat->sport != pkt->key.tuple.sport)) {
		if (!hp_egress_handoff(pkt, kind, xlat, rule_id, now)) {
			hp_count(HP_DROP_TABLE_FULL);
			return XDP_DROP;
		}
	}
	hp_rewrite_inplace(pkt, kind, xlat, HP_REWRITE_DST, cs);
	hp_count(slow_reason);
	hp_count(HP_XDP_SLOW_PASS);
	return XDP_PASS;
}

/*
 * Send @pkt on as @xlat (for an ICMP error, @xlat is the outer header and
 * pkt->icmp.to the quoted packet) for a session of rule @rule_id: fast path
 * if possible, else slow path.
 */
static __always_inline int hp_forward(struct xdp_md *ctx, struct hp_packet *pkt, enum hp_pkt_kind kind,
				      const struct hp_tuple *xlat, __u16 rule_id, const struct hp_config *cfg,
				      struct hp_l4_csum *cs, __u64 now)
{
	__u32 slow_reason = HP_SLOW_FIB_OTHER;
	int action;

	action = hp_forward_fast(ctx, pkt, kind, xlat, cfg, cs, now, &slow_reason);
	if (action != HP_CONTINUE)
		return action;
	return hp_forward_slow(pkt, kind, xlat, rule_id, cs, slow_reason, now);
}

#endif /* HP_BPF_FORWARD_H */
