// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hairpin/abi.h"
#include "cli.h"
#include "cmd.h"
#include "log.h"

#define PROG "hairpin-xdp"
/* Options of one command, and the global ones with it. */
#define MAX_OPTS 32

static int set_json(void *o, const char *arg)
{
	g_opts.json = true;
	return 0;
}

static int set_verbose(void *o, const char *arg)
{
	g_opts.verbose++;
	return 0;
}

static int set_bpffs(void *o, const char *arg)
{
	g_opts.bpffs = arg;
	return 0;
}

/* --version prints and ends the run, wherever it is given. */
static int set_version(void *o, const char *arg)
{
	int err = version_print();

	fflush(stdout);
	exit(err ? 1 : 0);
}

/* -h/--help is handled by the parser itself (its @set is never called). */
static const struct cli_opt global_opts[] = {
	CLI_OPT_SHORT('j', "json", NULL, "machine-readable output; errors as {\"error\": ...}", set_json),
	CLI_OPT_SHORT('v', "verbose", NULL, "debug messages, including libbpf's", set_verbose),
	CLI_OPT("bpffs", "DIR", "pin root (default " HP_PIN_ROOT_DEFAULT ",\nor $HAIRPIN_XDP_BPFFS)",
		set_bpffs),
	CLI_OPT("version", NULL, "this loader's version and the loaded programs'", set_version),
	CLI_OPT_SHORT('h', "help", NULL, "this help", NULL),
	{ NULL },
};

static size_t count_opts(const struct cli_opt *o)
{
	size_t n = 0;

	while (o && o[n].name)
		n++;
	return n;
}

/* ---- help ---- */

static void print_opt(const struct cli_opt *o)
{
	char left[64];
	const char *line = o->help, *nl;
	int n;

	if (o->short_name)
		n = snprintf(left, sizeof(left), "-%c, --%s", o->short_name, o->name);
	else
		n = snprintf(left, sizeof(left), "    --%s", o->name);
	if (o->metavar && n > 0 && (size_t)n < sizeof(left))
		snprintf(left + n, sizeof(left) - n, " %s", o->metavar);
	/* Each '\n' of the help continues it on an indented line. */
	for (bool first = true; line; first = false, line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		printf("  %-28s %.*s\n", first ? left : "", nl ? (int)(nl - line) : (int)strlen(line),
		       line);
	}
}

static void print_list(const struct command *const *cmds)
{
	for (; *cmds; cmds++)
		printf("  %-10s %s\n", (*cmds)->name, (*cmds)->summary);
}

void cli_print_help(const char *path, const struct command *cmd)
{
	const char *sep = *path ? " " : "";

	if (cmd->subcommands) {
		printf("Usage: " PROG "%s%s COMMAND [ARGS] [--help]\n\n", sep, path);
		if (cmd->help)
			printf("%s\n", cmd->help);
		printf("Commands (any unambiguous prefix works):\n");
		print_list(cmd->subcommands);
	} else {
		printf("Usage: " PROG "%s%s%s%s%s\n", sep, path, cmd->args ? " " : "",
		       cmd->args ? cmd->args : "", cmd->opts ? " [OPTIONS]" : "");
		if (cmd->help)
			printf("\n%s", cmd->help);
		if (cmd->opts) {
			printf("\nOptions:\n");
			for (const struct cli_opt *o = cmd->opts; o->name; o++)
				print_opt(o);
		}
	}
	if (!*path) {
		printf("\nOptions (also accepted after the command):\n");
		for (const struct cli_opt *o = global_opts; o->name; o++)
			print_opt(o);
	} else {
		printf("\nGlobal options -j/--json, -v/--verbose, --bpffs DIR: see " PROG
		       " --help.\n");
	}
}

int usage_error(const char *path, const char *msg)
{
	return errorf("%s: %s (see " PROG " %s --help)", path, msg, path);
}

/* ---- parsing ---- */

/*
 * getopt_long's table from @cmd's options and the global ones. The value
 * of each entry is its index in the combined list, offset past the short
 * option characters.
 */
#define OPT_BASE 0x100

static const struct cli_opt *opt_at(const struct cli_opt *cmd_opts, size_t n_cmd, int idx)
{
	return (size_t)idx < n_cmd ? &cmd_opts[idx] : &global_opts[idx - n_cmd];
}

static int parse(const struct command *cmd, const char *path, int argc, char **argv,
		 void *opts, int *first, bool globals)
{
	struct option longopts[MAX_OPTS + 1];
	const struct cli_opt *o;
	size_t n_cmd = count_opts(cmd->opts);
	size_t n_all = n_cmd + (globals ? count_opts(global_opts) : 0);
	char shorts[2 * MAX_OPTS + 2] = ":";
	size_t ns = 1;
	int opt;

	if (n_all > MAX_OPTS)
		return errorf("%s: too many options (internal)", path);
	for (size_t i = 0; i < n_all; i++) {
		o = opt_at(cmd->opts, n_cmd, i);
		longopts[i] = (struct option){ o->name, o->metavar ? required_argument : no_argument,
					       NULL, OPT_BASE + (int)i };
		if (o->short_name) {
			shorts[ns++] = o->short_name;
			if (o->metavar)
				shorts[ns++] = ':';
		}
	}
	memset(&longopts[n_all], 0, sizeof(longopts[n_all]));
	shorts[ns] = '\0';

	/* 0 re-initialises glibc's getopt: each parse starts afresh. */
	optind = 0;
	/* Leading ':' : report a missing value ourselves, in one line. */
	while ((opt = getopt_long(argc, argv, shorts, longopts, NULL)) != -1) {
		if (opt == '?')
			return errorf("%s: unknown option '%s' (see " PROG " %s --help)", path,
				      argv[optind - 1], path);
		if (opt == ':')
			return errorf("%s: option '%s' needs a value", path, argv[optind - 1]);
		if (opt < OPT_BASE) {
			/* A short option: find its entry. */
			size_t i;

			for (i = 0; i < n_all && opt_at(cmd->opts, n_cmd, i)->short_name != opt; i++)
				;
			opt = OPT_BASE + (int)i;
		}
		o = opt_at(cmd->opts, n_cmd, opt - OPT_BASE);
		if (!strcmp(o->name, "help")) {
			if (!globals)
				return errorf("%s: --help has no place here", path);
			cli_print_help(path, cmd);
			return 1;
		}
		if (o->set((size_t)(opt - OPT_BASE) < n_cmd ? opts : NULL, optarg))
			return -1;
	}
	*first = optind;
	return 0;
}

int cli_parse(const struct command *cmd, const char *path, int argc, char **argv,
	      void *opts, int *first)
{
	return parse(cmd, path, argc, argv, opts, first, true);
}

int cli_parse_statement(const struct command *cmd, const char *path, int argc, char **argv,
			void *opts, int *first)
{
	return parse(cmd, path, argc, argv, opts, first, false);
}

int cli_parse_global(int argc, char **argv, int *first)
{
	int i;

	/* Only up to the command name: what follows is the command's. */
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		const struct cli_opt *o;

		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			cli_print_help("", &hp_top);
			return 1;
		}
		for (o = global_opts; o->name; o++) {
			size_t len = strlen(o->name);
			bool is_short = o->short_name && a[1] == o->short_name && !a[2];
			bool is_long = a[1] == '-' && !strncmp(a + 2, o->name, len) &&
				       (!a[2 + len] || (o->metavar && a[2 + len] == '='));

			if (!is_short && !is_long)
				continue;
			if (!o->metavar) {
				o->set(NULL, NULL);
			} else if (is_long && a[2 + len] == '=') {
				o->set(NULL, a + 3 + len);
			} else if (i + 1 < argc) {
				o->set(NULL, argv[++i]);
			} else {
				return errorf("option '%s' needs a value", a);
			}
			break;
		}
		if (!o->name)
			return errorf("unknown option '%s' (see " PROG " --help)", a);
	}
	if (i >= argc)
		return errorf("missing command (see " PROG " --help)");
	*first = i;
	return 0;
}

static const struct command *find_command(const char *path, const struct command *const *cmds,
					  const char *name)
{
	const struct command *found = NULL;
	size_t len = strlen(name);
	int matches = 0;
	const char *sep = *path ? ": " : "";
	const char *see_sep = *path ? " " : "";

	for (; *cmds; cmds++) {
		if (!strcmp((*cmds)->name, name))
			return *cmds;
		if (len && !strncmp((*cmds)->name, name, len)) {
			found = *cmds;
			matches++;
		}
	}
	if (matches > 1)
		errorf("%s%s'%s' is ambiguous (see " PROG "%s%s --help)", path, sep, name,
		       see_sep, path);
	else if (!found)
		errorf("%s%sunknown command '%s' (see " PROG "%s%s --help)", path, sep, name,
		       see_sep, path);
	return matches == 1 ? found : NULL;
}

static int run_command(const struct command *cmd, const char *path, int argc, char **argv)
{
	void *opts = NULL;
	int first = 0, n, err = -1;

	if (cmd->opts_size && !(opts = calloc(1, cmd->opts_size)))
		return errorf("out of memory");
	if (cmd->init)
		cmd->init(opts);
	err = cli_parse(cmd, path, argc, argv, opts, &first);
	if (err) {
		err = err > 0 ? 0 : -1;
		goto out;
	}
	n = argc - first;
	if (n < cmd->min_args || (cmd->max_args >= 0 && n > cmd->max_args)) {
		char msg[128];

		if (cmd->max_args)
			snprintf(msg, sizeof(msg), "expected %s", cmd->args);
		err = usage_error(path, cmd->max_args ? msg : "takes no arguments");
		goto out;
	}
	err = cmd->run(opts, n, argv + first);
out:
	if (cmd->fini)
		cmd->fini(opts);
	free(opts);
	return err;
}

int cli_dispatch(const char *parent, const struct command *const *cmds, int argc, char **argv)
{
	const struct command *cmd = find_command(parent, cmds, argv[0]);
	char path[64];

	if (!cmd)
		return -1;
	/* Messages name the command in full ("forward add", not "f a"). */
	snprintf(path, sizeof(path), "%s%s%s", parent, *parent ? " " : "", cmd->name);
	if (!cmd->subcommands)
		return run_command(cmd, path, argc, argv);
	if (argc < 2)
		return usage_error(path, "missing command");
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		cli_print_help(path, cmd);
		return 0;
	}
	return cli_dispatch(path, cmd->subcommands, argc - 1, argv + 1);
}
