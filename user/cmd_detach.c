// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * detach IFACE... and detach --all. Detaching one interface checks all the
 * named ones first, so that a typo changes nothing; --all also unpins the
 * programs and maps and removes the pin root.
 */
#include <dirent.h>
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

struct target {
	__u32 ifindex;
	struct hp_iface rec;
};

static void print_detached(const struct target *t, int n, bool unloaded)
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

/*
 * An XDP link pin without an hp_ifaces entry (an attach that died half way):
 * still detach it, by the name in the pin.
 */
static int find_stray(const char *name, struct target *t)
{
	char rel[PATH_MAX];

	if (iface_link_rel(rel, sizeof(rel), name) || !pin_exists(rel))
		return 0;
	memset(t, 0, sizeof(*t));
	t->ifindex = if_nametoindex(name);
	snprintf(t->rec.name, sizeof(t->rec.name), "%s", name);
	return 1;
}

static int detach_named(char **names, int n)
{
	struct hp_maps m = HP_MAPS_INIT;
	struct target *t;
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
			found = find_stray(names[i], &t[i]);
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

/* Everything in hp_ifaces, then stray link pins. */
static int collect_all(const struct hp_maps *m, struct target **out, int *n)
{
	struct target *t = calloc(HP_MAX_IFACES * 2, sizeof(*t));
	char dir[PATH_MAX];
	__u32 key, *prev = NULL;
	struct dirent *de;
	DIR *d;

	*out = t;
	*n = 0;
	if (!t)
		return errorf("out of memory");
	while (m->ifaces >= 0 && *n < HP_MAX_IFACES &&
	       !bpf_map_get_next_key(m->ifaces, prev, &key)) {
		prev = &key;
		if (iface_record_get(m, key, &t[*n].rec))
			continue;
		t[*n].ifindex = key;
		(*n)++;
	}
	if (pin_path(dir, sizeof(dir), PIN_LINKS))
		return -1;
	d = opendir(dir);
	while (d && (de = readdir(d)) && *n < HP_MAX_IFACES * 2) {
		char name[IFNAMSIZ];
		bool known = false;

		if (iface_link_name(de->d_name, name, sizeof(name)))
			continue;
		for (int i = 0; i < *n; i++)
			known |= !strcmp(t[i].rec.name, name);
		if (!known && find_stray(name, &t[*n]))
			(*n)++;
	}
	if (d)
		closedir(d);
	return 0;
}

static int detach_all(void)
{
	struct hp_maps m = HP_MAPS_INIT;
	struct target *t = NULL;
	bool exists;
	int n = 0, err = 0;

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
	/* A half-loaded root (maps missing) is still cleaned below. */
	if (pin_exists(PIN_MAPS "/hp_ifaces") && maps_open(&m))
		return -1;
	if (collect_all(&m, &t, &n))
		err = -1;
	for (int i = 0; i < n; i++)
		if (iface_detach(&m, t[i].ifindex, &t[i].rec))
			err = -1;
	maps_close(&m);
	if (pins_remove_all(true))
		err = -1;
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
