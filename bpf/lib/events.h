/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The event stream that `hairpin-xdp monitor` reads (struct hp_event in
 * include/hairpin/abi.h): sessions made, changing TCP state and removed, and
 * every dropped packet with its reason.
 *
 * Free when nobody listens: every hook first reads hp_monitor's
 * listen_until_ns, an array element the verifier inlines, and returns on
 * zero; the work is in the __noinline bodies below, which only a listener's
 * presence reaches. The monitor keeps listen_until_ns HP_MONITOR_LEASE_SEC
 * ahead; a body that finds it past sets it back to zero, so that a killed
 * monitor costs the packets no more than one that exited.
 *
 * Bounded when someone listens: drop events have a per-CPU budget of
 * hp_monitor.drop_rate a second (a fixed one-second window); those over it
 * are counted (hp_event_cpu.capped). A full ring buffer is counted too
 * (hp_event_cpu.lost). Session events have no budget: they come no faster than
 * sessions are made, and a full ring counts them lost.
 *
 * Built with -DHP_NO_EVENTS the hooks are empty (the benchmark's baseline).
 */
#ifndef HP_BPF_EVENTS_H
#define HP_BPF_EVENTS_H

#include "lib/maps.h"
#include "lib/parse.h"

/*
 * The key of the one-element maps as read-only data rather than on the
 * stack: the hooks are called from the eviction walk, whose frame adds to
 * xdp_ingress's (the verifier's 512 bytes are for the whole call chain).
 */
static const __u32 hp_zero_key = 0;

static __always_inline struct hp_monitor *hp_monitor_get(void)
{
	return bpf_map_lookup_elem(&hp_monitor, &hp_zero_key);
}

/* The per-packet test: is anybody listening (or was, and left)? */
#ifdef HP_NO_EVENTS
#define HP_EVENTS_ON(m) ((void)(m), false)
#else
#define HP_EVENTS_ON(m) ((m) && (m)->listen_until_ns)
#endif

/*
 * Still listening? A lease found past is ended here (a racing renewal lost
 * this way is back within HP_MONITOR_REFRESH_MS).
 */
static __always_inline bool hp_events_live(struct hp_monitor *m, __u64 now)
{
	if (now < m->listen_until_ns)
		return true;
	m->listen_until_ns = 0;
	return false;
}

static __always_inline struct hp_event_cpu *hp_event_cpu_get(void)
{
	return bpf_map_lookup_elem(&hp_event_cpu, &hp_zero_key);
}

/*
 * An event of @type in the ring, or NULL (counted lost). The caller sets
 * every other field (ring memory is not zeroed): a memset here would hold
 * a zero in a callee-saved register across the helpers, and so a stack slot.
 */
static __always_inline struct hp_event *hp_event_reserve(__u8 type)
{
	struct hp_event *e = bpf_ringbuf_reserve(&hp_events, sizeof(*e), 0);
	struct hp_event_cpu *c;

	if (!e) {
		c = hp_event_cpu_get();
		if (c)
			c->lost++;
		return NULL;
	}
	e->ts_ns = bpf_ktime_get_ns();
	e->cpu = bpf_get_smp_processor_id();
	e->type = type;
	return e;
}

static __noinline void hp_event_note_packet(struct hp_monitor *m, const struct hp_session_key *key,
					    __u32 ifindex)
{
	struct hp_event_cpu *c = hp_event_cpu_get();
	__u64 now = bpf_ktime_get_coarse_ns();

	if (!c || !hp_events_live(m, now))
		return;
	c->pkt = *key;
	c->ifindex = ifindex;
	c->noted_ns = now;
}

/*
 * Right after parsing, in each entry program: note the packet in hand so
 * that a drop counted later in the same run can name it. A macro: its
 * arguments (a ctx read, a stack address) are evaluated only when someone
 * listens, not held in registers (or spilled) on every packet.
 */
#define hp_event_packet(key, ifindex)                                          \
	do {                                                                   \
		struct hp_monitor *__m = hp_monitor_get();                     \
									       \
		if (HP_EVENTS_ON(__m))                                         \
			hp_event_note_packet(__m, (key), (ifindex));           \
	} while (0)

/* Within the CPU's drop budget? Counts the ones over it. */
static __always_inline bool hp_event_drop_budget(const struct hp_monitor *m, struct hp_event_cpu *c,
						 __u64 now)
{
	if (now - c->window_ns >= 1000000000ULL) {
		c->window_ns = now;
		c->used = 0;
	}
	if (c->used >= m->drop_rate) {
		c->capped++;
		return false;
	}
	c->used++;
	return true;
}

static __noinline void hp_event_drop_emit(struct hp_monitor *m, __u32 counter)
{
	struct hp_event_cpu *c = hp_event_cpu_get();
	__u64 now = bpf_ktime_get_coarse_ns();
	struct hp_event *e;

	if (!c || !hp_events_live(m, now) || !hp_event_drop_budget(m, c, now))
		return;
	e = hp_event_reserve(HP_EV_DROP);
	if (!e)
		return;
	e->reason = (__u16)counter;
	e->state = 0;
	e->rule_id = 0;
	__builtin_memset(&e->xlat, 0, sizeof(e->xlat));
	/* noted before this monitor started: some other packet's */
	if (c->noted_ns >= m->since_ns) {
		e->proto = c->pkt.proto;
		e->flags = 0;
		e->orig = c->pkt.tuple;
		e->ifindex = c->ifindex;
	} else {
		e->proto = 0;
		e->flags = HP_EVF_NO_TUPLE;
		__builtin_memset(&e->orig, 0, sizeof(e->orig));
		e->ifindex = 0;
	}
	bpf_ringbuf_submit(e, 0);
}

/* From hp_count() (lib/counters.h) for every drop reason. */
static __always_inline void hp_event_drop(__u32 counter)
{
	struct hp_monitor *m = hp_monitor_get();

	if (HP_EVENTS_ON(m))
		hp_event_drop_emit(m, counter);
}

/*
 * A session event from either half (@key, @s): told by the original
 * direction (abi.h struct hp_event). @what is the type in the low byte and
 * the reason above it: four arguments stay in registers, and this frame
 * adds nothing to the stack of the eviction walk that calls it from
 * xdp_ingress's full one.
 */
#define HP_EV_WHAT(type, reason) ((__u32)(type) | (__u32)(reason) << 8)

static __always_inline void hp_event_session_put(struct hp_monitor *m, __u32 what,
						 const struct hp_session_key *key, const struct hp_session *s)
{
	struct hp_event *e;

	/* the precise clock: the sweeper's program may not have the coarse one */
	if (!hp_events_live(m, bpf_ktime_get_ns()))
		return;
	e = hp_event_reserve(what & 0xff);
	if (!e)
		return;
	e->reason = (__u16)(what >> 8);
	e->ifindex = 0;
	e->proto = key->proto;
	e->state = s->state;
	e->flags = s->flags & ~HP_SF_REPLY;
	e->rule_id = s->rule_id;
	if (s->flags & HP_SF_REPLY) {
		hp_tuple_reverse(&e->orig, &s->xlat);
		hp_tuple_reverse(&e->xlat, &key->tuple);
	} else {
		e->orig = key->tuple;
		e->xlat = s->xlat;
	}
	bpf_ringbuf_submit(e, 0);
}

static __noinline void hp_event_session_emit(struct hp_monitor *m, __u32 what,
					     const struct hp_session_key *key, const struct hp_session *s)
{
	hp_event_session_put(m, what, key, s);
}

/*
 * Where sessions are made (HP_EV_NEW), change state (HP_EV_UPDATE) and are
 * removed (HP_EV_DESTROY with enum hp_event_reason). @s must still be
 * readable: a removal is told just before it, or with a copy.
 */
static __always_inline void hp_event_session(__u8 type, __u8 reason, const struct hp_session_key *key,
					     const struct hp_session *s)
{
	struct hp_monitor *m = hp_monitor_get();

	if (HP_EVENTS_ON(m))
		hp_event_session_emit(m, HP_EV_WHAT(type, reason), key, s);
}

/*
 * hp_event_session() without a call: for the eviction walk, a bpf_loop
 * callback of xdp_ingress, where one more frame would pass the verifier's
 * 512 bytes for the whole chain.
 */
static __always_inline void hp_event_session_inline(__u8 type, __u8 reason, const struct hp_session_key *key,
						    const struct hp_session *s)
{
	struct hp_monitor *m = hp_monitor_get();

	if (HP_EVENTS_ON(m))
		hp_event_session_put(m, HP_EV_WHAT(type, reason), key, s);
}

#endif /* HP_BPF_EVENTS_H */
