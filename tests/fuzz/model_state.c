// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The model's tables, as docs/design.md "Sessions" describes them: two
 * halves per session (original key -> full rewrite, reply key -> reverse),
 * a half dead only with its peer, states and timeouts by RFC 5382/4787,
 * the hairpin port from a cursor moving on by one per new flow, eviction of
 * the oldest session that never proved real when the table is full.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "model_state.h"

#define NS_PER_SEC 1000000000ull
#define EVICT_TRIES 64
#define PORT_TRIES 32

void tuple_reverse(struct hp_tuple *out, const struct hp_tuple *t)
{
	struct hp_tuple r = { t->daddr, t->saddr, t->dport, t->sport };

	*out = r;
}

bool tuple_eq(const struct hp_tuple *a, const struct hp_tuple *b)
{
	return a->saddr == b->saddr && a->daddr == b->daddr && a->sport == b->sport && a->dport == b->dport;
}

static bool key_eq(const struct hp_session_key *a, const struct hp_session_key *b)
{
	return a->proto == b->proto && tuple_eq(&a->tuple, &b->tuple);
}

static struct hp_session_key peer_key(const struct hp_session_key *k, const struct hp_session *s)
{
	struct hp_session_key p = { .proto = k->proto };

	tuple_reverse(&p.tuple, &s->xlat);
	return p;
}

/* ---- lookup, expiry ---- */

static int find(const struct model_entry *t, int n, const struct hp_session_key *k)
{
	for (int i = 0; i < n; i++)
		if (key_eq(&t[i].key, k))
			return i;
	return -1;
}

struct hp_session *ms_lookup(struct model *m, const struct hp_session_key *k)
{
	int i = find(m->sess, m->n_sess, k);

	return i < 0 ? NULL : &m->sess[i].val;
}

static __u64 timeout_ns(const struct hp_config *c, const struct hp_session *s)
{
	switch (s->state) {
	case HP_STATE_TCP_ESTABLISHED:
		return c->timeout_tcp_established * NS_PER_SEC;
	case HP_STATE_UDP:
		return (s->flags & HP_SF_SEEN_REPLY ? c->timeout_udp : c->timeout_udp_oneway) * NS_PER_SEC;
	default:
		return c->timeout_tcp_transitory * NS_PER_SEC;
	}
}

bool model_session_expired(const struct hp_config *cfg, const struct hp_session *s, __u64 now)
{
	return now > s->last_seen_ns && now - s->last_seen_ns > timeout_ns(cfg, s);
}

bool ms_dead(const struct model *m, const struct hp_session_key *k, const struct hp_session *s)
{
	struct hp_session_key pk;
	int p;

	if (!model_session_expired(&m->cfg.hp, s, m->now))
		return false;
	pk = peer_key(k, s);
	p = find(m->sess, m->n_sess, &pk);
	return p < 0 || model_session_expired(&m->cfg.hp, &m->sess[p].val, m->now);
}

bool model_entry_dead(const struct model *m, int i)
{
	return ms_dead(m, &m->sess[i].key, &m->sess[i].val);
}

void model_deadlines(const struct model *m, void (*fn)(void *arg, __u64 stamp, __u64 timeout), void *arg)
{
	for (int i = 0; i < m->n_sess; i++)
		fn(arg, m->sess[i].val.last_seen_ns, timeout_ns(&m->cfg.hp, &m->sess[i].val));
	for (int i = 0; i < m->n_frags; i++)
		fn(arg, m->frags[i].val.first_seen_ns, HP_FRAG_TIMEOUT_SEC * NS_PER_SEC);
}

/* ---- removal ---- */

static void drop_at(struct model_entry *t, int *n, int i)
{
	t[i] = t[--*n]; /* order is not part of a hash table */
}

/* The hp_egress key of a half: how its packets leave the stack. */
static struct hp_session_key egress_key(const struct hp_session_key *k, const struct hp_tuple *xlat)
{
	struct hp_session_key e = { .proto = k->proto };

	e.tuple.saddr = k->tuple.saddr;
	e.tuple.sport = k->tuple.sport;
	e.tuple.daddr = xlat->daddr;
	e.tuple.dport = xlat->dport;
	return e;
}

static void half_remove(struct model *m, const struct hp_session_key *k, const struct hp_tuple *xlat)
{
	struct hp_session_key ek = egress_key(k, xlat);
	int i = find(m->egress, m->n_egress, &ek);

	if (i >= 0)
		drop_at(m->egress, &m->n_egress, i);
	i = find(m->sess, m->n_sess, k);
	if (i >= 0)
		drop_at(m->sess, &m->n_sess, i);
}

/* Both halves; the peer only if it points back at @k. */
void ms_remove(struct model *m, const struct hp_session_key *k)
{
	struct hp_session_key key = *k, pk;
	struct hp_session *s = ms_lookup(m, &key), *p;
	struct hp_tuple xlat;

	if (!s)
		return;
	xlat = s->xlat;
	pk = peer_key(&key, s);
	p = ms_lookup(m, &pk);
	if (p) {
		struct hp_session_key back = peer_key(&pk, p);
		struct hp_tuple pxlat = p->xlat;

		if (tuple_eq(&back.tuple, &key.tuple))
			half_remove(m, &pk, &pxlat);
	}
	half_remove(m, &key, &xlat);
}

/* ---- states ---- */

#define F_FIN 0x01
#define F_SYN 0x02
#define F_RST 0x04
#define F_ACK 0x10

/* The TCP state machine of docs/design.md "States". */
static void track_next(struct track_in t, bool reply, __u8 *state_io, __u8 *flags_io)
{
	__u8 state = *state_io, flags = *flags_io, f = t.tcp_flags;

	if (reply)
		flags |= HP_SF_SEEN_REPLY;
	if (t.proto == IPPROTO_TCP) {
		if (f & (F_FIN | F_RST)) {
			state = HP_STATE_TCP_CLOSING;
			if (f & F_RST)
				flags &= ~HP_SF_ASSURED;
		} else if (!reply && state == HP_STATE_TCP_CLOSING && (f & (F_SYN | F_ACK)) == F_SYN) {
			state = HP_STATE_TCP_SYN_SENT; /* the 4-tuple reused */
			flags &= ~(HP_SF_SEEN_REPLY | HP_SF_ASSURED);
		} else if (!reply && state == HP_STATE_TCP_SYN_SENT && (flags & HP_SF_SEEN_REPLY) && !(f & F_SYN)) {
			state = HP_STATE_TCP_ESTABLISHED;
			flags |= HP_SF_ASSURED;
		}
	} else if (!reply && (flags & HP_SF_SEEN_REPLY)) {
		flags |= HP_SF_ASSURED; /* asked, answered, asked again */
	}
	*state_io = state;
	*flags_io = flags;
}

void ms_track(struct model *m, const struct hp_session_key *k, struct hp_session *s, struct track_in t)
{
	const __u8 shared = HP_SF_SEEN_REPLY | HP_SF_ASSURED;
	__u8 state = s->state, flags = s->flags;
	struct hp_session_key pk;
	struct hp_session *p;

	track_next(t, s->flags & HP_SF_REPLY, &state, &flags);
	s->last_seen_ns = m->now;
	if (state == s->state && flags == s->flags)
		return;
	s->state = state;
	s->flags = flags;
	pk = peer_key(k, s);
	p = ms_lookup(m, &pk);
	if (p) {
		p->state = state;
		p->flags = (p->flags & ~shared) | (flags & shared);
	}
}

/* ---- rules ---- */

const struct model_rule *ms_rule(__u8 proto, __u32 daddr_host, __u16 dport)
{
	static struct model_rule r;

	if (daddr_host != PUBLIC)
		return NULL;
	for (int id = RULE_NONE + 1; id < RULE_MAX; id++) {
		const struct rule_def *d = fx_rule_def(id);

		if (d->proto != proto || dport < d->ext_first || dport > (d->ext_last ? d->ext_last : d->ext_first))
			continue;
		r = (struct model_rule){ proto, dport, d->int_addr,
					 d->int_last ? (__u16)(d->int_first + dport - d->ext_first) : d->int_first,
					 d->hairpin, (__u16)id };
		return &r;
	}
	return NULL;
}

/* ---- creation ---- */

static int insert(struct model_entry *t, int *n, int max, const struct hp_session_key *k,
		  const struct hp_session *v)
{
	if (find(t, *n, k) >= 0)
		return -EEXIST;
	if (*n >= max || *n >= MODEL_MAX_ENTRIES)
		return -E2BIG;
	t[*n].key = *k;
	t[*n].val = *v;
	(*n)++;
	return 0;
}

/* Insert unless a live session owns the key; a dead owner goes first. */
static int claim(struct model *m, const struct hp_session_key *k, const struct hp_session *v)
{
	int err = insert(m->sess, &m->n_sess, (int)m->cfg.session_entries, k, v);
	struct hp_session *old;

	if (err != -EEXIST)
		return err;
	old = ms_lookup(m, k);
	if (!ms_dead(m, k, old))
		return -EEXIST;
	ms_remove(m, k);
	return insert(m->sess, &m->n_sess, (int)m->cfg.session_entries, k, v);
}

static bool evictable(const struct hp_session *s)
{
	return !(s->flags & HP_SF_ASSURED) && s->state != HP_STATE_TCP_ESTABLISHED;
}

/* The oldest recorded session that never proved real goes. */
static bool evict_one(struct model *m)
{
	__u64 slots = m->cfg.hp.evict_slots;

	if (!slots)
		return false;
	for (int i = 0; i < EVICT_TRIES; i++) {
		struct hp_session_key rec;
		struct hp_session *s;

		if (m->ring_tail >= m->ring_head)
			return false;
		if (m->ring_head - m->ring_tail > slots)
			m->ring_tail = m->ring_head - slots;
		rec = m->ring[m->ring_tail++ % slots];
		s = ms_lookup(m, &rec);
		if (!s || (s->flags & HP_SF_REPLY) || !evictable(s))
			continue;
		ms_remove(m, &rec);
		return true;
	}
	return false;
}

/* The hairpin port: claim (server, router, server port, candidate). */
static int claim_port(struct model *m, struct hp_session *orig, const struct hp_session *reply, __u8 proto)
{
	const struct hp_config *c = &m->cfg.hp;
	__u32 ncpu = c->nr_cpus ? c->nr_cpus : 1, n, start, k;
	int err = -EEXIST;

	if (c->snat_port_hi < c->snat_port_lo)
		return -EEXIST;
	n = c->snat_port_hi - c->snat_port_lo + 1;
	k = m->port_next++;
	start = (__u32)(((__u64)k * ncpu + (__u32)m->cfg.cpu) % n);
	for (__u32 i = 0; i < (n < PORT_TRIES ? n : PORT_TRIES); i++) {
		__be16 port = htons((__u16)(c->snat_port_lo + (start + i) % n));
		struct hp_session_key rk = { .proto = proto };

		tuple_reverse(&rk.tuple, &orig->xlat);
		rk.tuple.dport = port;
		err = claim(m, &rk, reply);
		if (err == -EEXIST)
			continue;
		if (!err)
			orig->xlat.sport = port;
		return err;
	}
	return err;
}

int ms_create(struct model *m, const struct hp_session_key *okey, const struct model_rule *rule, __be32 snat_addr,
	      struct track_in t, struct hp_session *orig)
{
	struct hp_session reply;
	struct hp_session_key rk = { .proto = okey->proto };
	bool evicted = false;
	int err;

	memset(orig, 0, sizeof(*orig));
	orig->xlat.saddr = snat_addr ? snat_addr : okey->tuple.saddr;
	orig->xlat.daddr = htonl(rule->int_addr);
	orig->xlat.sport = okey->tuple.sport;
	orig->xlat.dport = htons(rule->int_port);
	orig->state = okey->proto == IPPROTO_TCP ? HP_STATE_TCP_SYN_SENT : HP_STATE_UDP;
	orig->flags = snat_addr ? HP_SF_HAIRPIN : 0;
	track_next(t, false, &orig->state, &orig->flags);
	orig->rule_id = rule->id;
	orig->last_seen_ns = m->now;
	reply = *orig;
	reply.flags |= HP_SF_REPLY;
	tuple_reverse(&reply.xlat, &okey->tuple);
retry:
	if (snat_addr) {
		err = claim_port(m, orig, &reply, okey->proto);
		if (err == -EEXIST)
			err = -EADDRINUSE;
		tuple_reverse(&rk.tuple, &orig->xlat);
	} else {
		tuple_reverse(&rk.tuple, &orig->xlat);
		err = claim(m, &rk, &reply);
		if (err == -EEXIST)
			return HP_DROP_SESSION_CLASH;
	}
	if (!err) {
		err = insert(m->sess, &m->n_sess, (int)m->cfg.session_entries, okey, orig);
		if (err) {
			int i = find(m->sess, m->n_sess, &rk);

			if (i >= 0)
				drop_at(m->sess, &m->n_sess, i);
		}
	}
	if ((err == -E2BIG || err == -EADDRINUSE) && !evicted) {
		evicted = true;
		if (evict_one(m))
			goto retry;
	}
	if (err == -EADDRINUSE)
		return HP_DROP_PORTS_EXHAUSTED;
	if (err == -EEXIST)
		return HP_DROP_SESSION_CLASH; /* one CPU: no race to lose */
	if (err)
		return HP_DROP_TABLE_FULL;
	if (m->cfg.hp.evict_slots)
		m->ring[m->ring_head++ % m->cfg.hp.evict_slots] = *okey;
	return 0;
}

/* ---- hp_egress, hp_frags ---- */

bool ms_egress_put(struct model *m, const struct hp_session_key *k, const struct hp_tuple *xlat, __u16 rule_id)
{
	struct hp_session v = { .xlat = *xlat, .rule_id = rule_id };
	int i = find(m->egress, m->n_egress, k);

	if (i >= 0) {
		m->egress[i].val = v;
		return true;
	}
	return insert(m->egress, &m->n_egress, (int)m->cfg.egress_entries, k, &v) == 0;
}

const struct hp_session *ms_egress_get(const struct model *m, const struct hp_session_key *k)
{
	int i = find(m->egress, m->n_egress, k);

	return i < 0 ? NULL : &m->egress[i].val;
}

static int frag_find(const struct model *m, const struct hp_frag_key *k)
{
	for (int i = 0; i < m->n_frags; i++)
		if (!memcmp(&m->frags[i].key, k, sizeof(*k)))
			return i;
	return -1;
}

void ms_frag_put(struct model *m, const struct hp_frag_key *k, __be32 saddr, __be32 daddr)
{
	int i = frag_find(m, k);

	if (i < 0) {
		if (m->n_frags == MODEL_MAX_FRAGS)
			return; /* the runner keeps sequences far below the LRU's size */
		i = m->n_frags++;
		m->frags[i].key = *k;
	}
	m->frags[i].val = (struct hp_frag){ saddr, daddr, m->now };
	memset(&m->frags[i].seen, 0, sizeof(m->frags[i].seen));
}

static bool frag_live(const struct model *m, int i)
{
	return i >= 0 && !(m->now > m->frags[i].val.first_seen_ns &&
			   m->now - m->frags[i].val.first_seen_ns > HP_FRAG_TIMEOUT_SEC * NS_PER_SEC);
}

bool ms_frag_get(const struct model *m, const struct hp_frag_key *k, struct hp_tuple *xlat)
{
	int i = frag_find(m, k);

	if (!frag_live(m, i))
		return false;
	memset(xlat, 0, sizeof(*xlat));
	xlat->saddr = m->frags[i].val.saddr;
	xlat->daddr = m->frags[i].val.daddr;
	return true;
}

struct model_seen *ms_frag_seen(struct model *m, const struct hp_frag_key *k)
{
	int i = frag_find(m, k);

	return frag_live(m, i) && m->frags[i].seen.on ? &m->frags[i].seen : NULL;
}

struct model_seen *ms_frag_seen_new(struct model *m, const struct hp_frag_key *k)
{
	int i = frag_find(m, k);

	if (i < 0)
		return NULL;
	m->frags[i].seen.on = true;
	return &m->frags[i].seen;
}

void ms_frag_forget(struct model *m, const struct hp_frag_key *k)
{
	int i = frag_find(m, k);

	if (i >= 0)
		m->frags[i] = m->frags[--m->n_frags];
}
