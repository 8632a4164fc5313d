// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <string.h>
#include <bpf/bpf.h>

#include "log.h"
#include "stats.h"

const struct counter_info hp_counter_info[HP_COUNTER_MAX] = {
#define COUNTER(e, name, desc) [HP_##e] = { name, desc },
	HP_COUNTERS(COUNTER)
#undef COUNTER
};

int stats_read(const struct hp_maps *m, struct stats_snapshot *s)
{
	__u32 key = 0;

	memset(s, 0, sizeof(*s));
	for (__u32 i = 0; i < HP_COUNTER_MAX; i++)
		if (map_percpu_sum(m->stats, i, &s->counters[i], 1))
			return -1;
	if (bpf_map_lookup_elem(m->gc, &key, &s->gc))
		return errorf("cannot read hp_gc: %s", strerror(errno));
	return rules_read(m, &s->rules, true);
}

void stats_free(struct stats_snapshot *s)
{
	rules_free(&s->rules);
}
