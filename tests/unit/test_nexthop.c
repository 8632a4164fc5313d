// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The next-hop cache (hp_nexthops, per CPU): what a fast-path packet leaves
 * in its slot, that a later packet of the flow is sent from the slot without
 * the fib (it still goes fast after its neighbour was deleted), and when a
 * slot is not used: switched off, expired, tagged for another source,
 * destination or ingress port. Slots the case writes itself are written to
 * every slot of every CPU, so they do not depend on the slot hash; a forged
 * MAC in them shows whether the answer came from the cache.
 *
 * The generation (hp_nexthop_gen): a slot filled before its last bump does
 * not answer, and a bump makes the next packet ask the fib. The route MTU
 * (hp_route_mtus): the fib ignores an unlocked `mtu` metric, the mirror
 * makes a longer packet take the slow path, and the slot keeps the smaller
 * MTU for the flow's next packets.
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

/*
 * The flow's second packet, its neighbour deleted before it: the slot the
 * first one filled answers (fast, with the neighbour's MAC).
 */
#define NH_HIT_AFTER_NEIGH_DEL(nm, ...)                                      \
	{ .name = nm, ##__VA_ARGS__,                                        \
	  .steps = { IN_FWD(TH_SYN),                                         \
		     { .hook = HOOK_XDP, .iface = IF_WAN,                    \
		       .in = FROM_INET(.tcp_flags = TH_ACK),                 \
		       .verdict = XDP_REDIRECT, .neigh_del = SERVER,         \
		       .out = { FWD_TO_SERVER, .daddr = SERVER } } },        \
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_REDIRECT, 2) }, \
	  .n_sessions = 2, .nh_check = true, .nh_used = 1,                   \
	  .nh_want = NH_INET() }

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
	NH_HIT_AFTER_NEIGH_DEL("nexthop_hit_after_neigh_del"),
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

/*
 * The generation: a slot filled before the last bump is asked again, one
 * filled after it answers (bumped 1 ms before the case; NH_INET's slot is
 * filled 9 s after its start, the _OLD one 500 ms before it).
 */
#define NH_OLD(...) NH_INET(.expires_ms = HP_NEXTHOP_TTL_MS - 500, __VA_ARGS__)

static const struct script generations[] = {
	{ .name = "nexthop_miss_filled_before_bump", .nh_bumped_ms_ago = 1,
	  .nh_pre = NH_OLD(.dmac = mac_forged),
	  .steps = { IN_FWD(TH_SYN) }, /* the fib's MAC, not the forged one */
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_REDIRECT, 1) },
	  .n_sessions = 2 },
	/* the same slot without the bump answers */
	{ .name = "nexthop_hit_filled_no_bump",
	  .nh_pre = NH_OLD(.dmac = mac_forged),
	  .steps = { IN_FORGED(FROM_INET()) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_REDIRECT, 1) },
	  .n_sessions = 2 },
	{ .name = "nexthop_hit_filled_after_bump", .nh_bumped_ms_ago = 1,
	  .nh_pre = NH_INET(.dmac = mac_forged),
	  .steps = { IN_FORGED(FROM_INET()) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_REDIRECT, 1) },
	  .n_sessions = 2 },
	/* a fill after a bump answers the flow's next packet */
	NH_HIT_AFTER_NEIGH_DEL("nexthop_fill_after_bump_answers", .nh_bumped_ms_ago = 100),
	/*
	 * the neighbour is gone and the generation bumped: the fib is asked
	 * (nexthop_hit_after_neigh_del is the same without the bump)
	 */
	{ .name = "nexthop_bump_asks_fib",
	  .steps = { IN_FWD(TH_SYN),
		     { .hook = HOOK_XDP, .iface = IF_WAN,
		       .in = FROM_INET(.tcp_flags = TH_ACK),
		       .verdict = XDP_PASS, .neigh_del = SERVER, .nh_bump = true,
		       .out = { .daddr = SERVER } } },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_REDIRECT, 1),
			CNT(XDP_SLOW_PASS, 1), CNT(SLOW_NO_NEIGH, 1) },
	  .n_sessions = 2, .nh_check = true, .nh_used = 1,
	  .nh_want = NH_INET() },
};

/* tcp PUBLIC:8082 -> ROUTE_MTU_HOST:80, behind `mtu 200` (not locked) */
#define RULE_ROUTE_MTU RULE_MAX
#define ROUTE_MTU_RULE                                                       \
	{ { RULE_ROUTE_MTU, { IPPROTO_TCP, 8082, 0, ROUTE_MTU_HOST, 80, 0,  \
			      HP_HAIRPIN_INTERNAL } } }
#define TO_ROUTE_MTU(...) FROM_INET(.dport = 8082, __VA_ARGS__)
#define NH_ROUTE_MTU(m)                                                      \
	NH_INET(.daddr = ROUTE_MTU_HOST, .dmac = mac_route_mtu, .mtu = m)
#define ROUTE_MTU_FAST(pkt)                                                  \
	XDP_STEP(IF_WAN, pkt, XDP_REDIRECT, FWD_TO_SERVER,                  \
		 .dmac = mac_route_mtu, .daddr = ROUTE_MTU_HOST, .dport = 80)
#define ROUTE_MTU_SLOW(pkt)                                                  \
	XDP_STEP(IF_WAN, pkt, XDP_PASS, .daddr = ROUTE_MTU_HOST, .dport = 80)
/* the 340-byte SYN (300 bytes of payload) */
#define SYN_340 TO_ROUTE_MTU(.payload = 300)

static const struct script route_mtus[] = {
	/* the hole: the fib alone sends a packet longer than the route's MTU */
	{ .name = "nexthop_route_mtu_unlocked_ignored_by_fib",
	  .rules = ROUTE_MTU_RULE,
	  .steps = { ROUTE_MTU_FAST(SYN_340) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_REDIRECT, 1) },
	  .n_sessions = 2, .nh_check = true, .nh_used = 1,
	  .nh_want = NH_ROUTE_MTU(1500) },
	/* mirrored, it takes the slow path; the slot keeps MTU 200 */
	{ .name = "nexthop_route_mtu_longer_slow",
	  .rules = ROUTE_MTU_RULE, .routes = { { ROUTE_MTU_HOST, 32, 200 } },
	  .steps = { ROUTE_MTU_SLOW(SYN_340) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_SLOW_PASS, 1),
			CNT(SLOW_FRAG_NEEDED, 1) },
	  .n_sessions = 2, .nh_check = true, .nh_used = 1,
	  .nh_want = NH_ROUTE_MTU(200) },
	/* as long as the route's MTU: fast; one byte longer, from the slot: slow */
	{ .name = "nexthop_route_mtu_equal_fast_longer_slow",
	  .rules = ROUTE_MTU_RULE, .routes = { { ROUTE_MTU_HOST, 32, 200 } },
	  .steps = { ROUTE_MTU_FAST(TO_ROUTE_MTU(.payload = 160)),
		     ROUTE_MTU_SLOW(TO_ROUTE_MTU(.tcp_flags = TH_ACK,
						 .payload = 161)) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_REDIRECT, 1),
			CNT(XDP_SLOW_PASS, 1), CNT(SLOW_FRAG_NEEDED, 1) },
	  .n_sessions = 2, .nh_check = true, .nh_used = 1,
	  .nh_want = NH_ROUTE_MTU(200) },
	/* a larger route MTU than the device's changes nothing */
	{ .name = "nexthop_route_mtu_above_device",
	  .routes = { { SERVER, 32, 9000 } },
	  .steps = { IN_FWD(TH_SYN) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_REDIRECT, 1) },
	  .n_sessions = 2, .nh_check = true, .nh_used = 1,
	  .nh_want = NH_INET() },
	/* the longest prefix decides: a /24 with MTU 200 ... */
	{ .name = "nexthop_route_mtu_prefix_slow",
	  .routes = { { IP4(192, 168, 0, 0), 24, 200 } },
	  .steps = { XDP_STEP(IF_WAN, FROM_INET(.payload = 300), XDP_PASS,
			      .daddr = SERVER) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_SLOW_PASS, 1),
			CNT(SLOW_FRAG_NEEDED, 1) },
	  .n_sessions = 2 },
	/* ... and inside it a /32 with none, the device's MTU */
	{ .name = "nexthop_route_mtu_more_specific_none",
	  .routes = { { IP4(192, 168, 0, 0), 24, 200 }, { SERVER, 32, 0 } },
	  .steps = { XDP_STEP(IF_WAN, FROM_INET(.payload = 300), XDP_REDIRECT,
			      FWD_TO_SERVER, .daddr = SERVER) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_REDIRECT, 1) },
	  .n_sessions = 2 },
	/* the case: a hairpinned segment longer than the server's route */
	{ .name = "nexthop_route_mtu_hairpin_slow",
	  .routes = { { SERVER, 32, 200 } },
	  .steps = { XDP_STEP(IF_LAN, FROM_CLIENT(.payload = 300), XDP_PASS,
			      .daddr = SERVER) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_SLOW_PASS, 1),
			CNT(SLOW_FRAG_NEEDED, 1) },
	  .n_sessions = 2, .n_egress = 1 },
};

void register_nexthop_tests(void)
{
	REGISTER(fill);
	REGISTER(hits);
	REGISTER(misses);
	REGISTER(generations);
	REGISTER(route_mtus);
}
