// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The event stream (bpf/lib/events.h): with a monitor's lease fresh in
 * hp_monitor, a new session, a TCP state change and a drop put exactly the
 * expected struct hp_event into hp_events; with the lease stale or absent
 * nothing is written (and a stale lease is ended); drop events stop at the
 * rate cap and the rest are counted in event_drop_capped.
 */
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cases.h"
#include "hairpin.skel.h"

#define MAX_EVENTS 16

struct got {
	struct hp_event ev[MAX_EVENTS];
	int n;
};

static int on_event(void *ctx, void *data, size_t size)
{
	struct got *g = ctx;

	if (size == sizeof(struct hp_event) && g->n < MAX_EVENTS)
		memcpy(&g->ev[g->n], data, size);
	g->n++;
	return 0;
}

/* Everything in the ring now, into @g (emptied first). */
static bool drain(struct fx *fx, struct got *g)
{
	struct ring_buffer *rb = ring_buffer__new(bpf_map__fd(fx->skel->maps.hp_events),
						  on_event, g, NULL);
	int n;

	memset(g, 0, sizeof(*g));
	if (!ASSERT_TRUE(rb, "ring_buffer__new"))
		return false;
	n = ring_buffer__consume(rb);
	ring_buffer__free(rb);
	return ASSERT_OK(n, "ring_buffer__consume");
}

/* A monitor's lease: fresh for @ahead_ns from now (negative: stale), or none. */
static bool set_lease(struct fx *fx, long long ahead_ns, __u32 drop_rate)
{
	struct hp_monitor m = {
		.listen_until_ns = ahead_ns ? (__u64)((long long)now_ns() + ahead_ns) : 0,
		.since_ns = now_coarse_ns(),
		.drop_rate = drop_rate,
	};
	__u32 zero = 0;

	return ASSERT_OK(bpf_map_update_elem(bpf_map__fd(fx->skel->maps.hp_monitor), &zero, &m, 0),
			 "hp_monitor update");
}

static bool send_pkt(struct fx *fx, enum netif i, const struct pkt_spec *s, __u32 want)
{
	__u8 in[PKT_MAX], out[PKT_MAX];
	size_t len = pkt_build(s, in), out_len;
	__u32 ret;

	return ASSERT_OK(fx_run(fx, HOOK_XDP, i, in, len, out, &out_len, &ret), "test run") &&
	       ASSERT_EQ(ret, want, "verdict");
}

#define LEASE_NS 3000000000LL
#define SYN_FROM_CLIENT FROM_CLIENT()
#define SYN_FROM_DMZ                                                         \
	PKT(.dmac = mac_dmz, .smac = mac_dmzhost, .saddr = DMZ_HOST,        \
	    .daddr = PUBLIC, .sport = 40003, .dport = 443, .tcp_flags = TH_SYN)

/* The event fields the datapath fills, bytes compared whole. */
static bool event_is(const struct hp_event *got, const struct hp_event *want, __u64 t0)
{
	struct hp_event w = *want;

	if (!ASSERT_RANGE(got->ts_ns, t0, now_ns(), "ts_ns"))
		return false;
	w.ts_ns = got->ts_ns;
	w.cpu = (__u32)env_cpu();
	if (memcmp(got, &w, sizeof(w))) {
		pkt_dump("got", (const __u8 *)got, sizeof(*got));
		pkt_dump("want", (const __u8 *)&w, sizeof(w));
		return test_fail(__FILE__, __LINE__, "event bytes differ");
	}
	return true;
}

/* A hairpinned SYN: one NEW event with both tuples, its rule, hairpin. */
static void new_session(struct fx *fx, const void *arg)
{
	__u64 t0 = now_ns();
	struct got g;
	struct hp_event want = {
		.type = HP_EV_NEW, .proto = IPPROTO_TCP, .state = HP_STATE_TCP_SYN_SENT,
		.flags = HP_SF_HAIRPIN, .rule_id = RULE_WEB,
	};

	if (!drain(fx, &g) || !set_lease(fx, LEASE_NS, HP_MONITOR_DROP_RATE) ||
	    !send_pkt(fx, IF_LAN, &SYN_FROM_CLIENT, XDP_TX) || !drain(fx, &g) ||
	    !ASSERT_EQ(g.n, 1, "events"))
		return;
	want.orig = mk_tuple((struct tup){ LAN_CLIENT, PUBLIC, 40001, 80 }, 0);
	want.xlat = mk_tuple((struct tup){ LAN_ROUTER, SERVER, PORT_SNAT, 80 }, fx_snat_port(fx));
	event_is(&g.ev[0], &want, t0);
}

/* The handshake: NEW, then UPDATE to established (told by the original tuple). */
static void state_change(struct fx *fx, const void *arg)
{
	struct got g;

	if (!drain(fx, &g) || !set_lease(fx, LEASE_NS, HP_MONITOR_DROP_RATE) ||
	    !send_pkt(fx, IF_WAN, &FROM_INET(), XDP_REDIRECT) ||
	    !send_pkt(fx, IF_LAN, &FROM_SERVER(.daddr = INET_CLIENT, .dport = 40000), XDP_REDIRECT) ||
	    !send_pkt(fx, IF_WAN, &FROM_INET(.tcp_flags = TH_ACK), XDP_REDIRECT) || !drain(fx, &g) ||
	    !ASSERT_EQ(g.n, 2, "events") || !ASSERT_EQ(g.ev[0].type, HP_EV_NEW, "first") ||
	    !ASSERT_EQ(g.ev[1].type, HP_EV_UPDATE, "second") ||
	    !ASSERT_EQ(g.ev[1].state, HP_STATE_TCP_ESTABLISHED, "state"))
		return;
	ASSERT_TRUE(!memcmp(&g.ev[1].orig, &g.ev[0].orig, sizeof(g.ev[0].orig)) &&
		    !memcmp(&g.ev[1].xlat, &g.ev[0].xlat, sizeof(g.ev[0].xlat)),
		    "the update tells the session as NEW did");
}

/* A drop: its reason, the packet's tuple and the port it came in on. */
static void drop_event(struct fx *fx, const void *arg)
{
	__u64 t0 = now_ns();
	struct got g;
	struct hp_event want = {
		.type = HP_EV_DROP, .proto = IPPROTO_TCP, .reason = HP_DROP_NO_SNAT_ADDR,
		.ifindex = (__u32)env_ifindex(IF_DMZ),
	};

	if (!drain(fx, &g) || !set_lease(fx, LEASE_NS, HP_MONITOR_DROP_RATE) ||
	    !send_pkt(fx, IF_DMZ, &SYN_FROM_DMZ, XDP_DROP) || !drain(fx, &g) ||
	    !ASSERT_EQ(g.n, 1, "events"))
		return;
	want.orig = mk_tuple((struct tup){ DMZ_HOST, PUBLIC, 40003, 443 }, 0);
	event_is(&g.ev[0], &want, t0);
}

/* Nobody listening (no lease, or one past): nothing, and a past one ends. */
static void no_listener(struct fx *fx, const void *arg)
{
	long long ahead = *(const long long *)arg;
	struct hp_monitor m;
	struct got g;
	__u32 zero = 0;

	if (!drain(fx, &g) || !set_lease(fx, ahead, HP_MONITOR_DROP_RATE) ||
	    !send_pkt(fx, IF_LAN, &SYN_FROM_CLIENT, XDP_TX) || !send_pkt(fx, IF_DMZ, &SYN_FROM_DMZ, XDP_DROP) ||
	    !drain(fx, &g) || !ASSERT_EQ(g.n, 0, "events") ||
	    !ASSERT_EQ(fx_counter(fx, HP_SESSION_CREATED), 1, "the session was made all the same") ||
	    !ASSERT_OK(bpf_map_lookup_elem(bpf_map__fd(fx->skel->maps.hp_monitor), &zero, &m),
		       "hp_monitor lookup"))
		return;
	ASSERT_EQ(m.listen_until_ns, 0, "lease ended");
}

/* hp_event_cpu's counters on the one CPU the runs are on. */
static bool losses(struct fx *fx, __u64 *lost, __u64 *capped)
{
	int ncpu = libbpf_num_possible_cpus();
	struct hp_event_cpu v[ncpu > 0 ? ncpu : 1];
	__u32 zero = 0;

	if (bpf_map_lookup_elem(bpf_map__fd(fx->skel->maps.hp_event_cpu), &zero, v))
		return false;
	*lost = v[env_cpu()].lost;
	*capped = v[env_cpu()].capped;
	return true;
}

/* @rate drop events a second: of 5 drops, min(5, rate) sent, the rest counted. */
static void drop_cap(struct fx *fx, const void *arg)
{
	__u32 rate = *(const __u32 *)arg, sent = rate < 5 ? rate : 5;
	__u64 lost, capped;
	struct got g;

	if (!drain(fx, &g) || !set_lease(fx, LEASE_NS, rate))
		return;
	for (int i = 0; i < 5; i++)
		if (!send_pkt(fx, IF_DMZ, &SYN_FROM_DMZ, XDP_DROP))
			return;
	if (!drain(fx, &g) || !ASSERT_EQ(g.n, sent, "drop events"))
		return;
	if (!ASSERT_TRUE(losses(fx, &lost, &capped), "hp_event_cpu"))
		return;
	ASSERT_EQ(capped, 5 - sent, "capped");
	ASSERT_EQ(fx_counter(fx, HP_DROP_NO_SNAT_ADDR), 5, "every drop counted");
	ASSERT_EQ(lost, 0, "lost");
}

static const long long stale = -1000000000LL, none = 0;
static const __u32 rate3 = 3, rate1000 = 1000;

void register_event_tests(void)
{
	test_add("events_new_session", new_session, NULL, NULL);
	test_add("events_state_change", state_change, NULL, NULL);
	test_add("events_drop", drop_event, NULL, NULL);
	test_add("events_stale_lease_none", no_listener, &stale, NULL);
	test_add("events_no_lease_none", no_listener, &none, NULL);
	test_add("events_drop_rate_capped", drop_cap, &rate3, NULL);
	test_add("events_drop_rate_under_cap", drop_cap, &rate1000, NULL);
}
