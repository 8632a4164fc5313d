/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Every interface's IPv4 addresses as they are now, read once
 * (getifaddrs(): netlink underneath, never /sys, which under `nsenter
 * --net` shows the root namespace). The kernel lists an interface's primary
 * address first: the router's address on a port for hairpin SNAT.
 */
#ifndef HP_USER_ADDRS_H
#define HP_USER_ADDRS_H

#include <stdbool.h>
#include <stddef.h>
#include <net/if.h>
#include <linux/types.h>

struct addr_entry {
	char ifname[IFNAMSIZ];
	__be32 addr;
	__u8 prefixlen;
};

struct addr_table {
	struct addr_entry *v; /* in the kernel's order: primary first per interface */
	size_t n;
};

int addrs_read(struct addr_table *t);
void addrs_free(struct addr_table *t);
/* The primary IPv4 address of @ifname, or NULL when it has none. */
const struct addr_entry *addrs_primary(const struct addr_table *t, const char *ifname);
bool addrs_has(const struct addr_table *t, const char *ifname, __be32 addr);
/* Which interface has @addr; NULL if none. */
const struct addr_entry *addrs_owner(const struct addr_table *t, __be32 addr);

#endif /* HP_USER_ADDRS_H */
