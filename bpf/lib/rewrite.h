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
	__sum16 field;
	__u64 pseudo;
	int seg;

	cs->summed = false;
	cs->seg_sum = 0;
	field = *hp_l4_csum(pkt);
	if (pkt->key.proto == IPPROTO_UDP && field == 0) {
		cs->kind = HP_CSUM_NONE;
		return;
	}
	/* The sender summed a fragmented datagram in software before splitting it. */
	if (pkt->first_frag) {
		cs->kind = HP_CSUM_FULL;
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

/* Does the ICMP checksum (over the whole message, RFC 792) verify? */
static __always_inline bool hp_icmp_csum_ok(struct xdp_md *ctx, const struct hp_packet *pkt)
{
	/* Any length: an error too long for the quick sum is no bad checksum. */
	int sum = pkt->l4_len > HP_CSUM_MAX_LEN ? hp_xdp_csum_long(ctx, pkt->l4_off, pkt->l4_len) :
						  hp_xdp_csum_segment(ctx, pkt->l4_off, pkt->l4_len);

	return sum == 0xffff;
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

/*
 * The packet quoted by an ICMP error gets the tuple its receiver sent or
 * received (RFC 5508 REQ-1): its addresses and ports, its IP header checksum,
 * its L4 checksum where the quote still holds it (a TCP quote may stop after
 * the ports; UDP's 0 stays 0), and the ICMP checksum over all of them.
 */
static __always_inline void hp_rewrite_icmp_quote(struct hp_icmp_err *e, __u8 proto)
{
	const struct hp_tuple *to = &e->to;
	struct iphdr *in = e->ip;
	__u64 addr_delta = 0, port_delta = 0, icmp_delta;
	__sum16 old;

	if (in->saddr != to->saddr) {
		addr_delta += csum_delta32(in->saddr, to->saddr);
		in->saddr = to->saddr;
	}
	if (in->daddr != to->daddr) {
		addr_delta += csum_delta32(in->daddr, to->daddr);
		in->daddr = to->daddr;
	}
	if (e->ports[0] != to->sport) {
		port_delta += csum_delta16(e->ports[0], to->sport);
		e->ports[0] = to->sport;
	}
	if (e->ports[1] != to->dport) {
		port_delta += csum_delta16(e->ports[1], to->dport);
		e->ports[1] = to->dport;
	}
	icmp_delta = addr_delta + port_delta;

	old = in->check;
	in->check = csum_update_full(old, addr_delta);
	icmp_delta += csum_delta16(old, in->check);
	if (e->l4_check && !(proto == IPPROTO_UDP && *e->l4_check == 0)) {
		old = *e->l4_check;
		*e->l4_check = csum_update_full(old, addr_delta + port_delta);
		if (proto == IPPROTO_UDP)
			*e->l4_check = csum_udp_mangle0(*e->l4_check);
		icmp_delta += csum_delta16(old, *e->l4_check);
	}
	e->icmp->checksum = csum_update_full(e->icmp->checksum, icmp_delta);
}

/*
 * Rewrite in place with incremental checksums: the IPv4 addresses, then what
 * follows them (@kind is what hp_parse() returned, a constant at each call
 * so that the verifier sees only the branch that applies): a TCP/UDP header (ports and checksum as @cs says), the packet
 * an ICMP error quotes, or nothing (a later fragment). XDP uses it for every
 * packet, TC for ICMP errors and fragments, whose checksums are never left
 * partial by a sender.
 */
static __always_inline void hp_rewrite_inplace(struct hp_packet *pkt, enum hp_pkt_kind kind,
					       const struct hp_tuple *to, enum hp_rewrite_scope scope,
					       const struct hp_l4_csum *cs)
{
	struct iphdr *ip = pkt->ip;
	__be16 *sport, *dport;
	__sum16 *l4_check;
	__u64 addr_delta = 0, port_delta = 0;

	if (ip->daddr != to->daddr) {
		addr_delta += csum_delta32(ip->daddr, to->daddr);
		ip->daddr = to->daddr;
	}
	if (scope == HP_REWRITE_ALL && ip->saddr != to->saddr) {
		addr_delta += csum_delta32(ip->saddr, to->saddr);
		ip->saddr = to->saddr;
	}
	ip->check = csum_update_full(ip->check, addr_delta);

	if (kind == HP_PKT_ICMP_ERR) {
		/* ICMP has no pseudo-header: the outer addresses are not in it. */
		hp_rewrite_icmp_quote(&pkt->icmp, pkt->key.proto);
		return;
	}
	if (kind != HP_PKT_L4)
		return;

	sport = pkt->l4; /* the ports sit first in both TCP and UDP */
	dport = sport + 1;
	l4_check = hp_l4_csum(pkt);
	if (*dport != to->dport) {
		port_delta += csum_delta16(*dport, to->dport);
		*dport = to->dport;
	}
	if (scope == HP_REWRITE_ALL && *sport != to->sport) {
		port_delta += csum_delta16(*sport, to->sport);
		*sport = to->sport;
	}
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

/*
 * Rewrite the whole tuple of a TCP/UDP packet through the helpers, which
 * update a checksum the right way whether the skb holds it complete or
 * partial. Packet pointers in @pkt are stale afterwards.
 */
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
