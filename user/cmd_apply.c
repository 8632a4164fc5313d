// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * apply [--check] FILE: make the live state equal to the config file
 * (conf.c reads it, apply.c applies it), or with --check only say whether
 * it could be, like nft -c.
 */
#include <stdbool.h>

#include "apply.h"
#include "cli.h"
#include "cmd.h"
#include "conf.h"
#include "json.h"
#include "log.h"

struct apply_opts {
	bool check;
};

static int set_check(void *opts, const char *arg)
{
	((struct apply_opts *)opts)->check = true;
	return 0;
}

static const struct cli_opt apply_options[] = {
	CLI_OPT("check", NULL, "check FILE against this system and the loaded\n"
		"instance, change nothing", set_check),
	{ NULL },
};

static void print_result(const struct conf *c, const struct apply_result *r, bool check)
{
	char what[256];

	if (g_opts.json) {
		json_begin_object();
		json_kv_str("file", c->path);
		json_kv_bool("check", check);
		if (!check) {
			json_kv_bool("loaded", r->loaded);
			json_kv_u64("attached", r->attached);
			json_kv_u64("detached", r->detached);
			json_kv_u64("rules_added", r->rules_added);
			json_kv_u64("rules_changed", r->rules_changed);
			json_kv_u64("rules_removed", r->rules_removed);
			json_kv_u64("rules_kept", r->rules_kept);
			json_kv_bool("config_changed", r->config_changed);
			json_kv_u64("sessions_closed", r->rec.flows_flushed);
		}
		json_end_object();
		return;
	}
	if (check) {
		pr_info("%s: ok (%zu interfaces, %zu forwards)", c->path, c->n_ifaces, c->n_rules);
		return;
	}
	apply_describe(r, what, sizeof(what));
	pr_info("%s: applied: %s", c->path, what);
}

static int apply_run(void *opts, int argc, char **argv)
{
	const struct apply_opts *o = opts;
	struct apply_result res;
	struct conf c;
	int err;

	if (conf_read(argv[0], &c))
		return -1;
	err = apply_conf(&c, o->check, &res);
	if (!err)
		print_result(&c, &res, o->check);
	conf_free(&c);
	return err;
}

const struct command cmd_apply = {
	.name = "apply",
	.args = "FILE",
	.summary = "make the live state equal to a config file, atomically",
	.help = "Read FILE (statements attach, forward, config: see the man page) and\n"
		"make the live state equal to it: what it does not name is removed. A\n"
		"forward that stays keeps its sessions and counters; everything is checked\n"
		"before anything changes, and a failure leaves the previous state whole.\n"
		"Applying the same file again changes nothing. Errors name FILE:LINE.\n",
	.opts = apply_options,
	.opts_size = sizeof(struct apply_opts),
	.run = apply_run,
	.min_args = 1,
	.max_args = 1,
};
