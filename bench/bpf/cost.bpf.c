// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Per-packet cost with BPF_PROG_TEST_RUN. A program under test rewrites the
 * packet in place, so with a repeat count its second run would see another
 * packet and take another path. The harness restores the template frame
 * (and gives it flow number i, see tmpl.h and vary.h) before every run and tail-calls
 * the program under test from hpb_xdp_target / hpb_tc_target. Its own cost
 * is measured by tail-calling nop_*, and subtracted by bench/run.
 *
 * floor_*: the parse-only floor, hairpin-xdp's own parser (bpf/lib/parse.h)
 * and nothing else: the least any program that looks at the tuple pays.
 *
 * lookup_xdp: the parse-only floor plus one bpf_map_lookup_elem on a hash
 * map shaped like hp_sessions (same key and value, preallocated,
 * max_entries set by hpbench to hp_sessions' size, prefilled by hpbench with
 * as many entries as the session table holds): the least any stateful NAT
 * pays per packet. It reads the value, as a NAT would, and passes a packet
 * it finds (XDP_PASS) and drops one it does not (the retval says which).
 *
 * insert_pre_xdp / insert_np_xdp: the parse-only floor plus one BPF_NOEXIST
 * insert of the frame's key (a new one every run with --vary) into a
 * session-shaped table, preallocated or BPF_F_NO_PREALLOC: what one half of
 * a new session costs to insert each way. XDP_PASS when it went in.
 */
#include "tmpl.h"
#include "lib/parse.h"
#include "hairpin/abi.h"

#define TC_ACT_OK 0
#define TC_ACT_SHOT 2

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} hpb_xdp_target SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} hpb_tc_target SEC(".maps");

SEC("xdp")
int harness_xdp(struct xdp_md *ctx)
{
	if (hpb_tmpl_xdp(ctx))
		return XDP_ABORTED;
	bpf_tail_call(ctx, &hpb_xdp_target, 0);
	return XDP_ABORTED;
}

SEC("tc")
int harness_tc(struct __sk_buff *skb)
{
	struct hpb_tmpl *t;
	__u32 len;
	__u64 i;

	t = hpb_tmpl_next(&len, &i);
	if (!t || bpf_skb_store_bytes(skb, 0, t->data, len, 0))
		return TC_ACT_SHOT;
	if (hpb_vary_frame((void *)(long)skb->data, (void *)(long)skb->data_end, &t->vary, i))
		return TC_ACT_SHOT;
	bpf_tail_call(skb, &hpb_tc_target, 0);
	return TC_ACT_SHOT;
}

SEC("xdp")
int nop_xdp(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("tc")
int nop_tc(struct __sk_buff *skb)
{
	return TC_ACT_OK;
}

SEC("xdp")
int floor_xdp(struct xdp_md *ctx)
{
	struct hp_packet pkt = {};

	return hp_parse((void *)(long)ctx->data, (void *)(long)ctx->data_end, &pkt, true) == HP_CONTINUE ?
		       XDP_PASS : XDP_DROP;
}

SEC("tc")
int floor_tc(struct __sk_buff *skb)
{
	struct hp_packet pkt = {};

	return hp_parse((void *)(long)skb->data, (void *)(long)skb->data_end, &pkt, false) == HP_CONTINUE ?
		       TC_ACT_OK : TC_ACT_SHOT;
}

/* hpbench sets max_entries (hp_sessions' size) before loading. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, struct hp_session_key);
	__type(value, struct hp_session);
} hpb_sessions SEC(".maps");

SEC("xdp")
int lookup_xdp(struct xdp_md *ctx)
{
	struct hp_packet pkt = {};
	struct hp_session *s;

	if (hp_parse((void *)(long)ctx->data, (void *)(long)ctx->data_end, &pkt, true) != HP_CONTINUE)
		return XDP_ABORTED;
	s = bpf_map_lookup_elem(&hpb_sessions, &pkt.key);
	if (!s)
		return XDP_DROP;
	/* use the answer, as a NAT would: the translation's address */
	return s->xlat.daddr ? XDP_PASS : XDP_TX;
}

char LICENSE[] SEC("license") = "GPL";

/* One insert per run; sized for the bench's 100k new flows per sample. */
#define HPB_INSERT_ENTRIES 262144
struct hpb_insert_table {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HPB_INSERT_ENTRIES);
	__type(key, struct hp_session_key);
	__type(value, struct hp_session);
};
struct hpb_insert_table hpb_ins_pre SEC(".maps");
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HPB_INSERT_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct hp_session_key);
	__type(value, struct hp_session);
} hpb_ins_np SEC(".maps");

static __always_inline int hpb_insert(struct xdp_md *ctx, void *map)
{
	struct hp_session v = { .state = HP_STATE_UDP };
	struct hp_packet pkt = {};

	if (hp_parse((void *)(long)ctx->data, (void *)(long)ctx->data_end, &pkt, true) != HP_CONTINUE)
		return XDP_ABORTED;
	v.xlat = pkt.key.tuple;
	return bpf_map_update_elem(map, &pkt.key, &v, BPF_NOEXIST) ? XDP_DROP : XDP_PASS;
}

SEC("xdp")
int insert_pre_xdp(struct xdp_md *ctx)
{
	return hpb_insert(ctx, &hpb_ins_pre);
}

SEC("xdp")
int insert_np_xdp(struct xdp_md *ctx)
{
	return hpb_insert(ctx, &hpb_ins_np);
}
