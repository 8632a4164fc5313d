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

/* Digits and dots only: meant as an address, never taken for a name. */
static bool looks_numeric(const char *s, size_t len)
{
	return strspn(s, "0123456789.") >= len;
}

int rule_parse_ext(const char *proto, const char *ext, struct hp_rule *r)
{
	const char *colon = strrchr(ext, ':');
	size_t len;

	memset(r, 0, sizeof(*r));
	if (parse_proto(proto, &r->proto))
		return -1;
	if (!colon)
		return errorf("bad external '%s': expected IPV4:PORT[-LAST] or IFACE:PORT[-LAST], "
			      "e.g. 203.0.113.4:80 or wan0:80", ext);
	len = colon - ext;
	if (looks_numeric(ext, len))
		return parse_addr_ports(ext, &r->ext_addr, &r->ext_port_first, &r->ext_port_last);
	if (parse_ifname(ext, len, r->ext_ifname, sizeof(r->ext_ifname)))
		return errorf("bad external '%s': '%.*s' is neither an IPv4 address nor an "
			      "interface name", ext, (int)len, ext);
	r->flags |= HP_RF_EXT_IFACE;
	return parse_ports(colon + 1, ext, &r->ext_port_first, &r->ext_port_last);
}

int rule_parse(const char *proto, const char *ext, const char *internal, struct hp_rule *r)
{
	unsigned int n_ext, n_int;

	if (rule_parse_ext(proto, ext, r) ||
	    parse_addr_ports(internal, &r->int_addr, &r->int_port_first, &r->int_port_last))
		return -1;
	n_ext = r->ext_port_last - r->ext_port_first + 1;
	n_int = r->int_port_last - r->int_port_first + 1;
	if (n_int != 1 && n_int != n_ext)
		return errorf("port ranges differ in length: %s has %u port%s, %s has %u "
			      "(give as many internal ports, or one)", ext, n_ext,
			      n_ext == 1 ? "" : "s", internal, n_int);
	return 0;
}

void rule_format_ext(char *buf, size_t len, const struct hp_rule *r)
{
	if (!(r->flags & HP_RF_EXT_IFACE)) {
		format_addr_ports(buf, len, r->ext_addr, r->ext_port_first, r->ext_port_last);
		return;
	}
	if (r->ext_port_first == r->ext_port_last)
		snprintf(buf, len, "%.*s:%u", IFNAMSIZ - 1, r->ext_ifname, r->ext_port_first);
	else
		snprintf(buf, len, "%.*s:%u-%u", IFNAMSIZ - 1, r->ext_ifname, r->ext_port_first,
			 r->ext_port_last);
}

void rule_format_int(char *buf, size_t len, const struct hp_rule *r)
{
	format_addr_ports(buf, len, r->int_addr, r->int_port_first, r->int_port_last);
}

void rule_name(char *buf, size_t len, const struct hp_rule *r)
{
	char ext[RULE_EXT_STRLEN];

	rule_format_ext(ext, sizeof(ext), r);
	snprintf(buf, len, "%s %s", proto_name(r->proto), ext);
}

static bool same_ext_addr(const struct hp_rule *a, const struct hp_rule *b)
{
	if ((a->flags ^ b->flags) & HP_RF_EXT_IFACE)
		return false;
	if (a->flags & HP_RF_EXT_IFACE)
		return !strncmp(a->ext_ifname, b->ext_ifname, sizeof(a->ext_ifname));
	return a->ext_addr == b->ext_addr;
}

bool rule_same_ext(const struct hp_rule *a, const struct hp_rule *b)
{
	return a->proto == b->proto && same_ext_addr(a, b) &&
	       a->ext_port_first == b->ext_port_first && a->ext_port_last == b->ext_port_last;
}

bool rule_same_target(const struct hp_rule *a, const struct hp_rule *b)
{
	return rule_same_ext(a, b) && a->int_addr == b->int_addr &&
	       a->int_port_first == b->int_port_first && a->int_port_last == b->int_port_last;
}

size_t rule_ext_addrs(const struct hp_rule *r, const struct addr_table *addrs, __be32 *out,
		      size_t max)
{
	size_t n = 0;

	if (!(r->flags & HP_RF_EXT_IFACE)) {
		if (max)
			out[n++] = r->ext_addr;
		return n;
	}
	for (size_t i = 0; i < addrs->n && n < max; i++)
		if (!strncmp(addrs->v[i].ifname, r->ext_ifname, sizeof(r->ext_ifname)))
			out[n++] = addrs->v[i].addr;
	return n;
}

/* An interface has few addresses; a rule with more is cut at this many. */
#define MAX_EXT_ADDRS 64

bool rule_overlaps(const struct hp_rule *a, const struct hp_rule *b,
		   const struct addr_table *addrs, __u16 *port)
{
	__be32 aa[MAX_EXT_ADDRS], ba[MAX_EXT_ADDRS];
	size_t na, nb;

	if (a->proto != b->proto || a->ext_port_first > b->ext_port_last ||
	    b->ext_port_first > a->ext_port_last)
		return false;
	*port = a->ext_port_first > b->ext_port_first ? a->ext_port_first : b->ext_port_first;
	if (same_ext_addr(a, b))
		return true;
	na = rule_ext_addrs(a, addrs, aa, MAX_EXT_ADDRS);
	nb = rule_ext_addrs(b, addrs, ba, MAX_EXT_ADDRS);
	for (size_t i = 0; i < na; i++)
		for (size_t j = 0; j < nb; j++)
			if (aa[i] == ba[j])
				return true;
	return false;
}

bool prefix_list_has(const struct prefix *p, size_t n, __be32 addr)
{
	for (size_t i = 0; i < n; i++) {
		__be32 mask = p[i].len ? htonl(~0u << (32 - p[i].len)) : 0;

		if ((addr & mask) == p[i].addr)
			return true;
	}
	return false;
}

/* ---- reading ---- */

static int prefix_order(const void *a, const void *b)
{
	const struct prefix *x = a, *y = b;
	__u32 xa = ntohl(x->addr), ya = ntohl(y->addr);

	if (xa != ya)
		return xa < ya ? -1 : 1;
	return (x->len > y->len) - (x->len < y->len);
}

/* Each rule's live allow list, from a dump of hp_allow. */
static int collect_allow(const struct hp_maps *m, struct rule_set *set)
{
	struct map_dump d;
	int err = 0;

	if (map_dump(m->allow, sizeof(struct hp_allow_key), sizeof(__u32), &d))
		return -1;
	for (size_t i = 0; i < set->n && !err; i++) {
		struct rule *r = &set->v[i];
		__be32 live = htonl(HP_ALLOW_ID(r->id, r->r.allow_gen));

		if (!(r->r.flags & HP_RF_ALLOWLIST))
			continue;
		for (size_t j = 0; j < d.n; j++) {
			const struct hp_allow_key *k = map_dump_key(&d, j);
			struct prefix *p;

			if (k->list_id != live)
				continue;
			p = realloc(r->allow, (r->n_allow + 1) * sizeof(*p));
			if (!p) {
				err = errorf("out of memory");
				break;
			}
			r->allow = p;
			r->allow[r->n_allow++] = (struct prefix){ k->addr, k->prefixlen - 32 };
		}
		if (r->n_allow)
			qsort(r->allow, r->n_allow, sizeof(*r->allow), prefix_order);
	}
	map_dump_free(&d);
	return err;
}

/* Counters and hp_forwards entries of each rule. */
static int collect_details(const struct hp_maps *m, struct rule_set *set)
{
	struct map_dump d;

	for (size_t i = 0; i < set->n; i++)
		if (map_percpu_sum(m->rule_stats, set->v[i].id, (__u64 *)&set->v[i].stats, 3))
			return -1;
	if (map_dump(m->forwards, sizeof(struct hp_forward_key), sizeof(struct hp_forward), &d))
		return -1;
	for (size_t j = 0; j < d.n; j++) {
		const struct hp_forward *f = map_dump_value(&d, j);

		for (size_t i = 0; i < set->n; i++)
			if (set->v[i].id == f->rule_id)
				set->v[i].entries++;
	}
	map_dump_free(&d);
	return 0;
}

int rules_read(const struct hp_maps *m, struct rule_set *set, bool details)
{
	struct hp_rule r;

	memset(set, 0, sizeof(*set));
	set->v = calloc(HP_MAX_RULES, sizeof(*set->v));
	if (!set->v)
		return errorf("out of memory");
	for (__u32 id = 0; id < HP_MAX_RULES; id++) {
		if (bpf_map_lookup_elem(m->rules, &id, &r)) {
			rules_free(set);
			return errorf("cannot read hp_rules: %s", strerror(errno));
		}
		if (!(r.flags & HP_RF_USED))
			continue;
		/* A name from the map is printed with a bound, whatever it holds. */
		r.ext_ifname[sizeof(r.ext_ifname) - 1] = '\0';
		set->v[set->n].id = id;
		set->v[set->n++].r = r;
	}
	if (collect_allow(m, set) || (details && collect_details(m, set))) {
		rules_free(set);
		return -1;
	}
	return 0;
}

void rules_free(struct rule_set *set)
{
	for (size_t i = 0; set->v && i < set->n; i++)
		free(set->v[i].allow);
	free(set->v);
	memset(set, 0, sizeof(*set));
}

const struct rule *rules_find_ext(const struct rule_set *set, const struct hp_rule *r)
{
	for (size_t i = 0; i < set->n; i++)
		if (rule_same_ext(&set->v[i].r, r))
			return &set->v[i];
	return NULL;
}

int rules_check_free(const struct rule_set *set, const struct hp_rule *r, const struct rule *except,
		     const struct addr_table *addrs)
{
	char name[RULE_NAME_STRLEN], other[RULE_NAME_STRLEN];
	__u16 port;

	rule_name(name, sizeof(name), r);
	for (size_t i = 0; i < set->n; i++) {
		const struct rule *o = &set->v[i];

		if (o == except || !rule_overlaps(r, &o->r, addrs, &port))
			continue;
		if (rule_same_ext(r, &o->r))
			return errorf("forward %s already exists", name);
		rule_name(other, sizeof(other), &o->r);
		return errorf("forward %s overlaps forward %s (port %u)", name, other, port);
	}
	return 0;
}

int rules_check_room(const struct rule_set *set, const struct hp_rule *r,
		     const struct addr_table *addrs)
{
	unsigned int used = 0, need;
	char name[RULE_NAME_STRLEN];
	__be32 a[MAX_EXT_ADDRS];

	for (size_t i = 0; i < set->n; i++)
		used += set->v[i].entries;
	need = (r->ext_port_last - r->ext_port_first + 1) *
	       (unsigned int)rule_ext_addrs(r, addrs, a, MAX_EXT_ADDRS);
	if (used + need <= HP_MAX_FORWARD_PORTS)
		return 0;
	rule_name(name, sizeof(name), r);
	return errorf("forward %s needs %u entries in hp_forwards; %u of %u are free", name, need,
		      used < HP_MAX_FORWARD_PORTS ? HP_MAX_FORWARD_PORTS - used : 0,
		      HP_MAX_FORWARD_PORTS);
}

int rules_free_id(const struct rule_set *set, __u32 *id)
{
	size_t i = 0;

	/* Used ids come in order: the first gap is the smallest free id. */
	for (*id = 0; *id < HP_MAX_RULES; (*id)++, i++)
		if (i >= set->n || set->v[i].id != *id)
			return 0;
	return errorf("no free rule: at most %u forwards", HP_MAX_RULES);
}

/* ---- writing ---- */

static bool allow_of_list(const void *key, const void *value, const void *ctx)
{
	const struct hp_allow_key *k = key;

	return k->list_id == htonl(*(const __u32 *)ctx);
}

bool rule_same_allow(const struct rule *old, const struct prefix *allow, size_t n)
{
	if (!old || !(old->r.flags & HP_RF_ALLOWLIST) != !n || old->n_allow != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		bool found = false;

		for (size_t j = 0; j < n && !found; j++)
			found = old->allow[j].addr == allow[i].addr && old->allow[j].len == allow[i].len;
		if (!found)
			return false;
	}
	return true;
}

int rule_write_allow(const struct hp_maps *m, __u32 id, struct hp_rule *r, const struct rule *old,
		     const struct prefix *allow, size_t n_allow)
{
	char name[RULE_NAME_STRLEN];
	unsigned int stale = 0;
	__u32 list, one = 1;
	size_t i;

	r->flags = (r->flags & HP_RF_EXT_IFACE) | HP_RF_USED | (n_allow ? HP_RF_ALLOWLIST : 0);
	r->allow_gen = old ? old->r.allow_gen : 0;
	if (!n_allow || rule_same_allow(old, allow, n_allow))
		return 0;
	/* The list id the rule does not use now; a failed run may have left entries. */
	if (old && (old->r.flags & HP_RF_ALLOWLIST))
		r->allow_gen ^= 1;
	list = HP_ALLOW_ID(id, r->allow_gen);
	if (map_delete_matching(m->allow, sizeof(struct hp_allow_key), sizeof(__u32), allow_of_list, &list,
				&stale))
		return -1;
	for (i = 0; i < n_allow; i++) {
		struct hp_allow_key k = {
			.prefixlen = 32 + allow[i].len,
			.list_id = htonl(list),
			.addr = allow[i].addr,
		};

		if (bpf_map_update_elem(m->allow, &k, &one, BPF_ANY)) {
			rule_name(name, sizeof(name), r);
			if (errno == ENOSPC || errno == E2BIG)
				errorf("cannot add the allow list of forward %s: hp_allow is full "
				       "(%u entries)", name, HP_MAX_ALLOW_PREFIXES);
			else
				errorf("cannot add the allow list of forward %s: %s", name,
				       strerror(errno));
			map_delete_matching(m->allow, sizeof(struct hp_allow_key), sizeof(__u32), allow_of_list,
					    &list, &stale);
			return -1;
		}
	}
	return 0;
}

int rule_write_slot(const struct hp_maps *m, __u32 id, const struct hp_rule *r)
{
	if (bpf_map_update_elem(m->rules, &id, r, BPF_ANY))
		return errorf("cannot write hp_rules: %s", strerror(errno));
	return 0;
}

int rule_clear(const struct hp_maps *m, __u32 id)
{
	struct hp_rule none = { 0 };

	if (bpf_map_update_elem(m->rules, &id, &none, BPF_ANY))
		return errorf("cannot write hp_rules: %s", strerror(errno));
	return 0;
}

/* ---- listing ---- */

/* Why a rule has no entries now; NULL when it is live. */
static const char *inactive_reason(const struct rule *r, const struct addr_table *addrs,
				   char *buf, size_t len)
{
	__be32 a;

	if (r->entries)
		return NULL;
	if ((r->r.flags & HP_RF_EXT_IFACE) && !rule_ext_addrs(&r->r, addrs, &a, 1)) {
		if (!if_nametoindex(r->r.ext_ifname))
			snprintf(buf, len, "no interface %s", r->r.ext_ifname);
		else
			snprintf(buf, len, "no IPv4 address on %s", r->r.ext_ifname);
		return buf;
	}
	snprintf(buf, len, "its ports are another forward's");
	return buf;
}

static void print_allow_text(const struct rule *r)
{
	char prefix[PREFIX_STRLEN];

	if (!(r->r.flags & HP_RF_ALLOWLIST)) {
		fputs("any", stdout);
		return;
	}
	if (!r->n_allow)
		fputs("none", stdout);
	for (size_t i = 0; i < r->n_allow; i++) {
		format_prefix(prefix, sizeof(prefix), r->allow[i].addr, r->allow[i].len);
		printf("%s%s", i ? "," : "", prefix);
	}
}

/* null: every source may use the rule; else the prefixes that may. */
static void print_allow_json(const struct rule *r)
{
	char prefix[PREFIX_STRLEN];

	json_key("allow");
	if (!(r->r.flags & HP_RF_ALLOWLIST)) {
		json_null();
		return;
	}
	json_begin_array();
	for (size_t i = 0; i < r->n_allow; i++) {
		format_prefix(prefix, sizeof(prefix), r->allow[i].addr, r->allow[i].len);
		json_str(prefix);
	}
	json_end_array();
}

static void print_rule_json(const struct rule *r, const char *ext, const char *in,
			    const char *inactive)
{
	json_begin_object();
	json_kv_u64("rule_id", r->id);
	json_kv_str("proto", proto_name(r->r.proto));
	json_kv_str("external", ext);
	json_kv_str("internal", in);
	json_kv_u64("ports", r->r.ext_port_last - r->r.ext_port_first + 1);
	json_kv_str("hairpin", hairpin_mode_name(r->r.hairpin));
	print_allow_json(r);
	json_kv_u64("packets", r->stats.packets);
	json_kv_u64("bytes", r->stats.bytes);
	json_kv_u64("sessions", r->stats.sessions);
	json_kv_bool("active", !inactive);
	json_key("inactive_reason");
	if (inactive)
		json_str(inactive);
	else
		json_null();
	json_end_object();
}

void rules_print(const struct rule_set *set, const struct addr_table *addrs)
{
	char ext[RULE_EXT_STRLEN], in[ADDR_PORTS_STRLEN], why[64];

	if (g_opts.json)
		json_begin_array();
	else
		printf("%-5s %-27s %-27s %-8s %12s %14s %10s  %s\n", "PROTO", "EXTERNAL",
		       "INTERNAL", "HAIRPIN", "PACKETS", "BYTES", "SESSIONS", "ALLOW");
	for (size_t i = 0; i < set->n; i++) {
		const struct rule *r = &set->v[i];
		const char *inactive = inactive_reason(r, addrs, why, sizeof(why));

		rule_format_ext(ext, sizeof(ext), &r->r);
		rule_format_int(in, sizeof(in), &r->r);
		if (g_opts.json) {
			print_rule_json(r, ext, in, inactive);
			continue;
		}
		printf("%-5s %-27s %-27s %-8s %12llu %14llu %10llu  ", proto_name(r->r.proto), ext,
		       in, hairpin_mode_name(r->r.hairpin), (unsigned long long)r->stats.packets,
		       (unsigned long long)r->stats.bytes, (unsigned long long)r->stats.sessions);
		print_allow_text(r);
		if (inactive)
			printf("  (inactive: %s)", inactive);
		putchar('\n');
	}
	if (g_opts.json)
		json_end_array();
}
