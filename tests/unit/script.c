// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The golden-fixture engine: runs a struct script's packets and checks every
 * output byte, verdict, counter and map entry it names.
 */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>

#include "harness.h"
#include "script.h"

static const char *const counter_names[] = {
#define HP_COUNTER_NAME(e, name, desc) name,
	HP_COUNTERS(HP_COUNTER_NAME)
#undef HP_COUNTER_NAME
};

static bool needs_snat(const struct step *st)
{
	const struct pkt_edit *e = &st->out;

	return pkt_has_snat(&st->in) ||
	       (!st->untouched &&
		(e->sport == PORT_SNAT || e->dport == PORT_SNAT ||
		 e->q.sport == PORT_SNAT || e->q.dport == PORT_SNAT));
}

/* What hp_rule_stats counts: TCP/UDP with its header (not a later fragment). */
static bool counted_per_rule(const struct pkt_spec *s)
{
	__u8 proto = s->proto ? s->proto : IPPROTO_TCP;

	return (proto == IPPROTO_TCP || proto == IPPROTO_UDP) &&
	       (s->frag_off == FRAG_NONE || !(s->frag_off & 0x1fff));
}

/* The hairpin SNAT port, once some step has created the session. */
static bool snat_port(struct fx *fx, __u16 *port, const char *what)
{
	if (*port)
		return true;
	*port = fx_snat_port(fx);
	if (!ASSERT_TRUE(*port, "no single hairpin reply entry to read the "
				"SNAT port from"))
		return false;
	return ASSERT_RANGE(*port, fx->cfg.snat_port_lo, fx->cfg.snat_port_hi,
			    what);
}

static bool check_l4(const __u8 *f, size_t len, const struct pkt_spec *want,
		     const char *label)
{
	__u8 proto = want->proto ? want->proto : IPPROTO_TCP;

	if (proto == IPPROTO_ICMP && want->icmp_type && !want->icmp_bad_csum)
		return ASSERT_NULL_MSG(verify_icmp_error(f, len), label);
	if (want->ethertype || want->truncate ||
	    (proto != IPPROTO_TCP && proto != IPPROTO_UDP))
		return true; /* nothing checksummable was translated */
	if (!ASSERT_NULL_MSG(verify_ip_csum(f, len), label))
		return false;
	if (want->csum == CSUM_PARTIAL)
		return ASSERT_NULL_MSG(verify_l4_partial(f, len), label);
	return ASSERT_NULL_MSG(verify_l4_csum(f, len), label);
}

static bool run_step(struct fx *fx, const struct step *st, int idx,
		     __u16 *snat, __u64 *bytes)
{
	__u8 in[PKT_MAX], out[PKT_MAX], want[PKT_MAX];
	struct pkt_spec spec = st->in, want_spec;
	size_t in_len, out_len = 0, want_len;
	char label[64], why[160];
	__u32 retval = ~0u;
	int err;

	snprintf(label, sizeof(label), "step %d", idx);
	if (st->neigh_del && !fx_neigh_del(fx, IF_LAN, st->neigh_del))
		return false;
	if (st->nh_bump && !fx_nh_bump_at(fx, now_ns()))
		return false;
	if (pkt_has_snat(&st->in)) {
		if (!snat_port(fx, snat, label))
			return false;
		pkt_resolve(&spec, *snat);
	}
	if (st->zero_csum) {
		/* the payload is not translated: choose it on the output */
		want_spec = pkt_apply(&spec, &st->out, *snat);
		want_spec.csum = CSUM_FULL;
		want_len = pkt_build(&want_spec, want);
		spec.word0 = pkt_zero_sum_word(want, want_len);
		if (!ASSERT_TRUE(spec.word0, "zero_csum needs a payload"))
			return false;
	}
	in_len = pkt_build(&spec, in);
	err = fx_run(fx, st->hook, st->iface, in, in_len, out, &out_len,
		     &retval);
	if (!ASSERT_OK(err, label))
		return false;
	snprintf(label, sizeof(label), "step %d verdict", idx);
	if (!ASSERT_EQ(retval, st->verdict, label))
		return false;

	if (st->untouched) {
		want_spec = spec;
	} else {
		if (needs_snat(st) && !snat_port(fx, snat, label))
			return false;
		want_spec = pkt_apply(&spec, &st->out, *snat);
		if (st->hook == HOOK_XDP && counted_per_rule(&spec))
			*bytes += in_len;
	}
	want_len = pkt_build(&want_spec, want);
	if (!pkt_equal(out, out_len, want, want_len, why, sizeof(why))) {
		pkt_dump("in", in, in_len);
		pkt_dump("got", out, out_len);
		pkt_dump("want", want, want_len);
		return test_fail(__FILE__, __LINE__, "step %d output: %s", idx,
				 why);
	}
	if (st->untouched)
		return true;
	snprintf(label, sizeof(label), "step %d output", idx);
	return check_l4(out, out_len, &want_spec, label);
}

static bool check_counters(struct fx *fx, const struct cnt_expect *ce)
{
	for (int c = 0; c < HP_COUNTER_MAX; c++) {
		__u64 want = 0;

		for (int i = 0; i < MAX_CNT; i++)
			if (ce[i].val && ce[i].id == (enum hp_counter)c)
				want = ce[i].val;
		if (fx_counter(fx, c) != want)
			return test_fail(__FILE__, __LINE__,
					 "counter %s: got %lld, want %lld",
					 counter_names[c],
					 (long long)fx_counter(fx, c),
					 (long long)want);
	}
	return true;
}

bool expect_entry(int map_fd, const char *map_name,
		  const struct sess_expect *e, __u16 snat, __u64 t0, bool loose)
{
	struct hp_session v;
	struct hp_tuple want = mk_tuple(e->xlat, snat);
	char what[96];

	snprintf(what, sizeof(what), "%s entry %08x:%u -> %08x:%u", map_name,
		 e->key.saddr,
		 e->key.sport == PORT_SNAT ? snat : (unsigned)e->key.sport,
		 e->key.daddr,
		 e->key.dport == PORT_SNAT ? snat : (unsigned)e->key.dport);
	if (!fx_lookup(map_fd, e->proto, e->key, snat, &v))
		return test_fail(__FILE__, __LINE__, "%s: missing", what);
	if (memcmp(&v.xlat, &want, sizeof(want)))
		return test_fail(__FILE__, __LINE__,
				 "%s: xlat %08x:%u -> %08x:%u, want %08x:%u -> "
				 "%08x:%u",
				 what, ntohl(v.xlat.saddr), ntohs(v.xlat.sport),
				 ntohl(v.xlat.daddr), ntohs(v.xlat.dport),
				 ntohl(want.saddr), ntohs(want.sport),
				 ntohl(want.daddr), ntohs(want.dport));
	/* an hp_egress entry carries only the rewrite for TC */
	if (loose)
		return true;
	if (!ASSERT_EQ(v.state, e->state, what) ||
	    !ASSERT_EQ(v.flags, e->flags, what) ||
	    !ASSERT_EQ(v.rule_id, e->rule_id, what))
		return false;
	if (e->age)
		return ASSERT_RANGE(v.last_seen_ns, 0, t0 - 1, what);
	return ASSERT_RANGE(v.last_seen_ns, t0, now_ns(), what);
}

bool put_entry(int map_fd, const struct sess_expect *e, __u64 now)
{
	struct hp_session_key k = mk_key(e->proto, e->key, 0);
	struct hp_session v = {
		.xlat = mk_tuple(e->xlat, 0),
		.state = e->state,
		.flags = e->flags,
		.rule_id = e->rule_id,
		.last_seen_ns = now - (__u64)e->age * 1000000000ull,
	};
	return ASSERT_OK(bpf_map_update_elem(map_fd, &k, &v, BPF_NOEXIST),
			 "pre-populate hp_sessions");
}

static bool check_table(int map_fd, const char *name, int n,
			const struct sess_expect *es, __u16 snat, __u64 t0,
			bool loose)
{
	char what[64];

	snprintf(what, sizeof(what), "%s entries", name);
	if (n != ANY_COUNT && !ASSERT_EQ(fx_count(map_fd), n, what))
		return false;
	for (int i = 0; i < MAX_SESS && es[i].proto; i++)
		if (!expect_entry(map_fd, name, &es[i], snat, t0, loose))
			return false;
	return true;
}

static struct hp_nexthop nh_value(const struct nh_slot *n, __u64 now)
{
	struct hp_nexthop v = {
		.saddr = htonl(n->saddr),
		.daddr = htonl(n->daddr),
		.in_ifindex = (__u32)env_ifindex(n->in),
		.out_ifindex = (__u32)env_ifindex(n->out),
		.mtu = n->mtu,
		.attached = n->attached,
		.expires_ns = now + (__s64)n->expires_ms * 1000000,
	};

	if (n->dmac)
		memcpy(v.dmac, n->dmac, 6);
	if (n->smac)
		memcpy(v.smac, n->smac, 6);
	return v;
}

/* The slots in use on this CPU, and the one holding @want's tags. */
static bool check_nexthops(struct fx *fx, const struct script *s, __u64 t0)
{
	const __u64 ttl = HP_NEXTHOP_TTL_MS * 1000000ull;
	struct hp_nexthop v, want = nh_value(&s->nh_want, 0), found = {};
	int used = 0, tagged = 0;

	for (__u32 k = 0; k < HP_NEXTHOP_SLOTS; k++) {
		if (!ASSERT_TRUE(fx_nh_read(fx, k, &v), "hp_nexthops lookup"))
			return false;
		used += v.expires_ns != 0;
		if (v.saddr == want.saddr && v.daddr == want.daddr &&
		    v.in_ifindex == want.in_ifindex) {
			tagged++;
			found = v;
		}
	}
	if (s->nh_used != ANY_COUNT &&
	    !ASSERT_EQ(used, s->nh_used, "hp_nexthops slots in use"))
		return false;
	if (!s->nh_want.saddr)
		return true;
	if (!ASSERT_EQ(tagged, 1, "hp_nexthops slots with the tags") ||
	    !ASSERT_EQ(found.out_ifindex, want.out_ifindex, "nexthop out_ifindex") ||
	    !ASSERT_TRUE(!memcmp(found.dmac, want.dmac, 6), "nexthop dmac") ||
	    !ASSERT_TRUE(!memcmp(found.smac, want.smac, 6), "nexthop smac") ||
	    !ASSERT_EQ(found.mtu, want.mtu, "nexthop mtu") ||
	    !ASSERT_EQ(found.attached, want.attached, "nexthop attached") ||
	    !ASSERT_EQ(found.pad, 0, "nexthop pad"))
		return false;
	return ASSERT_RANGE(found.expires_ns, t0 + ttl, now_coarse_ns() + ttl,
			    "nexthop expires_ns");
}

/* Rules, allow prefixes, sessions and next hops the case starts with. */
static bool prepare(struct fx *fx, const struct script *s, __u64 t0)
{
	for (int i = 0; i < MAX_RULES && s->rules[i].id; i++)
		if (!fx_add_rule(fx, s->rules[i].id, &s->rules[i].def))
			return false;
	for (int i = 0; i < MAX_ALLOW && s->allow[i].rule; i++)
		if (!fx_allow(fx, s->allow[i].rule, s->allow[i].addr,
			      s->allow[i].plen))
			return false;
	if (s->nh_pre.saddr) {
		struct hp_nexthop v = nh_value(&s->nh_pre, t0);

		if (!fx_nh_fill(fx, &v))
			return false;
	}
	if (s->nh_bumped_ms_ago &&
	    !fx_nh_bump_at(fx, t0 - (__u64)s->nh_bumped_ms_ago * 1000000))
		return false;
	for (int i = 0; i < MAX_ROUTES && s->routes[i].plen; i++)
		if (!fx_route_mtu(fx, s->routes[i].addr, s->routes[i].plen,
				  s->routes[i].mtu))
			return false;
	for (int i = 0; i < MAX_SESS && s->pre[i].proto; i++) {
		/* an entry "age seconds ago" needs a clock older than that */
		if ((__u64)s->pre[i].age * 1000000000ull >= t0) {
			test_skip("uptime below %u s", s->pre[i].age);
			return false;
		}
		if (!put_entry(fx->sessions, &s->pre[i], t0))
			return false;
	}
	return true;
}

void run_script(struct fx *fx, const void *arg)
{
	const struct script *s = arg;
	__u64 t0 = now_coarse_ns(), bytes = 0;
	struct hp_rule_stats rs;
	__u16 snat = 0;

	if (!prepare(fx, s, t0))
		return;
	for (int i = 0; i < MAX_STEPS && s->steps[i].in.dmac; i++)
		if (!run_step(fx, &s->steps[i], i, &snat, &bytes))
			return;
	if (!check_counters(fx, s->counters) ||
	    !check_table(fx->sessions, "hp_sessions", s->n_sessions,
			 s->sessions, snat, t0, false) ||
	    !check_table(fx->egress, "hp_egress", s->n_egress, s->egress,
			 snat, t0, true))
		return;
	if (s->rule) {
		if (!ASSERT_TRUE(fx_rule_stats(fx, s->rule, &rs), "rule stats") ||
		    !ASSERT_EQ(rs.packets, s->rule_packets, "rule packets") ||
		    !ASSERT_EQ(rs.sessions, s->rule_sessions, "rule sessions") ||
		    !ASSERT_EQ(rs.bytes, bytes, "rule bytes"))
			return;
	}
	if (s->nh_check && !check_nexthops(fx, s, t0))
		return;
	if (s->check)
		s->check(fx, snat);
}

void register_scripts(const struct script *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		test_add(s[i].name, run_script, &s[i], &s[i].opts);
}
