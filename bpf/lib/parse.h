/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Header parsing for both hooks. Each parse_*() takes a cursor and the end of
 * the packet, checks bounds once, advances the cursor by the header's real
 * length and returns what comes next (or a pass reason). Fields stay in
 * network byte order.
 */
#ifndef HP_BPF_PARSE_H
#define HP_BPF_PARSE_H

#include <stdbool.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include "hairpin/abi.h"
#include "hairpin/counters.h"

/*
 * The ICMP header and the error types NAT translates (RFC 792). Defined here
 * rather than taken from <linux/icmp.h>, which pulls in the C library's
 * <sys/socket.h> through <linux/if.h>: the BPF side builds on no libc
 * header at all (vmlinux/README.md).
 */
struct hp_icmphdr {
	__u8 type;
	__u8 code;
	__sum16 checksum;
	__be32 rest; /* unused, pointer or next-hop MTU, by type */
};

#define HP_ICMP_DEST_UNREACH 3
#define HP_ICMP_SOURCE_QUENCH 4
#define HP_ICMP_TIME_EXCEEDED 11
#define HP_ICMP_PARAMETERPROB 12

/* "Keep going": a step that did not end the packet's walk. */
#define HP_CONTINUE (-1)

#define HP_IP_MF 0x2000
#define HP_IP_OFFSET 0x1fff

struct hdr_cursor {
	void *pos;
};

/*
 * What hp_parse() found NAT may concern, as its (negative) return value:
 * kept in a register, the verifier knows on every path which headers were
 * checked, which it would not for a byte stored in struct hp_packet.
 */
enum hp_pkt_kind {
	HP_PKT_L4 = HP_CONTINUE, /* TCP or UDP (a whole datagram or its first fragment) */
	HP_PKT_FRAG = -2,	 /* a later fragment: no L4 header */
	HP_PKT_ICMP_ERR = -3,	 /* an ICMP error quoting a TCP or UDP packet */
};

/* An ICMP error and the packet it quotes (RFC 792: IP header + 8 bytes). */
struct hp_icmp_err {
	struct hp_icmphdr *icmp;
	struct iphdr *ip;  /* the quoted IP header */
	__be16 *ports;	   /* the quoted source and destination port */
	__sum16 *l4_check; /* the quoted L4 checksum; NULL when cut off */
	struct hp_tuple to; /* what the quoted tuple is rewritten to */
};

/* What the walk learned about a packet. */
struct hp_packet {
	struct ethhdr *eth;
	struct iphdr *ip;
	void *l4;		/* struct tcphdr, udphdr or hp_icmphdr */
	/*
	 * The TCP/UDP checksum field, taken where the parser checked that
	 * protocol's header length: the verifier keeps that range with the
	 * pointer, where a later test of the protocol may not bring it back.
	 */
	__sum16 *l4_check;
	__u16 l3_off;		/* offsets from the start of the frame, */
	__u16 l4_off;		/* for the skb helpers in TC */
	__u16 l4_len;		/* from the IP total length, not the frame */
	__u16 l4_csum_off;	/* the TCP/UDP checksum field */
	__u8 tcp_flags;		/* TCP flags byte, 0 for UDP */
	__u8 l4_hlen;		/* the TCP or UDP header's length */
	__u8 vlans;		/* VLAN tags in front of the IPv4 header */
	bool first_frag;	/* more fragments of this datagram follow */
	/*
	 * The tuple as it is on the wire; for an ICMP error, the tuple of the
	 * quoted packet; for a later fragment, the addresses only.
	 */
	struct hp_session_key key;
	struct hp_icmp_err icmp;
};

/* 802.1Q / 802.1ad tag, after the MAC addresses. */
struct hp_vlan_hdr {
	__be16 tci;
	__be16 proto;
};
#define HP_MAX_VLANS 2

/* The TCP flags byte (byte 13 of the header). */
#define HP_TCP_FIN 0x01
#define HP_TCP_SYN 0x02
#define HP_TCP_RST 0x04
#define HP_TCP_ACK 0x10

/* Ethernet and up to HP_MAX_VLANS tags; returns the inner ethertype. */
static __always_inline int parse_ethhdr(struct hdr_cursor *nh, void *data_end, struct ethhdr **eth,
					__u8 *vlans)
{
	struct ethhdr *h = nh->pos;
	struct hp_vlan_hdr *vh;
	__be16 proto;
	int i;

	if ((void *)(h + 1) > data_end)
		return -1;
	nh->pos = h + 1;
	*eth = h;
	proto = h->h_proto;
	*vlans = 0;
	for (i = 0; i < HP_MAX_VLANS; i++) {
		if (proto != bpf_htons(ETH_P_8021Q) && proto != bpf_htons(ETH_P_8021AD))
			break;
		vh = nh->pos;
		if ((void *)(vh + 1) > data_end)
			return -1;
		proto = vh->proto;
		nh->pos = vh + 1;
		*vlans += 1;
	}
	return proto; /* network byte order */
}

/*
 * Rejects what a router must not trust: ihl < 5, a total length that does not
 * cover the header. With @whole, the datagram must also lie within
 * @data_end (XDP sees the whole frame and may checksum the payload; TC may
 * see only the linear head of an skb, and needs only the headers).
 * Returns the L4 protocol.
 */
static __always_inline int parse_iphdr(struct hdr_cursor *nh, void *data_end, struct iphdr **iph,
				       bool whole)
{
	struct iphdr *ip = nh->pos;
	__u32 hdr_len, tot_len;

	if ((void *)(ip + 1) > data_end)
		return -1;
	if (ip->version != 4 || ip->ihl < 5)
		return -1;
	hdr_len = ip->ihl * 4;
	tot_len = bpf_ntohs(ip->tot_len);
	if (tot_len < hdr_len || (void *)ip + hdr_len > data_end)
		return -1;
	if (whole && (void *)ip + tot_len > data_end)
		return -1;
	nh->pos = (void *)ip + hdr_len;
	*iph = ip;
	return ip->protocol;
}

static __always_inline int parse_tcphdr(struct hdr_cursor *nh, void *data_end, struct tcphdr **tcph)
{
	struct tcphdr *tcp = nh->pos;
	__u32 len;

	if ((void *)(tcp + 1) > data_end)
		return -1;
	len = tcp->doff * 4;
	if (len < sizeof(*tcp) || nh->pos + len > data_end)
		return -1;
	nh->pos += len;
	*tcph = tcp;
	return 0;
}

static __always_inline int parse_udphdr(struct hdr_cursor *nh, void *data_end, struct udphdr **udph)
{
	struct udphdr *udp = nh->pos;

	if ((void *)(udp + 1) > data_end)
		return -1;
	nh->pos = udp + 1;
	*udph = udp;
	return 0;
}

static __always_inline bool hp_icmp_is_error(__u8 type)
{
	return type == HP_ICMP_DEST_UNREACH || type == HP_ICMP_TIME_EXCEEDED ||
	       type == HP_ICMP_PARAMETERPROB || type == HP_ICMP_SOURCE_QUENCH;
}

/*
 * An ICMP error: the quoted IP header must be sane and carry at least the
 * 8 bytes of TCP/UDP header that hold the ports (RFC 792). Fills
 * pkt->icmp and pkt->key with the quoted tuple. Returns HP_PKT_ICMP_ERR or
 * a pass reason.
 */
static __always_inline int parse_icmp_error(struct hdr_cursor *nh, void *data_end, struct hp_packet *pkt)
{
	struct hp_icmphdr *icmp = nh->pos;
	struct iphdr *in;
	__u32 ihl;
	void *l4;

	if ((void *)(icmp + 1) > data_end)
		return HP_PASS_MALFORMED;
	if (!hp_icmp_is_error(icmp->type))
		return HP_PASS_ICMP;
	in = (void *)(icmp + 1);
	if ((void *)(in + 1) > data_end || in->version != 4 || in->ihl < 5)
		return HP_PASS_ICMP_NO_SESSION;
	ihl = in->ihl * 4;
	l4 = (void *)in + ihl;
	if (l4 + 8 > data_end || (in->protocol != IPPROTO_TCP && in->protocol != IPPROTO_UDP) ||
	    (in->frag_off & bpf_htons(HP_IP_OFFSET)))
		return HP_PASS_ICMP_NO_SESSION;

	pkt->icmp.icmp = icmp;
	pkt->icmp.ip = in;
	pkt->icmp.ports = l4;
	pkt->icmp.l4_check = NULL;
	if (in->protocol == IPPROTO_UDP)
		pkt->icmp.l4_check = &((struct udphdr *)l4)->check;
	else if (l4 + sizeof(struct tcphdr) <= data_end)
		pkt->icmp.l4_check = &((struct tcphdr *)l4)->check;
	pkt->key.tuple.saddr = in->saddr;
	pkt->key.tuple.daddr = in->daddr;
	pkt->key.tuple.sport = pkt->icmp.ports[0];
	pkt->key.tuple.dport = pkt->icmp.ports[1];
	pkt->key.proto = in->protocol;
	return HP_PKT_ICMP_ERR;
}

/*
 * Parse Ethernet (with VLAN tags) / IPv4 / TCP, UDP or an ICMP error into
 * @pkt. Returns the packet's enum hp_pkt_kind (< 0) when NAT may concern
 * it, otherwise the counter that says why it is left alone.
 */
static __always_inline int hp_parse(void *data, void *data_end, struct hp_packet *pkt, bool whole)
{
	struct hdr_cursor nh = { .pos = data };
	struct tcphdr *tcp;
	struct udphdr *udp;
	int proto;

	proto = parse_ethhdr(&nh, data_end, &pkt->eth, &pkt->vlans);
	if (proto < 0)
		return HP_PASS_MALFORMED;
	if (proto != bpf_htons(ETH_P_IP))
		return HP_PASS_NOT_IPV4;

	proto = parse_iphdr(&nh, data_end, &pkt->ip, whole);
	if (proto < 0)
		return HP_PASS_MALFORMED;
	pkt->l3_off = (void *)pkt->ip - data;
	pkt->l4_off = nh.pos - data;
	pkt->l4_len = bpf_ntohs(pkt->ip->tot_len) - pkt->ip->ihl * 4;
	pkt->l4 = nh.pos;
	pkt->key.tuple.saddr = pkt->ip->saddr;
	pkt->key.tuple.daddr = pkt->ip->daddr;
	pkt->key.proto = proto;

	/*
	 * Later fragments have no L4 header: they follow their first
	 * fragment's translation (see frag.h). The first one has the ports.
	 */
	if (pkt->ip->frag_off & bpf_htons(HP_IP_OFFSET))
		return HP_PKT_FRAG;
	pkt->first_frag = pkt->ip->frag_off & bpf_htons(HP_IP_MF);

	if (proto == IPPROTO_TCP) {
		if (parse_tcphdr(&nh, data_end, &tcp) < 0 || pkt->l4_len < tcp->doff * 4)
			return HP_PASS_MALFORMED;
		pkt->key.tuple.sport = tcp->source;
		pkt->key.tuple.dport = tcp->dest;
		pkt->tcp_flags = ((__u8 *)tcp)[13];
		pkt->l4_hlen = tcp->doff * 4;
		pkt->l4_check = &tcp->check;
		pkt->l4_csum_off = pkt->l4_off + offsetof(struct tcphdr, check);
	} else if (proto == IPPROTO_UDP) {
		if (parse_udphdr(&nh, data_end, &udp) < 0 || pkt->l4_len < sizeof(*udp))
			return HP_PASS_MALFORMED;
		/*
		 * Its length must cover the header and, but for a first
		 * fragment (whose length is the datagram's), fit the IP
		 * payload: conntrack's udp_error() holds anything else invalid.
		 */
		if (bpf_ntohs(udp->len) < sizeof(*udp) ||
		    (!pkt->first_frag && bpf_ntohs(udp->len) > pkt->l4_len))
			return HP_PASS_UDP_BAD_LEN;
		pkt->key.tuple.sport = udp->source;
		pkt->key.tuple.dport = udp->dest;
		pkt->tcp_flags = 0;
		pkt->l4_hlen = sizeof(*udp);
		pkt->l4_check = &udp->check;
		pkt->l4_csum_off = pkt->l4_off + offsetof(struct udphdr, check);
	} else if (proto == IPPROTO_ICMP) {
		/* A fragmented ICMP error is left to the stack. */
		if (pkt->first_frag)
			return HP_PASS_FRAGMENT;
		return parse_icmp_error(&nh, data_end, pkt);
	} else {
		return HP_PASS_NOT_TCP_UDP;
	}
	return HP_PKT_L4;
}

/* The checksum field of the parsed L4 header (TCP or UDP). */
static __always_inline __sum16 *hp_l4_csum(struct hp_packet *pkt)
{
	return pkt->l4_check;
}

static __always_inline void hp_tuple_reverse(struct hp_tuple *out, const struct hp_tuple *t)
{
	out->saddr = t->daddr;
	out->daddr = t->saddr;
	out->sport = t->dport;
	out->dport = t->sport;
}

#endif /* HP_BPF_PARSE_H */
