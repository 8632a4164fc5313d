// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Session state: TCP/UDP state machine, expiry (with the idle timeouts cut
 * to 10 s and entries pre-populated 60 s old), hairpin SNAT port allocation
 * over a two-port range, a full session table, eviction from it of sessions
 * that never proved real, and reply-tuple clashes.
 */
#include "cases.h"

/* ---- TCP states (DNAT flow from the internet) ---- */

/* @est, @clo, @reo: transitions counted (tcp_established, _closing, ...) */
#define STATES(nm, packets, st, fl, est, clo, reo, ...)                      \
	{ .name = "state_" nm, .steps = { __VA_ARGS__ },                     \
	  .counters = { CNT(SESSION_CREATED, 1),                             \
			CNT(XDP_FAST_REDIRECT, packets),                     \
			CNT(TCP_ESTABLISHED, est), CNT(TCP_CLOSING, clo),    \
			CNT(TCP_REOPENED, reo) },                            \
	  .n_sessions = 2,                                                   \
	  .sessions = { INET_ORIG(st, fl), INET_REPLY(st, fl) },             \
	  .rule = RULE_WEB, .rule_packets = packets, .rule_sessions = 1 }

static const struct script states[] = {
	STATES("syn_retransmit", 2, SYN_SENT, 0, 0, 0, 0, IN_FWD(TH_SYN), IN_FWD(TH_SYN)),
	/* no reply seen yet: an ACK does not establish */
	STATES("ack_before_reply", 2, SYN_SENT, 0, 0, 0, 0, IN_FWD(TH_SYN),
	       IN_FWD(TH_ACK)),
	/* the handshake completed: the session proved real (assured) */
	STATES("established", 3, ESTAB, HP_SF_SEEN_REPLY | HP_SF_ASSURED, 1, 0, 0,
	       IN_FWD(TH_SYN), IN_REPLY(TH_SYN | TH_ACK), IN_FWD(TH_ACK)),
	/* a FIN half-closes: data may still flow, the session stays assured */
	STATES("fin_closing", 4, CLOSING, HP_SF_SEEN_REPLY | HP_SF_ASSURED, 1, 1, 0,
	       IN_FWD(TH_SYN), IN_REPLY(TH_SYN | TH_ACK), IN_FWD(TH_ACK),
	       IN_FWD(TH_FIN | TH_ACK)),
	STATES("reply_fin_closing", 4, CLOSING, HP_SF_SEEN_REPLY | HP_SF_ASSURED, 1, 1,
	       0, IN_FWD(TH_SYN), IN_REPLY(TH_SYN | TH_ACK), IN_FWD(TH_ACK),
	       IN_REPLY(TH_FIN | TH_ACK)),
	STATES("rst_closing", 2, CLOSING, HP_SF_SEEN_REPLY, 0, 1, 0, IN_FWD(TH_SYN),
	       IN_REPLY(TH_RST | TH_ACK)),
	/* nothing flows after a RST: the session may be evicted again */
	STATES("rst_after_established", 4, CLOSING, HP_SF_SEEN_REPLY, 1, 1, 0,
	       IN_FWD(TH_SYN), IN_REPLY(TH_SYN | TH_ACK), IN_FWD(TH_ACK),
	       IN_FWD(TH_RST)),
	/* the client reuses the 4-tuple of a closing flow */
	STATES("syn_reopens_closing", 5, SYN_SENT, 0, 1, 1, 1, IN_FWD(TH_SYN),
	       IN_REPLY(TH_SYN | TH_ACK), IN_FWD(TH_ACK),
	       IN_FWD(TH_FIN | TH_ACK), IN_FWD(TH_SYN)),
	/* after closing, data still flows until the entries expire */
	STATES("closing_still_translates", 5, CLOSING, HP_SF_SEEN_REPLY | HP_SF_ASSURED, 1, 1, 0,
	       IN_FWD(TH_SYN), IN_REPLY(TH_SYN | TH_ACK), IN_FWD(TH_ACK),
	       IN_FWD(TH_FIN | TH_ACK), IN_REPLY(TH_ACK)),
};

/* ---- expiry: timeouts 10 s, "old" entries 60 s old ---- */

#define SHORT { .timeout_sec = 10 }
#define OLD 60

/* INET_ORIG/INET_REPLY with an age, as pre-populated entries */
#define INET_ORIG_AGED(st, fl, a)                                            \
	{ IPPROTO_TCP, T(INET_CLIENT, PUBLIC, 40000, 80),                    \
	  T(INET_CLIENT, SERVER, 40000, 80), st, fl, RULE_WEB, a }
#define INET_REPLY_AGED(st, fl, a)                                           \
	{ IPPROTO_TCP, T(SERVER, INET_CLIENT, 80, 40000),                    \
	  T(PUBLIC, INET_CLIENT, 80, 40000), st, HP_SF_REPLY | (fl),        \
	  RULE_WEB, a }

#define EST_SESSION(orig_age, reply_age)                                     \
	{ INET_ORIG_AGED(ESTAB, HP_SF_SEEN_REPLY, orig_age),                 \
	  INET_REPLY_AGED(ESTAB, HP_SF_SEEN_REPLY, reply_age) }

static const struct script expiry[] = {
	/* a new SYN on the tuple of a dead session starts afresh */
	{ .name = "expiry_syn_replaces_dead_session", .opts = SHORT,
	  .pre = EST_SESSION(OLD, OLD),
	  .steps = { IN_FWD(TH_SYN) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(SESSION_REPLACED, 1),
			CNT(XDP_FAST_REDIRECT, 1) },
	  .n_sessions = 2,
	  .sessions = { INET_ORIG(SYN_SENT, 0), INET_REPLY(SYN_SENT, 0) } },
	/* a reply to a dead session is not translated */
	{ .name = "expiry_dead_reply_passes", .opts = SHORT,
	  .pre = EST_SESSION(OLD, OLD),
	  .steps = { XDP_SAME(IF_LAN,
			      FROM_SERVER(.daddr = INET_CLIENT, .dport = 40000,
					  .tcp_flags = TH_ACK),
			      XDP_PASS) },
	  .counters = { CNT(PASS_EXPIRED_REPLY, 1) },
	  .n_sessions = ANY_COUNT },
	/* nor is a non-SYN of the original direction */
	{ .name = "expiry_dead_orig_ack_passes", .opts = SHORT,
	  .pre = EST_SESSION(OLD, OLD),
	  .steps = { XDP_SAME(IF_WAN, FROM_INET(.tcp_flags = TH_ACK),
			      XDP_PASS) },
	  .counters = { CNT(PASS_NOT_SYN, 1) },
	  .n_sessions = ANY_COUNT },
	/* one half idle, the other live: the session is live */
	{ .name = "expiry_orig_idle_peer_live", .opts = SHORT,
	  .pre = EST_SESSION(OLD, 0),
	  .steps = { IN_FWD(TH_ACK) },
	  .counters = { CNT(XDP_FAST_REDIRECT, 1) },
	  .n_sessions = 2, .sessions = EST_SESSION(0, 0) },
	{ .name = "expiry_reply_idle_peer_live", .opts = SHORT,
	  .pre = EST_SESSION(0, OLD),
	  .steps = { IN_REPLY(TH_ACK) },
	  .counters = { CNT(XDP_FAST_REDIRECT, 1) },
	  .n_sessions = 2, .sessions = EST_SESSION(0, 0) },
	/* below the timeout nothing is expired */
	{ .name = "expiry_young_session_lives", .opts = SHORT,
	  .pre = EST_SESSION(5, 5),
	  .steps = { IN_FWD(TH_ACK) },
	  .counters = { CNT(XDP_FAST_REDIRECT, 1) },
	  .n_sessions = 2,
	  .sessions = { INET_ORIG_AGED(ESTAB, HP_SF_SEEN_REPLY, 0),
			INET_REPLY_AGED(ESTAB, HP_SF_SEEN_REPLY, 5) } },
};

/* ---- hairpin SNAT port allocation over 61000-61001 ---- */

#define TWO_PORTS { .snat_lo = 61000, .snat_hi = 61001, .timeout_sec = 10 }

/* A hairpin session of another LAN host (192.168.0.7x:50000) on @port. */
#define OTHER_HOST(n) IP4(192, 168, 0, 70 + (n))
#define OCCUPANT(n, port, a)                                                 \
	{ IPPROTO_TCP, T(OTHER_HOST(n), PUBLIC, 50000, 80),                  \
	  T(LAN_ROUTER, SERVER, port, 80), ESTAB,                            \
	  HP_SF_HAIRPIN | HP_SF_SEEN_REPLY, RULE_WEB, a },                   \
	{ IPPROTO_TCP, T(SERVER, LAN_ROUTER, 80, port),                      \
	  T(PUBLIC, OTHER_HOST(n), 80, 50000), ESTAB,                        \
	  HP_SF_REPLY | HP_SF_HAIRPIN | HP_SF_SEEN_REPLY, RULE_WEB, a }

#define HAIRPIN_SYN_TO(port)                                                 \
	XDP_STEP(IF_LAN, FROM_CLIENT(), XDP_TX, FWD_TO_SERVER,              \
		 .saddr = LAN_ROUTER, .sport = port, .daddr = SERVER)

static const struct script alloc[] = {
	{ .name = "alloc_single_port_range",
	  .opts = { .snat_lo = 61000, .snat_hi = 61000 },
	  .steps = { HAIRPIN_SYN_TO(61000) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_TX, 1) },
	  .n_sessions = 2 },
	{ .name = "alloc_skips_live_61000", .opts = TWO_PORTS,
	  .pre = { OCCUPANT(1, 61000, 1) },
	  .steps = { HAIRPIN_SYN_TO(61001) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_TX, 1) },
	  .n_sessions = 4, .sessions = { OCCUPANT(1, 61000, 1) } },
	{ .name = "alloc_skips_live_61001", .opts = TWO_PORTS,
	  .pre = { OCCUPANT(2, 61001, 1) },
	  .steps = { HAIRPIN_SYN_TO(61000) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_TX, 1) },
	  .n_sessions = 4, .sessions = { OCCUPANT(2, 61001, 1) } },
	/* all ports live: the new flow is dropped, nothing half-inserted */
	{ .name = "alloc_exhausted_drops", .opts = TWO_PORTS,
	  .pre = { OCCUPANT(1, 61000, 1), OCCUPANT(2, 61001, 1) },
	  .steps = { XDP_SAME(IF_LAN, FROM_CLIENT(), XDP_DROP) },
	  .counters = { CNT(DROP_PORTS_EXHAUSTED, 1) },
	  .n_sessions = 4,
	  .sessions = { OCCUPANT(1, 61000, 1), OCCUPANT(2, 61001, 1) } },
	/* a dead occupant's port is taken over */
	{ .name = "alloc_reclaims_expired", .opts = TWO_PORTS,
	  .pre = { OCCUPANT(1, 61000, 1), OCCUPANT(2, 61001, OLD) },
	  .steps = { HAIRPIN_SYN_TO(61001) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_TX, 1) },
	  .n_sessions = ANY_COUNT,
	  .sessions = { { IPPROTO_TCP, T(SERVER, LAN_ROUTER, 80, 61001),
			  T(PUBLIC, LAN_CLIENT, 80, 40001), SYN_SENT,
			  HP_SF_REPLY | HP_SF_HAIRPIN, RULE_WEB } } },
	/*
	 * ... and the dead occupant's original half, if still there, must
	 * not come back to life through the new owner of its peer key: its
	 * next packet is not rewritten onto the new flow's port.
	 */
	{ .name = "alloc_reclaimed_half_stays_dead", .opts = TWO_PORTS,
	  .pre = { OCCUPANT(1, 61000, 1), OCCUPANT(2, 61001, OLD) },
	  .steps = { HAIRPIN_SYN_TO(61001),
		     XDP_SAME(IF_LAN,
			      FROM_CLIENT(.saddr = OTHER_HOST(2), .sport = 50000,
					  .tcp_flags = TH_ACK),
			      XDP_PASS) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_TX, 1),
			CNT(PASS_NOT_SYN, 1) },
	  .n_sessions = ANY_COUNT },
};

/* ---- bounded table, clashes ---- */

/* two live internet sessions from 203.0.113.2x:4000x fill 4 entries */
#define INET_HOST(n) IP4(203, 0, 113, 20 + (n))
#define INET_SESSION(n)                                                      \
	{ IPPROTO_TCP, T(INET_HOST(n), PUBLIC, 40000, 80),                   \
	  T(INET_HOST(n), SERVER, 40000, 80), ESTAB, HP_SF_SEEN_REPLY,       \
	  RULE_WEB, 1 },                                                     \
	{ IPPROTO_TCP, T(SERVER, INET_HOST(n), 80, 40000),                   \
	  T(PUBLIC, INET_HOST(n), 80, 40000), ESTAB,                         \
	  HP_SF_REPLY | HP_SF_SEEN_REPLY, RULE_WEB, 1 }

#define TABLE_FULL(nm, entries, ifc, pkt)                                    \
	{ .name = "table_full_" nm, .opts = { .session_entries = entries },  \
	  .pre = { INET_SESSION(1), INET_SESSION(2) },                       \
	  .steps = { XDP_SAME(ifc, pkt, XDP_DROP) },                        \
	  .counters = { CNT(DROP_TABLE_FULL, 1) },                           \
	  .n_sessions = 4,                                                   \
	  .sessions = { INET_SESSION(1), INET_SESSION(2) } }

static const struct script table[] = {
	/* 4 entries: the reply entry cannot be inserted */
	TABLE_FULL("4", 4, IF_WAN, FROM_INET()),
	/* 5 entries: the reply entry goes in, the original cannot, and the
	 * reply entry must be rolled back */
	TABLE_FULL("5_rollback", 5, IF_WAN, FROM_INET()),
	TABLE_FULL("5_rollback_hairpin", 5, IF_LAN, FROM_CLIENT()),
	/* existing sessions keep working in a full table */
	{ .name = "table_full_existing_flows_live",
	  .opts = { .session_entries = 4 },
	  .pre = { INET_SESSION(1), INET_SESSION(2) },
	  .steps = { XDP_STEP(IF_WAN,
			      FROM_INET(.saddr = INET_HOST(2), .tcp_flags = TH_ACK),
			      XDP_REDIRECT, FWD_TO_SERVER, .daddr = SERVER) },
	  .counters = { CNT(XDP_FAST_REDIRECT, 1) },
	  .n_sessions = 4 },
	/*
	 * a hairpin flow on a port with no IPv4 address in hp_ifaces (dmz0
	 * is not attached): there is nothing to SNAT to, so it is dropped
	 */
	{ .name = "drop_no_snat_addr",
	  .steps = { XDP_SAME(IF_DMZ,
			      PKT(.dmac = mac_dmz, .smac = mac_dmzhost,
				  .saddr = DMZ_HOST, .daddr = PUBLIC,
				  .sport = 40003, .dport = 443,
				  .tcp_flags = TH_SYN),
			      XDP_DROP) },
	  .counters = { CNT(DROP_NO_SNAT_ADDR, 1) } },
	/*
	 * 203.0.113.2:40000 opens PUBLIC:81 and then PUBLIC:80, both of
	 * which lead to SERVER:80: the second flow's reply tuple
	 * (SERVER:80 -> 203.0.113.2:40000) is taken, so it is dropped
	 * rather than stealing the first flow's replies.
	 */
	{ .name = "clash_reply_tuple_taken",
	  .steps = { XDP_STEP(IF_WAN, FROM_INET(.dport = 81), XDP_REDIRECT,
			      FWD_TO_SERVER, .daddr = SERVER, .dport = 80),
		     XDP_SAME(IF_WAN, FROM_INET(), XDP_DROP) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_REDIRECT, 1),
			CNT(DROP_SESSION_CLASH, 1) },
	  .n_sessions = 2,
	  .sessions = { { IPPROTO_TCP, T(SERVER, INET_CLIENT, 80, 40000),
			  T(PUBLIC, INET_CLIENT, 81, 40000), SYN_SENT,
			  HP_SF_REPLY, RULE_HAIRPIN_OFF } } },
};

/*
 * ---- eviction: a full table (2 sessions) makes room from sessions that
 * never proved real, oldest first, and never from proved ones ----
 */

/*
 * Flow n: the internet client from port 41000 + n, TCP to the web forward
 * or UDP to the DNS forward, and the server's answers.
 */
#define FLOW_PORT(n) (41000 + (n))
#define SYN_FROM(n)                                                          \
	XDP_STEP(IF_WAN, FROM_INET(.sport = FLOW_PORT(n)), XDP_REDIRECT,     \
		 FWD_TO_SERVER, .daddr = SERVER)
#define ACK_FROM(n)                                                          \
	XDP_STEP(IF_WAN, FROM_INET(.sport = FLOW_PORT(n), .tcp_flags = TH_ACK), \
		 XDP_REDIRECT, FWD_TO_SERVER, .daddr = SERVER)
#define SYNACK_TO(n)                                                         \
	XDP_STEP(IF_LAN,                                                     \
		 FROM_SERVER(.daddr = INET_CLIENT, .dport = FLOW_PORT(n)),   \
		 XDP_REDIRECT, FWD_TO_INET, .saddr = PUBLIC)
#define HANDSHAKE(n) SYN_FROM(n), SYNACK_TO(n), ACK_FROM(n)
#define HOST_SESSION(n, st, fl)                                              \
	{ IPPROTO_TCP, T(INET_CLIENT, PUBLIC, FLOW_PORT(n), 80),             \
	  T(INET_CLIENT, SERVER, FLOW_PORT(n), 80), st, fl, RULE_WEB },      \
	{ IPPROTO_TCP, T(SERVER, INET_CLIENT, 80, FLOW_PORT(n)),             \
	  T(PUBLIC, INET_CLIENT, 80, FLOW_PORT(n)), st, HP_SF_REPLY | (fl),  \
	  RULE_WEB }
#define PROVED (HP_SF_SEEN_REPLY | HP_SF_ASSURED)

#define UDP_FROM(n)                                                          \
	XDP_STEP(IF_WAN, FROM_INET(.proto = IPPROTO_UDP, .dport = 53,        \
				   .sport = FLOW_PORT(n)),                   \
		 XDP_REDIRECT, FWD_TO_SERVER, .daddr = SERVER, .dport = 5353)
#define UDP_TO(n)                                                            \
	XDP_STEP(IF_LAN,                                                     \
		 FROM_SERVER(.proto = IPPROTO_UDP, .sport = 5353,            \
			     .daddr = INET_CLIENT, .dport = FLOW_PORT(n)),   \
		 XDP_REDIRECT, FWD_TO_INET, .saddr = PUBLIC, .sport = 53)
#define UDP_SESSION(n, fl)                                                   \
	{ IPPROTO_UDP, T(INET_CLIENT, PUBLIC, FLOW_PORT(n), 53),             \
	  T(INET_CLIENT, SERVER, FLOW_PORT(n), 5353), HP_STATE_UDP, fl,      \
	  RULE_DNS },                                                        \
	{ IPPROTO_UDP, T(SERVER, INET_CLIENT, 5353, FLOW_PORT(n)),           \
	  T(PUBLIC, INET_CLIENT, 53, FLOW_PORT(n)), HP_STATE_UDP,            \
	  HP_SF_REPLY | (fl), RULE_DNS }

#define TWO_SESSIONS { .session_entries = 4 }

static const struct script evict[] = {
	/* a SYN flood's sessions: the oldest goes for the new flow */
	{ .name = "evict_oldest_handshake", .opts = TWO_SESSIONS,
	  .steps = { SYN_FROM(1), SYN_FROM(2), SYN_FROM(3) },
	  .counters = { CNT(SESSION_CREATED, 3), CNT(SESSION_EVICTED, 1),
			CNT(XDP_FAST_REDIRECT, 3) },
	  .n_sessions = 4,
	  .sessions = { HOST_SESSION(2, SYN_SENT, 0), HOST_SESSION(3, SYN_SENT, 0) } },
	/* answered by the server but never completed: still a flood's */
	{ .name = "evict_answered_handshake", .opts = TWO_SESSIONS,
	  .steps = { SYN_FROM(1), SYNACK_TO(1), SYN_FROM(2), SYN_FROM(3) },
	  .counters = { CNT(SESSION_CREATED, 3), CNT(SESSION_EVICTED, 1),
			CNT(XDP_FAST_REDIRECT, 4) },
	  .n_sessions = 4,
	  .sessions = { HOST_SESSION(2, SYN_SENT, 0), HOST_SESSION(3, SYN_SENT, 0) } },
	/* an established session is passed over for a younger handshake */
	{ .name = "evict_spares_established", .opts = TWO_SESSIONS,
	  .steps = { HANDSHAKE(1), SYN_FROM(2), SYN_FROM(3),
		     /* and it still translates */
		     ACK_FROM(1) },
	  .counters = { CNT(SESSION_CREATED, 3), CNT(SESSION_EVICTED, 1),
			CNT(TCP_ESTABLISHED, 1), CNT(XDP_FAST_REDIRECT, 6) },
	  .n_sessions = 4,
	  .sessions = { HOST_SESSION(1, ESTAB, PROVED), HOST_SESSION(3, SYN_SENT, 0) } },
	/* negative control: nothing that may go, the new flow is dropped */
	{ .name = "evict_none_when_all_proved", .opts = TWO_SESSIONS,
	  .steps = { HANDSHAKE(1), HANDSHAKE(2),
		     XDP_SAME(IF_WAN, FROM_INET(.sport = FLOW_PORT(3)), XDP_DROP) },
	  .counters = { CNT(SESSION_CREATED, 2), CNT(TCP_ESTABLISHED, 2),
			CNT(XDP_FAST_REDIRECT, 6), CNT(DROP_TABLE_FULL, 1) },
	  .n_sessions = 4,
	  .sessions = { HOST_SESSION(1, ESTAB, PROVED), HOST_SESSION(2, ESTAB, PROVED) } },
	/* a reset connection proved nothing more: it may go */
	{ .name = "evict_reset_session", .opts = TWO_SESSIONS,
	  .steps = { HANDSHAKE(1),
		     XDP_STEP(IF_WAN,
			      FROM_INET(.sport = FLOW_PORT(1), .tcp_flags = TH_RST),
			      XDP_REDIRECT, FWD_TO_SERVER, .daddr = SERVER),
		     HANDSHAKE(2), SYN_FROM(3) },
	  .counters = { CNT(SESSION_CREATED, 3), CNT(SESSION_EVICTED, 1),
			CNT(TCP_ESTABLISHED, 2), CNT(TCP_CLOSING, 1),
			CNT(XDP_FAST_REDIRECT, 8) },
	  .n_sessions = 4,
	  .sessions = { HOST_SESSION(2, ESTAB, PROVED), HOST_SESSION(3, SYN_SENT, 0) } },
	/*
	 * UDP: a flow never answered, or answered once (one exchange, as a
	 * DNS query), may go; one that asked again after the answer stays.
	 */
	{ .name = "evict_udp_oneway", .opts = TWO_SESSIONS,
	  .steps = { UDP_FROM(1), UDP_FROM(2), UDP_TO(2), UDP_FROM(2), UDP_FROM(3) },
	  .counters = { CNT(SESSION_CREATED, 3), CNT(SESSION_EVICTED, 1),
			CNT(XDP_FAST_REDIRECT, 5) },
	  .n_sessions = 4,
	  .sessions = { UDP_SESSION(2, PROVED), UDP_SESSION(3, 0) } },
	{ .name = "evict_udp_one_exchange", .opts = TWO_SESSIONS,
	  .steps = { UDP_FROM(1), UDP_TO(1), UDP_FROM(2), UDP_TO(2), UDP_FROM(2),
		     UDP_FROM(3) },
	  .counters = { CNT(SESSION_CREATED, 3), CNT(SESSION_EVICTED, 1),
			CNT(XDP_FAST_REDIRECT, 6) },
	  .n_sessions = 4,
	  .sessions = { UDP_SESSION(2, PROVED), UDP_SESSION(3, 0) } },
	{ .name = "evict_none_udp_streams", .opts = TWO_SESSIONS,
	  .steps = { UDP_FROM(1), UDP_TO(1), UDP_FROM(1), UDP_FROM(2), UDP_TO(2),
		     UDP_FROM(2),
		     XDP_SAME(IF_WAN, FROM_INET(.proto = IPPROTO_UDP, .dport = 53,
						.sport = FLOW_PORT(3)),
			      XDP_DROP) },
	  .counters = { CNT(SESSION_CREATED, 2), CNT(XDP_FAST_REDIRECT, 6),
			CNT(DROP_TABLE_FULL, 1) },
	  .n_sessions = 4,
	  .sessions = { UDP_SESSION(1, PROVED), UDP_SESSION(2, PROVED) } },
	/*
	 * hairpin: one SNAT port, taken by a handshake that never completed;
	 * the next flow evicts it and takes its port, and the evicted flow's
	 * next packet is not rewritten onto it
	 */
	{ .name = "evict_hairpin_port",
	  .opts = { .snat_lo = 61000, .snat_hi = 61000 },
	  .steps = { XDP_STEP(IF_LAN, FROM_CLIENT(.saddr = OTHER_HOST(1)), XDP_TX,
			      FWD_TO_SERVER, SNAT_LAN, .daddr = SERVER),
		     HP_FWD(TH_SYN),
		     XDP_SAME(IF_LAN,
			      FROM_CLIENT(.saddr = OTHER_HOST(1), .tcp_flags = TH_ACK),
			      XDP_PASS) },
	  .counters = { CNT(SESSION_CREATED, 2), CNT(SESSION_EVICTED, 1),
			CNT(XDP_FAST_TX, 2), CNT(PASS_NOT_SYN, 1) },
	  .n_sessions = 2,
	  .sessions = { HAIRPIN_ORIG(SYN_SENT, 0), HAIRPIN_REPLY(SYN_SENT, 0) } },
};

void register_session_tests(void)
{
	REGISTER(states);
	REGISTER(expiry);
	REGISTER(alloc);
	REGISTER(table);
	REGISTER(evict);
}
