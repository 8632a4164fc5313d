// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * sessions: the live NAT sessions, one line per flow like `conntrack -L`.
 * Each flow is two hp_sessions entries; the original-direction one (no
 * HP_SF_REPLY) holds the original tuple as key and the translated as xlat.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <bpf/bpf.h>

#include "cli.h"
#include "cmd.h"
#include "json.h"
#include "log.h"
#include "parse.h"
#include "maps.h"
#include "pins.h"


/* The datapath stamps sessions with bpf_ktime_get_coarse_ns(): CLOCK_MONOTONIC at tick resolution. */
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
	json_kv_u64("rule_id", s->rule_id);
	json_kv_u64("idle", idle);
	json_kv_u64("timeout", left);
	json_end_object();
}

static int sessions_run(void *opts, int argc, char **argv)
{
	struct hp_maps m = HP_MAPS_INIT;
	struct hp_session_key key, *prev = NULL;
	struct hp_config cfg;
	struct hp_session s;
	unsigned long count = 0;
	int err;
	__u64 now;

	err = -1;
	if (maps_open_loaded(&m) || config_read(&m, &cfg))
		goto out;

	now = now_ns();
	if (g_opts.json)
		json_begin_array();
	while (!bpf_map_get_next_key(m.sessions, prev, &key)) {
		prev = &key;
		if (bpf_map_lookup_elem(m.sessions, &key, &s) || (s.flags & HP_SF_REPLY))
			continue;
		print_session(&key, &s, &cfg, now);
		count++;
	}
	if (g_opts.json)
		json_end_array();
	else
		printf("%lu session%s\n", count, count == 1 ? "" : "s");
	err = 0;
out:
	maps_close(&m);
	return err;
}

const struct command cmd_sessions = {
	.name = "sessions",
	.summary = "list the live NAT sessions, like conntrack -L",
	.help = "One line per NAT session: protocol, state, original tuple => translated\n"
		"tuple, whether it is hairpinned (source NAT), its rule, seconds idle and\n"
		"seconds left before it expires.\n",
	.run = sessions_run,
};
