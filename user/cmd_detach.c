// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * detach IFACE... and detach --all. Detaching one interface checks all the
 * named ones first, so that a typo changes nothing; --all also unpins the
 * programs and maps and removes the pin root.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "cli.h"
#include "cmd.h"
#include "iface.h"
#include "json.h"
#include "log.h"
#include "maps.h"
#include "pins.h"
#include "teardown.h"

struct detach_opts {
	bool all;
};

static int set_all(void *opts, const char *arg)
{
	((struct detach_opts *)opts)->all = true;
	return 0;
}

static const struct cli_opt detach_options[] = {
	CLI_OPT("all", NULL, "every attached interface, then unload", set_all),
	{ NULL },
};

static void print_detached(const struct detach_target *t, int n, bool unloaded)
{
	if (g_opts.json) {
		json_begin_object();
		json_key("detached");
		json_begin_array();
	}
	for (int i = 0; i < n; i++) {
		if (g_opts.json)
			json_str(t[i].rec.name);
		else
			pr_info("%s: detached", t[i].rec.name);
	}
	if (g_opts.json) {
		json_end_array();
		json_kv_bool("unloaded", unloaded);
		json_end_object();
	} else if (unloaded) {
		pr_info("unloaded, nothing left under %s", pins_root());
	}
}

static int detach_named(char **names, int n)
{
	struct hp_maps m = HP_MAPS_INIT;
	struct detach_target *t;
	int err = -1;

	if (pins_lock(false) || pins_require_loaded())
		return -1;
	t = calloc(n, sizeof(*t));
	if (!t)
		return errorf("out of memory");
	if (maps_open(&m))
		goto out;
	for (int i = 0; i < n; i++) {
		int found = iface_find_attached(&m, names[i], &t[i].ifindex, &t[i].rec);

		if (!found)
			found = teardown_find_stray(names[i], &t[i]);
		if (!found) {
			errorf("%s: not attached", names[i]);
			goto out;
		}
		for (int j = 0; j < i; j++)
			if (t[j].ifindex == t[i].ifindex &&
			    !strcmp(t[j].rec.name, t[i].rec.name)) {
				errorf("%s: named twice", names[i]);
				goto out;
			}
	}
	err = 0;
	for (int i = 0; i < n; i++)
		if (iface_detach(&m, t[i].ifindex, &t[i].rec))
			err = -1;
	if (!err)
		print_detached(t, n, false);
out:
	maps_close(&m);
	free(t);
	return err;
}

static int detach_all(void)
{
	struct detach_target *t = NULL;
	bool exists;
	int n = 0, err;

	if (pins_root_check(&exists))
		return -1;
	if (!exists) {
		if (g_opts.json)
			print_detached(NULL, 0, false);
		else
			pr_info("nothing to detach: %s does not exist", pins_root());
		return 0;
	}
	if (pins_lock(false))
		return -1;
	err = teardown_all(true, &t, &n);
	if (!err)
		print_detached(t, n, true);
	free(t);
	return err;
}

static int detach_run(void *opts, int argc, char **argv)
{
	const struct detach_opts *o = opts;

	if (o->all && argc)
		return usage_error("detach", "--all takes no IFACE");
	if (o->all)
		return detach_all();
	if (!argc)
		return usage_error("detach", "missing IFACE or --all");
	return detach_named(argv, argc);
}

const struct command cmd_detach = {
	.name = "detach",
	.args = "IFACE... | --all",
	.summary = "detach from interfaces, or everywhere with --all",
	.help = "Detach XDP ingress and TC egress from each IFACE (an interface that is\n"
		"gone, e.g. with its netns, is cleaned from the pins and maps). With\n"
		"--all: detach everywhere, unpin all programs and maps and remove the pin\n"
		"root, leaving nothing behind.\n",
	.opts = detach_options,
	.opts_size = sizeof(struct detach_opts),
	.run = detach_run,
	.max_args = -1,
};
