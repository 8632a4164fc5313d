// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The route MTU mirror (hp_route_mtus) and the next-hop generation.
 *
 * Why: bpf_fib_lookup() checks a packet against ip_mtu_from_fib_result()
 * (net/ipv4/route.c), which honours a route's `mtu` metric only when it is
 * locked or sysctl net.ipv4.ip_forward_use_pmtu is set; the kernel's own
 * forward path, ip_dst_mtu_maybe_forward() (include/net/ip.h), always does
 * ("'forwarding = true' case should always honour route mtu"). The datapath
 * lowers the fib's MTU to the one found here by longest prefix.
 *
 * Which routes: the fib takes the longest match, so a route with an MTU is
 * not enough: a more specific route without one (192.168.0.2/32 inside
 * 192.168.0.0/24 mtu 1400) must shadow it. The mirror holds, from every
 * table but local (255), the unicast routes with an `mtu` metric and the
 * routes that lie inside one of them in the same table; nothing else can be
 * the longest match where an MTU route matches. With one table (no policy
 * routing) the trie's answer is exactly the kernel's. With several, the
 * datapath cannot tell which table the fib used, so a prefix gets the
 * smallest MTU any table would apply to it (the MTU of that table's longest
 * route covering the prefix): never more than the kernel's, at worst a
 * packet the stack would have sent whole takes the slow path and is sent
 * whole from there. A route whose nexthops are all dead or link-down and
 * that has no MTU of its own is left out (the fib skips it; leaving it out
 * can only lower the answer). Per-TOS routes and routes of one prefix with
 * different metrics are merged by the smallest MTU for the same reason.
 *
 * Limits: HP_MAX_ROUTE_MTUS prefixes (more is an error: the mirror stays as
 * it was); the work per sync is O(routes x (MTU routes + mirrored prefixes
 * x tables with MTU routes)): nothing beside a large table when MTU routes
 * are few (10252 routes in 21 tables, 10 of them with an MTU over 256
 * routes each: 257 prefixes, about 0.4 s on a loaded 2-CPU VM).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <bpf/bpf.h>

#include "hairpin/abi.h"
#include "log.h"
#include "pins.h"
#include "routes.h"

struct route {
	__u32 table;
	__be32 dst; /* host bits clear */
	__u8 plen;
	__u32 mtu; /* the `mtu` metric, 0: none */
};

struct route_list {
	struct route *v;
	size_t n, cap;
};

/* One prefix of the mirror: key and value as hp_route_mtus holds them. */
struct mirror_entry {
	struct hp_route_key key;
	struct hp_route_mtu val;
};

struct mirror {
	struct mirror_entry *v;
	size_t n;
};

#define DUMP_TRIES 3 /* a dump interrupted by a change (NLM_F_DUMP_INTR) is read again */
#define DEAD_FLAGS (RTNH_F_DEAD | RTNH_F_LINKDOWN)

static __be32 prefix_of(__be32 addr, __u8 plen)
{
	return plen ? htonl(ntohl(addr) & (~0u << (32 - plen))) : 0;
}

/* Does the route @r cover the prefix @addr/@plen? */
static bool covers(const struct route *r, __be32 addr, __u8 plen)
{
	return r->plen <= plen && prefix_of(addr, r->plen) == r->dst;
}

static int route_push(struct route_list *l, const struct route *r)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct route *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return errorf("cannot read the routes: out of memory");
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *r;
	return 0;
}

static __u32 metrics_mtu(const struct rtattr *nest)
{
	int len = RTA_PAYLOAD(nest);

	for (const struct rtattr *a = RTA_DATA(nest); RTA_OK(a, len); a = RTA_NEXT(a, len))
		if (a->rta_type == RTAX_MTU && RTA_PAYLOAD(a) >= sizeof(__u32))
			return *(const __u32 *)RTA_DATA(a);
	return 0;
}

/* A multipath route is live while one of its nexthops is. */
static bool multipath_live(const struct rtattr *nest)
{
	const struct rtnexthop *nh = RTA_DATA(nest);
	int len = RTA_PAYLOAD(nest);

	while (len >= (int)sizeof(*nh) && nh->rtnh_len >= sizeof(*nh) && nh->rtnh_len <= len) {
		if (!(nh->rtnh_flags & DEAD_FLAGS))
			return true;
		len -= RTNH_ALIGN(nh->rtnh_len);
		nh = RTNH_NEXT(nh);
	}
	return false;
}

/* One RTM_NEWROUTE of the dump: kept in @l if the mirror may need it. */
static int parse_route(const struct nlmsghdr *nh, struct route_list *l, unsigned int *seen)
{
	const struct rtmsg *rtm = NLMSG_DATA(nh);
	int len = RTM_PAYLOAD(nh);
	struct route r = { .table = rtm->rtm_table, .plen = rtm->rtm_dst_len };
	bool live = !(rtm->rtm_flags & DEAD_FLAGS);

	if (len < 0 || rtm->rtm_family != AF_INET || rtm->rtm_type != RTN_UNICAST ||
	    (rtm->rtm_flags & RTM_F_CLONED) || r.plen > 32)
		return 0;
	for (const struct rtattr *a = RTM_RTA(rtm); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == RTA_TABLE && RTA_PAYLOAD(a) >= sizeof(__u32))
			r.table = *(const __u32 *)RTA_DATA(a);
		else if (a->rta_type == RTA_DST && RTA_PAYLOAD(a) >= sizeof(__be32))
			memcpy(&r.dst, RTA_DATA(a), sizeof(r.dst));
		else if (a->rta_type == RTA_METRICS)
			r.mtu = metrics_mtu(a);
		else if (a->rta_type == RTA_MULTIPATH)
			live = multipath_live(a);
	}
	if (r.table == RT_TABLE_LOCAL)
		return 0;
	(*seen)++;
	if (!r.mtu && !live)
		return 0;
	r.dst = prefix_of(r.dst, r.plen);
	return route_push(l, &r);
}

static int dump_request(int fd, __u32 seq)
{
	struct {
		struct nlmsghdr nh;
		struct rtmsg rtm;
	} req = {
		.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg)),
		.nh.nlmsg_type = RTM_GETROUTE,
		.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
		.nh.nlmsg_seq = seq,
		.rtm.rtm_family = AF_INET,
	};

	if (send(fd, &req, req.nh.nlmsg_len, 0) < 0)
		return errorf("cannot read the routes: netlink: %s", strerror(errno));
	return 0;
}

/*
 * The dump's messages into @l until NLMSG_DONE; *@intr when the kernel says
 * the routes changed while it was dumping.
 */
static int dump_read(int fd, __u32 seq, struct route_list *l, unsigned int *seen, bool *intr)
{
	static char buf[65536] __attribute__((aligned(NLMSG_ALIGNTO)));

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		int len = (int)n;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return errorf("cannot read the routes: netlink: %s",
				      n ? strerror(errno) : "connection closed");
		for (struct nlmsghdr *nh = (void *)buf; NLMSG_OK(nh, len); nh = NLMSG_NEXT(nh, len)) {
			if (nh->nlmsg_seq != seq)
				continue;
			if (nh->nlmsg_flags & NLM_F_DUMP_INTR)
				*intr = true;
			if (nh->nlmsg_type == NLMSG_DONE)
				return 0;
			if (nh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nh);

				return errorf("cannot read the routes: netlink: %s", strerror(-e->error));
			}
			if (nh->nlmsg_type == RTM_NEWROUTE && parse_route(nh, l, seen))
				return -1;
		}
	}
}

/* Every IPv4 route the mirror may need, read whole (retried if interrupted). */
static int routes_read(struct route_list *l, unsigned int *seen)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	int err = -1;

	if (fd < 0)
		return errorf("cannot read the routes: netlink socket: %s", strerror(errno));
	for (__u32 seq = 1; seq <= DUMP_TRIES; seq++) {
		bool intr = false;

		l->n = 0;
		*seen = 0;
		if (dump_request(fd, seq) || dump_read(fd, seq, l, seen, &intr))
			break;
		if (!intr) {
			err = 0;
			break;
		}
		if (seq == DUMP_TRIES)
			errorf("cannot read the routes: they changed during %d dumps in a row",
			       DUMP_TRIES);
	}
	close(fd);
	return err;
}

/* Is @r, without an MTU, inside a route with one of its own table? */
static bool inside_mtu_route(const struct route_list *l, const struct route *r)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].mtu && l->v[i].table == r->table && covers(&l->v[i], r->dst, r->plen))
			return true;
	return false;
}

/*
 * The MTU table @table applies to the prefix: the smallest MTU among its
 * longest routes covering it; 0 when those have none.
 */
static __u32 table_mtu(const struct route_list *l, __u32 table, __be32 dst, __u8 plen)
{
	int best = -1;
	__u32 mtu = 0;

	for (size_t i = 0; i < l->n; i++) {
		const struct route *r = &l->v[i];

		if (r->table != table || !covers(r, dst, plen) || r->plen < best)
			continue;
		if (r->plen > best) {
			best = r->plen;
			mtu = 0;
		}
		if (r->mtu && (!mtu || r->mtu < mtu))
			mtu = r->mtu;
	}
	return mtu;
}

/* The smallest MTU any of the @nt tables applies to the prefix (0: none). */
static __u32 prefix_mtu(const struct route_list *l, const __u32 *tables, size_t nt, __be32 dst,
			__u8 plen)
{
	__u32 mtu = 0;

	for (size_t i = 0; i < nt; i++) {
		__u32 t = table_mtu(l, tables[i], dst, plen);

		if (t && (!mtu || t < mtu))
			mtu = t;
	}
	return mtu;
}

/* The tables that hold a route with an MTU, each once, into @tables (l->n long). */
static size_t mtu_tables(const struct route_list *l, __u32 *tables)
{
	size_t nt = 0, j;

	for (size_t i = 0; i < l->n; i++) {
		if (!l->v[i].mtu)
			continue;
		for (j = 0; j < nt && tables[j] != l->v[i].table; j++)
			;
		if (j == nt)
			tables[nt++] = l->v[i].table;
	}
	return nt;
}

static int key_cmp(const void *a, const void *b)
{
	const struct hp_route_key *x = a, *y = b;
	__u32 ax = ntohl(x->addr), ay = ntohl(y->addr);

	if (x->prefixlen != y->prefixlen)
		return x->prefixlen < y->prefixlen ? -1 : 1;
	return ax < ay ? -1 : ax > ay;
}

/* The wanted contents of hp_route_mtus, sorted by key (for bsearch). */
static int mirror_build(const struct route_list *l, struct mirror *w)
{
	size_t n = 0, nt;
	__u32 *tables;

	w->v = calloc(l->n ? l->n : 1, sizeof(*w->v));
	if (!w->v)
		return errorf("cannot mirror the routes: out of memory");
	for (size_t i = 0; i < l->n; i++) {
		const struct route *r = &l->v[i];

		if (r->mtu || inside_mtu_route(l, r))
			w->v[n++].key = (struct hp_route_key){ .prefixlen = r->plen, .addr = r->dst };
	}
	qsort(w->v, n, sizeof(*w->v), key_cmp);
	w->n = 0;
	for (size_t i = 0; i < n; i++)
		if (!w->n || key_cmp(&w->v[i].key, &w->v[w->n - 1].key))
			w->v[w->n++].key = w->v[i].key;
	if (w->n > HP_MAX_ROUTE_MTUS)
		return errorf("%zu route prefixes have or lie inside an mtu metric: "
			      "the mirror holds at most %d", w->n, HP_MAX_ROUTE_MTUS);
	tables = calloc(l->n ? l->n : 1, sizeof(*tables));
	if (!tables)
		return errorf("cannot mirror the routes: out of memory");
	nt = mtu_tables(l, tables);
	for (size_t i = 0; i < w->n; i++)
		w->v[i].val.mtu = prefix_mtu(l, tables, nt, w->v[i].key.addr,
					     (__u8)w->v[i].key.prefixlen);
	free(tables);
	return 0;
}

/* The keys hp_route_mtus holds now (at most HP_MAX_ROUTE_MTUS). */
static int map_keys(int fd, struct hp_route_key **keys, size_t *n)
{
	struct hp_route_key k, *prev = NULL;

	*n = 0;
	*keys = calloc(HP_MAX_ROUTE_MTUS, sizeof(**keys));
	if (!*keys)
		return errorf("cannot read hp_route_mtus: out of memory");
	while (*n < HP_MAX_ROUTE_MTUS && !bpf_map_get_next_key(fd, prev, &k)) {
		(*keys)[(*n)++] = k;
		prev = &(*keys)[*n - 1];
	}
	return 0;
}

/*
 * Write what differs, then delete what is no longer wanted. A lookup in an
 * LPM trie answers the longest match, so an entry is "there" only when the
 * map's own keys hold it exactly.
 */
static int map_sync(int fd, const struct mirror *w, struct routes_sync_result *res)
{
	struct hp_route_key *keys;
	size_t n;

	if (map_keys(fd, &keys, &n))
		return -1;
	qsort(keys, n, sizeof(*keys), key_cmp);
	for (size_t i = 0; i < w->n; i++) {
		struct hp_route_mtu cur;

		if (bsearch(&w->v[i].key, keys, n, sizeof(*keys), key_cmp) &&
		    !bpf_map_lookup_elem(fd, &w->v[i].key, &cur) && cur.mtu == w->v[i].val.mtu)
			continue;
		if (bpf_map_update_elem(fd, &w->v[i].key, &w->v[i].val, BPF_ANY)) {
			free(keys);
			return errorf("cannot write hp_route_mtus: %s", strerror(errno));
		}
		res->written++;
	}
	for (size_t i = 0; i < n; i++) {
		if (bsearch(&keys[i], w->v, w->n, sizeof(*w->v), key_cmp))
			continue;
		if (bpf_map_delete_elem(fd, &keys[i]) && errno != ENOENT) {
			free(keys);
			return errorf("cannot delete from hp_route_mtus: %s", strerror(errno));
		}
		res->deleted++;
	}
	free(keys);
	return 0;
}

/* A pinned map of ours by name (ROOT/maps/NAME), or -1 with the error said. */
static int map_get(const char *name)
{
	char path[PATH_MAX];
	int fd;

	if (pin_path(path, sizeof(path), PIN_MAPS "/%s", name))
		return -1;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return errorf("cannot open map %s: %s", path, strerror(errno));
	return fd;
}

int hp_routes_sync(struct routes_sync_result *res)
{
	struct routes_sync_result local = { 0 };
	struct route_list l = { 0 };
	struct mirror w = { 0 };
	int fd, err = -1;

	if (!res)
		res = &local;
	memset(res, 0, sizeof(*res));
	fd = map_get("hp_route_mtus");
	if (fd < 0)
		return -1;
	if (routes_read(&l, &res->routes) || mirror_build(&l, &w) || map_sync(fd, &w, res))
		goto out;
	for (size_t i = 0; i < l.n; i++)
		res->with_mtu += l.v[i].mtu != 0;
	res->mirrored = (unsigned int)w.n;
	if (res->written || res->deleted) {
		if (hp_nexthop_bump())
			goto out;
		res->bumped = true;
	}
	pr_debug("routes: %u read, %u with an mtu, %u mirrored (%u written, %u deleted)",
		 res->routes, res->with_mtu, res->mirrored, res->written, res->deleted);
	err = 0;
out:
	close(fd);
	free(l.v);
	free(w.v);
	return err;
}

/*
 * The bump time is CLOCK_MONOTONIC read after the change it announces; the
 * datapath stamps fills with the coarse reading of the same clock, never
 * ahead of it, so every fill that may predate the change is at or before
 * it. Raised with compare-and-swap, never lowered: a slower bumper with an
 * older time cannot revive what a newer bump retired.
 */
int hp_nexthop_bump(void)
{
	long page = sysconf(_SC_PAGESIZE);
	struct hp_nexthop_gen *g;
	struct timespec ts;
	__u64 now, cur;
	int fd = map_get("hp_nexthop_gen");

	if (fd < 0)
		return -1;
	g = page > 0 ? mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) : MAP_FAILED;
	close(fd);
	if (g == MAP_FAILED)
		return errorf("cannot map hp_nexthop_gen: %s", strerror(errno));
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
	cur = __atomic_load_n(&g->bump_ns, __ATOMIC_SEQ_CST);
	while (cur < now &&
	       !__atomic_compare_exchange_n(&g->bump_ns, &cur, now, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		;
	munmap(g, (size_t)page);
	return 0;
}
