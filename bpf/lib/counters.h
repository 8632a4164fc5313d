/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-CPU counters: one for every outcome in include/hairpin/counters.h and
 * packets/bytes/sessions per forward rule. Per-CPU, so a plain increment
 * needs no atomics; the loader sums over CPUs. Every drop is counted here,
 * so this is also where drops become events for the monitor (lib/events.h).
 */
#ifndef HP_BPF_COUNTERS_H
#define HP_BPF_COUNTERS_H

#include "lib/maps.h"
#include "lib/events.h"

/* The reasons XDP drops for (keep the DROP_* lines of the list together). */
static __always_inline bool hp_counter_is_xdp_drop(__u32 counter)
{
	return counter >= HP_DROP_TABLE_FULL && counter <= HP_DROP_ICMP_BAD_CSUM;
}

static __always_inline bool hp_counter_is_drop(__u32 counter)
{
	return hp_counter_is_xdp_drop(counter) || counter == HP_TC_DROP_REWRITE;
}

/* Count an outcome; a drop is an event too. Constant counters fold the test. */
static __always_inline void hp_count(__u32 counter)
{
	__u64 *value = bpf_map_lookup_elem(&hp_stats, &counter);

	if (value)
		*value += 1;
	if (hp_counter_is_drop(counter))
		hp_event_drop(counter);
}

/* A packet of a session of rule @rule_id (per-rule counters, hp_rule_stats). */
static __always_inline void hp_count_rule(__u32 rule_id, __u32 bytes)
{
	struct hp_rule_stats *rs = bpf_map_lookup_elem(&hp_rule_stats, &rule_id);

	if (!rs)
		return;
	rs->packets++;
	rs->bytes += bytes;
}

/* A new session of rule @rule_id (its packets are counted as they go on). */
static __always_inline void hp_count_rule_session(__u32 rule_id)
{
	struct hp_rule_stats *rs = bpf_map_lookup_elem(&hp_rule_stats, &rule_id);

	if (rs)
		rs->sessions++;
}

#endif /* HP_BPF_COUNTERS_H */
