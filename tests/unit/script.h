/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Golden fixtures, Katran style: a case is a list of packets, each with the
 * hook and port it arrives on, the verdict it must get and the exact frame
 * that must come out (the input with a struct pkt_edit applied, or the input
 * unchanged), followed by what the maps must hold afterwards: the complete
 * counter vector, the exact number of entries in hp_sessions and hp_egress
 * and the listed entries field by field.
 *
 * Every translated frame is also checked from scratch: IPv4 header checksum,
 * and the L4 checksum as full (over pseudo-header + segment) or partial (the
 * pseudo-header sum), whichever the expected frame carries.
 */
#ifndef HP_UNIT_SCRIPT_H
#define HP_UNIT_SCRIPT_H

#include "fixture.h"

#define MAX_STEPS 8
#define MAX_SESS 6
#define MAX_CNT 8
#define MAX_RULES 3
#define MAX_ALLOW 3
#define MAX_ROUTES 3

struct step {
	enum hook hook;
	enum netif iface;
	struct pkt_spec in; /* in.dmac == NULL ends the list */
	__u32 verdict;	    /* XDP_* or TC_ACT_* */
	bool untouched;	    /* the frame must come out as it went in */
	/*
	 * Pick the first payload word so that the translated segment sums
	 * to 0xffff: its checksum computes to 0, which UDP must send as
	 * 0xffff (RFC 768) and TCP as 0 (in.payload >= 2, snat known).
	 */
	bool zero_csum;
	/* non-zero: `ip neigh del` this lan0 neighbour before the step */
	__u32 neigh_del;
	/* bump hp_nexthop_gen (to now) before the step, as hp_nexthop_bump() does */
	bool nh_bump;
	struct pkt_edit out;
};

/* A forward rule the case adds, as the CLI would (id 0 ends the list). */
struct script_rule {
	__u32 id;
	struct rule_def def;
};

/* An hp_allow prefix of a rule (rule 0 ends the list). */
struct script_allow {
	__u32 rule;
	__u32 addr;
	__u8 plen;
};

/* An hp_route_mtus entry (plen 0 ends the list; mtu 0: none). */
struct script_route {
	__u32 addr;
	__u8 plen;
	__u32 mtu;
};

/*
 * One hp_nexthops slot: its tags (saddr 0: none), the answer, and, for a
 * slot the case writes itself, its expiry relative to now (it was filled
 * HP_NEXTHOP_TTL_MS before that).
 */
struct nh_slot {
	__u32 saddr, daddr;
	enum netif in, out;
	const __u8 *dmac, *smac;
	__u16 mtu;
	__u8 attached;
	int expires_ms;
};

/*
 * One hp_sessions / hp_egress entry; proto == 0 ends the list. As an
 * expectation, age == 0 wants last_seen_ns refreshed during the case and
 * age != 0 wants it untouched (older than the case); as a pre-populated
 * entry, last_seen_ns is set age seconds in the past.
 */
struct sess_expect {
	__u8 proto;
	struct tup key, xlat;
	__u8 state, flags;
	__u16 rule_id;
	__u32 age;
};

/* Entries with val == 0 are ignored; counters not listed must be 0. */
struct cnt_expect {
	enum hp_counter id;
	__u64 val;
};

#define ANY_COUNT (-1)

struct script {
	const char *name;
	struct fx_opts opts;
	/* hp_sessions entries inserted before the first step */
	struct sess_expect pre[MAX_SESS];
	/* forward rules and allow prefixes added before the first step */
	struct script_rule rules[MAX_RULES];
	struct script_allow allow[MAX_ALLOW];
	/* written into every hp_nexthops slot, on every CPU, before the steps */
	struct nh_slot nh_pre;
	/* non-zero: hp_nexthop_gen bumped this long before the case started */
	int nh_bumped_ms_ago;
	/* hp_route_mtus entries */
	struct script_route routes[MAX_ROUTES];
	struct step steps[MAX_STEPS];
	struct cnt_expect counters[MAX_CNT];
	int n_sessions, n_egress; /* exact entry counts, or ANY_COUNT */
	struct sess_expect sessions[MAX_SESS];
	struct sess_expect egress[MAX_SESS];
	/*
	 * per-rule stats: packets and sessions, bytes = translated TCP/UDP
	 * frames (ICMP errors and later fragments are not counted per rule)
	 */
	__u32 rule;
	__u64 rule_packets, rule_sessions;
	/*
	 * hp_nexthops on this CPU after the steps, when nh_check: the number
	 * of slots in use, and the one slot with nh_want's tags, whose expiry
	 * must be HP_NEXTHOP_TTL_MS after some step's clock.
	 */
	bool nh_check;
	int nh_used;
	struct nh_slot nh_want;
	/* After the steps, for what the tables cannot say. */
	void (*check)(struct fx *fx, __u16 snat_port);
};

void run_script(struct fx *fx, const void *arg);
void register_scripts(const struct script *s, size_t n);

/*
 * Check one entry of @map_fd against @e (PORT_SNAT resolved to @snat);
 * @loose checks only the rewrite (all an hp_egress entry carries).
 */
bool expect_entry(int map_fd, const char *map_name,
		  const struct sess_expect *e, __u16 snat, __u64 t0, bool loose);
/* Insert @e into @map_fd with last_seen_ns = @now - e->age seconds. */
bool put_entry(int map_fd, const struct sess_expect *e, __u64 now);

#endif /* HP_UNIT_SCRIPT_H */
