/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Forward rules: the session of a packet, found, or made from the rule its
 * destination matches (allow list, SYN only, hairpin decision). Everything
 * that matches neither is passed on untouched.
 */
#ifndef HP_BPF_RULES_H
#define HP_BPF_RULES_H

#include "lib/maps.h"
#include "lib/parse.h"
#include "lib/counters.h"
#include "lib/nat.h"
#include "lib/forward.h"
#include "lib/nexthop.h"
#include "lib/validate.h"

/*
 * hp_session_find(): the packet goes on to xdp_new_session (no counters):
 * it has no session and matches a rule, or its session is dead.
 */
#define HP_NEW_SESSION (-10)
#define HP_REPLACE_SESSION (-11)

/*
 * Does the new flow, its destination translated, leave by the port it came
 * in on? Without asking the fib where the answer is known already:
 *
 * 1. the internal address is on the ingress port's own subnet: it leaves
 *    by that port (the usual hairpin: client and server on one LAN);
 * 2. the next-hop cache holds another port for this source and destination
 *    from the ingress port (filled by the fast path of an earlier flow from
 *    the same source: the usual new flow from the internet): it does not;
 * 3. else the fib, as hp_leaves_by_ingress() asks it.
 *
 * (1) differs from the fib only where a more specific route sends part of
 * a port's own subnet elsewhere; `config --nexthop-cache off` asks the fib
 * for every new flow, as before.
 */
static __always_inline bool hp_new_flow_hairpins(struct xdp_md *ctx, const struct hp_config *cfg,
						 const struct hp_packet *pkt, const struct hp_forward *rule,
						 const struct hp_iface *in, __u64 now)
{
	struct hp_tuple t = { .saddr = pkt->key.tuple.saddr, .daddr = rule->int_addr };
	__u32 slot = hp_nexthop_slot(&t, ctx->ingress_ifindex);
	const struct hp_nexthop *c;

	if (cfg->flags & HP_CF_NO_NEXTHOP_CACHE)
		return hp_leaves_by_ingress(ctx, pkt, rule->int_addr, in);
	if (in && hp_on_link(rule->int_addr, in->addr, in->prefixlen))
		return true;
	c = bpf_map_lookup_elem(&hp_nexthops, &slot);
	if (hp_nexthop_live(c, &t, ctx->ingress_ifindex, now, hp_nexthop_bumped()) &&
	    c->out_ifindex != ctx->ingress_ifindex)
		return false;
	return hp_leaves_by_ingress(ctx, pkt, rule->int_addr, in);
}

/*
 * The hairpin SNAT source for a new flow of @rule, or 0 when the flow is not
 * hairpinned (it leaves by another port, or the rule turned hairpin off).
 */
static __always_inline int hp_hairpin_source(struct xdp_md *ctx, const struct hp_config *cfg,
					     const struct hp_packet *pkt, const struct hp_forward *rule,
					     __u64 now, __be32 *snat_addr)
{
	__u32 ifindex = ctx->ingress_ifindex;
	const struct hp_iface *in = bpf_map_lookup_elem(&hp_ifaces, &ifindex);

	*snat_addr = 0;
	if (rule->hairpin == HP_HAIRPIN_OFF || !hp_new_flow_hairpins(ctx, cfg, pkt, rule, in, now))
		return HP_CONTINUE;
	if (rule->hairpin == HP_HAIRPIN_EXTERNAL)
		*snat_addr = pkt->key.tuple.daddr;
	else if (in)
		*snat_addr = in->addr;
	return *snat_addr ? HP_CONTINUE : HP_DROP_NO_SNAT_ADDR;
}

/* Is @saddr in the rule's allow list? Others pass as if no rule existed. */
static __always_inline bool hp_source_allowed(const struct hp_forward *rule, __be32 saddr)
{
	struct hp_allow_key k = {
		.prefixlen = 64,
		.list_id = bpf_htonl(rule->allow_id),
		.addr = saddr,
	};

	return bpf_map_lookup_elem(&hp_allow, &k) != NULL;
}

/* The forward rule the packet's destination matches, if any. */
static __always_inline const struct hp_forward *hp_rule_of(const struct hp_packet *pkt)
{
	struct hp_forward_key fk = {
		.ext_addr = pkt->key.tuple.daddr,
		.ext_port = pkt->key.tuple.dport,
		.proto = pkt->key.proto,
	};

	return bpf_map_lookup_elem(&hp_forwards, &fk);
}

/*
 * A session for a packet that has none: from its forward rule @rule, if one
 * matches (NULL: none).
 * *s is a copy of the new original half (the packet's state change included).
 */
static __always_inline int hp_session_new(struct xdp_md *ctx, const struct hp_config *cfg,
					  const struct hp_packet *pkt, const struct hp_forward *rule, __u64 now,
					  struct hp_session *s)
{
	__be32 snat_addr;
	int ret;

	if (!rule)
		return HP_PASS_NO_MATCH;
	if ((rule->flags & HP_FWF_ALLOWLIST) && !hp_source_allowed(rule, pkt->key.tuple.saddr))
		return HP_PASS_NOT_ALLOWED;
	/* A flow starts with a SYN; anything else is not ours to pick up. */
	if (pkt->key.proto == IPPROTO_TCP &&
	    (pkt->tcp_flags & (HP_TCP_SYN | HP_TCP_ACK | HP_TCP_RST)) != HP_TCP_SYN)
		return HP_PASS_NOT_SYN;
	/* A packet the router would not forward makes no session (validate.h). */
	ret = hp_xdp_validate(ctx, pkt->l3_off);
	if (ret != HP_CONTINUE)
		return ret;
	ret = hp_hairpin_source(ctx, cfg, pkt, rule, now, &snat_addr);
	if (ret != HP_CONTINUE)
		return ret;
	ret = hp_session_create(cfg, pkt, rule, snat_addr, now, s);
	if (ret != HP_CONTINUE)
		return ret;
	hp_count(HP_SESSION_CREATED);
	hp_event_session(HP_EV_NEW, 0, &pkt->key, s);
	return HP_CONTINUE;
}

/*
 * The live session of @pkt, for xdp_ingress: HP_CONTINUE with *s, or, for
 * xdp_new_session's work (hp_session_open()), HP_NEW_SESSION (none; *rule
 * the rule it matches) or HP_REPLACE_SESSION (a dead one).
 */
static __always_inline int hp_session_find(struct xdp_md *ctx, const struct hp_config *cfg,
					   const struct hp_packet *pkt, __u64 now, struct hp_session **s,
					   const struct hp_forward **rule)
{
	struct hp_session *found = bpf_map_lookup_elem(&hp_sessions, &pkt->key);

	if (found && !hp_session_dead(cfg, &pkt->key, found, now)) {
		*s = found;
		return hp_xdp_validate(ctx, pkt->l3_off);
	}
	if (found)
		return HP_REPLACE_SESSION;
	*rule = hp_rule_of(pkt);
	return *rule ? HP_NEW_SESSION : HP_PASS_NO_MATCH;
}

/*
 * Make @pkt's session, for xdp_new_session: HP_CONTINUE with *made a copy
 * of its original half once it has a live one (made here, or by another CPU
 * meanwhile), else the counter of what became of the packet. @rule: the
 * rule xdp_ingress found the packet to match, with no session in the table
 * just now; NULL: look both up. A dead session is removed: its original
 * tuple may start a new flow, its reply is passed on untouched.
 */
static __always_inline int hp_session_open(struct xdp_md *ctx, const struct hp_config *cfg,
					   const struct hp_packet *pkt, const struct hp_forward *rule, __u64 now,
					   struct hp_session *made)
{
	struct hp_session *found = rule ? NULL : bpf_map_lookup_elem(&hp_sessions, &pkt->key);
	int ret;

	if (found && !hp_session_dead(cfg, &pkt->key, found, now)) {
		*made = *found;
		return HP_CONTINUE;
	}
	if (found) {
		bool reply = found->flags & HP_SF_REPLY;

		/* told before it goes: no copy on this program's full stack */
		hp_event_session(HP_EV_DESTROY, HP_EVR_EXPIRED, &pkt->key, found);
		hp_session_remove(&pkt->key, found);
		if (reply)
			return HP_PASS_EXPIRED_REPLY;
	}
	ret = hp_session_new(ctx, cfg, pkt, rule ? rule : hp_rule_of(pkt), now, made);
	if (ret != HP_CONTINUE)
		return ret;
	if (found)
		hp_count(HP_SESSION_REPLACED);
	hp_count_rule_session(made->rule_id);
	return HP_CONTINUE;
}

#endif /* HP_BPF_RULES_H */
