/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The TCP handshake storm's two reflectors (rx_count.bpf.c on the server,
 * handshake.bpf.c on the client): turn a received segment into the next one
 * of the three-way handshake, sent back where it came from (XDP_TX), with
 * sequence numbers a stateful firewall accepts: the client's SYN has seq 1
 * (hpbench), the SYN-ACK seq HPB_SYNACK_SEQ ack 2, the ACK seq 2 ack
 * HPB_SYNACK_SEQ + 1.
 */
#ifndef HPB_TCP_HS_H
#define HPB_TCP_HS_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "bench.h"

#define HPB_TH_FIN 0x01
#define HPB_TH_SYN 0x02
#define HPB_TH_RST 0x04
#define HPB_TH_ACK 0x10

/* The TCP header of a frame to or from HPB_TCP_PORT, or NULL. */
static __always_inline struct tcphdr *hpb_tcp_hs(void *data, void *data_end, struct iphdr **ipp)
{
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct tcphdr *th;

	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP) ||
	    ip->protocol != IPPROTO_TCP || ip->ihl != 5)
		return NULL;
	th = (void *)(ip + 1);
	if ((void *)(th + 1) > data_end)
		return NULL;
	if (th->dest != bpf_htons(HPB_TCP_PORT) && th->source != bpf_htons(HPB_TCP_PORT))
		return NULL;
	*ipp = ip;
	return th;
}

/*
 * Answer the segment in place: swap MACs, addresses and ports, set the
 * flags, seq and ack. The checksums are unchanged by the swaps; the flags,
 * seq and ack are folded in with bpf_csum_diff.
 */
static __always_inline void hpb_tcp_answer(void *data, struct iphdr *ip, struct tcphdr *th, __u8 flags,
					   __u32 seq, __u32 ack)
{
	struct ethhdr *eth = data;
	__u8 mac[ETH_ALEN];
	__be32 a, old[4], new[4];
	__be16 p;
	__s64 d;

	__builtin_memcpy(mac, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, mac, ETH_ALEN);
	a = ip->saddr;
	ip->saddr = ip->daddr;
	ip->daddr = a;
	p = th->source;
	th->source = th->dest;
	th->dest = p;
	/* seq, ack_seq, and the word of doff and the flags */
	__builtin_memcpy(old, &th->seq, 12);
	th->seq = bpf_htonl(seq);
	th->ack_seq = bpf_htonl(ack);
	((__u8 *)th)[13] = flags;
	__builtin_memcpy(new, &th->seq, 12);
	d = bpf_csum_diff(old, 12, new, 12, (__u16)~th->check);
	if (d >= 0) {
		__u32 s = (__u32)d;

		s = (s & 0xffff) + (s >> 16);
		s = (s & 0xffff) + (s >> 16);
		th->check = (__u16)~s;
	}
	ip->ttl = 64;
	/* the TTL moved: the IP checksum anew */
	ip->check = 0;
	{
		__u32 s = 0;
		__u16 *w = (__u16 *)ip;

#pragma unroll
		for (int i = 0; i < 10; i++)
			s += w[i];
		s = (s & 0xffff) + (s >> 16);
		s = (s & 0xffff) + (s >> 16);
		ip->check = (__u16)~s;
	}
}

#endif /* HPB_TCP_HS_H */
