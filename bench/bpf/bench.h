/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What the benchmark's own BPF programs (bench/bpf/) and its C tool
 * (bench/hpbench.c) share: map values and the flow-variation rule. Nothing
 * here is part of hairpin-xdp's ABI.
 */
#ifndef HPB_BENCH_H
#define HPB_BENCH_H

#include <linux/types.h>

/* The UDP port every benchmark stream is sent to; rx_count counts only it. */
#define HPB_UDP_PORT 5201
/*
 * The TCP handshake storm's port: the server's rx_count answers every SYN to
 * it with a SYN-ACK and counts the final ACKs; the client's handshake
 * program answers every SYN-ACK from it with that ACK.
 */
#define HPB_TCP_PORT 5202
#define HPB_SYNACK_SEQ 1000 /* the server's initial sequence number */
/* Template frames are shorter than this (a power of two: it is a mask). */
#define HPB_TMPL_MAX 128

/* rx_count: per-CPU, what the server's interface received of the stream. */
struct hpb_rx {
	__u64 packets;
	__u64 first_ns; /* bpf_ktime_get_ns() of the first and last packet */
	__u64 last_ns;
};

/* ceiling: where a frame arriving on an interface goes next. */
struct hpb_hop {
	__u32 ifindex; /* egress; equal to the ingress one means XDP_TX */
	__u8 smac[6];
	__u8 dmac[6];
};

/*
 * Flow variation of the generator and the cost harness: packet number i of
 * a run gets flow idx = i % flows (flows 0: no variation), then
 *   source port    = sport_base + idx % ports
 *   source address = saddr_base + idx / ports  (host order arithmetic)
 * so a run of up to flows packets is that many distinct flows.
 */
struct hpb_vary {
	__u32 flows;
	__u32 ports;
	__u32 saddr_base; /* host byte order */
	__u16 sport_base;
	__u16 pad;
};

/* The cost harness: the frame it restores before every run of the target. */
struct hpb_tmpl {
	struct hpb_vary vary;
	__u32 len;
	__u8 data[HPB_TMPL_MAX];
};

#endif /* HPB_BENCH_H */
