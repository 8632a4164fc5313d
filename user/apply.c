// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "addrs.h"
#include "apply.h"
#include "attach.h"
#include "fault.h"
#include "iface.h"
#include "log.h"
#include "maps.h"
#include "pins.h"

/* A rule as it should be in its slot. */
struct rule_target {
	__u32 id;
	struct hp_rule r;
	const struct prefix *allow;
	size_t n_allow;
};

static void set_line(const struct conf *c, int line)
{
	char where[300];

	snprintf(where, sizeof(where), "%s:%d", c->path, line);
	log_context(line ? where : c->path);
}

/* ---- checks: nothing changes before they all pass ---- */

/* The interfaces to attach, resolved; each one's mode as the file says. */
static int resolve_ifaces(const struct conf *c, struct attach_result *att)
{
	for (size_t i = 0; i < c->n_ifaces; i++) {
		char *name = (char *)c->ifaces[i].name;

		set_line(c, c->ifaces[i].line);
		if (attach_resolve(&att[i], &name, 1, c->ifaces[i].mode))
			return -1;
	}
	/* A forward may wait for its interface (a PPP link comes up later). */
	for (size_t i = 0; i < c->n_rules; i++) {
		const struct hp_rule *r = &c->rules[i].r;

		if ((r->flags & HP_RF_EXT_IFACE) && !if_nametoindex(r->ext_ifname)) {
			set_line(c, c->rules[i].line);
			pr_warn("%s: no such interface (yet): the forward stays inactive until it "
				"has an IPv4 address", r->ext_ifname);
		}
	}
	log_context(NULL);
	return 0;
}

/* With the addresses as they are, no two rules of the file may share a port. */
static int check_rules(const struct conf *c, const struct addr_table *addrs)
{
	unsigned int entries = 0;
	__be32 ext[64];

	for (size_t i = 0; i < c->n_rules; i++) {
		const struct hp_rule *r = &c->rules[i].r;

		set_line(c, c->rules[i].line);
		for (size_t j = 0; j < i; j++) {
			char name[RULE_NAME_STRLEN], other[RULE_NAME_STRLEN];
			__u16 port;

			if (!rule_overlaps(r, &c->rules[j].r, addrs, &port))
				continue;
			rule_name(name, sizeof(name), r);
			rule_name(other, sizeof(other), &c->rules[j].r);
			return errorf("forward %s overlaps forward %s on line %d (port %u, with the "
				      "addresses the interfaces have now)", name, other,
				      c->rules[j].line, port);
		}
		entries += (r->ext_port_last - r->ext_port_first + 1) *
			   (unsigned int)rule_ext_addrs(r, addrs, ext, 64);
	}
	log_context(c->path);
	if (c->n_rules > HP_MAX_RULES)
		return errorf("%zu forwards: at most %u", c->n_rules, HP_MAX_RULES);
	if (entries > HP_MAX_FORWARD_PORTS)
		return errorf("the forwards need %u entries in hp_forwards; it holds %u", entries,
			      HP_MAX_FORWARD_PORTS);
	log_context(NULL);
	return 0;
}

/*
 * Against the loaded instance: the table size cannot change without a
 * reload, and an interface attached in one mode is not moved to another.
 */
static int check_loaded(const struct conf *c, const struct hp_maps *m)
{
	struct hp_config cur;

	if (config_read(m, &cur))
		return -1;
	if (c->load.max_set && c->load.given.max_sessions != cur.max_sessions) {
		log_context(c->path);
		return errorf("--max-sessions %u needs new session tables (loaded with %u): "
			      "hairpin-xdp detach --all, then apply", c->load.given.max_sessions,
			      cur.max_sessions);
	}
	for (size_t i = 0; i < c->n_ifaces; i++) {
		const struct conf_iface *f = &c->ifaces[i];
		struct hp_iface rec;
		__u32 ifindex;
		bool generic;

		if (f->mode == XDP_MODE_AUTO || iface_find_attached(m, f->name, &ifindex, &rec) != 1)
			continue;
		generic = rec.flags & HP_IFF_XDP_GENERIC;
		if (generic != (f->mode == XDP_MODE_GENERIC)) {
			set_line(c, f->line);
			return errorf("%s is attached in %s mode; to change its mode: hairpin-xdp "
				      "detach %s, then apply", f->name, generic ? "generic" : "native",
				      f->name);
		}
	}
	return 0;
}

/* ---- rules ---- */

/* Which live rule a rule of the file is: the same on both sides, or none. */
static const struct rule *match_live(const struct rule_set *live, const struct hp_rule *r)
{
	for (size_t i = 0; i < live->n; i++)
		if (rule_same_target(&live->v[i].r, r))
			return &live->v[i];
	return NULL;
}

static bool id_taken(const struct rule_set *live, const struct rule_target *t, size_t n, __u32 id)
{
	for (size_t i = 0; i < live->n; i++)
		if (live->v[i].id == id)
			return true;
	for (size_t i = 0; i < n; i++)
		if (t[i].id == id)
			return true;
	return false;
}

/*
 * The slots the file asks for: a rule that matches a live one keeps its
 * id; a new one takes an id that no live rule has (one freed by this apply
 * is not reused, so that no session can be taken for the new rule's).
 */
static int plan_rules(const struct conf *c, const struct rule_set *live, struct rule_target *t,
		      struct apply_result *res)
{
	__u32 next = 0;

	for (size_t i = 0; i < c->n_rules; i++) {
		const struct rule *l = match_live(live, &c->rules[i].r);

		t[i].r = c->rules[i].r;
		t[i].allow = c->rules[i].opts.allow;
		t[i].n_allow = c->rules[i].opts.n_allow;
		t[i].id = l ? l->id : HP_MAX_RULES;
	}
	for (size_t i = 0; i < c->n_rules; i++) {
		if (t[i].id != HP_MAX_RULES)
			continue;
		while (next < HP_MAX_RULES && id_taken(live, t, c->n_rules, next))
			next++;
		if (next == HP_MAX_RULES) {
			log_context(c->path);
			return errorf("no free rule id: %u rules live and %zu in the file, at most %u",
				      (unsigned int)live->n, c->n_rules, HP_MAX_RULES);
		}
		t[i].id = next++;
		res->rules_added++;
	}
	return 0;
}

static const struct rule_target *target_of(const struct rule_target *t, size_t n, __u32 id)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].id == id)
			return &t[i];
	return NULL;
}

/*
 * Make hp_rules hold exactly @t (@n slots): allow lists first, then every
 * slot in one pass, then reconcile(). Slots already as wanted are not
 * written at all.
 */
static int sync_rules(const struct hp_maps *m, const struct rule_target *t, size_t n,
		      struct apply_result *res)
{
	struct rule_set cur = { 0 };
	struct hp_rule *slots = NULL;
	bool *write = NULL, any = false;
	int err = -1;

	if (rules_read(m, &cur, false))
		return -1;
	slots = calloc(HP_MAX_RULES, sizeof(*slots));
	write = calloc(HP_MAX_RULES, sizeof(*write));
	if (!slots || !write) {
		errorf("out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const struct rule *old = NULL;

		for (size_t j = 0; j < cur.n && !old; j++)
			if (cur.v[j].id == t[i].id)
				old = &cur.v[j];
		if (old && rule_same_target(&old->r, &t[i].r) && old->r.hairpin == t[i].r.hairpin &&
		    rule_same_allow(old, t[i].allow, t[i].n_allow)) {
			res->rules_kept++;
			continue;
		}
		if (old && rule_same_target(&old->r, &t[i].r))
			res->rules_changed++;
		slots[t[i].id] = t[i].r;
		if (!old && map_percpu_zero(m->rule_stats, t[i].id, 3))
			goto out;
		if (rule_write_allow(m, t[i].id, &slots[t[i].id], old, t[i].allow, t[i].n_allow))
			goto out;
		write[t[i].id] = any = true;
	}
	for (size_t j = 0; j < cur.n; j++) {
		if (target_of(t, n, cur.v[j].id))
			continue;
		memset(&slots[cur.v[j].id], 0, sizeof(slots[0]));
		write[cur.v[j].id] = any = true;
		res->rules_removed++;
	}
	if (any && (fault("apply:allow") || reconcile_begin(m)))
		goto out;
	for (__u32 id = 0; id < HP_MAX_RULES; id++)
		if (write[id] && rule_write_slot(m, id, &slots[id]))
			goto out;
	if (fault("apply:slots"))
		goto out;
	err = reconcile(m, &res->rec);
out:
	free(slots);
	free(write);
	rules_free(&cur);
	return err;
}

/* The live rules as targets, to go back to them. */
static struct rule_target *targets_of(const struct rule_set *live)
{
	struct rule_target *t = calloc(live->n + 1, sizeof(*t));

	for (size_t i = 0; t && i < live->n; i++)
		t[i] = (struct rule_target){ live->v[i].id, live->v[i].r, live->v[i].allow,
					     live->v[i].n_allow };
	return t;
}

/* ---- interfaces the file no longer names ---- */

static bool conf_names(const struct conf *c, const char *name)
{
	for (size_t i = 0; i < c->n_ifaces; i++)
		if (!strncmp(c->ifaces[i].name, name, IFNAMSIZ))
			return true;
	return false;
}

static int detach_unnamed(const struct conf *c, const struct hp_maps *m, struct apply_result *res)
{
	struct map_dump d;
	int err = 0;

	if (map_dump(m->ifaces, sizeof(__u32), sizeof(struct hp_iface), &d))
		return -1;
	for (size_t i = 0; i < d.n; i++) {
		__u32 ifindex = *(__u32 *)map_dump_key(&d, i);
		struct hp_iface rec = *(struct hp_iface *)map_dump_value(&d, i);

		rec.name[sizeof(rec.name) - 1] = '\0';
		if (conf_names(c, rec.name))
			continue;
		if (iface_detach(m, ifindex, &rec))
			err = -1;
		else
			res->detached++;
	}
	map_dump_free(&d);
	return err;
}

/* ---- the whole ---- */

static int check_only(const struct conf *c)
{
	struct hp_maps m = HP_MAPS_INIT;
	bool exists;
	int err = 0;

	if (pins_root_check(&exists))
		return -1;
	if (exists && pins_loaded())
		err = maps_open(&m) || check_loaded(c, &m);
	maps_close(&m);
	return err ? -1 : 0;
}

int apply_conf(const struct conf *c, bool check, struct apply_result *res)
{
	struct attach_result *att = calloc(c->n_ifaces + 1, sizeof(*att));
	struct rule_target *want = calloc(c->n_rules + 1, sizeof(*want)), *before = NULL;
	struct hp_maps m = HP_MAPS_INIT;
	struct rule_set live = { 0 };
	struct addr_table addrs = { 0 };
	struct hp_config old_cfg, new_cfg;
	struct attach_opts load;
	bool root_existed, rules_written = false;
	int err = -1;

	memset(res, 0, sizeof(*res));
	if (!att || !want) {
		errorf("out of memory");
		goto out;
	}
	if (resolve_ifaces(c, att) || addrs_read(&addrs) || check_rules(c, &addrs))
		goto out;
	if (check) {
		err = check_only(c);
		goto out;
	}

	if (pins_root_check(&root_existed))
		goto out;
	/* Nothing loaded and nothing wanted: nothing to load either. */
	if ((!root_existed || !pins_loaded()) && !c->n_ifaces && !c->n_rules) {
		err = 0;
		goto out;
	}
	if (pins_lock(true))
		goto out;
	load = c->load;
	if (pins_loaded()) {
		if (maps_open(&m) || check_loaded(c, &m))
			goto out;
		/* Loaded: the SNAT range and the switches are settings, written below. */
		load.snat_set = false;
		load.given.flags = 0;
	}
	maps_close(&m);
	if (attach_ifaces(&load, att, (int)c->n_ifaces, root_existed, &res->loaded, &m))
		goto out;
	for (size_t i = 0; i < c->n_ifaces; i++)
		res->attached += att[i].attached;
	if (fault("apply:attached") || reconcile_if_interrupted(&m) || config_read(&m, &old_cfg))
		goto undo;
	conf_wanted_config(c, old_cfg.max_sessions, &new_cfg);
	res->config_changed = memcmp(&old_cfg, &new_cfg, sizeof(new_cfg)) != 0;
	if ((res->config_changed && config_write(&m, &new_cfg)) || fault("apply:config"))
		goto undo;

	if (rules_read(&m, &live, false) || plan_rules(c, &live, want, res) ||
	    !(before = targets_of(&live)))
		goto undo;
	rules_written = true;
	if (sync_rules(&m, want, c->n_rules, res) || fault("apply:rules"))
		goto undo;
	if (detach_unnamed(c, &m, res) || fault("apply:detached"))
		goto undo;
	err = 0;
	goto out;

undo:
	/* Back to what was there: rules, settings, interfaces, the load. */
	if (rules_written) {
		struct apply_result ignored;

		memset(&ignored, 0, sizeof(ignored));
		sync_rules(&m, before, live.n, &ignored);
	}
	if (res->config_changed)
		config_write(&m, &old_cfg);
	attach_undo(att, (int)c->n_ifaces, &m);
	if (res->loaded) {
		maps_close(&m);
		pins_remove_all(!root_existed);
	}
out:
	log_context(NULL);
	maps_close(&m);
	rules_free(&live);
	addrs_free(&addrs);
	free(before);
	free(want);
	free(att);
	return err;
}

void apply_describe(const struct apply_result *r, char *buf, size_t len)
{
	snprintf(buf, len, "%u attached, %u detached; forwards %u added, %u changed, %u removed, "
		 "%u kept; settings %s; %u sessions closed", r->attached, r->detached,
		 r->rules_added, r->rules_changed, r->rules_removed, r->rules_kept,
		 r->config_changed ? "changed" : "unchanged", r->rec.flows_flushed);
}
