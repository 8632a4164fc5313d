// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "json.h"
#include "log.h"
#include "parse.h"
#include "rules.h"

_Static_assert(sizeof(struct hp_rule_stats) == 3 * sizeof(__u64),
	       "hp_rule_stats is read as three __u64s");

static int by_rule_id(const void *a, const void *b)
{
	const struct rule_row *x = a, *y = b;

	return (x->fwd.rule_id > y->fwd.rule_id) - (x->fwd.rule_id < y->fwd.rule_id);
}

int rules_collect(const struct hp_maps *m, struct rule_row **rows, int *n)
{
	struct hp_forward_key key, *prev = NULL;
	struct rule_row *r;

	*n = 0;
	*rows = r = calloc(HP_MAX_RULES, sizeof(*r));
	if (!r)
		return errorf("out of memory");
	while (*n < HP_MAX_RULES && !bpf_map_get_next_key(m->forwards, prev, &key)) {
		prev = &key;
		/* Deleted between the two calls: skip it. */
		if (bpf_map_lookup_elem(m->forwards, &key, &r[*n].fwd))
			continue;
		r[*n].key = key;
		if (r[*n].fwd.rule_id < HP_MAX_RULES &&
		    map_percpu_sum(m->rule_stats, r[*n].fwd.rule_id,
				   (__u64 *)&r[*n].stats, 3))
			return -1;
		(*n)++;
	}
	qsort(r, *n, sizeof(*r), by_rule_id);
	return 0;
}

void rules_print(const struct rule_row *rows, int n)
{
	char ext[ADDR_PORT_STRLEN], in[ADDR_PORT_STRLEN];

	if (g_opts.json)
		json_begin_array();
	else
		printf("%-5s %-21s %-21s %-8s %12s %14s %10s\n", "PROTO", "EXTERNAL",
		       "INTERNAL", "HAIRPIN", "PACKETS", "BYTES", "SESSIONS");
	for (int i = 0; i < n; i++) {
		const struct rule_row *r = &rows[i];

		format_addr_port(ext, sizeof(ext), r->key.ext_addr, r->key.ext_port);
		format_addr_port(in, sizeof(in), r->fwd.int_addr, r->fwd.int_port);
		if (!g_opts.json) {
			printf("%-5s %-21s %-21s %-8s %12llu %14llu %10llu\n",
			       proto_name(r->key.proto), ext, in,
			       hairpin_mode_name(r->fwd.hairpin),
			       (unsigned long long)r->stats.packets,
			       (unsigned long long)r->stats.bytes,
			       (unsigned long long)r->stats.sessions);
			continue;
		}
		json_begin_object();
		json_kv_u64("rule_id", r->fwd.rule_id);
		json_kv_str("proto", proto_name(r->key.proto));
		json_kv_str("external", ext);
		json_kv_str("internal", in);
		json_kv_str("hairpin", hairpin_mode_name(r->fwd.hairpin));
		json_kv_u64("packets", r->stats.packets);
		json_kv_u64("bytes", r->stats.bytes);
		json_kv_u64("sessions", r->stats.sessions);
		json_end_object();
	}
	if (g_opts.json)
		json_end_array();
}
