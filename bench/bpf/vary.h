/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * BPF side of struct hpb_vary: give an Ethernet/IPv4/UDP-or-TCP frame the
 * source address and port of flow number @i, with both checksums updated
 * incrementally (RFC 1624), so the frame stays valid on the wire.
 */
#ifndef HPB_VARY_H
#define HPB_VARY_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/udp.h>
#include <linux/tcp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "bench.h"

static __always_inline __u16 hpb_fold(__u64 s)
{
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (__u16)s;
}

/* HC' = ~(~HC + ~m + m') with the change's "~m + m'" summed in @delta. */
static __always_inline __u16 hpb_csum_update(__u16 check, __u64 delta)
{
	return (__u16)~hpb_fold((__u16)~check + delta);
}

static __always_inline int hpb_vary_frame(void *data, void *data_end, const struct hpb_vary *v, __u64 i)
{
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	__be16 *ports;
	__u16 *l4check;
	__u32 idx, saddr;
	__be32 new_saddr;
	__be16 new_sport;
	__u64 d_addr;

	if (!v->flows || !v->ports)
		return 0;
	if ((void *)(ip + 1) > data_end || ip->ihl != 5)
		return -1;
	ports = (void *)(ip + 1);
	if (ip->protocol == IPPROTO_UDP) {
		struct udphdr *udp = (void *)ports;

		if ((void *)(udp + 1) > data_end)
			return -1;
		l4check = &udp->check;
	} else if (ip->protocol == IPPROTO_TCP) {
		struct tcphdr *tcp = (void *)ports;

		if ((void *)(tcp + 1) > data_end)
			return -1;
		l4check = &tcp->check;
	} else {
		return -1;
	}
	idx = i % v->flows;
	saddr = v->saddr_base + idx / v->ports;
	new_saddr = bpf_htonl(saddr);
	new_sport = bpf_htons(v->sport_base + idx % v->ports);
	d_addr = (__u64)(__u32)~ip->saddr + new_saddr;
	if (*l4check) /* UDP checksum 0 (none) stays 0 */
		*l4check = hpb_csum_update(*l4check, d_addr + (__u16)~ports[0] + new_sport);
	ip->check = hpb_csum_update(ip->check, d_addr);
	ip->saddr = new_saddr;
	ports[0] = new_sport;
	return 0;
}

#endif /* HPB_VARY_H */
