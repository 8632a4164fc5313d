// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Fragments that repeat or overlap what of their datagram went through
 * (RFC 1858, RFC 3128; bpf/lib/frag.h): the exact verdict and frame of each
 * and the counter that says why, beside legitimate datagrams in and out of
 * order that still come out translated. A later fragment is built as a TCP
 * header and payload, so it spans 20 + payload bytes at 8 * offset.
 */
#include "cases.h"

/* MF, offset 0: bytes [0, 32), its TCP header [0, 20) */
#define F_FIRST(...) FROM_INET(.frag_off = IP_MF_FLAG, .payload = 12, __VA_ARGS__)
/* a later fragment at 8 * @off bytes, 20 + @pl long, MF if @mf */
#define F_AT(off, pl, mf, ...)                                               \
	FROM_INET(.frag_off = ((mf) ? IP_MF_FLAG : 0) | (off), .payload = (pl), \
		  .csum = CSUM_ZERO, __VA_ARGS__)
/* the rest of a legitimate datagram: [32, 64) and [64, 88) */
#define F_MID F_AT(4, 12, 1)
#define F_LAST F_AT(8, 4, 0)

/* through the fast path to the server / dropped / left alone */
#define TO_SERVER(pkt) XDP_STEP(IF_WAN, pkt, XDP_REDIRECT, FWD_TO_SERVER, .daddr = SERVER)
#define DROPPED(pkt) XDP_SAME(IF_WAN, pkt, XDP_DROP)

/* A datagram's steps after its first fragment; counters beyond the first. */
#define FRAG_CASE(nm, ...) { .name = "frag_" nm, .steps = { TO_SERVER(F_FIRST()), __VA_ARGS__ }
#define FIRST_COUNTS CNT(SESSION_CREATED, 1)

static const struct script frag_legit[] = {
	FRAG_CASE("in_order", TO_SERVER(F_MID), TO_SERVER(F_LAST)),
	  .counters = { FIRST_COUNTS, CNT(XDP_FAST_REDIRECT, 3), CNT(FRAG_TRANSLATED, 2) },
	  .n_sessions = 2 },
	/* the last fragment overtakes the middle one: a hole, then filled */
	FRAG_CASE("out_of_order", TO_SERVER(F_LAST), TO_SERVER(F_MID)),
	  .counters = { FIRST_COUNTS, CNT(XDP_FAST_REDIRECT, 3), CNT(FRAG_TRANSLATED, 2) },
	  .n_sessions = 2 },
	/* pieces in reverse order after the first: three holes tracked */
	FRAG_CASE("reverse_order", TO_SERVER(F_AT(10, 4, 0)), TO_SERVER(F_AT(8, 0, 1)),
		  TO_SERVER(F_AT(6, 0, 1)), TO_SERVER(F_AT(4, 0, 1))),
	  .counters = { FIRST_COUNTS, CNT(XDP_FAST_REDIRECT, 5), CNT(FRAG_TRANSLATED, 4) },
	  .n_sessions = 2 },
	/* complete: the same IP id's next datagram goes through too */
	FRAG_CASE("id_reused_after_complete", TO_SERVER(F_MID), TO_SERVER(F_LAST),
		  TO_SERVER(F_FIRST()), TO_SERVER(F_MID)),
	  .counters = { FIRST_COUNTS, CNT(XDP_FAST_REDIRECT, 5), CNT(FRAG_TRANSLATED, 3) },
	  .n_sessions = 2 },
};

static const struct script frag_hostile[] = {
	/* RFC 1858: offset 1 rewrites the TCP header from byte 8 on */
	FRAG_CASE("tcp_offset_1", DROPPED(F_AT(1, 4, 1)), DROPPED(F_MID), DROPPED(F_LAST)),
	  .counters = { FIRST_COUNTS, CNT(XDP_FAST_REDIRECT, 1), CNT(DROP_FRAG_HEADER, 1),
			CNT(DROP_FRAG_DISCARDED, 2) },
	  .n_sessions = 2 },
	/* a second first fragment: other ports, other length; no session */
	FRAG_CASE("second_first_other_ports",
		  DROPPED(FROM_INET(.frag_off = IP_MF_FLAG, .payload = 20, .sport = 40005)),
		  DROPPED(F_MID)),
	  .counters = { FIRST_COUNTS, CNT(XDP_FAST_REDIRECT, 1), CNT(DROP_FRAG_HEADER, 1),
			CNT(DROP_FRAG_DISCARDED, 1) },
	  .n_sessions = 2 },
	/* the same first fragment twice: the repeat dropped, the datagram kept */
	FRAG_CASE("duplicate_first", DROPPED(F_FIRST()), TO_SERVER(F_MID), TO_SERVER(F_LAST)),
	  .counters = { FIRST_COUNTS, CNT(XDP_FAST_REDIRECT, 3), CNT(FRAG_TRANSLATED, 2),
			CNT(DROP_FRAG_DUPLICATE, 1) },
	  .n_sessions = 2 },
	FRAG_CASE("duplicate_middle", TO_SERVER(F_MID), DROPPED(F_MID), TO_SERVER(F_LAST)),
	  .counters = { FIRST_COUNTS, CNT(XDP_FAST_REDIRECT, 3), CNT(FRAG_TRANSLATED, 2),
			CNT(DROP_FRAG_DUPLICATE, 1) },
	  .n_sessions = 2 },
	/* inside what went through, past the header: a repeat */
	{ .name = "frag_inside_first_past_header",
	  .steps = { TO_SERVER(FROM_INET(.frag_off = IP_MF_FLAG, .payload = 28)), /* [0, 48) */
		     DROPPED(F_AT(3, 0, 1)), TO_SERVER(F_AT(6, 12, 1)) },
	  .counters = { FIRST_COUNTS, CNT(XDP_FAST_REDIRECT, 2), CNT(FRAG_TRANSLATED, 1),
			CNT(DROP_FRAG_DUPLICATE, 1) },
	  .n_sessions = 2 },
	/* [48, 80) over [32, 64): dropped and the datagram discarded */
	FRAG_CASE("tail_overlap", TO_SERVER(F_MID), DROPPED(F_AT(6, 12, 1)), DROPPED(F_LAST)),
	  .counters = { FIRST_COUNTS, CNT(XDP_FAST_REDIRECT, 2), CNT(FRAG_TRANSLATED, 1),
			CNT(DROP_FRAG_OVERLAP, 1), CNT(DROP_FRAG_DISCARDED, 1) },
	  .n_sessions = 2 },
	/* [24, 40) over the end of the first fragment */
	FRAG_CASE("overlap_into_first", DROPPED(F_AT(3, 0, 0)), DROPPED(F_MID)),
	  .counters = { FIRST_COUNTS, CNT(XDP_FAST_REDIRECT, 1), CNT(DROP_FRAG_OVERLAP, 1),
			CNT(DROP_FRAG_DISCARDED, 1) },
	  .n_sessions = 2 },
	/* the last fragment ends at 56; one beyond it is corrupt */
	FRAG_CASE("past_the_end", TO_SERVER(F_AT(4, 4, 0)), DROPPED(F_AT(8, 4, 1))),
	  .counters = { FIRST_COUNTS, CNT(XDP_FAST_REDIRECT, 2), CNT(FRAG_TRANSLATED, 1),
			CNT(DROP_FRAG_BAD_END, 1) },
	  .n_sessions = 2 },
	/* a fifth separate piece: more holes than tracked */
	FRAG_CASE("too_many_holes", TO_SERVER(F_AT(5, 0, 1)), TO_SERVER(F_AT(8, 0, 1)),
		  TO_SERVER(F_AT(11, 0, 1)), DROPPED(F_AT(14, 0, 1)), DROPPED(F_AT(4, 0, 1))),
	  .counters = { FIRST_COUNTS, CNT(XDP_FAST_REDIRECT, 4), CNT(FRAG_TRANSLATED, 3),
			CNT(DROP_FRAG_UNTRACKED, 1), CNT(DROP_FRAG_DISCARDED, 1) },
	  .n_sessions = 2 },
	/* UDP: its 8-byte header; offset 1 repeats payload bytes already sent */
	{ .name = "frag_udp_offset_1",
	  .steps = { XDP_STEP(IF_WAN,
			      FROM_INET(.proto = IPPROTO_UDP, .dport = 53, .payload = 16,
					.frag_off = IP_MF_FLAG),
			      XDP_REDIRECT, FWD_TO_SERVER, .daddr = SERVER, .dport = 5353),
		     DROPPED(FROM_INET(.proto = IPPROTO_UDP, .dport = 53, .payload = 0,
				       .frag_off = IP_MF_FLAG | 1, .csum = CSUM_ZERO)),
		     TO_SERVER(FROM_INET(.proto = IPPROTO_UDP, .dport = 53, .payload = 4,
					 .frag_off = 3, .csum = CSUM_ZERO)) },
	  .counters = { FIRST_COUNTS, CNT(XDP_FAST_REDIRECT, 2), CNT(FRAG_TRANSLATED, 1),
			CNT(DROP_FRAG_DUPLICATE, 1) },
	  .n_sessions = 2 },
};

/*
 * A whole datagram the stack fragments itself (larger than the egress MTU,
 * DF clear; forced slow here): TC sees its first fragment, with the ports,
 * then the later ones, which must get the same source.
 */
#define STACK_TO_SERVER(...)                                                 \
	FROM_CLIENT(.dmac = mac_server, .smac = mac_lan, .daddr = SERVER,   \
		    .ttl = 63, __VA_ARGS__)
#define STACK_TO_INET(...)                                                   \
	FROM_SERVER(.dmac = mac_inet, .smac = mac_wan, .daddr = INET_CLIENT, \
		    .dport = 40000, .ttl = 63, __VA_ARGS__)
#define WHOLE .frag_off = FRAG_NONE, .payload = 40
#define MADE_FIRST .frag_off = IP_MF_FLAG, .payload = 12
#define MADE_LATER .frag_off = 4, .payload = 8, .csum = CSUM_ZERO

static const struct script frag_router_made[] = {
	{ .name = "frag_router_made_hairpin",
	  .opts = { .cfg_flags = HP_CF_NO_FAST_PATH },
	  .steps = { XDP_STEP(IF_LAN, FROM_CLIENT(WHOLE), XDP_PASS, .daddr = SERVER),
		     TC_STEP(IF_LAN, STACK_TO_SERVER(MADE_FIRST), SNAT_LAN),
		     TC_STEP(IF_LAN, STACK_TO_SERVER(MADE_LATER), .saddr = LAN_ROUTER) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_SLOW_PASS, 1), CNT(SLOW_FORCED, 1),
			CNT(TC_TRANSLATED, 2) },
	  .n_sessions = 2, .n_egress = 1 },
	/* the server's reply to the internet: no private source may leak */
	{ .name = "frag_router_made_reply",
	  .opts = { .cfg_flags = HP_CF_NO_FAST_PATH },
	  .steps = { XDP_STEP(IF_WAN, FROM_INET(), XDP_PASS, .daddr = SERVER),
		     XDP_SAME(IF_LAN, FROM_SERVER(.daddr = INET_CLIENT, .dport = 40000, WHOLE),
			      XDP_PASS),
		     TC_STEP(IF_WAN, STACK_TO_INET(MADE_FIRST), .saddr = PUBLIC),
		     TC_STEP(IF_WAN, STACK_TO_INET(MADE_LATER), .saddr = PUBLIC) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_SLOW_PASS, 2), CNT(SLOW_FORCED, 2),
			CNT(TC_TRANSLATED, 2) },
	  .n_sessions = 2, .n_egress = 1 },
};

/*
 * The UDP length (RFC 768) must fit the IP payload: conntrack holds such a
 * datagram invalid (udp_error()) and does not translate it; the receiver
 * would drop it. A first fragment's covers the whole datagram, longer.
 */
#define UDP_LEN(...) FROM_INET(.proto = IPPROTO_UDP, .dport = 53, .payload = 32, __VA_ARGS__)

static const struct script udp_len[] = {
	{ .name = "udp_len_past_ip_payload",
	  .steps = { XDP_SAME(IF_WAN, UDP_LEN(.udp_len = 41), XDP_PASS) },
	  .counters = { CNT(PASS_UDP_BAD_LEN, 1) } },
	{ .name = "udp_len_below_header",
	  .steps = { XDP_SAME(IF_WAN, UDP_LEN(.udp_len = 7), XDP_PASS) },
	  .counters = { CNT(PASS_UDP_BAD_LEN, 1) } },
	/* negative controls: the exact length, and a first fragment's */
	{ .name = "udp_len_exact",
	  .steps = { XDP_STEP(IF_WAN, UDP_LEN(.udp_len = 40), XDP_REDIRECT, FWD_TO_SERVER,
			      .daddr = SERVER, .dport = 5353) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_REDIRECT, 1) },
	  .n_sessions = 2 },
	{ .name = "udp_len_first_fragment",
	  .steps = { XDP_STEP(IF_WAN, UDP_LEN(.udp_len = 3000, .frag_off = IP_MF_FLAG),
			      XDP_REDIRECT, FWD_TO_SERVER, .daddr = SERVER, .dport = 5353) },
	  .counters = { CNT(SESSION_CREATED, 1), CNT(XDP_FAST_REDIRECT, 1) },
	  .n_sessions = 2 },
};

void register_frag_tests(void)
{
	REGISTER(udp_len);
	REGISTER(frag_router_made);
	REGISTER(frag_legit);
	REGISTER(frag_hostile);
}
