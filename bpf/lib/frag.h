/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * IPv4 fragments. The first fragment is translated through its session like
 * any packet and leaves its addresses in hp_frags under (source,
 * destination, protocol, IP id); later fragments carry no ports and follow
 * that entry. A later fragment that finds none (it overtook the first, or
 * the entry is gone) is passed to the stack untouched: the datagram may be
 * lost, but no fragment is ever rewritten to the wrong flow.
 *
 * The translation is decided on the first fragment's ports, so no later
 * fragment may change them: beside the ingress entry, hp_frag_seen keeps
 * which bytes of the datagram went through, and a fragment that repeats or
 * overlaps them never reaches the receiver (RFC 1858, RFC 3128). A datagram
 * with a translation but no such record (evicted, or begun under a build
 * without it) is unknown: its later fragments pass untouched. What it gets follows Linux's
 * own reassembly (ip_frag_queue(), inet_frag_queue_insert(), RFC 5722):
 *
 * - over the first fragment's TCP/UDP header (offset below its length, or
 *   another fragment at offset 0 of a different length): dropped, and the
 *   datagram discarded (drop_frag_header);
 * - wholly inside bytes already forwarded: dropped, the datagram kept
 *   (drop_frag_duplicate; an identical first fragment too);
 * - partly overlapping them: dropped, datagram discarded (drop_frag_overlap);
 * - past the end the last fragment set, a second different end, empty, or
 *   past 64 KiB: dropped, datagram discarded (drop_frag_bad_end);
 * - a fifth separate piece (more holes than HP_FRAG_RUNS tracks): dropped,
 *   datagram discarded (drop_frag_untracked);
 * - any fragment of a discarded datagram, until its entry times out:
 *   dropped (drop_frag_discarded).
 *
 * A complete datagram keeps its entry, so repeats are still caught; a new
 * first fragment then starts the next datagram on the same IP id.
 */
#ifndef HP_BPF_FRAG_H
#define HP_BPF_FRAG_H

#include "lib/maps.h"
#include "lib/parse.h"
#include "lib/nat.h"

static __always_inline void hp_frag_key_of(struct hp_frag_key *k, const struct hp_packet *pkt, __be32 daddr,
					   enum hp_frag_stage stage)
{
	k->saddr = pkt->ip->saddr;
	k->daddr = daddr;
	k->id = pkt->ip->id;
	k->proto = pkt->ip->protocol;
	k->stage = stage;
}

static __always_inline bool hp_frag_expired(const struct hp_frag *f, __u64 now)
{
	return now > f->first_seen_ns && now - f->first_seen_ns > HP_FRAG_TIMEOUT_SEC * HP_NSEC_PER_SEC;
}

/* The packet's byte range in its datagram's payload (RFC 791: 8-byte units). */
static __always_inline void hp_frag_range(const struct hp_packet *pkt, __u32 *start, __u32 *end)
{
	*start = (bpf_ntohs(pkt->ip->frag_off) & HP_IP_OFFSET) * 8;
	*end = *start + pkt->l4_len;
	/* As Linux does, a fragment with more to follow ends on 8 bytes. */
	if (pkt->ip->frag_off & bpf_htons(HP_IP_MF))
		*end &= ~7u;
}

static __always_inline bool hp_frag_complete(const struct hp_frag_seen *f)
{
	return (f->flags & HP_FRAGF_LAST) && f->n_runs == 1 && f->runs[0].end == f->total;
}

/* Where a translated datagram's first fragment may not be covered again. */
static __always_inline __u8 hp_frag_l4_hlen(const struct hp_packet *pkt)
{
	/* hp_parse() checked the whole header is in the packet, and noted its length. */
	return pkt->l4_hlen;
}

/*
 * A first fragment (offset 0, MF set), before its session is looked at: a
 * repeat of a datagram still in flight must not create or take a session.
 * HP_CONTINUE, or the drop counter.
 */
static __always_inline int hp_frag_check_first(const struct hp_packet *pkt, __u64 now)
{
	struct hp_frag_seen *seen;
	struct hp_frag_key k;
	struct hp_frag *f;
	__u32 start, end;

	hp_frag_key_of(&k, pkt, pkt->ip->daddr, HP_FRAG_INGRESS);
	f = bpf_map_lookup_elem(&hp_frags, &k);
	if (!f || hp_frag_expired(f, now))
		return HP_CONTINUE;
	seen = bpf_map_lookup_elem(&hp_frag_seen, &k);
	if (!seen)
		return HP_CONTINUE;
	if (seen->flags & HP_FRAGF_DEAD)
		return HP_DROP_FRAG_DISCARDED;
	if (hp_frag_complete(seen)) /* the IP id's next datagram */
		return HP_CONTINUE;
	hp_frag_range(pkt, &start, &end);
	if (end == seen->first_end)
		return HP_DROP_FRAG_DUPLICATE;
	seen->flags |= HP_FRAGF_DEAD;
	return HP_DROP_FRAG_HEADER;
}

/*
 * Remember the first fragment's translation. HP_FRAG_INGRESS: keyed as the
 * fragments arrive, with the range it covers; HP_FRAG_EGRESS: as they leave
 * the stack with only their destination rewritten, for TC to finish (slow
 * path, or a datagram the router fragments itself).
 */
static __always_inline void hp_frag_remember(const struct hp_packet *pkt, const struct hp_tuple *xlat,
					     enum hp_frag_stage stage, __u64 now)
{
	struct hp_frag_seen seen = {};
	struct hp_frag_key k;
	struct hp_frag f = {
		.saddr = xlat->saddr,
		.daddr = xlat->daddr,
		.first_seen_ns = now,
	};
	__u32 start, end;

	hp_frag_key_of(&k, pkt, stage == HP_FRAG_INGRESS ? pkt->ip->daddr : xlat->daddr, stage);
	bpf_map_update_elem(&hp_frags, &k, &f, BPF_ANY);
	if (stage != HP_FRAG_INGRESS)
		return;
	hp_frag_range(pkt, &start, &end);
	seen.runs[0].end = end;
	seen.first_end = end;
	seen.n_runs = 1;
	seen.l4_hlen = hp_frag_l4_hlen(pkt);
	bpf_map_update_elem(&hp_frag_seen, &k, &seen, BPF_ANY);
}

/*
 * Linux's checks of a fragment's end (ip_frag_queue()): the last fragment
 * sets the datagram's length, which nothing may pass or change afterwards;
 * an empty fragment or one past 64 KiB is corrupt. Records the length.
 */
static __always_inline bool hp_frag_end_ok(struct hp_frag_seen *f, const struct hp_packet *pkt, __u32 start,
					   __u32 end)
{
	__u32 seen = f->runs[0].end;
	int i;

	if (end <= start || end > HP_FRAG_MAX_END)
		return false;
	for (i = 0; i < HP_FRAG_RUNS; i++)
		if (i < f->n_runs && f->runs[i].end > seen)
			seen = f->runs[i].end;
	if (!(pkt->ip->frag_off & bpf_htons(HP_IP_MF))) {
		if (end < seen || ((f->flags & HP_FRAGF_LAST) && end != f->total))
			return false;
		f->flags |= HP_FRAGF_LAST;
		f->total = end;
	} else if ((f->flags & HP_FRAGF_LAST) && end > f->total) {
		return false;
	}
	return true;
}

/*
 * Add [start, end) to the runs, which it overlaps none of: it extends the
 * run it touches (joining two), or takes a free slot in order. False when
 * it would be one piece too many.
 */
static __always_inline bool hp_frag_add_run(struct hp_frag_seen *f, __u32 start, __u32 end)
{
	struct hp_frag_run *r = f->runs;
	int n = f->n_runs, at = n;
	int i;

	if (n > HP_FRAG_RUNS)
		return false;
	for (i = HP_FRAG_RUNS - 1; i >= 0; i--)
		if (i < n && r[i].start >= end)
			at = i; /* the first run after the new one */
	/* Run 0 starts at 0 and the new one overlaps nothing: at >= 1. */
	if (at < 1 || at > HP_FRAG_RUNS)
		return false;
	if (r[at - 1].end == start) {
		r[at - 1].end = end;
		if (at < n && r[at].start == end) { /* the hole is filled: join */
			r[at - 1].end = r[at].end;
			for (i = 1; i < HP_FRAG_RUNS - 1; i++)
				if (i >= at && i + 1 < n)
					r[i] = r[i + 1];
			f->n_runs = n - 1;
		}
		return true;
	}
	if (at < n && r[at].start == end) {
		r[at].start = start;
		return true;
	}
	if (n == HP_FRAG_RUNS)
		return false;
	for (i = HP_FRAG_RUNS - 1; i > 0; i--)
		if (i > at && i <= n)
			r[i] = r[i - 1];
	r[at].start = start;
	r[at].end = end;
	f->n_runs = n + 1;
	return true;
}

/*
 * Where a later fragment stands against what of its datagram went through:
 * HP_CONTINUE (recorded) or the drop counter. See the top of this file.
 */
static __always_inline int hp_frag_admit(struct hp_frag_seen *f, const struct hp_packet *pkt)
{
	__u32 start, end;
	int i;

	if (f->flags & HP_FRAGF_DEAD)
		return HP_DROP_FRAG_DISCARDED;
	hp_frag_range(pkt, &start, &end);
	if (start < f->l4_hlen)
		goto header;
	if (!hp_frag_end_ok(f, pkt, start, end))
		goto dead_end;
	for (i = 0; i < HP_FRAG_RUNS; i++) {
		if (i >= f->n_runs)
			break;
		if (start >= f->runs[i].start && end <= f->runs[i].end)
			return HP_DROP_FRAG_DUPLICATE;
		if (start < f->runs[i].end && end > f->runs[i].start)
			goto overlap;
	}
	if (!hp_frag_add_run(f, start, end))
		goto untracked;
	return HP_CONTINUE;
header:
	f->flags |= HP_FRAGF_DEAD;
	return HP_DROP_FRAG_HEADER;
dead_end:
	f->flags |= HP_FRAGF_DEAD;
	return HP_DROP_FRAG_BAD_END;
overlap:
	f->flags |= HP_FRAGF_DEAD;
	return HP_DROP_FRAG_OVERLAP;
untracked:
	f->flags |= HP_FRAGF_DEAD;
	return HP_DROP_FRAG_UNTRACKED;
}

/*
 * The entry of @pkt's datagram when @pkt is a later fragment of one whose
 * first fragment was translated (and not too long ago), or NULL.
 */
static __always_inline const struct hp_frag *hp_frag_tracked(const struct hp_packet *pkt,
							     enum hp_frag_stage stage, __u64 now)
{
	struct hp_frag_key k;
	struct hp_frag *f;

	hp_frag_key_of(&k, pkt, pkt->ip->daddr, stage);
	f = bpf_map_lookup_elem(&hp_frags, &k);
	return f && !hp_frag_expired(f, now) ? f : NULL;
}

/*
 * The translation of a later fragment from its datagram's entry @f
 * (hp_frag_tracked()), as a tuple without ports: HP_CONTINUE,
 * HP_PASS_FRAGMENT (no record of what went through) or, at ingress, the
 * drop counter of a fragment that may not go through (hp_frag_admit()).
 */
static __always_inline int hp_frag_follow(const struct hp_packet *pkt, enum hp_frag_stage stage,
					  const struct hp_frag *f, struct hp_tuple *xlat)
{
	struct hp_frag_seen *seen;
	struct hp_frag_key k;
	int ret;

	if (stage == HP_FRAG_INGRESS) {
		hp_frag_key_of(&k, pkt, pkt->ip->daddr, stage);
		seen = bpf_map_lookup_elem(&hp_frag_seen, &k);
		if (!seen)
			return HP_PASS_FRAGMENT;
		ret = hp_frag_admit(seen, pkt);
		if (ret != HP_CONTINUE)
			return ret;
	}
	xlat->saddr = f->saddr;
	xlat->daddr = f->daddr;
	xlat->sport = 0;
	xlat->dport = 0;
	return HP_CONTINUE;
}

/* Both steps at once: HP_PASS_FRAGMENT too when no datagram is known. */
static __always_inline int hp_frag_lookup(const struct hp_packet *pkt, enum hp_frag_stage stage, __u64 now,
					  struct hp_tuple *xlat)
{
	const struct hp_frag *f = hp_frag_tracked(pkt, stage, now);

	if (!f)
		return HP_PASS_FRAGMENT;
	return hp_frag_follow(pkt, stage, f, xlat);
}

/*
 * A first fragment that is not translated starts a datagram of its own on
 * its IP id: an entry an older datagram left under the same key must not
 * translate its later fragments (IP ids are reused, RFC 6864).
 */
static __always_inline void hp_frag_forget(const struct hp_packet *pkt)
{
	struct hp_frag_key k;

	hp_frag_key_of(&k, pkt, pkt->ip->daddr, HP_FRAG_INGRESS);
	bpf_map_delete_elem(&hp_frags, &k);
}

#endif /* HP_BPF_FRAG_H */
