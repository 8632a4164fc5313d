// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "addrs.h"
#include "fault.h"
#include "log.h"
#include "reconcile.h"
#include "rules.h"
#include "sessions.h"

/* One hp_forwards entry, as wanted or as found. */
struct fwd_entry {
	struct hp_forward_key key;
	struct hp_forward val;
};

struct fwd_list {
	struct fwd_entry *v;
	size_t n, cap;
};

static int key_cmp(const struct hp_forward_key *a, const struct hp_forward_key *b)
{
	if (a->proto != b->proto)
		return a->proto < b->proto ? -1 : 1;
	if (a->ext_addr != b->ext_addr)
		return ntohl(a->ext_addr) < ntohl(b->ext_addr) ? -1 : 1;
	if (a->ext_port != b->ext_port)
		return ntohs(a->ext_port) < ntohs(b->ext_port) ? -1 : 1;
	return 0;
}

/* By key, and for one key by rule id: the lowest id wins a clash. */
static int entry_cmp(const void *a, const void *b)
{
	const struct fwd_entry *x = a, *y = b;
	int c = key_cmp(&x->key, &y->key);

	if (c)
		return c;
	return (x->val.rule_id > y->val.rule_id) - (x->val.rule_id < y->val.rule_id);
}

static int list_add(struct fwd_list *l, const struct fwd_entry *e)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 1024;
		struct fwd_entry *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return errorf("out of memory");
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *e;
	return 0;
}

#define MAX_EXT_ADDRS 64

/* Every entry the rules ask for, sorted by key, one per key. */
static int wanted_entries(const struct rule_set *rules, const struct addr_table *addrs,
			  struct fwd_list *out, unsigned int *clashes)
{
	size_t n = 0;

	for (size_t i = 0; i < rules->n; i++) {
		const struct rule *r = &rules->v[i];
		__be32 ext[MAX_EXT_ADDRS];
		size_t n_ext = rule_ext_addrs(&r->r, addrs, ext, MAX_EXT_ADDRS);
		bool one_port = r->r.int_port_first == r->r.int_port_last;

		for (size_t a = 0; a < n_ext; a++) {
			for (unsigned int p = r->r.ext_port_first; p <= r->r.ext_port_last; p++) {
				struct fwd_entry e = {
					.key = { .ext_addr = ext[a], .ext_port = htons(p),
						 .proto = r->r.proto },
					.val = {
						.int_addr = r->r.int_addr,
						.int_port = htons(one_port ? r->r.int_port_first :
							r->r.int_port_first + (p - r->r.ext_port_first)),
						.hairpin = r->r.hairpin,
						.flags = (r->r.flags & HP_RF_ALLOWLIST) ? HP_FWF_ALLOWLIST : 0,
						.rule_id = r->id,
						.allow_id = HP_ALLOW_ID(r->id, r->r.allow_gen),
					},
				};

				if (list_add(out, &e))
					return -1;
			}
		}
	}
	if (!out->n)
		return 0;
	qsort(out->v, out->n, sizeof(*out->v), entry_cmp);
	/* A port two rules claim (an interface took a literal rule's address). */
	for (size_t i = 0; i < out->n; i++) {
		if (n && !key_cmp(&out->v[i].key, &out->v[n - 1].key)) {
			(*clashes)++;
			continue;
		}
		out->v[n++] = out->v[i];
	}
	out->n = n;
	return 0;
}

static int live_entries(const struct hp_maps *m, struct fwd_list *out)
{
	struct map_dump d;

	if (map_dump(m->forwards, sizeof(struct hp_forward_key), sizeof(struct hp_forward), &d))
		return -1;
	for (size_t i = 0; i < d.n; i++) {
		struct fwd_entry e;

		memcpy(&e.key, map_dump_key(&d, i), sizeof(e.key));
		memcpy(&e.val, map_dump_value(&d, i), sizeof(e.val));
		if (list_add(out, &e)) {
			map_dump_free(&d);
			return -1;
		}
	}
	map_dump_free(&d);
	if (out->n)
		qsort(out->v, out->n, sizeof(*out->v), entry_cmp);
	return 0;
}

/*
 * Can a change of this entry end sessions made through it? Any change but
 * the hairpin mode (which only decides for new flows); session_invalid()
 * then tells which.
 */
static bool ends_sessions(const struct hp_forward *old, const struct hp_forward *new)
{
	struct hp_forward a = *old, b = *new;

	a.hairpin = b.hairpin = 0;
	return memcmp(&a, &b, sizeof(a)) != 0;
}

/*
 * hp_forwards := wanted: adds and changes first, deletions last, so that
 * an entry that stays is never missing. *@invalidated: sessions may have
 * lost what they were made through.
 */
static int sync_forwards(const struct hp_maps *m, const struct fwd_list *want,
			 const struct fwd_list *live, struct reconcile_result *res,
			 bool *invalidated)
{
	size_t i = 0, j = 0;
	char name[ADDR_PORT_STRLEN];

	while (i < want->n || j < live->n) {
		int c = i >= want->n ? 1 : j >= live->n ? -1 :
			key_cmp(&want->v[i].key, &live->v[j].key);
		const struct fwd_entry *w = c <= 0 ? &want->v[i] : NULL;

		if (c < 0 || (c == 0 && memcmp(&w->val, &live->v[j].val, sizeof(w->val)))) {
			if (bpf_map_update_elem(m->forwards, &w->key, &w->val, BPF_ANY)) {
				format_addr_port(name, sizeof(name), w->key.ext_addr, w->key.ext_port);
				return errorf("cannot add %s %s to hp_forwards: %s",
					      proto_name(w->key.proto), name,
					      errno == E2BIG ? "hp_forwards is full" : strerror(errno));
			}
			if (c == 0) {
				res->changed++;
				*invalidated |= ends_sessions(&live->v[j].val, &w->val);
			} else {
				res->added++;
			}
		}
		if (c <= 0)
			i++;
		if (c >= 0)
			j++;
	}
	/* Deletions: the live entries nobody wants. */
	for (i = 0, j = 0; j < live->n; j++) {
		while (i < want->n && key_cmp(&want->v[i].key, &live->v[j].key) < 0)
			i++;
		if (i < want->n && !key_cmp(&want->v[i].key, &live->v[j].key))
			continue;
		if (!bpf_map_delete_elem(m->forwards, &live->v[j].key))
			res->removed++;
		*invalidated = true;
	}
	return 0;
}

/* hp_ifaces: each port's hairpin source follows its primary address. */
static int sync_ifaces(const struct hp_maps *m, const struct addr_table *addrs,
		       struct reconcile_result *res, bool *invalidated)
{
	struct map_dump d;

	if (map_dump(m->ifaces, sizeof(__u32), sizeof(struct hp_iface), &d))
		return -1;
	for (size_t i = 0; i < d.n; i++) {
		__u32 ifindex = *(__u32 *)map_dump_key(&d, i);
		struct hp_iface rec = *(struct hp_iface *)map_dump_value(&d, i);
		char name[IF_NAMESIZE];
		const struct addr_entry *a;
		__be32 addr;
		__u8 plen;

		if (!if_indextoname(ifindex, name))
			continue; /* gone: detach cleans it */
		a = addrs_primary(addrs, name);
		addr = a ? a->addr : 0;
		plen = a ? a->prefixlen : 0;
		if (addr == rec.addr && plen == rec.prefixlen)
			continue;
		pr_debug("%s: hairpin source %08x/%u -> %08x/%u", name, ntohl(rec.addr), rec.prefixlen,
			 ntohl(addr), plen);
		*invalidated |= rec.addr != addr;
		rec.addr = addr;
		rec.prefixlen = plen;
		if (bpf_map_update_elem(m->ifaces, &ifindex, &rec, BPF_EXIST) && errno != ENOENT) {
			map_dump_free(&d);
			return errorf("%s: cannot update hp_ifaces: %s", name, strerror(errno));
		}
		res->readdressed++;
	}
	map_dump_free(&d);
	return 0;
}

/* What a session is checked against. */
struct validity {
	const struct fwd_list *want;
	const struct rule_set *rules;
	const struct addr_table *addrs;
};

static const struct rule *rule_by_id(const struct rule_set *set, __u32 id)
{
	for (size_t i = 0; i < set->n; i++)
		if (set->v[i].id == id)
			return &set->v[i];
	return NULL;
}

/*
 * A session stays while the entry it came through still sends its external
 * port to the same place for the same rule, its client is still allowed,
 * and its hairpin source is still one of the router's addresses.
 */
static bool session_invalid(const struct hp_session_key *k, const struct hp_session *s,
			    const void *ctx)
{
	const struct validity *v = ctx;
	const struct fwd_entry *e;
	struct fwd_entry probe = { 0 };
	const struct rule *r;
	struct session_view sv;

	session_view(k, s, &sv);
	probe.key = (struct hp_forward_key){ .ext_addr = sv.ext_addr, .ext_port = sv.ext_port,
					     .proto = sv.proto };
	e = bsearch(&probe, v->want->v, v->want->n, sizeof(*e),
		    (int (*)(const void *, const void *))key_cmp);
	if (!e || e->val.rule_id != s->rule_id || e->val.int_addr != sv.int_addr ||
	    e->val.int_port != sv.int_port)
		return true;
	r = rule_by_id(v->rules, s->rule_id);
	if (!r || ((r->r.flags & HP_RF_ALLOWLIST) && !prefix_list_has(r->allow, r->n_allow, sv.client)))
		return true;
	return sv.snat_addr && sv.snat_addr != sv.ext_addr && !addrs_owner(v->addrs, sv.snat_addr);
}

/* hp_allow entries of lists no rule uses (deleted rules, replaced lists). */
static int prune_allow(const struct hp_maps *m, const struct rule_set *rules,
		       struct reconcile_result *res, bool *invalidated)
{
	struct map_dump d;

	if (map_dump(m->allow, sizeof(struct hp_allow_key), sizeof(__u32), &d))
		return -1;
	for (size_t i = 0; i < d.n; i++) {
		const struct hp_allow_key *k = map_dump_key(&d, i);
		__u32 list = ntohl(k->list_id);
		const struct rule *r = rule_by_id(rules, list / 2);

		if (r && (r->r.flags & HP_RF_ALLOWLIST) && HP_ALLOW_ID(r->id, r->r.allow_gen) == list)
			continue;
		if (!bpf_map_delete_elem(m->allow, k)) {
			res->allow_removed++;
			*invalidated = true;
		}
	}
	map_dump_free(&d);
	return 0;
}

static int set_mark(const struct hp_maps *m, bool on)
{
	struct hp_meta meta;

	if (meta_read(m, &meta))
		return -1;
	if (!!(meta.flags & HP_MF_RECONCILE) == on)
		return 0;
	meta.flags = on ? meta.flags | HP_MF_RECONCILE : meta.flags & ~HP_MF_RECONCILE;
	return meta_write(m, &meta);
}

int reconcile_begin(const struct hp_maps *m)
{
	return set_mark(m, true);
}

int reconcile(const struct hp_maps *m, struct reconcile_result *res)
{
	struct fwd_list want = { 0 }, live = { 0 };
	struct rule_set rules = { 0 };
	struct addr_table addrs = { 0 };
	struct reconcile_result none;
	bool invalidated = false;
	int err = -1;

	if (!res)
		res = &none;
	memset(res, 0, sizeof(*res));
	if (rules_read(m, &rules, false) || addrs_read(&addrs) ||
	    wanted_entries(&rules, &addrs, &want, &res->clashes) || live_entries(m, &live) ||
	    sync_forwards(m, &want, &live, res, &invalidated) || fault("reconcile:forwards") ||
	    sync_ifaces(m, &addrs, res, &invalidated) || prune_allow(m, &rules, res, &invalidated) ||
	    fault("reconcile:allow"))
		goto out;
	if (invalidated) {
		struct validity v = { &want, &rules, &addrs };

		if (sessions_flush(m, session_invalid, &v, &res->flows_flushed))
			goto out;
	}
	err = set_mark(m, false);
	pr_debug("reconcile: %u added, %u changed, %u removed, %u ports readdressed, "
		 "%u sessions flushed, %u clashes", res->added, res->changed, res->removed,
		 res->readdressed, res->flows_flushed, res->clashes);
out:
	free(want.v);
	free(live.v);
	rules_free(&rules);
	addrs_free(&addrs);
	return err;
}

void reconcile_report(const struct hp_maps *m)
{
	struct hp_meta meta;

	if (!meta_read(m, &meta) && (meta.flags & HP_MF_RECONCILE))
		pr_warn("an earlier command did not finish: the forwards may not follow the rules "
			"until a command that changes them (e.g. hairpin-xdp apply) repairs it");
}

int reconcile_if_interrupted(const struct hp_maps *m)
{
	struct hp_meta meta;

	if (meta_read(m, &meta))
		return -1;
	if (!(meta.flags & HP_MF_RECONCILE))
		return 0;
	pr_warn("an earlier command was interrupted; repairing the forwards");
	return reconcile(m, NULL);
}
