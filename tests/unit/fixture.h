/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The world the unit tests run in, and the loaded programs.
 *
 * env_setup() moves the process into a private network namespace with three
 * veth links (all ends inside it), addresses, forwarding on and permanent
 * neighbours, so that bpf_fib_lookup answers the same on every machine:
 *
 *	lan0 192.168.0.1/24  server 192.168.0.2, LAN client 192.168.0.3,
 *	                     192.168.0.9 on-link but with no neighbour,
 *	                     192.168.0.10 behind a host route with mtu lock 300,
 *	                     192.168.0.11 behind one with mtu 200, not locked
 *	wan0 203.0.113.4/24  internet client 203.0.113.2, 203.0.113.99
 *	                     behind an unreachable route (no path back)
 *	dmz0 198.51.100.1/24 host 198.51.100.2; not attached (not in hp_ifaces
 *	                     or hp_tx_ports)
 *
 * Everything disappears with the process: no pins, no interfaces outside.
 *
 * The process is pinned to one CPU, so that every BPF_PROG_TEST_RUN sees
 * the same per-CPU map slots.
 *
 * Each case gets a loaded skeleton (fx_open) with its maps unpinned and
 * emptied as on a fresh load (one load per distinct map size, reused), the
 * attached ports and forward rules below filled in, and hp_config from
 * struct fx_opts.
 */
#ifndef HP_UNIT_FIXTURE_H
#define HP_UNIT_FIXTURE_H

#include <stdbool.h>
#include <linux/types.h>

#include "hairpin/abi.h"
#include "hairpin/counters.h"
#include "pkt.h"

/* Addresses (host order) */
#define LAN_ROUTER IP4(192, 168, 0, 1)
#define SERVER IP4(192, 168, 0, 2)
#define LAN_CLIENT IP4(192, 168, 0, 3)
#define NO_NEIGH_HOST IP4(192, 168, 0, 9)
#define SMALL_MTU_HOST IP4(192, 168, 0, 10) /* host route with mtu lock 300 */
#define ROUTE_MTU_HOST IP4(192, 168, 0, 11) /* host route with mtu 200 (unlocked) */
#define PUBLIC IP4(203, 0, 113, 4)
#define INET_CLIENT IP4(203, 0, 113, 2)
#define DMZ_HOST IP4(198, 51, 100, 2)
#define UNREACHABLE_HOST IP4(203, 0, 113, 99) /* an "unreachable" route: no way back */

extern const __u8 mac_lan[6], mac_wan[6], mac_dmz[6];
extern const __u8 mac_server[6], mac_client[6], mac_inet[6], mac_dmzhost[6];
extern const __u8 mac_small_mtu[6]; /* SMALL_MTU_HOST */
extern const __u8 mac_route_mtu[6]; /* ROUTE_MTU_HOST */

enum netif { IF_LAN, IF_WAN, IF_DMZ, IF_MAX };

/*
 * Forward rules every fixture holds (rule id = enum value). Ports are chosen
 * so that each rule is reached by its own external port.
 */
enum rule {
	RULE_NONE,
	RULE_WEB,	   /* tcp PUBLIC:80   -> SERVER:80, hairpin internal */
	RULE_DNS,	   /* udp PUBLIC:53   -> SERVER:5353, hairpin internal */
	RULE_NO_NEIGH,	   /* tcp PUBLIC:8080 -> NO_NEIGH_HOST:80 */
	RULE_HAIRPIN_OFF,  /* tcp PUBLIC:81   -> SERVER:80, hairpin off */
	RULE_HAIRPIN_EXT,  /* tcp PUBLIC:82   -> SERVER:80, hairpin external */
	RULE_DMZ,	   /* tcp PUBLIC:443  -> DMZ_HOST:443 (port not attached) */
	RULE_SMALL_MTU,	   /* tcp PUBLIC:8081 -> SMALL_MTU_HOST:80 */
	RULE_MAX,	   /* cases add their own rules from this id up */
};

/* A forward rule on PUBLIC: ext_first..ext_last -> int_addr:int_first..int_last. */
struct rule_def {
	__u8 proto;
	__u16 ext_first, ext_last; /* ext_last 0: ext_first */
	__u32 int_addr;
	__u16 int_first, int_last; /* int_last 0: int_first */
	__u8 hairpin;		   /* enum hp_hairpin_mode */
	__u8 flags;		   /* enum hp_forward_flags */
};

struct fx_opts {
	__u32 cfg_flags;	/* enum hp_config_flags */
	__u16 snat_lo, snat_hi; /* 0: the defaults */
	__u32 timeout_sec;	/* non-zero: every idle timeout */
	__u32 session_entries;	/* non-zero: hp_sessions max_entries */
	__u32 egress_entries;	/* non-zero: hp_egress max_entries */
	__u8 rp_filter;		/* enum hp_rp_filter of both attached ports */
};

struct fx {
	struct hairpin *skel;
	int xdp_fd, tc_fd;
	int sessions, egress, forwards, allow, stats, rule_stats, ifaces,
		tx_ports, nexthops, config, nexthop_gen, route_mtus;
	struct hp_config cfg;
	bool neigh_changed; /* fx_neigh_del() was called */
};

enum hook { HOOK_XDP, HOOK_TC };

/* Once per process; false (with a reason) when the tests cannot run. */
bool env_setup(char *why, size_t why_len);
int env_ifindex(enum netif i);
int env_cpu(void); /* the CPU the process (and every test run) is on */
void env_neigh_restore(void);

/* A skeleton with empty maps; on failure records the test failure. */
bool fx_open(struct fx *fx, const struct fx_opts *opts);
/* Ends a case: puts back the neighbours it deleted. */
void fx_close(struct fx *fx);
/* At exit: destroy the skeletons fx_open() loaded. */
void fx_unload_all(void);

/* The fixture's own rule @r (NULL outside RULE_NONE..RULE_MAX). */
const struct rule_def *fx_rule_def(enum rule r);

/*
 * Insert @r as `hairpin-xdp forward add` does: one hp_forwards entry per
 * external port, all with @rule_id and the whole ranges, int_port stepping
 * with the external port (or the one internal port).
 */
bool fx_add_rule(struct fx *fx, __u32 rule_id, const struct rule_def *r);
/* An hp_allow prefix @addr/@plen of @rule_id. */
bool fx_allow(struct fx *fx, __u32 rule_id, __u32 addr, __u8 plen);

/* `ip neigh del @addr dev @i`, restored by fx_close(). */
bool fx_neigh_del(struct fx *fx, enum netif i, __u32 addr);

/*
 * Run one program on @in. @out must hold PKT_MAX bytes. Returns 0 or
 * -errno from bpf_prog_test_run_opts.
 */
int fx_run(struct fx *fx, enum hook hook, enum netif iface, const __u8 *in,
	   size_t len, __u8 *out, size_t *out_len, __u32 *retval);

/* ---- maps ---- */

__u64 now_ns(void); /* CLOCK_MONOTONIC */
/*
 * CLOCK_MONOTONIC_COARSE: the datapath's clock (bpf_ktime_get_coarse_ns), at
 * tick resolution, up to a tick behind CLOCK_MONOTONIC; a case starts its
 * time window here so that a session stamped during it is inside.
 */
__u64 now_coarse_ns(void);

__u64 fx_counter(struct fx *fx, enum hp_counter c);
bool fx_rule_stats(struct fx *fx, __u32 rule, struct hp_rule_stats *out);
int fx_count(int map_fd);

/* hp_nexthops: @v into every slot on every CPU. */
bool fx_nh_fill(struct fx *fx, const struct hp_nexthop *v);
/* hp_nexthops slot @slot as this process's CPU (env_cpu) holds it. */
bool fx_nh_read(struct fx *fx, __u32 slot, struct hp_nexthop *out);
/* hp_nexthop_gen: bumped at @ns (CLOCK_MONOTONIC), as hp_nexthop_bump() does at now. */
bool fx_nh_bump_at(struct fx *fx, __u64 ns);
/* hp_route_mtus: @addr/@plen (host order) -> @mtu, as user/routes.c writes it. */
bool fx_route_mtu(struct fx *fx, __u32 addr, __u8 plen, __u32 mtu);

/* A tuple in host order, as the tables write it. */
struct tup {
	__u32 saddr, daddr;
	__u32 sport, dport; /* or PORT_SNAT */
};

struct hp_session_key mk_key(__u8 proto, struct tup t, __u16 snat_port);
struct hp_tuple mk_tuple(struct tup t, __u16 snat_port);

bool fx_lookup(int map_fd, __u8 proto, struct tup t, __u16 snat_port,
	       struct hp_session *out);
/*
 * The hairpin SNAT port of the one hairpin session in hp_sessions (read
 * from its reply entry's key), or 0 when there is none or several.
 */
__u16 fx_snat_port(struct fx *fx);

#endif /* HP_UNIT_FIXTURE_H */
