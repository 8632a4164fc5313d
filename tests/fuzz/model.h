/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The reference model of the NAT: what docs/design.md (and issue 10's
 * stated corrections) say the two programs do, written as plain C over
 * plain arrays, with no code shared with bpf/. The fuzzer runs it beside
 * xdp_ingress and tc_egress and wants the same verdicts, the same bytes out
 * and the same session and hand-off tables.
 *
 * The world is the unit fixture's (tests/unit/fixture.h): lan0, wan0 and
 * dmz0 with their addresses, routes and neighbours, the fixture's forward
 * rules, and the hp_config it writes. Time is virtual: model_advance()
 * moves the model's clock, and the runner ages the maps' time stamps by the
 * same amount.
 */
#ifndef HP_FUZZ_MODEL_H
#define HP_FUZZ_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "hairpin/abi.h"
#include "fixture.h"

#define MODEL_MAX_ENTRIES 256
#define MODEL_MAX_FRAGS 512

struct model_entry {
	struct hp_session_key key;
	struct hp_session val; /* last_seen_ns on the model's clock */
};

/*
 * What of a translated datagram went through ingress: the byte ranges of
 * its payload, in order, merged where they touch (Linux's reassembly queue,
 * as far as the programs track it: at most HP_FRAG_RUNS pieces).
 */
struct model_seen {
	bool on, dead, last;
	__u32 total, first_end;
	__u8 l4_hlen;
	int n;
	__u32 start[HP_FRAG_RUNS], end[HP_FRAG_RUNS];
};

struct model_frag {
	struct hp_frag_key key;
	struct hp_frag val;
	struct model_seen seen; /* HP_FRAG_INGRESS entries only */
};

struct model_cfg {
	struct hp_config hp;	  /* as the fixture wrote it */
	__u32 session_entries;	  /* hp_sessions max_entries */
	__u32 egress_entries;	  /* hp_egress max_entries */
	int cpu;		  /* the CPU every run is on */
	int rp_filter[IF_MAX];	  /* the stack's: 0 off, 1 strict, 2 loose, per port */
	int xdp_rp_filter[IF_MAX]; /* hp_ifaces' (enum hp_rp_filter), 0 where unattached */
};

struct model {
	struct model_cfg cfg;
	__u64 now;		  /* virtual ns */
	struct model_entry sess[MODEL_MAX_ENTRIES];
	int n_sess;
	struct model_entry egress[MODEL_MAX_ENTRIES];
	int n_egress;
	struct model_frag frags[MODEL_MAX_FRAGS];
	int n_frags;
	struct hp_session_key ring[64]; /* hp_evict */
	__u64 ring_head, ring_tail;
	__u32 port_next;	  /* hp_cpu of the one CPU */
};

/* What one program did to one frame. */
struct model_out {
	__u32 verdict;		  /* XDP_* or TC_ACT_* */
	__u8 frame[PKT_MAX];
	size_t len;
	/* XDP_REDIRECT: the port; the stack's: where it would send it */
	enum netif out_if;
};

void model_init(struct model *m, const struct model_cfg *cfg);
/* Move the clock on by @ns. */
void model_advance(struct model *m, __u64 ns);

void model_xdp(struct model *m, enum netif in_if, const __u8 *frame, size_t len, struct model_out *o);
void model_tc(struct model *m, enum netif out_if, const __u8 *frame, size_t len, struct model_out *o);

/*
 * The kernel between XDP_PASS and TC egress, as far as the fixture's
 * namespace goes: routes the frame, decrements the TTL, sets the MACs and
 * fragments what is longer than the route's MTU without DF; or answers
 * with its own ICMP error (time exceeded, fragmentation needed) back out of
 * the ingress port. Returns the frames it sends on *out_if (up to @max), or
 * 0 when it sends nothing (local, no route, no neighbour, bad header,
 * martian or reverse-path source).
 */
struct model_frame {
	__u8 frame[PKT_MAX];
	size_t len;
};
int model_stack_forward(const struct model_cfg *cfg, enum netif in_if, const __u8 *frame, size_t len,
			struct model_frame *out, int max, enum netif *out_if);

/* ---- the tables, for the runner and the generator ---- */

/* Is the session of entry @i dead (both halves past their timeouts)? */
bool model_entry_dead(const struct model *m, int i);
bool model_session_expired(const struct hp_config *cfg, const struct hp_session *s, __u64 now);
/*
 * Timestamps and their timeouts, for a clock step that lands on no
 * boundary: calls @fn with (time stamp, timeout) of every entry.
 */
void model_deadlines(const struct model *m, void (*fn)(void *arg, __u64 stamp, __u64 timeout), void *arg);

/* Routing of the fixture's namespace. */
struct model_route {
	enum netif dev;
	bool local;	  /* one of the router's addresses */
	bool neigh;	  /* the next hop's MAC is known */
	const __u8 *mac;  /* the neighbour's */
	__u16 mtu;
};
bool model_route(__u32 daddr_host, struct model_route *r);
const __u8 *model_if_mac(enum netif i);
__u32 model_if_addr(enum netif i); /* host order */

#endif /* HP_FUZZ_MODEL_H */
