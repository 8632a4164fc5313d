// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "hairpin.skel.h"
#include "layout.h"
#include "log.h"
#include "object.h"

#define START_OVER "hairpin-xdp attach --reset-state IFACE... starts over, dropping rules " \
		   "and sessions; or use the build that loaded them"

/* Sized by attach from --max-sessions (attach.c, load_and_pin()). */
static bool sized_at_load(const struct hairpin *skel, const struct bpf_map *map)
{
	return map == skel->maps.hp_sessions || map == skel->maps.hp_egress ||
	       map == skel->maps.hp_evict;
}

/* Maps an upgrade creates when the pins lack them (added after layout 2). */
static bool added_later(const struct hairpin *skel, const struct bpf_map *map)
{
	return map == skel->maps.hp_build || map == skel->maps.hp_frag_seen ||
	       map == skel->maps.hp_nexthop_gen || map == skel->maps.hp_route_mtus ||
	       map == skel->maps.hp_monitor || map == skel->maps.hp_events ||
	       map == skel->maps.hp_event_cpu;
}

static int check_map(const struct hairpin *skel, const struct bpf_map *map)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);
	const char *name = bpf_map__name(map);
	int fd, err;

	fd = bpf_obj_get(bpf_map__pin_path(map));
	if (fd < 0) {
		if (errno == ENOENT && added_later(skel, map))
			return 0;
		if (errno == EACCES || errno == EPERM)
			return errorf("cannot open map %s: permission denied (run as root)",
				      bpf_map__pin_path(map));
		return errorf("the pinned maps are not this build's: %s is missing (%s); " START_OVER,
			      name, strerror(errno));
	}
	memset(&info, 0, sizeof(info));
	err = bpf_obj_get_info_by_fd(fd, &info, &len);
	close(fd);
	if (err)
		return errorf("cannot read map %s: %s", name, strerror(errno));
	if (info.type != bpf_map__type(map) || info.key_size != bpf_map__key_size(map) ||
	    info.value_size != bpf_map__value_size(map) ||
	    (!sized_at_load(skel, map) && info.max_entries != bpf_map__max_entries(map)))
		return errorf("the pinned maps are not this build's: %s is type %u, key %u B, "
			      "value %u B, %u entries, this build's is type %u, key %u B, "
			      "value %u B, %u entries; " START_OVER,
			      name, info.type, info.key_size, info.value_size, info.max_entries,
			      bpf_map__type(map), bpf_map__key_size(map), bpf_map__value_size(map),
			      bpf_map__max_entries(map));
	return 0;
}

static int check_meta(const struct hairpin *skel)
{
	struct hp_meta meta;
	__u32 key = 0;
	int fd, err;

	fd = bpf_obj_get(bpf_map__pin_path(skel->maps.hp_meta));
	if (fd < 0)
		return errorf("cannot open map hp_meta: %s", strerror(errno));
	err = bpf_map_lookup_elem(fd, &key, &meta);
	close(fd);
	if (err)
		return errorf("cannot read hp_meta: %s", strerror(errno));
	if (meta.layout != HP_LAYOUT_VERSION)
		return errorf("the pinned maps are not this build's: layout %u, this build's is "
			      "%u; " START_OVER, meta.layout, (unsigned int)HP_LAYOUT_VERSION);
	return 0;
}

int layout_check(void)
{
	struct hairpin *skel = object_open(true);
	struct bpf_map *map;
	int err = 0;

	if (!skel)
		return -1;
	/* The version first: when it differs, it says more than a size. */
	err = check_meta(skel);
	bpf_object__for_each_map(map, skel->obj) {
		if (err)
			break;
		if (bpf_map__pin_path(map))
			err = check_map(skel, map);
	}
	hairpin__destroy(skel);
	return err;
}
