// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * forward del: a rule is named exactly as `forward list` shows it, its
 * single port or its whole range. Part of a range is refused rather than
 * taken to mean the whole rule: deleting more than the user named would be
 * a surprise, and the error says what to type instead. Clearing the slot
 * and reconciling removes its entries first (no new session starts), then
 * its sessions and its allow list.
 */
#include <stdio.h>

#include "cli.h"
#include "cmd.h"
#include "fault.h"
#include "json.h"
#include "log.h"
#include "pins.h"
#include "reconcile.h"
#include "rules.h"

/* The rule @given names exactly; else one line saying why not. */
static const struct rule *find_rule(const struct rule_set *rules, const struct hp_rule *given,
				    const struct addr_table *addrs)
{
	char name[RULE_NAME_STRLEN], other[RULE_NAME_STRLEN];
	const struct rule *r = rules_find_ext(rules, given);
	__u16 port;

	if (r)
		return r;
	rule_name(name, sizeof(name), given);
	for (size_t i = 0; i < rules->n; i++) {
		const struct hp_rule *o = &rules->v[i].r;

		if (!rule_overlaps(given, o, addrs, &port))
			continue;
		rule_name(other, sizeof(other), o);
		errorf("forward %s does not exist; it %s forward %s (delete a forward by its whole "
		       "range)", name,
		       given->ext_port_first >= o->ext_port_first &&
		       given->ext_port_last <= o->ext_port_last ? "is part of" : "overlaps",
		       other);
		return NULL;
	}
	errorf("forward %s does not exist", name);
	return NULL;
}

static int del_run(void *opts, int argc, char **argv)
{
	struct hp_maps m = HP_MAPS_INIT;
	struct rule_set rules = { 0 };
	struct addr_table addrs = { 0 };
	struct reconcile_result res;
	char name[RULE_NAME_STRLEN];
	const struct rule *r;
	struct hp_rule given;
	int err = -1;
	__u32 id;

	if (rule_parse_ext(argv[0], argv[1], &given))
		return -1;
	if (pins_lock(false) || maps_open(&m) || reconcile_if_interrupted(&m) ||
	    rules_read(&m, &rules, false) || addrs_read(&addrs) ||
	    !(r = find_rule(&rules, &given, &addrs)))
		goto out;
	id = r->id;
	rule_name(name, sizeof(name), &r->r);
	if (reconcile_begin(&m) || rule_clear(&m, id) || fault("forward-del:slot") ||
	    reconcile(&m, &res))
		goto out;
	if (g_opts.json) {
		json_begin_object();
		json_kv_u64("rule_id", id);
		json_kv_u64("sessions_deleted", res.flows_flushed);
		json_kv_u64("allow_entries_deleted", res.allow_removed);
		json_end_object();
	} else {
		pr_info("forward %s deleted (%u session%s closed)", name, res.flows_flushed,
			res.flows_flushed == 1 ? "" : "s");
	}
	err = 0;
out:
	rules_free(&rules);
	addrs_free(&addrs);
	maps_close(&m);
	return err;
}

const struct command cmd_forward_del = {
	.name = "del",
	.args = "tcp|udp EXT:PORT[-LAST]",
	.summary = "delete a forward, its sessions and its allow list",
	.help = "Delete the forward with exactly this external side, as forward list shows\n"
		"it, with its sessions (so the ports are closed) and its allow list. Part of\n"
		"a range is refused: a forward is deleted whole.\n",
	.run = del_run,
	.min_args = 2,
	.max_args = 2,
};
