/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The runtime configuration (hp_config) as the user names it: defaults,
 * the idle timeouts by name, the on/off switches.
 */
#ifndef HP_USER_CONFIG_H
#define HP_USER_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include "hairpin/abi.h"

/* The idle timeouts of struct hp_config by their command line names. */
struct timeout_name {
	const char *name;	/* tcp-established, ... */
	size_t offset;		/* of its __u32 in struct hp_config */
};
extern const struct timeout_name timeout_names[];
extern const size_t timeout_names_count;

static inline __u32 *config_timeout(struct hp_config *cfg,
				    const struct timeout_name *t)
{
	return (__u32 *)((char *)cfg + t->offset);
}

static inline __u32 config_timeout_val(const struct hp_config *cfg,
				       const struct timeout_name *t)
{
	return *(const __u32 *)((const char *)cfg + t->offset);
}

/* "NAME=SECONDS": sets that timeout in @cfg. */
int parse_timeout(const char *s, struct hp_config *cfg);
/* Copy the timeouts set (non-zero) in @given into @cfg. */
void config_merge_timeouts(struct hp_config *cfg, const struct hp_config *given);
/* The defaults from abi.h (DESIGN.md and the NAT RFCs). */
void config_defaults(struct hp_config *cfg);


/* The on/off switches of hp_config: each "off" sets a flag. */
struct config_switch {
	const char *name; /* option and printed name: fast-path */
	const char *json; /* JSON key: fast_path */
	__u32 off_flag;	  /* enum hp_config_flags */
};
extern const struct config_switch config_switches[];
extern const size_t config_switches_count;

/* What the config command (and the config file's statement) was given. */
struct config_opts {
	__u32 flags_set;	/* switches given */
	__u32 flags_off;	/* ...and turned off */
	struct hp_config given; /* timeouts set: non-zero */
	bool changed;
};

/* @cfg with the switches and timeouts of @o. */
void config_apply_opts(struct hp_config *cfg, const struct config_opts *o);

#endif /* HP_USER_CONFIG_H */
