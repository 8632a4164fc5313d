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
#include "config.h"
#include "maps.h"
#include "parse.h"
#include "pins.h"

static int set_switch(struct config_opts *o, const struct config_switch *sw, const char *arg)
{
	char name[32];
	bool on;

	o->changed = true;
	snprintf(name, sizeof(name), "--%s", sw->name);
	if (parse_on_off(arg, name, &on))
		return -1;
	o->flags_set |= sw->off_flag;
	if (!on)
		o->flags_off |= sw->off_flag;
	return 0;
}

static int set_fast_path(void *o, const char *arg)
{
	return set_switch(o, &config_switches[0], arg);
}

static int set_nexthop_cache(void *o, const char *arg)
{
	return set_switch(o, &config_switches[1], arg);
}

static int set_timeout(void *opts, const char *arg)
{
	struct config_opts *o = opts;

	o->changed = true;
	return parse_timeout(arg, &o->given);
}

static const struct cli_opt config_options[] = {
	CLI_OPT("fast-path", "on|off", "off: every translated packet goes through the\n"
	  "stack (XDP_PASS, TC egress finishes the rewrite)", set_fast_path),
	CLI_OPT("nexthop-cache", "on|off", "off: ask the fib for every fast-path packet\n"
	  "(on: answers are kept per CPU for 1 s)", set_nexthop_cache),
	CLI_OPT("timeout", "NAME=SECONDS", "idle timeout; NAME: tcp-established,\n"
	  "tcp-transitory, udp, udp-oneway (repeatable)", set_timeout),
	{ NULL },
};

static void print_config(const struct hp_config *cfg)
{
	size_t i;

	if (!g_opts.json) {
		printf("%-16s %u-%u\n", "snat-ports", cfg->snat_port_lo, cfg->snat_port_hi);
		printf("%-16s %u\n", "max-sessions", cfg->max_sessions);
		for (i = 0; i < config_switches_count; i++)
			printf("%-16s %s\n", config_switches[i].name,
			       cfg->flags & config_switches[i].off_flag ? "off" : "on");
		for (i = 0; i < timeout_names_count; i++)
			printf("%-16s %us\n", timeout_names[i].name,
			       config_timeout_val(cfg, &timeout_names[i]));
		return;
	}
	json_begin_object();
	json_kv_u64("snat_port_lo", cfg->snat_port_lo);
	json_kv_u64("snat_port_hi", cfg->snat_port_hi);
	json_kv_u64("max_sessions", cfg->max_sessions);
	for (i = 0; i < config_switches_count; i++)
		json_kv_bool(config_switches[i].json, !(cfg->flags & config_switches[i].off_flag));
	json_key("timeouts");
	json_begin_object();
	for (i = 0; i < timeout_names_count; i++)
		json_kv_u64(timeout_names[i].name,
			    config_timeout_val(cfg, &timeout_names[i]));
	json_end_object();
	json_end_object();
}

static int config_run(void *opts, int argc, char **argv)
{
	struct hp_maps m = HP_MAPS_INIT;
	struct config_opts *o = opts;
	struct hp_config cfg;
	int err = -1;

	if ((o->changed && pins_lock(false)) || maps_open_loaded(&m) || config_read(&m, &cfg))
		goto out;
	if (o->changed) {
		config_apply_opts(&cfg, o);
		if (config_write(&m, &cfg))
			goto out;
	}
	print_config(&cfg);
	err = 0;
out:
	maps_close(&m);
	return err;
}

const struct command cmd_config = {
	.name = "config",
	.summary = "show or change the runtime configuration",
	.help = "Without options: print the configuration. Changes apply at once.\n",
	.opts = config_options,
	.opts_size = sizeof(struct config_opts),
	.run = config_run,
};
