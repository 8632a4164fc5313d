// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "json.h"
#include "log.h"
#include "rules.h"

_Static_assert(sizeof(struct hp_rule_stats) == 3 * sizeof(__u64),
	       "hp_rule_stats is read as three __u64s");

int rule_parse_ext(const char *proto, const char *ext, struct hp_forward_key *key,
		   struct hp_forward *fwd)
{
	memset(key, 0, sizeof(*key));
	if (parse_proto(proto, &key->proto) ||
	    parse_addr_ports(ext, &key->ext_addr, &fwd->ext_port_first, &fwd->ext_port_last))
		return -1;
	key->ext_port = htons(fwd->ext_port_first);
	return 0;
}

void rule_name(char *buf, size_t len, const struct hp_forward_key *key,
	       const struct hp_forward *fwd)
{
	char ext[ADDR_PORTS_STRLEN];

	format_addr_ports(ext, sizeof(ext), key->ext_addr, fwd->ext_port_first,
			  fwd->ext_port_last);
	snprintf(buf, len, "%s %s", proto_name(key->proto), ext);
}

struct hp_forward_key rule_port_key(const struct hp_forward_key *key, __u16 port)
{
	struct hp_forward_key k = {
		.ext_addr = key->ext_addr,
		.ext_port = htons(port),
		.proto = key->proto,
	};

	return k;
}

bool rule_find(int fd, const struct hp_forward_key *key, __u16 first, __u16 last,
	       struct hp_forward *found)
{
	/* Not a __u16: it would wrap after 65535 and never end. */
	for (unsigned int p = first; p <= last; p++) {
		struct hp_forward_key k = rule_port_key(key, p);

		if (!bpf_map_lookup_elem(fd, &k, found))
			return true;
	}
	return false;
}

unsigned int rule_delete_ports(int fd, const struct hp_forward_key *key, __u16 first,
			       __u16 last, __u32 rule_id)
{
	unsigned int deleted = 0;
	struct hp_forward fwd;

	for (unsigned int p = first; p <= last; p++) {
		struct hp_forward_key k = rule_port_key(key, p);

		if (!bpf_map_lookup_elem(fd, &k, &fwd) && fwd.rule_id == rule_id &&
		    !bpf_map_delete_elem(fd, &k))
			deleted++;
	}
	return deleted;
}

struct hp_allow_key rule_allow_key(__u32 rule_id, __be32 addr, __u8 plen)
{
	struct hp_allow_key k = {
		.prefixlen = 32 + plen,
		.rule_id = htonl(rule_id),
		.addr = addr,
	};

	return k;
}

static bool allow_of_rule(const void *key, const void *value, const void *ctx)
{
	const struct hp_allow_key *k = key;

	return k->rule_id == htonl(*(const __u32 *)ctx);
}

int rule_delete_allow(int allow_fd, __u32 rule_id, unsigned int *deleted)
{
	return map_delete_matching(allow_fd, sizeof(struct hp_allow_key), 0,
				   allow_of_rule, &rule_id, deleted);
}

/* Rule id, then address, then prefix length: the order they are listed in. */
static int allow_order(const void *a, const void *b)
{
	const struct hp_allow_key *x = a, *y = b;
	__u32 xr = ntohl(x->rule_id), yr = ntohl(y->rule_id);
	__u32 xa = ntohl(x->addr), ya = ntohl(y->addr);

	if (xr != yr)
		return xr < yr ? -1 : 1;
	if (xa != ya)
		return xa < ya ? -1 : 1;
	return (x->prefixlen > y->prefixlen) - (x->prefixlen < y->prefixlen);
}

static int collect_allow(int fd, struct rule_set *set)
{
	struct hp_allow_key key, *prev = NULL;
	size_t cap = 0;

	for (; !bpf_map_get_next_key(fd, prev, &key); prev = &key) {
		if (set->n_allow == cap) {
			struct hp_allow_key *a;

			cap = cap ? cap * 2 : 64;
			a = realloc(set->allow, cap * sizeof(*a));
			if (!a)
				return errorf("out of memory");
			set->allow = a;
		}
		set->allow[set->n_allow++] = key;
	}
	if (set->n_allow)
		qsort(set->allow, set->n_allow, sizeof(*set->allow), allow_order);
	/* Both in rule id order: hand each rule its slice. */
	for (size_t i = 0, j = 0; i < (size_t)set->n; i++) {
		struct rule_row *r = &set->rows[i];

		while (j < set->n_allow && ntohl(set->allow[j].rule_id) < r->fwd.rule_id)
			j++;
		r->allow = &set->allow[j];
		while (j < set->n_allow && ntohl(set->allow[j].rule_id) == r->fwd.rule_id) {
			r->n_allow++;
			j++;
		}
	}
	return 0;
}

int rules_collect(const struct hp_maps *m, struct rule_set *set)
{
	struct hp_forward_key key, *prev = NULL;
	bool seen[HP_MAX_RULES] = { false };
	struct hp_forward fwd;
	struct rule_row *r;

	memset(set, 0, sizeof(*set));
	/* Indexed by rule id while walking, then packed in id order. */
	set->rows = r = calloc(HP_MAX_RULES, sizeof(*r));
	if (!r)
		return errorf("out of memory");
	for (; !bpf_map_get_next_key(m->forwards, prev, &key); prev = &key) {
		/* Deleted between the two calls: skip it. */
		if (bpf_map_lookup_elem(m->forwards, &key, &fwd) ||
		    fwd.rule_id >= HP_MAX_RULES || seen[fwd.rule_id])
			continue;
		seen[fwd.rule_id] = true;
		r[fwd.rule_id].key = rule_port_key(&key, fwd.ext_port_first);
		r[fwd.rule_id].fwd = fwd;
	}
	for (__u32 id = 0; id < HP_MAX_RULES; id++) {
		if (!seen[id])
			continue;
		r[set->n] = r[id];
		if (map_percpu_sum(m->rule_stats, id, (__u64 *)&r[set->n].stats, 3))
			return -1;
		set->n++;
	}
	return collect_allow(m->allow, set);
}

void rules_free(struct rule_set *set)
{
	free(set->rows);
	free(set->allow);
	memset(set, 0, sizeof(*set));
}

static void print_allow_text(const struct rule_row *r)
{
	char prefix[PREFIX_STRLEN];

	if (!(r->fwd.flags & HP_FWF_ALLOWLIST)) {
		fputs("any", stdout);
		return;
	}
	if (!r->n_allow)
		fputs("none", stdout);
	for (size_t i = 0; i < r->n_allow; i++) {
		format_prefix(prefix, sizeof(prefix), r->allow[i].addr,
			      r->allow[i].prefixlen - 32);
		printf("%s%s", i ? "," : "", prefix);
	}
}

/* null: every source may use the rule; else the prefixes that may. */
static void print_allow_json(const struct rule_row *r)
{
	char prefix[PREFIX_STRLEN];

	json_key("allow");
	if (!(r->fwd.flags & HP_FWF_ALLOWLIST)) {
		json_null();
		return;
	}
	json_begin_array();
	for (size_t i = 0; i < r->n_allow; i++) {
		format_prefix(prefix, sizeof(prefix), r->allow[i].addr,
			      r->allow[i].prefixlen - 32);
		json_str(prefix);
	}
	json_end_array();
}

void rules_print(const struct rule_set *set)
{
	char ext[ADDR_PORTS_STRLEN], in[ADDR_PORTS_STRLEN];

	if (g_opts.json)
		json_begin_array();
	else
		printf("%-5s %-27s %-27s %-8s %12s %14s %10s  %s\n", "PROTO", "EXTERNAL",
		       "INTERNAL", "HAIRPIN", "PACKETS", "BYTES", "SESSIONS", "ALLOW");
	for (int i = 0; i < set->n; i++) {
		const struct rule_row *r = &set->rows[i];

		format_addr_ports(ext, sizeof(ext), r->key.ext_addr, r->fwd.ext_port_first,
				  r->fwd.ext_port_last);
		format_addr_ports(in, sizeof(in), r->fwd.int_addr, r->fwd.int_port_first,
				  r->fwd.int_port_last);
		if (!g_opts.json) {
			printf("%-5s %-27s %-27s %-8s %12llu %14llu %10llu  ",
			       proto_name(r->key.proto), ext, in,
			       hairpin_mode_name(r->fwd.hairpin),
			       (unsigned long long)r->stats.packets,
			       (unsigned long long)r->stats.bytes,
			       (unsigned long long)r->stats.sessions);
			print_allow_text(r);
			putchar('\n');
			continue;
		}
		json_begin_object();
		json_kv_u64("rule_id", r->fwd.rule_id);
		json_kv_str("proto", proto_name(r->key.proto));
		json_kv_str("external", ext);
		json_kv_str("internal", in);
		json_kv_u64("ports", r->fwd.ext_port_last - r->fwd.ext_port_first + 1);
		json_kv_str("hairpin", hairpin_mode_name(r->fwd.hairpin));
		print_allow_json(r);
		json_kv_u64("packets", r->stats.packets);
		json_kv_u64("bytes", r->stats.bytes);
		json_kv_u64("sessions", r->stats.sessions);
		json_end_object();
	}
	if (g_opts.json)
		json_end_array();
}
