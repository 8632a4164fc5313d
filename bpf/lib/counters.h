/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-CPU counters: one for every outcome in include/hairpin/counters.h and
 * packets/bytes/sessions per forward rule. Per-CPU, so a plain increment
 * needs no atomics; the loader sums over CPUs.
 */
#ifndef HP_BPF_COUNTERS_H
#define HP_BPF_COUNTERS_H

#include "lib/maps.h"

static __always_inline void hp_count(__u32 counter)
{
	__u64 *value = bpf_map_lookup_elem(&hp_stats, &counter);

	if (value)
		*value += 1;
}

static __always_inline void hp_count_rule(__u32 rule_id, __u32 bytes, bool new_session)
{
	struct hp_rule_stats *rs = bpf_map_lookup_elem(&hp_rule_stats, &rule_id);

	if (!rs)
		return;
	rs->packets++;
	rs->bytes += bytes;
	if (new_session)
		rs->sessions++;
}

#endif /* HP_BPF_COUNTERS_H */
