// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * forward add|del|list: the port-forward rules. add and del have their own
 * files (cmd_forward_add.c, cmd_forward_del.c); rules.c holds what they share
 * with list and stats.
 */
#include "cli.h"
#include "cmd.h"
#include "log.h"
#include "pins.h"
#include "reconcile.h"
#include "rules.h"

static int list_run(void *opts, int argc, char **argv)
{
	struct hp_maps m = HP_MAPS_INIT;
	struct rule_set rules = { 0 };
	struct addr_table addrs = { 0 };
	int err = -1;

	if (maps_open_loaded(&m) || rules_read(&m, &rules, true) || addrs_read(&addrs))
		goto out;
	reconcile_report(&m);
	rules_print(&rules, &addrs);
	err = 0;
out:
	rules_free(&rules);
	addrs_free(&addrs);
	maps_close(&m);
	return err;
}

const struct command cmd_forward_list = {
	.name = "list",
	.summary = "list the forwards and their counters",
	.help = "The forwards, one per rule with port ranges as ranges, with their hairpin\n"
		"mode, packets, bytes and sessions created, and the sources allowed (any,\n"
		"or the --allow prefixes; in JSON null or an array). A forward that has no\n"
		"entry now says why: its interface has no IPv4 address, or its ports are\n"
		"another forward's at that address.\n",
	.run = list_run,
};

static const struct command *const forward_cmds[] = {
	&cmd_forward_add,
	&cmd_forward_del,
	&cmd_forward_list,
	NULL,
};

const struct command cmd_forward = {
	.name = "forward",
	.summary = "add, delete and list port forwards",
	.help = "Port forwards: an external address and port (or range) to an internal one.\n",
	.subcommands = forward_cmds,
};
