/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Making the live state equal to a config file (apply, the daemon).
 *
 * Everything is checked before anything changes; then, in this order,
 * interfaces are attached, the settings written, the rules written and
 * reconciled, and interfaces the file no longer names detached. A rule
 * that stays (same external and internal side) keeps its id, counters and
 * sessions and is never missing for a packet; a failure at any step undoes
 * the steps before it, so the previous state is left whole.
 */
#ifndef HP_USER_APPLY_H
#define HP_USER_APPLY_H

#include "conf.h"
#include "reconcile.h"

struct apply_result {
	unsigned int attached, detached;
	unsigned int rules_added, rules_changed, rules_removed, rules_kept;
	bool loaded;	     /* the programs were loaded by this apply */
	bool config_changed; /* hp_config was written */
	struct reconcile_result rec;
};

/*
 * Apply @c; with @check, only check that it could be applied here (the
 * interfaces, the loaded instance), changing nothing. The caller does not
 * hold the lock: apply takes it.
 */
int apply_conf(const struct conf *c, bool check, struct apply_result *res);

/* "N attached, N detached; forwards ...; N sessions closed": what apply did. */
void apply_describe(const struct apply_result *r, char *buf, size_t len);

#endif /* HP_USER_APPLY_H */
