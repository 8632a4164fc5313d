/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Loading the programs and attaching them to interfaces, for the attach
 * command and for apply: all or nothing, undone whole on any failure.
 */
#ifndef HP_USER_ATTACH_H
#define HP_USER_ATTACH_H

#include <stdbool.h>
#include "hairpin/abi.h"
#include "iface.h"

/* Bounds --max-sessions (hp_sessions holds two entries each). */
#define MAX_SESSIONS_LIMIT (1U << 24)

struct attach_opts {
	enum xdp_mode mode;
	bool snat_set;
	bool max_set;
	bool reset_state;	/* attach --reset-state: drop the loaded instance first */
	/*
	 * Only what the user gave: timeouts left 0, flags without
	 * HP_CF_NO_FAST_PATH mean "no opinion".
	 */
	struct hp_config given;
};

/* One IFACE to attach and what happened to it. */
struct attach_result {
	struct iface_info info;
	enum xdp_mode mode;	/* asked for */
	bool duplicate;		/* named earlier in the same set */
	bool already;		/* attached before this call */
	bool attached;		/* attached by this call */
	bool generic;
	bool fell_back;
};

/* The configuration of a fresh load: defaults overridden by what was given. */
void attach_initial_config(const struct attach_opts *o, struct hp_config *cfg);
/*
 * The load-time options of @o against the loaded instance's: one line
 * saying what to do when they differ.
 */
int attach_check_loaded(const struct hp_maps *m, const struct attach_opts *o);
/*
 * Resolve every name into @res before anything changes: a typo changes
 * nothing. Names given twice are marked duplicate.
 */
int attach_resolve(struct attach_result *res, char **names, int n, enum xdp_mode mode);
/* Detach, newest first, what attach_ifaces() attached in @res. */
void attach_undo(struct attach_result *res, int n, const struct hp_maps *m);
/*
 * Attach the @n resolved interfaces of @res in order, loading the programs
 * first (with @o's options) if they are not loaded; a failure undoes every
 * change of this call, the load included. The caller holds the pin root's
 * lock; @root_existed: the root was there before it. *@loaded tells
 * whether this call loaded. @m is open on success.
 */
int attach_ifaces(const struct attach_opts *o, struct attach_result *res, int n,
		  bool root_existed, bool *loaded, struct hp_maps *m);

#endif /* HP_USER_ATTACH_H */
