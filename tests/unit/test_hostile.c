// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Hostile input (issue 10): what a router checks before it forwards, on the
 * packets XDP and TC translate, and what they must never do to packets
 * they do not translate. Each case pairs the hostile packet with the same
 * packet made honest (or the check switched off), which is translated: the
 * negative control that shows the check is what stops it.
 *
 * - IPv4 header checksum (RFC 1812 5.2.2), options included: dropped and
 *   counted when the packet would be translated, passed untouched when no
 *   rule or session wants it (the stack drops it itself).
 * - ICMP errors: translated only when addressed to the quoted packet's
 *   source as that side sees it (nf_conntrack_inet_error()).
 * - Reverse path: the ingress port's rp_filter, strict or loose.
 * - A packet never takes another flow's translation.
 * - hp_egress hand-offs carry their session's rule.
 */
#include <string.h>
#include <bpf/bpf.h>

#include "cases.h"

#define BAD_IP .ip_csum = IP_CSUM_BAD
#define STRICT { .rp_filter = HP_RP_STRICT }
#define LOOSE { .rp_filter = HP_RP_LOOSE }
#define FORCED_SLOW { .cfg_flags = HP_CF_NO_FAST_PATH }

/* UDP to RULE_DNS: LAN client (hairpin) and internet client */
#define CLIENT_DNS(...)                                                      \
	FROM_CLIENT(.proto = IPPROTO_UDP, .dport = 53, .payload = 21,       \
		    __VA_ARGS__)
#define INET_DNS(...)                                                        \
	FROM_INET(.proto = IPPROTO_UDP, .dport = 53, .payload = 32, __VA_ARGS__)
#define HP_DNS_STEP(...)                                                     \
	XDP_STEP(IF_LAN, CLIENT_DNS(__VA_ARGS__), XDP_TX, FWD_TO_SERVER,    \
		 SNAT_LAN, .daddr = SERVER, .dport = 5353)
#define IN_DNS_STEP(...)                                                     \
	XDP_STEP(IF_WAN, INET_DNS(__VA_ARGS__), XDP_REDIRECT, FWD_TO_SERVER, \
		 .daddr = SERVER, .dport = 5353)
/* the LAN client's datagram as a spoofer on the internet side sends it */
#define SPOOF_DNS(...)                                                       \
	CLIENT_DNS(.dmac = mac_wan, .smac = mac_inet, __VA_ARGS__)

#define TC_SHOT(ifc, pkt)                                                    \
	{ .hook = HOOK_TC, .iface = ifc, .in = pkt, .verdict = TC_ACT_SHOT, \
	  .untouched = true }

/* ---- 1. IPv4 header checksum ---- */

static const struct script ip_csum[] = {
	/* a new flow: no session made; the honest SYN then is translated */
	{ .name = "hostile_ipcsum_new_flow_dropped",
	  .steps = { XDP_SAME(IF_WAN, FROM_INET(BAD_IP), XDP_DROP),
		     IN_FWD(TH_SYN) },
	  .counters = { CNT(DROP_IP_BAD_CSUM, 1), CNT(SESSION_CREATED, 1),
			CNT(XDP_FAST_REDIRECT, 1) },
	  .n_sessions = 2, .n_egress = 0 },
	/* a packet of a live session (hairpin, UDP) */
	{ .name = "hostile_ipcsum_session_dropped",
	  .steps = { HP_DNS_STEP(),
		     XDP_SAME(IF_LAN, CLIENT_DNS(BAD_IP), XDP_DROP),
		     HP_DNS_STEP() },
	  .counters = { CNT(DROP_IP_BAD_CSUM, 1), CNT(SESSION_CREATED, 1),
			CNT(XDP_FAST_TX, 2) },
	  .n_sessions = 2 },
	/* options are part of the header: a sum over 20 bytes is not enough */
	{ .name = "hostile_ipcsum_options_summed",
	  .opts = FORCED_SLOW,
	  .steps = { XDP_SAME(IF_WAN,
			      FROM_INET(.opt_words = 2,
					.ip_csum = IP_CSUM_NO_OPTS),
			      XDP_DROP),
		     XDP_STEP(IF_WAN, FROM_INET(.opt_words = 2), XDP_PASS,
			      .daddr = SERVER) },
	  .counters = { CNT(DROP_IP_BAD_CSUM, 1), CNT(SESSION_CREATED, 1),
			CNT(XDP_SLOW_PASS, 1), CNT(SLOW_FORCED, 1) },
	  .n_sessions = 2 },
	/* a later fragment of a translated datagram */
	/* a TCP first fragment of 20 + 12 bytes: the next starts at 4 x 8 */
	{ .name = "hostile_ipcsum_later_fragment_dropped",
	  .steps = { XDP_STEP(IF_WAN, FROM_INET(.frag_off = IP_MF_FLAG,
						.payload = 12),
			      XDP_REDIRECT, FWD_TO_SERVER, .daddr = SERVER),
		     XDP_SAME(IF_WAN, FROM_INET(.frag_off = 4, .payload = 4,
						.csum = CSUM_ZERO, BAD_IP),
			      XDP_DROP),
		     XDP_STEP(IF_WAN, FROM_INET(.frag_off = 4, .payload = 4,
						.csum = CSUM_ZERO),
			      XDP_REDIRECT, FWD_TO_SERVER, .daddr = SERVER) },
	  .counters = { CNT(DROP_IP_BAD_CSUM, 1), CNT(SESSION_CREATED, 1),
			CNT(XDP_FAST_REDIRECT, 2), CNT(FRAG_TRANSLATED, 1) },
	  .n_sessions = 2 },
	/* no rule, no session: not ours to judge (the stack drops it) */
	{ .name = "hostile_ipcsum_no_rule_untouched",
	  .steps = { XDP_SAME(IF_WAN, FROM_INET(.dport = 9999, BAD_IP),
			      XDP_PASS) },
	  .counters = { CNT(PASS_NO_MATCH, 1) },
	  .n_sessions = 0 },
	/* TC egress: the hand-off is finished only for a sound header */
	{ .name = "hostile_ipcsum_tc_dropped",
	  .opts = FORCED_SLOW,
	  .steps = { XDP_STEP(IF_LAN, CLIENT_DNS(), XDP_PASS, .daddr = SERVER,
			      .dport = 5353),
		     TC_SHOT(IF_LAN,
			     CLIENT_DNS(.dmac = mac_server, .smac = mac_lan,
					.daddr = SERVER, .dport = 5353,
					.ttl = 63, BAD_IP)),
		     TC_STEP(IF_LAN,
			     CLIENT_DNS(.dmac = mac_server, .smac = mac_lan,
					.daddr = SERVER, .dport = 5353,
					.ttl = 63),
			     SNAT_LAN) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_SLOW_PASS, 1),
			CNT(SLOW_FORCED, 1), CNT(TC_DROP_IP_BAD_CSUM, 1),
			CNT(TC_TRANSLATED, 1) },
	  .n_sessions = 2, .n_egress = 1 },
	/* TC: what it does not translate it does not judge either */
	{ .name = "hostile_ipcsum_tc_no_session_untouched",
	  .steps = { TC_SAME(IF_LAN,
			     CLIENT_DNS(.dmac = mac_server, .smac = mac_lan,
					.daddr = SERVER, .dport = 5353,
					.ttl = 63, BAD_IP)) },
	  .counters = { CNT(TC_PASS, 1) },
	  .n_sessions = 0 },
};

/* ---- 2. ICMP errors' outer addresses ---- */

#define FRAG_NEEDED                                                          \
	.icmp_type = ICMP_DEST_UNREACH_, .icmp_code = ICMP_FRAG_NEEDED_,    \
	.icmp_mtu = 1400
/* a LAN client's error about the server's reply, as that client got it */
#define CLIENT_ERR(dst, ...)                                                 \
	PKT(.proto = IPPROTO_ICMP, .dmac = mac_lan, .smac = mac_client,     \
	    .saddr = LAN_CLIENT, .daddr = dst, FRAG_NEEDED,                 \
	    .quote = { .saddr = PUBLIC, .daddr = LAN_CLIENT, .sport = 80,   \
		       .dport = 40001, .tcp_flags = TH_ACK, .payload = 40,   \
		       .ttl = 63, .l4_bytes = 8 },                           \
	    __VA_ARGS__)
#define UNRELATED IP4(203, 0, 113, 77)
/* translated: R -> S about S:80 -> R:snat (test_icmp.c) */
#define CLIENT_ERR_TRANSLATED                                                \
	XDP_STEP(IF_LAN, CLIENT_ERR(PUBLIC), XDP_TX, FWD_TO_SERVER,         \
		 .saddr = LAN_ROUTER, .daddr = SERVER,                       \
		 .q = { .saddr = SERVER, .daddr = LAN_ROUTER,                \
			.dport = PORT_SNAT })

static const struct script icmp_outer[] = {
	/* the case: to an unrelated internet address, untouched */
	{ .name = "hostile_icmp_outer_dst_unrelated_untouched",
	  .steps = { HP_FWD(TH_SYN), HP_REPLY(TH_SYN | TH_ACK),
		     XDP_SAME(IF_LAN, CLIENT_ERR(UNRELATED), XDP_PASS),
		     CLIENT_ERR_TRANSLATED },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_TX, 3),
			CNT(PASS_ICMP_OUTER_MISMATCH, 1),
			CNT(ICMP_ERROR_TRANSLATED, 1) },
	  .n_sessions = 2 },
	/* to the server itself (an address of the other side): untouched */
	{ .name = "hostile_icmp_outer_dst_other_side_untouched",
	  .steps = { HP_FWD(TH_SYN), HP_REPLY(TH_SYN | TH_ACK),
		     XDP_SAME(IF_LAN, CLIENT_ERR(SERVER), XDP_PASS) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_TX, 2),
			CNT(PASS_ICMP_OUTER_MISMATCH, 1) },
	  .n_sessions = 2 },
	/* a header checksum error on an error that would be translated */
	{ .name = "hostile_icmp_ip_csum_dropped",
	  .steps = { HP_FWD(TH_SYN), HP_REPLY(TH_SYN | TH_ACK),
		     XDP_SAME(IF_LAN, CLIENT_ERR(PUBLIC, BAD_IP), XDP_DROP),
		     CLIENT_ERR_TRANSLATED },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_TX, 3),
			CNT(DROP_IP_BAD_CSUM, 1),
			CNT(ICMP_ERROR_TRANSLATED, 1) },
	  .n_sessions = 2 },
};

/* ---- 4. reverse path ---- */

static const struct script rp[] = {
	/* strict: a LAN source from the WAN makes no session */
	{ .name = "hostile_rp_strict_spoofed_new_flow_dropped", .opts = STRICT,
	  .steps = { XDP_SAME(IF_WAN, SPOOF_DNS(), XDP_DROP), IN_DNS_STEP() },
	  .counters = { CNT(DROP_RP_FILTER, 1), CNT(SESSION_CREATED, 1),
			CNT(XDP_FAST_REDIRECT, 1) },
	  .n_sessions = 2 },
	/*
	 * The case: the spoofed packet matches the LAN client's live
	 * hairpin session. Strict: dropped; off (the negative control): it
	 * reaches the server from the router's own address.
	 */
	{ .name = "hostile_rp_strict_spoofed_session_dropped", .opts = STRICT,
	  .steps = { HP_DNS_STEP(), XDP_SAME(IF_WAN, SPOOF_DNS(), XDP_DROP),
		     HP_DNS_STEP() },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_TX, 2),
			CNT(DROP_RP_FILTER, 1) },
	  .n_sessions = 2 },
	{ .name = "hostile_rp_off_spoofed_session_hairpinned",
	  .steps = { HP_DNS_STEP(),
		     XDP_STEP(IF_WAN, SPOOF_DNS(), XDP_REDIRECT, FWD_TO_SERVER,
			      SNAT_LAN, .daddr = SERVER, .dport = 5353) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_TX, 1),
			CNT(XDP_FAST_REDIRECT, 1) },
	  .n_sessions = 2 },
	/* strict: the honest flows of both sides, both directions, pass */
	{ .name = "hostile_rp_strict_honest_flows", .opts = STRICT,
	  .steps = { HP_FWD(TH_SYN), HP_REPLY(TH_SYN | TH_ACK),
		     IN_FWD(TH_SYN), IN_REPLY(TH_SYN | TH_ACK) },
	  .counters = { CNT(SESSION_CREATED, 2), CNT(XDP_FAST_TX, 2),
			CNT(XDP_FAST_REDIRECT, 2) },
	  .n_sessions = 4 },
	/* loose: a route back by another port is enough... */
	{ .name = "hostile_rp_loose_other_port_passes", .opts = LOOSE,
	  .steps = { XDP_STEP(IF_WAN, SPOOF_DNS(), XDP_REDIRECT, FWD_TO_SERVER,
			      .daddr = SERVER, .dport = 5353) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_REDIRECT, 1) },
	  .n_sessions = 2 },
	/* ...no route back at all is not (strict neither; off lets it in) */
	{ .name = "hostile_rp_loose_no_route_back_dropped", .opts = LOOSE,
	  .steps = { XDP_SAME(IF_WAN, INET_DNS(.saddr = UNREACHABLE_HOST),
			      XDP_DROP) },
	  .counters = { CNT(DROP_RP_FILTER, 1) },
	  .n_sessions = 0 },
	{ .name = "hostile_rp_strict_no_route_back_dropped", .opts = STRICT,
	  .steps = { XDP_SAME(IF_WAN, INET_DNS(.saddr = UNREACHABLE_HOST),
			      XDP_DROP) },
	  .counters = { CNT(DROP_RP_FILTER, 1) },
	  .n_sessions = 0 },
	{ .name = "hostile_rp_off_no_route_back_translated",
	  .steps = { IN_DNS_STEP(.saddr = UNREACHABLE_HOST) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_REDIRECT, 1) },
	  .n_sessions = 2 },
	/* untranslated traffic is the stack's to check */
	{ .name = "hostile_rp_strict_no_rule_untouched", .opts = STRICT,
	  .steps = { XDP_SAME(IF_WAN, SPOOF_DNS(.dport = 9999), XDP_PASS) },
	  .counters = { CNT(PASS_NO_MATCH, 1) },
	  .n_sessions = 0 },
};

/* ---- 4. no packet takes another flow's translation ---- */

static const struct script other_flow[] = {
	/*
	 * The internet client on the LAN client's ports: a session of its
	 * own (DNAT only), never the hairpin one.
	 */
	{ .name = "hostile_flow_same_ports_own_session",
	  .steps = { HP_DNS_STEP(),
		     IN_DNS_STEP(.sport = 40001) },
	  .counters = { CNT(SESSION_CREATED, 2), CNT(XDP_FAST_TX, 1),
			CNT(XDP_FAST_REDIRECT, 1) },
	  .n_sessions = 4 },
	/*
	 * A later fragment with the id of a translated datagram but another
	 * source (the spoofer's guess) follows nothing: hp_frags is keyed by
	 * source, destination, protocol and id.
	 */
	{ .name = "hostile_flow_fragment_other_source_untouched",
	  .steps = { XDP_STEP(IF_LAN, CLIENT_DNS(.frag_off = IP_MF_FLAG,
						 .payload = 16),
			      XDP_TX, FWD_TO_SERVER, SNAT_LAN, .daddr = SERVER,
			      .dport = 5353),
		     XDP_SAME(IF_WAN, INET_DNS(.frag_off = 3, .payload = 4,
					       .csum = CSUM_ZERO),
			      XDP_PASS) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_TX, 1),
			CNT(PASS_FRAGMENT, 1) },
	  .n_sessions = 2 },
	/*
	 * IP id reuse: once a translated datagram is complete, a datagram to
	 * a port no rule forwards, on the same IP id from the same source,
	 * makes its first fragment forget the older entry; its later
	 * fragments stay untranslated (they followed the older datagram's
	 * translation to the server). While the older one is incomplete, a
	 * second first fragment is its duplicate or overlap (frag.h), as the
	 * kernel's reassembly judges it.
	 */
	{ .name = "hostile_flow_fragment_id_reused_untouched",
	  .steps = { XDP_STEP(IF_WAN, INET_DNS(.frag_off = IP_MF_FLAG,
					       .payload = 16),
			      XDP_REDIRECT, FWD_TO_SERVER, .daddr = SERVER,
			      .dport = 5353),
		     XDP_STEP(IF_WAN, INET_DNS(.frag_off = 3, .payload = 4,
					       .csum = CSUM_ZERO),
			      XDP_REDIRECT, FWD_TO_SERVER, .daddr = SERVER),
		     XDP_SAME(IF_WAN, INET_DNS(.dport = 9999,
					       .frag_off = IP_MF_FLAG,
					       .payload = 16),
			      XDP_PASS),
		     XDP_SAME(IF_WAN, INET_DNS(.frag_off = 3, .payload = 4,
					       .csum = CSUM_ZERO),
			      XDP_PASS) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_REDIRECT, 2),
			CNT(FRAG_TRANSLATED, 1), CNT(PASS_NO_MATCH, 1),
			CNT(PASS_FRAGMENT, 1) },
	  .n_sessions = 2 },
};

/* ---- 6. hand-offs carry their rule ---- */

#define RULE_DNS2 RULE_MAX /* udp PUBLIC:54 -> SERVER:5354 */

/* every hp_egress entry belongs to RULE_WEB or RULE_DNS2, one of each kind */
static void check_egress_rules(struct fx *fx, __u16 snat_port)
{
	struct hp_session_key k, *prev = NULL;
	unsigned int web = 0, dns2 = 0;
	struct hp_session e;

	(void)snat_port;
	while (!bpf_map_get_next_key(fx->egress, prev, &k)) {
		prev = &k;
		if (!ASSERT_OK(bpf_map_lookup_elem(fx->egress, &k, &e), "hp_egress lookup"))
			return;
		if (k.proto == IPPROTO_TCP && e.rule_id == RULE_WEB)
			web++;
		else if (k.proto == IPPROTO_UDP && e.rule_id == RULE_DNS2)
			dns2++;
		else
			(void)ASSERT_TRUE(false, "hp_egress entry with another rule id");
	}
	ASSERT_EQ(web, 1, "hp_egress entries of RULE_WEB");
	ASSERT_EQ(dns2, 1, "hp_egress entries of RULE_DNS2");
}

static const struct script handoff[] = {
	{ .name = "hostile_egress_handoff_rule_ids",
	  .opts = FORCED_SLOW,
	  .rules = { { RULE_DNS2, { IPPROTO_UDP, 54, 0, SERVER, 5354, 0,
				    HP_HAIRPIN_INTERNAL, 0 } } },
	  .steps = { XDP_STEP(IF_LAN, FROM_CLIENT(), XDP_PASS, .daddr = SERVER),
		     XDP_STEP(IF_LAN, CLIENT_DNS(.dport = 54), XDP_PASS,
			      .daddr = SERVER, .dport = 5354) },
	  .counters = { CNT(SESSION_CREATED, 2), CNT(XDP_SLOW_PASS, 2),
			CNT(SLOW_FORCED, 2) },
	  .n_sessions = 4, .n_egress = 2,
	  .check = check_egress_rules },
};

void register_hostile_tests(void)
{
	REGISTER(ip_csum);
	REGISTER(icmp_outer);
	REGISTER(rp);
	REGISTER(other_flow);
	REGISTER(handoff);
}
