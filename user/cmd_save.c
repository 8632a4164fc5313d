// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * save: the live state as a config file (conf.h), so that `save > f;
 * apply f` changes nothing: the attached interfaces and the load-time
 * options that differ from the defaults, every forward in id order, and
 * the settings that differ from the defaults.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"
#include "config.h"
#include "log.h"
#include "maps.h"
#include "parse.h"
#include "pins.h"
#include "reconcile.h"
#include "rules.h"

struct saved_iface {
	char name[IFNAMSIZ];
	bool generic;
};

static int name_order(const void *a, const void *b)
{
	return strcmp(((const struct saved_iface *)a)->name, ((const struct saved_iface *)b)->name);
}

static int read_ifaces(const struct hp_maps *m, struct saved_iface **out, size_t *n)
{
	struct map_dump d;

	if (map_dump(m->ifaces, sizeof(__u32), sizeof(struct hp_iface), &d))
		return -1;
	*out = calloc(d.n + 1, sizeof(**out));
	if (!*out) {
		map_dump_free(&d);
		return errorf("out of memory");
	}
	for (size_t i = 0; i < d.n; i++) {
		const struct hp_iface *rec = map_dump_value(&d, i);

		snprintf((*out)[i].name, IFNAMSIZ, "%.*s", IFNAMSIZ - 1, rec->name);
		(*out)[i].generic = rec->flags & HP_IFF_XDP_GENERIC;
	}
	*n = d.n;
	map_dump_free(&d);
	qsort(*out, *n, sizeof(**out), name_order);
	return 0;
}

/* One attach line per mode; the load-time options on the first. */
static void print_attach(const struct saved_iface *f, size_t n, const struct hp_config *cfg)
{
	bool opts_done = false;

	for (int generic = 0; generic <= 1; generic++) {
		bool any = false;

		for (size_t i = 0; i < n; i++) {
			if (f[i].generic != generic)
				continue;
			printf("%s%s", any ? " " : "attach ", f[i].name);
			any = true;
		}
		if (!any)
			continue;
		if (generic)
			printf(" --mode generic");
		if (!opts_done && (cfg->snat_port_lo != HP_DEFAULT_SNAT_PORT_LO ||
				   cfg->snat_port_hi != HP_DEFAULT_SNAT_PORT_HI))
			printf(" --snat-ports %u-%u", cfg->snat_port_lo, cfg->snat_port_hi);
		if (!opts_done && cfg->max_sessions != HP_DEFAULT_MAX_SESSIONS)
			printf(" --max-sessions %u", cfg->max_sessions);
		opts_done = true;
		putchar('\n');
	}
}

static void print_forward(const struct rule *r)
{
	char ext[RULE_EXT_STRLEN], in[ADDR_PORTS_STRLEN], prefix[PREFIX_STRLEN];

	rule_format_ext(ext, sizeof(ext), &r->r);
	rule_format_int(in, sizeof(in), &r->r);
	printf("forward %s %s %s", proto_name(r->r.proto), ext, in);
	if (r->r.hairpin != HP_HAIRPIN_INTERNAL)
		printf(" --hairpin %s", hairpin_mode_name(r->r.hairpin));
	for (size_t i = 0; i < r->n_allow; i++) {
		format_prefix(prefix, sizeof(prefix), r->allow[i].addr, r->allow[i].len);
		printf(" --allow %s", prefix);
	}
	putchar('\n');
}

/* The settings that differ from the defaults, on one config line. */
static void print_config(const struct hp_config *cfg)
{
	struct hp_config def;
	bool any = false;

	config_defaults(&def);
	for (size_t i = 0; i < config_switches_count; i++) {
		if (!(cfg->flags & config_switches[i].off_flag))
			continue;
		printf("%s --%s off", any ? "" : "config", config_switches[i].name);
		any = true;
	}
	for (size_t i = 0; i < timeout_names_count; i++) {
		const struct timeout_name *t = &timeout_names[i];
		__u32 v = config_timeout_val(cfg, t);

		if (v == config_timeout_val(&def, t))
			continue;
		printf("%s --timeout %s=%u", any ? "" : "config", t->name, v);
		any = true;
	}
	if (any)
		putchar('\n');
}

static int save_run(void *opts, int argc, char **argv)
{
	struct hp_maps m = HP_MAPS_INIT;
	struct saved_iface *ifaces = NULL;
	struct rule_set rules = { 0 };
	struct hp_config cfg;
	size_t n_ifaces = 0;
	int err = -1;

	if (maps_open_loaded(&m) || config_read(&m, &cfg) || read_ifaces(&m, &ifaces, &n_ifaces) ||
	    rules_read(&m, &rules, false))
		goto out;
	reconcile_report(&m);
	printf("# hairpin-xdp save of %s: hairpin-xdp apply FILE makes this state again\n",
	       pins_root());
	print_attach(ifaces, n_ifaces, &cfg);
	for (size_t i = 0; i < rules.n; i++)
		print_forward(&rules.v[i]);
	print_config(&cfg);
	err = 0;
out:
	free(ifaces);
	rules_free(&rules);
	maps_close(&m);
	return err;
}

const struct command cmd_save = {
	.name = "save",
	.summary = "print the live state as a config file",
	.help = "Print the attached interfaces, the forwards and the settings as a config\n"
		"file: `hairpin-xdp save > FILE; hairpin-xdp apply FILE` changes nothing.\n",
	.run = save_run,
};
