/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The forward rules with their per-rule counters: forward list and stats. */
#ifndef HP_USER_RULES_H
#define HP_USER_RULES_H

#include "hairpin/abi.h"
#include "pins.h"

struct rule_row {
	struct hp_forward_key key;
	struct hp_forward fwd;
	struct hp_rule_stats stats; /* summed over CPUs */
};

/* All rules, ordered by rule id; *rows is malloc'ed (free it). */
int rules_collect(const struct hp_maps *m, struct rule_row **rows, int *n);
/* A table, or a JSON array (the current JSON value) in JSON mode. */
void rules_print(const struct rule_row *rows, int n);

#endif /* HP_USER_RULES_H */
