/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The packet generator: random and malformed sequences for the fuzzer,
 * drawn from one seed. Each event is a frame arriving at XDP on a port, or
 * a step of the clock. Frames are built with tests/unit/pkt.c and then cut
 * and bent at every layer; flows, replies and ICMP quotes are taken from
 * what the model holds, so that sequences reach deep into the NAT.
 */
#ifndef HP_FUZZ_GEN_H
#define HP_FUZZ_GEN_H

#include <stdbool.h>
#include <linux/types.h>

#include "model.h"

/* Generator classes: name, what it makes. */
#define GEN_CLASSES(X)                                                                              \
	X(NEW_FLOW, "new_flow", "first packets of flows from both sides, to rules and elsewhere")       \
	X(FLOW, "flow", "packets of live and dead sessions, both directions, any TCP flags")            \
	X(MALFORMED, "malformed", "truncations, length and header lies, other ethertypes, VLANs")        \
	X(OPTIONS_TTL, "options_ttl", "IPv4 options, TTL 1 and 2, long packets (MTU)")                   \
	X(CSUM, "csum", "partial and zero L4 checksums, wrong L4 checksums")                            \
	X(FRAG, "frag", "fragments of flows' datagrams in every order, lone later fragments")          \
	X(ICMP, "icmp", "ICMP errors quoting live, dead and unknown flows; truncated quotes; echo")      \
	X(CLOCK, "clock", "the clock moves on (timeouts of every state)")                              \
	X(BAD_IP_CSUM, "bad_ip_csum", "wrong IPv4 header checksums (issue 10.1)")                       \
	X(ICMP_OUTER, "icmp_outer", "errors addressed elsewhere than the session shows (issue 10.2)")   \
	X(FRAG_OVERLAP, "frag_overlap", "duplicate and overlapping fragments, over the transport header too (issue 10.3)") \
	X(SPOOF, "spoof", "sources spoofed from the other side (issue 10.4)")

enum gen_class {
#define GEN_CLASS_ENUM(e, name, desc) GC_##e,
	GEN_CLASSES(GEN_CLASS_ENUM)
#undef GEN_CLASS_ENUM
	GC_MAX,
};

extern const char *const gen_class_name[GC_MAX];
/* The classes of the default suite: all of them. */
unsigned gen_default_classes(void);

enum event_type { EV_XDP, EV_ADVANCE };

struct event {
	enum event_type type;
	enum gen_class cls;
	enum netif iface;
	__u16 len;
	__u8 frame[PKT_MAX];
	__u64 advance_ns;
};

#define GEN_MAX_FRAGS 10 /* pieces of one datagram: 5 separate runs and more (frag.h HP_FRAG_RUNS) */
#define GEN_QUEUE 12

struct gen {
	__u64 rng;
	unsigned classes;	/* bit per enum gen_class */
	__u64 advanced_ns;	/* clock moved in this sequence */
	struct event queue[GEN_QUEUE]; /* fragments still to send */
	int queued;
	struct hp_session_key seen[64]; /* keys of sessions seen, for dead flows */
	struct hp_tuple seen_xlat[64];
	int n_seen;
};

void gen_init(struct gen *g, __u64 seed, unsigned classes);
/* The next event of a sequence, given what the model holds now. */
void gen_next(struct gen *g, const struct model *m, struct event *ev);
__u64 gen_rand(struct gen *g);

#endif /* HP_FUZZ_GEN_H */
