// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addrs.h"
#include "log.h"

int addrs_read(struct addr_table *t)
{
	struct ifaddrs *list, *ifa;
	size_t cap = 0;

	memset(t, 0, sizeof(*t));
	if (getifaddrs(&list))
		return errorf("cannot read the interfaces' addresses: %s", strerror(errno));
	for (ifa = list; ifa; ifa = ifa->ifa_next) {
		const struct sockaddr_in *sin = (void *)ifa->ifa_addr;
		const struct sockaddr_in *mask = (void *)ifa->ifa_netmask;
		struct addr_entry *e;

		if (!sin || sin->sin_family != AF_INET)
			continue;
		if (t->n == cap) {
			cap = cap ? cap * 2 : 16;
			e = realloc(t->v, cap * sizeof(*e));
			if (!e) {
				freeifaddrs(list);
				addrs_free(t);
				return errorf("out of memory");
			}
			t->v = e;
		}
		e = &t->v[t->n++];
		snprintf(e->ifname, sizeof(e->ifname), "%s", ifa->ifa_name);
		e->addr = sin->sin_addr.s_addr;
		e->prefixlen = mask ? __builtin_popcount(mask->sin_addr.s_addr) : 32;
	}
	freeifaddrs(list);
	return 0;
}

void addrs_free(struct addr_table *t)
{
	free(t->v);
	t->v = NULL;
	t->n = 0;
}

const struct addr_entry *addrs_primary(const struct addr_table *t, const char *ifname)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->v[i].ifname, ifname))
			return &t->v[i];
	return NULL;
}

bool addrs_has(const struct addr_table *t, const char *ifname, __be32 addr)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].addr == addr && !strcmp(t->v[i].ifname, ifname))
			return true;
	return false;
}

const struct addr_entry *addrs_owner(const struct addr_table *t, __be32 addr)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].addr == addr)
			return &t->v[i];
	return NULL;
}
