// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "iface.h"
#include "log.h"
#include "maps.h"
#include "pins.h"
#include "teardown.h"

int teardown_find_stray(const char *name, struct detach_target *t)
{
	char rel[PATH_MAX];

	if (iface_link_rel(rel, sizeof(rel), name) || !pin_exists(rel))
		return 0;
	memset(t, 0, sizeof(*t));
	t->ifindex = if_nametoindex(name);
	snprintf(t->rec.name, sizeof(t->rec.name), "%s", name);
	return 1;
}

/* Everything in hp_ifaces, then stray link pins. */
static int collect_all(const struct hp_maps *m, struct detach_target **out, int *n)
{
	struct detach_target *t = calloc(HP_MAX_IFACES * 2, sizeof(*t));
	char dir[PATH_MAX];
	__u32 key, *prev = NULL;
	struct dirent *de;
	DIR *d;

	*out = t;
	*n = 0;
	if (!t)
		return errorf("out of memory");
	/* Records of another layout are not read: their link pins still are. */
	while (m->ifaces >= 0 && map_has_sizes(m->ifaces, sizeof(key), sizeof(t->rec)) &&
	       *n < HP_MAX_IFACES &&
	       !bpf_map_get_next_key(m->ifaces, prev, &key)) {
		prev = &key;
		if (iface_record_get(m, key, &t[*n].rec))
			continue;
		t[*n].ifindex = key;
		(*n)++;
	}
	if (pin_path(dir, sizeof(dir), PIN_LINKS))
		return -1;
	d = opendir(dir);
	while (d && (de = readdir(d)) && *n < HP_MAX_IFACES * 2) {
		char name[IFNAMSIZ];
		bool known = false;

		if (iface_link_name(de->d_name, name, sizeof(name)))
			continue;
		for (int i = 0; i < *n; i++)
			known |= !strcmp(t[i].rec.name, name);
		if (!known && teardown_find_stray(name, &t[*n]))
			(*n)++;
	}
	if (d)
		closedir(d);
	return 0;
}

int teardown_all(bool remove_root, struct detach_target **t, int *n)
{
	struct hp_maps m = HP_MAPS_INIT;
	int err = 0;

	*t = NULL;
	*n = 0;
	/*
	 * A half-loaded root (maps missing) is still cleaned below, and so are
	 * maps of another build: this is the way out of an incompatible one.
	 */
	if (maps_open_present(&m))
		return -1;
	if (collect_all(&m, t, n))
		err = -1;
	for (int i = 0; i < *n; i++)
		if (iface_detach(&m, (*t)[i].ifindex, &(*t)[i].rec))
			err = -1;
	maps_close(&m);
	if (pins_remove_all(remove_root))
		err = -1;
	return err;
}
