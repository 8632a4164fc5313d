/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The maps both programs share. Types come from include/hairpin/abi.h; every
 * map is pinned by name under the loader's pin root so that it outlives the
 * loader and `bpftool map dump pinned` prints its fields through BTF.
 */
#ifndef HP_BPF_MAPS_H
#define HP_BPF_MAPS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "hairpin/abi.h"
#include "hairpin/counters.h"

/* Added to layout @n after instances of it were pinned (see abi.h). */
#define HP_ADDED_IN_LAYOUT(n) __attribute__((btf_decl_tag(HP_ADDED_IN_LAYOUT_TAG #n)))

/* The rules as the user gave them (abi.h): the loader's, never read here. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, HP_MAX_RULES);
	__type(key, __u32);
	__type(value, struct hp_rule);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hp_rules SEC(".maps");

/* What the datapath looks up: derived from hp_rules by the loader. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HP_MAX_FORWARD_PORTS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct hp_forward_key);
	__type(value, struct hp_forward);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hp_forwards SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, HP_MAX_ALLOW_PREFIXES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct hp_allow_key);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hp_allow SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, HP_MAX_RULES);
	__type(key, __u32);
	__type(value, struct hp_rule_stats);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hp_rule_stats SEC(".maps");

/*
 * The session tables. Not LRUs: evicting one half of a session behind our
 * back could let a new flow take its port while the other half still
 * rewrites to it, and an LRU would evict established flows as readily as
 * a flood's. Entries leave through expiry (both halves together), and a
 * full table makes room by evicting, both halves together, a session that
 * never proved real (hp_evict); only when there is none is the new flow a
 * counted drop. The loader sizes them for --max-sessions flows.
 *
 * hp_sessions: both halves of every session, keyed as packets arrive (XDP).
 *              Preallocated: an insert takes an element from a per-CPU free
 *              list instead of allocating one, and a delete gives it back
 *              at once, without an RCU-deferred free; every new flow does
 *              two inserts, every expiry or eviction two deletes.
 * hp_egress:   source rewrites left for TC egress by the slow path, which is
 *              the exception: allocated on demand.
 */
#define HP_SESSION_TABLE(name, flags)                                              \
	struct {                                                                   \
		__uint(type, BPF_MAP_TYPE_HASH);                                   \
		__uint(max_entries, HP_DEFAULT_MAX_SESSIONS * HP_ENTRIES_PER_SESSION); \
		__uint(map_flags, flags);                                          \
		__type(key, struct hp_session_key);                                \
		__type(value, struct hp_session);                                  \
		__uint(pinning, LIBBPF_PIN_BY_NAME);                               \
	} name SEC(".maps")
#ifndef HP_SESSIONS_FLAGS
#define HP_SESSIONS_FLAGS 0
#endif
HP_SESSION_TABLE(hp_sessions, HP_SESSIONS_FLAGS);
HP_SESSION_TABLE(hp_egress, BPF_F_NO_PREALLOC);

/*
 * The eviction candidates (struct hp_evict_ring in abi.h): the original keys
 * of new sessions in the order they were made, slot 0 up; the loader sizes
 * it to one slot per session of the table. The ring's indices are the one
 * element of hp_evict_ring.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, HP_DEFAULT_MAX_SESSIONS);
	__type(key, __u32);
	__type(value, struct hp_session_key);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hp_evict SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hp_evict_ring);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hp_evict_ring SEC(".maps");

/* Each CPU's SNAT port cursor: no shared cache line. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hp_cpu);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hp_cpu SEC(".maps");

/*
 * Translations of fragmented datagrams. An LRU: losing an entry only makes
 * the later fragments pass untouched (the datagram is lost, never
 * mis-rewritten), and fragments come and go quickly.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, HP_MAX_FRAGS);
	__type(key, struct hp_frag_key);
	__type(value, struct hp_frag);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hp_frags SEC(".maps");

/* What of each fragmented datagram went through ingress (frag.h). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, HP_MAX_FRAGS);
	__type(key, struct hp_frag_key);
	__type(value, struct hp_frag_seen);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hp_frag_seen SEC(".maps") HP_ADDED_IN_LAYOUT(3);

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, HP_COUNTER_MAX);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hp_stats SEC(".maps");

/* Attached interfaces by ifindex: the router's address for hairpin SNAT. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HP_MAX_IFACES);
	__type(key, __u32);
	__type(value, struct hp_iface);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hp_ifaces SEC(".maps");

/* The next-hop cache, per CPU: no locks, and no torn entries. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, HP_NEXTHOP_SLOTS);
	__type(key, __u32);
	__type(value, struct hp_nexthop);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hp_nexthops SEC(".maps");

/* The next-hop generation (abi.h): mmapable, so that userspace bumps it atomically. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct hp_nexthop_gen);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hp_nexthop_gen SEC(".maps") HP_ADDED_IN_LAYOUT(3);

/* Route MTUs the fib leaves out (abi.h), mirrored by the loader (user/routes.c). */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, HP_MAX_ROUTE_MTUS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct hp_route_key);
	__type(value, struct hp_route_mtu);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hp_route_mtus SEC(".maps") HP_ADDED_IN_LAYOUT(3);

/* XDP_REDIRECT targets: every attached interface, keyed by ifindex. */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, HP_MAX_IFACES);
	__type(key, __u32);
	__type(value, struct bpf_devmap_val);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hp_tx_ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hp_config);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hp_config SEC(".maps");

/* The loader's own bookkeeping (layout version, repair flag); not read here. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hp_meta);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hp_meta SEC(".maps");

/* Which build's programs these are (the loader's; not read here). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hp_build);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hp_build SEC(".maps") HP_ADDED_IN_LAYOUT(3);

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hp_gc);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hp_gc SEC(".maps");

/* The event stream (abi.h "the event stream"): written by the monitor... */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hp_monitor);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hp_monitor SEC(".maps") HP_ADDED_IN_LAYOUT(3);

/* ...read by it... */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, HP_EVENTS_RING_BYTES);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hp_events SEC(".maps") HP_ADDED_IN_LAYOUT(3);

/* ...and each CPU's drop budget and packet in hand. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hp_event_cpu);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} hp_event_cpu SEC(".maps") HP_ADDED_IN_LAYOUT(3);

#endif /* HP_BPF_MAPS_H */
