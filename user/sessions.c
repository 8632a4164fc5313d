// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <netinet/in.h>
#include <string.h>
#include <bpf/bpf.h>

#include "log.h"
#include "sessions.h"

void session_view(const struct hp_session_key *k, const struct hp_session *s,
		  struct session_view *v)
{
	bool hairpin = s->flags & HP_SF_HAIRPIN;

	memset(v, 0, sizeof(*v));
	v->reply = s->flags & HP_SF_REPLY;
	v->proto = k->proto;
	if (!v->reply) {
		/* C:c -> E:e rewritten to (R or C):c' -> S:s */
		v->client = k->tuple.saddr;
		v->client_port = k->tuple.sport;
		v->ext_addr = k->tuple.daddr;
		v->ext_port = k->tuple.dport;
		v->int_addr = s->xlat.daddr;
		v->int_port = s->xlat.dport;
		v->snat_addr = hairpin ? s->xlat.saddr : 0;
	} else {
		/* S:s -> (R or C):c' rewritten to E:e -> C:c */
		v->client = s->xlat.daddr;
		v->client_port = s->xlat.dport;
		v->ext_addr = s->xlat.saddr;
		v->ext_port = s->xlat.sport;
		v->int_addr = k->tuple.saddr;
		v->int_port = k->tuple.sport;
		v->snat_addr = hairpin ? k->tuple.daddr : 0;
	}
}

/* The other half's key: the reverse of this half's rewrite. */
static void peer_key(struct hp_session_key *peer, const struct hp_session_key *k,
		     const struct hp_session *s)
{
	memset(peer, 0, sizeof(*peer));
	peer->tuple.saddr = s->xlat.daddr;
	peer->tuple.daddr = s->xlat.saddr;
	peer->tuple.sport = s->xlat.dport;
	peer->tuple.dport = s->xlat.sport;
	peer->proto = k->proto;
}

static bool tuple_eq(const struct hp_tuple *a, const struct hp_tuple *b)
{
	return a->saddr == b->saddr && a->daddr == b->daddr && a->sport == b->sport &&
	       a->dport == b->dport;
}

/* Delete @k and, if it points back at @k, its peer; 1 per session gone. */
static unsigned int remove_session(int fd, const struct hp_session_key *k,
				   const struct hp_session *s)
{
	struct hp_session_key pk, back;
	struct hp_session peer;
	unsigned int n = 0;

	peer_key(&pk, k, s);
	if (!bpf_map_lookup_elem(fd, &pk, &peer)) {
		peer_key(&back, &pk, &peer);
		if (tuple_eq(&back.tuple, &k->tuple) && !bpf_map_delete_elem(fd, &pk))
			n = 1;
	}
	if (!bpf_map_delete_elem(fd, k))
		n = 1;
	return n;
}

/* Rule ids (hp_rules slots) as a bitmap. */
struct rule_mask {
	__u64 bits[HP_MAX_RULES / 64];
};

static void mask_set(struct rule_mask *mk, __u32 rule)
{
	if (rule < HP_MAX_RULES)
		mk->bits[rule / 64] |= 1ull << (rule % 64);
}

static bool mask_has(const struct rule_mask *mk, __u32 rule)
{
	return rule < HP_MAX_RULES && (mk->bits[rule / 64] >> (rule % 64) & 1);
}

/*
 * hp_egress hand-offs that lost their session: a TCP/UDP one whose owner
 * (the half at the reverse of its rewrite) is gone or is another rule's
 * session now; an ICMP error's, which names no owner, when its rule has no
 * session left (@kept: the rules of the sessions the flush kept). So a
 * rule's removal takes exactly its own hand-offs. The sweeper does the same
 * for sessions that expire.
 */
static int prune_egress(const struct hp_maps *m, const struct rule_mask *kept)
{
	struct map_dump d;

	if (map_dump(m->egress, sizeof(struct hp_session_key), sizeof(struct hp_session), &d))
		return -1;
	for (size_t i = 0; i < d.n; i++) {
		const struct hp_session_key *k = map_dump_key(&d, i);
		const struct hp_session *e = map_dump_value(&d, i);
		struct hp_session_key owner;
		struct hp_session s;
		bool gone;

		if (k->proto == IPPROTO_TCP || k->proto == IPPROTO_UDP) {
			peer_key(&owner, k, e);
			gone = bpf_map_lookup_elem(m->sessions, &owner, &s) || s.rule_id != e->rule_id;
		} else {
			gone = !mask_has(kept, e->rule_id);
		}
		if (gone)
			bpf_map_delete_elem(m->egress, k);
	}
	map_dump_free(&d);
	return 0;
}

int sessions_flush(const struct hp_maps *m, session_pred_t drop, const void *ctx,
		   unsigned int *flows)
{
	struct rule_mask kept = { { 0 } };
	unsigned int n = 0;
	struct map_dump d;

	if (map_dump(m->sessions, sizeof(struct hp_session_key), sizeof(struct hp_session), &d))
		return -1;
	for (size_t i = 0; i < d.n; i++) {
		const struct hp_session_key *k = map_dump_key(&d, i);
		const struct hp_session *s = map_dump_value(&d, i);

		if (drop(k, s, ctx))
			n += remove_session(m->sessions, k, s);
		else
			mask_set(&kept, s->rule_id);
	}
	map_dump_free(&d);
	if (flows)
		*flows += n;
	return n ? prune_egress(m, &kept) : 0;
}
