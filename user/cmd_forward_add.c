// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * forward add: write the rule into a free hp_rules slot (its allow list
 * first) and let reconcile() make its hp_forwards entries, one per external
 * address and port. All or nothing: every port is checked free first, and
 * a failure clears the slot and reconciles again.
 */
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"
#include "fault.h"
#include "json.h"
#include "log.h"
#include "pins.h"
#include "reconcile.h"
#include "rules.h"

static int set_allow(void *opts, const char *arg)
{
	struct rule_opts *o = opts;
	struct prefix p, *a;

	if (parse_prefix(arg, &p.addr, &p.len))
		return -1;
	for (size_t i = 0; i < o->n_allow; i++)
		if (o->allow[i].addr == p.addr && o->allow[i].len == p.len)
			return errorf("--allow %s given twice", arg);
	if (o->n_allow == HP_MAX_ALLOW_PREFIXES)
		return errorf("at most %u --allow prefixes", HP_MAX_ALLOW_PREFIXES);
	a = realloc(o->allow, (o->n_allow + 1) * sizeof(*a));
	if (!a)
		return errorf("out of memory");
	o->allow = a;
	o->allow[o->n_allow++] = p;
	return 0;
}

static int set_hairpin(void *opts, const char *arg)
{
	struct rule_opts *o = opts;

	return parse_hairpin_mode(arg, &o->hairpin);
}

static const struct cli_opt forward_add_options[] = {
	CLI_OPT("hairpin", "MODE", "NAT loopback (hairpin) for LAN clients that use EXT:\n"
		"internal: source is the router's address on the\n"
		"  shared link (default)\n"
		"external: source is the external address\n"
		"off: destination only: LAN clients of the same\n"
		"  link fail", set_hairpin),
	CLI_OPT("allow", "PREFIX", "only sources in PREFIX (IPV4/LEN, or IPV4 for one\n"
		"host, no host bits set) may use the forward;\n"
		"repeat it for more. Other sources pass untouched,\n"
		"as if there were no forward", set_allow),
	{ NULL },
};

static void add_init(void *opts)
{
	struct rule_opts *o = opts;

	o->hairpin = HP_HAIRPIN_INTERNAL;
}

static void add_fini(void *opts)
{
	struct rule_opts *o = opts;

	free(o->allow);
}

static void print_added(const struct hp_rule *r, __u32 id, const char *name)
{
	if (g_opts.json) {
		json_begin_object();
		json_kv_u64("rule_id", id);
		json_kv_u64("ports", r->ext_port_last - r->ext_port_first + 1);
		json_end_object();
	} else {
		pr_info("forward %s added (rule %u)", name, id);
	}
}

static int add_run(void *opts, int argc, char **argv)
{
	struct rule_opts *o = opts;
	struct hp_maps m = HP_MAPS_INIT;
	struct rule_set rules = { 0 };
	struct addr_table addrs = { 0 };
	char name[RULE_NAME_STRLEN];
	struct hp_rule r;
	bool written = false;
	int err = -1;
	__u32 id;

	if (rule_parse(argv[0], argv[1], argv[2], &r))
		return -1;
	r.hairpin = o->hairpin;
	rule_name(name, sizeof(name), &r);
	/* An interface must exist when named: a typo is an error, not a dead rule. */
	if ((r.flags & HP_RF_EXT_IFACE) && !if_nametoindex(r.ext_ifname))
		return errorf("%s: no such interface", r.ext_ifname);

	if (pins_lock(false) || maps_open(&m) || reconcile_if_interrupted(&m) ||
	    rules_read(&m, &rules, true) || addrs_read(&addrs) ||
	    rules_check_free(&rules, &r, NULL, &addrs) || rules_check_room(&rules, &r, &addrs) ||
	    rules_free_id(&rules, &id))
		goto out;
	/* A reused id must not show the counters of the rule that had it. */
	if (map_percpu_zero(m.rule_stats, id, 3) ||
	    rule_write_allow(&m, id, &r, NULL, o->allow, o->n_allow) ||
	    fault("forward-add:allow") || reconcile_begin(&m))
		goto out;
	written = true;
	if (rule_write_slot(&m, id, &r) || fault("forward-add:slot") || reconcile(&m, NULL))
		goto out;
	print_added(&r, id, name);
	err = 0;
out:
	if (err && written && !rule_clear(&m, id))
		reconcile(&m, NULL);
	rules_free(&rules);
	addrs_free(&addrs);
	maps_close(&m);
	return err;
}

const struct command cmd_forward_add = {
	.name = "add",
	.args = "tcp|udp EXT:PORT[-LAST] INT_IP:PORT[-LAST]",
	.summary = "add a forward: one port or a range",
	.help = "Forward EXT:PORT to INT_IP:PORT. EXT is an IPv4 address, or an interface\n"
		"whose IPv4 addresses are used as they are now and as they change (the\n"
		"daemon follows them). A range EXT:FIRST-LAST is forwarded port to port\n"
		"onto an internal range of the same length, or as a whole onto one\n"
		"internal port. No port of it may be forwarded already.\n",
	.opts = forward_add_options,
	.opts_size = sizeof(struct rule_opts),
	.init = add_init,
	.fini = add_fini,
	.run = add_run,
	.min_args = 3,
	.max_args = 3,
};
