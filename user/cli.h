/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Commands and their options as tables (the way xdp-tools' params tables
 * and bpftool's command table work): one table per command drives both the
 * option parsing and its --help text, and the config file parser reads its
 * statements with the same tables. The global options are one more table,
 * parsed in one place and accepted before or after the command.
 */
#ifndef HP_USER_CLI_H
#define HP_USER_CLI_H

#include <stdbool.h>
#include <stddef.h>

/*
 * One option of a command. @set stores its value in the command's options
 * struct (@opts); @arg is NULL for an option without a value. Returns 0,
 * or -1 after errorf().
 */
struct cli_opt {
	const char *name;    /* the long name, without "--" */
	const char *metavar; /* the value as help shows it; NULL: no value */
	const char *help;    /* lines of help; '\n' starts an indented line */
	int (*set)(void *opts, const char *arg);
	char short_name;     /* 0: none */
};

/* A table entry: CLI_OPT("name", "METAVAR" or NULL, "help", set_fn). */
#define CLI_OPT(n, mv, h, fn) { .name = (n), .metavar = (mv), .help = (h), .set = (fn) }
#define CLI_OPT_SHORT(c, n, mv, h, fn) \
	{ .name = (n), .metavar = (mv), .help = (h), .set = (fn), .short_name = (c) }

struct command {
	const char *name;
	const char *args;    /* positional arguments, as help shows them */
	const char *summary; /* one line, for the parent's list */
	const char *help;    /* what it does: paragraphs after the usage line */
	const struct cli_opt *opts; /* ends with a NULL name; NULL: none */
	size_t opts_size;    /* sizeof the command's options struct */
	void (*init)(void *opts); /* defaults; NULL: all zero */
	void (*fini)(void *opts); /* frees what @set allocated; may be NULL */
	/* Runs with the positional arguments; returns 0 or -1. */
	int (*run)(void *opts, int argc, char **argv);
	/* Instead of @run: its subcommands (forward add|del|list), NULL-ended. */
	const struct command *const *subcommands;
	/* Positional arguments: how many (max -1: any number). */
	int min_args, max_args;
};

/*
 * Run the command of @cmds (NULL-ended) that argv[0] names, exactly or as an
 * unambiguous prefix. @parent is the command path so far ("" at the top,
 * "forward" for its subcommands).
 */
int cli_dispatch(const char *parent, const struct command *const *cmds, int argc, char **argv);

/*
 * Parse the options of @cmd from argv (argv[0] is the command's name) into
 * @opts, which the caller has initialised. The global options are accepted
 * anywhere. Positional arguments are moved after the options; *@first gets
 * the index of the first. Returns 0, 1 after printing --help, or -1 after
 * errorf(). The config file reads its statements with this too.
 */
int cli_parse(const struct command *cmd, const char *path, int argc, char **argv,
	      void *opts, int *first);

/*
 * cli_parse() for a statement of the config file: the command's own
 * options only (a file must not move the pin root or switch on JSON),
 * and --help is refused.
 */
int cli_parse_statement(const struct command *cmd, const char *path, int argc, char **argv,
			void *opts, int *first);

/* The global options (-j, -v, --bpffs, -h) before the command: main(). */
int cli_parse_global(int argc, char **argv, int *first);
void cli_print_help(const char *path, const struct command *cmd);

/* "PATH: msg (see hairpin-xdp PATH --help)". Returns -1. */
int usage_error(const char *path, const char *msg);

/* The tool itself: the top-level commands (main.c). */
extern const struct command hp_top;

#endif /* HP_USER_CLI_H */
