// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>

#include "log.h"
#include "rpfilter.h"

/* One net.ipv4.conf.@dev.rp_filter value ("all" or an interface name). */
static int conf_read(const char *dev, int *value)
{
	char path[PATH_MAX];
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/rp_filter", dev);
	f = fopen(path, "re");
	if (!f)
		return errorf("%s: cannot read %s: %s", dev, path, strerror(errno));
	n = fscanf(f, "%d", value);
	fclose(f);
	if (n != 1)
		return errorf("%s: %s holds no number", dev, path);
	return 0;
}

int rp_filter_read(const char *ifname, __u8 *mode)
{
	int all = 0, dev = 0, v;

	if (conf_read("all", &all) || conf_read(ifname, &dev))
		return -1;
	v = all > dev ? all : dev;
	/* fib_validate_source(): 1 is strict, any other non-zero loose */
	*mode = v == 0 ? HP_RP_OFF : v == 1 ? HP_RP_STRICT : HP_RP_LOOSE;
	return 0;
}

int rp_filter_refresh(const struct hp_maps *m)
{
	__u32 key, *prev = NULL;
	char name[IF_NAMESIZE];
	struct hp_iface rec;
	__u8 mode;

	while (!bpf_map_get_next_key(m->ifaces, prev, &key)) {
		prev = &key;
		if (bpf_map_lookup_elem(m->ifaces, &key, &rec) || !if_indextoname(key, name))
			continue; /* gone meanwhile */
		if (rp_filter_read(name, &mode))
			return -1;
		if (mode == rec.rp_filter)
			continue;
		rec.rp_filter = mode;
		if (bpf_map_update_elem(m->ifaces, &key, &rec, BPF_EXIST) && errno != ENOENT)
			return errorf("%s: cannot write hp_ifaces: %s", name, strerror(errno));
		pr_debug("%s: rp_filter now %s", name,
			mode == HP_RP_STRICT ? "strict" : mode == HP_RP_LOOSE ? "loose" : "off");
	}
	return 0;
}
