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

/* "Keep going": a step that did not end the packet's walk. */
#define HP_CONTINUE (-1)

#define HP_IP_MF 0x2000
#define HP_IP_OFFSET 0x1fff

struct hdr_cursor {
	void *pos;
};

/* What the walk learned about a TCP/UDP over IPv4 packet. */
struct hp_packet {
	struct ethhdr *eth;
	struct iphdr *ip;
	void *l4;		/* struct tcphdr or struct udphdr */
	__u16 l3_off;		/* offsets from the start of the frame, */
	__u16 l4_off;		/* for the skb helpers in TC */
	__u16 l4_len;		/* from the IP total length, not the frame */
	__u16 l4_csum_off;	/* the TCP/UDP checksum field */
	__u8 tcp_flags;		/* TCP_FLAG_* byte, 0 for UDP */
	struct hp_session_key key; /* the tuple as it is on the wire */
};

/* The TCP flags byte (byte 13 of the header). */
#define HP_TCP_FIN 0x01
#define HP_TCP_SYN 0x02
#define HP_TCP_RST 0x04
#define HP_TCP_ACK 0x10

static __always_inline int parse_ethhdr(struct hdr_cursor *nh, void *data_end, struct ethhdr **eth)
{
	struct ethhdr *h = nh->pos;

	if ((void *)(h + 1) > data_end)
		return -1;
	nh->pos = h + 1;
	*eth = h;
	return h->h_proto; /* network byte order */
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

/*
 * Parse Ethernet / IPv4 / TCP-or-UDP into @pkt. Returns HP_CONTINUE for a
 * packet NAT may concern, otherwise the counter that says why it is left
 * alone.
 */
static __always_inline int hp_parse(void *data, void *data_end, struct hp_packet *pkt, bool whole)
{
	struct hdr_cursor nh = { .pos = data };
	struct tcphdr *tcp;
	struct udphdr *udp;
	int proto;

	if (parse_ethhdr(&nh, data_end, &pkt->eth) < 0)
		return HP_PASS_MALFORMED;
	if (pkt->eth->h_proto != bpf_htons(ETH_P_IP))
		return HP_PASS_NOT_IPV4;

	proto = parse_iphdr(&nh, data_end, &pkt->ip, whole);
	if (proto < 0)
		return HP_PASS_MALFORMED;
	/* Fragments are reassembled by the stack, never half-translated. */
	if (pkt->ip->frag_off & bpf_htons(HP_IP_MF | HP_IP_OFFSET))
		return HP_PASS_FRAGMENT;

	pkt->l3_off = (void *)pkt->ip - data;
	pkt->l4_off = nh.pos - data;
	pkt->l4_len = bpf_ntohs(pkt->ip->tot_len) - pkt->ip->ihl * 4;
	pkt->l4 = nh.pos;
	pkt->key.tuple.saddr = pkt->ip->saddr;
	pkt->key.tuple.daddr = pkt->ip->daddr;
	pkt->key.proto = proto;

	if (proto == IPPROTO_TCP) {
		if (parse_tcphdr(&nh, data_end, &tcp) < 0 || pkt->l4_len < tcp->doff * 4)
			return HP_PASS_MALFORMED;
		pkt->key.tuple.sport = tcp->source;
		pkt->key.tuple.dport = tcp->dest;
		pkt->tcp_flags = ((__u8 *)tcp)[13];
		pkt->l4_csum_off = pkt->l4_off + offsetof(struct tcphdr, check);
	} else if (proto == IPPROTO_UDP) {
		if (parse_udphdr(&nh, data_end, &udp) < 0 || pkt->l4_len < sizeof(*udp))
			return HP_PASS_MALFORMED;
		pkt->key.tuple.sport = udp->source;
		pkt->key.tuple.dport = udp->dest;
		pkt->tcp_flags = 0;
		pkt->l4_csum_off = pkt->l4_off + offsetof(struct udphdr, check);
	} else {
		return HP_PASS_NOT_TCP_UDP;
	}
	return HP_CONTINUE;
}

/* The checksum field of the parsed L4 header (TCP or UDP). */
static __always_inline __sum16 *hp_l4_csum(struct hp_packet *pkt)
{
	if (pkt->key.proto == IPPROTO_TCP)
		return &((struct tcphdr *)pkt->l4)->check;
	return &((struct udphdr *)pkt->l4)->check;
}

static __always_inline void hp_tuple_reverse(struct hp_tuple *out, const struct hp_tuple *t)
{
	out->saddr = t->daddr;
	out->daddr = t->saddr;
	out->sport = t->dport;
	out->dport = t->sport;
}

#endif /* HP_BPF_PARSE_H */
