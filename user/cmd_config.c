// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * config: show or change hp_config (array, key 0) of the loaded instance.
 * The programs read it on every packet, so changes apply at once; the SNAT
 * range and table size are fixed at load (attach) and only shown here.
 */
#include <stdio.h>

#include "cli.h"
#include "cmd.h"
#include "json.h"
#include "log.h"
#include "parse.h"
#include "pins.h"

static const char help[] =
	"Usage: hairpin-xdp config [--fast-path on|off] [--nexthop-cache on|off]\n"
	"                          [--timeout NAME=SECONDS]...\n"
	"\n"
	"Without options: print the configuration. Changes apply at once.\n"
	"\n"
	"  --fast-path on|off      off: every translated packet goes through the\n"
	"                          stack (XDP_PASS, TC egress finishes the rewrite)\n"
	"  --nexthop-cache on|off  off: ask the fib for every fast-path packet\n"
	"                          (on: answers are kept per CPU for 1 s)\n"
	"  --timeout NAME=SECONDS  idle timeout; NAME: tcp-established,\n"
	"                          tcp-transitory, udp, udp-oneway\n";

enum { OPT_TIMEOUT = 0x200, OPT_SWITCH };

/* The on/off switches: each "off" sets a flag of hp_config. */
static const struct config_switch {
	const char *name;     /* option and printed name */
	const char *json;     /* JSON key */
	__u32 off_flag;	      /* enum hp_config_flags */
} switches[] = {
	{ "fast-path", "fast_path", HP_CF_NO_FAST_PATH },
	{ "nexthop-cache", "nexthop_cache", HP_CF_NO_NEXTHOP_CACHE },
};
#define N_SWITCHES (sizeof(switches) / sizeof(switches[0]))

static const struct option longopts[] = {
	{ "fast-path", required_argument, NULL, OPT_SWITCH + 0 },
	{ "nexthop-cache", required_argument, NULL, OPT_SWITCH + 1 },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ NULL },
};

struct config_opts {
	__u32 flags_set;   /* switches given */
	__u32 flags_off;   /* ...and turned off */
	struct hp_config given; /* timeouts set: non-zero */
	bool changed;
};

static int parse_opt(int opt, const char *arg, void *ctx)
{
	struct config_opts *o = ctx;
	const struct config_switch *sw;
	char name[32];
	bool on;

	o->changed = true;
	if (opt == OPT_TIMEOUT)
		return parse_timeout(arg, &o->given);
	sw = &switches[opt - OPT_SWITCH];
	snprintf(name, sizeof(name), "--%s", sw->name);
	if (parse_on_off(arg, name, &on))
		return -1;
	o->flags_set |= sw->off_flag;
	if (!on)
		o->flags_off |= sw->off_flag;
	return 0;
}

static void print_config(const struct hp_config *cfg)
{
	size_t i;

	if (!g_opts.json) {
		printf("%-16s %u-%u\n", "snat-ports", cfg->snat_port_lo, cfg->snat_port_hi);
		printf("%-16s %u\n", "max-sessions", cfg->max_sessions);
		for (i = 0; i < N_SWITCHES; i++)
			printf("%-16s %s\n", switches[i].name,
			       cfg->flags & switches[i].off_flag ? "off" : "on");
		for (i = 0; i < timeout_names_count; i++)
			printf("%-16s %us\n", timeout_names[i].name,
			       config_timeout_val(cfg, &timeout_names[i]));
		return;
	}
	json_begin_object();
	json_kv_u64("snat_port_lo", cfg->snat_port_lo);
	json_kv_u64("snat_port_hi", cfg->snat_port_hi);
	json_kv_u64("max_sessions", cfg->max_sessions);
	for (i = 0; i < N_SWITCHES; i++)
		json_kv_bool(switches[i].json, !(cfg->flags & switches[i].off_flag));
	json_key("timeouts");
	json_begin_object();
	for (i = 0; i < timeout_names_count; i++)
		json_kv_u64(timeout_names[i].name,
			    config_timeout_val(cfg, &timeout_names[i]));
	json_end_object();
	json_end_object();
}

int cmd_config(int argc, char **argv)
{
	struct hp_maps m = HP_MAPS_INIT;
	struct config_opts o = { .changed = false };
	struct hp_config cfg;
	int err;

	err = cmd_getopt_noargs(argc, argv, help, longopts, parse_opt, &o);
	if (err)
		return err == CMD_HELP ? 0 : -1;
	err = -1;
	if (maps_open_loaded(&m) || config_read(&m, &cfg))
		goto out;
	if (o.changed) {
		cfg.flags = (cfg.flags & ~o.flags_set) | o.flags_off;
		config_merge_timeouts(&cfg, &o.given);
		if (config_write(&m, &cfg))
			goto out;
	}
	print_config(&cfg);
	err = 0;
out:
	maps_close(&m);
	return err;
}
