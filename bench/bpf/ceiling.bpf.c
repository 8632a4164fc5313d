// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The ceiling: the least a router can do to move a frame along the same path
 * as hairpin-xdp's fast path. It rewrites the two MAC addresses to the next
 * hop's (one lookup by IPv4 destination, filled by bench/run) and sends the
 * frame on: XDP_TX back out of the port it came in on (the hairpin),
 * XDP_REDIRECT through a devmap otherwise. No parsing beyond the IPv4
 * destination, no NAT, no TTL.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "bench.h"
#include "ports.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, struct hpb_hop);
} hpb_hops SEC(".maps");

SEC("xdp")
int ceiling(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	__u32 in = ctx->ingress_ifindex;
	struct hpb_hop *hop;

	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	hop = bpf_map_lookup_elem(&hpb_hops, &ip->daddr);
	if (!hop)
		return XDP_PASS;
	__builtin_memcpy(eth->h_dest, hop->dmac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, hop->smac, ETH_ALEN);
	if (hop->ifindex == in)
		return XDP_TX;
	return bpf_redirect_map(&hpb_ports, hop->ifindex, 0);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
