/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * IPv4 fragments. The first fragment is translated through its session like
 * any packet and leaves its addresses in hp_frags under (source,
 * destination, protocol, IP id); later fragments carry no ports and follow
 * that entry. A later fragment that finds none (it overtook the first, or
 * the entry is gone) is passed to the stack untouched: the datagram may be
 * lost, but no fragment is ever rewritten to the wrong flow.
 */
#ifndef HP_BPF_FRAG_H
#define HP_BPF_FRAG_H

#include "lib/maps.h"
#include "lib/parse.h"
#include "lib/nat.h"

static __always_inline void hp_frag_key_of(struct hp_frag_key *k, const struct hp_packet *pkt, __be32 daddr,
					   enum hp_frag_stage stage)
{
	k->saddr = pkt->ip->saddr;
	k->daddr = daddr;
	k->id = pkt->ip->id;
	k->proto = pkt->ip->protocol;
	k->stage = stage;
}

/*
 * Remember the first fragment's translation. HP_FRAG_INGRESS: keyed as the
 * fragments arrive; HP_FRAG_EGRESS: as they leave the stack with only their
 * destination rewritten, for TC to finish (slow path).
 */
static __always_inline void hp_frag_remember(const struct hp_packet *pkt, const struct hp_tuple *xlat,
					     enum hp_frag_stage stage, __u64 now)
{
	struct hp_frag_key k;
	struct hp_frag f = {
		.saddr = xlat->saddr,
		.daddr = xlat->daddr,
		.first_seen_ns = now,
	};

	hp_frag_key_of(&k, pkt, stage == HP_FRAG_INGRESS ? pkt->ip->daddr : xlat->daddr, stage);
	bpf_map_update_elem(&hp_frags, &k, &f, BPF_ANY);
}

/* The translation of a later fragment, as a tuple without ports. */
static __always_inline bool hp_frag_lookup(const struct hp_packet *pkt, enum hp_frag_stage stage, __u64 now,
					   struct hp_tuple *xlat)
{
	struct hp_frag_key k;
	struct hp_frag *f;

	hp_frag_key_of(&k, pkt, pkt->ip->daddr, stage);
	f = bpf_map_lookup_elem(&hp_frags, &k);
	if (!f || (now > f->first_seen_ns && now - f->first_seen_ns > HP_FRAG_TIMEOUT_SEC * HP_NSEC_PER_SEC))
		return false;
	xlat->saddr = f->saddr;
	xlat->daddr = f->daddr;
	xlat->sport = 0;
	xlat->dport = 0;
	return true;
}

/*
 * A first fragment that is not translated starts a datagram of its own on
 * its IP id: an entry an older datagram left under the same key must not
 * translate its later fragments (IP ids are reused, RFC 6864).
 */
static __always_inline void hp_frag_forget(const struct hp_packet *pkt)
{
	struct hp_frag_key k;

	hp_frag_key_of(&k, pkt, pkt->ip->daddr, HP_FRAG_INGRESS);
	bpf_map_delete_elem(&hp_frags, &k);
}

#endif /* HP_BPF_FRAG_H */
