/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The expiry sweeper. Lookups already treat dead sessions as absent; the
 * sweeper frees their entries so that the table does not fill with them. A
 * bpf_timer in hp_gc fires every HP_GC_INTERVAL_SEC, walks hp_sessions and
 * hp_egress with bpf_for_each_map_elem() (which allows deleting the element
 * it visits in a hash map) and re-arms itself. The loader starts it (and
 * an upgrade takes it over) with the gc_start program.
 */
#ifndef HP_BPF_GC_H
#define HP_BPF_GC_H

#include "lib/nat.h"
#include "lib/counters.h"

#define HP_CLOCK_MONOTONIC 1

/*
 * BPF workqueues (kfuncs, kernel >= 6.10). Weak: on an older kernel they
 * resolve to NULL and the timer's own callback sweeps (in softirq).
 */
extern int bpf_wq_init(struct bpf_wq *wq, void *p__map, unsigned int flags) __weak __ksym;
extern int bpf_wq_start(struct bpf_wq *wq, unsigned int flags) __weak __ksym;
extern int bpf_wq_set_callback_impl(struct bpf_wq *wq, int (callback_fn)(void *map, int *key, void *value),
				    unsigned int flags__k, void *aux__ign) __weak __ksym;

struct bpf_map;

struct hp_gc_walk {
	__u64 now;
	__u64 deleted;
	__u64 visited;
	struct hp_config cfg;
};

static long hp_gc_session(struct bpf_map *map, struct hp_session_key *key, struct hp_session *s,
			  struct hp_gc_walk *walk)
{
	struct hp_session_key k = *key;
	struct hp_session gone;

	walk->visited++;
	if (!hp_session_dead(&walk->cfg, &k, s, walk->now))
		return 0;
	gone = *s;
	if (hp_session_remove(&k, s) == 0) {
		walk->deleted++;
		hp_count(HP_SESSION_EXPIRED);
		hp_event_session(HP_EV_DESTROY, HP_EVR_EXPIRED, &k, &gone);
	}
	return 0;
}

/* An egress entry whose session is gone (a race with removal) goes too. */
static long hp_gc_egress(struct bpf_map *map, struct hp_session_key *key, struct hp_session *e,
			 struct hp_gc_walk *walk)
{
	struct hp_session_key k = *key, owner;

	walk->visited++;
	hp_peer_key(&owner, &k, e);
	if (!bpf_map_lookup_elem(&hp_sessions, &owner))
		bpf_map_delete_elem(&hp_egress, &k);
	return 0;
}

/* The sweep, as work queued by the timer (process context). */
static int hp_gc_sweep(void *map, int *key, void *value)
{
	struct hp_gc *gc = value;
	const struct hp_config *cfg = hp_config_get();
	/*
	 * The precise clock: the coarse one of hp_now() is not offered to this
	 * (syscall) program. It runs ahead of the coarse one by less than a
	 * tick, nothing against timeouts of seconds.
	 */
	struct hp_gc_walk walk = { .now = bpf_ktime_get_ns() };
	__u64 start = bpf_ktime_get_ns();

	if (cfg) {
		walk.cfg = *cfg;
		bpf_for_each_map_elem(&hp_sessions, hp_gc_session, &walk, 0);
		bpf_for_each_map_elem(&hp_egress, hp_gc_egress, &walk, 0);
	}
	gc->runs++;
	gc->deleted += walk.deleted;
	/* A whole-table walk in softirq: its cost is shown by `stats`. */
	gc->last_sweep_ns = bpf_ktime_get_ns() - start;
	gc->last_visited = walk.visited;
	return 0;
}

/* The timer: queue the sweep, come back in HP_GC_INTERVAL_SEC. */
static int hp_gc_tick(void *map, __u32 *key, struct hp_gc *gc)
{
	if (bpf_wq_start)
		bpf_wq_start(&gc->work, 0);
	else
		hp_gc_sweep(map, (int *)key, gc);
	bpf_timer_start(&gc->timer, HP_GC_INTERVAL_SEC * HP_NSEC_PER_SEC, 0);
	return 0;
}

/*
 * Start the sweeper, or take it over: the gc_start program (SEC("syscall"),
 * sleepable, which bpf_wq_set_callback needs; kernels from 6.18.y on refuse
 * it in XDP and TC programs) is run once by the loader after every load.
 * The timer and the work then run this program's callbacks and hold it
 * loaded; after an upgrade the new build's run moves them to its own.
 */
static __always_inline int hp_gc_start(void)
{
	__u32 zero = 0;
	struct hp_gc *gc = bpf_map_lookup_elem(&hp_gc, &zero);
	long err;

	if (!gc)
		return 1;
	err = bpf_timer_init(&gc->timer, &hp_gc, HP_CLOCK_MONOTONIC);
	if (err && err != -EBUSY)
		return 2;
	if (bpf_wq_init) {
		err = bpf_wq_init(&gc->work, &hp_gc, 0);
		if (err && err != -EBUSY)
			return 3;
		if (bpf_wq_set_callback_impl(&gc->work, hp_gc_sweep, 0, NULL))
			return 4;
	}
	if (bpf_timer_set_callback(&gc->timer, hp_gc_tick))
		return 5;
	gc->armed = 1;
	if (bpf_timer_start(&gc->timer, HP_GC_INTERVAL_SEC * HP_NSEC_PER_SEC, 0))
		return 6;
	return 0;
}

#endif /* HP_BPF_GC_H */
