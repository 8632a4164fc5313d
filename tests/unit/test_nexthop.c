// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The next-hop cache (hp_nexthops, per CPU): what a fast-path packet leaves
 * in its slot, that a later packet of the flow is sent from the slot without
 * the fib (it still goes fast after its neighbour was deleted), and when a
 * slot is not used: switched off, expired, tagged for another source,
 * destination or ingress port. Slots the case writes itself are written to
 * every slot of every CPU, so they do not depend on the slot hash; a forged
 * MAC in them shows whether the answer came from the cache.
 */
#include "cases.h"

static const __u8 mac_forged[6] = { 0x02, 0, 0, 0, 0, 0xfe };

/* the internet client's flow to the server: its slot, as the fib fills it */
#define NH_INET(...)                                                         \
	{ .saddr = INET_CLIENT, .daddr = SERVER, .in = IF_WAN, .out = IF_LAN, \
	  .dmac = mac_server, .smac = mac_lan, .mtu = 1500, .attached = 1,  \
	  .expires_ms = 10000, __VA_ARGS__ }

#define NO_CACHE { .cfg_flags = HP_CF_NO_NEXTHOP_CACHE }

/* the internet client's packets, sent by the cache's forged answer */
#define IN_FORGED(pkt)                                                       \
	XDP_STEP(IF_WAN, pkt, XDP_REDIRECT, .dmac = mac_forged,             \
		 .smac = mac_lan, .ttl_dec = 1, .daddr = SERVER)
#define IN_SLOW(pkt, ...)                                                    \
	XDP_STEP(IF_WAN, pkt, XDP_PASS, .daddr = SERVER, __VA_ARGS__)

/* The first packet fills one slot; nothing else does. */
#define NH_FILL(nm, fast_cnt, n, used, want, ...)                            \
	{ .name = "nexthop_fill_" nm, .steps = { __VA_ARGS__ },              \
	  .counters = { CNT(SESSION_CREATED, 1), CNT(fast_cnt, n) },        \
	  .n_sessions = 2, .nh_check = true, .nh_used = used,                \
	  .nh_want = want }

/* One internet SYN with slots written before it. */
#define NH_ONE(nm, opt, pre, step, ...)                                      \
	{ .name = "nexthop_" nm, .opts = opt, .nh_pre = pre,                 \
	  .steps = { step },                                                 \
	  .counters = { CNT(SESSION_CREATED, 1), __VA_ARGS__ },              \
	  .n_sessions = 2 }

static const struct script fill[] = {
	NH_FILL("inet", XDP_FAST_REDIRECT, 1, 1, NH_INET(), IN_FWD(TH_SYN)),
	NH_FILL("hairpin", XDP_FAST_TX, 1, 1,
		NH_INET(.saddr = LAN_ROUTER, .in = IF_LAN), HP_FWD(TH_SYN)),
	/* the reply's own slot, toward the internet */
	NH_FILL("reply", XDP_FAST_REDIRECT, 2, 2,
		NH_INET(.saddr = PUBLIC, .daddr = INET_CLIENT, .in = IF_LAN,
			.out = IF_WAN, .dmac = mac_inet, .smac = mac_wan),
		IN_FWD(TH_SYN), IN_REPLY(TH_SYN | TH_ACK)),
	/*
	 * the host route's MTU 300 is kept; a longer packet of the flow is
	 * sent to the stack (which sends "fragmentation needed")
	 */
	{ .name = "nexthop_fill_small_mtu",
	  .steps = { XDP_STEP(IF_WAN, FROM_INET(.dport = 8081), XDP_REDIRECT,
			      FWD_TO_SERVER, .dmac = mac_small_mtu,
			      .daddr = SMALL_MTU_HOST, .dport = 80),
		     XDP_STEP(IF_WAN,
			      FROM_INET(.dport = 8081, .tcp_flags = TH_ACK,
					.payload = 300),
			      XDP_PASS, .daddr = SMALL_MTU_HOST, .dport = 80) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_REDIRECT, 1),
			CNT(XDP_SLOW_PASS, 1), CNT(SLOW_FRAG_NEEDED, 1) },
	  .n_sessions = 2, .nh_check = true, .nh_used = 1,
	  .nh_want = NH_INET(.daddr = SMALL_MTU_HOST, .dmac = mac_small_mtu,
			     .mtu = 300) },
	/* switched off: the fib answers, nothing is written */
	{ .name = "nexthop_off_fills_nothing", .opts = NO_CACHE,
	  .steps = { IN_FWD(TH_SYN) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_REDIRECT, 1) },
	  .n_sessions = 2, .nh_check = true, .nh_used = 0 },
};

static const struct script hits[] = {
	/* the neighbour is gone, the cache still knows it */
	{ .name = "nexthop_hit_after_neigh_del",
	  .steps = { IN_FWD(TH_SYN),
		     { .hook = HOOK_XDP, .iface = IF_WAN,
		       .in = FROM_INET(.tcp_flags = TH_ACK),
		       .verdict = XDP_REDIRECT, .neigh_del = SERVER,
		       .out = { FWD_TO_SERVER, .daddr = SERVER } } },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_REDIRECT, 2) },
	  .n_sessions = 2, .nh_check = true, .nh_used = 1,
	  .nh_want = NH_INET() },
	/* switched off, the fib says the neighbour is gone */
	{ .name = "nexthop_off_neigh_del_slow", .opts = NO_CACHE,
	  .steps = { IN_FWD(TH_SYN),
		     { .hook = HOOK_XDP, .iface = IF_WAN,
		       .in = FROM_INET(.tcp_flags = TH_ACK),
		       .verdict = XDP_PASS, .neigh_del = SERVER,
		       .out = { .daddr = SERVER } } },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_REDIRECT, 1),
			CNT(XDP_SLOW_PASS, 1), CNT(SLOW_NO_NEIGH, 1) },
	  .n_sessions = 2, .nh_check = true, .nh_used = 0 },
	/* a live slot with the flow's tags answers instead of the fib */
	NH_ONE("forged_hit", {}, NH_INET(.dmac = mac_forged),
	       IN_FORGED(FROM_INET()), CNT(XDP_FAST_REDIRECT, 1)),
	/* its out port is taken as it is: the ingress port means XDP_TX */
	NH_ONE("forged_hit_same_port", {},
	       NH_INET(.dmac = mac_forged, .out = IF_WAN),
	       XDP_STEP(IF_WAN, FROM_INET(), XDP_TX, .dmac = mac_forged,
			.smac = mac_lan, .ttl_dec = 1, .daddr = SERVER),
	       CNT(XDP_FAST_TX, 1)),
	/* a packet as long as the cached MTU still goes fast... */
	NH_ONE("forged_mtu_equal", {}, NH_INET(.dmac = mac_forged, .mtu = 100),
	       IN_FORGED(FROM_INET(.payload = 60)), CNT(XDP_FAST_REDIRECT, 1)),
	/* ...a longer one goes to the stack, whatever the route says */
	NH_ONE("forged_mtu_smaller", {}, NH_INET(.mtu = 100),
	       IN_SLOW(FROM_INET(.payload = 61)), CNT(XDP_SLOW_PASS, 1),
	       CNT(SLOW_FRAG_NEEDED, 1)),
	NH_ONE("forged_not_attached", {}, NH_INET(.attached = 0),
	       IN_SLOW(FROM_INET()), CNT(XDP_SLOW_PASS, 1),
	       CNT(SLOW_NOT_ATTACHED, 1)),
};

/* Slots (@...: an nh_slot) that must not answer: the fib does. */
#define NH_MISS(nm, opt, ...)                                                \
	{ .name = "nexthop_miss_" nm, .opts = opt, .nh_pre = __VA_ARGS__,    \
	  .steps = { IN_FWD(TH_SYN) },                                       \
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_REDIRECT, 1) }, \
	  .n_sessions = 2 }

static const struct script misses[] = {
	NH_MISS("other_ingress", {}, NH_INET(.dmac = mac_forged, .in = IF_LAN)),
	NH_MISS("other_source", {},
		NH_INET(.dmac = mac_forged, .saddr = IP4(203, 0, 113, 3))),
	NH_MISS("other_destination", {},
		NH_INET(.dmac = mac_forged, .daddr = SMALL_MTU_HOST)),
	NH_MISS("expired", {}, NH_INET(.dmac = mac_forged, .expires_ms = -1000)),
	NH_MISS("switched_off", NO_CACHE, NH_INET(.dmac = mac_forged)),
	/* an expired slot, with the neighbour gone: the fib's answer */
	{ .name = "nexthop_miss_expired_neigh_del",
	  .nh_pre = NH_INET(.expires_ms = -1000),
	  .steps = { { .hook = HOOK_XDP, .iface = IF_WAN, .in = FROM_INET(),
		       .verdict = XDP_PASS, .neigh_del = SERVER,
		       .out = { .daddr = SERVER } } },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_SLOW_PASS, 1),
			CNT(SLOW_NO_NEIGH, 1) },
	  .n_sessions = 2 },
	/* a miss replaces the slot with the fib's answer */
	{ .name = "nexthop_miss_refills_slot",
	  .nh_pre = NH_INET(.dmac = mac_forged, .in = IF_LAN),
	  .steps = { IN_FWD(TH_SYN) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_REDIRECT, 1) },
	  .n_sessions = 2, .nh_check = true, .nh_used = HP_NEXTHOP_SLOTS,
	  .nh_want = NH_INET() },
};

void register_nexthop_tests(void)
{
	REGISTER(fill);
	REGISTER(hits);
	REGISTER(misses);
}
