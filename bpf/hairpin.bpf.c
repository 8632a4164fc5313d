/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hairpin-xdp entry programs: port forwarding with NAT loopback.
 *
 * xdp_ingress: parse -> find (or create) the session -> track its state ->
 *              forward: fast path (full rewrite, XDP_TX/REDIRECT) or slow
 *              path (destination only, XDP_PASS).
 * tc_egress:   parse -> hp_egress lookup -> source rewrite -> TC_ACT_OK.
 *
 * Traffic that matches no session and no rule is never modified.
 */
#include "lib/maps.h"
#include "lib/parse.h"
#include "lib/csum.h"
#include "lib/rewrite.h"
#include "lib/counters.h"
#include "lib/nat.h"
#include "lib/gc.h"
#include "lib/forward.h"

#define TC_ACT_OK 0
#define TC_ACT_SHOT 2
/* Enough of an skb's head for Ethernet, IPv4 and TCP with options. */
#define HP_TC_HEAD_LEN (ETH_HLEN + 60 + 60)

/* Count a packet's outcome; drops are the HP_DROP_* counters. */
static __always_inline int hp_xdp_verdict(__u32 counter)
{
	hp_count(counter);
	if (counter >= HP_DROP_TABLE_FULL && counter <= HP_DROP_NO_SNAT_ADDR)
		return XDP_DROP;
	return XDP_PASS;
}

/*
 * The hairpin SNAT source for a new flow of @rule, or 0 when the flow is not
 * hairpinned (it leaves by another port, or the rule turned hairpin off).
 */
static __always_inline int hp_hairpin_source(struct xdp_md *ctx, const struct hp_packet *pkt,
					     const struct hp_forward *rule, __be32 *snat_addr)
{
	__u32 ifindex = ctx->ingress_ifindex;
	const struct hp_iface *in = bpf_map_lookup_elem(&hp_ifaces, &ifindex);

	*snat_addr = 0;
	if (rule->hairpin == HP_HAIRPIN_OFF || !hp_leaves_by_ingress(ctx, pkt, rule->int_addr, in))
		return HP_CONTINUE;
	if (rule->hairpin == HP_HAIRPIN_EXTERNAL)
		*snat_addr = pkt->key.tuple.daddr;
	else if (in)
		*snat_addr = in->addr;
	return *snat_addr ? HP_CONTINUE : HP_DROP_NO_SNAT_ADDR;
}

/* A session for a packet that has none: from a forward rule, if one matches. */
static __always_inline int hp_session_new(struct xdp_md *ctx, const struct hp_config *cfg,
					  const struct hp_packet *pkt, __u64 now, struct hp_session **s)
{
	struct hp_forward_key fk = {
		.ext_addr = pkt->key.tuple.daddr,
		.ext_port = pkt->key.tuple.dport,
		.proto = pkt->key.proto,
	};
	const struct hp_forward *rule;
	__be32 snat_addr;
	int ret;

	rule = bpf_map_lookup_elem(&hp_forwards, &fk);
	if (!rule)
		return HP_PASS_NO_MATCH;
	/* A flow starts with a SYN; anything else is not ours to pick up. */
	if (pkt->key.proto == IPPROTO_TCP &&
	    (pkt->tcp_flags & (HP_TCP_SYN | HP_TCP_ACK | HP_TCP_RST)) != HP_TCP_SYN)
		return HP_PASS_NOT_SYN;
	ret = hp_hairpin_source(ctx, pkt, rule, &snat_addr);
	if (ret != HP_CONTINUE)
		return ret;
	ret = hp_session_create(cfg, pkt, rule, snat_addr, now, s);
	if (ret != HP_CONTINUE)
		return ret;
	hp_count(HP_SESSION_CREATED);
	hp_gc_arm();
	return HP_CONTINUE;
}

/*
 * The live session of @pkt, or a new one. A dead session is removed: its
 * original tuple may start a new flow, its reply is passed on untouched.
 */
static __always_inline int hp_session_get(struct xdp_md *ctx, const struct hp_config *cfg,
					  const struct hp_packet *pkt, __u64 now, struct hp_session **s,
					  bool *created)
{
	struct hp_session *found = bpf_map_lookup_elem(&hp_sessions, &pkt->key);

	*created = false;
	if (found && !hp_session_dead(cfg, &pkt->key, found, now)) {
		*s = found;
		return HP_CONTINUE;
	}
	if (found) {
		bool reply = found->flags & HP_SF_REPLY;

		hp_session_remove(&pkt->key, found);
		if (reply)
			return HP_PASS_EXPIRED_REPLY;
		hp_count(HP_SESSION_REPLACED);
	}
	*created = true;
	return hp_session_new(ctx, cfg, pkt, now, s);
}

SEC("xdp")
int xdp_ingress(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	const struct hp_config *cfg;
	struct hp_packet pkt = {};
	struct hp_l4_csum cs;
	struct hp_session *s;
	bool created;
	__u64 now;
	int ret;

	ret = hp_parse(data, data_end, &pkt, true);
	if (ret != HP_CONTINUE)
		return hp_xdp_verdict(ret);
	cfg = hp_config_get();
	if (!cfg)
		return hp_xdp_verdict(HP_PASS_NO_MATCH);

	now = bpf_ktime_get_ns();
	ret = hp_session_get(ctx, cfg, &pkt, now, &s, &created);
	if (ret != HP_CONTINUE)
		return hp_xdp_verdict(ret);
	hp_session_track(&pkt, s, now);
	hp_count_rule(s->rule_id, data_end - data, created);

	hp_l4_csum_classify(ctx, &pkt, &cs);
	return hp_forward(ctx, &pkt, s, cfg, &cs);
}

SEC("tc")
int tc_egress(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct hp_packet pkt = {};
	struct hp_session *e;
	struct hp_tuple xlat;
	int ret;

	ret = hp_parse(data, data_end, &pkt, false);
	if (ret == HP_PASS_MALFORMED && skb->len > data_end - data) {
		/* Headers beyond the linear head: pull them in and look again. */
		if (bpf_skb_pull_data(skb, skb->len < HP_TC_HEAD_LEN ? skb->len : HP_TC_HEAD_LEN))
			goto pass;
		data = (void *)(long)skb->data;
		data_end = (void *)(long)skb->data_end;
		ret = hp_parse(data, data_end, &pkt, false);
	}
	if (ret != HP_CONTINUE)
		goto pass;
	e = bpf_map_lookup_elem(&hp_egress, &pkt.key);
	if (!e)
		goto pass;
	xlat = e->xlat;
	if (hp_tc_rewrite(skb, &pkt, &xlat)) {
		hp_count(HP_TC_DROP_REWRITE);
		return TC_ACT_SHOT;
	}
	hp_count(HP_TC_TRANSLATED);
	return TC_ACT_OK;
pass:
	hp_count(HP_TC_PASS);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
