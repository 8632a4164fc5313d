// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * hairpin-xdp: load, attach and manage the hairpin NAT dataplane. The
 * commands are tables (cli.h), one file each (cmd_<name>.c).
 */
#include <stdio.h>

#include "cli.h"
#include "cmd.h"
#include "log.h"

static const struct command *const commands[] = {
	&cmd_attach,
	&cmd_detach,
	&cmd_forward,
	&cmd_sessions,
	&cmd_stats,
	&cmd_metrics,
	&cmd_config,
	&cmd_apply,
	&cmd_save,
	&cmd_import,
	&cmd_daemon,
	&cmd_monitor,
	NULL,
};

const struct command hp_top = {
	.name = "",
	.help = "Port forwarding with NAT loopback (hairpin NAT) in XDP and TC egress.\n",
	.subcommands = commands,
};

int main(int argc, char **argv)
{
	int first, err;

	log_setup();
	err = cli_parse_global(argc, argv, &first);
	if (err)
		return err > 0 ? 0 : 2;
	err = cli_dispatch("", commands, argc - first, argv + first);
	if (err < 0 && !error_reported())
		errorf("failed");
	fflush(stdout);
	return err < 0 ? 1 : 0;
}
