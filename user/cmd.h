/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The subcommands, one file each (cmd_<name>.c); main.c holds the table. */
#ifndef HP_USER_CMD_H
#define HP_USER_CMD_H

int cmd_attach(int argc, char **argv);
int cmd_detach(int argc, char **argv);
int cmd_forward(int argc, char **argv);
/* forward's own subcommands (cmd_forward_<name>.c). */
int cmd_forward_add(int argc, char **argv);
int cmd_forward_del(int argc, char **argv);
int cmd_sessions(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_config(int argc, char **argv);

#endif /* HP_USER_CMD_H */
