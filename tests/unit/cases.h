/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Shorthands for the golden fixture tables: the packets of the story in
 * DESIGN.md as they arrive at the router, the rewrites the router makes,
 * and the session entries it must hold.
 *
 * The packet macros take designated initialisers that override the defaults
 * (FROM_INET(.dport = 22)), which is what -Woverride-init warns about; the
 * case files include this header after switching that warning off.
 */
#ifndef HP_UNIT_CASES_H
#define HP_UNIT_CASES_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <netinet/in.h>

#include "harness.h"
#include "script.h"

#pragma GCC diagnostic ignored "-Woverride-init"

/* ---- packets as they arrive ---- */

/*
 * A packet is a parenthesised compound literal so that it passes through
 * the step macros as one argument (a constant initialiser in GNU C).
 */
#define PKT(...) ((const struct pkt_spec){ __VA_ARGS__ })

/* internet client 203.0.113.2:40000 -> public 203.0.113.4:80, on wan0 */
#define FROM_INET(...)                                                       \
	PKT(.dmac = mac_wan, .smac = mac_inet, .saddr = INET_CLIENT,        \
	    .daddr = PUBLIC, .sport = 40000, .dport = 80, .tcp_flags = TH_SYN, \
	    __VA_ARGS__)
/* LAN client 192.168.0.3:40001 -> public 203.0.113.4:80, on lan0 */
#define FROM_CLIENT(...)                                                     \
	PKT(.dmac = mac_lan, .smac = mac_client, .saddr = LAN_CLIENT,       \
	    .daddr = PUBLIC, .sport = 40001, .dport = 80, .tcp_flags = TH_SYN, \
	    __VA_ARGS__)
/* the server 192.168.0.2:80 answering (set .daddr, .dport), on lan0 */
#define FROM_SERVER(...)                                                     \
	PKT(.dmac = mac_lan, .smac = mac_server, .saddr = SERVER,           \
	    .sport = 80, .tcp_flags = TH_SYN | TH_ACK, __VA_ARGS__)

/* ---- steps ---- */

#define XDP_STEP(ifc, pkt, verd, ...)                                        \
	{ .hook = HOOK_XDP, .iface = ifc, .in = pkt, .verdict = verd,       \
	  .out = { __VA_ARGS__ } }
#define TC_STEP(ifc, pkt, ...)                                               \
	{ .hook = HOOK_TC, .iface = ifc, .in = pkt, .verdict = TC_ACT_OK,   \
	  .out = { __VA_ARGS__ } }
#define XDP_SAME(ifc, pkt, verd)                                             \
	{ .hook = HOOK_XDP, .iface = ifc, .in = pkt, .verdict = verd,       \
	  .untouched = true }
#define TC_SAME(ifc, pkt)                                                    \
	{ .hook = HOOK_TC, .iface = ifc, .in = pkt, .verdict = TC_ACT_OK,   \
	  .untouched = true }

/* ---- rewrites (struct pkt_edit fields) ---- */


/* fast path out of lan0 to the server / LAN client, out of wan0 */
#define FWD_TO_SERVER .dmac = mac_server, .smac = mac_lan, .ttl_dec = 1
#define FWD_TO_CLIENT .dmac = mac_client, .smac = mac_lan, .ttl_dec = 1
#define FWD_TO_INET .dmac = mac_inet, .smac = mac_wan, .ttl_dec = 1
/* the hairpin SNAT: the router's LAN address and an allocated port */
#define SNAT_LAN .saddr = LAN_ROUTER, .sport = PORT_SNAT
/* un-DNAT / un-SNAT of a reply to the LAN client */
#define BACK_TO_CLIENT .saddr = PUBLIC, .daddr = LAN_CLIENT, .dport = 40001

/* ---- the story's packets on the fast path ---- */

/* internet client -> server, and the server's answer */
#define IN_FWD(flags)                                                        \
	XDP_STEP(IF_WAN, FROM_INET(.tcp_flags = flags), XDP_REDIRECT,       \
		 FWD_TO_SERVER, .daddr = SERVER)
#define IN_REPLY(flags)                                                      \
	XDP_STEP(IF_LAN,                                                     \
		 FROM_SERVER(.daddr = INET_CLIENT, .dport = 40000,          \
			     .tcp_flags = flags),                            \
		 XDP_REDIRECT, FWD_TO_INET, .saddr = PUBLIC)
/* LAN client -> server through the hairpin, and the server's answer */
#define HP_FWD(flags)                                                        \
	XDP_STEP(IF_LAN, FROM_CLIENT(.tcp_flags = flags), XDP_TX,           \
		 FWD_TO_SERVER, SNAT_LAN, .daddr = SERVER)
#define HP_REPLY(flags)                                                      \
	XDP_STEP(IF_LAN,                                                     \
		 FROM_SERVER(.daddr = LAN_ROUTER, .dport = PORT_SNAT,       \
			     .tcp_flags = flags),                            \
		 XDP_TX, FWD_TO_CLIENT, BACK_TO_CLIENT)

/* ---- session entries of the story's two flows ---- */

#define T(s, d, sp, dp) { s, d, sp, dp }

/* internet client -> RULE_WEB: DNAT only */
#define INET_ORIG(st, fl)                                                    \
	{ IPPROTO_TCP, T(INET_CLIENT, PUBLIC, 40000, 80),                    \
	  T(INET_CLIENT, SERVER, 40000, 80), st, fl, RULE_WEB }
#define INET_REPLY(st, fl)                                                   \
	{ IPPROTO_TCP, T(SERVER, INET_CLIENT, 80, 40000),                    \
	  T(PUBLIC, INET_CLIENT, 80, 40000), st, HP_SF_REPLY | (fl), RULE_WEB }
/* LAN client -> RULE_WEB: hairpin, SNAT to the router's LAN address */
#define HAIRPIN_ORIG(st, fl)                                                 \
	{ IPPROTO_TCP, T(LAN_CLIENT, PUBLIC, 40001, 80),                     \
	  T(LAN_ROUTER, SERVER, PORT_SNAT, 80), st, HP_SF_HAIRPIN | (fl),    \
	  RULE_WEB }
#define HAIRPIN_REPLY(st, fl)                                                \
	{ IPPROTO_TCP, T(SERVER, LAN_ROUTER, 80, PORT_SNAT),                 \
	  T(PUBLIC, LAN_CLIENT, 80, 40001), st,                              \
	  HP_SF_REPLY | HP_SF_HAIRPIN | (fl), RULE_WEB }

#define SYN_SENT HP_STATE_TCP_SYN_SENT
#define ESTAB HP_STATE_TCP_ESTABLISHED
#define CLOSING HP_STATE_TCP_CLOSING

#define CNT(name, n) { HP_##name, n }

#define REGISTER(table) register_scripts(table, sizeof(table) / sizeof(table[0]))

#endif /* HP_UNIT_CASES_H */
