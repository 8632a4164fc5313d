/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The config file: the whole wanted state, one statement a line in the
 * words of the command line, `#` comments (docs/hairpin-xdp.8, "CONFIG
 * FILE"):
 *
 *     attach IFACE... [attach options]
 *     forward PROTO EXT INT [forward add options]
 *     config [config options]
 *
 * Each statement is read with its command's own option table (cli.h), so a
 * word means the same here and on the command line. Errors name FILE:LINE.
 */
#ifndef HP_USER_CONF_H
#define HP_USER_CONF_H

#include <stddef.h>
#include <net/if.h>
#include "attach.h"
#include "config.h"
#include "rules.h"

#define HP_CONF_DEFAULT "/etc/hairpin-xdp/hairpin-xdp.conf"

struct conf_iface {
	char name[IFNAMSIZ];
	enum xdp_mode mode;
	int line;
};

struct conf_rule {
	struct hp_rule r;
	struct rule_opts opts; /* hairpin (also in r), allow list */
	int line;
};

struct conf {
	char path[256];
	struct conf_iface *ifaces;
	size_t n_ifaces;
	struct conf_rule *rules;
	size_t n_rules;
	/* The attach statements' --snat-ports, --max-sessions, --no-fast-path. */
	struct attach_opts load;
	/* Switches (config) and timeouts (config and attach), merged. */
	struct config_opts settings;
};

/* Read and check @path whole; nothing is looked up in the system. */
int conf_read(const char *path, struct conf *c);
void conf_free(struct conf *c);
/*
 * The hp_config @c asks for: the defaults, the attach statements' SNAT
 * ports and switches, the config statements' settings; @table_size is the
 * loaded instance's max_sessions (it cannot change without a reload).
 */
void conf_wanted_config(const struct conf *c, __u32 table_size, struct hp_config *cfg);

#endif /* HP_USER_CONF_H */
