/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Every outcome of a packet in either program, as one list. The BPF side
 * counts into the per-CPU array hp_stats indexed by enum hp_counter; the
 * loader prints the same names. Adding a reason is one line here.
 *
 * X(enum name, printed name, description)
 */
#ifndef HAIRPIN_COUNTERS_H
#define HAIRPIN_COUNTERS_H

#define HP_COUNTERS(X)                                                              \
	/* XDP ingress: translated */                                              \
	X(XDP_FAST_TX, "xdp_fast_tx", "translated, sent back out the same port (XDP_TX)") \
	X(XDP_FAST_REDIRECT, "xdp_fast_redirect", "translated, redirected to another attached port") \
	X(XDP_SLOW_PASS, "xdp_slow_pass", "destination translated, passed to the stack")      \
	/* XDP ingress: why a translated packet took the slow path */              \
	X(SLOW_FORCED, "slow_forced", "fast path switched off")                   \
	X(SLOW_NO_NEIGH, "slow_no_neigh", "next hop not resolved yet")            \
	X(SLOW_FRAG_NEEDED, "slow_frag_needed", "larger than the egress MTU")     \
	X(SLOW_TTL, "slow_ttl", "TTL would expire")                               \
	X(SLOW_FIB_OTHER, "slow_fib_other", "route lookup did not complete")      \
	X(SLOW_NOT_ATTACHED, "slow_not_attached", "egress port is not attached")  \
	X(SLOW_PARTIAL_CSUM, "slow_partial_csum", "partial checksum on a segment too long to finish") \
	X(SLOW_VLAN, "slow_vlan", "VLAN-tagged: the stack sends it on its VLAN device") \
	X(SLOW_IP_OPTIONS, "slow_ip_options", "IPv4 options: the stack processes them (record route, ...)") \
	/* XDP ingress: passed untouched */                                        \
	X(PASS_NOT_IPV4, "pass_not_ipv4", "not IPv4 (IPv6, ARP, VLAN, ...)")      \
	X(PASS_NOT_TCP_UDP, "pass_not_tcp_udp", "IPv4 but not TCP, UDP or ICMP")  \
	X(PASS_ICMP, "pass_icmp", "ICMP other than an error (echo, ...)")         \
	X(PASS_ICMP_NO_SESSION, "pass_icmp_no_session", "ICMP error about no NAT session") \
	X(PASS_FRAGMENT, "pass_fragment", "later fragment of no known datagram (or out of order)") \
	X(PASS_MALFORMED, "pass_malformed", "truncated or malformed header")      \
	X(PASS_NO_MATCH, "pass_no_match", "no session and no forward rule")       \
	X(PASS_NOT_SYN, "pass_not_syn", "TCP to a forward without session, not a SYN") \
	X(PASS_NOT_ALLOWED, "pass_not_allowed", "source not in the rule's allow list") \
	X(PASS_EXPIRED_REPLY, "pass_expired_reply", "reply to an expired session") \
	/* XDP ingress: dropped (keep the DROP_* lines together: hp_xdp_verdict) */ \
	X(DROP_TABLE_FULL, "drop_table_full", "session table full")               \
	X(DROP_PORTS_EXHAUSTED, "drop_ports_exhausted", "no free hairpin SNAT port") \
	X(DROP_SESSION_CLASH, "drop_session_clash", "reply tuple already owned by another session") \
	X(DROP_NO_SNAT_ADDR, "drop_no_snat_addr", "hairpin needs an IPv4 address on the port") \
	X(DROP_ICMP_BAD_CSUM, "drop_icmp_bad_csum", "ICMP error about a session, with a bad checksum") \
	/* TC egress */                                                            \
	X(TC_TRANSLATED, "tc_translated", "source translated at egress")         \
	X(TC_PASS, "tc_pass", "left untouched at egress")                         \
	X(TC_DROP_REWRITE, "tc_drop_rewrite", "rewrite helper failed at egress")  \
	/* sessions */                                                             \
	X(SESSION_CREATED, "session_created", "new NAT session")                  \
	X(SESSION_REPLACED, "session_replaced", "expired session replaced by a new flow") \
	X(SESSION_EXPIRED, "session_expired", "sessions removed by the expiry sweep") \
	X(SESSION_EVICTED, "session_evicted", "sessions that never proved real, evicted from a full table") \
	X(TCP_ESTABLISHED, "tcp_established", "TCP sessions that completed the handshake") \
	X(TCP_CLOSING, "tcp_closing", "TCP sessions that saw FIN or RST")        \
	X(TCP_REOPENED, "tcp_reopened", "closing TCP sessions reused by a new SYN") \
	X(ICMP_ERROR_TRANSLATED, "icmp_error_translated", "ICMP errors translated (RFC 5508)") \
	X(FRAG_TRANSLATED, "frag_translated", "later fragments translated as their first") \
	X(CSUM_PARTIAL_FINISHED, "csum_partial_finished", "partial L4 checksum completed for the fast path")

#define HP_COUNTER_ENUM(e, name, desc) HP_##e,
enum hp_counter { HP_COUNTERS(HP_COUNTER_ENUM) HP_COUNTER_MAX };
#undef HP_COUNTER_ENUM

#endif /* HAIRPIN_COUNTERS_H */
