// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "log.h"

#define OPT_BPFFS 0x100

static const struct option global_longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "json", no_argument, NULL, 'j' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "bpffs", required_argument, NULL, OPT_BPFFS },
};
#define N_GLOBAL (sizeof(global_longopts) / sizeof(global_longopts[0]))
#define MAX_CMD_OPTS 16

int cmd_dispatch(const char *what, const struct cmd *cmds, int argc, char **argv)
{
	const struct cmd *found = NULL;
	size_t len = strlen(argv[0]);
	int matches = 0;
	char see[64];
	bool top;

	for (const struct cmd *c = cmds; c->name; c++) {
		if (!strcmp(c->name, argv[0])) {
			found = c;
			matches = 1;
			break;
		}
		if (len && !strncmp(c->name, argv[0], len)) {
			found = c;
			matches++;
		}
	}
	/* errorf() already says "hairpin-xdp:"; a subcommand table adds its name. */
	top = !strcmp(what, "hairpin-xdp");
	snprintf(see, sizeof(see), top ? "%s" : "hairpin-xdp %s", what);
	if (matches > 1)
		return errorf("%s%s'%s' is ambiguous (see %s --help)", top ? "" : what,
			      top ? "" : ": ", argv[0], see);
	if (!found)
		return errorf("%s%sunknown command '%s' (see %s --help)", top ? "" : what,
			      top ? "" : ": ", argv[0], see);
	/*
	 * Messages name the command in full ("forward add", not the "f a"
	 * the user may have typed); only one level of nesting exists.
	 */
	if (!top) {
		static char full[64];

		snprintf(full, sizeof(full), "%s %s", what, found->name);
		argv[0] = full;
	} else {
		argv[0] = (char *)found->name;
	}
	return found->fn(argc, argv);
}

void cmd_print_list(const struct cmd *cmds)
{
	for (const struct cmd *c = cmds; c->name; c++)
		printf("  %-10s %s\n", c->name, c->summary);
}

int usage_error(const char *cmd, const char *msg)
{
	return errorf("%s: %s (see hairpin-xdp %s --help)", cmd, msg, cmd);
}

/* The global options are accepted by every command, before or after it. */
static int global_opt(int opt, const char *arg)
{
	switch (opt) {
	case 'j':
		g_opts.json = true;
		return 0;
	case 'v':
		g_opts.verbose++;
		return 0;
	case OPT_BPFFS:
		g_opts.bpffs = arg;
		return 0;
	}
	return 1;
}

int cmd_getopt(int argc, char **argv, const char *help,
	       const struct option *longopts, opt_handler_t handler, void *ctx)
{
	struct option all[N_GLOBAL + MAX_CMD_OPTS + 1];
	size_t n = 0;
	int opt;

	memcpy(all, global_longopts, sizeof(global_longopts));
	n = N_GLOBAL;
	for (; longopts && longopts->name && n < N_GLOBAL + MAX_CMD_OPTS; longopts++)
		all[n++] = *longopts;
	memset(&all[n], 0, sizeof(all[n]));

	/* 0 re-initialises glibc's getopt: each command parses afresh. */
	optind = 0;
	/* Leading ':' : report a missing value ourselves, in one line. */
	while ((opt = getopt_long(argc, argv, ":hjv", all, NULL)) != -1) {
		if (opt == 'h') {
			fputs(help, stdout);
			return CMD_HELP;
		}
		if (opt == '?')
			return errorf("%s: unknown option '%s' (see hairpin-xdp %s --help)",
				      argv[0], argv[optind - 1], argv[0]);
		if (opt == ':')
			return errorf("%s: option '%s' needs a value", argv[0],
				      argv[optind - 1]);
		if (!global_opt(opt, optarg))
			continue;
		if (!handler || handler(opt, optarg, ctx))
			return -1;
	}
	return optind;
}

int cmd_getopt_noargs(int argc, char **argv, const char *help,
		      const struct option *longopts, opt_handler_t handler, void *ctx)
{
	int idx = cmd_getopt(argc, argv, help, longopts, handler, ctx);

	if (idx < 0)
		return idx;
	if (idx < argc)
		return usage_error(argv[0], "takes no arguments");
	return 0;
}
