/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Command tables and option parsing shared by all subcommands (bpftool and
 * xdp-tools style): a table of names with prefix matching, and one getopt
 * loop that also accepts the global options anywhere on the line.
 */
#ifndef HP_USER_CLI_H
#define HP_USER_CLI_H

#include <getopt.h>

struct cmd {
	const char *name;
	/* argv[0] is the command's own name, as for main(). */
	int (*fn)(int argc, char **argv);
	const char *summary;	/* one line, for the parent's help */
};

/* Returned by a command that printed its --help: exit 0, do nothing. */
#define CMD_HELP (-2)

/*
 * Run the entry of @cmds (terminated by a NULL name) that argv[0] names
 * exactly or as an unambiguous prefix. @what is the parent's name for
 * messages ("hairpin-xdp", "forward").
 */
int cmd_dispatch(const char *what, const struct cmd *cmds, int argc, char **argv);
void cmd_print_list(const struct cmd *cmds);

/*
 * Called for each command-specific option: 0 to go on, -1 after errorf().
 * @arg is NULL for options without a value.
 */
typedef int (*opt_handler_t)(int opt, const char *arg, void *ctx);

/*
 * Parse argv with the command's @longopts (terminated by a zero entry; may
 * be NULL) plus -h/--help, -j/--json, -v/--verbose and --bpffs. Returns the
 * index of the first positional argument, CMD_HELP after printing @help, or
 * -1 after an error line. Positional arguments are moved after the options.
 */
int cmd_getopt(int argc, char **argv, const char *help,
	       const struct option *longopts, opt_handler_t handler, void *ctx);

/*
 * cmd_getopt() for commands that take options but no positional argument:
 * 0 to go on, CMD_HELP or -1 as cmd_getopt().
 */
int cmd_getopt_noargs(int argc, char **argv, const char *help,
		      const struct option *longopts, opt_handler_t handler, void *ctx);

/* "NAME: missing ..." style usage error with a pointer to --help. */
int usage_error(const char *cmd, const char *msg);

#endif /* HP_USER_CLI_H */
