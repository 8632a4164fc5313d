/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What the fast path must know of the kernel's routes beyond bpf_fib_lookup:
 * the route MTUs it ignores (hp_route_mtus) and when its cached next hops
 * are stale (hp_nexthop_gen). Self-contained, for the commands that load
 * and apply (attach, apply) and for the daemon, which calls both on
 * rtnetlink route and neighbour events. Both open their maps under the pin
 * root themselves (they are not in struct hp_maps: an upgrade from a build
 * before them creates them after maps_open()). Neither takes the pin
 * root's lock: the caller holds it, or (the daemon) owns the instance.
 */
#ifndef HP_USER_ROUTES_H
#define HP_USER_ROUTES_H

#include <stdbool.h>

/* What one hp_routes_sync() found and did. */
struct routes_sync_result {
	unsigned int routes;	/* IPv4 unicast routes read (every table but local) */
	unsigned int with_mtu;	/* of them, with an `mtu` metric */
	unsigned int mirrored;	/* prefixes hp_route_mtus holds now */
	unsigned int written;	/* entries added or changed */
	unsigned int deleted;	/* stale entries removed */
	bool bumped;		/* the next-hop generation was bumped */
};

/*
 * Make hp_route_mtus mirror the kernel's routes now (an RTM_GETROUTE dump;
 * which routes and why: user/routes.c): changed and new entries are written
 * first, stale ones deleted last, so that a prefix that stays is never
 * missing for a packet. When anything changed, the next-hop generation is
 * bumped. On error (one line reported), the map may hold part of the new
 * mirror over the old, never less than the old for a prefix that stays.
 * @res may be NULL.
 */
int hp_routes_sync(struct routes_sync_result *res);

/*
 * Bump the next-hop generation: every next hop cached until now is asked of
 * the fib again on its next packet. Atomic against other bumpers (the map
 * is mmapable: the bump time only ever rises).
 */
int hp_nexthop_bump(void);

#endif /* HP_USER_ROUTES_H */
