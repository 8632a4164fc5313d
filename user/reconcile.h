/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The maps the datapath reads, derived from what the user asked for:
 *
 *   hp_rules + the interfaces' addresses  ->  hp_forwards (one entry per
 *                                             external address and port)
 *   hp_rules (allow_gen)                  ->  which hp_allow lists live
 *   the ports' primary addresses          ->  hp_ifaces (hairpin sources)
 *   all of it                             ->  the sessions that stay valid
 *
 * reconcile() makes them follow. It changes only what differs, each entry
 * with one update, adds before it deletes, so that a rule that stays is
 * never missing for a packet and its sessions and counters stay. It is
 * idempotent and safe to run at any time: every command that changes rules
 * runs it, the daemon runs it when an address changes, and it repairs what
 * a command killed half way left behind.
 */
#ifndef HP_USER_RECONCILE_H
#define HP_USER_RECONCILE_H

#include "maps.h"

struct reconcile_result {
	unsigned int added, changed, removed; /* hp_forwards entries */
	unsigned int readdressed;	      /* ports whose hairpin source moved */
	unsigned int allow_removed;	      /* hp_allow entries of dead lists */
	unsigned int flows_flushed;	      /* sessions no longer valid, removed */
	unsigned int clashes;		      /* external ports two rules claim */
};

/*
 * Mark hp_rules as about to change (HP_MF_RECONCILE): if the command dies
 * before reconcile() finishes, the next one finds the mark and repairs.
 */
int reconcile_begin(const struct hp_maps *m);
int reconcile(const struct hp_maps *m, struct reconcile_result *res);
/* reconcile() if a command died half way (the mark is set); else nothing. */
int reconcile_if_interrupted(const struct hp_maps *m);
/* For commands that only read: a warning line if the mark is set. */
void reconcile_report(const struct hp_maps *m);

#endif /* HP_USER_RECONCILE_H */
