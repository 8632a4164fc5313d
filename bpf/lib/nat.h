/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The NAT session table: lookup with expiry, state tracking, creation of the
 * two halves of a session with the hairpin SNAT port allocation, eviction of
 * sessions that never proved real when the table is full, and removal. See
 * docs/design.md "Sessions" for the layout of the entries.
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

/*
 * A hash that mixes every input bit into every output bit (murmur3's
 * finalizer), for direct-mapped caches keyed by addresses.
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

/*
 * The state and flags of a session after one of its packets (RFC 5382: the
 * handshake and closing are transitory, an established flow gets the long
 * timeout), with the transitions counted. HP_SF_ASSURED marks a flow that
 * proved real: TCP's handshake completed (a RST takes it away again: nothing
 * flows after one), or a UDP flow sent again after it was answered. Only
 * sessions without it are evicted from a full table.
 */
static __always_inline void hp_track_next(const struct hp_packet *pkt, bool reply, __u8 *state_io,
					  __u8 *flags_io)
{
	__u8 state = *state_io, flags = *flags_io;
	__u8 tcp = pkt->tcp_flags;

	if (reply)
		flags |= HP_SF_SEEN_REPLY;
	if (pkt->key.proto == IPPROTO_TCP) {
		if (tcp & (HP_TCP_FIN | HP_TCP_RST)) {
			if (state != HP_STATE_TCP_CLOSING)
				hp_count(HP_TCP_CLOSING);
			state = HP_STATE_TCP_CLOSING;
			if (tcp & HP_TCP_RST)
				flags &= ~HP_SF_ASSURED;
		} else if (!reply && state == HP_STATE_TCP_CLOSING &&
			   (tcp & (HP_TCP_SYN | HP_TCP_ACK)) == HP_TCP_SYN) {
			/*
			 * The client reuses the 4-tuple of a closing flow: a new
			 * connection on the same mapping, not one blocked for
			 * the closing timeout.
			 */
			hp_count(HP_TCP_REOPENED);
			state = HP_STATE_TCP_SYN_SENT;
			flags &= ~(HP_SF_SEEN_REPLY | HP_SF_ASSURED);
		} else if (!reply && state == HP_STATE_TCP_SYN_SENT && (flags & HP_SF_SEEN_REPLY) &&
			   !(tcp & HP_TCP_SYN)) {
			hp_count(HP_TCP_ESTABLISHED);
			state = HP_STATE_TCP_ESTABLISHED; /* the handshake's last ACK */
			flags |= HP_SF_ASSURED;
		}
	} else if (!reply && (flags & HP_SF_SEEN_REPLY)) {
		flags |= HP_SF_ASSURED; /* asked, answered, and asked again */
	}
	*state_io = state;
	*flags_io = flags;
}

/* Copy the session-wide part of a half's state to its peer. */
static __always_inline void hp_session_sync_peer(const struct hp_session_key *key, const struct hp_session *s)
{
	const __u8 shared = HP_SF_SEEN_REPLY | HP_SF_ASSURED;
	struct hp_session_key peer_key;
	struct hp_session *peer;

	hp_peer_key(&peer_key, key, s);
	peer = bpf_map_lookup_elem(&hp_sessions, &peer_key);
	if (!peer)
		return;
	peer->state = s->state;
	peer->flags = (peer->flags & ~shared) | (s->flags & shared);
}

/*
 * Follow the flow's state from one of its packets. Writes the entry only
 * when the clock or the state moved, and the peer only when the state
 * changes.
 */
static __always_inline void hp_session_track(const struct hp_packet *pkt, struct hp_session *s, __u64 now)
{
	__u8 state = s->state, flags = s->flags;
	bool moved;

	hp_track_next(pkt, s->flags & HP_SF_REPLY, &state, &flags);
	if (now > s->last_seen_ns && now - s->last_seen_ns >= HP_LAST_SEEN_STEP_NS)
		s->last_seen_ns = now;
	moved = state != s->state;
	if (moved || flags != s->flags) {
		s->state = state;
		s->flags = flags;
		hp_session_sync_peer(&pkt->key, s);
	}
	if (moved)
		hp_event_session(HP_EV_UPDATE, 0, &pkt->key, s);
}

/*
 * May a full table evict this session? Only one that has not proved real:
 * a TCP handshake that never completed (a SYN flood's, answered or not) or
 * was reset, a UDP flow that was never answered and asked again.
 */
static __always_inline bool hp_session_evictable(const struct hp_session *s)
{
	return !(s->flags & HP_SF_ASSURED) && s->state != HP_STATE_TCP_ESTABLISHED;
}

/* Records looked at for one eviction. */
#define HP_EVICT_TRIES 64

struct hp_evict_walk {
	struct hp_evict_ring *ring;
	__u32 slots;
	__u32 evicted;
};

/*
 * The oldest record: evict its session if it is still there and may be
 * evicted. CPUs race on the ring without locks: a record read while
 * another CPU writes it finds no session or a new one (evicted only if it
 * may be), a tail moved on twice skips a record (its session expires), a
 * clamp written back stale reads records again.
 */
static long hp_evict_step(__u32 i, struct hp_evict_walk *w)
{
	struct hp_evict_ring *r = w->ring;
	struct hp_session_key *rec, key;
	struct hp_session *s;
	__u64 head = r->head, t;
	__u32 slot;

	if (r->tail >= head)
		return 1; /* nothing left to look at */
	/* a full ring overwrote its oldest records */
	if (head - r->tail > w->slots)
		r->tail = head - w->slots;
	t = __sync_fetch_and_add(&r->tail, 1);
	if (t >= head)
		return 1;
	slot = (__u32)(t % w->slots);
	rec = bpf_map_lookup_elem(&hp_evict, &slot);
	if (!rec)
		return 0;
	key = *rec;
	s = bpf_map_lookup_elem(&hp_sessions, &key);
	/* gone (expired, evicted), proved real, or the key is now a reply's */
	if (!s || (s->flags & HP_SF_REPLY) || !hp_session_evictable(s))
		return 0;
	/* told before it goes: this runs on the full stack of xdp_ingress */
	hp_event_session_inline(HP_EV_DESTROY, HP_EVR_EVICTED, &key, s);
	if (hp_session_remove(&key, s))
		return 0;
	hp_count(HP_SESSION_EVICTED);
	w->evicted = 1;
	return 1;
}

/* Make room in a full table; true when a session was evicted. */
static __always_inline bool hp_evict_one(const struct hp_config *cfg)
{
	__u32 zero = 0;
	struct hp_evict_walk w = {
		.ring = bpf_map_lookup_elem(&hp_evict_ring, &zero),
		.slots = cfg->evict_slots,
	};

	if (!w.ring || !w.slots)
		return false;
	bpf_loop(HP_EVICT_TRIES, hp_evict_step, &w, 0);
	return w.evicted;
}

/* Record a new session at the ring's head. */
static __always_inline void hp_evict_record(const struct hp_config *cfg, const struct hp_session_key *okey)
{
	__u32 zero = 0, slot;
	struct hp_evict_ring *r = bpf_map_lookup_elem(&hp_evict_ring, &zero);
	struct hp_session_key *rec;

	if (!r || !cfg->evict_slots)
		return;
	slot = (__u32)(__sync_fetch_and_add(&r->head, 1) % cfg->evict_slots);
	rec = bpf_map_lookup_elem(&hp_evict, &slot);
	if (rec)
		*rec = *okey;
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
	hp_event_session_inline(HP_EV_DESTROY, HP_EVR_EXPIRED, key, old);
	hp_session_remove(key, old);
	return bpf_map_update_elem(&hp_sessions, key, val, BPF_NOEXIST);
}

/*
 * Allocate the hairpin source port: claim the reply key (server, router,
 * server port, candidate) for the first free candidate. The port only has
 * to be unique per server endpoint, as the reply key shows.
 *
 * Candidates come from a per-CPU cursor that moves on by one per new flow:
 * CPU c's k-th flow starts at k * nr_cpus + c (mod the range), so CPUs start
 * in ports of their own and a fresh range is taken in order, one insert per
 * flow; once the range has wrapped, the cursor meets the oldest mappings
 * first, the likeliest to have expired, and a port is reused as late as it
 * can be (a server's TIME_WAIT on it has had the longest to end). A taken
 * candidate moves on to the next port, at most HP_SNAT_PORT_TRIES. (A
 * start hashed from the flow, probing linearly, clusters: near a full range
 * an insert probes O(1 / (1 - load)^2) times.)
 */
struct hp_port_walk {
	struct hp_session_key rkey;
	struct hp_session reply;
	__u64 now;
	__u32 lo, n, start;
	__be16 port; /* the port claimed */
	int err;
};

/* One candidate; a bpf_loop callback, so that the verifier sees it once. */
static long hp_port_try(__u32 i, struct hp_port_walk *w)
{
	const struct hp_config *cfg = hp_config_get();
	__be16 port = bpf_htons(w->lo + (w->start + i) % w->n);

	if (!cfg)
		return 1;
	w->rkey.tuple.dport = port; /* reverse(orig.xlat): the port is its destination */
	w->err = hp_session_claim(cfg, &w->rkey, &w->reply, w->now);
	if (w->err == -EEXIST)
		return 0;
	w->port = port; /* claimed, or the table is full */
	return 1;
}

static __always_inline int hp_snat_claim_port(const struct hp_config *cfg, struct hp_cpu *c,
					      struct hp_port_walk *w, struct hp_session *orig)
{
	__u32 ncpu = cfg->nr_cpus ? cfg->nr_cpus : 1, k = 0;

	if (cfg->snat_port_hi < cfg->snat_port_lo)
		return -EEXIST;
	w->lo = cfg->snat_port_lo;
	w->n = cfg->snat_port_hi - w->lo + 1;
	w->err = -EEXIST;
	if (c)
		k = c->port_next++;
	w->start = (__u32)(((__u64)k * ncpu + bpf_get_smp_processor_id()) % w->n);
	hp_tuple_reverse(&w->rkey.tuple, &orig->xlat);
	bpf_loop(w->n < HP_SNAT_PORT_TRIES ? w->n : HP_SNAT_PORT_TRIES, hp_port_try, w, 0);
	if (!w->err)
		orig->xlat.sport = w->port;
	return w->err;
}

/*
 * A new session for a packet that matched @rule: the reply half first (it is
 * what must be unique), then the original with BPF_NOEXIST; the reply half is
 * taken back if the original cannot go in. @snat_addr is 0 without hairpin.
 * Returns HP_CONTINUE with *orig the original half as inserted (this packet's
 * state change included), or the counter of the drop.
 */
static __always_inline int hp_session_create(const struct hp_config *cfg, const struct hp_packet *pkt,
					     const struct hp_forward *rule, __be32 snat_addr, __u64 now,
					     struct hp_session *orig)
{
	struct hp_session_key okey = pkt->key;
	struct hp_port_walk w = { .now = now };
	struct hp_session *won;
	__u32 zero = 0;
	struct hp_cpu *c = bpf_map_lookup_elem(&hp_cpu, &zero);
	bool evicted = false;
	int err;

	__builtin_memset(orig, 0, sizeof(*orig));
	orig->xlat.saddr = snat_addr ? snat_addr : pkt->key.tuple.saddr;
	orig->xlat.daddr = rule->int_addr;
	orig->xlat.sport = pkt->key.tuple.sport;
	orig->xlat.dport = rule->int_port;
	orig->state = pkt->key.proto == IPPROTO_TCP ? HP_STATE_TCP_SYN_SENT : HP_STATE_UDP;
	orig->flags = snat_addr ? HP_SF_HAIRPIN : 0;
	hp_track_next(pkt, false, &orig->state, &orig->flags);
	orig->rule_id = rule->rule_id;
	orig->last_seen_ns = now;
	w.reply = *orig;
	w.reply.flags |= HP_SF_REPLY;
	hp_tuple_reverse(&w.reply.xlat, &pkt->key.tuple);
	w.rkey.proto = pkt->key.proto;

	/*
	 * A full table, or a hairpin port range taken, evicts the oldest
	 * session that never proved real (both of its halves), and the whole
	 * insert is tried once more: the cursor then starts among the oldest
	 * mappings, the evicted one's port likely among them.
	 */
retry:
	if (snat_addr) {
		err = hp_snat_claim_port(cfg, c, &w, orig);
		if (err == -EEXIST)
			err = -EADDRINUSE;
	} else {
		hp_tuple_reverse(&w.rkey.tuple, &orig->xlat);
		err = hp_session_claim(cfg, &w.rkey, &w.reply, now);
		if (err == -EEXIST)
			return HP_DROP_SESSION_CLASH;
	}
	if (!err) {
		err = bpf_map_update_elem(&hp_sessions, &okey, orig, BPF_NOEXIST);
		if (err)
			bpf_map_delete_elem(&hp_sessions, &w.rkey);
	}
	if ((err == -E2BIG || err == -EADDRINUSE) && !evicted) {
		evicted = true;
		if (hp_evict_one(cfg))
			goto retry;
	}
	if (err == -EADDRINUSE)
		return HP_DROP_PORTS_EXHAUSTED;
	if (err == -EEXIST) {
		/* the original: another CPU created this very flow; use its session */
		won = bpf_map_lookup_elem(&hp_sessions, &okey);
		if (!won)
			return HP_DROP_SESSION_CLASH;
		*orig = *won;
		return HP_CONTINUE;
	}
	if (err)
		return HP_DROP_TABLE_FULL;
	hp_evict_record(cfg, &okey);
	return HP_CONTINUE;
}

#endif /* HP_BPF_NAT_H */
