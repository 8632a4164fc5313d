// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The model's packet walks: what xdp_ingress and tc_egress must do to one
 * frame, written from docs/design.md ("Packet walk", "IPv4 fragments",
 * "ICMP errors", "Checksums", "Hostile input") and issue 10's
 * corrections. Frames are handled as bytes; checksums are updated
 * by RFC 1624 as decision 5 of DESIGN.md wants, so that an error in a
 * sender's checksum stays an error.
 */
#include <string.h>
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <netinet/in.h>

#include "model_state.h"
#include "wire.h"

bool model_xdp_rp_ok(const struct model_cfg *cfg, enum netif in_if, __u32 saddr);

#define F_SYN 0x02
#define F_RST 0x04
#define F_ACK 0x10
#define IP_MF 0x2000
#define IP_OFFSET 0x1fff

enum kind { K_PASS, K_L4, K_FRAG, K_ICMP };
enum csum_kind { CS_FULL, CS_PARTIAL, CS_NONE };

/* What parsing found. Offsets are from the start of the frame. */
struct parsed {
	enum kind kind;
	int vlans;
	size_t l3, l4, csum_off;
	__u16 l4_len;
	__u8 proto, tcp_flags;
	bool first_frag;
	struct hp_session_key key; /* for an ICMP error: the quoted tuple */
	/* ICMP error */
	size_t q_ip, q_l4, q_csum; /* q_csum 0: the quote stops before it */
};

static __u8 *ip_of(__u8 *f, const struct parsed *p)
{
	return f + p->l3;
}

static void set_key(struct hp_session_key *k, __u8 proto, const __u8 *ip, const __u8 *ports)
{
	memset(k, 0, sizeof(*k));
	k->proto = proto;
	memcpy(&k->tuple.saddr, ip + 12, 4);
	memcpy(&k->tuple.daddr, ip + 16, 4);
	if (ports) {
		memcpy(&k->tuple.sport, ports, 2);
		memcpy(&k->tuple.dport, ports + 2, 2);
	}
}

static enum kind parse_icmp(const __u8 *f, size_t len, struct parsed *p)
{
	const __u8 *icmp = f + p->l4, *q;
	size_t qhl;
	__u8 type;

	if (p->l4 + 8 > len)
		return K_PASS;
	type = icmp[0];
	if (type != 3 && type != 4 && type != 11 && type != 12)
		return K_PASS;
	p->q_ip = p->l4 + 8;
	q = f + p->q_ip;
	if (p->q_ip + 20 > len || (q[0] >> 4) != 4 || (q[0] & 0xf) < 5)
		return K_PASS;
	qhl = (size_t)(q[0] & 0xf) * 4;
	p->q_l4 = p->q_ip + qhl;
	if (p->q_l4 + 8 > len || (q[9] != IPPROTO_TCP && q[9] != IPPROTO_UDP) || (get16(q + 6) & IP_OFFSET))
		return K_PASS;
	p->q_csum = 0;
	if (q[9] == IPPROTO_UDP)
		p->q_csum = p->q_l4 + 6;
	else if (p->q_l4 + 20 <= len)
		p->q_csum = p->q_l4 + 16; /* as conntrack: only a whole TCP header */
	set_key(&p->key, q[9], q, f + p->q_l4);
	return K_ICMP;
}

/* hp_parse(): Ethernet, up to two VLAN tags, IPv4, TCP/UDP/ICMP error. */
static enum kind parse(const __u8 *f, size_t len, bool whole, struct parsed *p)
{
	size_t off = 12, hl, tot;
	__u16 type;
	const __u8 *ip, *l4;

	memset(p, 0, sizeof(*p));
	if (len < ETH_LEN)
		return K_PASS;
	type = get16(f + off);
	while ((type == 0x8100 || type == 0x88a8) && p->vlans < 2) {
		if (off + 2 + 4 > len)
			return K_PASS;
		off += 4;
		type = get16(f + off);
		p->vlans++;
	}
	if (type != 0x0800)
		return K_PASS;
	p->l3 = off + 2;
	ip = f + p->l3;
	if (p->l3 + 20 > len || (ip[0] >> 4) != 4 || (ip[0] & 0xf) < 5)
		return K_PASS;
	hl = (size_t)(ip[0] & 0xf) * 4;
	tot = get16(ip + 2);
	if (tot < hl || p->l3 + hl > len || (whole && p->l3 + tot > len))
		return K_PASS;
	p->l4 = p->l3 + hl;
	p->l4_len = (__u16)(tot - hl);
	p->proto = ip[9];
	set_key(&p->key, p->proto, ip, NULL);
	if (get16(ip + 6) & IP_OFFSET)
		return K_FRAG;
	p->first_frag = get16(ip + 6) & IP_MF;
	l4 = f + p->l4;
	if (p->proto == IPPROTO_TCP) {
		size_t doff;

		if (p->l4 + 20 > len)
			return K_PASS;
		doff = (size_t)(l4[12] >> 4) * 4;
		if (doff < 20 || p->l4 + doff > len || p->l4_len < doff)
			return K_PASS;
		p->tcp_flags = l4[13];
		p->csum_off = p->l4 + 16;
	} else if (p->proto == IPPROTO_UDP) {
		__u16 ulen;

		if (p->l4 + 8 > len || p->l4_len < 8)
			return K_PASS;
		/* conntrack's udp_error(): the header at least, within the payload but for a first fragment */
		ulen = get16(l4 + 4);
		if (ulen < 8 || (!p->first_frag && ulen > p->l4_len))
			return K_PASS;
		p->csum_off = p->l4 + 6;
	} else if (p->proto == IPPROTO_ICMP) {
		return p->first_frag ? K_PASS : parse_icmp(f, len, p);
	} else {
		return K_PASS;
	}
	set_key(&p->key, p->proto, ip, l4);
	return K_L4;
}

/* ---- checksums ---- */

static __u64 pseudo_sum(const __u8 *ip, __u8 proto, __u16 l4_len)
{
	return sum16(0, ip + 12, 8) + proto + l4_len;
}

/* Is the L4 checksum complete, partial (CHECKSUM_PARTIAL) or none? */
static enum csum_kind classify(const __u8 *f, const struct parsed *p)
{
	const __u8 *ip = f + p->l3;
	__u16 field = get16(f + p->csum_off);
	__u64 pseudo = pseudo_sum(ip, p->proto, p->l4_len);

	if (p->proto == IPPROTO_UDP && field == 0)
		return CS_NONE;
	if (p->first_frag || field != fold(pseudo))
		return CS_FULL;
	return fold(pseudo + sum16(0, f + p->l4, p->l4_len)) == 0xffff ? CS_FULL : CS_PARTIAL;
}

/* Finish a partial checksum: the whole segment's, as a sender would. */
static void finish_partial(__u8 *f, const struct parsed *p)
{
	__u16 c;

	put16(f + p->csum_off, 0);
	c = (__u16)~fold(pseudo_sum(f + p->l3, p->proto, p->l4_len) + sum16(0, f + p->l4, p->l4_len));
	if (p->proto == IPPROTO_UDP && c == 0)
		c = 0xffff;
	put16(f + p->csum_off, c);
}

static bool icmp_csum_ok(const __u8 *f, const struct parsed *p)
{
	return p->l4_len <= 4096 && fold(sum16(0, f + p->l4, p->l4_len)) == 0xffff;
}

/* ---- rewriting ---- */

/* Set a 32/16-bit field, adding its RFC 1624 delta to @d. */
static void set32(__u8 *at, __be32 to, __u64 *d)
{
	__u32 old = get32(at), new = ntohl(to);

	if (old == new)
		return;
	*d += delta32(old, new);
	put32(at, new);
}

static void set16(__u8 *at, __be16 to, __u64 *d)
{
	__u16 old = get16(at), new = ntohs(to);

	if (old == new)
		return;
	*d += delta16(old, new);
	put16(at, new);
}

/* The quoted packet becomes @to (RFC 5508): and the checksums over it. */
static void rewrite_quote(__u8 *f, const struct parsed *p, const struct hp_tuple *to)
{
	__u8 before[PKT_MAX], *q = f + p->q_ip;
	__u8 *icmp = f + p->l4;
	size_t n = p->q_l4 + 8 > p->q_csum + 2 ? p->q_l4 + 8 : p->q_csum + 2;
	__u64 addr = 0, port = 0, icmp_d = 0;

	memcpy(before, f, n);
	set32(q + 12, to->saddr, &addr);
	set32(q + 16, to->daddr, &addr);
	set16(f + p->q_l4, to->sport, &port);
	set16(f + p->q_l4 + 2, to->dport, &port);
	put16(q + 10, csum_full_update(get16(q + 10), addr));
	if (p->q_csum && !(q[9] == IPPROTO_UDP && get16(f + p->q_csum) == 0)) {
		__u16 c = csum_full_update(get16(f + p->q_csum), addr + port);

		put16(f + p->q_csum, q[9] == IPPROTO_UDP && c == 0 ? 0xffff : c);
	}
	/* the ICMP checksum: every word of the quote that changed */
	for (size_t o = p->q_ip; o + 1 < n; o += 2)
		if (get16(before + o) != get16(f + o))
			icmp_d += delta16(get16(before + o), get16(f + o));
	put16(icmp + 2, csum_full_update(get16(icmp + 2), icmp_d));
}

/*
 * Rewrite the packet to @to: the destination, and the source too when
 * @all; then what follows the IP header as @k says.
 */
static void rewrite(__u8 *f, const struct parsed *p, enum kind k, const struct hp_tuple *to, bool all,
		    enum csum_kind cs, const struct hp_tuple *quote_to)
{
	__u8 *ip = ip_of(f, p);
	__u64 addr = 0, port = 0;
	__u16 c;

	set32(ip + 16, to->daddr, &addr);
	if (all)
		set32(ip + 12, to->saddr, &addr);
	put16(ip + 10, csum_full_update(get16(ip + 10), addr));
	if (k == K_ICMP) {
		rewrite_quote(f, p, quote_to);
		return;
	}
	if (k != K_L4)
		return;
	set16(f + p->l4 + 2, to->dport, &port);
	if (all)
		set16(f + p->l4, to->sport, &port);
	c = get16(f + p->csum_off);
	if (cs == CS_FULL) {
		c = csum_full_update(c, addr + port);
		if (p->proto == IPPROTO_UDP && c == 0)
			c = 0xffff;
	} else if (cs == CS_PARTIAL) {
		c = csum_partial_update(c, addr); /* ports are not in the pseudo-header */
	}
	put16(f + p->csum_off, c);
}

/* ---- forwarding ---- */

struct fwd {
	enum kind kind;
	struct hp_tuple xlat;	  /* for an ICMP error: the outer header */
	struct hp_tuple quote_to; /* ICMP error */
	enum csum_kind cs;
	__u16 rule_id;
};

static bool fast_path(const struct model *m, enum netif in_if, const __u8 *f, const struct parsed *p,
		      const struct fwd *w, struct model_route *r)
{
	const __u8 *ip = f + p->l3;

	if ((m->cfg.hp.flags & HP_CF_NO_FAST_PATH) || p->vlans || (ip[0] & 0xf) > 5 || ip[8] <= 1)
		return false;
	if (!model_route(ntohl(w->xlat.daddr), r) || r->local || !r->neigh)
		return false;
	if (get16(ip + 2) > r->mtu)
		return false;
	(void)in_if;
	return r->dev == IF_LAN || r->dev == IF_WAN; /* the attached ports */
}

static void forward(struct model *m, enum netif in_if, const struct parsed *p, const struct fwd *w,
		    struct model_out *o)
{
	__u8 *f = o->frame, *ip = ip_of(f, p);
	struct model_route r;
	struct hp_session_key ek = { .proto = p->proto };
	struct hp_frag_key fk = { .id = 0 };
	__u32 check;

	if (fast_path(m, in_if, f, p, w, &r)) {
		enum csum_kind cs = w->cs;

		if (cs == CS_PARTIAL) {
			finish_partial(f, p);
			cs = CS_FULL;
		}
		rewrite(f, p, w->kind, &w->xlat, true, cs, &w->quote_to);
		ip[8]--; /* TTL and protocol share a checksum word */
		check = get16(ip + 10);
		put16(ip + 10, csum_full_update((__u16)check, delta16((__u16)((ip[8] + 1) << 8 | ip[9]),
								     (__u16)(ip[8] << 8 | ip[9]))));
		memcpy(f, r.mac, 6);
		memcpy(f + 6, model_if_mac(r.dev), 6);
		o->verdict = r.dev == in_if ? XDP_TX : XDP_REDIRECT;
		o->out_if = r.dev;
		return;
	}
	/* the slow path: the source is TC egress's, under the tuple the packet leaves with */
	if (memcmp(&w->xlat.saddr, ip + 12, 4) || (w->kind == K_L4 && w->xlat.sport != p->key.tuple.sport)) {
		bool ok = true;

		memcpy(&fk.saddr, ip + 12, 4);
		fk.daddr = w->xlat.daddr;
		memcpy(&fk.id, ip + 4, 2);
		fk.proto = p->proto;
		fk.stage = HP_FRAG_EGRESS;
		if (w->kind == K_FRAG) {
			ms_frag_put(m, &fk, w->xlat.saddr, w->xlat.daddr);
		} else {
			if (w->kind == K_L4) {
				ek.tuple = p->key.tuple;
				ek.tuple.daddr = w->xlat.daddr;
				ek.tuple.dport = w->xlat.dport;
				if (p->first_frag)
					ms_frag_put(m, &fk, w->xlat.saddr, w->xlat.daddr);
			} else {
				ek.proto = IPPROTO_ICMP;
				memcpy(&ek.tuple.saddr, ip + 12, 4);
				ek.tuple.daddr = w->xlat.daddr;
				ek.tuple.sport = w->quote_to.sport;
				ek.tuple.dport = w->quote_to.dport;
			}
			ok = ms_egress_put(m, &ek, &w->xlat, w->rule_id);
		}
		if (!ok) {
			o->verdict = XDP_DROP;
			return;
		}
	}
	rewrite(f, p, w->kind, &w->xlat, false, w->cs, &w->quote_to);
	o->verdict = XDP_PASS;
}

/* ---- XDP ingress ---- */

/*
 * Issue 10 (1, 4): a packet the router would translate is refused when its
 * header checksum is wrong, or its source fails the port's reverse-path
 * check. Only with those corrections switched on.
 */
static bool refused(const struct model *m, enum netif in_if, const __u8 *f, const struct parsed *p)
{
	const __u8 *ip = f + p->l3;
	size_t hl = (size_t)(ip[0] & 0xf) * 4;

	if (fold(sum16(0, ip, hl)) != 0xffff)
		return true;
	return !model_xdp_rp_ok(&m->cfg, in_if, get32(ip + 12));
}

static bool would_create(const struct model *m, enum netif in_if, const struct parsed *p)
{
	const struct model_rule *rule = ms_rule(p->proto, ntohl(p->key.tuple.daddr), ntohs(p->key.tuple.dport));

	(void)m;
	(void)in_if;
	return rule && (p->proto != IPPROTO_TCP || (p->tcp_flags & (F_SYN | F_ACK | F_RST)) == F_SYN);
}

/* Does a new flow of @rule from @in_if leave by @in_if (the hairpin)? */
static bool hairpins(enum netif in_if, const struct model_rule *rule)
{
	struct model_route r;
	__u32 net = model_if_addr(in_if) & 0xffffff00;

	if ((rule->int_addr & 0xffffff00) == net)
		return true; /* on the ingress port's own subnet */
	if (model_route(rule->int_addr, &r))
		return r.dev == in_if;
	return false;
}

/* ---- fragments (design.md "IPv4 fragments": Linux's reassembly rules) ---- */

static void frag_key(struct hp_frag_key *fk, const __u8 *ip, const struct parsed *p)
{
	memset(fk, 0, sizeof(*fk));
	memcpy(&fk->saddr, ip + 12, 4);
	memcpy(&fk->daddr, ip + 16, 4);
	memcpy(&fk->id, ip + 4, 2);
	fk->proto = p->proto;
	fk->stage = HP_FRAG_INGRESS;
}

/* The payload bytes a fragment holds (RFC 791); one with more to follow ends on 8 bytes. */
static void frag_range(const __u8 *ip, const struct parsed *p, __u32 *start, __u32 *end)
{
	*start = (get16(ip + 6) & IP_OFFSET) * 8u;
	*end = *start + p->l4_len;
	if (get16(ip + 6) & IP_MF)
		*end &= ~7u;
}

/* Add [start, end) to the ranges it overlaps none of; false past HP_FRAG_RUNS pieces. */
static bool frag_add(struct model_seen *s, __u32 start, __u32 end)
{
	__u32 a[HP_FRAG_RUNS + 1], b[HP_FRAG_RUNS + 1];
	int n = 0, at = 0;

	while (at < s->n && s->start[at] < start)
		at++;
	for (int i = 0; i <= s->n; i++) {
		__u32 x = i == at ? start : s->start[i - (i > at)], y = i == at ? end : s->end[i - (i > at)];

		if (n && b[n - 1] == x) {
			b[n - 1] = y; /* touching: one piece */
		} else {
			a[n] = x;
			b[n++] = y;
		}
	}
	if (n > HP_FRAG_RUNS)
		return false;
	memcpy(s->start, a, sizeof(s->start));
	memcpy(s->end, b, sizeof(s->end));
	s->n = n;
	return true;
}

/* May a later fragment of a tracked datagram go through? Records it if so. */
static bool frag_admit(struct model_seen *s, const __u8 *ip, const struct parsed *p)
{
	bool more = get16(ip + 6) & IP_MF;
	__u32 start, end, top = 0;

	if (s->dead)
		return false; /* drop_frag_discarded */
	frag_range(ip, p, &start, &end);
	if (start < s->l4_hlen || end <= start || end > HP_FRAG_MAX_END)
		goto discard; /* header; empty or too long */
	for (int i = 0; i < s->n; i++)
		top = s->end[i] > top ? s->end[i] : top;
	if (!more) {
		if (end < top || (s->last && end != s->total))
			goto discard;
		s->last = true;
		s->total = end;
	} else if (s->last && end > s->total) {
		goto discard;
	}
	for (int i = 0; i < s->n; i++)
		if (start >= s->start[i] && end <= s->end[i])
			return false; /* drop_frag_duplicate */
	for (int i = 0; i < s->n; i++)
		if (start < s->end[i] && end > s->start[i])
			goto discard; /* overlap */
	if (frag_add(s, start, end))
		return true;
discard:
	s->dead = true;
	return false;
}

/* A first fragment, before its session: may it start (or restart) its datagram? */
static bool frag_first_ok(struct model *m, const struct hp_frag_key *fk, const __u8 *ip, const struct parsed *p)
{
	struct model_seen *s = ms_frag_seen(m, fk);
	__u32 start, end;

	if (!s || (!s->dead && s->last && s->n == 1 && s->end[0] == s->total))
		return true; /* none in flight, or complete: the IP id's next datagram */
	if (s->dead)
		return false;
	frag_range(ip, p, &start, &end);
	if (end != s->first_end)
		s->dead = true; /* a different first fragment: over the header */
	return false;
}

static void frag_remember(struct model *m, const struct hp_frag_key *fk, const __u8 *ip, const struct parsed *p,
			  const struct hp_tuple *xlat)
{
	struct model_seen *s;
	__u32 start, end;

	ms_frag_put(m, fk, xlat->saddr, xlat->daddr);
	s = ms_frag_seen_new(m, fk);
	if (!s)
		return;
	frag_range(ip, p, &start, &end);
	s->n = 1;
	s->start[0] = 0;
	s->end[0] = s->first_end = end;
	s->l4_hlen = p->proto == IPPROTO_TCP ? (__u8)((ip[(ip[0] & 0xf) * 4 + 12] >> 4) * 4) : 8;
}

/* The session walk; true when the packet was translated. */
static bool walk_session(struct model *m, enum netif in_if, const struct parsed *p, struct model_out *o)
{
	struct hp_session_key k = p->key;
	struct track_in t = { p->proto, p->tcp_flags };
	struct hp_session *s = ms_lookup(m, &k), fresh;
	const struct model_rule *rule;
	struct fwd w = { .kind = K_L4 };
	bool live = s && !ms_dead(m, &k, s);
	__be32 snat = 0;

	if (!live) {
		if (s) {
			bool reply = s->flags & HP_SF_REPLY;

			ms_remove(m, &k);
			if (reply)
				return false; /* a reply to a dead session: passed */
		}
		rule = ms_rule(p->proto, ntohl(k.tuple.daddr), ntohs(k.tuple.dport));
		if (!rule || !would_create(m, in_if, p))
			return false;
		if (refused(m, in_if, o->frame, p)) {
			o->verdict = XDP_DROP;
			return false;
		}
		if (rule->hairpin != HP_HAIRPIN_OFF && hairpins(in_if, rule))
			snat = rule->hairpin == HP_HAIRPIN_EXTERNAL ? k.tuple.daddr : htonl(model_if_addr(in_if));
		if (ms_create(m, &k, rule, snat, t, &fresh)) {
			o->verdict = XDP_DROP;
			return false;
		}
		s = &fresh;
	} else {
		if (refused(m, in_if, o->frame, p)) {
			o->verdict = XDP_DROP;
			return false;
		}
		ms_track(m, &k, s, t);
	}
	w.xlat = s->xlat;
	w.rule_id = s->rule_id;
	if (p->first_frag) {
		struct hp_frag_key fk;

		frag_key(&fk, o->frame + p->l3, p);
		frag_remember(m, &fk, o->frame + p->l3, p, &w.xlat);
	}
	w.cs = classify(o->frame, p);
	forward(m, in_if, p, &w, o);
	return true;
}

static void walk_l4(struct model *m, enum netif in_if, const struct parsed *p, struct model_out *o)
{
	struct hp_frag_key fk;

	if (!p->first_frag) {
		walk_session(m, in_if, p, o);
		return;
	}
	frag_key(&fk, o->frame + p->l3, p);
	if (!frag_first_ok(m, &fk, o->frame + p->l3, p)) {
		o->verdict = XDP_DROP;
		return;
	}
	/* passed untranslated: an older datagram's entry on its IP id must not translate its fragments */
	if (!walk_session(m, in_if, p, o) && o->verdict == XDP_PASS)
		ms_frag_forget(m, &fk);
}

static void walk_frag(struct model *m, enum netif in_if, const struct parsed *p, struct model_out *o)
{
	const __u8 *ip = o->frame + p->l3;
	struct hp_frag_key fk;
	struct fwd w = { .kind = K_FRAG, .cs = CS_NONE };
	struct model_seen *seen;

	frag_key(&fk, ip, p);
	if (!ms_frag_get(m, &fk, &w.xlat))
		return; /* no first fragment seen: passed untouched */
	if (refused(m, in_if, o->frame, p)) {
		o->verdict = XDP_DROP;
		return;
	}
	seen = ms_frag_seen(m, &fk);
	if (!seen)
		return;
	if (!frag_admit(seen, ip, p)) {
		o->verdict = XDP_DROP;
		return;
	}
	forward(m, in_if, p, &w, o);
}

/* The session half an error's quote belongs to: keyed by its reverse. */
static struct hp_session *quote_half(struct model *m, const struct parsed *p, struct hp_session_key *k)
{
	memset(k, 0, sizeof(*k));
	k->proto = p->key.proto;
	tuple_reverse(&k->tuple, &p->key.tuple);
	return ms_lookup(m, k);
}

static void plan_icmp(const __u8 *f, const struct parsed *p, const struct hp_session_key *k,
		      const struct hp_session *h, struct fwd *w)
{
	w->kind = K_ICMP;
	w->cs = CS_NONE;
	tuple_reverse(&w->quote_to, &h->xlat);
	memset(&w->xlat, 0, sizeof(w->xlat));
	if (k->tuple.saddr != h->xlat.saddr)
		w->xlat.saddr = h->xlat.saddr;
	else
		memcpy(&w->xlat.saddr, f + p->l3 + 12, 4);
	w->xlat.daddr = h->xlat.daddr;
	w->rule_id = h->rule_id;
}

static void walk_icmp(struct model *m, enum netif in_if, const struct parsed *p, struct model_out *o)
{
	struct hp_session_key k;
	struct hp_session *h = quote_half(m, p, &k);
	struct fwd w;

	if (!h || ms_dead(m, &k, h))
		return;
	/* Issue 10 (2): addressed to what the session shows that side, as conntrack wants */
	if (memcmp(o->frame + p->l3 + 16, &k.tuple.daddr, 4))
		return;
	if (refused(m, in_if, o->frame, p) || !icmp_csum_ok(o->frame, p)) {
		o->verdict = XDP_DROP;
		return;
	}
	plan_icmp(o->frame, p, &k, h, &w);
	forward(m, in_if, p, &w, o);
}

void model_xdp(struct model *m, enum netif in_if, const __u8 *frame, size_t len, struct model_out *o)
{
	struct parsed p;

	memcpy(o->frame, frame, len);
	o->len = len;
	o->verdict = XDP_PASS;
	o->out_if = in_if;
	switch (parse(frame, len, true, &p)) {
	case K_L4:
		walk_l4(m, in_if, &p, o);
		break;
	case K_FRAG:
		walk_frag(m, in_if, &p, o);
		break;
	case K_ICMP:
		walk_icmp(m, in_if, &p, o);
		break;
	default:
		break;
	}
}

/* ---- TC egress ---- */

/* The source rewrite of a TCP/UDP packet, as bpf_l3/l4_csum_replace make it. */
static void tc_rewrite_l4(__u8 *f, const struct parsed *p, const struct hp_tuple *to)
{
	__u8 *ip = ip_of(f, p);
	__u64 addr = 0, port = 0;
	__u16 c = get16(f + p->csum_off);

	set32(ip + 12, to->saddr, &addr);
	set32(ip + 16, to->daddr, &addr);
	set16(f + p->l4, to->sport, &port);
	set16(f + p->l4 + 2, to->dport, &port);
	put16(ip + 10, csum_full_update(get16(ip + 10), addr));
	if (p->proto == IPPROTO_UDP && c == 0)
		return; /* BPF_F_MARK_MANGLED_0: no checksum stays none */
	c = csum_full_update(c, addr + port);
	put16(f + p->csum_off, p->proto == IPPROTO_UDP && c == 0 ? 0xffff : c);
}

void model_tc(struct model *m, enum netif out_if, const __u8 *frame, size_t len, struct model_out *o)
{
	struct parsed p;
	const struct hp_session *e;
	struct hp_session_key k;
	struct hp_session *h;
	struct fwd w;

	(void)out_if;
	memcpy(o->frame, frame, len);
	o->len = len;
	o->verdict = TC_ACT_OK;
	switch (parse(frame, len, false, &p)) {
	case K_L4:
		e = ms_egress_get(m, &p.key);
		if (!e)
			return;
		if (p.first_frag) {
			/*
			 * The stack fragmented a datagram XDP passed whole (longer
			 * than the route's MTU, DF clear): its later fragments
			 * follow this first one, as those of a datagram
			 * fragmented before the router do (issue 10.8).
			 */
			struct hp_frag_key fk = { .saddr = p.key.tuple.saddr, .daddr = p.key.tuple.daddr,
						  .proto = p.proto, .stage = HP_FRAG_EGRESS };

			memcpy(&fk.id, frame + p.l3 + 4, 2);
			ms_frag_put(m, &fk, e->xlat.saddr, e->xlat.daddr);
		}
		tc_rewrite_l4(o->frame, &p, &e->xlat);
		return;
	case K_FRAG: {
		struct hp_frag_key fk = { .saddr = p.key.tuple.saddr, .daddr = p.key.tuple.daddr,
					  .proto = p.proto, .stage = HP_FRAG_EGRESS };
		struct hp_tuple to;

		memcpy(&fk.id, frame + p.l3 + 4, 2);
		if (ms_frag_get(m, &fk, &to))
			rewrite(o->frame, &p, K_FRAG, &to, true, CS_NONE, &to); /* no quote */
		return;
	}
	case K_ICMP:
		break;
	default:
		return;
	}
	/* an error XDP passed with its outer source still to rewrite... */
	memset(&k, 0, sizeof(k));
	k.proto = IPPROTO_ICMP;
	memcpy(&k.tuple.saddr, frame + p.l3 + 12, 4);
	memcpy(&k.tuple.daddr, frame + p.l3 + 16, 4);
	k.tuple.sport = p.key.tuple.sport;
	k.tuple.dport = p.key.tuple.dport;
	e = ms_egress_get(m, &k);
	if (e) {
		struct hp_tuple to = k.tuple;

		to.saddr = e->xlat.saddr;
		rewrite(o->frame, &p, K_ICMP, &to, true, CS_NONE, &p.key.tuple);
		return;
	}
	/* ...or one the router sends about a packet it forwarded (DNAT'd only) */
	h = quote_half(m, &p, &k);
	if (!h) {
		e = ms_egress_get(m, &p.key);
		if (!e)
			return;
		memset(&k, 0, sizeof(k));
		k.proto = p.key.proto;
		tuple_reverse(&k.tuple, &e->xlat);
		h = ms_lookup(m, &k);
	}
	/* dead, or addressed elsewhere than the quote's source (not related, as in XDP) */
	if (!h || ms_dead(m, &k, h) || memcmp(frame + p.l3 + 16, &p.key.tuple.saddr, 4))
		return;
	plan_icmp(frame, &p, &k, h, &w);
	if (memcmp(&w.xlat.saddr, frame + p.l3 + 12, 4) || memcmp(&w.xlat.daddr, frame + p.l3 + 16, 4) ||
	    !tuple_eq(&w.quote_to, &p.key.tuple))
		rewrite(o->frame, &p, K_ICMP, &w.xlat, true, CS_NONE, &w.quote_to);
}

/* ---- the clock ---- */

void model_init(struct model *m, const struct model_cfg *cfg)
{
	memset(m, 0, sizeof(*m));
	m->cfg = *cfg;
	m->now = 1000000000000ull; /* any start: only differences count */
}

void model_advance(struct model *m, __u64 ns)
{
	m->now += ns;
}
