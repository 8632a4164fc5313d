/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ICMP errors for translated flows (RFC 5508), translated the way Linux's
 * conntrack NAT does (nf_nat_icmp_reply_translation()), so that the two
 * agree packet for packet:
 *
 * - the quoted packet is one the router sent after translation, so the
 *   session half it belongs to is keyed by its reverse; with that half's
 *   rewrite Y, the quote becomes reverse(Y): what the error's receiver sent;
 * - the outer destination becomes Y's destination (the original sender);
 * - the outer source becomes Y's source where that half rewrites sources
 *   (the public address, or the hairpin address); an error from a router on
 *   the way keeps its own source where the half does not.
 */
#ifndef HP_BPF_ICMP_H
#define HP_BPF_ICMP_H

#include "lib/maps.h"
#include "lib/parse.h"
#include "lib/nat.h"

/*
 * hp_egress key of an ICMP error whose outer source TC egress must finish:
 * its outer addresses and quoted ports as it leaves the stack.
 */
static __always_inline void hp_icmp_egress_key(struct hp_session_key *ek, __be32 saddr, __be32 daddr,
					       const struct hp_tuple *quote)
{
	ek->tuple.saddr = saddr;
	ek->tuple.daddr = daddr;
	ek->tuple.sport = quote->sport;
	ek->tuple.dport = quote->dport;
	ek->proto = IPPROTO_ICMP;
	ek->pad[0] = ek->pad[1] = ek->pad[2] = 0;
}

/* The session half whose translated packet the error quotes, keyed at @k. */
static __always_inline struct hp_session *hp_icmp_session(const struct hp_packet *pkt, struct hp_session_key *k)
{
	hp_tuple_reverse(&k->tuple, &pkt->key.tuple);
	k->proto = pkt->key.proto;
	k->pad[0] = k->pad[1] = k->pad[2] = 0;
	return bpf_map_lookup_elem(&hp_sessions, k);
}

/*
 * An error the router itself sends (fragmentation needed, TTL exceeded)
 * quotes a packet it was forwarding: translated in its destination only.
 * Without a hairpin that is the reverse of the reply half's key; a packet
 * that also needed its source rewritten has an hp_egress entry, whose
 * rewrite leads to the half.
 */
static __always_inline struct hp_session *hp_icmp_session_local(const struct hp_packet *pkt,
								 struct hp_session_key *k)
{
	struct hp_session *s = hp_icmp_session(pkt, k), *e;

	if (s)
		return s;
	e = bpf_map_lookup_elem(&hp_egress, &pkt->key);
	if (!e)
		return NULL;
	hp_tuple_reverse(&k->tuple, &e->xlat);
	return bpf_map_lookup_elem(&hp_sessions, k);
}

/*
 * Is the error addressed as its session shows that side? It travels against
 * the packet it quotes, so it must go to that packet's source as seen on the
 * side where it arrives: the check conntrack makes before it relates an
 * error to a connection (nf_conntrack_inet_error(): the outer destination
 * must equal the tuple's destination in the error's direction). Its outer
 * source is not checked: any router on the path may send one. An error that
 * fails is not about this router's translation (a LAN host "reporting" a
 * session to an unrelated address): it is passed on untouched, as conntrack
 * leaves such an error untracked and so untranslated.
 */
static __always_inline bool hp_icmp_outer_ok(const struct hp_packet *pkt)
{
	return pkt->ip->daddr == pkt->key.tuple.saddr;
}

/*
 * Plan the translation from half @h (keyed @k): the quote's new tuple goes
 * to pkt->icmp.to, the outer header's to @outer_to (no ports).
 */
static __always_inline void hp_icmp_plan(struct hp_packet *pkt, const struct hp_session_key *k,
					 const struct hp_session *h, struct hp_tuple *outer_to)
{
	hp_tuple_reverse(&pkt->icmp.to, &h->xlat);
	outer_to->saddr = k->tuple.saddr != h->xlat.saddr ? h->xlat.saddr : pkt->ip->saddr;
	outer_to->daddr = h->xlat.daddr;
	outer_to->sport = 0;
	outer_to->dport = 0;
}

#endif /* HP_BPF_ICMP_H */
