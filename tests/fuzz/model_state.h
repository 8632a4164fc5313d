/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The model's tables (model.h) as operations: sessions with their timeouts
 * and states, creation with the hairpin port allocation and eviction,
 * hp_egress hand-offs and fragment records. Used by model_walk.c only.
 */
#ifndef HP_FUZZ_MODEL_STATE_H
#define HP_FUZZ_MODEL_STATE_H

#include "model.h"

/* What a packet told the session tracking. */
struct track_in {
	__u8 proto;
	__u8 tcp_flags;
};

struct hp_session *ms_lookup(struct model *m, const struct hp_session_key *k);
bool ms_dead(const struct model *m, const struct hp_session_key *k, const struct hp_session *s);
void ms_remove(struct model *m, const struct hp_session_key *k);
void ms_track(struct model *m, const struct hp_session_key *k, struct hp_session *s, struct track_in t);

/* A forward rule of the fixture, or NULL. */
struct model_rule {
	__u8 proto;
	__u16 ext_port;
	__u32 int_addr; /* host order */
	__u16 int_port;
	__u8 hairpin;
	__u16 id;
};
const struct model_rule *ms_rule(__u8 proto, __u32 daddr_host, __u16 dport);

/*
 * Create the session of a new flow from @rule (@snat_addr 0: no hairpin).
 * Returns 0 with *orig the new original half, or the drop counter.
 */
int ms_create(struct model *m, const struct hp_session_key *okey, const struct model_rule *rule, __be32 snat_addr,
	      struct track_in t, struct hp_session *orig);

/* hp_egress: false when the table is full. */
bool ms_egress_put(struct model *m, const struct hp_session_key *k, const struct hp_tuple *xlat, __u16 rule_id);
const struct hp_session *ms_egress_get(const struct model *m, const struct hp_session_key *k);

void ms_frag_put(struct model *m, const struct hp_frag_key *k, __be32 saddr, __be32 daddr);
bool ms_frag_get(const struct model *m, const struct hp_frag_key *k, struct hp_tuple *xlat);
/* The ingress record of a live entry, or NULL. */
struct model_seen *ms_frag_seen(struct model *m, const struct hp_frag_key *k);
/* Start the ingress record of the entry just put. */
struct model_seen *ms_frag_seen_new(struct model *m, const struct hp_frag_key *k);
void ms_frag_forget(struct model *m, const struct hp_frag_key *k);

void tuple_reverse(struct hp_tuple *out, const struct hp_tuple *t);
bool tuple_eq(const struct hp_tuple *a, const struct hp_tuple *b);

#endif /* HP_FUZZ_MODEL_STATE_H */
