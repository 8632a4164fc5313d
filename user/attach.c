// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "hairpin.skel.h"
#include "attach.h"
#include "config.h"
#include "fault.h"
#include "log.h"
#include "maps.h"
#include "object.h"
#include "pins.h"
#include "upgrade.h"

/* The configuration of a fresh load: defaults overridden by what was given. */
void attach_initial_config(const struct attach_opts *o, struct hp_config *cfg)
{
	config_defaults(cfg);
	if (o->snat_set) {
		cfg->snat_port_lo = o->given.snat_port_lo;
		cfg->snat_port_hi = o->given.snat_port_hi;
	}
	if (o->max_set)
		cfg->max_sessions = o->given.max_sessions;
	cfg->flags = o->given.flags;
	config_merge_timeouts(cfg, &o->given);
}

/*
 * On a loaded instance the load-time options cannot change (the tables are
 * sized, live sessions use the port range). Refuse a mismatch rather than
 * let the user believe it applied; runtime settings point to `config`.
 */
int attach_check_loaded(const struct hp_maps *m, const struct attach_opts *o)
{
	struct hp_config cur;

	if (config_read(m, &cur))
		return -1;
	if (o->snat_set && (cur.snat_port_lo != o->given.snat_port_lo ||
			    cur.snat_port_hi != o->given.snat_port_hi))
		return errorf("already loaded with --snat-ports %u-%u: it applies on first "
			      "load only (detach --all, then attach)",
			      cur.snat_port_lo, cur.snat_port_hi);
	if (o->max_set && cur.max_sessions != o->given.max_sessions)
		return errorf("already loaded with --max-sessions %u: it applies on first "
			      "load only (detach --all, then attach)", cur.max_sessions);
	if ((o->given.flags & HP_CF_NO_FAST_PATH) && !(cur.flags & HP_CF_NO_FAST_PATH))
		return errorf("already loaded with the fast path on; change it with: "
			      "hairpin-xdp config --fast-path off");
	for (size_t i = 0; i < timeout_names_count; i++) {
		const struct timeout_name *t = &timeout_names[i];
		__u32 want = config_timeout_val(&o->given, t);
		__u32 have = config_timeout_val(&cur, t);

		if (want && want != have)
			return errorf("already loaded with timeout %s=%u; change it with: "
				      "hairpin-xdp config --timeout %s=%u",
				      t->name, have, t->name, want);
	}
	return 0;
}

static int pin_prog(struct bpf_program *prog, const char *rel)
{
	char path[PATH_MAX];
	int err;

	if (pin_path(path, sizeof(path), "%s", rel))
		return -1;
	err = bpf_program__pin(prog, path);
	if (err)
		return errorf("cannot pin program at %s: %s", path, strerror(-err));
	return 0;
}

/*
 * Open, size, load and pin. libbpf pins the maps at load (pin_root_path);
 * the XDP program is pinned last because its pin is what "loaded" means.
 */
static int load_and_pin(const struct attach_opts *o)
{
	struct hp_meta meta = { .layout = HP_LAYOUT_VERSION };
	struct hp_config cfg;
	struct hp_build build;
	struct hairpin *skel;
	__u32 entries, egress_entries, key = 0;
	int ncpu, err = -1;

	attach_initial_config(o, &cfg);
	entries = cfg.max_sessions * HP_ENTRIES_PER_SESSION;
	egress_entries = cfg.max_sessions * HP_EGRESS_ENTRIES_PER_SESSION;
	ncpu = libbpf_num_possible_cpus();
	if (ncpu <= 0)
		return errorf("cannot count the possible CPUs: %s", strerror(-ncpu));
	cfg.nr_cpus = ncpu;
	cfg.evict_slots = cfg.max_sessions; /* the eviction ring: a slot per session */

	skel = object_open(true);
	if (!skel)
		return -1;
	object_stamp(skel);
	if (bpf_map__set_max_entries(skel->maps.hp_sessions, entries) ||
	    bpf_map__set_max_entries(skel->maps.hp_egress, egress_entries) ||
	    bpf_map__set_max_entries(skel->maps.hp_evict, cfg.evict_slots)) {
		errorf("cannot size the session tables: %s", strerror(errno));
		goto out;
	}
	err = hairpin__load(skel);
	if (err) {
		errorf("cannot load the BPF programs: %s (run with -v for libbpf's log)",
		       strerror(-err));
		goto out;
	}
	err = bpf_map_update_elem(bpf_map__fd(skel->maps.hp_config), &key, &cfg, BPF_ANY);
	if (err) {
		errorf("cannot write hp_config: %s", strerror(errno));
		goto out;
	}
	err = bpf_map_update_elem(bpf_map__fd(skel->maps.hp_meta), &key, &meta, BPF_ANY);
	if (err) {
		errorf("cannot write hp_meta: %s", strerror(errno));
		goto out;
	}
	object_build(&build);
	err = bpf_map_update_elem(bpf_map__fd(skel->maps.hp_build), &key, &build, BPF_ANY);
	if (err) {
		errorf("cannot write hp_build: %s", strerror(errno));
		goto out;
	}
	err = object_start_sweeper(skel);
	if (err)
		goto out;
	err = fault("attach:maps-pinned") || pin_prog(skel->progs.tc_egress, PIN_PROG_TC) ||
	      fault("attach:tc-prog-pinned") || pin_prog(skel->progs.xdp_ingress, PIN_PROG_XDP);
	pr_debug("loaded: %u session entries, snat ports %u-%u", entries,
		 cfg.snat_port_lo, cfg.snat_port_hi);
out:
	hairpin__destroy(skel);
	return err ? -1 : 0;
}

static int prog_open(const char *rel)
{
	char path[PATH_MAX];
	int fd;

	if (pin_path(path, sizeof(path), "%s", rel))
		return -1;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return errorf("cannot open program %s: %s", path, strerror(errno));
	return fd;
}

static bool any_iface_attached(const struct hp_maps *m)
{
	__u32 key;

	return m->ifaces >= 0 && !bpf_map_get_next_key(m->ifaces, NULL, &key);
}

int attach_resolve(struct attach_result *res, char **names, int n, enum xdp_mode mode)
{
	for (int i = 0; i < n; i++) {
		for (int j = 0; j < i; j++)
			if (!strcmp(names[i], names[j]))
				res[i].duplicate = true;
		if (iface_lookup(names[i], &res[i].info))
			return -1;
		res[i].mode = mode;
	}
	return 0;
}

static int attach_all(struct attach_result *res, int n, const struct hp_maps *m)
{
	int xdp_fd = -1, tc_fd = -1, err = -1;
	char rel[PATH_MAX];

	xdp_fd = prog_open(PIN_PROG_XDP);
	tc_fd = prog_open(PIN_PROG_TC);
	if (xdp_fd < 0 || tc_fd < 0)
		goto out;
	for (int i = 0; i < n; i++) {
		struct attach_result *r = &res[i];
		struct hp_iface rec;

		if (r->duplicate)
			continue;
		bool have_rec, have_pin;

		if (iface_link_rel(rel, sizeof(rel), r->info.name))
			goto out;
		have_rec = !bpf_map_lookup_elem(m->ifaces, &r->info.ifindex, &rec);
		have_pin = pin_exists(rel);
		if (have_rec && have_pin && !(rec.flags & HP_IFF_PENDING)) {
			r->already = true;
			r->generic = rec.flags & HP_IFF_XDP_GENERIC;
			continue;
		}
		if (have_rec || have_pin) {
			/* An attach or detach killed half way: remove its pieces first. */
			pr_warn("%s: an earlier attach or detach did not finish; attaching it anew",
				r->info.name);
			if (!have_rec) {
				memset(&rec, 0, sizeof(rec));
				snprintf(rec.name, sizeof(rec.name), "%s", r->info.name);
			}
			iface_detach(m, r->info.ifindex, &rec);
		}
		if (iface_attach(&r->info, xdp_fd, tc_fd, r->mode, m, &r->fell_back))
			goto out;
		r->attached = true;
		r->generic = r->mode == XDP_MODE_GENERIC || r->fell_back;
	}
	err = 0;
out:
	if (xdp_fd >= 0)
		close(xdp_fd);
	if (tc_fd >= 0)
		close(tc_fd);
	return err;
}

void attach_undo(struct attach_result *res, int n, const struct hp_maps *m)
{
	for (int i = n - 1; i >= 0; i--) {
		struct hp_iface rec = { .flags = 0 };

		if (!res[i].attached)
			continue;
		if (bpf_map_lookup_elem(m->ifaces, &res[i].info.ifindex, &rec))
			snprintf(rec.name, sizeof(rec.name), "%s", res[i].info.name);
		iface_detach(m, res[i].info.ifindex, &rec);
	}
}

int attach_ifaces(const struct attach_opts *o, struct attach_result *res, int n,
		  bool root_existed, bool *loaded, struct hp_maps *m)
{
	bool upgraded;

	*loaded = false;
	if (!pins_loaded()) {
		*loaded = true; /* from here on, a failure removes what it made */
		/*
		 * Maps without programs: a first load was killed half way, and
		 * nothing can have used them yet. They go: libbpf 1.1 cannot
		 * reuse a pinned devmap (the kernel adds BPF_F_RDONLY_PROG).
		 */
		if (pin_exists(PIN_MAPS "/hp_config")) {
			pr_warn("an earlier first attach did not finish; loading anew");
			if (pins_remove_all(false))
				goto undo;
		}
		if (pins_make_dirs() || load_and_pin(o))
			goto undo;
	}
	if (maps_open(m))
		goto undo;
	if (!*loaded && (attach_check_loaded(m, o) || upgrade_programs(m, &upgraded)))
		goto err;
	if (attach_all(res, n, m))
		goto undo;
	return 0;

undo:
	attach_undo(res, n, m);
	if (*loaded && !any_iface_attached(m)) {
		maps_close(m);
		pins_remove_all(!root_existed);
	}
err:
	maps_close(m);
	return -1;
}
