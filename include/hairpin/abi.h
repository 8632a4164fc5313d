/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The one definition of everything the BPF programs and the loader share:
 * map keys and values, flags, enums and defaults. Plain C with fixed-width
 * kernel types so that bpf/ (clang -target bpf) and user/ (gcc) agree byte for
 * byte; the _Static_asserts catch any drift in layout.
 */
#ifndef HAIRPIN_ABI_H
#define HAIRPIN_ABI_H

#include <linux/types.h>
#include <linux/bpf.h> /* struct bpf_timer */

/* Default pin root; `--bpffs DIR` or $HAIRPIN_XDP_BPFFS move it. */
#define HP_PIN_ROOT_DEFAULT "/sys/fs/bpf/hairpin-xdp"

/* Defaults from DESIGN.md and the NAT RFCs (seconds unless noted). */
#define HP_DEFAULT_SNAT_PORT_LO 61000	/* above Linux's ephemeral range */
#define HP_DEFAULT_SNAT_PORT_HI 65535
#define HP_DEFAULT_MAX_SESSIONS 262144
#define HP_TIMEOUT_TCP_ESTABLISHED 7440 /* RFC 5382 REQ-5 */
#define HP_TIMEOUT_TCP_TRANSITORY 240	/* RFC 5382 REQ-5 */
#define HP_TIMEOUT_UDP 120		/* RFC 4787 REQ-5 */
#define HP_TIMEOUT_UDP_ONEWAY 30	/* only one direction seen yet */

#define HP_MAX_RULES 1024
/* Forward entries: one per external port of every rule. */
#define HP_MAX_FORWARD_PORTS 65536
#define HP_MAX_ALLOW_PREFIXES 4096
#define HP_MAX_IFACES 64
/* hp_sessions holds two entries (original and reply) per session. */
#define HP_ENTRIES_PER_SESSION 2
/*
 * hp_egress holds an entry per direction that leaves by the slow path with
 * its source still to rewrite: two for a hairpin flow, one (the reply) for a
 * forward. Sized at one per session, since the slow path is the exception
 * (first packets, unresolved neighbours); a full hp_egress is a counted drop.
 */
#define HP_EGRESS_ENTRIES_PER_SESSION 1

/*
 * Addresses and ports of one packet direction, all in network byte order.
 * Used both as the lookup tuple and as the tuple a packet is rewritten to.
 */
struct hp_tuple {
	__be32 saddr;
	__be32 daddr;
	__be16 sport;
	__be16 dport;
};
_Static_assert(sizeof(struct hp_tuple) == 12, "hp_tuple layout");

/* ---- forward rules ---- */

/*
 * A forward rule is kept twice. hp_rules holds what the user asked for, one
 * slot per rule id: the source of truth that `forward list`, `save` and the
 * daemon read, and that outlives the loader. hp_forwards is what the
 * datapath looks up: one entry per external address and port of every rule,
 * derived from hp_rules and the interfaces' current addresses by the loader
 * (user/reconcile.c) after every change and every address change.
 */

enum hp_hairpin_mode {
	HP_HAIRPIN_INTERNAL = 0, /* router's own address on the shared link */
	HP_HAIRPIN_EXTERNAL = 1, /* the rule's external (public) address */
	HP_HAIRPIN_OFF = 2,	 /* DNAT only: the story's broken router */
};

enum hp_rule_flags {
	HP_RF_USED = 1 << 0,	  /* the slot holds a rule */
	HP_RF_EXT_IFACE = 1 << 1, /* external: every IPv4 address of ext_ifname */
	HP_RF_ALLOWLIST = 1 << 2, /* only sources in its hp_allow list */
};

/*
 * An allow list is keyed by a list id, two per rule (rule_id * 2 + gen), so
 * that a new list is written whole under the other id before the rule's
 * entries switch to it: no packet ever sees half of one.
 */
#define HP_ALLOW_ID(rule_id, gen) ((rule_id) * 2 + ((gen) & 1))

struct hp_rule {
	__u8 flags;	/* enum hp_rule_flags */
	__u8 proto;	/* IPPROTO_TCP or IPPROTO_UDP */
	__u8 hairpin;	/* enum hp_hairpin_mode */
	__u8 allow_gen; /* which of its two allow list ids is live */
	__be32 ext_addr; /* without HP_RF_EXT_IFACE */
	__be32 int_addr;
	/* Host byte order, inclusive; int_port_last == int_port_first: the
	 * whole range goes to one port, else port to port. */
	__u16 ext_port_first;
	__u16 ext_port_last;
	__u16 int_port_first;
	__u16 int_port_last;
	char ext_ifname[16]; /* IFNAMSIZ, with HP_RF_EXT_IFACE; NUL-terminated */
};
_Static_assert(sizeof(struct hp_rule) == 36, "hp_rule layout");

struct hp_forward_key {
	__be32 ext_addr;
	__be16 ext_port;
	__u8 proto; /* IPPROTO_TCP or IPPROTO_UDP */
	__u8 pad;
};
_Static_assert(sizeof(struct hp_forward_key) == 8, "hp_forward_key layout");

enum hp_forward_flags {
	HP_FWF_ALLOWLIST = 1 << 0, /* only sources in hp_allow list allow_id may use it */
};

/* One external address and port of a rule: where its packets go. */
struct hp_forward {
	__be32 int_addr;
	__be16 int_port; /* for this external port */
	__u8 hairpin;	 /* enum hp_hairpin_mode */
	__u8 flags;	 /* enum hp_forward_flags */
	__u32 rule_id;	 /* its hp_rules slot, index into hp_rule_stats */
	__u32 allow_id;	 /* HP_ALLOW_ID() of its live allow list */
};
_Static_assert(sizeof(struct hp_forward) == 16, "hp_forward layout");

/*
 * Allow lists: an LPM trie keyed by list id then source prefix. prefixlen
 * counts the 32 bits of the list id too.
 */
struct hp_allow_key {
	__u32 prefixlen; /* 32 + source prefix length */
	__be32 list_id;	 /* HP_ALLOW_ID(), network byte order: a byte prefix */
	__be32 addr;
};
_Static_assert(sizeof(struct hp_allow_key) == 12, "hp_allow_key layout");

/* Per-rule counters, a per-CPU array indexed by hp_forward.rule_id. */
struct hp_rule_stats {
	__u64 packets;
	__u64 bytes;
	__u64 sessions;
};

/* ---- NAT sessions ---- */

/*
 * A session is two entries in hp_sessions, both looked up by XDP ingress with
 * the tuple a packet arrives with: one for the original direction, one for the
 * reply. A flow that XDP hands to the stack (the slow path) also gets an entry
 * in hp_egress for each direction it passed, keyed by the tuple the packet has
 * when it leaves, so that TC egress can finish the source rewrite.
 */
struct hp_session_key {
	struct hp_tuple tuple;
	__u8 proto;
	__u8 pad[3];
};
_Static_assert(sizeof(struct hp_session_key) == 16, "hp_session_key layout");

enum hp_session_state {
	HP_STATE_TCP_SYN_SENT = 0,  /* handshake: transitory timeout */
	HP_STATE_TCP_ESTABLISHED = 1,
	HP_STATE_TCP_CLOSING = 2,   /* FIN or RST seen: transitory timeout */
	HP_STATE_UDP = 3,
	HP_STATE_MAX,
};

enum hp_session_flags {
	HP_SF_REPLY = 1 << 0,	   /* entry translates the reply direction */
	HP_SF_HAIRPIN = 1 << 1,	   /* flow is source-NATed (NAT loopback) */
	HP_SF_SEEN_REPLY = 1 << 2, /* both directions have been seen */
	/*
	 * The flow proved real: TCP completed its handshake (cleared again by
	 * a RST), UDP sent again after an answer. A full table evicts only
	 * sessions without it (see hp_evict below).
	 */
	HP_SF_ASSURED = 1 << 3,
};

/*
 * A packet whose tuple matches the key is rewritten to @xlat. The peer entry
 * of an ingress entry is keyed by the reverse of @xlat, so the two halves find
 * each other without storing a pointer.
 */
struct hp_session {
	struct hp_tuple xlat;
	__u8 state; /* enum hp_session_state */
	__u8 flags; /* enum hp_session_flags */
	__u16 rule_id;
	__u64 last_seen_ns; /* bpf_ktime_get_coarse_ns() (CLOCK_MONOTONIC) of the last packet, in 100 ms steps */
};
_Static_assert(sizeof(struct hp_session) == 24, "hp_session layout");

/*
 * Eviction candidates: a ring in hp_evict of the original keys of new
 * sessions, in the order they were made, one slot per session of the table
 * (a full ring overwrites its oldest record). A new flow that finds the
 * table full, or the hairpin ports taken, evicts the oldest recorded session
 * that has not proved real (no HP_SF_ASSURED, see hp_session_evictable()).
 * One ring for every CPU: oldest first is the table's order, not a CPU's.
 */
struct hp_evict_ring {
	__u64 head; /* records ever written (atomic: every CPU writes) */
	__u64 tail; /* the oldest record not yet looked at */
};
_Static_assert(sizeof(struct hp_evict_ring) == 16, "hp_evict_ring layout");

/* Per CPU: the hairpin SNAT port cursor, see bpf/lib/nat.h. */
struct hp_cpu {
	__u32 port_next;
	__u32 pad;
};
_Static_assert(sizeof(struct hp_cpu) == 8, "hp_cpu layout");

/* ---- IPv4 fragments ---- */

/*
 * Only the first fragment carries the ports, so the translation of a
 * fragmented datagram is remembered under what all its fragments share
 * (RFC 791): source, destination, protocol and IP id.
 */
enum hp_frag_stage {
	HP_FRAG_INGRESS = 0, /* as the fragments arrive at XDP */
	HP_FRAG_EGRESS = 1,  /* as they leave the stack (slow path) for TC */
};

struct hp_frag_key {
	__be32 saddr;
	__be32 daddr;
	__be16 id;
	__u8 proto;
	__u8 stage; /* enum hp_frag_stage */
};
_Static_assert(sizeof(struct hp_frag_key) == 12, "hp_frag_key layout");

struct hp_frag {
	__be32 saddr; /* the addresses the datagram is rewritten to */
	__be32 daddr;
	__u64 first_seen_ns;
};
_Static_assert(sizeof(struct hp_frag) == 16, "hp_frag layout");

/*
 * A byte range [start, end) of a datagram's payload (past the IP header)
 * that has gone through, as RFC 791 fragment offsets count them.
 */
struct hp_frag_run {
	__u16 start;
	__u16 end;
};

/*
 * Pieces of one datagram tracked at once: the run from offset 0 and up to
 * three more, separated by holes (fragments overtaking each other).
 */
#define HP_FRAG_RUNS 4

enum hp_frag_flags {
	HP_FRAGF_LAST = 1 << 0, /* the last fragment (MF clear) is in: @total is known */
	HP_FRAGF_DEAD = 1 << 1, /* discarded for an overlap: its fragments are dropped */
};

/*
 * What of a datagram went through XDP ingress, in hp_frag_seen under the
 * key of its HP_FRAG_INGRESS hp_frags entry, written with it (a map of its
 * own, so that hp_frags keeps the layout older builds share; see
 * bpf/lib/frag.h).
 */
struct hp_frag_seen {
	struct hp_frag_run runs[HP_FRAG_RUNS]; /* sorted, neither overlapping nor touching */
	__u16 total;	 /* the datagram's payload length, with HP_FRAGF_LAST */
	__u16 first_end; /* the first fragment's payload length */
	__u8 l4_hlen;	 /* its TCP/UDP header length: no later fragment may cover it */
	__u8 n_runs;
	__u8 flags;	 /* enum hp_frag_flags */
	__u8 pad;
};
_Static_assert(sizeof(struct hp_frag_seen) == 24, "hp_frag_seen layout");

/* A datagram's fragments must all arrive within this (Linux's ipfrag_time). */
#define HP_FRAG_TIMEOUT_SEC 30
/* The longest IPv4 payload: 65535 bytes of datagram less a 20-byte header. */
#define HP_FRAG_MAX_END (65535 - 20)
#define HP_MAX_FRAGS 8192

/* ---- next-hop cache ---- */

/*
 * One slot of hp_nexthops, a per-CPU direct-mapped cache in front of
 * bpf_fib_lookup(): what the fib said for (source, destination, ingress
 * port), with the route MTU of hp_route_mtus folded in. A slot answers while
 * it is younger than HP_NEXTHOP_TTL_MS and was filled after the last bump of
 * the next-hop generation (hp_nexthop_gen): the loader (and the daemon) bump
 * it when routes or neighbours change, and the TTL bounds how long a change
 * nobody announced (no daemon running) can go unseen.
 */
#define HP_NEXTHOP_SLOTS 4096 /* a power of two */
#define HP_NEXTHOP_TTL_MS 1000

struct hp_nexthop {
	__be32 saddr; /* the tag: what was looked up */
	__be32 daddr;
	__u32 in_ifindex;
	__u32 out_ifindex; /* the answer */
	__u8 dmac[6];
	__u8 smac[6];
	__u16 mtu;	/* min(fib MTU, route MTU): longer packets go to the stack */
	__u8 attached;	/* out_ifindex can be sent to (ingress port, or in hp_tx_ports) */
	__u8 pad;
	__u64 expires_ns; /* filled at expires_ns - HP_NEXTHOP_TTL_MS */
};
_Static_assert(sizeof(struct hp_nexthop) == 40, "hp_nexthop layout");

/*
 * The next-hop generation: the one element of hp_nexthop_gen. A generation
 * is the time of its bump (CLOCK_MONOTONIC, the datapath's clock): a slot
 * filled at or before bump_ns is asked again, so a slot needs no field of
 * its own (hp_nexthop keeps the layout of builds before the generation).
 * The array is mmapable: a bump is an atomic "raise to now" (user/routes.c),
 * so two writers (the daemon and a command) never move it backwards.
 */
struct hp_nexthop_gen {
	__u64 bump_ns;
};
_Static_assert(sizeof(struct hp_nexthop_gen) == 8, "hp_nexthop_gen layout");

/*
 * Route MTUs the fib does not report. bpf_fib_lookup() checks a packet
 * against ip_mtu_from_fib_result() (net/ipv4/route.c), which takes a route's
 * `mtu` metric only when it is locked (or with sysctl ip_forward_use_pmtu),
 * while the kernel's forward path, ip_dst_mtu_maybe_forward()
 * (include/net/ip.h), always honours it. hp_route_mtus mirrors the routes
 * that matter for that difference (user/routes.c says which and why): an
 * LPM trie keyed by destination prefix, value the MTU to honour, 0 for a
 * more specific route that has none.
 */
#define HP_MAX_ROUTE_MTUS 16384

struct hp_route_key {
	__u32 prefixlen; /* of addr */
	__be32 addr;
};
_Static_assert(sizeof(struct hp_route_key) == 8, "hp_route_key layout");

struct hp_route_mtu {
	__u32 mtu; /* 0: none, the fib's own answer stands */
};
_Static_assert(sizeof(struct hp_route_mtu) == 4, "hp_route_mtu layout");

/* ---- attached interfaces ---- */

enum hp_iface_flags {
	HP_IFF_OWN_CLSACT = 1 << 0, /* attach created the clsact qdisc */
	HP_IFF_XDP_GENERIC = 1 << 1,
	/*
	 * attach has not finished: some of its steps may be done. Written
	 * first and cleared last, so that a killed attach is found and its
	 * pieces removed, the qdisc too if it made it.
	 */
	HP_IFF_PENDING = 1 << 2,
};

/* net.ipv4.conf.*.rp_filter (Documentation/networking/ip-sysctl.rst). */
enum hp_rp_filter {
	HP_RP_OFF = 0,
	HP_RP_STRICT = 1, /* the route back to the source leaves by the ingress port */
	HP_RP_LOOSE = 2,  /* there is a route back to the source at all */
};

struct hp_iface {
	__be32 addr;	 /* router's primary IPv4 address on it, 0 if none */
	__u8 prefixlen;	 /* of @addr: the on-link subnet */
	__u8 flags;	 /* enum hp_iface_flags */
	/*
	 * enum hp_rp_filter: the reverse-path check XDP applies to packets it
	 * translates from this port, max(conf.all, conf.IFACE) of the
	 * net.ipv4.conf rp_filter sysctl as the loader last read it.
	 */
	__u8 rp_filter;
	__u8 pad;
	char name[16];	 /* IFNAMSIZ, for listing only */
};
_Static_assert(sizeof(struct hp_iface) == 24, "hp_iface layout");

/* ---- the instance: one element of hp_meta, the loader's own ---- */

/*
 * Bumped when a map's key or value layout changes, so that a loader finds
 * out whether pinned maps are the ones it was built for.
 */
/*
 * 2: hp_config evict_slots and nr_cpus, HP_SF_ASSURED, hp_evict.
 * 3: new counters (hp_stats has more entries, some inserted among the drop
 *    reasons), hp_iface.rp_filter, hp_egress entries carry their rule id.
 */
#define HP_LAYOUT_VERSION 3

/*
 * A map added to a layout after instances of it were pinned: an instance of
 * that layout may lack it, and an upgrade creates it. Its definition says
 * so with HP_ADDED_IN_LAYOUT(N) (bpf/lib/maps.h), a BTF decl tag
 * HP_ADDED_IN_LAYOUT_TAG "N" on the map's variable, which the loader reads
 * from its own object (user/layout.c). Every other map is in every
 * instance of its layout; a bump of HP_LAYOUT_VERSION makes the marks moot.
 */
#define HP_ADDED_IN_LAYOUT_TAG "hp_added_in_layout:"

enum hp_meta_flags {
	/*
	 * hp_rules (or an allow list) was changed and the maps derived from it
	 * may not follow yet: set before such a change, cleared when they do.
	 * Found set, a command was interrupted; the next one repairs it.
	 */
	HP_MF_RECONCILE = 1 << 0,
};

struct hp_meta {
	__u32 layout; /* HP_LAYOUT_VERSION of the loader that made the maps */
	__u32 flags;  /* enum hp_meta_flags */
};
_Static_assert(sizeof(struct hp_meta) == 8, "hp_meta layout");

/* ---- the build: one element of hp_build, which programs are loaded ---- */

/*
 * Written by the loader that loaded (or upgraded to) the programs: a later
 * loader compares object_hash with its own to know whether the programs on
 * the interfaces are the ones it carries, and `--version` prints both.
 */
#define HP_VERSION_LEN 48
struct hp_build {
	__u64 object_hash;	      /* FNV-1a 64 of the BPF object's ELF bytes */
	char version[HP_VERSION_LEN]; /* the loader's version, NUL-terminated */
};
_Static_assert(sizeof(struct hp_build) == 56, "hp_build layout");

/* ---- configuration: one element of hp_config, written by the loader ---- */

enum hp_config_flags {
	HP_CF_NO_FAST_PATH = 1 << 0,	 /* always XDP_PASS to the stack */
	HP_CF_NO_NEXTHOP_CACHE = 1 << 1, /* bpf_fib_lookup() for every packet */
};

struct hp_config {
	__u16 snat_port_lo; /* host byte order, inclusive */
	__u16 snat_port_hi;
	__u32 flags; /* enum hp_config_flags */
	/* Idle timeouts in seconds, by state (enum hp_session_state). */
	__u32 timeout_tcp_established;
	__u32 timeout_tcp_transitory;
	__u32 timeout_udp;
	__u32 timeout_udp_oneway;
	__u32 max_sessions; /* informational: the size the table was made with */
	__u32 evict_slots;  /* hp_evict's ring slots: one per session */
	__u32 nr_cpus;	    /* possible CPUs: the SNAT port cursor's stride */
	__u32 pad;
};
_Static_assert(sizeof(struct hp_config) == 40, "hp_config layout");

/*
 * The idle timeout of a session half, in seconds, by its state (RFC 5382:
 * the handshake and closing are transitory; RFC 4787: a UDP mapping that
 * saw no reply yet gets the short one). One rule for the datapath's expiry
 * and the loader's listing.
 */
static inline __u32 hp_session_timeout_sec(const struct hp_config *cfg, __u8 state, __u8 flags)
{
	switch (state) {
	case HP_STATE_TCP_ESTABLISHED:
		return cfg->timeout_tcp_established;
	case HP_STATE_UDP:
		return (flags & HP_SF_SEEN_REPLY) ? cfg->timeout_udp : cfg->timeout_udp_oneway;
	default: /* handshake and closing */
		return cfg->timeout_tcp_transitory;
	}
}

/*
 * The expiry sweeper: one element of hp_gc. Its timer fires every
 * HP_GC_INTERVAL_SEC and queues the sweep as work (bpf_wq): the walk over
 * hp_sessions and hp_egress deletes what has expired, so that the table does
 * not fill with dead flows. A walk visits every bucket of the tables, tens of
 * milliseconds at a million sessions: run as work in process context, packet
 * processing (softirq) goes on meanwhile on the same CPU, which a walk in the
 * timer's own softirq callback would stall. Userspace reads the counters; the
 * kernel hides the timer and the work from it.
 */
#define HP_GC_INTERVAL_SEC 5

/*
 * The kernel's struct bpf_wq (linux/bpf.h from 6.10; Debian 12's UAPI headers
 * predate it). The verifier knows it by name and size.
 */
struct bpf_wq {
	__u64 __opaque[2];
} __attribute__((aligned(8)));

struct hp_gc {
	struct bpf_timer timer;
	struct bpf_wq work;
	__u64 runs;
	__u64 deleted; /* sessions removed (both halves each) */
	__u64 last_sweep_ns;	/* how long the last sweep took (it runs in softirq) */
	__u64 last_visited;	/* entries it looked at */
	__u32 armed;
	__u32 pad; /* was a build tag, read by nothing: the layout stays */
};
_Static_assert(sizeof(struct hp_gc) == 72, "hp_gc layout");

/* ---- the event stream: `hairpin-xdp monitor` ---- */

/*
 * The datapath writes events (sessions made, changing state, removed, and
 * dropped packets) into the ring buffer hp_events only while a monitor
 * listens: the monitor keeps hp_monitor's listen_until_ns a few seconds
 * ahead, and a program that finds it zero does nothing more (one load and
 * one branch per packet). Found in the past (a monitor that was killed),
 * the first packet sets it back to zero.
 */
#define HP_EVENTS_RING_BYTES (256 * 1024) /* a power of two, page multiple */
#define HP_MONITOR_LEASE_SEC 3		  /* how far ahead listen_until_ns is set */
#define HP_MONITOR_REFRESH_MS 1000	  /* how often the monitor renews it */
#define HP_MONITOR_DROP_RATE 1000	  /* drop events a second, per CPU (default) */

struct hp_monitor {
	__u64 listen_until_ns; /* CLOCK_MONOTONIC; 0: nobody listens */
	__u64 since_ns;	       /* CLOCK_MONOTONIC_COARSE when the monitor started */
	__u32 drop_rate;       /* drop events a second per CPU; above it they are counted */
	__u32 pad;
};
_Static_assert(sizeof(struct hp_monitor) == 24, "hp_monitor layout");

/*
 * Per CPU, the datapath's own: the events it could not send, the drop
 * events' budget (a fixed one-second window) and the tuple of the packet in
 * hand, noted right after parsing while a monitor listens, so that a drop
 * counted anywhere can say which packet it was. The two counters lead: the
 * loader sums them (and `stats` shows them). Kept here rather than in
 * hp_stats so that an upgrade from a build without events only adds maps.
 */
struct hp_event_cpu {
	__u64 lost;	 /* events lost: the ring buffer was full */
	__u64 capped;	 /* drop events over hp_monitor.drop_rate, not sent */
	__u64 window_ns; /* start of the budget's window (coarse clock) */
	__u32 used;	 /* drop events sent in it */
	__u32 ifindex;	 /* of the packet in hand */
	__u64 noted_ns;	 /* when it was noted (coarse clock) */
	struct hp_session_key pkt;
};
_Static_assert(sizeof(struct hp_event_cpu) == 56, "hp_event_cpu layout");

enum hp_event_type {
	HP_EV_NEW = 1,	   /* a session was made */
	HP_EV_UPDATE = 2,  /* its TCP state changed */
	HP_EV_DESTROY = 3, /* it was removed (reason: enum hp_event_reason) */
	HP_EV_DROP = 4,	   /* a packet was dropped (reason: enum hp_counter) */
};

enum hp_event_reason {
	HP_EVR_EXPIRED = 1, /* idle past its timeout (the sweeper, or a packet found it dead) */
	HP_EVR_EVICTED = 2, /* evicted from a full table (never proved real) */
};

enum hp_event_flags {
	/* With the session flags (HP_SF_*, less HP_SF_REPLY): */
	HP_EVF_NO_TUPLE = 1 << 7, /* a drop whose packet was not noted */
};

/*
 * One event. A session is told by its original direction: @orig as its
 * packets arrive, @xlat what they are rewritten to; the reply direction is
 * the reverse of @xlat, rewritten to the reverse of @orig. A drop has the
 * packet's tuple in @orig (as far as it was parsed) and @xlat zero.
 */
struct hp_event {
	__u64 ts_ns;	/* bpf_ktime_get_ns() (CLOCK_MONOTONIC) */
	__u32 cpu;
	__u32 ifindex;	/* a drop's packet: where it was seen; else 0 */
	__u8 type;	/* enum hp_event_type */
	__u8 proto;	/* IPPROTO_* */
	__u8 state;	/* enum hp_session_state */
	__u8 flags;	/* enum hp_event_flags */
	__u16 rule_id;
	__u16 reason;	/* enum hp_event_reason, or enum hp_counter of a drop */
	struct hp_tuple orig;
	struct hp_tuple xlat;
};
_Static_assert(sizeof(struct hp_event) == 48, "hp_event layout");

#endif /* HAIRPIN_ABI_H */
