// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The exposition, after https://prometheus.io/docs/instrumenting/exposition_formats/
 * (text format 0.0.4) and the naming guide: each family once, its # HELP and
 * # TYPE lines first, then its samples; counters end in _total; sizes and
 * times in bytes and seconds. The outcome counters come from the one
 * HP_COUNTERS list (through stats.c), grouped into families by what they
 * count so that a family's sum means something (all packets XDP dropped,
 * ...); each keeps its `stats` name as the reason label.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <netinet/in.h>

#include "log.h"
#include "maps.h"
#include "metrics.h"
#include "parse.h"
#include "rules.h"
#include "stats.h"

#define P "hairpin_xdp_"

/*
 * A counter belongs to the first family whose prefix its name has; the
 * last (empty prefix) takes the rest, so a counter added to counters.h
 * is always exposed.
 */
static const struct {
	const char *prefix;
	const char *name;
	const char *help;
} families[] = {
	{ "xdp_", P "ingress_translated_packets_total",
	  "Packets XDP ingress translated, by how they left (reason: the stats counter)" },
	{ "slow_", P "slow_path_packets_total",
	  "Translated packets XDP handed to the stack, by why (reason: the stats counter)" },
	{ "pass_", P "ingress_passed_packets_total",
	  "Packets XDP ingress passed on untouched, by why (reason: the stats counter)" },
	{ "drop_", P "ingress_dropped_packets_total",
	  "Packets XDP ingress dropped, by why (reason: the stats counter)" },
	{ "tc_", P "egress_packets_total",
	  "Packets TC egress saw, by outcome (reason: the stats counter)" },
	{ "", P "events_total",
	  "Session and translation events, by kind (reason: the stats counter)" },
};
#define N_FAMILIES (sizeof(families) / sizeof(families[0]))

static size_t family_of(const char *counter)
{
	size_t i;

	for (i = 0; i + 1 < N_FAMILIES; i++)
		if (!strncmp(counter, families[i].prefix, strlen(families[i].prefix)))
			break;
	return i;
}

void metrics_escape_label(FILE *out, const char *value)
{
	for (const char *c = value; *c; c++) {
		if (*c == '\\')
			fputs("\\\\", out);
		else if (*c == '"')
			fputs("\\\"", out);
		else if (*c == '\n')
			fputs("\\n", out);
		else
			fputc(*c, out);
	}
}

static void family(FILE *out, const char *name, const char *type, const char *help)
{
	/* Our help texts hold no backslash or newline, the two it would escape. */
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

struct label {
	const char *name, *value;
};

/* One sample; @labels ends with a NULL name (NULL: none). */
static void sample(FILE *out, const char *name, unsigned long long v, const struct label *labels)
{
	const char *sep = "{";

	fputs(name, out);
	for (; labels && labels->name; labels++, sep = ",") {
		fprintf(out, "%s%s=\"", sep, labels->name);
		metrics_escape_label(out, labels->value);
		fputc('"', out);
	}
	fprintf(out, "%s %llu\n", *sep == ',' ? "}" : "", v);
}

/* A label list in place: LABELS({ "state", "udp" }, ...). */
#define LABELS(...) ((const struct label[]){ __VA_ARGS__, { NULL, NULL } })

static void write_counters(FILE *out, const struct stats_snapshot *st)
{
	for (size_t f = 0; f < N_FAMILIES; f++) {
		family(out, families[f].name, "counter", families[f].help);
		for (int i = 0; i < HP_COUNTER_MAX; i++)
			if (family_of(hp_counter_info[i].name) == f)
				sample(out, families[f].name, st->counters[i],
				       LABELS({ "reason", hp_counter_info[i].name }));
	}
}

static void write_rules(FILE *out, const struct rule_set *rules)
{
	static const struct {
		const char *name;
		const char *help;
		size_t offset;
	} fields[] = {
		{ P "rule_packets_total", "Packets of each forward rule",
		  offsetof(struct hp_rule_stats, packets) },
		{ P "rule_bytes_total", "Bytes (IP datagrams) of each forward rule",
		  offsetof(struct hp_rule_stats, bytes) },
		{ P "rule_sessions_total", "NAT sessions each forward rule created",
		  offsetof(struct hp_rule_stats, sessions) },
	};

	for (size_t f = 0; f < sizeof(fields) / sizeof(fields[0]); f++) {
		family(out, fields[f].name, "counter", fields[f].help);
		for (size_t i = 0; i < rules->n; i++) {
			const struct rule *r = &rules->v[i];
			char id[16], ext[RULE_EXT_STRLEN], in[ADDR_PORTS_STRLEN];

			snprintf(id, sizeof(id), "%u", r->id);
			rule_format_ext(ext, sizeof(ext), &r->r);
			rule_format_int(in, sizeof(in), &r->r);
			sample(out, fields[f].name,
			       *(const __u64 *)((const char *)&r->stats + fields[f].offset),
			       LABELS({ "rule_id", id }, { "proto", proto_name(r->r.proto) },
				      { "external", ext }, { "internal", in }));
		}
	}
}

/* What the session table holds, from one read of hp_sessions. */
struct session_counts {
	unsigned long long by_state[HP_STATE_MAX];
	unsigned long long entries;
	unsigned long long hairpin;	 /* each holds one SNAT port */
	unsigned long long busiest;	 /* most ports one server endpoint holds */
};

/*
 * A hairpin port is claimed per server address and port (and SNAT address):
 * the reply half's key is server -> SNAT address:port. A range runs out for
 * one server endpoint, so the busiest one is what to watch.
 */
struct endpoint {
	__be32 server, snat;
	__be16 port;
	__u8 proto;
};

static int endpoint_cmp(const void *a, const void *b)
{
	const struct endpoint *x = a, *y = b;

	if (x->server != y->server)
		return x->server < y->server ? -1 : 1;
	if (x->snat != y->snat)
		return x->snat < y->snat ? -1 : 1;
	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	return (int)x->proto - (int)y->proto;
}

static unsigned long long busiest_run(struct endpoint *e, size_t n)
{
	unsigned long long best = 0, run = 0;

	if (!n)
		return 0;
	qsort(e, n, sizeof(*e), endpoint_cmp);
	for (size_t i = 0; i < n; i++) {
		run = i && !endpoint_cmp(&e[i - 1], &e[i]) ? run + 1 : 1;
		if (run > best)
			best = run;
	}
	return best;
}

static int count_sessions(const struct hp_maps *m, struct session_counts *c)
{
	struct endpoint *eps = NULL;
	struct map_dump d;
	size_t n_eps = 0;

	memset(c, 0, sizeof(*c));
	if (map_dump(m->sessions, sizeof(struct hp_session_key), sizeof(struct hp_session), &d))
		return -1;
	c->entries = d.n;
	if (d.n && !(eps = calloc(d.n, sizeof(*eps)))) {
		map_dump_free(&d);
		return errorf("out of memory");
	}
	for (size_t i = 0; i < d.n; i++) {
		const struct hp_session_key *k = map_dump_key(&d, i);
		const struct hp_session *s = map_dump_value(&d, i);

		if (!(s->flags & HP_SF_REPLY)) {
			if (s->state < HP_STATE_MAX)
				c->by_state[s->state]++;
			if (s->flags & HP_SF_HAIRPIN)
				c->hairpin++;
		} else if (s->flags & HP_SF_HAIRPIN) {
			eps[n_eps++] = (struct endpoint){ .server = k->tuple.saddr,
							  .snat = k->tuple.daddr,
							  .port = k->tuple.sport,
							  .proto = k->proto };
		}
	}
	c->busiest = busiest_run(eps, n_eps);
	free(eps);
	map_dump_free(&d);
	return 0;
}

static int map_max_entries(int fd, const char *name, unsigned long long *max)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return errorf("cannot read the size of %s: %s", name, strerror(errno));
	*max = info.max_entries;
	return 0;
}

static void write_sessions(FILE *out, const struct session_counts *c, const struct hp_config *cfg)
{
	family(out, P "sessions", "gauge", "NAT sessions now, by state");
	for (int s = 0; s < HP_STATE_MAX; s++)
		sample(out, P "sessions", c->by_state[s], LABELS({ "state", state_name(s) }));
	family(out, P "sessions_max", "gauge",
	       "NAT sessions the table holds (attach --max-sessions)");
	sample(out, P "sessions_max", cfg->max_sessions, NULL);
	family(out, P "snat_ports", "gauge",
	       "Hairpin SNAT ports in the range (attach --snat-ports), per server address and port");
	sample(out, P "snat_ports",
	       cfg->snat_port_hi >= cfg->snat_port_lo ? cfg->snat_port_hi - cfg->snat_port_lo + 1 : 0,
	       NULL);
	family(out, P "snat_ports_in_use", "gauge",
	       "Hairpin SNAT ports held now: one per hairpinned session");
	sample(out, P "snat_ports_in_use", c->hairpin, NULL);
	family(out, P "snat_ports_in_use_max", "gauge",
	       "Hairpin SNAT ports held by the busiest server address and port (its range runs out at snat_ports)");
	sample(out, P "snat_ports_in_use_max", c->busiest, NULL);
}

/* Fill of the bounded tables: entries now and their size. */
static int write_maps(FILE *out, const struct hp_maps *m, const struct session_counts *c)
{
	const struct {
		const char *name;
		int fd;
		size_t key_size, value_size;
	} maps[] = {
		{ "hp_sessions", m->sessions, 0, 0 }, /* counted already */
		{ "hp_egress", m->egress, sizeof(struct hp_session_key), sizeof(struct hp_session) },
		{ "hp_frags", m->frags, sizeof(struct hp_frag_key), sizeof(struct hp_frag) },
	};
#define N_BOUNDED (sizeof(maps) / sizeof(maps[0]))
	unsigned long long entries[N_BOUNDED] = { 0 }, max[N_BOUNDED] = { 0 };

	for (size_t i = 0; i < N_BOUNDED; i++) {
		struct map_dump d;

		if (map_max_entries(maps[i].fd, maps[i].name, &max[i]))
			return -1;
		if (!maps[i].key_size) {
			entries[i] = c->entries;
			continue;
		}
		if (map_dump(maps[i].fd, maps[i].key_size, maps[i].value_size, &d))
			return -1;
		entries[i] = d.n;
		map_dump_free(&d);
	}
	family(out, P "map_entries", "gauge",
	       "Entries in each bounded map now (hp_sessions: two per session)");
	for (size_t i = 0; i < N_BOUNDED; i++)
		sample(out, P "map_entries", entries[i], LABELS({ "map", maps[i].name }));
	family(out, P "map_max_entries", "gauge", "Entries each bounded map can hold");
	for (size_t i = 0; i < N_BOUNDED; i++)
		sample(out, P "map_max_entries", max[i], LABELS({ "map", maps[i].name }));
	return 0;
}

static void write_sweeper(FILE *out, const struct hp_gc *gc)
{
	family(out, P "sweeper_runs_total", "counter", "Expiry sweeps run");
	sample(out, P "sweeper_runs_total", gc->runs, NULL);
	family(out, P "sweeper_deleted_sessions_total", "counter",
	       "Sessions the expiry sweeps removed");
	sample(out, P "sweeper_deleted_sessions_total", gc->deleted, NULL);
	family(out, P "sweeper_last_duration_seconds", "gauge", "How long the last sweep took");
	fprintf(out, P "sweeper_last_duration_seconds %llu.%09llu\n",
		(unsigned long long)(gc->last_sweep_ns / 1000000000ULL),
		(unsigned long long)(gc->last_sweep_ns % 1000000000ULL));
	family(out, P "sweeper_last_visited_entries", "gauge", "Entries the last sweep looked at");
	sample(out, P "sweeper_last_visited_entries", gc->last_visited, NULL);
}

int metrics_write(FILE *out, void *ctx)
{
	struct hp_maps m = HP_MAPS_INIT;
	struct session_counts c;
	struct stats_snapshot st;
	struct hp_config cfg;
	int err = -1;

	if (maps_open_loaded(&m))
		return -1;
	if (stats_read(&m, &st))
		goto out;
	if (!config_read(&m, &cfg) && !count_sessions(&m, &c)) {
		write_counters(out, &st);
		write_rules(out, &st.rules);
		write_sessions(out, &c, &cfg);
		err = write_maps(out, &m, &c);
		if (!err)
			write_sweeper(out, &st.gc);
	}
	stats_free(&st);
out:
	maps_close(&m);
	return err;
}

int metrics_scrape(FILE *out, void *ctx)
{
	log_error_clear();
	return metrics_write(out, ctx);
}
