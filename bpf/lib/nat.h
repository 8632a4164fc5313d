/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The NAT session table: lookup with expiry, state tracking, creation of the
 * two halves of a session with the hairpin SNAT port allocation, and removal.
 * See docs/design.md "Sessions" for the layout of the entries.
 */
#ifndef HP_BPF_NAT_H
#define HP_BPF_NAT_H

#include <linux/errno.h>
#include "lib/maps.h"
#include "lib/parse.h"
#include "lib/counters.h"

#define HP_NSEC_PER_SEC 1000000000ULL
/*
 * last_seen_ns moves in steps of this much: a packet writes its session only
 * when the clock has moved on by a step, not on every packet. Timeouts are
 * whole seconds, so a session may expire this much early, never late.
 */
#define HP_LAST_SEEN_STEP_NS (HP_NSEC_PER_SEC / 10)
/* Candidate SNAT ports tried for one new hairpin flow before giving up. */
#define HP_SNAT_PORT_TRIES 32

/*
 * The clock of sessions and fragments: CLOCK_MONOTONIC at tick resolution
 * (bpf_ktime_get_coarse_ns), which costs no TSC read per packet and is
 * plenty for timeouts in seconds. The loader reads CLOCK_MONOTONIC too.
 */
static __always_inline __u64 hp_now(void)
{
	return bpf_ktime_get_coarse_ns();
}

static __always_inline const struct hp_config *hp_config_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&hp_config, &zero);
}

static __always_inline __u64 hp_timeout_ns(const struct hp_config *cfg, const struct hp_session *s)
{
	__u32 sec;

	switch (s->state) {
	case HP_STATE_TCP_ESTABLISHED:
		sec = cfg->timeout_tcp_established;
		break;
	case HP_STATE_UDP:
		sec = (s->flags & HP_SF_SEEN_REPLY) ? cfg->timeout_udp : cfg->timeout_udp_oneway;
		break;
	default: /* handshake and closing */
		sec = cfg->timeout_tcp_transitory;
		break;
	}
	return sec * HP_NSEC_PER_SEC;
}

static __always_inline bool hp_session_expired(const struct hp_config *cfg, const struct hp_session *s,
					       __u64 now)
{
	/* Another CPU may have stamped a later time than our @now. */
	return now > s->last_seen_ns && now - s->last_seen_ns > hp_timeout_ns(cfg, s);
}

static __always_inline bool hp_tuple_eq(const struct hp_tuple *a, const struct hp_tuple *b)
{
	return a->saddr == b->saddr && a->daddr == b->daddr && a->sport == b->sport && a->dport == b->dport;
}

/* The other half of a session is keyed by the reverse of this half's rewrite. */
static __always_inline void hp_peer_key(struct hp_session_key *peer, const struct hp_session_key *key,
					const struct hp_session *s)
{
	hp_tuple_reverse(&peer->tuple, &s->xlat);
	peer->proto = key->proto;
	peer->pad[0] = peer->pad[1] = peer->pad[2] = 0;
}

/*
 * The hp_egress key of a half: the tuple its packets leave the stack with
 * after XDP rewrote only their destination.
 */
static __always_inline void hp_egress_key(struct hp_session_key *ek, const struct hp_session_key *key,
					  const struct hp_tuple *xlat)
{
	ek->tuple.saddr = key->tuple.saddr;
	ek->tuple.sport = key->tuple.sport;
	ek->tuple.daddr = xlat->daddr;
	ek->tuple.dport = xlat->dport;
	ek->proto = key->proto;
	ek->pad[0] = ek->pad[1] = ek->pad[2] = 0;
}

/*
 * A session is dead when both halves are past their timeouts (or one is gone):
 * a flow busy in one direction only keeps both halves.
 */
static __always_inline bool hp_session_dead(const struct hp_config *cfg, const struct hp_session_key *key,
					    const struct hp_session *s, __u64 now)
{
	struct hp_session_key peer_key;
	struct hp_session *peer;

	if (!hp_session_expired(cfg, s, now))
		return false;
	hp_peer_key(&peer_key, key, s);
	peer = bpf_map_lookup_elem(&hp_sessions, &peer_key);
	return !peer || hp_session_expired(cfg, peer, now);
}

/* Delete one half and the hp_egress entry made from it. */
static __always_inline int hp_half_remove(const struct hp_session_key *key, const struct hp_tuple *xlat)
{
	struct hp_session_key ek;

	hp_egress_key(&ek, key, xlat);
	bpf_map_delete_elem(&hp_egress, &ek);
	return bpf_map_delete_elem(&hp_sessions, key);
}

/*
 * Remove a session: both halves and their egress entries. The peer goes only
 * if it points back at @key, so a half can never take a stranger with it.
 * Returns 0 when @key itself was deleted here.
 */
static __always_inline int hp_session_remove(const struct hp_session_key *key, const struct hp_session *s)
{
	struct hp_session_key k = *key, peer_key, back;
	struct hp_tuple xlat = s->xlat, peer_xlat;
	struct hp_session *peer;

	hp_peer_key(&peer_key, &k, s);
	peer = bpf_map_lookup_elem(&hp_sessions, &peer_key);
	if (peer) {
		peer_xlat = peer->xlat;
		hp_peer_key(&back, &peer_key, peer);
		if (hp_tuple_eq(&back.tuple, &k.tuple))
			hp_half_remove(&peer_key, &peer_xlat);
	}
	return hp_half_remove(&k, &xlat);
}

/* Copy the session-wide part of a half's state to its peer. */
static __always_inline void hp_session_sync_peer(const struct hp_session_key *key, const struct hp_session *s)
{
	struct hp_session_key peer_key;
	struct hp_session *peer;

	hp_peer_key(&peer_key, key, s);
	peer = bpf_map_lookup_elem(&hp_sessions, &peer_key);
	if (!peer)
		return;
	peer->state = s->state;
	peer->flags = (peer->flags & ~HP_SF_SEEN_REPLY) | (s->flags & HP_SF_SEEN_REPLY);
}

/*
 * Follow the flow's state from one of its packets (RFC 5382: the handshake
 * and closing are transitory, an established flow gets the long timeout).
 * Writes the entry only when the clock or the state moved, and the peer only
 * when the state changes.
 */
static __always_inline void hp_session_track(const struct hp_packet *pkt, struct hp_session *s, __u64 now)
{
	bool reply = s->flags & HP_SF_REPLY;
	__u8 state = s->state, flags = s->flags;
	__u8 tcp = pkt->tcp_flags;

	if (reply)
		flags |= HP_SF_SEEN_REPLY;
	if (pkt->key.proto == IPPROTO_TCP) {
		if (tcp & (HP_TCP_FIN | HP_TCP_RST)) {
			if (state != HP_STATE_TCP_CLOSING)
				hp_count(HP_TCP_CLOSING);
			state = HP_STATE_TCP_CLOSING;
		} else if (!reply && state == HP_STATE_TCP_CLOSING &&
			   (tcp & (HP_TCP_SYN | HP_TCP_ACK)) == HP_TCP_SYN) {
			/*
			 * The client reuses the 4-tuple of a closing flow: a new
			 * connection on the same mapping, not one blocked for
			 * the closing timeout.
			 */
			hp_count(HP_TCP_REOPENED);
			state = HP_STATE_TCP_SYN_SENT;
			flags &= ~HP_SF_SEEN_REPLY;
		} else if (!reply && state == HP_STATE_TCP_SYN_SENT && (flags & HP_SF_SEEN_REPLY) &&
			   !(tcp & HP_TCP_SYN)) {
			hp_count(HP_TCP_ESTABLISHED);
			state = HP_STATE_TCP_ESTABLISHED; /* the handshake's last ACK */
		}
	}
	if (now > s->last_seen_ns && now - s->last_seen_ns >= HP_LAST_SEEN_STEP_NS)
		s->last_seen_ns = now;
	if (state != s->state || flags != s->flags) {
		s->state = state;
		s->flags = flags;
		hp_session_sync_peer(&pkt->key, s);
	}
}

/*
 * Insert @val at @key unless a live session owns the key; a dead owner is
 * removed first. Returns 0, -EEXIST (live owner), or the map's error.
 */
static __always_inline int hp_session_claim(const struct hp_config *cfg, struct hp_session_key *key,
					    struct hp_session *val, __u64 now)
{
	struct hp_session *old;
	int err;

	err = bpf_map_update_elem(&hp_sessions, key, val, BPF_NOEXIST);
	if (err != -EEXIST)
		return err;
	old = bpf_map_lookup_elem(&hp_sessions, key);
	if (!old || !hp_session_dead(cfg, key, old, now))
		return -EEXIST;
	hp_session_remove(key, old);
	return bpf_map_update_elem(&hp_sessions, key, val, BPF_NOEXIST);
}

/*
 * A hash of the flow that mixes every input bit into every output bit
 * (murmur3's finalizer after each word): the SNAT port search starts at
 * hash % range, and flows that differ only in their source port (one client,
 * many connections) must start far apart.
 */
static __always_inline __u32 hp_mix32(__u32 h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

static __always_inline __u32 hp_flow_hash(const struct hp_tuple *t)
{
	__u32 h = hp_mix32(t->saddr);

	h = hp_mix32(h ^ t->daddr);
	return hp_mix32(h ^ ((__u32)t->sport << 16 | t->dport));
}

/*
 * Allocate the hairpin source port: claim the reply key (server, router,
 * server port, candidate) for the first free candidate. Starting from a hash
 * of the flow spreads flows over the range; the port only has to be unique
 * per server endpoint, as the reply key shows.
 */
static __always_inline int hp_snat_claim_port(const struct hp_config *cfg, struct hp_session_key *rkey,
					      struct hp_session *orig, struct hp_session *reply,
					      const struct hp_tuple *from, __u64 now)
{
	__u32 lo = cfg->snat_port_lo, n, start, i;
	int err = -EEXIST;

	if (cfg->snat_port_hi < lo)
		return -EEXIST;
	n = cfg->snat_port_hi - lo + 1;
	start = hp_flow_hash(from) % n;
	for (i = 0; i < HP_SNAT_PORT_TRIES && i < n; i++) {
		orig->xlat.sport = bpf_htons(lo + (start + i) % n);
		hp_tuple_reverse(&rkey->tuple, &orig->xlat);
		err = hp_session_claim(cfg, rkey, reply, now);
		if (err != -EEXIST)
			break;
	}
	return err;
}

/*
 * A new session for a packet that matched @rule: the reply half first (it is
 * what must be unique), then the original with BPF_NOEXIST; the reply half is
 * taken back if the original cannot go in. @snat_addr is 0 without hairpin.
 * Returns HP_CONTINUE with *out set, or the counter of the drop.
 */
static __always_inline int hp_session_create(const struct hp_config *cfg, const struct hp_packet *pkt,
					     const struct hp_forward *rule, __be32 snat_addr, __u64 now,
					     struct hp_session **out)
{
	struct hp_session_key okey = pkt->key, rkey = {};
	struct hp_session orig = {}, reply;
	int err;

	orig.xlat.saddr = snat_addr ? snat_addr : pkt->key.tuple.saddr;
	orig.xlat.daddr = rule->int_addr;
	orig.xlat.sport = pkt->key.tuple.sport;
	orig.xlat.dport = rule->int_port;
	orig.state = pkt->key.proto == IPPROTO_TCP ? HP_STATE_TCP_SYN_SENT : HP_STATE_UDP;
	orig.flags = snat_addr ? HP_SF_HAIRPIN : 0;
	orig.rule_id = rule->rule_id;
	orig.last_seen_ns = now;
	reply = orig;
	reply.flags |= HP_SF_REPLY;
	hp_tuple_reverse(&reply.xlat, &pkt->key.tuple);
	rkey.proto = pkt->key.proto;

	if (snat_addr) {
		err = hp_snat_claim_port(cfg, &rkey, &orig, &reply, &pkt->key.tuple, now);
		if (err == -EEXIST)
			return HP_DROP_PORTS_EXHAUSTED;
	} else {
		hp_tuple_reverse(&rkey.tuple, &orig.xlat);
		err = hp_session_claim(cfg, &rkey, &reply, now);
		if (err == -EEXIST)
			return HP_DROP_SESSION_CLASH;
	}
	if (err)
		return HP_DROP_TABLE_FULL;

	err = bpf_map_update_elem(&hp_sessions, &okey, &orig, BPF_NOEXIST);
	if (err) {
		bpf_map_delete_elem(&hp_sessions, &rkey);
		/* -EEXIST: another CPU created this very flow; use its session. */
		if (err != -EEXIST)
			return HP_DROP_TABLE_FULL;
	}
	*out = bpf_map_lookup_elem(&hp_sessions, &okey);
	return *out ? HP_CONTINUE : HP_DROP_SESSION_CLASH;
}

#endif /* HP_BPF_NAT_H */
