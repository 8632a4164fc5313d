// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Packet builder and checksum verifier. Both compute checksums from nothing
 * (RFC 1071 sums over the bytes), never incrementally, so that they are an
 * independent reference for the datapath's incremental updates (RFC 1624).
 */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <netinet/in.h>

#include "pkt.h"

#define ETH_HLEN_ 14
#define VLAN_HLEN 4
#define TCP_HLEN 20
#define UDP_HLEN 8
#define ICMP_HLEN 8

static void put16(__u8 *p, __u16 v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void put32(__u8 *p, __u32 v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static __u16 get16(const __u8 *p)
{
	return (__u16)(p[0] << 8 | p[1]);
}

/* RFC 1071: 32-bit accumulator of big-endian 16-bit words. */
static __u32 sum_bytes(__u32 sum, const __u8 *p, size_t len)
{
	for (; len > 1; p += 2, len -= 2)
		sum += get16(p);
	if (len)
		sum += (__u32)p[0] << 8;
	return sum;
}

static __u16 fold(__u32 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

/* Pseudo-header of RFC 793 / RFC 768: saddr, daddr, zero, proto, length. */
static __u32 sum_pseudo(const __u8 *iph, __u16 l4_len)
{
	__u32 sum = sum_bytes(0, iph + 12, 8);

	return sum + iph[9] + l4_len;
}

static const __u8 default_mac[6] = { 0x02, 0, 0, 0, 0xee, 0xee };

static size_t build_ipv4(const struct pkt_spec *s, __u8 *iph);

/*
 * An ICMP error: type, code, checksum (filled later), the next-hop MTU in
 * the second half of the rest-of-header word, then the quoted datagram as
 * its sender built it, cut after @l4_bytes past its IP header if asked
 * (its tot_len still says how long it was).
 */
static size_t build_icmp_error(const struct pkt_spec *s, __u8 *icmp)
{
	const struct pkt_quote *q = &s->quote;
	const struct pkt_spec inner = {
		.saddr = q->saddr, .daddr = q->daddr, .proto = q->proto,
		.ttl = q->ttl, .frag_off = q->frag_off, .sport = q->sport,
		.dport = q->dport, .tcp_flags = q->tcp_flags,
		.payload = q->payload, .csum = q->csum,
	};
	size_t len;

	memset(icmp, 0, ICMP_HLEN);
	icmp[0] = s->icmp_type;
	icmp[1] = s->icmp_code;
	put16(icmp + 6, s->icmp_mtu);
	len = build_ipv4(&inner, icmp + ICMP_HLEN);
	if (q->l4_bytes && 20 + (size_t)q->l4_bytes < len) {
		memset(icmp + ICMP_HLEN + 20 + q->l4_bytes, 0,
		       len - 20 - q->l4_bytes);
		len = 20 + q->l4_bytes;
	}
	return ICMP_HLEN + len;
}

static size_t build_l4(const struct pkt_spec *s, __u8 *l4, __u8 proto)
{
	size_t hlen;

	switch (proto) {
	case IPPROTO_TCP:
		hlen = TCP_HLEN;
		memset(l4, 0, hlen);
		put16(l4, (__u16)s->sport);
		put16(l4 + 2, (__u16)s->dport);
		put32(l4 + 4, 0x01020304);
		put32(l4 + 8, s->tcp_flags & TH_ACK ? 0x0a0b0c0d : 0);
		l4[12] = (s->doff ? s->doff : 5) << 4;
		l4[13] = s->tcp_flags;
		put16(l4 + 14, 0xfaf0);
		break;
	case IPPROTO_UDP:
		hlen = UDP_HLEN;
		put16(l4, (__u16)s->sport);
		put16(l4 + 2, (__u16)s->dport);
		put16(l4 + 4, s->udp_len ? s->udp_len : UDP_HLEN + s->payload);
		put16(l4 + 6, 0);
		break;
	default: /* an ICMP error, or an echo request */
		if (s->icmp_type)
			return build_icmp_error(s, l4);
		hlen = ICMP_HLEN;
		memset(l4, 0, hlen);
		l4[0] = 8;
		put16(l4 + 4, 0x4242);
		put16(l4 + 6, 1);
		break;
	}
	for (size_t i = 0; i < s->payload; i++)
		l4[hlen + i] = (__u8)(i * 7 + 3);
	if (s->word0 && s->payload >= 2)
		put16(l4 + hlen, s->word0);
	return hlen + s->payload;
}

static void fill_l4_csum(const struct pkt_spec *s, __u8 *iph, __u8 *l4,
			 size_t l4_len, __u8 proto)
{
	size_t off = proto == IPPROTO_TCP ? 16 : proto == IPPROTO_UDP ? 6 : 2;
	__u16 c;

	put16(l4 + off, 0);
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP) {
		c = ~fold(sum_bytes(0, l4, l4_len));
		put16(l4 + off, s->icmp_bad_csum ? c ^ 0x0101 : c);
		return;
	}
	switch (s->csum) {
	case CSUM_ZERO:
		return;
	case CSUM_PARTIAL:
		put16(l4 + off, fold(sum_pseudo(iph, (__u16)l4_len)));
		return;
	default:
		c = ~fold(sum_bytes(sum_pseudo(iph, (__u16)l4_len), l4, l4_len));
		if (proto == IPPROTO_UDP && c == 0)
			c = 0xffff; /* RFC 768: a computed 0 is sent as all ones */
		put16(l4 + off, c);
	}
}

static size_t build_ipv4(const struct pkt_spec *s, __u8 *iph)
{
	__u8 proto = s->proto ? s->proto : IPPROTO_TCP;
	size_t hlen = 20 + 4u * s->opt_words;
	__u8 *l4 = iph + hlen;
	size_t l4_len = build_l4(s, l4, proto);

	iph[0] = 0x40 | (s->ihl ? s->ihl : hlen / 4);
	iph[1] = 0;
	put16(iph + 2, (__u16)(hlen + l4_len));
	put16(iph + 4, s->ip_id ? s->ip_id : 0x1234);
	put16(iph + 6, s->frag_off == FRAG_NONE ? 0 :
		       s->frag_off ? s->frag_off : IP_DF_FLAG);
	iph[8] = s->ttl ? s->ttl : 64;
	iph[9] = proto;
	put32(iph + 12, s->saddr);
	put32(iph + 16, s->daddr);
	/* Options: NOPs closed by an EOL, a form every parser must skip. */
	memset(iph + 20, 1, hlen - 20);
	if (hlen > 20)
		iph[hlen - 1] = 0;
	put16(iph + 10, 0);
	put16(iph + 10, (__u16)~fold(sum_bytes(0, iph, s->ip_csum == IP_CSUM_NO_OPTS ? 20 : hlen)));
	if (s->ip_csum == IP_CSUM_BAD)
		iph[10] ^= 0x01, iph[11] ^= 0x01;
	fill_l4_csum(s, iph, l4, l4_len, proto);
	return hlen + l4_len;
}

static size_t build_ipv6(const struct pkt_spec *s, __u8 *ip6)
{
	size_t l4_len;

	memset(ip6, 0, 40);
	ip6[0] = 0x60;
	ip6[6] = IPPROTO_TCP;
	ip6[7] = 64;
	put32(ip6 + 8, 0x20010db8);  /* 2001:db8::saddr */
	put32(ip6 + 20, s->saddr);
	put32(ip6 + 24, 0x20010db8); /* 2001:db8::daddr */
	put32(ip6 + 36, s->daddr);
	l4_len = build_l4(s, ip6 + 40, IPPROTO_TCP);
	put16(ip6 + 4, (__u16)l4_len);
	return 40 + l4_len;
}

static size_t build_arp(const struct pkt_spec *s, __u8 *arp)
{
	put16(arp, 1);	    /* Ethernet */
	put16(arp + 2, ETH_P_IP);
	arp[4] = 6;
	arp[5] = 4;
	put16(arp + 6, 1); /* request */
	memcpy(arp + 8, s->smac ? s->smac : default_mac, 6);
	put32(arp + 14, s->saddr);
	memset(arp + 18, 0, 6);
	put32(arp + 24, s->daddr);
	return 28;
}

size_t pkt_build(const struct pkt_spec *s, __u8 *buf)
{
	__u16 type = s->ethertype ? s->ethertype : ETH_P_IP;
	size_t off = 12, len;

	memset(buf, 0, PKT_MAX);
	memcpy(buf, s->dmac ? s->dmac : default_mac, 6);
	memcpy(buf + 6, s->smac ? s->smac : default_mac, 6);
	if (s->vlan_id) {
		put16(buf + off, ETH_P_8021Q);
		put16(buf + off + 2, s->vlan_id);
		off += VLAN_HLEN;
	}
	put16(buf + off, type);
	off += 2;
	if (type == ETH_P_IP)
		len = off + build_ipv4(s, buf + off);
	else if (type == ETH_P_IPV6)
		len = off + build_ipv6(s, buf + off);
	else
		len = off + build_arp(s, buf + off);
	len += s->pad; /* already zeroed */
	if (s->truncate && s->truncate < len)
		len = s->truncate;
	return len;
}

static void resolve_port(__u32 *port, __u16 snat_port)
{
	if (*port == PORT_SNAT && snat_port)
		*port = snat_port;
}

void pkt_resolve(struct pkt_spec *s, __u16 snat_port)
{
	resolve_port(&s->sport, snat_port);
	resolve_port(&s->dport, snat_port);
	resolve_port(&s->quote.sport, snat_port);
	resolve_port(&s->quote.dport, snat_port);
}

bool pkt_has_snat(const struct pkt_spec *s)
{
	return s->sport == PORT_SNAT || s->dport == PORT_SNAT ||
	       s->quote.sport == PORT_SNAT || s->quote.dport == PORT_SNAT;
}

static __u32 edit_port(__u32 want, __u32 old, __u16 snat_port)
{
	if (want == PORT_SNAT)
		return snat_port;
	return want ? want : old;
}

struct pkt_spec pkt_apply(const struct pkt_spec *in, const struct pkt_edit *e,
			  __u16 snat_port)
{
	struct pkt_spec out = *in;

	if (e->saddr)
		out.saddr = e->saddr;
	if (e->daddr)
		out.daddr = e->daddr;
	out.sport = edit_port(e->sport, in->sport, snat_port);
	out.dport = edit_port(e->dport, in->dport, snat_port);
	if (e->q.saddr)
		out.quote.saddr = e->q.saddr;
	if (e->q.daddr)
		out.quote.daddr = e->q.daddr;
	out.quote.sport = edit_port(e->q.sport, in->quote.sport, snat_port);
	out.quote.dport = edit_port(e->q.dport, in->quote.dport, snat_port);
	if (e->dmac)
		out.dmac = e->dmac;
	if (e->smac)
		out.smac = e->smac;
	out.ttl = (in->ttl ? in->ttl : 64) - e->ttl_dec;
	if (e->csum_to)
		out.csum = (enum l4_csum)(e->csum_to - 1);
	return out;
}

/* ---- verification, independent of the builder's layout knowledge ---- */

struct layout {
	const __u8 *iph, *l4;
	size_t ihl, l4_len;
	__u8 proto;
};

/* Ethernet (one tag at most) and IPv4 with its lengths checked. */
static const char *parse_ip(const __u8 *f, size_t len, struct layout *l)
{
	size_t off = ETH_HLEN_;

	if (len >= off + VLAN_HLEN && get16(f + 12) == ETH_P_8021Q)
		off += VLAN_HLEN; /* one 802.1Q tag */
	if (len < off + 20 || get16(f + off - 2) != ETH_P_IP)
		return "not an IPv4 frame";
	l->iph = f + off;
	l->ihl = (l->iph[0] & 0xf) * 4u;
	if (l->ihl < 20 || len < off + l->ihl)
		return "bad IPv4 header length";
	/* the datagram is tot_len long; Ethernet padding may follow */
	if (get16(l->iph + 2) > len - off || get16(l->iph + 2) < l->ihl)
		return "IPv4 tot_len does not fit the frame";
	l->proto = l->iph[9];
	l->l4 = l->iph + l->ihl;
	l->l4_len = get16(l->iph + 2) - l->ihl;
	return NULL;
}

static const char *parse(const __u8 *f, size_t len, struct layout *l)
{
	const char *err = parse_ip(f, len, l);

	if (err)
		return err;
	if (get16(l->iph + 6) & 0x1fff)
		return NULL; /* a later fragment: no L4 header */
	if (l->proto != IPPROTO_TCP && l->proto != IPPROTO_UDP)
		return "not TCP or UDP";
	if (l->l4_len < (l->proto == IPPROTO_TCP ? TCP_HLEN : UDP_HLEN))
		return "truncated L4 header";
	return NULL;
}

const char *verify_ip_csum(const __u8 *f, size_t len)
{
	struct layout l;
	const char *err = parse(f, len, &l);

	if (err)
		return err;
	/* The header with its checksum sums to 0xffff (RFC 1071). */
	return fold(sum_bytes(0, l.iph, l.ihl)) == 0xffff ?
		       NULL : "IPv4 header checksum wrong";
}

/* The L4 checksum of a whole TCP/UDP segment after the IPv4 header @iph. */
static bool l4_sum_ok(const __u8 *iph, const __u8 *l4, size_t l4_len)
{
	if (iph[9] == IPPROTO_UDP && get16(l4 + 6) == 0)
		return true; /* no checksum */
	return fold(sum_bytes(sum_pseudo(iph, (__u16)l4_len), l4, l4_len)) ==
	       0xffff;
}

const char *verify_l4_csum(const __u8 *f, size_t len)
{
	struct layout l;
	const char *err = parse(f, len, &l);

	if (err || (get16(l.iph + 6) & 0x1fff))
		return err; /* a later fragment carries no L4 checksum */
	/* A first fragment's UDP length counts the whole datagram. */
	if (l.proto == IPPROTO_UDP && !(get16(l.iph + 6) & 0x2000) && get16(l.l4 + 4) != l.l4_len)
		return "UDP length does not match";
	return l4_sum_ok(l.iph, l.l4, l.l4_len) ? NULL : "L4 checksum wrong";
}

const char *verify_l4_partial(const __u8 *f, size_t len)
{
	struct layout l;
	const char *err = parse(f, len, &l);
	size_t off;

	if (err || (get16(l.iph + 6) & 0x1fff))
		return err;
	off = l.proto == IPPROTO_TCP ? 16 : 6;
	return get16(l.l4 + off) == fold(sum_pseudo(l.iph, (__u16)l.l4_len)) ?
		       NULL :
		       "partial L4 checksum is not the pseudo-header sum";
}

const char *verify_icmp_error(const __u8 *f, size_t len)
{
	const __u8 *in;
	struct layout l;
	const char *err = parse_ip(f, len, &l);
	size_t ihl, tot;

	if (err)
		return err;
	if (l.proto != IPPROTO_ICMP || l.l4_len < ICMP_HLEN + 20)
		return "not an ICMP error with a quote";
	if (fold(sum_bytes(0, l.iph, l.ihl)) != 0xffff)
		return "IPv4 header checksum wrong";
	if (fold(sum_bytes(0, l.l4, l.l4_len)) != 0xffff)
		return "ICMP checksum wrong";
	in = l.l4 + ICMP_HLEN;
	ihl = (in[0] & 0xf) * 4u;
	if (ihl < 20 || ICMP_HLEN + ihl > l.l4_len)
		return "quoted IPv4 header length wrong";
	if (fold(sum_bytes(0, in, ihl)) != 0xffff)
		return "quoted IPv4 header checksum wrong";
	tot = get16(in + 2);
	if (tot > l.l4_len - ICMP_HLEN || tot < ihl || (get16(in + 6) & 0x1fff) ||
	    (in[9] != IPPROTO_TCP && in[9] != IPPROTO_UDP))
		return NULL; /* cut short, or nothing checksummed to check */
	if (tot - ihl < (in[9] == IPPROTO_TCP ? TCP_HLEN : UDP_HLEN))
		return "quoted L4 header truncated";
	return l4_sum_ok(in, in + ihl, tot - ihl) ? NULL :
						    "quoted L4 checksum wrong";
}

__u16 pkt_zero_sum_word(const __u8 *f, size_t len)
{
	struct layout l;
	size_t hlen;
	__u32 c, p;

	if (parse(f, len, &l) || (get16(l.iph + 6) & 0x1fff))
		return 0;
	hlen = l.proto == IPPROTO_TCP ? TCP_HLEN : UDP_HLEN;
	if (l.l4_len < hlen + 2)
		return 0;
	/*
	 * The checksum is c = ~S. Replacing the first payload word p by w
	 * makes the sum S - p + w; for it to be 0xffff (checksum 0),
	 * w = ~S + p = c + p in one's complement.
	 */
	c = get16(l.l4 + (l.proto == IPPROTO_TCP ? 16 : 6));
	p = get16(l.l4 + hlen);
	return fold(c + p);
}

/* ---- comparison with field names ---- */

static const char *ip_field(size_t o)
{
	static const char *const names[20] = {
		"ip.ver_ihl", "ip.tos",	  "ip.tot_len", "ip.tot_len",
		"ip.id",      "ip.id",	  "ip.frag_off", "ip.frag_off",
		"ip.ttl",     "ip.proto", "ip.check",	"ip.check",
		"ip.saddr",   "ip.saddr", "ip.saddr",	"ip.saddr",
		"ip.daddr",   "ip.daddr", "ip.daddr",	"ip.daddr",
	};
	return o < 20 ? names[o] : "ip.options";
}

static const char *l4_field(__u8 proto, size_t o)
{
	static const char *const tcp[20] = {
		"tcp.source", "tcp.source", "tcp.dest",	 "tcp.dest",
		"tcp.seq",    "tcp.seq",    "tcp.seq",	 "tcp.seq",
		"tcp.ack",    "tcp.ack",    "tcp.ack",	 "tcp.ack",
		"tcp.doff",   "tcp.flags",  "tcp.window", "tcp.window",
		"tcp.check",  "tcp.check",  "tcp.urg",	 "tcp.urg",
	};
	static const char *const udp[8] = {
		"udp.source", "udp.source", "udp.dest",	 "udp.dest",
		"udp.len",    "udp.len",    "udp.check", "udp.check",
	};
	if (proto == IPPROTO_TCP && o < 20)
		return tcp[o];
	if (proto == IPPROTO_UDP && o < 8)
		return udp[o];
	return "payload";
}

/* A field of an ICMP error at @o past the ICMP header's start. */
static const char *icmp_field(const __u8 *icmp, size_t len, size_t o)
{
	static const char *const hdr[8] = {
		"icmp.type", "icmp.code", "icmp.check", "icmp.check",
		"icmp.rest", "icmp.rest", "icmp.mtu", "icmp.mtu",
	};
	static char name[48];
	size_t ihl;

	if (o < 8)
		return hdr[o];
	if (len < 8 + 20)
		return "quote";
	o -= 8;
	ihl = (icmp[8] & 0xf) * 4u;
	snprintf(name, sizeof(name), "quote.%s",
		 o < ihl || ihl < 20 ? ip_field(o) :
				       l4_field(icmp[8 + 9], o - ihl));
	return name;
}

static const char *field_at(const __u8 *f, size_t len, size_t off)
{
	size_t ihl;

	if (off < 6)
		return "eth.dst";
	if (off < 12)
		return "eth.src";
	if (off < 14)
		return "eth.proto";
	if (len < 34 || get16(f + 12) != ETH_P_IP)
		return "l3";
	ihl = (f[14] & 0xf) * 4u;
	if (off < 14 + ihl || ihl < 20)
		return ip_field(off - 14);
	if (f[23] == IPPROTO_ICMP && len >= 14 + ihl)
		return icmp_field(f + 14 + ihl, len - 14 - ihl, off - 14 - ihl);
	return l4_field(f[23], off - 14 - ihl);
}

bool pkt_equal(const __u8 *got, size_t got_len, const __u8 *want,
	       size_t want_len, char *why, size_t why_len)
{
	size_t n = got_len < want_len ? got_len : want_len;

	for (size_t i = 0; i < n; i++) {
		if (got[i] == want[i])
			continue;
		snprintf(why, why_len,
			 "byte %zu (%s) is 0x%02x, want 0x%02x", i,
			 field_at(want, want_len, i), got[i], want[i]);
		return false;
	}
	if (got_len != want_len) {
		snprintf(why, why_len, "length %zu, want %zu", got_len,
			 want_len);
		return false;
	}
	return true;
}

void pkt_dump(const char *label, const __u8 *buf, size_t len)
{
	for (size_t i = 0; i < len; i += 16) {
		printf("#   %-5s %04zx:", i ? "" : label, i);
		for (size_t j = i; j < i + 16 && j < len; j++)
			printf(" %02x", buf[j]);
		printf("\n");
	}
}
