// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The packet generator (gen.h). Frames start as pkt_spec (tests/unit/pkt.h)
 * of the fixture's hosts: LAN clients and the server on lan0, internet
 * clients on wan0, whose sources pass the reverse-path check of the port
 * they arrive on (only the spoof class breaks that), then each class bends
 * them its way.
 */
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "gen.h"
#include "wire.h"

const char *const gen_class_name[GC_MAX] = {
#define GEN_CLASS_NAME(e, name, desc) name,
	GEN_CLASSES(GEN_CLASS_NAME)
#undef GEN_CLASS_NAME
};

unsigned gen_default_classes(void)
{
	return (1u << GC_MAX) - 1;
}

/* splitmix64: small, fast, and every seed is a good one. */
__u64 gen_rand(struct gen *g)
{
	__u64 z = (g->rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static unsigned rnd(struct gen *g, unsigned n)
{
	return n ? (unsigned)(gen_rand(g) % n) : 0;
}

static bool chance(struct gen *g, unsigned percent)
{
	return rnd(g, 100) < percent;
}

void gen_init(struct gen *g, __u64 seed, unsigned classes)
{
	memset(g, 0, sizeof(*g));
	g->rng = seed;
	g->classes = classes;
}

/* ---- hosts ---- */

static const __u8 mac_other[6] = { 0x02, 0, 0, 0, 0, 0x99 };

struct host {
	__u32 addr;
	enum netif iface;
	const __u8 *mac;
};

static const struct host lan_hosts[] = {
	{ LAN_CLIENT, IF_LAN, mac_client },
	{ SERVER, IF_LAN, mac_server },
	{ NO_NEIGH_HOST, IF_LAN, mac_other },
	{ IP4(192, 168, 0, 50), IF_LAN, mac_other },
};
static const struct host wan_hosts[] = {
	{ INET_CLIENT, IF_WAN, mac_inet },
	{ IP4(203, 0, 113, 77), IF_WAN, mac_other },
	{ IP4(203, 0, 113, 100), IF_WAN, mac_other },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct host *any_host(struct gen *g)
{
	return chance(g, 50) ? &lan_hosts[rnd(g, N(lan_hosts))] : &wan_hosts[rnd(g, N(wan_hosts))];
}

/* The host that sends from @addr, and the port it is on. */
static struct host host_of(__u32 addr)
{
	for (size_t i = 0; i < N(lan_hosts); i++)
		if (lan_hosts[i].addr == addr)
			return lan_hosts[i];
	for (size_t i = 0; i < N(wan_hosts); i++)
		if (wan_hosts[i].addr == addr)
			return wan_hosts[i];
	if ((addr >> 8) == (IP4(192, 168, 0, 0) >> 8))
		return (struct host){ addr, IF_LAN, mac_other };
	return (struct host){ addr, IF_WAN, mac_other };
}

static const __u16 rule_ports[] = { 80, 53, 8080, 81, 82, 443, 8081 };
static const __u16 other_ports[] = { 22, 5353, 1234, 80, 53 };
static const __u8 tcp_flag_sets[] = {
	0x02, 0x12, 0x10, 0x18, 0x11, 0x04, 0x14, 0x03, 0x06, 0x00, 0x19, 0x12,
};

static __u16 payload_len(struct gen *g)
{
	unsigned r = rnd(g, 100);

	if (r < 40)
		return 0;
	if (r < 85)
		return (__u16)rnd(g, 120);
	return (__u16)(260 + rnd(g, 160)); /* over the mtu-300 route */
}

/* A first packet of a flow: from either side, mostly to the rules. */
static struct pkt_spec new_flow_spec(struct gen *g, enum netif *iface)
{
	const struct host *h = any_host(g);
	struct pkt_spec s = { .dmac = model_if_mac(h->iface), .smac = h->mac, .saddr = h->addr };

	*iface = h->iface;
	s.daddr = chance(g, 85) ? PUBLIC : chance(g, 50) ? SERVER : any_host(g)->addr;
	s.dport = chance(g, 80) ? rule_ports[rnd(g, N(rule_ports))] : other_ports[rnd(g, N(other_ports))];
	s.proto = s.dport == 53 || s.dport == 5353 ? (chance(g, 90) ? IPPROTO_UDP : IPPROTO_TCP)
						    : (chance(g, 90) ? IPPROTO_TCP : IPPROTO_UDP);
	s.sport = chance(g, 70) ? 40000 + rnd(g, 6) : 1024 + rnd(g, 64000);
	s.tcp_flags = chance(g, 85) ? 0x02 : tcp_flag_sets[rnd(g, N(tcp_flag_sets))];
	s.payload = payload_len(g);
	s.ip_id = (__u16)(chance(g, 50) ? 0x1234 : rnd(g, 65536));
	if (chance(g, 25))
		s.frag_off = FRAG_NONE;
	return s;
}

/* A packet on the tuple of a session half the model holds (or held). */
static bool flow_spec(struct gen *g, const struct model *m, struct pkt_spec *s, enum netif *iface)
{
	struct hp_session_key k;
	struct host h;

	if (m->n_sess && (chance(g, 85) || !g->n_seen))
		k = m->sess[rnd(g, (unsigned)m->n_sess)].key;
	else if (g->n_seen)
		k = g->seen[rnd(g, (unsigned)g->n_seen)];
	else
		return false;
	h = host_of(ntohl(k.tuple.saddr));
	memset(s, 0, sizeof(*s));
	s->dmac = model_if_mac(h.iface);
	s->smac = h.mac;
	s->saddr = ntohl(k.tuple.saddr);
	s->daddr = ntohl(k.tuple.daddr);
	s->sport = ntohs(k.tuple.sport);
	s->dport = ntohs(k.tuple.dport);
	s->proto = k.proto;
	s->tcp_flags = tcp_flag_sets[rnd(g, N(tcp_flag_sets))];
	s->payload = payload_len(g);
	s->ip_id = (__u16)(chance(g, 50) ? 0x1234 : rnd(g, 65536));
	if (chance(g, 25))
		s->frag_off = FRAG_NONE; /* DF clear: the stack may fragment it */
	*iface = h.iface;
	return true;
}

static void some_packet(struct gen *g, const struct model *m, struct pkt_spec *s, enum netif *iface)
{
	if (chance(g, 50) || !flow_spec(g, m, s, iface))
		*s = new_flow_spec(g, iface);
}

/* Room for the longest headers: a VLAN tag, IPv4 options, TCP, padding. */
#define HEADROOM (ETH_LEN + 8 + 60 + 20)

static void emit(struct event *ev, enum gen_class c, enum netif iface, const struct pkt_spec *s)
{
	struct pkt_spec fit = *s;

	if (fit.payload + fit.pad > PKT_MAX - HEADROOM)
		fit.payload = (__u16)(PKT_MAX - HEADROOM - fit.pad); /* frames fit PKT_MAX */
	ev->type = EV_XDP;
	ev->cls = c;
	ev->iface = iface;
	ev->len = (__u16)pkt_build(&fit, ev->frame);
}

/* After a change to the IPv4 header at @l3: its checksum from nothing. */
static void fix_ip_csum(__u8 *f, size_t len, size_t l3)
{
	size_t hl = (size_t)(f[l3] & 0xf) * 4;

	if (hl < 20 || l3 + hl > len)
		hl = 20;
	if (l3 + hl > len)
		return;
	put16(f + l3 + 10, ip_csum(f + l3, hl));
}

/* ---- classes ---- */

static void gen_malformed(struct gen *g, const struct model *m, struct event *ev)
{
	struct pkt_spec s;
	enum netif iface;
	__u8 *f = ev->frame;
	size_t l3 = ETH_LEN;

	some_packet(g, m, &s, &iface);
	switch (rnd(g, 12)) {
	case 0: /* cut anywhere */
		emit(ev, GC_MALFORMED, iface, &s);
		ev->len = (__u16)(ETH_LEN + rnd(g, ev->len - ETH_LEN)); /* a NIC gives no less */
		return;
	case 1:
		s.pad = (__u8)(1 + rnd(g, 40));
		break;
	case 2:
		s.ihl = (__u8)rnd(g, 16);
		break;
	case 3:
		s.doff = (__u8)rnd(g, 16);
		break;
	case 4:
		s.ethertype = chance(g, 50) ? 0x86dd : 0x0806;
		break;
	case 5:
		s.vlan_id = (__u16)(1 + rnd(g, 4094));
		break;
	case 6:
		s.proto = chance(g, 50) ? 47 : (__u8)rnd(g, 256);
		break;
	default:
		break;
	}
	emit(ev, GC_MALFORMED, iface, &s);
	if (s.vlan_id)
		l3 += 4;
	switch (rnd(g, 8)) {
	case 0: /* the total length lies, the checksum agrees */
		if (ev->len >= l3 + 20) {
			put16(f + l3 + 2, (__u16)rnd(g, ev->len + 64));
			fix_ip_csum(f, ev->len, l3);
		}
		break;
	case 1: /* version */
		if (ev->len >= l3 + 20) {
			f[l3] = (__u8)(rnd(g, 16) << 4 | (f[l3] & 0xf));
			fix_ip_csum(f, ev->len, l3);
		}
		break;
	case 2: /* the UDP length lies (nothing checks it) */
		if (ev->len >= l3 + 28 && f[l3 + 9] == IPPROTO_UDP)
			put16(f + l3 + 24, (__u16)rnd(g, 600));
		break;
	case 3: /* a second VLAN tag */
		if (s.vlan_id && ev->len + 4 <= PKT_MAX) {
			memmove(f + 16, f + 12, ev->len - 12);
			put16(f + 12, 0x88a8);
			put16(f + 14, 7);
			ev->len += 4;
		}
		break;
	case 4: /* a bit of the L4 header */
		if (ev->len > l3 + 20 + 4) {
			size_t at = l3 + 20 + rnd(g, (unsigned)(ev->len - l3 - 20));

			f[at] ^= (__u8)(1u << rnd(g, 8));
		}
		break;
	default:
		break;
	}
}

static void gen_options_ttl(struct gen *g, const struct model *m, struct event *ev)
{
	struct pkt_spec s;
	enum netif iface;

	some_packet(g, m, &s, &iface);
	if (chance(g, 50))
		s.opt_words = (__u8)(1 + rnd(g, 4));
	if (chance(g, 50))
		s.ttl = (__u8)(1 + rnd(g, 2));
	if (chance(g, 30))
		s.payload = (__u16)(250 + rnd(g, 150));
	if (chance(g, 30))
		s.frag_off = FRAG_NONE;
	emit(ev, GC_OPTIONS_TTL, iface, &s);
}

static void gen_csum(struct gen *g, const struct model *m, struct event *ev)
{
	struct pkt_spec s;
	enum netif iface;

	some_packet(g, m, &s, &iface);
	if (s.payload < 2)
		s.payload = (__u16)(2 + rnd(g, 60));
	switch (rnd(g, 4)) {
	case 0:
		s.csum = CSUM_PARTIAL;
		break;
	case 1:
		s.csum = s.proto == IPPROTO_UDP ? CSUM_ZERO : CSUM_PARTIAL;
		break;
	case 2:
		s.word0 = (__u16)rnd(g, 65536);
		break;
	default:
		break;
	}
	emit(ev, GC_CSUM, iface, &s);
	if (chance(g, 30)) /* wrong by a payload bit: a NAT must keep it wrong */
		ev->frame[ev->len - 1] ^= 0x10;
}

/*
 * Split a whole datagram into up to @max fragments at 8-byte units, first
 * one first; @small: pieces of 8 bytes after the first (many holes when
 * they come out of order).
 */
static int fragment(struct gen *g, const struct event *whole, struct event *out, int max, bool overlap, bool small)
{
	const __u8 *f = whole->frame;
	size_t hl = (size_t)(f[ETH_LEN] & 0xf) * 4, l4 = ETH_LEN + hl;
	size_t body = whole->len - l4, min_first = f[ETH_LEN + 9] == IPPROTO_TCP ? 24 : 8;
	size_t cut[GEN_MAX_FRAGS + 1], n = 0, at = 0;

	if (body < min_first + 8 || max > GEN_MAX_FRAGS)
		return 0;
	while (at < body && (int)n < max) {
		size_t left = body - at, piece;

		if (small)
			piece = n == 0 ? min_first : 8;
		else
			piece = n == 0 ? min_first + 8 * rnd(g, (unsigned)((left - min_first) / 8 + 1)) :
					 8 * (1 + rnd(g, (unsigned)(left / 8 + 1)));
		if (piece >= left || (int)n == max - 1)
			piece = left;
		cut[n++] = at;
		at += piece;
	}
	cut[n] = body;
	for (size_t i = 0; i < n; i++) {
		struct event *e = &out[i];
		size_t off = cut[i], len = cut[i + 1] - cut[i];
		__u16 fo;

		if (overlap && i > 0 && chance(g, 50)) { /* start earlier: over what came before */
			size_t back = 8 * (1 + rnd(g, (unsigned)(off / 8)));

			off = back > off ? 0 : off - back;
			len = cut[i + 1] - off;
		}
		if (overlap && off > 0 && i + 1 < n && chance(g, 10))
			len = 1 + rnd(g, 7); /* more to follow, under 8 bytes: empty to Linux */
		*e = *whole;
		memcpy(e->frame + l4, f + l4 + off, len);
		fo = (__u16)(off / 8) | (i + 1 < n ? IP_MF_FLAG : 0);
		put16(e->frame + ETH_LEN + 6, fo);
		put16(e->frame + ETH_LEN + 2, (__u16)(hl + len));
		if (overlap && off > 0 && chance(g, 50)) /* different bytes there */
			e->frame[l4] ^= 0x5a;
		e->len = (__u16)(l4 + len);
		fix_ip_csum(e->frame, e->len, ETH_LEN);
	}
	return (int)n;
}

static void gen_frag(struct gen *g, const struct model *m, struct event *ev, enum gen_class c)
{
	struct event whole, parts[GEN_MAX_FRAGS], tmp;
	bool small = c == GC_FRAG_OVERLAP && chance(g, 25);
	struct pkt_spec s;
	enum netif iface;
	int n;

	some_packet(g, m, &s, &iface);
	s.payload = (__u16)(40 + rnd(g, 260));
	s.frag_off = FRAG_NONE;
	s.opt_words = 0;
	if (s.proto != IPPROTO_TCP && s.proto != IPPROTO_UDP)
		s.proto = IPPROTO_UDP;
	s.ip_id = (__u16)(chance(g, 60) ? 0x1234 : rnd(g, 65536));
	emit(&whole, c, iface, &s);
	n = fragment(g, &whole, parts, small ? GEN_MAX_FRAGS : 5, c == GC_FRAG_OVERLAP && !small, small);
	if (n < 2) {
		*ev = whole;
		return;
	}
	/* any order; the overlap class also repeats one */
	for (int i = n - 1; i > 0; i--) {
		int j = (int)rnd(g, (unsigned)i + 1);

		tmp = parts[i];
		parts[i] = parts[j];
		parts[j] = tmp;
	}
	if (c == GC_FRAG && chance(g, 20))
		n = 1 + (int)rnd(g, (unsigned)n); /* some never arrive */
	*ev = parts[0];
	for (int i = 1; i < n && g->queued < GEN_QUEUE; i++)
		g->queue[g->queued++] = parts[i];
	if (c == GC_FRAG_OVERLAP && g->queued < GEN_QUEUE)
		g->queue[g->queued++] = parts[rnd(g, (unsigned)n)];
}

/* An ICMP error about a packet the router sent (a half's rewrite), or about nothing. */
static void gen_icmp(struct gen *g, const struct model *m, struct event *ev, enum gen_class c)
{
	static const __u8 types[][2] = { { 3, 4 }, { 3, 3 }, { 3, 1 }, { 11, 0 }, { 12, 0 }, { 4, 0 }, { 5, 0 }, { 8, 0 } };
	static const __u16 quote_l4[] = { 0, 8, 12, 18, 20, 28 };
	struct pkt_spec s = { 0 };
	struct hp_tuple y;
	__u8 proto = IPPROTO_TCP;
	struct host to;
	int t = (int)rnd(g, N(types));

	if (m->n_sess && chance(g, 75)) {
		int i = (int)rnd(g, (unsigned)m->n_sess);

		y = m->sess[i].val.xlat;
		proto = m->sess[i].key.proto;
	} else if (g->n_seen && chance(g, 60)) {
		int i = (int)rnd(g, (unsigned)g->n_seen);

		y = g->seen_xlat[i];
		proto = g->seen[i].proto;
	} else {
		y.saddr = htonl(any_host(g)->addr);
		y.daddr = htonl(any_host(g)->addr);
		y.sport = htons((__u16)(40000 + rnd(g, 4)));
		y.dport = htons(80);
	}
	/* from where the quoted packet went, back to its sender */
	to = host_of(ntohl(y.daddr));
	s.dmac = model_if_mac(to.iface);
	s.smac = to.mac;
	s.saddr = chance(g, 70) ? to.addr : (to.iface == IF_LAN ? IP4(192, 168, 0, 254) : IP4(203, 0, 113, 1));
	s.daddr = ntohl(y.saddr);
	if (c == GC_ICMP_OUTER)
		s.daddr = any_host(g)->addr;
	s.proto = IPPROTO_ICMP;
	s.icmp_type = types[t][0];
	s.icmp_code = types[t][1];
	s.icmp_mtu = s.icmp_type == 3 && s.icmp_code == 4 ? 1400 : 0;
	s.icmp_bad_csum = chance(g, 10);
	s.quote = (struct pkt_quote){
		.saddr = ntohl(y.saddr), .daddr = ntohl(y.daddr), .sport = ntohs(y.sport), .dport = ntohs(y.dport),
		.proto = proto, .tcp_flags = 0x12, .payload = (__u16)rnd(g, 40),
		.l4_bytes = quote_l4[rnd(g, N(quote_l4))],
		.csum = proto == IPPROTO_UDP && chance(g, 20) ? CSUM_ZERO : CSUM_FULL,
		.frag_off = chance(g, 10) ? 0x0010 : 0,
	};
	if (s.icmp_type == 8) { /* an echo request instead */
		s.icmp_type = 0;
		s.daddr = PUBLIC;
	}
	if (c == GC_ICMP && chance(g, 5) && s.daddr != PUBLIC)
		s.frag_off = IP_MF_FLAG; /* a fragmented error: left to the stack */
	emit(ev, c, to.iface, &s);
}

static void gen_spoof(struct gen *g, const struct model *m, struct event *ev)
{
	struct pkt_spec s;
	enum netif iface;
	static const __u32 own[] = { LAN_ROUTER, PUBLIC };

	some_packet(g, m, &s, &iface);
	iface = iface == IF_LAN ? IF_WAN : IF_LAN; /* the other side's source, on this side */
	s.dmac = model_if_mac(iface);
	if (chance(g, 20))
		s.saddr = own[rnd(g, 2)];
	emit(ev, GC_SPOOF, iface, &s);
}

static void gen_bad_ip_csum(struct gen *g, const struct model *m, struct event *ev)
{
	struct pkt_spec s;
	enum netif iface;

	some_packet(g, m, &s, &iface);
	emit(ev, GC_BAD_IP_CSUM, iface, &s);
	ev->frame[ETH_LEN + 10 + rnd(g, 2)] ^= (__u8)(1u << rnd(g, 8));
}

/* A step of the clock that lands on no timeout boundary (within 1.5 s). */
struct clock_check {
	__u64 now, step;
	bool near;
};

static void check_deadline(void *arg, __u64 stamp, __u64 timeout)
{
	struct clock_check *c = arg;
	__u64 age = c->now + c->step - stamp, margin = 1500000000ull;

	if (age + margin > timeout && age < timeout + margin)
		c->near = true;
}

#define MAX_ADVANCE_NS (12000ull * 1000000000ull)

static bool gen_clock(struct gen *g, const struct model *m, struct event *ev)
{
	static const unsigned steps_s[] = { 2, 5, 12, 31, 61, 125, 245, 7445 };
	struct clock_check c = { .now = m->now };

	c.step = steps_s[rnd(g, N(steps_s))] * 1000000000ull;
	for (int tries = 0; tries < 20; tries++) {
		c.near = false;
		model_deadlines(m, check_deadline, &c);
		if (!c.near)
			break;
		c.step += 2000000000ull;
	}
	if (c.near || g->advanced_ns + c.step > MAX_ADVANCE_NS)
		return false;
	g->advanced_ns += c.step;
	ev->type = EV_ADVANCE;
	ev->cls = GC_CLOCK;
	ev->advance_ns = c.step;
	ev->len = 0;
	return true;
}

/* Remember session keys the model held, so that dead flows come back. */
static void note_sessions(struct gen *g, const struct model *m)
{
	for (int i = 0; i < m->n_sess && i < 4; i++) {
		int at = g->n_seen < 64 ? g->n_seen++ : (int)rnd(g, 64);
		int j = (int)rnd(g, (unsigned)m->n_sess);

		g->seen[at] = m->sess[j].key;
		g->seen_xlat[at] = m->sess[j].val.xlat;
	}
}

static const unsigned class_weight[GC_MAX] = {
	[GC_NEW_FLOW] = 20, [GC_FLOW] = 30, [GC_MALFORMED] = 10, [GC_OPTIONS_TTL] = 5, [GC_CSUM] = 8,
	[GC_FRAG] = 6, [GC_ICMP] = 12, [GC_CLOCK] = 3, [GC_BAD_IP_CSUM] = 5, [GC_ICMP_OUTER] = 5,
	[GC_FRAG_OVERLAP] = 4, [GC_SPOOF] = 5,
};

void gen_next(struct gen *g, const struct model *m, struct event *ev)
{
	unsigned total = 0, r;
	enum gen_class c = GC_NEW_FLOW;
	struct pkt_spec s;
	enum netif iface;

	note_sessions(g, m);
	if (g->queued && chance(g, 70)) {
		*ev = g->queue[0];
		memmove(g->queue, g->queue + 1, sizeof(g->queue[0]) * (size_t)--g->queued);
		return;
	}
	for (int i = 0; i < GC_MAX; i++)
		if (g->classes & (1u << i))
			total += class_weight[i];
	r = rnd(g, total);
	for (int i = 0; i < GC_MAX; i++) {
		if (!(g->classes & (1u << i)))
			continue;
		if (r < class_weight[i]) {
			c = (enum gen_class)i;
			break;
		}
		r -= class_weight[i];
	}
	switch (c) {
	case GC_FLOW:
		if (!flow_spec(g, m, &s, &iface))
			break; /* nothing to reply to yet: a new flow */
		emit(ev, c, iface, &s);
		return;
	case GC_MALFORMED:
		gen_malformed(g, m, ev);
		return;
	case GC_OPTIONS_TTL:
		gen_options_ttl(g, m, ev);
		return;
	case GC_CSUM:
		gen_csum(g, m, ev);
		return;
	case GC_FRAG:
	case GC_FRAG_OVERLAP:
		gen_frag(g, m, ev, c);
		return;
	case GC_ICMP:
	case GC_ICMP_OUTER:
		gen_icmp(g, m, ev, c);
		return;
	case GC_CLOCK:
		if (gen_clock(g, m, ev))
			return;
		break; /* no step lands clear of a timeout: a new flow */
	case GC_SPOOF:
		gen_spoof(g, m, ev);
		return;
	case GC_BAD_IP_CSUM:
		gen_bad_ip_csum(g, m, ev);
		return;
	default:
		break;
	}
	s = new_flow_spec(g, &iface);
	emit(ev, GC_NEW_FLOW, iface, &s);
}
