/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hairpin-xdp entry programs: port forwarding with NAT loopback.
 *
 * xdp_ingress: parse -> find (or create) the session -> track its state ->
 *              forward: fast path (full rewrite, XDP_TX/REDIRECT) or slow
 *              path (destination only, XDP_PASS). Later fragments follow
 *              their first fragment; ICMP errors follow the session of the
 *              packet they quote.
 * tc_egress:   parse -> what XDP left for it (hp_egress, hp_frags) or an ICMP
 *              error of the router's own -> source rewrite -> TC_ACT_OK.
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
#include "lib/frag.h"
#include "lib/icmp.h"
#include "lib/forward.h"
#include "lib/rules.h"
#include "lib/validate.h"

#define TC_ACT_OK 0
#define TC_ACT_SHOT 2
/* Enough of an skb's head for Ethernet, IPv4 and TCP with options. */
#define HP_TC_HEAD_LEN (ETH_HLEN + 60 + 60)

/* Count a packet's outcome; drops are the HP_DROP_* counters. */
static __always_inline int hp_xdp_verdict(__u32 counter)
{
	hp_count(counter);
	if (hp_counter_is_xdp_drop(counter))
		return XDP_DROP;
	return XDP_PASS;
}

/* A TCP/UDP packet NAT leaves alone, for reason @counter. */
static __always_inline int hp_walk_l4_untouched(const struct hp_packet *pkt, __u32 counter)
{
	int ret = hp_xdp_verdict(counter);

	/* passed untranslated: its later fragments must stay so too */
	if (pkt->first_frag && ret == XDP_PASS)
		hp_frag_forget(pkt);
	return ret;
}

/*
 * A TCP/UDP packet of a session of rule @rule_id, translated to @xlat, on
 * its way: counted, its fragments remembered, forwarded.
 */
static __always_inline int hp_walk_l4_send(struct xdp_md *ctx, const struct hp_config *cfg,
					   struct hp_packet *pkt, const struct hp_tuple *xlat, __u16 rule_id,
					   __u64 now)
{
	struct hp_l4_csum cs;

	hp_count_rule(rule_id, ctx->data_end - ctx->data);
	if (pkt->first_frag)
		hp_frag_remember(pkt, xlat, HP_FRAG_INGRESS, now);
	hp_l4_csum_classify(ctx, pkt, &cs);
	return hp_forward(ctx, pkt, HP_PKT_L4, xlat, rule_id, cfg, &cs, now);
}

/*
 * TCP/UDP: the session walk of a packet with a live session. One without
 * goes on to xdp_new_session (HP_NEW_SESSION with *rule, HP_REPLACE_SESSION).
 */
static __always_inline int hp_walk_l4(struct xdp_md *ctx, const struct hp_config *cfg, struct hp_packet *pkt,
				      __u64 now, const struct hp_forward **rule)
{
	struct hp_session *s;
	struct hp_tuple xlat;
	int ret;

	if (pkt->first_frag) {
		ret = hp_frag_check_first(pkt, now);
		if (ret != HP_CONTINUE)
			return hp_xdp_verdict(ret);
	}
	ret = hp_session_find(ctx, cfg, pkt, now, &s, rule);
	if (ret == HP_NEW_SESSION || ret == HP_REPLACE_SESSION)
		return ret;
	if (ret != HP_CONTINUE)
		return hp_walk_l4_untouched(pkt, ret);
	hp_session_track(pkt, s, now);
	xlat = s->xlat;
	return hp_walk_l4_send(ctx, cfg, pkt, &xlat, s->rule_id, now);
}

/* A later fragment: as its first fragment was translated, if it was. */
static __always_inline int hp_walk_frag(struct xdp_md *ctx, const struct hp_config *cfg,
					struct hp_packet *pkt, __u64 now)
{
	struct hp_l4_csum cs = { .kind = HP_CSUM_NONE };
	const struct hp_frag *f;
	struct hp_tuple xlat;
	int ret;

	f = hp_frag_tracked(pkt, HP_FRAG_INGRESS, now);
	if (!f)
		return hp_xdp_verdict(HP_PASS_FRAGMENT);
	/* Before it counts as seen: a corrupt copy must not shadow a good one. */
	ret = hp_xdp_validate(ctx, pkt->l3_off);
	if (ret != HP_CONTINUE)
		return hp_xdp_verdict(ret);
	ret = hp_frag_follow(pkt, HP_FRAG_INGRESS, f, &xlat);
	if (ret != HP_CONTINUE)
		return hp_xdp_verdict(ret);
	hp_count(HP_FRAG_TRANSLATED);
	/* no rule id: a fragment's hand-off is its hp_frags entry (frag.h) */
	return hp_forward(ctx, pkt, HP_PKT_FRAG, &xlat, 0, cfg, &cs, now);
}

/* An ICMP error: as the session of the packet it quotes (see icmp.h). */
static __always_inline int hp_walk_icmp_error(struct xdp_md *ctx, const struct hp_config *cfg,
					      struct hp_packet *pkt, __u64 now)
{
	struct hp_l4_csum cs = { .kind = HP_CSUM_NONE };
	struct hp_session_key k;
	struct hp_tuple outer;
	struct hp_session *h;
	int ret;

	h = hp_icmp_session(pkt, &k);
	if (!h || hp_session_dead(cfg, &k, h, now))
		return hp_xdp_verdict(HP_PASS_ICMP_NO_SESSION);
	if (!hp_icmp_outer_ok(pkt))
		return hp_xdp_verdict(HP_PASS_ICMP_OUTER_MISMATCH);
	ret = hp_xdp_validate(ctx, pkt->l3_off);
	if (ret != HP_CONTINUE)
		return hp_xdp_verdict(ret);
	/*
	 * A corrupt error is dropped rather than translated (its receiver would
	 * drop it) or passed on untranslated (it would leak inner addresses).
	 */
	if (!hp_icmp_csum_ok(ctx, pkt))
		return hp_xdp_verdict(HP_DROP_ICMP_BAD_CSUM);
	hp_icmp_plan(pkt, &k, h, &outer);
	hp_count(HP_ICMP_ERROR_TRANSLATED);
	return hp_forward(ctx, pkt, HP_PKT_ICMP_ERR, &outer, h->rule_id, cfg, &cs, now);
}

/*
 * The ingress port for the event stream, read through an opaque copy of
 * @ctx: else clang keeps ctx + offset in a register for the later reads,
 * and the verifier refuses a modified ctx pointer.
 */
static __always_inline __u32 hp_xdp_ifindex(struct xdp_md *ctx)
{
	barrier_var(ctx);
	return ctx->ingress_ifindex;
}

/*
 * The programs the XDP walk hands a packet on to with bpf_tail_call(),
 * filled by libbpf at load: xdp_ingress -> xdp_new_session (make the
 * session) -> xdp_session_made (send the packet on). Split so that each
 * stays well inside the verifier's budget of a million instructions and has
 * its own 512-byte stack. (The table holds programs that hold the table:
 * the kernel breaks that loop by emptying it once no pin or fd holds it.)
 */
enum hp_xdp_step {
	HP_STEP_NEW_SESSION,
	HP_STEP_SESSION_MADE,
	HP_STEP_INGRESS, /* the way back when a hand-off below is missing */
	HP_STEP_MAX,
};

SEC("xdp")
int xdp_ingress(struct xdp_md *ctx);
SEC("xdp")
int xdp_new_session(struct xdp_md *ctx);
SEC("xdp")
int xdp_session_made(struct xdp_md *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, HP_STEP_MAX);
	__type(key, __u32);
	__array(values, int(struct xdp_md *));
} hp_xdp_steps SEC(".maps") = {
	.values = {
		[HP_STEP_NEW_SESSION] = (void *)&xdp_new_session,
		[HP_STEP_SESSION_MADE] = (void *)&xdp_session_made,
		[HP_STEP_INGRESS] = (void *)&xdp_ingress,
	},
};

/*
 * What one step tells the next about the packet, per CPU (a tail call stays
 * on its CPU and nothing runs in between), so that the next need not look
 * the session table (or the rules) up again, nor read the clock:
 * xdp_ingress, that the packet has no session and which rule it matches
 * (HP_HANDOFF_NO_SESSION); xdp_new_session, the session it made
 * (HP_HANDOFF_MADE). Each step checks the tuple and clears the state;
 * without a hand-off it looks up as usual. A stale "no session" is safe:
 * the inserts are BPF_NOEXIST (nat.h).
 */
enum hp_handoff_state {
	HP_HANDOFF_NONE,
	HP_HANDOFF_NO_SESSION,
	HP_HANDOFF_MADE,
};

struct hp_xdp_handoff {
	struct hp_session_key key;
	struct hp_forward rule; /* HP_HANDOFF_NO_SESSION: the rule it matches */
	struct hp_tuple xlat;	/* HP_HANDOFF_MADE */
	__u16 rule_id;		/* HP_HANDOFF_MADE */
	__u8 state;		/* enum hp_handoff_state */
	__u64 now;		/* the clock as xdp_ingress read it */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hp_xdp_handoff);
} hp_xdp_handoff SEC(".maps");

static __always_inline struct hp_xdp_handoff *hp_handoff_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&hp_xdp_handoff, &zero);
}

/* The hand-off for @pkt in @state, taken (cleared); NULL if none. */
static __always_inline struct hp_xdp_handoff *hp_handoff_take(const struct hp_packet *pkt, __u8 state)
{
	struct hp_xdp_handoff *h = hp_handoff_get();

	if (!h || h->state != state)
		return NULL;
	h->state = HP_HANDOFF_NONE;
	if (h->key.proto != pkt->key.proto || !hp_tuple_eq(&h->key.tuple, &pkt->key.tuple))
		return NULL;
	return h;
}

SEC("xdp")
int xdp_ingress(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	const struct hp_forward *rule = NULL;
	struct hp_xdp_handoff *h;
	const struct hp_config *cfg;
	struct hp_packet pkt = {};
	__u64 now;
	int ret;

	ret = hp_parse(data, data_end, &pkt, true);
	hp_event_packet(&pkt.key, hp_xdp_ifindex(ctx));
	if (ret >= 0)
		return hp_xdp_verdict(ret);
	cfg = hp_config_get();
	if (!cfg)
		return hp_xdp_verdict(HP_PASS_NO_MATCH);

	now = hp_now();
	switch (ret) {
	case HP_PKT_FRAG:
		return hp_walk_frag(ctx, cfg, &pkt, now);
	case HP_PKT_ICMP_ERR:
		return hp_walk_icmp_error(ctx, cfg, &pkt, now);
	default:
		ret = hp_walk_l4(ctx, cfg, &pkt, now, &rule);
		if (ret != HP_NEW_SESSION && ret != HP_REPLACE_SESSION)
			return ret;
		h = hp_handoff_get();
		if (h) {
			h->key = pkt.key;
			h->now = now;
			h->state = HP_HANDOFF_NONE;
			if (ret == HP_NEW_SESSION && rule) {
				h->rule = *rule;
				h->state = HP_HANDOFF_NO_SESSION;
			}
		}
		bpf_tail_call(ctx, &hp_xdp_steps, HP_STEP_NEW_SESSION);
		/* Only without the program (never once loaded): as if no rule matched. */
		return hp_xdp_verdict(HP_PASS_NO_MATCH);
	}
}

/*
 * Parse again in a later step (nothing but the frame passes between tail
 * calls): HP_PKT_L4 with @pkt, as xdp_ingress found it, and the config.
 */
static __always_inline int hp_step_parse(struct xdp_md *ctx, struct hp_packet *pkt, const struct hp_config **cfg)
{
	int ret = hp_parse((void *)(long)ctx->data, (void *)(long)ctx->data_end, pkt, true);

	hp_event_packet(&pkt->key, hp_xdp_ifindex(ctx));
	*cfg = hp_config_get();
	if (ret != HP_PKT_L4 || !*cfg) /* (not reached: xdp_ingress parsed it so) */
		return ret >= 0 ? ret : HP_PASS_MALFORMED;
	return HP_PKT_L4;
}

/*
 * A TCP/UDP packet without a live session that matches a rule (or had a
 * session): make its session, and hand the packet with it on to
 * xdp_session_made.
 */
SEC("xdp")
int xdp_new_session(struct xdp_md *ctx)
{
	struct hp_xdp_handoff *h;
	const struct hp_config *cfg;
	struct hp_packet pkt = {};
	struct hp_session made;
	__u64 now;
	int ret;

	ret = hp_step_parse(ctx, &pkt, &cfg);
	if (ret != HP_PKT_L4)
		return hp_xdp_verdict(ret);
	h = hp_handoff_take(&pkt, HP_HANDOFF_NO_SESSION);
	now = h ? h->now : hp_now();
	ret = hp_session_open(ctx, cfg, &pkt, h ? &h->rule : NULL, now, &made);
	if (ret != HP_CONTINUE)
		return hp_walk_l4_untouched(&pkt, ret);
	h = hp_handoff_get();
	if (h) {
		h->key = pkt.key;
		h->xlat = made.xlat;
		h->rule_id = made.rule_id;
		h->now = now;
		h->state = HP_HANDOFF_MADE;
	}
	bpf_tail_call(ctx, &hp_xdp_steps, HP_STEP_SESSION_MADE);
	return hp_xdp_verdict(HP_PASS_NO_MATCH); /* (as in xdp_ingress) */
}

/* The packet whose session xdp_new_session just made: on its way. */
SEC("xdp")
int xdp_session_made(struct xdp_md *ctx)
{
	struct hp_xdp_handoff *h;
	const struct hp_config *cfg;
	struct hp_packet pkt = {};
	struct hp_tuple xlat;
	int ret;

	ret = hp_step_parse(ctx, &pkt, &cfg);
	if (ret != HP_PKT_L4)
		return hp_xdp_verdict(ret);
	h = hp_handoff_take(&pkt, HP_HANDOFF_MADE);
	if (!h) {
		/* (not reached) xdp_ingress finds the session in the table */
		bpf_tail_call(ctx, &hp_xdp_steps, HP_STEP_INGRESS);
		return hp_xdp_verdict(HP_PASS_NO_MATCH);
	}
	/* a new session already stands in this packet's state: nothing to track */
	xlat = h->xlat;
	return hp_walk_l4_send(ctx, cfg, &pkt, &xlat, h->rule_id, h->now);
}

/*
 * What TC egress finishes, by packet kind. Returns the translation to apply
 * in place, or false for a packet that is not ours. TCP/UDP go through the
 * checksum helpers instead (their checksum may be partial).
 */
static __always_inline bool hp_tc_plan(struct hp_packet *pkt, enum hp_pkt_kind kind,
				       const struct hp_config *cfg, __u64 now, struct hp_tuple *to)
{
	struct hp_session_key k;
	struct hp_session *e, *h;

	if (kind == HP_PKT_FRAG)
		return hp_frag_lookup(pkt, HP_FRAG_EGRESS, now, to) == HP_CONTINUE;

	/* An ICMP error XDP passed with its outer source still to rewrite... */
	hp_icmp_egress_key(&k, pkt->ip->saddr, pkt->ip->daddr, &pkt->key.tuple);
	e = bpf_map_lookup_elem(&hp_egress, &k);
	if (e) {
		pkt->icmp.to = pkt->key.tuple;
		to->saddr = e->xlat.saddr;
		to->daddr = pkt->ip->daddr;
		return true;
	}
	/*
	 * ...or one the router sends about a packet it was forwarding. An error
	 * XDP already translated (its outer source stays) finds its session
	 * too, and would be translated to what it already is: not ours.
	 */
	h = hp_icmp_session_local(pkt, &k);
	if (!h || hp_session_dead(cfg, &k, h, now))
		return false;
	/* (the router's own errors go to the quoted source: counted tc_pass) */
	if (!hp_icmp_outer_ok(pkt))
		return false;
	hp_icmp_plan(pkt, &k, h, to);
	return to->saddr != pkt->ip->saddr || to->daddr != pkt->ip->daddr ||
	       !hp_tuple_eq(&pkt->icmp.to, &pkt->key.tuple);
}

SEC("tc")
int tc_egress(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct hp_l4_csum cs = { .kind = HP_CSUM_NONE };
	const struct hp_config *cfg;
	struct hp_packet pkt = {};
	struct hp_session *e;
	struct hp_tuple to;
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
	hp_event_packet(&pkt.key, skb->ifindex);
	cfg = hp_config_get();
	if (ret >= 0 || !cfg)
		goto pass;

	if (ret == HP_PKT_L4) {
		e = bpf_map_lookup_elem(&hp_egress, &pkt.key);
		if (!e)
			goto pass;
		to = e->xlat;
	} else if (!hp_tc_plan(&pkt, ret, cfg, hp_now(), &to)) {
		goto pass;
	}
	/* Translated here, so checked here too (see validate.h). */
	if (!hp_ip_csum_ok(pkt.ip, data_end)) {
		hp_count(HP_TC_DROP_IP_BAD_CSUM);
		return TC_ACT_SHOT;
	}
	if (ret == HP_PKT_L4) {
		/*
		 * A first fragment: of a datagram XDP saw whole and the stack
		 * fragmented for a smaller MTU. Its later fragments follow.
		 */
		if (pkt.first_frag)
			hp_frag_remember(&pkt, &to, HP_FRAG_EGRESS, hp_now());
		if (hp_tc_rewrite(skb, &pkt, &to)) {
			hp_count(HP_TC_DROP_REWRITE);
			return TC_ACT_SHOT;
		}
	} else {
		hp_rewrite_inplace(&pkt, ret, &to, HP_REWRITE_ALL, &cs);
	}
	hp_count(HP_TC_TRANSLATED);
	return TC_ACT_OK;
pass:
	hp_count(HP_TC_PASS);
	return TC_ACT_OK;
}

/* Run by the loader after each load: starts the sweeper (lib/gc.h). */
SEC("syscall")
int gc_start(void *ctx)
{
	return hp_gc_start();
}

char LICENSE[] SEC("license") = "GPL";
