// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Golden fixtures for single flows: traffic that must pass untouched, the
 * fast path (DNAT of a new flow, hairpin DNAT+SNAT, reply un-DNAT/un-SNAT)
 * and checksum handling (full, partial, UDP zero, odd lengths, padding).
 */
#include "cases.h"

/* ---- traffic that matches nothing must come out as it went in ---- */

#define UNTOUCHED(nm, pkt, counter)                                          \
	{ .name = "untouched_" nm,                                           \
	  .steps = { XDP_SAME(IF_WAN, pkt, XDP_PASS) },                     \
	  .counters = { CNT(counter, 1) } }

static const struct script untouched[] = {
	UNTOUCHED("no_rule_tcp", FROM_INET(.dport = 22), PASS_NO_MATCH),
	UNTOUCHED("no_rule_udp",
		  FROM_INET(.proto = IPPROTO_UDP, .dport = 80), PASS_NO_MATCH),
	UNTOUCHED("no_rule_other_addr",
		  FROM_INET(.daddr = IP4(203, 0, 113, 5)), PASS_NO_MATCH),
	UNTOUCHED("ipv6", FROM_INET(.ethertype = ETH_P_IPV6), PASS_NOT_IPV4),
	UNTOUCHED("arp", FROM_INET(.ethertype = ETH_P_ARP), PASS_NOT_IPV4),
	UNTOUCHED("vlan_no_rule", FROM_INET(.vlan_id = 10, .dport = 22),
		  PASS_NO_MATCH),
	UNTOUCHED("vlan_ipv6", FROM_INET(.vlan_id = 10, .ethertype = ETH_P_IPV6),
		  PASS_NOT_IPV4),
	/* echo to the public address is the router's own business */
	UNTOUCHED("icmp_echo", FROM_INET(.proto = IPPROTO_ICMP), PASS_ICMP),
	UNTOUCHED("gre", FROM_INET(.proto = 47), PASS_NOT_TCP_UDP),
	/* later fragments of no datagram seen: they overtook their first */
	UNTOUCHED("middle_fragment_alone",
		  FROM_INET(.frag_off = IP_MF_FLAG | 100), PASS_FRAGMENT),
	UNTOUCHED("last_fragment_alone", FROM_INET(.frag_off = 185),
		  PASS_FRAGMENT),
	UNTOUCHED("truncated_ipv4", FROM_INET(.truncate = 14 + 12),
		  PASS_MALFORMED),
	UNTOUCHED("ihl_4", FROM_INET(.ihl = 4), PASS_MALFORMED),
	UNTOUCHED("ihl_past_end", FROM_INET(.ihl = 15), PASS_MALFORMED),
	UNTOUCHED("truncated_ip_options",
		  FROM_INET(.opt_words = 2, .truncate = 14 + 24),
		  PASS_MALFORMED),
	UNTOUCHED("truncated_tcp", FROM_INET(.truncate = 14 + 20 + 10),
		  PASS_MALFORMED),
	UNTOUCHED("truncated_udp",
		  FROM_INET(.proto = IPPROTO_UDP, .dport = 53,
			    .truncate = 14 + 20 + 4),
		  PASS_MALFORMED),
	/* headers whole, but the datagram is longer than the frame */
	UNTOUCHED("truncated_payload",
		  FROM_INET(.payload = 20, .truncate = 14 + 20 + 20 + 10),
		  PASS_MALFORMED),
	UNTOUCHED("tcp_doff_4", FROM_INET(.doff = 4), PASS_MALFORMED),
	UNTOUCHED("tcp_doff_past_end", FROM_INET(.doff = 15), PASS_MALFORMED),
	UNTOUCHED("tcp_ack_no_session", FROM_INET(.tcp_flags = TH_ACK),
		  PASS_NOT_SYN),
	UNTOUCHED("tcp_synack_no_session",
		  FROM_INET(.tcp_flags = TH_SYN | TH_ACK), PASS_NOT_SYN),
	UNTOUCHED("tcp_rst_no_session", FROM_INET(.tcp_flags = TH_RST),
		  PASS_NOT_SYN),
	UNTOUCHED("reply_no_session",
		  FROM_SERVER(.dmac = mac_wan, .daddr = INET_CLIENT,
			      .dport = 40000),
		  PASS_NO_MATCH),
	/* TC egress leaves what hp_egress does not name alone */
	{ .name = "untouched_tc_no_entry",
	  .steps = { TC_SAME(IF_LAN, FROM_CLIENT(.daddr = SERVER)) },
	  .counters = { CNT(TC_PASS, 1) } },
	{ .name = "untouched_tc_arp",
	  .steps = { TC_SAME(IF_WAN, FROM_INET(.ethertype = ETH_P_ARP)) },
	  .counters = { CNT(TC_PASS, 1) } },
	{ .name = "untouched_tc_ipv6",
	  .steps = { TC_SAME(IF_WAN, FROM_INET(.ethertype = ETH_P_IPV6)) },
	  .counters = { CNT(TC_PASS, 1) } },
};

/* ---- the fast path ---- */

/* One new internet flow redirected to the server through lan0. */
#define INET_FAST(nm, pkt, ...)                                              \
	{ .name = "fast_" nm,                                                \
	  .steps = { XDP_STEP(IF_WAN, pkt, XDP_REDIRECT, FWD_TO_SERVER,     \
			      .daddr = SERVER, __VA_ARGS__) },               \
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_REDIRECT, 1) }, \
	  .n_sessions = 2 }

/* One new hairpin flow sent back out of lan0 with XDP_TX. */
#define HAIRPIN_FAST(nm, pkt, ...)                                           \
	{ .name = "fast_hairpin_" nm,                                        \
	  .steps = { XDP_STEP(IF_LAN, pkt, XDP_TX, FWD_TO_SERVER, SNAT_LAN, \
			      .daddr = SERVER, __VA_ARGS__) },               \
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_TX, 1) },     \
	  .n_sessions = 2 }

#define INET_UDP(...)                                                        \
	FROM_INET(.proto = IPPROTO_UDP, .dport = 53, .payload = 32, __VA_ARGS__)

static const struct script fast[] = {
	{ .name = "fast_inet_syn",
	  .steps = { IN_FWD(TH_SYN) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_REDIRECT, 1) },
	  .n_sessions = 2,
	  .sessions = { INET_ORIG(SYN_SENT, 0), INET_REPLY(SYN_SENT, 0) },
	  .rule = RULE_WEB, .rule_packets = 1, .rule_sessions = 1 },
	{ .name = "fast_inet_reply",
	  .steps = { IN_FWD(TH_SYN), IN_REPLY(TH_SYN | TH_ACK) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_REDIRECT, 2) },
	  .n_sessions = 2,
	  .sessions = { INET_ORIG(SYN_SENT, HP_SF_SEEN_REPLY),
			INET_REPLY(SYN_SENT, HP_SF_SEEN_REPLY) },
	  .rule = RULE_WEB, .rule_packets = 2, .rule_sessions = 1 },
	{ .name = "fast_hairpin_syn",
	  .steps = { HP_FWD(TH_SYN) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_TX, 1) },
	  .n_sessions = 2,
	  .sessions = { HAIRPIN_ORIG(SYN_SENT, 0), HAIRPIN_REPLY(SYN_SENT, 0) },
	  .rule = RULE_WEB, .rule_packets = 1, .rule_sessions = 1 },
	{ .name = "fast_hairpin_reply",
	  .steps = { HP_FWD(TH_SYN), HP_REPLY(TH_SYN | TH_ACK) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_TX, 2) },
	  .n_sessions = 2,
	  .sessions = { HAIRPIN_ORIG(SYN_SENT, HP_SF_SEEN_REPLY),
			HAIRPIN_REPLY(SYN_SENT, HP_SF_SEEN_REPLY) },
	  .rule = RULE_WEB, .rule_packets = 2, .rule_sessions = 1 },
	/* hairpin off: DNAT only, the server would answer the client
	 * directly (the story's broken router, by choice) */
	{ .name = "fast_hairpin_off",
	  .steps = { XDP_STEP(IF_LAN, FROM_CLIENT(.dport = 81), XDP_TX,
			      FWD_TO_SERVER, .daddr = SERVER, .dport = 80) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_TX, 1) },
	  .n_sessions = 2,
	  .sessions = { { IPPROTO_TCP, T(LAN_CLIENT, PUBLIC, 40001, 81),
			  T(LAN_CLIENT, SERVER, 40001, 80), SYN_SENT, 0,
			  RULE_HAIRPIN_OFF },
			{ IPPROTO_TCP, T(SERVER, LAN_CLIENT, 80, 40001),
			  T(PUBLIC, LAN_CLIENT, 81, 40001), SYN_SENT,
			  HP_SF_REPLY, RULE_HAIRPIN_OFF } } },
	/* hairpin external: SNAT to the rule's public address */
	{ .name = "fast_hairpin_external",
	  .steps = { XDP_STEP(IF_LAN, FROM_CLIENT(.dport = 82), XDP_TX,
			      FWD_TO_SERVER, .saddr = PUBLIC,
			      .sport = PORT_SNAT, .daddr = SERVER,
			      .dport = 80) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_TX, 1) },
	  .n_sessions = 2,
	  .sessions = { { IPPROTO_TCP, T(LAN_CLIENT, PUBLIC, 40001, 82),
			  T(PUBLIC, SERVER, PORT_SNAT, 80), SYN_SENT,
			  HP_SF_HAIRPIN, RULE_HAIRPIN_EXT },
			{ IPPROTO_TCP, T(SERVER, PUBLIC, 80, PORT_SNAT),
			  T(PUBLIC, LAN_CLIENT, 82, 40001), SYN_SENT,
			  HP_SF_REPLY | HP_SF_HAIRPIN, RULE_HAIRPIN_EXT } } },
	{ .name = "fast_udp",
	  .steps = { XDP_STEP(IF_WAN, INET_UDP(), XDP_REDIRECT, FWD_TO_SERVER,
			      .daddr = SERVER, .dport = 5353) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_REDIRECT, 1) },
	  .n_sessions = 2,
	  .sessions = { { IPPROTO_UDP, T(INET_CLIENT, PUBLIC, 40000, 53),
			  T(INET_CLIENT, SERVER, 40000, 5353), HP_STATE_UDP,
			  0, RULE_DNS },
			{ IPPROTO_UDP, T(SERVER, INET_CLIENT, 5353, 40000),
			  T(PUBLIC, INET_CLIENT, 53, 40000), HP_STATE_UDP,
			  HP_SF_REPLY, RULE_DNS } },
	  .rule = RULE_DNS, .rule_packets = 1, .rule_sessions = 1 },
	{ .name = "fast_udp_reply",
	  .steps = { XDP_STEP(IF_WAN, INET_UDP(), XDP_REDIRECT, FWD_TO_SERVER,
			      .daddr = SERVER, .dport = 5353),
		     XDP_STEP(IF_LAN,
			      FROM_SERVER(.proto = IPPROTO_UDP, .sport = 5353,
					  .daddr = INET_CLIENT, .dport = 40000,
					  .payload = 48),
			      XDP_REDIRECT, FWD_TO_INET, .saddr = PUBLIC,
			      .sport = 53) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_REDIRECT, 2) },
	  .n_sessions = 2,
	  .sessions = { { IPPROTO_UDP, T(INET_CLIENT, PUBLIC, 40000, 53),
			  T(INET_CLIENT, SERVER, 40000, 5353), HP_STATE_UDP,
			  HP_SF_SEEN_REPLY, RULE_DNS },
			{ IPPROTO_UDP, T(SERVER, INET_CLIENT, 5353, 40000),
			  T(PUBLIC, INET_CLIENT, 53, 40000), HP_STATE_UDP,
			  HP_SF_REPLY | HP_SF_SEEN_REPLY, RULE_DNS } },
	  .rule = RULE_DNS, .rule_packets = 2, .rule_sessions = 1 },
	/* the fib lookup alone must not decide: a TTL of 2 still forwards */
	INET_FAST("ttl_2", FROM_INET(.ttl = 2)),
	INET_FAST("tcp_payload", FROM_INET(.tcp_flags = TH_SYN, .payload = 100)),
	INET_FAST("tcp_odd_payload", FROM_INET(.payload = 33)),
	INET_FAST("no_df", FROM_INET(.frag_off = FRAG_NONE)),
	/* a SYN that asks for ECN (RFC 3168: SYN|ECE|CWR) is a new flow */
	INET_FAST("syn_ecn", FROM_INET(.tcp_flags = TH_SYN | 0x40 | 0x80)),
	/* Ethernet padding after the datagram: lengths come from tot_len */
	INET_FAST("padded", FROM_INET(.pad = 6)),
	INET_FAST("udp_padded", INET_UDP(.payload = 2, .pad = 8), .dport = 5353),
	INET_FAST("udp_csum_zero", INET_UDP(.csum = CSUM_ZERO), .dport = 5353),
	INET_FAST("udp_odd_payload", INET_UDP(.payload = 13), .dport = 5353),
	HAIRPIN_FAST("udp", FROM_CLIENT(.proto = IPPROTO_UDP, .dport = 53,
					.payload = 21),
		     .dport = 5353),
	HAIRPIN_FAST("udp_csum_zero",
		     FROM_CLIENT(.proto = IPPROTO_UDP, .dport = 53,
				 .payload = 21, .csum = CSUM_ZERO),
		     .dport = 5353),
};

/*
 * Segments whose translated checksum computes to 0 (see struct step's
 * zero_csum): UDP must carry 0xffff, TCP 0, on every path.
 */
#define ZERO_SUM(nm, ifc, pkt, verd, fast_cnt, ...)                          \
	{ .name = "csum_computes_zero_" nm,                                  \
	  .steps = { { .hook = HOOK_XDP, .iface = ifc, .in = pkt,           \
		       .verdict = verd, .zero_csum = true,                   \
		       .out = { __VA_ARGS__ } } },                           \
	  .counters = { CNT(SESSION_CREATED, 1), CNT(fast_cnt, 1) },        \
	  .n_sessions = 2 }

static const struct script zero_sum[] = {
	ZERO_SUM("udp", IF_WAN, INET_UDP(), XDP_REDIRECT, XDP_FAST_REDIRECT,
		 FWD_TO_SERVER, .daddr = SERVER, .dport = 5353),
	ZERO_SUM("tcp", IF_WAN, FROM_INET(.payload = 10), XDP_REDIRECT,
		 XDP_FAST_REDIRECT, FWD_TO_SERVER, .daddr = SERVER),
	ZERO_SUM("udp_hairpin", IF_LAN,
		 FROM_CLIENT(.proto = IPPROTO_UDP, .dport = 53, .payload = 6),
		 XDP_TX, XDP_FAST_TX, FWD_TO_SERVER, SNAT_LAN, .daddr = SERVER,
		 .dport = 5353),
	/* finishing a partial checksum that computes to 0 */
	{ .name = "csum_computes_zero_udp_partial",
	  .steps = { { .hook = HOOK_XDP, .iface = IF_WAN,
		       .in = INET_UDP(.csum = CSUM_PARTIAL),
		       .verdict = XDP_REDIRECT, .zero_csum = true,
		       .out = { FWD_TO_SERVER, .daddr = SERVER, .dport = 5353,
				.csum_to = TO_FULL } } },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_REDIRECT, 1),
			CNT(CSUM_PARTIAL_FINISHED, 1) },
	  .n_sessions = 2 },
};

/*
 * Partial checksums (a local sender over veth leaves the pseudo-header sum
 * in the field): an xdp_frame carries no checksum state, so the fast path
 * must put a finished checksum on the wire.
 */
#define PARTIAL_FAST(nm, ifc, pkt, verd, fast_cnt, ...)                      \
	{ .name = "fast_partial_" nm,                                        \
	  .steps = { XDP_STEP(ifc, pkt, verd, .daddr = SERVER,              \
			      .csum_to = TO_FULL, __VA_ARGS__) },            \
	  .counters = { CNT(SESSION_CREATED, 1), CNT(fast_cnt, 1),          \
			CNT(CSUM_PARTIAL_FINISHED, 1) },                     \
	  .n_sessions = 2 }

static const struct script partial[] = {
	PARTIAL_FAST("tcp", IF_WAN, FROM_INET(.csum = CSUM_PARTIAL, .payload = 40),
		     XDP_REDIRECT, XDP_FAST_REDIRECT, FWD_TO_SERVER),
	PARTIAL_FAST("tcp_odd", IF_WAN,
		     FROM_INET(.csum = CSUM_PARTIAL, .payload = 41),
		     XDP_REDIRECT, XDP_FAST_REDIRECT, FWD_TO_SERVER),
	PARTIAL_FAST("tcp_padded", IF_WAN,
		     FROM_INET(.csum = CSUM_PARTIAL, .pad = 6), XDP_REDIRECT,
		     XDP_FAST_REDIRECT, FWD_TO_SERVER),
	PARTIAL_FAST("udp_padded", IF_WAN,
		     INET_UDP(.csum = CSUM_PARTIAL, .payload = 3, .pad = 7),
		     XDP_REDIRECT, XDP_FAST_REDIRECT, FWD_TO_SERVER,
		     .dport = 5353),
	PARTIAL_FAST("udp", IF_WAN,
		     INET_UDP(.csum = CSUM_PARTIAL, .payload = 100),
		     XDP_REDIRECT, XDP_FAST_REDIRECT, FWD_TO_SERVER,
		     .dport = 5353),
	PARTIAL_FAST("hairpin_tcp", IF_LAN,
		     FROM_CLIENT(.csum = CSUM_PARTIAL, .payload = 64), XDP_TX,
		     XDP_FAST_TX, FWD_TO_SERVER, SNAT_LAN),
	PARTIAL_FAST("hairpin_udp", IF_LAN,
		     FROM_CLIENT(.proto = IPPROTO_UDP, .dport = 53,
				 .csum = CSUM_PARTIAL, .payload = 9),
		     XDP_TX, XDP_FAST_TX, FWD_TO_SERVER, SNAT_LAN,
		     .dport = 5353),
};

/*
 * Fragments: the first carries the ports and goes through its session;
 * later ones (no L4 header: their checksum field is payload, left 0 here)
 * follow the addresses their first was given.
 */
#define FIRST_FRAG .frag_off = IP_MF_FLAG, .payload = 12
#define LATER_FRAG .frag_off = 4, .payload = 4, .csum = CSUM_ZERO

/* A fragment of the hairpin flow as the stack sends it to the server. */
#define TC_FRAG_STEP(frag, ...)                                              \
	TC_STEP(IF_LAN,                                                      \
		FROM_CLIENT(frag, .dmac = mac_server, .smac = mac_lan,      \
			    .daddr = SERVER, .ttl = 63),                     \
		__VA_ARGS__)

static const struct script frags[] = {
	{ .name = "frag_first_translated",
	  .steps = { XDP_STEP(IF_WAN, FROM_INET(FIRST_FRAG), XDP_REDIRECT,
			      FWD_TO_SERVER, .daddr = SERVER) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_REDIRECT, 1) },
	  .n_sessions = 2 },
	{ .name = "frag_later_follows_first",
	  .steps = { XDP_STEP(IF_WAN, FROM_INET(FIRST_FRAG), XDP_REDIRECT,
			      FWD_TO_SERVER, .daddr = SERVER),
		     XDP_STEP(IF_WAN, FROM_INET(LATER_FRAG), XDP_REDIRECT,
			      FWD_TO_SERVER, .daddr = SERVER) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_REDIRECT, 2),
			CNT(FRAG_TRANSLATED, 1) },
	  .n_sessions = 2 },
	{ .name = "frag_later_follows_first_hairpin",
	  .steps = { XDP_STEP(IF_LAN, FROM_CLIENT(FIRST_FRAG), XDP_TX,
			      FWD_TO_SERVER, SNAT_LAN, .daddr = SERVER),
		     XDP_STEP(IF_LAN, FROM_CLIENT(LATER_FRAG), XDP_TX,
			      FWD_TO_SERVER, .saddr = LAN_ROUTER,
			      .daddr = SERVER) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_TX, 2),
			CNT(FRAG_TRANSLATED, 1) },
	  .n_sessions = 2 },
	/* another datagram (IP id) of the same flow knows no addresses */
	{ .name = "frag_later_other_id_untouched",
	  .steps = { XDP_STEP(IF_WAN, FROM_INET(FIRST_FRAG), XDP_REDIRECT,
			      FWD_TO_SERVER, .daddr = SERVER),
		     XDP_SAME(IF_WAN, FROM_INET(LATER_FRAG, .ip_id = 0x4321),
			      XDP_PASS) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_REDIRECT, 1),
			CNT(PASS_FRAGMENT, 1) },
	  .n_sessions = 2 },
	/* slow path: TC finishes both fragments' source */
	{ .name = "frag_slow_hairpin_tc",
	  .opts = { .cfg_flags = HP_CF_NO_FAST_PATH },
	  .steps = { XDP_STEP(IF_LAN, FROM_CLIENT(FIRST_FRAG), XDP_PASS,
			      .daddr = SERVER),
		     XDP_STEP(IF_LAN, FROM_CLIENT(LATER_FRAG), XDP_PASS,
			      .daddr = SERVER),
		     TC_FRAG_STEP(FIRST_FRAG, SNAT_LAN),
		     TC_FRAG_STEP(LATER_FRAG, .saddr = LAN_ROUTER) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_SLOW_PASS, 2),
			CNT(SLOW_FORCED, 2), CNT(FRAG_TRANSLATED, 1),
			CNT(TC_TRANSLATED, 2) },
	  .n_sessions = 2, .n_egress = 1 },
	/*
	 * A datagram XDP passed whole and the stack fragmented (longer than
	 * the egress MTU, DF clear): TC finishes its first fragment from
	 * hp_egress, and the later ones must follow it (issue 10.8).
	 */
	{ .name = "frag_made_by_the_stack_tc",
	  .opts = { .cfg_flags = HP_CF_NO_FAST_PATH },
	  .steps = { XDP_STEP(IF_LAN, FROM_CLIENT(.frag_off = FRAG_NONE, .payload = 20),
			      XDP_PASS, .daddr = SERVER),
		     TC_FRAG_STEP(FIRST_FRAG, SNAT_LAN),
		     TC_FRAG_STEP(LATER_FRAG, .saddr = LAN_ROUTER) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_SLOW_PASS, 1),
			CNT(SLOW_FORCED, 1), CNT(TC_TRANSLATED, 2) },
	  .n_sessions = 2, .n_egress = 1 },
};

/* 802.1Q: the fib answers for the trunk, so tagged frames go slow */
static const struct script vlan[] = {
	{ .name = "vlan_slow_path",
	  .steps = { XDP_STEP(IF_WAN, FROM_INET(.vlan_id = 10), XDP_PASS,
			      .daddr = SERVER) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_SLOW_PASS, 1),
			CNT(SLOW_VLAN, 1) },
	  .n_sessions = 2 },
	{ .name = "vlan_slow_path_hairpin_partial",
	  .steps = { XDP_STEP(IF_LAN,
			      FROM_CLIENT(.vlan_id = 7, .csum = CSUM_PARTIAL,
					  .payload = 9),
			      XDP_PASS, .daddr = SERVER) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_SLOW_PASS, 1),
			CNT(SLOW_VLAN, 1) },
	  .n_sessions = 2, .n_egress = 1 },
};

void register_golden_tests(void)
{
	REGISTER(untouched);
	REGISTER(fast);
	REGISTER(partial);
	REGISTER(zero_sum);
	REGISTER(frags);
	REGISTER(vlan);
}
