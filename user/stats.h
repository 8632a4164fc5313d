/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The counters as one read: every hp_stats counter summed over CPUs, the
 * rules with their counters, and the expiry sweeper's. `stats` prints it,
 * `metrics` exposes it; both name the counters from the one HP_COUNTERS
 * list (include/hairpin/counters.h) that the BPF side counts with.
 */
#ifndef HP_USER_STATS_H
#define HP_USER_STATS_H

#include "hairpin/abi.h"
#include "hairpin/counters.h"
#include "maps.h"
#include "rules.h"

struct counter_info {
	const char *name; /* as `stats` prints it: "drop_table_full" */
	const char *desc;
};

/* By enum hp_counter. */
extern const struct counter_info hp_counter_info[HP_COUNTER_MAX];

struct stats_snapshot {
	__u64 counters[HP_COUNTER_MAX]; /* summed over CPUs */
	struct rule_set rules;		/* with their counters */
	struct hp_gc gc;
};

/* Read it all; -1 after errorf(), nothing to free then. */
int stats_read(const struct hp_maps *m, struct stats_snapshot *s);
void stats_free(struct stats_snapshot *s);

#endif /* HP_USER_STATS_H */
