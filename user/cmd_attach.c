// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * attach IFACE...: load and pin the programs and maps on first use, then
 * attach to each interface. All or nothing: when any interface fails, every
 * change this invocation made is undone, including the load.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "hairpin.skel.h"
#include "cli.h"
#include "cmd.h"
#include "iface.h"
#include "json.h"
#include "log.h"
#include "parse.h"
#include "pins.h"
#include "veth.h"

/* Bounds --max-sessions (hp_sessions holds two entries each). */
#define MAX_SESSIONS_LIMIT (1U << 24)

static const char help[] =
	"Load the programs if they are not loaded yet (pinned under the pin root),\n"
	"then attach XDP ingress and TC egress to each IFACE. Interfaces already\n"
	"attached are left as they are. If any IFACE fails, nothing is changed.\n"
	"A VLAN device (eth0.10) works in generic mode. Attach either a trunk\n"
	"(eth0: tagged frames are translated through the stack) or its VLAN\n"
	"devices, not both: a packet would meet the NAT twice.\n"
	"\n"
	"--snat-ports, --max-sessions, --no-fast-path and --timeout are applied when\n"
	"the programs are loaded (the first attach); on a loaded instance they must\n"
	"match it or be left out (see `hairpin-xdp config`).\n"
	"\n"
	"The TC egress filter uses handle 0x4850 and pref 0x4850 (18512) on a\n"
	"clsact qdisc; the qdisc is removed at detach only if attach created it.\n";

struct attach_opts {
	enum xdp_mode mode;
	bool snat_set;
	bool max_set;
	/*
	 * Only what the user gave: timeouts left 0, flags without
	 * HP_CF_NO_FAST_PATH mean "no opinion".
	 */
	struct hp_config given;
};

/* One IFACE of the command line and what happened to it. */
struct attach_result {
	struct iface_info info;
	bool duplicate;		/* named earlier on the same line */
	bool already;		/* attached before this invocation */
	bool attached;		/* attached by this invocation */
	bool generic;
	bool fell_back;
};

static int set_mode(void *opts, const char *arg)
{
	struct attach_opts *o = opts;

	if (!strcmp(arg, "native"))
		o->mode = XDP_MODE_NATIVE;
	else if (!strcmp(arg, "generic"))
		o->mode = XDP_MODE_GENERIC;
	else
		return errorf("bad --mode '%s': expected native or generic", arg);
	return 0;
}

static int set_snat_ports(void *opts, const char *arg)
{
	struct attach_opts *o = opts;

	o->snat_set = true;
	return parse_port_range(arg, &o->given.snat_port_lo, &o->given.snat_port_hi);
}

static int set_max_sessions(void *opts, const char *arg)
{
	struct attach_opts *o = opts;

	o->max_set = true;
	return parse_u32(arg, "--max-sessions", 1, MAX_SESSIONS_LIMIT, &o->given.max_sessions);
}

static int set_no_fast_path(void *opts, const char *arg)
{
	((struct attach_opts *)opts)->given.flags |= HP_CF_NO_FAST_PATH;
	return 0;
}

static int set_timeout(void *opts, const char *arg)
{
	return parse_timeout(arg, &((struct attach_opts *)opts)->given);
}

static const struct cli_opt attach_options[] = {
	CLI_OPT("mode", "native|generic", "XDP mode (default: native, generic when the\n"
	  "driver has no native XDP, e.g. a bridge or a VLAN)", set_mode),
	CLI_OPT("snat-ports", "LO-HI", "hairpin SNAT source ports (default 61000-65535)",
		set_snat_ports),
	CLI_OPT("max-sessions", "N", "NAT session table size (default 262144)", set_max_sessions),
	CLI_OPT("no-fast-path", NULL, "always pass translated packets to the stack", set_no_fast_path),
	CLI_OPT("timeout", "NAME=SECONDS", "idle timeout; NAME: tcp-established (7440),\n"
	  "tcp-transitory (240), udp (120), udp-oneway (30)", set_timeout),
	{ NULL },
};

static void attach_init(void *opts)
{
	((struct attach_opts *)opts)->mode = XDP_MODE_AUTO;
}

/* The configuration of a fresh load: defaults overridden by what was given. */
static void initial_config(const struct attach_opts *o, struct hp_config *cfg)
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
static int check_loaded_config(const struct hp_maps *m, const struct attach_opts *o)
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
	char maps_dir[PATH_MAX];
	LIBBPF_OPTS(bpf_object_open_opts, open_opts, .pin_root_path = maps_dir);
	struct hp_config cfg;
	struct hairpin *skel;
	__u32 entries, egress_entries, key = 0;
	int err = -1;

	if (pin_path(maps_dir, sizeof(maps_dir), PIN_MAPS))
		return -1;
	initial_config(o, &cfg);
	entries = cfg.max_sessions * HP_ENTRIES_PER_SESSION;
	egress_entries = cfg.max_sessions * HP_EGRESS_ENTRIES_PER_SESSION;

	skel = hairpin__open_opts(&open_opts);
	if (!skel)
		return errorf("cannot open the BPF object: %s", strerror(errno));
	if (bpf_map__set_max_entries(skel->maps.hp_sessions, entries) ||
	    bpf_map__set_max_entries(skel->maps.hp_egress, egress_entries)) {
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
	err = pin_prog(skel->progs.tc_egress, PIN_PROG_TC);
	if (!err)
		err = pin_prog(skel->progs.xdp_ingress, PIN_PROG_XDP);
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

/* Resolve every IFACE before changing anything: a typo changes nothing. */
static int resolve_all(struct attach_result *res, char **names, int n)
{
	for (int i = 0; i < n; i++) {
		for (int j = 0; j < i; j++)
			if (!strcmp(names[i], names[j]))
				res[i].duplicate = true;
		if (iface_lookup(names[i], &res[i].info))
			return -1;
	}
	return 0;
}

static void print_results(const struct attach_result *res, int n, bool loaded)
{
	if (g_opts.json) {
		json_begin_object();
		json_kv_str("pin_root", pins_root());
		json_kv_bool("loaded", loaded);
		json_key("interfaces");
		json_begin_array();
	} else if (loaded) {
		pr_info("loaded, pinned under %s", pins_root());
	}
	for (int i = 0; i < n; i++) {
		const struct attach_result *r = &res[i];

		if (r->duplicate)
			continue;
		if (g_opts.json) {
			json_begin_object();
			json_kv_str("ifname", r->info.name);
			json_kv_u64("ifindex", r->info.ifindex);
			json_kv_str("status", r->already ? "already attached" : "attached");
			json_kv_str("mode", r->generic ? "generic" : "native");
			json_end_object();
		} else if (r->already) {
			pr_info("%s: already attached", r->info.name);
		} else if (r->fell_back) {
			pr_info("%s: attached (generic XDP: the driver has no native XDP)",
				r->info.name);
		} else {
			pr_info("%s: attached (%s XDP)", r->info.name,
				r->generic ? "generic" : "native");
		}
	}
	if (g_opts.json) {
		json_end_array();
		json_end_object();
	}
}

static int attach_all(struct attach_result *res, int n, const struct attach_opts *o,
		      const struct hp_maps *m)
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
		if (iface_link_rel(rel, sizeof(rel), r->info.name))
			goto out;
		if (pin_exists(rel)) {
			r->already = true;
			if (!bpf_map_lookup_elem(m->ifaces, &r->info.ifindex, &rec))
				r->generic = rec.flags & HP_IFF_XDP_GENERIC;
			continue;
		}
		if (iface_attach(&r->info, xdp_fd, tc_fd, o->mode, m, &r->fell_back))
			goto out;
		r->attached = true;
		r->generic = o->mode == XDP_MODE_GENERIC || r->fell_back;
	}
	err = 0;
out:
	if (xdp_fd >= 0)
		close(xdp_fd);
	if (tc_fd >= 0)
		close(tc_fd);
	return err;
}

/* Undo, newest first, the interfaces this invocation attached. */
static void detach_ours(struct attach_result *res, int n, const struct hp_maps *m)
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

static int attach_run(void *opts, int n, char **argv)
{
	const struct attach_opts *o = opts;
	struct hp_maps m = HP_MAPS_INIT;
	bool root_existed, loaded_here = false;
	struct attach_result *res = NULL;
	int err = -1;

	res = calloc(n, sizeof(*res));
	if (!res)
		return errorf("out of memory");
	if (resolve_all(res, argv, n) || pins_root_check(&root_existed))
		goto out;

	if (!pins_loaded()) {
		if (pins_make_dirs()) {
			loaded_here = true; /* remove what it made */
			goto undo;
		}
		loaded_here = true;
		if (load_and_pin(o))
			goto undo;
	}
	if (maps_open(&m))
		goto undo;
	if (!loaded_here && check_loaded_config(&m, o))
		goto out;
	if (attach_all(res, n, o, &m))
		goto undo;

	/* Only after success: a failed attach prints its one error line. */
	for (int i = 0; i < n; i++)
		if (res[i].attached)
			veth_check_peer(res[i].info.name, res[i].info.ifindex);
	print_results(res, n, loaded_here);
	err = 0;
	goto out;

undo:
	detach_ours(res, n, &m);
	if (loaded_here && !any_iface_attached(&m)) {
		maps_close(&m);
		pins_remove_all(!root_existed);
	}
out:
	maps_close(&m);
	free(res);
	return err;
}

const struct command cmd_attach = {
	.name = "attach",
	.args = "IFACE...",
	.summary = "load if needed; attach XDP ingress + TC egress to interfaces",
	.help = help,
	.opts = attach_options,
	.opts_size = sizeof(struct attach_opts),
	.init = attach_init,
	.run = attach_run,
	.min_args = 1,
	.max_args = -1,
};
