// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * forward add|del|list: the port-forward rules. add and del have their own
 * files (cmd_forward_add.c, cmd_forward_del.c); rules.c holds what they share
 * with list and stats.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"
#include "log.h"
#include "pins.h"
#include "rules.h"

static const char help_list[] =
	"Usage: hairpin-xdp forward list [--json]\n"
	"\n"
	"The forwards, one per rule with port ranges as ranges, with their hairpin\n"
	"mode, packets, bytes and sessions created, and the sources allowed (any,\n"
	"or the --allow prefixes; in JSON null or an array).\n";

static int forward_list(int argc, char **argv)
{
	struct hp_maps m = HP_MAPS_INIT;
	struct rule_set rules = { 0 };
	int err;

	err = cmd_getopt_noargs(argc, argv, help_list, NULL, NULL, NULL);
	if (err)
		return err == CMD_HELP ? 0 : -1;
	err = -1;
	if (maps_open_loaded(&m) || rules_collect(&m, &rules))
		goto out;
	rules_print(&rules);
	err = 0;
out:
	rules_free(&rules);
	maps_close(&m);
	return err;
}

static const struct cmd forward_cmds[] = {
	{ "add", cmd_forward_add, "add a forward: one port or a range" },
	{ "del", cmd_forward_del, "delete a forward, its sessions and its allow list" },
	{ "list", forward_list, "list the forwards and their counters" },
	{ NULL },
};

static const char help[] =
	"Usage: hairpin-xdp forward add tcp|udp EXT_IP:PORT[-LAST] INT_IP:PORT[-LAST]\n"
	"                               [--hairpin internal|external|off] [--allow PREFIX]...\n"
	"       hairpin-xdp forward del tcp|udp EXT_IP:PORT[-LAST]\n"
	"       hairpin-xdp forward list [--json]\n"
	"\n";

int cmd_forward(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		if (argc < 2)
			return usage_error(argv[0], "missing add, del or list");
		fputs(help, stdout);
		cmd_print_list(forward_cmds);
		return 0;
	}
	return cmd_dispatch("forward", forward_cmds, argc - 1, argv + 1);
}
