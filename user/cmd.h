/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The commands, one file each (cmd_<name>.c); main.c lists them. */
#ifndef HP_USER_CMD_H
#define HP_USER_CMD_H

#include "cli.h"

extern const struct command cmd_attach;
extern const struct command cmd_detach;
extern const struct command cmd_forward;
/* forward's own subcommands (cmd_forward_<name>.c). */
extern const struct command cmd_forward_add;
extern const struct command cmd_forward_del;
extern const struct command cmd_forward_list;
extern const struct command cmd_sessions;
extern const struct command cmd_stats;
extern const struct command cmd_metrics;
extern const struct command cmd_config;
extern const struct command cmd_apply;
extern const struct command cmd_save;
extern const struct command cmd_import;
extern const struct command cmd_daemon;
extern const struct command cmd_monitor;
/* --version (cmd_version.c): this loader's and the loaded programs'. */
int version_print(void);

#endif /* HP_USER_CMD_H */
