// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * monitor: the datapath's live events, like `conntrack -E`: sessions made,
 * changing TCP state and removed, and dropped packets with their reason,
 * read from the hp_events ring buffer (struct hp_event in abi.h). The
 * datapath writes them only while hp_monitor's lease is fresh: this command
 * renews it every HP_MONITOR_REFRESH_MS and ends it on exit. What the
 * datapath could not send (ring full, drop events over the rate cap) is
 * counted in hp_stats and summed up at exit. One monitor at a time: two
 * would share one ring, each getting part of the events.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <net/if.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "hairpin/counters.h"
#include "cli.h"
#include "cmd.h"
#include "events.h"
#include "json.h"
#include "log.h"
#include "parse.h"
#include "pins.h"

struct monitor_opts {
	__u32 drop_rate;
	__u32 count; /* 0: until a signal */
};

static const char *const reason_names[HP_COUNTER_MAX] = {
#define REASON(e, name, desc) [HP_##e] = name,
	HP_COUNTERS(REASON)
#undef REASON
};

static const char *const type_names[] = {
	[HP_EV_NEW] = "NEW", [HP_EV_UPDATE] = "UPDATE",
	[HP_EV_DESTROY] = "DESTROY", [HP_EV_DROP] = "DROP",
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static int set_drop_rate(void *o, const char *arg)
{
	return parse_u32(arg, "--drop-rate", 0, 1000000, &((struct monitor_opts *)o)->drop_rate);
}

static int set_count(void *o, const char *arg)
{
	return parse_u32(arg, "--count", 1, 1000000000, &((struct monitor_opts *)o)->count);
}

static const struct cli_opt monitor_options[] = {
	CLI_OPT("drop-rate", "N", "drop events a second per CPU (default 1000;\n"
	  "0: none); the others are only counted", set_drop_rate),
	CLI_OPT("count", "N", "exit after N events", set_count),
	{ NULL },
};

static void monitor_init(void *o)
{
	((struct monitor_opts *)o)->drop_rate = HP_MONITOR_DROP_RATE;
}

struct monitor {
	const struct monitor_opts *opts;
	struct event_maps maps;
	__u64 seen;
	__u64 lost0, capped0; /* the counters when it started */
};

static __u64 clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
}

/* Renew the lease (or end it: @on false). */
static int lease(const struct monitor *mon, __u64 since, bool on)
{
	struct hp_monitor v = { 0 };
	__u32 zero = 0;

	if (on) {
		v.listen_until_ns = clock_ns(CLOCK_MONOTONIC) + HP_MONITOR_LEASE_SEC * 1000000000ULL;
		v.since_ns = since;
		v.drop_rate = mon->opts->drop_rate;
	}
	if (bpf_map_update_elem(mon->maps.monitor, &zero, &v, 0))
		return errorf("cannot write hp_monitor: %s", strerror(errno));
	return 0;
}

static void tuple_json(const char *key, const struct hp_tuple *t)
{
	char src[ADDR_PORT_STRLEN], dst[ADDR_PORT_STRLEN];

	format_addr_port(src, sizeof(src), t->saddr, t->sport);
	format_addr_port(dst, sizeof(dst), t->daddr, t->dport);
	json_key(key);
	json_begin_object();
	json_kv_str("src", src);
	json_kv_str("dst", dst);
	json_end_object();
}

static void print_json(const struct hp_event *e, const char *ifname)
{
	struct hp_tuple reply;

	json_begin_object();
	json_kv_str("type", type_names[e->type]);
	json_kv_u64("ts_ns", e->ts_ns);
	json_kv_u64("cpu", e->cpu);
	json_kv_str("proto", proto_name(e->proto));
	if (e->type == HP_EV_DROP) {
		json_kv_str("reason", e->reason < HP_COUNTER_MAX ? reason_names[e->reason] : "?");
		if (!(e->flags & HP_EVF_NO_TUPLE))
			tuple_json("tuple", &e->orig);
		if (ifname)
			json_kv_str("dev", ifname);
	} else {
		tuple_json("orig", &e->orig);
		reply = (struct hp_tuple){ .saddr = e->xlat.daddr, .daddr = e->xlat.saddr,
					   .sport = e->xlat.dport, .dport = e->xlat.sport };
		tuple_json("reply", &reply);
		json_kv_str("state", state_name(e->state));
		json_kv_u64("rule", e->rule_id);
		json_kv_bool("hairpin", e->flags & HP_SF_HAIRPIN);
		if (e->type == HP_EV_DESTROY)
			json_kv_str("reason", e->reason == HP_EVR_EVICTED ? "evicted" : "expired");
	}
	json_end_object();
}

/* "[NEW] tcp 192.168.0.3:40000 -> 203.0.113.4:80 => 192.168.0.1:61000 -> 192.168.0.2:80 ..." */
static void print_text(const struct hp_event *e, const char *ifname)
{
	char a[ADDR_PORT_STRLEN], b[ADDR_PORT_STRLEN], c[ADDR_PORT_STRLEN], d[ADDR_PORT_STRLEN];

	format_addr_port(a, sizeof(a), e->orig.saddr, e->orig.sport);
	format_addr_port(b, sizeof(b), e->orig.daddr, e->orig.dport);
	if (e->type == HP_EV_DROP) {
		printf("[DROP] %s ", proto_name(e->proto));
		if (e->flags & HP_EVF_NO_TUPLE)
			printf("?");
		else
			printf("%s -> %s", a, b);
		printf(" %s%s%s\n", e->reason < HP_COUNTER_MAX ? reason_names[e->reason] : "?",
		       ifname ? " dev " : "", ifname ? ifname : "");
		return;
	}
	format_addr_port(c, sizeof(c), e->xlat.saddr, e->xlat.sport);
	format_addr_port(d, sizeof(d), e->xlat.daddr, e->xlat.dport);
	printf("[%s] %s %s %s -> %s => %s -> %s rule %u%s", type_names[e->type], proto_name(e->proto),
	       state_name(e->state), a, b, c, d, e->rule_id, e->flags & HP_SF_HAIRPIN ? " hairpin" : "");
	if (e->type == HP_EV_DESTROY)
		printf(" %s", e->reason == HP_EVR_EVICTED ? "evicted" : "expired");
	printf("\n");
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct monitor *mon = ctx;
	const struct hp_event *e = data;
	char ifbuf[IF_NAMESIZE];
	const char *ifname = NULL;

	if (size < sizeof(*e) || !e->type || e->type > HP_EV_DROP)
		return 0;
	if (e->ifindex)
		ifname = if_indextoname(e->ifindex, ifbuf);
	if (g_opts.json)
		print_json(e, ifname);
	else
		print_text(e, ifname);
	mon->seen++;
	if (mon->opts->count && mon->seen >= mon->opts->count)
		stop = 1;
	return 0;
}

/* The summary, on stderr: stdout is the events. */
static void summary(const struct monitor *mon)
{
	__u64 lost = 0, capped = 0;

	if (event_losses(&mon->maps, &lost, &capped))
		return;
	fprintf(stderr, "hairpin-xdp monitor: %llu events, %llu lost (ring buffer full), "
		"%llu drop events over the rate cap\n", (unsigned long long)mon->seen,
		(unsigned long long)(lost - mon->lost0), (unsigned long long)(capped - mon->capped0));
}

static int listen_loop(struct monitor *mon, struct ring_buffer *rb)
{
	__u64 since = clock_ns(CLOCK_MONOTONIC_COARSE), renewed = 0;
	int n;

	while (!stop) {
		__u64 now = clock_ns(CLOCK_MONOTONIC);

		if (now - renewed >= HP_MONITOR_REFRESH_MS * 1000000ULL) {
			if (lease(mon, since, true))
				return -1;
			renewed = now;
		}
		n = ring_buffer__poll(rb, 100);
		fflush(stdout);
		if (n < 0 && n != -EINTR)
			return errorf("cannot read the event ring: %s", strerror(-n));
	}
	return 0;
}

static int monitor_run(void *opts, int argc, char **argv)
{
	struct monitor mon = { .opts = opts, .maps = EVENT_MAPS_INIT };
	struct sigaction sa = { .sa_handler = on_signal };
	struct ring_buffer *rb = NULL;
	int err = -1;

	if (pins_require_loaded() || event_maps_open(&mon.maps, NULL) ||
	    event_losses(&mon.maps, &mon.lost0, &mon.capped0))
		goto out;
	rb = ring_buffer__new(mon.maps.events, on_event, &mon, NULL);
	if (!rb) {
		errorf("cannot open the event ring hp_events: %s", strerror(errno));
		goto out;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	err = listen_loop(&mon, rb);
	/* drain what came before the lease ended */
	if (lease(&mon, 0, false))
		err = -1;
	ring_buffer__consume(rb);
	fflush(stdout);
	summary(&mon);
out:
	ring_buffer__free(rb);
	event_maps_close(&mon.maps);
	return err;
}

const struct command cmd_monitor = {
	.name = "monitor",
	.summary = "live events: sessions made, changed, removed; drops (like conntrack -E)",
	.help = "Prints an event per line as the datapath sees it: [NEW] a session (its\n"
		"original tuple => the tuple it is rewritten to, rule, hairpin), [UPDATE]\n"
		"its TCP state changed, [DESTROY] removed (expired or evicted), [DROP] a\n"
		"dropped packet with its reason. With --json, one object per line. Runs\n"
		"until SIGINT or SIGTERM (or --count events), then prints on stderr how many\n"
		"events came and how many were lost: ring buffer full, or drop events over\n"
		"--drop-rate; `stats` shows both counts (events: lost, capped).\n"
		"Costs the datapath nothing while no monitor runs; one monitor at a time.\n",
	.opts = monitor_options,
	.opts_size = sizeof(struct monitor_opts),
	.init = monitor_init,
	.run = monitor_run,
};
