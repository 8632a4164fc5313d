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
	"Usage: hairpin-xdp config [--fast-path on|off] [--timeout NAME=SECONDS]...\n"
	"\n"
	"Without options: print the configuration. Changes apply at once.\n"
	"\n"
	"  --fast-path on|off      off: every translated packet goes through the\n"
	"                          stack (XDP_PASS, TC egress finishes the rewrite)\n"
	"  --timeout NAME=SECONDS  idle timeout; NAME: tcp-established,\n"
	"                          tcp-transitory, udp, udp-oneway\n";

enum { OPT_FAST_PATH = 0x200, OPT_TIMEOUT };

static const struct option longopts[] = {
	{ "fast-path", required_argument, NULL, OPT_FAST_PATH },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ NULL },
};

struct config_opts {
	bool fast_path_set;
	bool fast_path;
	struct hp_config given; /* timeouts set: non-zero */
	bool changed;
};

static int parse_opt(int opt, const char *arg, void *ctx)
{
	struct config_opts *o = ctx;

	o->changed = true;
	if (opt == OPT_FAST_PATH) {
		o->fast_path_set = true;
		return parse_on_off(arg, "--fast-path", &o->fast_path);
	}
	return parse_timeout(arg, &o->given);
}

static void print_config(const struct hp_config *cfg)
{
	bool fast = !(cfg->flags & HP_CF_NO_FAST_PATH);

	if (!g_opts.json) {
		printf("%-16s %u-%u\n", "snat-ports", cfg->snat_port_lo, cfg->snat_port_hi);
		printf("%-16s %u\n", "max-sessions", cfg->max_sessions);
		printf("%-16s %s\n", "fast-path", fast ? "on" : "off");
		for (size_t i = 0; i < timeout_names_count; i++)
			printf("%-16s %us\n", timeout_names[i].name,
			       config_timeout_val(cfg, &timeout_names[i]));
		return;
	}
	json_begin_object();
	json_kv_u64("snat_port_lo", cfg->snat_port_lo);
	json_kv_u64("snat_port_hi", cfg->snat_port_hi);
	json_kv_u64("max_sessions", cfg->max_sessions);
	json_kv_bool("fast_path", fast);
	json_key("timeouts");
	json_begin_object();
	for (size_t i = 0; i < timeout_names_count; i++)
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
		if (o.fast_path_set) {
			if (o.fast_path)
				cfg.flags &= ~HP_CF_NO_FAST_PATH;
			else
				cfg.flags |= HP_CF_NO_FAST_PATH;
		}
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
