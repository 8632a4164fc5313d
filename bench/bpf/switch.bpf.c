// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The LAN switch's fast path, on every switch port: a frame of the
 * benchmark's UDP stream (destination port HPB_UDP_PORT) whose destination
 * MAC is in hpb_fdb is redirected straight to that port. A Linux bridge
 * crossing costs a 64-byte frame more than nftables NAT does in the router
 * (issue 4), and the hairpin crosses the switch twice, so without this the
 * test bed, not the router, would be measured.
 *
 * Everything else goes on to the bridge the ports are enslaved to: ARP, and
 * the TCP tests' packets. Those come from local sockets with a partial
 * (offloaded) checksum; an skb keeps that state across the bridge, but a
 * frame redirected by XDP loses it and would arrive with a checksum that
 * only covers the pseudo-header.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "bench.h"
#include "ports.h"

struct hpb_mac {
	__u8 addr[ETH_ALEN];
	__u16 pad;
};

/* Filled by bench/lib/bed.sh: MAC of each host -> switch port towards it. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, struct hpb_mac);
	__type(value, __u32);
} hpb_fdb SEC(".maps");

SEC("xdp")
int switch_fwd(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct hpb_mac key = {};
	struct udphdr *udp;
	__u32 *port;

	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl != 5)
		return XDP_PASS;
	udp = (void *)(ip + 1); /* TCP's ports are where UDP's are */
	if ((void *)(udp + 1) > data_end)
		return XDP_PASS;
	if (ip->protocol == IPPROTO_UDP) {
		if (udp->dest != bpf_htons(HPB_UDP_PORT))
			return XDP_PASS;
	} else if (ip->protocol != IPPROTO_TCP ||
		   (udp->dest != bpf_htons(HPB_TCP_PORT) && udp->source != bpf_htons(HPB_TCP_PORT))) {
		return XDP_PASS; /* the handshake storm's both ways, nothing else */
	}
	__builtin_memcpy(key.addr, eth->h_dest, ETH_ALEN);
	port = bpf_map_lookup_elem(&hpb_fdb, &key);
	if (!port || *port == ctx->ingress_ifindex)
		return XDP_PASS;
	return bpf_redirect_map(&hpb_ports, *port, XDP_PASS);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
