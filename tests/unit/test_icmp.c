// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * ICMP errors (RFC 5508, as conntrack NAT translates them): an error about a
 * translated packet quotes that packet as its sender saw it; the quote is
 * turned back into what the error's receiver sent, the outer destination into
 * that receiver, and the outer source into the address the receiver talked
 * to where the session half rewrites sources (a router on the way keeps its
 * own). Every output is checked byte for byte against a frame built from
 * scratch, and its outer, ICMP, quoted IP and quoted L4 checksums verified.
 */
#include "cases.h"

#define ICMP_ERR(...) PKT(.proto = IPPROTO_ICMP, __VA_ARGS__)
#define PORT_UNREACH .icmp_type = ICMP_DEST_UNREACH_, .icmp_code = ICMP_PORT_UNREACH_
#define FRAG_NEEDED                                                          \
	.icmp_type = ICMP_DEST_UNREACH_, .icmp_code = ICMP_FRAG_NEEDED_,    \
	.icmp_mtu = 1400
#define TIME_EXCEEDED .icmp_type = ICMP_TIME_EXCEEDED_

/* a router on the internet side, in no session */
#define INET_ROUTER IP4(198, 51, 100, 7)

/* ---- the flows the errors are about ---- */

/* UDP: LAN client -> PUBLIC:53 (hairpin), internet client -> PUBLIC:53 */
#define CLIENT_DNS(...)                                                      \
	FROM_CLIENT(.proto = IPPROTO_UDP, .dport = 53, .payload = 21,       \
		    __VA_ARGS__)
#define INET_DNS(...)                                                        \
	FROM_INET(.proto = IPPROTO_UDP, .dport = 53, .payload = 32, __VA_ARGS__)
#define HP_DNS                                                               \
	XDP_STEP(IF_LAN, CLIENT_DNS(), XDP_TX, FWD_TO_SERVER, SNAT_LAN,     \
		 .daddr = SERVER, .dport = 5353)
#define IN_DNS                                                               \
	XDP_STEP(IF_WAN, INET_DNS(), XDP_REDIRECT, FWD_TO_SERVER,           \
		 .daddr = SERVER, .dport = 5353)

/* ---- quotes: the packets as the error's sender got them ---- */

/* the hairpin datagram as the server got it: R:snat -> S:5353 */
#define Q_HP_DNS(...)                                                        \
	.quote = { .proto = IPPROTO_UDP, .saddr = LAN_ROUTER,               \
		   .daddr = SERVER, .sport = PORT_SNAT, .dport = 5353,       \
		   .payload = 21, .ttl = 63, __VA_ARGS__ }
/* the internet client's datagram as the server got it */
#define Q_IN_DNS(...)                                                        \
	.quote = { .proto = IPPROTO_UDP, .saddr = INET_CLIENT,              \
		   .daddr = SERVER, .sport = 40000, .dport = 5353,           \
		   .payload = 32, .ttl = 63, __VA_ARGS__ }
/* the server's TCP reply as the LAN / internet client got it */
#define Q_HP_REPLY(...)                                                      \
	.quote = { .saddr = PUBLIC, .daddr = LAN_CLIENT, .sport = 80,       \
		   .dport = 40001, .tcp_flags = TH_ACK, .payload = 40,       \
		   .ttl = 63, __VA_ARGS__ }
#define Q_IN_REPLY(...)                                                      \
	.quote = { .saddr = PUBLIC, .daddr = INET_CLIENT, .sport = 80,      \
		   .dport = 40000, .tcp_flags = TH_ACK, .payload = 40,       \
		   .ttl = 63, __VA_ARGS__ }

/* the errors, as they arrive at the router */
#define ERR_FROM_SERVER(dst, ...)                                            \
	ICMP_ERR(.dmac = mac_lan, .smac = mac_server, .saddr = SERVER,      \
		 .daddr = dst, __VA_ARGS__)
#define ERR_FROM_CLIENT(...)                                                 \
	ICMP_ERR(.dmac = mac_lan, .smac = mac_client, .saddr = LAN_CLIENT,  \
		 .daddr = PUBLIC, __VA_ARGS__)
#define ERR_FROM_INET(src, ...)                                              \
	ICMP_ERR(.dmac = mac_wan, .smac = mac_inet, .saddr = src,           \
		 .daddr = PUBLIC, __VA_ARGS__)

/* quote rewrites: back to what the LAN / internet client sent or got */
#define QUOTE_HP_DNS                                                         \
	.q = { .saddr = LAN_CLIENT, .daddr = PUBLIC, .sport = 40001,        \
	       .dport = 53 }
#define QUOTE_IN_DNS .q = { .daddr = PUBLIC, .dport = 53 }
#define QUOTE_TO_SERVER_HP                                                   \
	.q = { .saddr = SERVER, .daddr = LAN_ROUTER, .dport = PORT_SNAT }
#define QUOTE_TO_SERVER_IN .q = { .saddr = SERVER }

/* One error translated on the fast path after the flow's own packets. */
#define ICMP_FAST(nm, fast_cnt, n_fast, err_step, ...)                       \
	{ .name = "icmp_fast_" nm,                                           \
	  .steps = { __VA_ARGS__, err_step },                                \
	  .counters = { CNT(SESSION_CREATED, 1), CNT(fast_cnt, n_fast),     \
			CNT(ICMP_ERROR_TRANSLATED, 1) },                     \
	  .n_sessions = 2 }

static const struct script fast[] = {
	/* S -> R about R:snat -> S:5353 becomes E -> C about C:c -> E:53 */
	ICMP_FAST("port_unreach_hairpin", XDP_FAST_TX, 2,
		  XDP_STEP(IF_LAN, ERR_FROM_SERVER(LAN_ROUTER, PORT_UNREACH,
						   Q_HP_DNS()),
			   XDP_TX, FWD_TO_CLIENT, .saddr = PUBLIC,
			   .daddr = LAN_CLIENT, QUOTE_HP_DNS),
		  HP_DNS),
	/* a quoted UDP checksum of 0 (none) stays 0 */
	ICMP_FAST("port_unreach_hairpin_udp_csum_zero", XDP_FAST_TX, 2,
		  XDP_STEP(IF_LAN,
			   ERR_FROM_SERVER(LAN_ROUTER, PORT_UNREACH,
					   Q_HP_DNS(.csum = CSUM_ZERO)),
			   XDP_TX, FWD_TO_CLIENT, .saddr = PUBLIC,
			   .daddr = LAN_CLIENT, QUOTE_HP_DNS),
		  XDP_STEP(IF_LAN, CLIENT_DNS(.csum = CSUM_ZERO), XDP_TX,
			   FWD_TO_SERVER, SNAT_LAN, .daddr = SERVER,
			   .dport = 5353)),
	/* S -> C about C:c -> S:5353 becomes E -> C about C:c -> E:53 */
	ICMP_FAST("port_unreach_inet", XDP_FAST_REDIRECT, 2,
		  XDP_STEP(IF_LAN, ERR_FROM_SERVER(INET_CLIENT, PORT_UNREACH,
						   Q_IN_DNS()),
			   XDP_REDIRECT, FWD_TO_INET, .saddr = PUBLIC,
			   QUOTE_IN_DNS),
		  IN_DNS),
	/* C -> E about E:80 -> C:c becomes R -> S about S:80 -> R:snat */
	ICMP_FAST("frag_needed_hairpin", XDP_FAST_TX, 3,
		  XDP_STEP(IF_LAN, ERR_FROM_CLIENT(FRAG_NEEDED, Q_HP_REPLY()),
			   XDP_TX, FWD_TO_SERVER, .saddr = LAN_ROUTER,
			   .daddr = SERVER, QUOTE_TO_SERVER_HP),
		  HP_FWD(TH_SYN), HP_REPLY(TH_SYN | TH_ACK)),
	/* only the ports of the TCP quote: no TCP checksum to update */
	ICMP_FAST("frag_needed_hairpin_quote_8_bytes", XDP_FAST_TX, 3,
		  XDP_STEP(IF_LAN,
			   ERR_FROM_CLIENT(FRAG_NEEDED, Q_HP_REPLY(.l4_bytes = 8)),
			   XDP_TX, FWD_TO_SERVER, .saddr = LAN_ROUTER,
			   .daddr = SERVER, QUOTE_TO_SERVER_HP),
		  HP_FWD(TH_SYN), HP_REPLY(TH_SYN | TH_ACK)),
	/* C -> E about E:80 -> C:c becomes C -> S: no source rewrite */
	ICMP_FAST("frag_needed_inet", XDP_FAST_REDIRECT, 3,
		  XDP_STEP(IF_WAN,
			   ERR_FROM_INET(INET_CLIENT, FRAG_NEEDED, Q_IN_REPLY()),
			   XDP_REDIRECT, FWD_TO_SERVER, .daddr = SERVER,
			   QUOTE_TO_SERVER_IN),
		  IN_FWD(TH_SYN), IN_REPLY(TH_SYN | TH_ACK)),
	/* a router on the way keeps its own source */
	ICMP_FAST("time_exceeded_router_on_the_way", XDP_FAST_REDIRECT, 3,
		  XDP_STEP(IF_WAN,
			   ERR_FROM_INET(INET_ROUTER, TIME_EXCEEDED,
					 Q_IN_REPLY(.ttl = 1)),
			   XDP_REDIRECT, FWD_TO_SERVER, .daddr = SERVER,
			   QUOTE_TO_SERVER_IN),
		  IN_FWD(TH_SYN), IN_REPLY(TH_SYN | TH_ACK)),
	ICMP_FAST("time_exceeded_quote_8_bytes", XDP_FAST_REDIRECT, 3,
		  XDP_STEP(IF_WAN,
			   ERR_FROM_INET(INET_ROUTER, TIME_EXCEEDED,
					 Q_IN_REPLY(.ttl = 1, .l4_bytes = 8)),
			   XDP_REDIRECT, FWD_TO_SERVER, .daddr = SERVER,
			   QUOTE_TO_SERVER_IN),
		  IN_FWD(TH_SYN), IN_REPLY(TH_SYN | TH_ACK)),
};

/* ---- the slow path: XDP the quote and destination, TC the source ---- */

#define FORCED { .cfg_flags = HP_CF_NO_FAST_PATH }

/* a frame as the stack sends it out of lan0 to @dmac (TTL - 1) */
#define STACK_OUT(dmac_, ...) PKT(.dmac = dmac_, .smac = mac_lan, .ttl = 63, __VA_ARGS__)

static const struct script slow[] = {
	{ .name = "icmp_slow_port_unreach_hairpin", .opts = FORCED,
	  .steps = {
		XDP_STEP(IF_LAN, CLIENT_DNS(), XDP_PASS, .daddr = SERVER,
			 .dport = 5353),
		TC_STEP(IF_LAN,
			STACK_OUT(mac_server, .proto = IPPROTO_UDP,
				  .saddr = LAN_CLIENT, .daddr = SERVER,
				  .sport = 40001, .dport = 5353, .payload = 21),
			SNAT_LAN),
		/* quote and destination; the source is left to TC */
		XDP_STEP(IF_LAN, ERR_FROM_SERVER(LAN_ROUTER, PORT_UNREACH,
						 Q_HP_DNS()),
			 XDP_PASS, .daddr = LAN_CLIENT, QUOTE_HP_DNS),
		TC_STEP(IF_LAN,
			STACK_OUT(mac_client, .proto = IPPROTO_ICMP, .saddr = SERVER,
				  .daddr = LAN_CLIENT, PORT_UNREACH,
				  Q_HP_DNS(.saddr = LAN_CLIENT, .daddr = PUBLIC,
					   .sport = 40001, .dport = 53)),
			.saddr = PUBLIC) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_SLOW_PASS, 2),
			CNT(SLOW_FORCED, 2), CNT(ICMP_ERROR_TRANSLATED, 1),
			CNT(TC_TRANSLATED, 2) },
	  .n_sessions = 2, .n_egress = 2,
	  /* (outer saddr, new outer daddr, quoted ports) -> outer source */
	  .egress = { { IPPROTO_UDP, T(LAN_CLIENT, SERVER, 40001, 5353),
			T(LAN_ROUTER, SERVER, PORT_SNAT, 5353) },
		      { IPPROTO_ICMP, T(SERVER, LAN_CLIENT, 40001, 53),
			T(PUBLIC, LAN_CLIENT, 0, 0) } } },
	{ .name = "icmp_slow_port_unreach_inet", .opts = FORCED,
	  .steps = {
		XDP_STEP(IF_WAN, INET_DNS(), XDP_PASS, .daddr = SERVER,
			 .dport = 5353),
		XDP_STEP(IF_LAN, ERR_FROM_SERVER(INET_CLIENT, PORT_UNREACH,
						 Q_IN_DNS()),
			 XDP_PASS, QUOTE_IN_DNS),
		TC_STEP(IF_WAN,
			PKT(.dmac = mac_inet, .smac = mac_wan, .ttl = 63,
			    .proto = IPPROTO_ICMP, .saddr = SERVER,
			    .daddr = INET_CLIENT, PORT_UNREACH,
			    Q_IN_DNS(.daddr = PUBLIC, .dport = 53)),
			.saddr = PUBLIC) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_SLOW_PASS, 2),
			CNT(SLOW_FORCED, 2), CNT(ICMP_ERROR_TRANSLATED, 1),
			CNT(TC_TRANSLATED, 1) },
	  .n_sessions = 2, .n_egress = 1,
	  .egress = { { IPPROTO_ICMP, T(SERVER, INET_CLIENT, 40000, 53),
			T(PUBLIC, INET_CLIENT, 0, 0) } } },
	/*
	 * the outer source stays: XDP leaves nothing for TC, and TC, which
	 * finds the error's session through the reply's hp_egress entry,
	 * has nothing left to change
	 */
	{ .name = "icmp_slow_time_exceeded_router_on_the_way", .opts = FORCED,
	  .steps = {
		XDP_STEP(IF_WAN, FROM_INET(), XDP_PASS, .daddr = SERVER),
		XDP_SAME(IF_LAN, FROM_SERVER(.daddr = INET_CLIENT, .dport = 40000),
			 XDP_PASS),
		XDP_STEP(IF_WAN,
			 ERR_FROM_INET(INET_ROUTER, TIME_EXCEEDED,
				       Q_IN_REPLY(.ttl = 1)),
			 XDP_PASS, .daddr = SERVER, QUOTE_TO_SERVER_IN),
		TC_SAME(IF_LAN,
			STACK_OUT(mac_server, .proto = IPPROTO_ICMP,
				  .saddr = INET_ROUTER, .daddr = SERVER,
				  TIME_EXCEEDED,
				  Q_IN_REPLY(.ttl = 1, .saddr = SERVER))) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_SLOW_PASS, 3),
			CNT(SLOW_FORCED, 3), CNT(ICMP_ERROR_TRANSLATED, 1),
			CNT(TC_PASS, 1) },
	  .n_sessions = 2, .n_egress = 1,
	  .egress = { { IPPROTO_TCP, T(SERVER, INET_CLIENT, 80, 40000),
			T(PUBLIC, INET_CLIENT, 80, 40000) } } },
};

/*
 * ---- errors the router sends itself, about a packet it was forwarding
 * (translated in its destination only): TC egress translates them ----
 */

/* @first: the packet the router could not forward, on the slow path */
#define TC_OWN(nm, first, slow_cnt, ifc, err, ...)                           \
	{ .name = "icmp_tc_own_" nm,                                         \
	  .steps = { first, TC_STEP(ifc, err, __VA_ARGS__) },               \
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_SLOW_PASS, 1),     \
			CNT(slow_cnt, 1), CNT(TC_TRANSLATED, 1) },           \
	  .n_sessions = 2, .n_egress = ANY_COUNT }

/* what the router quotes: the packet after XDP's destination rewrite */
#define Q_DNAT(src, sp, dst, ...)                                            \
	.quote = { .saddr = src, .daddr = dst, .sport = sp, .dport = 80,    \
		   .tcp_flags = TH_SYN, __VA_ARGS__ }
/* the stack's errors: to the internet from PUBLIC, to the LAN from R */
#define OWN_ERR_TO_INET(...)                                                 \
	ICMP_ERR(.dmac = mac_inet, .smac = mac_wan, .saddr = PUBLIC,        \
		 .daddr = INET_CLIENT, __VA_ARGS__)
#define OWN_ERR_TO_CLIENT(...)                                               \
	ICMP_ERR(.dmac = mac_client, .smac = mac_lan, .saddr = LAN_ROUTER,  \
		 .daddr = LAN_CLIENT, __VA_ARGS__)

/*
 * A 300-byte segment to PUBLIC:8081 from @FROM meets the host route's MTU
 * 300; the router's "fragmentation needed" goes back to @client.
 */
#define TC_OWN_FRAG(nm, ifc, FROM, ERR, client, cport, ...)                  \
	TC_OWN("frag_needed_" nm,                                            \
	       XDP_STEP(ifc, FROM(.dport = 8081, .payload = 300), XDP_PASS,  \
			.daddr = SMALL_MTU_HOST, .dport = 80),               \
	       SLOW_FRAG_NEEDED, ifc,                                        \
	       ERR(.icmp_type = ICMP_DEST_UNREACH_,                          \
		   .icmp_code = ICMP_FRAG_NEEDED_, .icmp_mtu = 300,          \
		   Q_DNAT(client, cport, SMALL_MTU_HOST, .payload = 300)),   \
	       .q = { .daddr = PUBLIC, .dport = 8081 }, __VA_ARGS__)

static const struct script tc_own[] = {
	/* E -> C about C:c -> S:80 becomes E -> C about C:c -> E:80 */
	TC_OWN_FRAG("inet", IF_WAN, FROM_INET, OWN_ERR_TO_INET, INET_CLIENT,
		    40000),
	TC_OWN("time_exceeded_inet",
	       XDP_STEP(IF_WAN, FROM_INET(.ttl = 1), XDP_PASS, .daddr = SERVER),
	       SLOW_TTL, IF_WAN,
	       OWN_ERR_TO_INET(TIME_EXCEEDED,
			       Q_DNAT(INET_CLIENT, 40000, SERVER, .ttl = 1)),
	       .q = { .daddr = PUBLIC }),
	/*
	 * hairpin: the quote C:c -> S:80 leads through its hp_egress entry
	 * to the session; R -> C becomes E -> C about C:c -> E:80
	 */
	TC_OWN_FRAG("hairpin", IF_LAN, FROM_CLIENT, OWN_ERR_TO_CLIENT, LAN_CLIENT,
		    40001, .saddr = PUBLIC),
	TC_OWN("time_exceeded_hairpin",
	       XDP_STEP(IF_LAN, FROM_CLIENT(.ttl = 1), XDP_PASS, .daddr = SERVER),
	       SLOW_TTL, IF_LAN,
	       OWN_ERR_TO_CLIENT(TIME_EXCEEDED,
				 Q_DNAT(LAN_CLIENT, 40001, SERVER, .ttl = 1,
					.l4_bytes = 8)),
	       .saddr = PUBLIC, .q = { .daddr = PUBLIC }),
	/*
	 * the server's reply to the hairpin flow dies of its TTL: the quote
	 * S:80 -> C:c (XDP translated its destination) becomes S:80 -> R:snat,
	 * what the server sent; R -> S stays
	 */
	{ .name = "icmp_tc_own_time_exceeded_hairpin_reply",
	  .steps = {
		HP_FWD(TH_SYN),
		XDP_STEP(IF_LAN,
			 FROM_SERVER(.daddr = LAN_ROUTER, .dport = PORT_SNAT,
				     .ttl = 1),
			 XDP_PASS, .daddr = LAN_CLIENT, .dport = 40001),
		TC_STEP(IF_LAN,
			ICMP_ERR(.dmac = mac_server, .smac = mac_lan,
				 .saddr = LAN_ROUTER, .daddr = SERVER,
				 TIME_EXCEEDED,
				 .quote = { .saddr = SERVER, .daddr = LAN_CLIENT,
					    .sport = 80, .dport = 40001,
					    .tcp_flags = TH_SYN | TH_ACK,
					    .ttl = 1 }),
			.q = { .daddr = LAN_ROUTER, .dport = PORT_SNAT }) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_TX, 1),
			CNT(XDP_SLOW_PASS, 1), CNT(SLOW_TTL, 1),
			CNT(TC_TRANSLATED, 1) },
	  .n_sessions = 2, .n_egress = 1 },
};

/* ---- left alone ---- */

/* An error about the hairpin DNS flow, passed or dropped untranslated. */
#define ICMP_SAME(nm, pkt, verd, counter)                                    \
	{ .name = "icmp_untouched_" nm,                                      \
	  .steps = { HP_DNS, XDP_SAME(IF_LAN, pkt, verd) },                  \
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_TX, 1),       \
			CNT(counter, 1) },                                   \
	  .n_sessions = 2 }

static const struct script untouched[] = {
	/* pings between LAN hosts */
	{ .name = "icmp_untouched_echo_lan",
	  .steps = { XDP_SAME(IF_LAN,
			      FROM_CLIENT(.proto = IPPROTO_ICMP, .daddr = SERVER),
			      XDP_PASS) },
	  .counters = { CNT(PASS_ICMP, 1) } },
	{ .name = "icmp_untouched_no_session",
	  .steps = { XDP_SAME(IF_LAN,
			      ERR_FROM_SERVER(LAN_ROUTER, PORT_UNREACH,
					      Q_HP_DNS(.sport = 61000)),
			      XDP_PASS) },
	  .counters = { CNT(PASS_ICMP_NO_SESSION, 1) } },
	/* the session exists, but the quote is not what it sent */
	ICMP_SAME("quote_icmp",
		  ERR_FROM_SERVER(LAN_ROUTER, PORT_UNREACH,
				  Q_HP_DNS(.proto = IPPROTO_ICMP)),
		  XDP_PASS, PASS_ICMP_NO_SESSION),
	ICMP_SAME("quote_later_fragment",
		  ERR_FROM_SERVER(LAN_ROUTER, PORT_UNREACH,
				  Q_HP_DNS(.frag_off = 3)),
		  XDP_PASS, PASS_ICMP_NO_SESSION),
	/* a fragmented error is the stack's */
	ICMP_SAME("error_fragmented",
		  ERR_FROM_SERVER(LAN_ROUTER, PORT_UNREACH, Q_HP_DNS(),
				  .frag_off = IP_MF_FLAG),
		  XDP_PASS, PASS_FRAGMENT),
	/* a redirect (type 5) is not an error to translate */
	ICMP_SAME("redirect",
		  ERR_FROM_SERVER(LAN_ROUTER, .icmp_type = 5, Q_HP_DNS()),
		  XDP_PASS, PASS_ICMP),
	/* corrupt: neither translated nor leaked untranslated */
	ICMP_SAME("bad_csum_dropped",
		  ERR_FROM_SERVER(LAN_ROUTER, PORT_UNREACH, Q_HP_DNS(),
				  .icmp_bad_csum = true),
		  XDP_DROP, DROP_ICMP_BAD_CSUM),
	/* TC: an error of the router's own about no session */
	{ .name = "icmp_untouched_tc_own_no_session",
	  .steps = { TC_SAME(IF_WAN,
			     OWN_ERR_TO_INET(TIME_EXCEEDED,
					     Q_DNAT(INET_CLIENT, 40000, SERVER))) },
	  .counters = { CNT(TC_PASS, 1) } },
};

void register_icmp_tests(void)
{
	REGISTER(fast);
	REGISTER(slow);
	REGISTER(tc_own);
	REGISTER(untouched);
}
