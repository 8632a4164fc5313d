// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * attach IFACE...: load and pin the programs and maps on first use, then
 * attach to each interface (attach.c). All or nothing: when any interface
 * fails, every change this invocation made is undone, including the load.
 */
#include <stdlib.h>
#include <string.h>

#include "attach.h"
#include "cli.h"
#include "cmd.h"
#include "config.h"
#include "json.h"
#include "log.h"
#include "maps.h"
#include "parse.h"
#include "pins.h"
#include "teardown.h"
#include "veth.h"

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
	"A build whose programs differ from the loaded ones replaces them in place\n"
	"on every attached interface, keeping every map, rule and session, when\n"
	"the maps have the layout it was built for; otherwise it changes nothing\n"
	"and says so (--reset-state starts over).\n"
	"\n"
	"The TC egress filter uses handle 0x4850 and pref 0x4850 (18512) on a\n"
	"clsact qdisc; the qdisc is removed at detach only if attach created it.\n";

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

static int set_reset_state(void *opts, const char *arg)
{
	((struct attach_opts *)opts)->reset_state = true;
	return 0;
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
	CLI_OPT("reset-state", NULL, "start over: detach everywhere and drop every rule\n"
	  "and session first (the way out of maps of an\nincompatible build)", set_reset_state),
	{ NULL },
};

static void attach_init(void *opts)
{
	((struct attach_opts *)opts)->mode = XDP_MODE_AUTO;
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

/* --reset-state: what detach --all does, but the root (and its lock) stays. */
static int reset_state(void)
{
	struct detach_target *t;
	int n, err;

	err = teardown_all(false, &t, &n);
	free(t);
	if (!err)
		pr_info("reset: detached %d interface%s, dropped every rule and session", n,
			n == 1 ? "" : "s");
	return err;
}

static int attach_run(void *opts, int n, char **argv)
{
	const struct attach_opts *o = opts;
	struct hp_maps m = HP_MAPS_INIT;
	struct attach_result *res;
	bool root_existed, loaded;
	int err = -1;

	res = calloc(n, sizeof(*res));
	if (!res)
		return errorf("out of memory");
	if (attach_resolve(res, argv, n, o->mode) || pins_root_check(&root_existed) || pins_lock(true) ||
	    (o->reset_state && root_existed && reset_state()) ||
	    attach_ifaces(o, res, n, root_existed, &loaded, &m))
		goto out;
	/* Only after success: a failed attach prints its one error line. */
	for (int i = 0; i < n; i++)
		if (res[i].attached)
			veth_check_peer(res[i].info.name, res[i].info.ifindex);
	print_results(res, n, loaded);
	err = 0;
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
