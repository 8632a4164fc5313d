/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Rewriting a parsed packet's addresses and ports together with every
 * checksum that covers them. A rewrite takes the tuple the packet should
 * have and changes only the fields that differ.
 *
 * XDP flavour: in place, with incremental checksums from csum.h. XDP cannot
 * see whether an L4 checksum is complete or still partial (CHECKSUM_PARTIAL,
 * as a local socket's packets cross veth), so it infers it first.
 * TC flavour: through bpf_l3/l4_csum_replace, which know the skb's state.
 */
#ifndef HP_BPF_REWRITE_H
#define HP_BPF_REWRITE_H

#include <stddef.h>
#include "lib/parse.h"
#include "lib/csum.h"

enum hp_csum_kind {
	HP_CSUM_FULL,	 /* a complete checksum: update by RFC 1624 */
	HP_CSUM_PARTIAL, /* only the pseudo-header sum: a device will finish it */
	HP_CSUM_NONE,	 /* UDP checksum 0: none, leave it so */
};

struct hp_l4_csum {
	__u8 kind;    /* enum hp_csum_kind */
	bool summed;  /* seg_sum is valid */
	__u64 seg_sum; /* sum over the whole L4 segment, checksum field included */
};

/*
 * A partial checksum field holds exactly the folded pseudo-header sum. A full
 * checksum equals that only by a 1 in 65536 chance, and then the segment
 * verifies as a complete checksum, so the (rare) tie is settled by summing.
 */
static __always_inline void hp_l4_csum_classify(struct xdp_md *ctx, struct hp_packet *pkt,
						struct hp_l4_csum *cs)
{
	__sum16 field = *hp_l4_csum(pkt);
	__u64 pseudo;
	int seg;

	cs->summed = false;
	cs->seg_sum = 0;
	if (pkt->key.proto == IPPROTO_UDP && field == 0) {
		cs->kind = HP_CSUM_NONE;
		return;
	}
	pseudo = csum_pseudo(pkt->ip->saddr, pkt->ip->daddr, pkt->key.proto, pkt->l4_len);
	if (field != (__sum16)csum_fold64(pseudo)) {
		cs->kind = HP_CSUM_FULL;
		return;
	}
	seg = hp_xdp_csum_segment(ctx, pkt->l4_off, pkt->l4_len);
	cs->summed = seg >= 0;
	cs->seg_sum = cs->summed ? seg : 0;
	if (cs->summed && csum_fold64(pseudo + cs->seg_sum) == 0xffff)
		cs->kind = HP_CSUM_FULL;
	else
		cs->kind = HP_CSUM_PARTIAL;
}

/*
 * Turn a partial checksum into the complete one for the packet as it is, so
 * that it can leave through XDP_TX/REDIRECT (an xdp_frame has no checksum
 * state and the receiver verifies the field as it finds it).
 */
static __always_inline bool hp_l4_csum_finish(struct hp_packet *pkt, struct hp_l4_csum *cs)
{
	__sum16 *field = hp_l4_csum(pkt);
	__u64 sum;

	if (cs->kind != HP_CSUM_PARTIAL)
		return true;
	if (!cs->summed)
		return false;
	/* The segment's sum without the field, plus the pseudo-header. */
	sum = cs->seg_sum + (__u16)~*field +
	      csum_pseudo(pkt->ip->saddr, pkt->ip->daddr, pkt->key.proto, pkt->l4_len);
	*field = (__sum16)~csum_fold64(sum);
	if (pkt->key.proto == IPPROTO_UDP)
		*field = csum_udp_mangle0(*field);
	cs->kind = HP_CSUM_FULL;
	return true;
}

/* Fields a rewrite may touch: the destination only (slow path) or both. */
enum hp_rewrite_scope {
	HP_REWRITE_DST,
	HP_REWRITE_ALL,
};

static __always_inline void hp_xdp_rewrite(struct hp_packet *pkt, const struct hp_tuple *to,
					   enum hp_rewrite_scope scope, const struct hp_l4_csum *cs)
{
	__be16 *sport = pkt->l4, *dport = (__be16 *)pkt->l4 + 1; /* same place in TCP and UDP */
	__sum16 *l4_check = hp_l4_csum(pkt);
	struct iphdr *ip = pkt->ip;
	__u64 addr_delta = 0, port_delta = 0;

	if (ip->daddr != to->daddr) {
		addr_delta += csum_delta32(ip->daddr, to->daddr);
		ip->daddr = to->daddr;
	}
	if (*dport != to->dport) {
		port_delta += csum_delta16(*dport, to->dport);
		*dport = to->dport;
	}
	if (scope == HP_REWRITE_ALL) {
		if (ip->saddr != to->saddr) {
			addr_delta += csum_delta32(ip->saddr, to->saddr);
			ip->saddr = to->saddr;
		}
		if (*sport != to->sport) {
			port_delta += csum_delta16(*sport, to->sport);
			*sport = to->sport;
		}
	}
	if (!addr_delta && !port_delta)
		return;

	ip->check = csum_update_full(ip->check, addr_delta);
	switch (cs->kind) {
	case HP_CSUM_FULL:
		*l4_check = csum_update_full(*l4_check, addr_delta + port_delta);
		if (pkt->key.proto == IPPROTO_UDP)
			*l4_check = csum_udp_mangle0(*l4_check);
		break;
	case HP_CSUM_PARTIAL:
		/* Ports are not in the pseudo-header: the device sums them. */
		*l4_check = csum_update_partial(*l4_check, addr_delta);
		break;
	default:
		break;
	}
}

/* ---- TC flavour ---- */

static __always_inline __u64 hp_tc_l4_flags(const struct hp_packet *pkt, __u32 size)
{
	/* A UDP checksum of 0 stays 0, and a computed 0 becomes 0xffff. */
	return size | (pkt->key.proto == IPPROTO_UDP ? BPF_F_MARK_MANGLED_0 : 0);
}

static __always_inline int hp_tc_rewrite_addr(struct __sk_buff *skb, const struct hp_packet *pkt,
					      __u32 off, __be32 from, __be32 to)
{
	if (from == to)
		return 0;
	if (bpf_l4_csum_replace(skb, pkt->l4_csum_off, from, to,
				hp_tc_l4_flags(pkt, sizeof(to)) | BPF_F_PSEUDO_HDR))
		return -1;
	if (bpf_l3_csum_replace(skb, pkt->l3_off + offsetof(struct iphdr, check), from, to, sizeof(to)))
		return -1;
	return bpf_skb_store_bytes(skb, off, &to, sizeof(to), 0);
}

static __always_inline int hp_tc_rewrite_port(struct __sk_buff *skb, const struct hp_packet *pkt,
					      __u32 off, __be16 from, __be16 to)
{
	if (from == to)
		return 0;
	if (bpf_l4_csum_replace(skb, pkt->l4_csum_off, from, to, hp_tc_l4_flags(pkt, sizeof(to))))
		return -1;
	return bpf_skb_store_bytes(skb, off, &to, sizeof(to), 0);
}

/* Rewrite the whole tuple. Packet pointers in @pkt are stale afterwards. */
static __always_inline int hp_tc_rewrite(struct __sk_buff *skb, const struct hp_packet *pkt,
					 const struct hp_tuple *to)
{
	const struct hp_tuple *from = &pkt->key.tuple;

	if (hp_tc_rewrite_addr(skb, pkt, pkt->l3_off + offsetof(struct iphdr, saddr), from->saddr, to->saddr) ||
	    hp_tc_rewrite_addr(skb, pkt, pkt->l3_off + offsetof(struct iphdr, daddr), from->daddr, to->daddr) ||
	    hp_tc_rewrite_port(skb, pkt, pkt->l4_off, from->sport, to->sport) ||
	    hp_tc_rewrite_port(skb, pkt, pkt->l4_off + sizeof(__be16), from->dport, to->dport))
		return -1;
	return 0;
}

#endif /* HP_BPF_REWRITE_H */
