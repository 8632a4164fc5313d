// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * hairpin-xdp: load, attach and manage the hairpin NAT dataplane. The global
 * options come before or after the command; each command parses its own.
 */
#include <stdio.h>
#include <string.h>

#include "hairpin/abi.h"
#include "cli.h"
#include "cmd.h"
#include "log.h"

static const struct cmd commands[] = {
	{ "attach", cmd_attach, "load if needed; attach XDP ingress + TC egress to interfaces" },
	{ "detach", cmd_detach, "detach from interfaces, or everywhere with --all" },
	{ "forward", cmd_forward, "add, delete and list port forwards" },
	{ "sessions", cmd_sessions, "list the live NAT sessions, like conntrack -L" },
	{ "stats", cmd_stats, "counters: per drop/pass reason and per rule" },
	{ "config", cmd_config, "show or change the runtime configuration" },
	{ NULL },
};

static const char help[] =
	"Usage: hairpin-xdp [OPTIONS] COMMAND [ARGS] [--help]\n"
	"\n"
	"Port forwarding with NAT loopback (hairpin NAT) in XDP and TC egress.\n"
	"\n"
	"Commands (any unambiguous prefix works):\n";

static const char help_opts[] =
	"\n"
	"Options (also accepted after the command):\n"
	"  -j, --json       machine-readable output; errors as {\"error\": ...}\n"
	"  -v, --verbose    debug messages, including libbpf's\n"
	"      --bpffs DIR  pin root (default " HP_PIN_ROOT_DEFAULT
	", or $HAIRPIN_XDP_BPFFS)\n"
	"  -h, --help       this help; COMMAND --help for a command's\n";

static void print_help(void)
{
	fputs(help, stdout);
	cmd_print_list(commands);
	fputs(help_opts, stdout);
}

int main(int argc, char **argv)
{
	int first, err;

	log_setup_libbpf();

	/*
	 * Global options before the command. '+' stops at the command name so
	 * that its own options are left to it.
	 */
	for (first = 1; first < argc && argv[first][0] == '-'; first++) {
		const char *a = argv[first];

		if (!strcmp(a, "-j") || !strcmp(a, "--json")) {
			g_opts.json = true;
		} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			g_opts.verbose++;
		} else if (!strcmp(a, "--bpffs") && first + 1 < argc) {
			g_opts.bpffs = argv[++first];
		} else if (!strncmp(a, "--bpffs=", 8)) {
			g_opts.bpffs = a + 8;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			print_help();
			return 0;
		} else {
			errorf("unknown option '%s' (see hairpin-xdp --help)", a);
			return 2;
		}
	}
	if (first >= argc) {
		errorf("missing command (see hairpin-xdp --help)");
		return 2;
	}

	err = cmd_dispatch("hairpin-xdp", commands, argc - first, argv + first);
	if (err < 0 && !error_reported())
		errorf("failed");
	fflush(stdout);
	return err < 0 ? 1 : 0;
}
