/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Taking a whole instance down: every attached interface (recorded in
 * hp_ifaces, or only found as a link pin), then every pin. For detach --all
 * and attach --reset-state; it works on maps of any build.
 */
#ifndef HP_USER_TEARDOWN_H
#define HP_USER_TEARDOWN_H

#include <stdbool.h>
#include "hairpin/abi.h"

struct detach_target {
	__u32 ifindex;
	struct hp_iface rec;
};

/*
 * An XDP link pin without an hp_ifaces entry (an attach that died half
 * way): 1 and @t filled (by the name in the pin) when there is one.
 */
int teardown_find_stray(const char *name, struct detach_target *t);
/*
 * Detach everything, unpin everything, and remove the root with
 * @remove_root. The caller holds the lock. *@t (free() it) and *@n: the
 * interfaces detached.
 */
int teardown_all(bool remove_root, struct detach_target **t, int *n);

#endif /* HP_USER_TEARDOWN_H */
