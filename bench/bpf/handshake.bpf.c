// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The client's side of the TCP handshake storm (see tcp_hs.h): every SYN-ACK
 * from HPB_TCP_PORT is answered with the handshake's final ACK (XDP_TX).
 * Everything else passes, as xdp_pass would let it: the client's other
 * traffic (tcpcrr, iperf3) goes to its stack.
 */
#include "tcp_hs.h"

SEC("xdp")
int handshake(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct iphdr *ip;
	struct tcphdr *th = hpb_tcp_hs(data, data_end, &ip);

	if (!th || th->source != bpf_htons(HPB_TCP_PORT) ||
	    (((__u8 *)th)[13] & (HPB_TH_SYN | HPB_TH_ACK | HPB_TH_RST)) != (HPB_TH_SYN | HPB_TH_ACK))
		return XDP_PASS;
	hpb_tcp_answer(data, ip, th, HPB_TH_ACK, 2, HPB_SYNACK_SEQ + 1);
	return XDP_TX;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
