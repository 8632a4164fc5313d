/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Forward rules as the user sees them. In the maps a rule is one hp_forwards
 * entry per external port, all with the same rule_id and the same
 * ext_port_first/last, int_port_first/last, plus (with HP_FWF_ALLOWLIST) its
 * source prefixes in hp_allow under that rule_id. Here it is one row: its
 * first entry, its counters and its allow list.
 */
#ifndef HP_USER_RULES_H
#define HP_USER_RULES_H

#include <stdbool.h>
#include "hairpin/abi.h"
#include "parse.h"
#include "pins.h"

/* "tcp 203.0.113.4:8000-8010" */
#define RULE_NAME_STRLEN (sizeof("tcp ") + ADDR_PORTS_STRLEN)

struct rule_row {
	struct hp_forward_key key; /* ext_port: the rule's first port */
	struct hp_forward fwd;
	struct hp_rule_stats stats; /* summed over CPUs */
	const struct hp_allow_key *allow; /* its slice of rule_set.allow */
	size_t n_allow;
};

struct rule_set {
	struct rule_row *rows; /* ordered by rule id */
	int n;
	struct hp_allow_key *allow; /* ordered by rule id, then address */
	size_t n_allow;
};

/*
 * "tcp|udp" and "EXT_IP:PORT[-LAST]" into @key (ext_port: the first port)
 * and @fwd's ext_port_first/last; the rest of @fwd is left alone.
 */
int rule_parse_ext(const char *proto, const char *ext, struct hp_forward_key *key,
		   struct hp_forward *fwd);
/* "tcp 203.0.113.4:8000-8010": @key's protocol and address, @fwd's range. */
void rule_name(char *buf, size_t len, const struct hp_forward_key *key,
	       const struct hp_forward *fwd);
/* The hp_forwards key of external port @port of the rule @key names. */
struct hp_forward_key rule_port_key(const struct hp_forward_key *key, __u16 port);
/*
 * The first entry of hp_forwards (@fd) among the ports FIRST..LAST of
 * @key's address and protocol: true and the entry in *@found.
 */
bool rule_find(int fd, const struct hp_forward_key *key, __u16 first, __u16 last,
	       struct hp_forward *found);
/*
 * Delete rule @rule_id's entries for ports FIRST..LAST of @key's address
 * and protocol (entries of other rules are left alone). Returns how many.
 */
unsigned int rule_delete_ports(int fd, const struct hp_forward_key *key, __u16 first,
			       __u16 last, __u32 rule_id);
/* Delete the hp_allow entries of @rule_id, counted in *@deleted. */
int rule_delete_allow(int allow_fd, __u32 rule_id, unsigned int *deleted);
/* The hp_allow key of prefix @addr/@plen in @rule_id's list. */
struct hp_allow_key rule_allow_key(__u32 rule_id, __be32 addr, __u8 plen);

/* All rules, with counters and allow lists; free with rules_free(). */
int rules_collect(const struct hp_maps *m, struct rule_set *set);
void rules_free(struct rule_set *set);
/* A table, or a JSON array (the current JSON value) in JSON mode. */
void rules_print(const struct rule_set *set);

#endif /* HP_USER_RULES_H */
