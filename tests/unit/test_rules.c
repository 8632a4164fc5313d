// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Forward rules beyond one port: port ranges (port to port, or onto one
 * internal port), inserted as the CLI does (one hp_forwards entry per
 * external port, one rule id), and allow lists (hp_allow, keyed by rule id
 * and source prefix): an allowed source is translated, any other passes as
 * if there were no rule.
 */
#include "cases.h"

enum {
	RULE_RANGE = RULE_MAX, /* tcp PUBLIC:8000-8010 -> SERVER:9000-9010 */
	RULE_ONTO_ONE,	       /* udp PUBLIC:7000-7002 -> SERVER:7777 */
	RULE_ALLOW,	       /* tcp PUBLIC:2222 -> SERVER:22, allow list */
	RULE_OTHER,	       /* tcp PUBLIC:2223 -> SERVER:23, allows anyone */
};

#define RANGE_RULE                                                           \
	{ RULE_RANGE, { IPPROTO_TCP, 8000, 8010, SERVER, 9000, 9010 } }
#define ONTO_ONE_RULE                                                        \
	{ RULE_ONTO_ONE, { IPPROTO_UDP, 7000, 7002, SERVER, 7777 } }
#define ALLOW_RULE                                                           \
	{ RULE_ALLOW, { IPPROTO_TCP, 2222, 0, SERVER, 22, 0,                \
			HP_HAIRPIN_INTERNAL, HP_FWF_ALLOWLIST } }
#define OTHER_RULE                                                           \
	{ RULE_OTHER, { IPPROTO_TCP, 2223, 0, SERVER, 23, 0,                \
			HP_HAIRPIN_INTERNAL, HP_FWF_ALLOWLIST } }

/* the internet client's flow: an original and a reply entry of @rule */
#define INET_ENTRIES(proto, ext, int_, st, rule)                             \
	{ proto, T(INET_CLIENT, PUBLIC, 40000, ext),                         \
	  T(INET_CLIENT, SERVER, 40000, int_), st, 0, rule },                \
	{ proto, T(SERVER, INET_CLIENT, int_, 40000),                        \
	  T(PUBLIC, INET_CLIENT, ext, 40000), st, HP_SF_REPLY, rule }

/* One new internet flow of a case's own rule, to PUBLIC:@ext -> SERVER:@int_. */
#define RULE_FAST(nm, id, rl, proto, pkt, ext, int_, st, ...)                \
	{ .name = "rule_" nm, .rules = { rl }, ##__VA_ARGS__,                \
	  .steps = { XDP_STEP(IF_WAN, pkt, XDP_REDIRECT, FWD_TO_SERVER,     \
			      .daddr = SERVER, .dport = int_) },             \
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_REDIRECT, 1) }, \
	  .n_sessions = 2,                                                   \
	  .sessions = { INET_ENTRIES(proto, ext, int_, st, id) },           \
	  .rule = id, .rule_packets = 1, .rule_sessions = 1 }

/* A packet a case's rule leaves alone, counted as @counter. */
#define RULE_SAME(nm, pkt, counter, ...)                                     \
	{ .name = "rule_" nm, __VA_ARGS__,                                   \
	  .steps = { XDP_SAME(IF_WAN, pkt, XDP_PASS) },                     \
	  .counters = { CNT(counter, 1) } }

#define INET_UDP_TO(port)                                                    \
	FROM_INET(.proto = IPPROTO_UDP, .dport = port, .payload = 12)

static const struct script ranges[] = {
	/* the 2nd port of the range goes to the 2nd internal port */
	RULE_FAST("range_second_port", RULE_RANGE, RANGE_RULE, IPPROTO_TCP,
		  FROM_INET(.dport = 8001), 8001, 9001, SYN_SENT),
	RULE_FAST("range_first_port", RULE_RANGE, RANGE_RULE, IPPROTO_TCP,
		  FROM_INET(.dport = 8000), 8000, 9000, SYN_SENT),
	RULE_FAST("range_last_port", RULE_RANGE, RANGE_RULE, IPPROTO_TCP,
		  FROM_INET(.dport = 8010), 8010, 9010, SYN_SENT),
	/* every port of a range onto one internal port */
	RULE_FAST("range_onto_one_port", RULE_ONTO_ONE, ONTO_ONE_RULE, IPPROTO_UDP,
		  INET_UDP_TO(7002), 7002, 7777, HP_STATE_UDP),
	/* ...and the reply leaves from the external port it was sent to */
	{ .name = "rule_range_onto_one_port_reply", .rules = { ONTO_ONE_RULE },
	  .steps = { XDP_STEP(IF_WAN, INET_UDP_TO(7001), XDP_REDIRECT,
			      FWD_TO_SERVER, .daddr = SERVER, .dport = 7777),
		     XDP_STEP(IF_LAN,
			      FROM_SERVER(.proto = IPPROTO_UDP, .sport = 7777,
					  .daddr = INET_CLIENT, .dport = 40000,
					  .payload = 5),
			      XDP_REDIRECT, FWD_TO_INET, .saddr = PUBLIC,
			      .sport = 7001) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_REDIRECT, 2) },
	  .n_sessions = 2,
	  .rule = RULE_ONTO_ONE, .rule_packets = 2, .rule_sessions = 1 },
	/* the 2nd port through the hairpin */
	{ .name = "rule_range_second_port_hairpin", .rules = { RANGE_RULE },
	  .steps = { XDP_STEP(IF_LAN, FROM_CLIENT(.dport = 8001), XDP_TX,
			      FWD_TO_SERVER, SNAT_LAN, .daddr = SERVER,
			      .dport = 9001) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_TX, 1) },
	  .n_sessions = 2,
	  .sessions = { { IPPROTO_TCP, T(LAN_CLIENT, PUBLIC, 40001, 8001),
			  T(LAN_ROUTER, SERVER, PORT_SNAT, 9001), SYN_SENT,
			  HP_SF_HAIRPIN, RULE_RANGE } },
	  .rule = RULE_RANGE, .rule_packets = 1, .rule_sessions = 1 },
	/* just outside the range: no rule */
	RULE_SAME("range_below", FROM_INET(.dport = 7999), PASS_NO_MATCH,
		  .rules = { RANGE_RULE }),
	RULE_SAME("range_above", FROM_INET(.dport = 8011), PASS_NO_MATCH,
		  .rules = { RANGE_RULE }),
};

/* 203.0.113.0/28 may use RULE_ALLOW; anyone may use RULE_OTHER */
#define ALLOWED                                                              \
	.rules = { ALLOW_RULE, OTHER_RULE },                                 \
	.allow = { { RULE_ALLOW, IP4(203, 0, 113, 0), 28 },                  \
		   { RULE_OTHER, 0, 0 } }

#define FAR_HOST IP4(203, 0, 113, 200) /* outside 203.0.113.0/28 */

static const struct script allow[] = {
	RULE_FAST("allow_listed_source", RULE_ALLOW, ALLOW_RULE, IPPROTO_TCP,
		  FROM_INET(.dport = 2222), 2222, 22, SYN_SENT,
		  .allow = { { RULE_ALLOW, IP4(203, 0, 113, 0), 28 } }),
	/* a /32 entry for the one host */
	RULE_FAST("allow_listed_host", RULE_ALLOW, ALLOW_RULE, IPPROTO_TCP,
		  FROM_INET(.dport = 2222), 2222, 22, SYN_SENT,
		  .allow = { { RULE_ALLOW, INET_CLIENT, 32 } }),
	/* another source is passed as if there were no rule... */
	RULE_SAME("allow_other_source",
		  FROM_INET(.saddr = FAR_HOST, .dport = 2222), PASS_NOT_ALLOWED,
		  ALLOWED),
	/* ...even one another rule's allow list lets in */
	RULE_SAME("allow_other_rules_prefix_not_used",
		  FROM_INET(.saddr = FAR_HOST, .dport = 2222), PASS_NOT_ALLOWED,
		  .rules = { ALLOW_RULE, OTHER_RULE },
		  .allow = { { RULE_OTHER, 0, 0 } }),
	RULE_SAME("allow_empty_list", FROM_INET(.dport = 2222),
		  PASS_NOT_ALLOWED, .rules = { ALLOW_RULE }),
	/* the same source may use the rule whose list holds it */
	RULE_FAST("allow_other_rule_any_source", RULE_OTHER, OTHER_RULE, IPPROTO_TCP,
		  FROM_INET(.saddr = INET_CLIENT, .dport = 2223), 2223, 23,
		  SYN_SENT, .allow = { { RULE_OTHER, 0, 0 } }),
	/* a LAN client in the list, through the hairpin */
	{ .name = "rule_allow_listed_hairpin", .rules = { ALLOW_RULE },
	  .allow = { { RULE_ALLOW, IP4(192, 168, 0, 0), 24 } },
	  .steps = { XDP_STEP(IF_LAN, FROM_CLIENT(.dport = 2222), XDP_TX,
			      FWD_TO_SERVER, SNAT_LAN, .daddr = SERVER,
			      .dport = 22) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_TX, 1) },
	  .n_sessions = 2,
	  .rule = RULE_ALLOW, .rule_packets = 1, .rule_sessions = 1 },
	{ .name = "rule_allow_unlisted_hairpin", ALLOWED,
	  .steps = { XDP_SAME(IF_LAN, FROM_CLIENT(.dport = 2222), XDP_PASS) },
	  .counters = { CNT(PASS_NOT_ALLOWED, 1) },
	  .rule = RULE_ALLOW },
};

void register_rule_tests(void)
{
	REGISTER(ranges);
	REGISTER(allow);
}
