/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Forward rules as the user sees them: a slot of hp_rules (abi.h) with its
 * allow list, counters and whether it is live now. Commands change rules
 * here and then let reconcile.c bring the datapath's hp_forwards in line.
 */
#ifndef HP_USER_RULES_H
#define HP_USER_RULES_H

#include <stdbool.h>
#include "hairpin/abi.h"
#include "addrs.h"
#include "maps.h"
#include "parse.h"

/* "tcp wan0:8000-8010", "udp 203.0.113.4:53" */
#define RULE_EXT_STRLEN (IFNAMSIZ + sizeof(":65535-65535"))
#define RULE_NAME_STRLEN (sizeof("tcp ") + RULE_EXT_STRLEN)

struct prefix {
	__be32 addr;
	__u8 len;
};

struct rule {
	__u32 id;
	struct hp_rule r;
	struct prefix *allow; /* its live allow list (HP_RF_ALLOWLIST) */
	size_t n_allow;
	struct hp_rule_stats stats; /* summed over CPUs */
	unsigned int entries;	    /* its hp_forwards entries now */
};

/* A rule's options (forward add, the config file's forward statement). */
struct rule_opts {
	__u8 hairpin; /* enum hp_hairpin_mode */
	struct prefix *allow;
	size_t n_allow;
};

struct rule_set {
	struct rule *v; /* the used slots, in id order */
	size_t n;
};

/* The words of a rule: "tcp|udp", "ADDR|IFACE:PORT[-LAST]", "ADDR:PORT[-LAST]". */
int rule_parse(const char *proto, const char *ext, const char *internal, struct hp_rule *r);
/* Only the protocol and the external side (forward del). */
int rule_parse_ext(const char *proto, const char *ext, struct hp_rule *r);
void rule_format_ext(char *buf, size_t len, const struct hp_rule *r);
void rule_format_int(char *buf, size_t len, const struct hp_rule *r);
/* "tcp wan0:8000-8010": how messages name a rule. */
void rule_name(char *buf, size_t len, const struct hp_rule *r);
/* Same protocol and external side, ports included. */
bool rule_same_ext(const struct hp_rule *a, const struct hp_rule *b);
/* Same in everything a session depends on: external and internal side. */
bool rule_same_target(const struct hp_rule *a, const struct hp_rule *b);
/*
 * Do @a and @b claim a common external address and port, with the
 * addresses the interfaces have now? The first common port in *@port.
 */
bool rule_overlaps(const struct hp_rule *a, const struct hp_rule *b,
		   const struct addr_table *addrs, __u16 *port);
/* The external addresses of @r now: its literal one, or its interface's. */
size_t rule_ext_addrs(const struct hp_rule *r, const struct addr_table *addrs,
		      __be32 *out, size_t max);
bool prefix_list_has(const struct prefix *p, size_t n, __be32 addr);

/* Is @allow (@n prefixes, no duplicates) the list @old has now? */
bool rule_same_allow(const struct rule *old, const struct prefix *allow, size_t n);

/* Every used rule with its allow list; counters and entries with @details. */
int rules_read(const struct hp_maps *m, struct rule_set *set, bool details);
void rules_free(struct rule_set *set);
const struct rule *rules_find_ext(const struct rule_set *set, const struct hp_rule *r);
/*
 * @r (named @name in messages) claims no external port of a rule in @set
 * other than @except (NULL: none): else one line naming the rule that has it.
 */
int rules_check_free(const struct rule_set *set, const struct hp_rule *r, const struct rule *except,
		     const struct addr_table *addrs);
/*
 * hp_forwards has room for @r's entries now, beside those of @set (read
 * with details); else one line saying how many are needed and free.
 */
int rules_check_room(const struct rule_set *set, const struct hp_rule *r,
		     const struct addr_table *addrs);
/* A slot no rule uses, or errorf(). */
int rules_free_id(const struct rule_set *set, __u32 *id);
/*
 * A rule is written in two steps, so that the switch to its new allow list
 * is one write: rule_write_allow() writes the list whole under the list id
 * the rule does not use now (@old: the slot as it is, NULL if unused) and
 * sets @r's flags and allow_gen; it removes what it wrote if it fails.
 * rule_write_slot() then writes the slot, and reconcile() moves the
 * datapath over.
 */
int rule_write_allow(const struct hp_maps *m, __u32 id, struct hp_rule *r, const struct rule *old,
		     const struct prefix *allow, size_t n_allow);
int rule_write_slot(const struct hp_maps *m, __u32 id, const struct hp_rule *r);
int rule_clear(const struct hp_maps *m, __u32 id);

/* A table, or a JSON array (the current JSON value) in JSON mode. */
void rules_print(const struct rule_set *set, const struct addr_table *addrs);

#endif /* HP_USER_RULES_H */
