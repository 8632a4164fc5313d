/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Upgrade in place (docs/design.md, "Upgrades"): programs of another build
 * on the interfaces, maps of this build's layout. Every map, rule and
 * session stays; only the code changes, atomically on each interface.
 */
#ifndef HP_USER_UPGRADE_H
#define HP_USER_UPGRADE_H

#include <stdbool.h>
#include "hairpin/abi.h"
#include "maps.h"

/*
 * The loaded programs' build from hp_build; *@have is false when there is
 * none (programs of a build from before hp_build).
 */
int upgrade_loaded_build(struct hp_build *b, bool *have);
/*
 * When the loaded programs are not this loader's (their build's hash
 * differs): load this build's programs on the pinned maps, swap them in on
 * every attached interface, re-pin them and record the build. The caller
 * holds the lock and has checked the layout (maps_open()). A failure puts
 * the old programs back. *@upgraded: something was replaced.
 */
int upgrade_programs(const struct hp_maps *m, bool *upgraded);

#endif /* HP_USER_UPGRADE_H */
