// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * stats: every counter of hp_stats (names and descriptions from the
 * HP_COUNTERS list, the same one the BPF side counts with), the per-rule
 * counters and the expiry sweeper's.
 */
#include <stdio.h>

#include "cli.h"
#include "cmd.h"
#include "events.h"
#include "json.h"
#include "log.h"
#include "maps.h"
#include "rules.h"
#include "stats.h"

/* What the monitor did not get (hp_event_cpu); nothing from older programs. */
struct event_counts {
	bool have;
	__u64 lost, capped;
};

static void print_events(const struct event_counts *ev)
{
	if (!ev->have)
		return;
	if (g_opts.json) {
		json_key("events");
		json_begin_object();
		json_kv_u64("lost", ev->lost);
		json_kv_u64("capped", ev->capped);
		json_end_object();
		return;
	}
	printf("events: %llu lost (ring buffer full), %llu drop events over the rate cap\n",
	       (unsigned long long)ev->lost, (unsigned long long)ev->capped);
}

static int read_events(struct event_counts *ev)
{
	struct event_maps em;
	bool missing;
	int err;

	ev->have = false;
	if (event_maps_open(&em, &missing))
		return -1;
	if (missing)
		return 0;
	err = event_losses(&em, &ev->lost, &ev->capped);
	event_maps_close(&em);
	ev->have = !err;
	return err;
}

static void print_stats(const struct stats_snapshot *st, const struct addr_table *addrs,
			const struct event_counts *ev)
{
	const struct counter_info *counters = hp_counter_info;
	const __u64 *values = st->counters;
	const struct rule_set *rules = &st->rules;
	const struct hp_gc *gc = &st->gc;

	if (g_opts.json) {
		json_begin_object();
		json_key("counters");
		json_begin_object();
		for (int i = 0; i < HP_COUNTER_MAX; i++)
			json_kv_u64(counters[i].name, values[i]);
		json_end_object();
		json_key("rules");
		rules_print(rules, addrs);
		json_key("gc");
		json_begin_object();
		json_kv_u64("runs", gc->runs);
		json_kv_u64("deleted", gc->deleted);
		json_kv_u64("last_sweep_ns", gc->last_sweep_ns);
		json_kv_u64("last_visited", gc->last_visited);
		json_end_object();
		print_events(ev);
		json_end_object();
		return;
	}
	printf("%-22s %14s  %s\n", "COUNTER", "PACKETS", "MEANING");
	for (int i = 0; i < HP_COUNTER_MAX; i++)
		printf("%-22s %14llu  %s\n", counters[i].name,
		       (unsigned long long)values[i], counters[i].desc);
	printf("\n");
	rules_print(rules, addrs);
	printf("\ngc: %llu runs, %llu sessions removed\n",
	       (unsigned long long)gc->runs, (unsigned long long)gc->deleted);
	printf("gc: last sweep %llu us over %llu entries\n",
	       (unsigned long long)(gc->last_sweep_ns / 1000),
	       (unsigned long long)gc->last_visited);
	print_events(ev);
}

static int stats_run(void *opts, int argc, char **argv)
{
	struct hp_maps m = HP_MAPS_INIT;
	struct stats_snapshot st;
	struct addr_table addrs = { 0 };
	struct event_counts ev;
	int err = -1;

	if (maps_open_loaded(&m))
		goto out;
	if (stats_read(&m, &st))
		goto out;
	if (!read_events(&ev) && !addrs_read(&addrs)) {
		print_stats(&st, &addrs, &ev);
		err = 0;
	}
	stats_free(&st);
out:
	addrs_free(&addrs);
	maps_close(&m);
	return err;
}

const struct command cmd_stats = {
	.name = "stats",
	.summary = "counters: per drop/pass reason and per rule",
	.help = "Packet counters by outcome (summed over CPUs), per forward rule, and the\n"
		"expiry sweeper's runs and deletions.\n",
	.run = stats_run,
};
