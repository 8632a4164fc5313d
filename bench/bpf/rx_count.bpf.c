// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The receiver's counter, on the server's interface: counts and drops the
 * benchmark's UDP stream (destination port HPB_UDP_PORT), with the time of
 * the first and last packet so that a rate can be taken over exactly the
 * span the packets arrived in. Everything else (ARP, TCP, the iperf3 and
 * connection tests) passes to the stack. Being an XDP program it also gives
 * the veth NAPI that frames redirected into its peer need.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "bench.h"
#include "tcp_hs.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hpb_rx);
} hpb_rx SEC(".maps");

SEC("xdp")
int rx_count(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp;
	struct hpb_rx *rx;
	__u32 zero = 0;
	__u64 now;

	struct tcphdr *th;
	struct iphdr *tip;

	th = hpb_tcp_hs(data, data_end, &tip);
	if (th && th->dest == bpf_htons(HPB_TCP_PORT)) {
		__u8 f = ((__u8 *)th)[13] & (HPB_TH_SYN | HPB_TH_ACK | HPB_TH_RST | HPB_TH_FIN);

		/* the storm's SYN: answer it; its final ACK: count it */
		if (f == HPB_TH_SYN) {
			hpb_tcp_answer(data, tip, th, HPB_TH_SYN | HPB_TH_ACK, HPB_SYNACK_SEQ,
				       bpf_ntohl(th->seq) + 1);
			return XDP_TX;
		}
		if (f != HPB_TH_ACK)
			return XDP_DROP;
		goto count;
	}
	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP) ||
	    ip->protocol != IPPROTO_UDP)
		return XDP_PASS;
	udp = (void *)ip + ip->ihl * 4;
	if ((void *)(udp + 1) > data_end || udp->dest != bpf_htons(HPB_UDP_PORT))
		return XDP_PASS;
count:
	rx = bpf_map_lookup_elem(&hpb_rx, &zero);
	if (!rx)
		return XDP_DROP;
	now = bpf_ktime_get_ns();
	if (!rx->packets)
		rx->first_ns = now;
	rx->last_ns = now;
	rx->packets++;
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
