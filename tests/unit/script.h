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

#define MAX_STEPS 6
#define MAX_SESS 6
#define MAX_CNT 8

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
	struct pkt_edit out;
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
	struct step steps[MAX_STEPS];
	struct cnt_expect counters[MAX_CNT];
	int n_sessions, n_egress; /* exact entry counts, or ANY_COUNT */
	struct sess_expect sessions[MAX_SESS];
	struct sess_expect egress[MAX_SESS];
	/* per-rule stats: packets and sessions, bytes = translated frames */
	__u32 rule;
	__u64 rule_packets, rule_sessions;
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
