// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The slow path: XDP rewrites only the destination and passes the packet to
 * the stack, leaving the source rewrite in hp_egress for TC egress. Each
 * case then hands TC the packet as the stack would send it (TTL - 1, MACs of
 * the next hop) and checks it leaves fully translated.
 */
#include "cases.h"

#define FORCED { .cfg_flags = HP_CF_NO_FAST_PATH }

/* the hairpin SYN after the stack forwarded it back out of lan0 */
#define STACK_TO_SERVER(...)                                                 \
	FROM_CLIENT(.dmac = mac_server, .smac = mac_lan, .daddr = SERVER,   \
		    .ttl = 63, __VA_ARGS__)

/*
 * hp_egress entries: the tuple a packet leaves the stack with -> the rewrite
 * TC must make (all such an entry carries)
 */
#define EGRESS_HAIRPIN                                                       \
	{ IPPROTO_TCP, T(LAN_CLIENT, SERVER, 40001, 80),                     \
	  T(LAN_ROUTER, SERVER, PORT_SNAT, 80) }
#define EGRESS_HAIRPIN_REPLY                                                 \
	{ IPPROTO_TCP, T(SERVER, LAN_CLIENT, 80, 40001),                     \
	  T(PUBLIC, LAN_CLIENT, 80, 40001) }

/* One new flow XDP can only half translate. */
#define SLOW(nm, opt, ifc, pkt, why, ...)                                    \
	{ .name = "slow_" nm, .opts = opt,                                   \
	  .steps = { XDP_STEP(ifc, pkt, XDP_PASS, __VA_ARGS__) },           \
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_SLOW_PASS, 1),     \
			CNT(why, 1) },                                       \
	  .n_sessions = 2, .n_egress = ANY_COUNT }

#define CLIENT_UDP(...)                                                      \
	FROM_CLIENT(.proto = IPPROTO_UDP, .dport = 53, .payload = 21,       \
		    __VA_ARGS__)
#define SLOW_UDP_TC(nm, mode)                                                \
	{ .name = "slow_" nm, .opts = FORCED,                                \
	  .steps = { XDP_STEP(IF_LAN, CLIENT_UDP(.csum = mode), XDP_PASS,   \
			      .daddr = SERVER, .dport = 5353),               \
		     TC_STEP(IF_LAN,                                         \
			     STACK_TO_SERVER(.proto = IPPROTO_UDP,           \
					     .dport = 5353, .payload = 21,   \
					     .csum = mode),                  \
			     SNAT_LAN) },                                    \
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_SLOW_PASS, 1),     \
			CNT(SLOW_FORCED, 1), CNT(TC_TRANSLATED, 1) },        \
	  .n_sessions = 2, .n_egress = 1 }

static const struct script slow[] = {
	{ .name = "slow_forced_inet_syn", .opts = FORCED,
	  .steps = { XDP_STEP(IF_WAN, FROM_INET(), XDP_PASS, .daddr = SERVER) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_SLOW_PASS, 1),
			CNT(SLOW_FORCED, 1) },
	  .n_sessions = 2,
	  .sessions = { INET_ORIG(SYN_SENT, 0), INET_REPLY(SYN_SENT, 0) },
	  .rule = RULE_WEB, .rule_packets = 1, .rule_sessions = 1 },
	/* the reply's destination needs nothing: XDP passes it as it is
	 * and TC restores the public source */
	{ .name = "slow_forced_inet_reply", .opts = FORCED,
	  .steps = { XDP_STEP(IF_WAN, FROM_INET(), XDP_PASS, .daddr = SERVER),
		     XDP_SAME(IF_LAN,
			      FROM_SERVER(.daddr = INET_CLIENT, .dport = 40000),
			      XDP_PASS),
		     TC_STEP(IF_WAN,
			     FROM_SERVER(.dmac = mac_inet, .smac = mac_wan,
					 .daddr = INET_CLIENT, .dport = 40000,
					 .ttl = 63),
			     .saddr = PUBLIC) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_SLOW_PASS, 2),
			CNT(SLOW_FORCED, 2), CNT(TC_TRANSLATED, 1) },
	  .n_sessions = 2, .n_egress = 1,
	  .egress = { { IPPROTO_TCP, T(SERVER, INET_CLIENT, 80, 40000),
			T(PUBLIC, INET_CLIENT, 80, 40000) } } },
	{ .name = "slow_forced_hairpin", .opts = FORCED,
	  .steps = { XDP_STEP(IF_LAN, FROM_CLIENT(), XDP_PASS, .daddr = SERVER),
		     TC_STEP(IF_LAN, STACK_TO_SERVER(), SNAT_LAN) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_SLOW_PASS, 1),
			CNT(SLOW_FORCED, 1), CNT(TC_TRANSLATED, 1) },
	  .n_sessions = 2,
	  .sessions = { HAIRPIN_ORIG(SYN_SENT, 0), HAIRPIN_REPLY(SYN_SENT, 0) },
	  .n_egress = 1, .egress = { EGRESS_HAIRPIN } },
	{ .name = "slow_forced_hairpin_reply", .opts = FORCED,
	  .steps = { XDP_STEP(IF_LAN, FROM_CLIENT(), XDP_PASS, .daddr = SERVER),
		     TC_STEP(IF_LAN, STACK_TO_SERVER(), SNAT_LAN),
		     XDP_STEP(IF_LAN,
			      FROM_SERVER(.daddr = LAN_ROUTER, .dport = PORT_SNAT),
			      XDP_PASS, .daddr = LAN_CLIENT, .dport = 40001),
		     TC_STEP(IF_LAN,
			     FROM_SERVER(.dmac = mac_client, .smac = mac_lan,
					 .daddr = LAN_CLIENT, .dport = 40001,
					 .ttl = 63),
			     .saddr = PUBLIC) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_SLOW_PASS, 2),
			CNT(SLOW_FORCED, 2), CNT(TC_TRANSLATED, 2) },
	  .n_sessions = 2, .n_egress = 2,
	  .egress = { EGRESS_HAIRPIN,
		      EGRESS_HAIRPIN_REPLY } },
	/* a partial checksum stays partial through the stack: XDP updates
	 * it as inet_proto_csum_replace4() would, TC through the helpers */
	{ .name = "slow_partial_hairpin_tcp", .opts = FORCED,
	  .steps = { XDP_STEP(IF_LAN,
			      FROM_CLIENT(.csum = CSUM_PARTIAL, .payload = 30),
			      XDP_PASS, .daddr = SERVER) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_SLOW_PASS, 1),
			CNT(SLOW_FORCED, 1) },
	  .n_sessions = 2, .n_egress = 1 },
	SLOW("partial_udp", FORCED, IF_WAN,
	     FROM_INET(.proto = IPPROTO_UDP, .dport = 53, .payload = 17,
		       .csum = CSUM_PARTIAL),
	     SLOW_FORCED, .daddr = SERVER, .dport = 5353),
	SLOW("udp_csum_zero", FORCED, IF_WAN,
	     FROM_INET(.proto = IPPROTO_UDP, .dport = 53, .payload = 17,
		       .csum = CSUM_ZERO),
	     SLOW_FORCED, .daddr = SERVER, .dport = 5353),
	/* UDP through both halves: checksum 0 stays 0 at TC too */
	SLOW_UDP_TC("hairpin_udp_tc", CSUM_FULL),
	SLOW_UDP_TC("hairpin_udp_csum_zero_tc", CSUM_ZERO),
	/* TC's bpf_l4_csum_replace(BPF_F_MARK_MANGLED_0) on a UDP checksum
	 * that computes to 0 */
	{ .name = "slow_hairpin_udp_tc_csum_computes_zero", .opts = FORCED,
	  .steps = { XDP_STEP(IF_LAN, CLIENT_UDP(), XDP_PASS, .daddr = SERVER,
			      .dport = 5353),
		     { .hook = HOOK_TC, .iface = IF_LAN,
		       .in = STACK_TO_SERVER(.proto = IPPROTO_UDP, .dport = 5353,
					     .payload = 21),
		       .verdict = TC_ACT_OK, .zero_csum = true,
		       .out = { SNAT_LAN } } },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_SLOW_PASS, 1),
			CNT(SLOW_FORCED, 1), CNT(TC_TRANSLATED, 1) },
	  .n_sessions = 2, .n_egress = 1 },
	/* no room in hp_egress: the half-translated packet is not passed */
	{ .name = "slow_egress_table_full",
	  .opts = { .cfg_flags = HP_CF_NO_FAST_PATH, .egress_entries = 1 },
	  .steps = { XDP_STEP(IF_LAN, FROM_CLIENT(), XDP_PASS, .daddr = SERVER),
		     XDP_SAME(IF_LAN, FROM_CLIENT(.sport = 40002), XDP_DROP) },
	  .counters = { CNT(SESSION_CREATED, 2), CNT(XDP_SLOW_PASS, 1),
			CNT(SLOW_FORCED, 1), CNT(DROP_TABLE_FULL, 1) },
	  .n_sessions = ANY_COUNT, .n_egress = 1 },
	/* IPv4 options (record route, ...) are the stack's to process */
	SLOW("ip_options", {}, IF_WAN, FROM_INET(.opt_words = 1, .payload = 10),
	     SLOW_IP_OPTIONS, .daddr = SERVER),
	SLOW("ip_options_3_udp", {}, IF_WAN,
	     FROM_INET(.proto = IPPROTO_UDP, .dport = 53, .payload = 7,
		       .opt_words = 3),
	     SLOW_IP_OPTIONS, .daddr = SERVER, .dport = 5353),
	SLOW("ip_options_partial", {}, IF_WAN,
	     FROM_INET(.opt_words = 2, .csum = CSUM_PARTIAL, .payload = 5),
	     SLOW_IP_OPTIONS, .daddr = SERVER),
	{ .name = "slow_ip_options_hairpin_tc",
	  .steps = { XDP_STEP(IF_LAN, FROM_CLIENT(.opt_words = 1, .payload = 20),
			      XDP_PASS, .daddr = SERVER),
		     TC_STEP(IF_LAN, STACK_TO_SERVER(.opt_words = 1, .payload = 20),
			     SNAT_LAN) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_SLOW_PASS, 1),
			CNT(SLOW_IP_OPTIONS, 1), CNT(TC_TRANSLATED, 1) },
	  .n_sessions = 2, .n_egress = 1 },
	/* fib lookup cannot finish: the stack resolves, fragments, ICMPs */
	SLOW("no_neigh_inet", {}, IF_WAN, FROM_INET(.dport = 8080),
	     SLOW_NO_NEIGH, .daddr = NO_NEIGH_HOST, .dport = 80),
	{ .name = "slow_no_neigh_hairpin",
	  .steps = { XDP_STEP(IF_LAN, FROM_CLIENT(.dport = 8080), XDP_PASS,
			      .daddr = NO_NEIGH_HOST, .dport = 80),
		     TC_STEP(IF_LAN,
			     FROM_CLIENT(.dmac = mac_server, .smac = mac_lan,
					 .daddr = NO_NEIGH_HOST, .dport = 80,
					 .ttl = 63),
			     SNAT_LAN) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_SLOW_PASS, 1),
			CNT(SLOW_NO_NEIGH, 1), CNT(TC_TRANSLATED, 1) },
	  .n_sessions = 2, .n_egress = 1,
	  .egress = { { IPPROTO_TCP, T(LAN_CLIENT, NO_NEIGH_HOST, 40001, 80),
			T(LAN_ROUTER, NO_NEIGH_HOST, PORT_SNAT, 80) } } },
	SLOW("ttl_1", {}, IF_WAN, FROM_INET(.ttl = 1), SLOW_TTL,
	     .daddr = SERVER),
	SLOW("ttl_1_hairpin", {}, IF_LAN, FROM_CLIENT(.ttl = 1), SLOW_TTL,
	     .daddr = SERVER),
	SLOW("not_attached", {}, IF_WAN, FROM_INET(.dport = 443),
	     SLOW_NOT_ATTACHED, .daddr = DMZ_HOST, .dport = 443),
	SLOW("frag_needed", {}, IF_WAN, FROM_INET(.dport = 8081, .payload = 300),
	     SLOW_FRAG_NEEDED, .daddr = SMALL_MTU_HOST, .dport = 80),
};

void register_slow_tests(void)
{
	REGISTER(slow);
}
