// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * sessions [flush] [FILTERS]: the live NAT sessions, one line per flow like
 * `conntrack -L`, or removed. Each flow is two hp_sessions entries; the
 * original-direction one (no HP_SF_REPLY) holds the original tuple as key
 * and the translated one as xlat, and is the one listed. The table is read
 * whole with batch lookups, so every session is listed once even while the
 * datapath and the sweeper add and delete.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>

#include "cli.h"
#include "cmd.h"
#include "config.h"
#include "json.h"
#include "log.h"
#include "maps.h"
#include "parse.h"
#include "pins.h"
#include "sessions.h"

struct session_filter {
	__u8 proto;	    /* 0: any */
	bool rule_set;
	__u32 rule;
	bool src_set, dst_set;
	__be32 src, dst;    /* prefixes */
	__u8 src_len, dst_len;
	bool port_set;
	__u16 port;
	int state;	    /* -1: any */
	int hairpin;	    /* -1: any, 0 no, 1 yes */
	bool count;
};

static int set_proto(void *o, const char *arg)
{
	return parse_proto(arg, &((struct session_filter *)o)->proto);
}

static int set_rule(void *o, const char *arg)
{
	struct session_filter *f = o;

	f->rule_set = true;
	return parse_u32(arg, "--rule", 0, HP_MAX_RULES - 1, &f->rule);
}

static int set_src(void *o, const char *arg)
{
	struct session_filter *f = o;

	f->src_set = true;
	return parse_prefix(arg, &f->src, &f->src_len);
}

static int set_dst(void *o, const char *arg)
{
	struct session_filter *f = o;

	f->dst_set = true;
	return parse_prefix(arg, &f->dst, &f->dst_len);
}

static int set_port(void *o, const char *arg)
{
	struct session_filter *f = o;
	__u32 port;

	f->port_set = true;
	if (parse_u32(arg, "--port", 1, 65535, &port))
		return -1;
	f->port = port;
	return 0;
}

static int set_state(void *o, const char *arg)
{
	struct session_filter *f = o;

	for (int s = 0; s < HP_STATE_MAX; s++) {
		if (!strcmp(arg, state_name(s))) {
			f->state = s;
			return 0;
		}
	}
	return errorf("bad --state '%s': expected syn_sent, established, closing or udp", arg);
}

static int set_hairpin(void *o, const char *arg)
{
	struct session_filter *f = o;

	if (!strcmp(arg, "yes"))
		f->hairpin = 1;
	else if (!strcmp(arg, "no"))
		f->hairpin = 0;
	else
		return errorf("bad --hairpin '%s': expected yes or no", arg);
	return 0;
}

static int set_count(void *o, const char *arg)
{
	((struct session_filter *)o)->count = true;
	return 0;
}

static const struct cli_opt sessions_options[] = {
	CLI_OPT("proto", "tcp|udp", "only this protocol", set_proto),
	CLI_OPT("rule", "ID", "only sessions of this forward (its rule id)", set_rule),
	CLI_OPT("src", "PREFIX", "a source in PREFIX, as sent or as translated", set_src),
	CLI_OPT("dst", "PREFIX", "a destination in PREFIX, as sent or as translated", set_dst),
	CLI_OPT("port", "PORT", "PORT anywhere in the tuple, as sent or translated", set_port),
	CLI_OPT("state", "STATE", "syn_sent, established, closing or udp", set_state),
	CLI_OPT("hairpin", "yes|no", "only hairpinned sessions (source NAT), or none", set_hairpin),
	CLI_OPT("count", NULL, "print only how many match", set_count),
	{ NULL },
};

static void sessions_init(void *o)
{
	struct session_filter *f = o;

	f->state = -1;
	f->hairpin = -1;
}

static bool in_prefix(__be32 addr, __be32 net, __u8 len)
{
	__be32 mask = len ? htonl(~0u << (32 - len)) : 0;

	return (addr & mask) == net;
}

/* Does the flow of original half @k/@s pass every filter given? */
static bool matches(const struct session_filter *f, const struct hp_session_key *k,
		    const struct hp_session *s)
{
	const struct hp_tuple *o = &k->tuple, *x = &s->xlat;
	__be16 p = htons(f->port);

	if (f->proto && k->proto != f->proto)
		return false;
	if (f->rule_set && s->rule_id != f->rule)
		return false;
	if (f->state >= 0 && s->state != f->state)
		return false;
	if (f->hairpin >= 0 && !!(s->flags & HP_SF_HAIRPIN) != f->hairpin)
		return false;
	if (f->src_set && !in_prefix(o->saddr, f->src, f->src_len) &&
	    !in_prefix(x->saddr, f->src, f->src_len))
		return false;
	if (f->dst_set && !in_prefix(o->daddr, f->dst, f->dst_len) &&
	    !in_prefix(x->daddr, f->dst, f->dst_len))
		return false;
	if (f->port_set && o->sport != p && o->dport != p && x->sport != p && x->dport != p)
		return false;
	return true;
}

/* The datapath stamps sessions with bpf_ktime_get_coarse_ns(): CLOCK_MONOTONIC. */
static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void print_session(const struct hp_session_key *k, const struct hp_session *s,
			  const struct hp_config *cfg, __u64 now)
{
	char osrc[ADDR_PORT_STRLEN], odst[ADDR_PORT_STRLEN];
	char tsrc[ADDR_PORT_STRLEN], tdst[ADDR_PORT_STRLEN];
	__u64 idle = now > s->last_seen_ns ? (now - s->last_seen_ns) / 1000000000ULL : 0;
	__u32 timeout = hp_session_timeout_sec(cfg, s->state, s->flags);
	__u64 left = idle < timeout ? timeout - idle : 0;
	bool hairpin = s->flags & HP_SF_HAIRPIN;

	format_addr_port(osrc, sizeof(osrc), k->tuple.saddr, k->tuple.sport);
	format_addr_port(odst, sizeof(odst), k->tuple.daddr, k->tuple.dport);
	format_addr_port(tsrc, sizeof(tsrc), s->xlat.saddr, s->xlat.sport);
	format_addr_port(tdst, sizeof(tdst), s->xlat.daddr, s->xlat.dport);

	if (!g_opts.json) {
		printf("%-3s %-11s %s -> %s => %s -> %s hairpin=%s rule=%u idle=%llus timeout=%llus\n",
		       proto_name(k->proto), state_name(s->state), osrc, odst, tsrc,
		       tdst, hairpin ? "yes" : "no", s->rule_id,
		       (unsigned long long)idle, (unsigned long long)left);
		return;
	}
	json_begin_object();
	json_kv_str("proto", proto_name(k->proto));
	json_kv_str("state", state_name(s->state));
	json_kv_str("src", osrc);
	json_kv_str("dst", odst);
	json_kv_str("xlat_src", tsrc);
	json_kv_str("xlat_dst", tdst);
	json_kv_bool("hairpin", hairpin);
	json_kv_bool("seen_reply", s->flags & HP_SF_SEEN_REPLY);
	json_kv_bool("assured", s->flags & HP_SF_ASSURED);
	json_kv_u64("rule_id", s->rule_id);
	json_kv_u64("idle", idle);
	json_kv_u64("timeout", left);
	json_end_object();
}

static void print_count(unsigned long n, const char *what)
{
	if (g_opts.json) {
		json_begin_object();
		json_kv_u64(what, n);
		json_end_object();
	} else {
		printf("%lu session%s%s\n", n, n == 1 ? "" : "s", strcmp(what, "removed") ? "" :
								" removed");
	}
}

static int list(const struct hp_maps *m, const struct session_filter *f)
{
	struct map_dump d;
	struct hp_config cfg;
	unsigned long n = 0;
	__u64 now;

	if (config_read(m, &cfg) ||
	    map_dump(m->sessions, sizeof(struct hp_session_key), sizeof(struct hp_session), &d))
		return -1;
	now = now_ns();
	if (g_opts.json && !f->count)
		json_begin_array();
	for (size_t i = 0; i < d.n; i++) {
		const struct hp_session_key *k = map_dump_key(&d, i);
		const struct hp_session *s = map_dump_value(&d, i);

		if ((s->flags & HP_SF_REPLY) || !matches(f, k, s))
			continue;
		n++;
		if (!f->count)
			print_session(k, s, &cfg, now);
	}
	map_dump_free(&d);
	if (!f->count && g_opts.json)
		json_end_array();
	else
		print_count(n, "sessions");
	return 0;
}

/* A half matches through its flow's original half (the reply's own view). */
static bool flush_match(const struct hp_session_key *k, const struct hp_session *s, const void *ctx)
{
	const struct session_filter *f = ctx;
	struct hp_session_key ok = { .proto = k->proto };
	struct hp_session os = *s;

	if (!(s->flags & HP_SF_REPLY))
		return matches(f, k, s);
	/* The reply half S -> R rewritten to E -> C is the flow C -> E as (R|C) -> S. */
	ok.tuple.saddr = s->xlat.daddr;
	ok.tuple.daddr = s->xlat.saddr;
	ok.tuple.sport = s->xlat.dport;
	ok.tuple.dport = s->xlat.sport;
	os.xlat.saddr = k->tuple.daddr;
	os.xlat.daddr = k->tuple.saddr;
	os.xlat.sport = k->tuple.dport;
	os.xlat.dport = k->tuple.sport;
	return matches(f, &ok, &os);
}

static int flush(const struct hp_maps *m, const struct session_filter *f)
{
	unsigned int n = 0;

	if (pins_lock(false) || sessions_flush(m, flush_match, f, &n))
		return -1;
	print_count(n, "removed");
	return 0;
}

static int sessions_run(void *opts, int argc, char **argv)
{
	const struct session_filter *f = opts;
	struct hp_maps m = HP_MAPS_INIT;
	bool do_flush = false;
	int err = -1;

	if (argc == 1 && !strcmp(argv[0], "flush"))
		do_flush = true;
	else if (argc)
		return usage_error("sessions", "expected flush or nothing");
	if (do_flush && f->count)
		return usage_error("sessions", "--count lists; flush counts what it removes");
	if (maps_open_loaded(&m))
		goto out;
	err = do_flush ? flush(&m, f) : list(&m, f);
out:
	maps_close(&m);
	return err;
}

const struct command cmd_sessions = {
	.name = "sessions",
	.args = "[flush]",
	.summary = "list (or flush) the live NAT sessions, like conntrack -L (-F)",
	.help = "One line per NAT session: protocol, state, original tuple => translated\n"
		"tuple, whether it is hairpinned (source NAT), its rule, seconds idle and\n"
		"seconds left before it expires; then how many. The filters narrow it; with\n"
		"flush, the matching sessions are removed (both halves, their slow-path\n"
		"hand-offs) and their number printed.\n",
	.opts = sessions_options,
	.opts_size = sizeof(struct session_filter),
	.init = sessions_init,
	.run = sessions_run,
	.max_args = 1,
};
