// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * forward add: a rule is one hp_forwards entry per external port (the
 * datapath does one exact lookup per packet) and, with --allow, its source
 * prefixes in hp_allow. All or nothing: every port is checked free before
 * anything is written, and whatever was written is removed on failure.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "cli.h"
#include "cmd.h"
#include "json.h"
#include "log.h"
#include "parse.h"
#include "pins.h"
#include "rules.h"

struct add_opts {
	__u8 hairpin;
	struct hp_allow_key *allow; /* rule_id is set once the id is known */
	size_t n_allow;
};

static int set_allow(void *opts, const char *arg)
{
	struct add_opts *o = opts;
	struct hp_allow_key k, *a;
	__be32 addr;
	__u8 plen;

	if (parse_prefix(arg, &addr, &plen))
		return -1;
	k = rule_allow_key(0, addr, plen);
	for (size_t i = 0; i < o->n_allow; i++)
		if (!memcmp(&o->allow[i], &k, sizeof(k)))
			return errorf("--allow %s given twice", arg);
	if (o->n_allow == HP_MAX_ALLOW_PREFIXES)
		return errorf("at most %u --allow prefixes", HP_MAX_ALLOW_PREFIXES);
	a = realloc(o->allow, (o->n_allow + 1) * sizeof(*a));
	if (!a)
		return errorf("out of memory");
	o->allow = a;
	o->allow[o->n_allow++] = k;
	return 0;
}

static int set_hairpin(void *opts, const char *arg)
{
	struct add_opts *o = opts;

	return parse_hairpin_mode(arg, &o->hairpin);
}

static const struct cli_opt add_options[] = {
	CLI_OPT("hairpin", "MODE", "NAT loopback (hairpin) for LAN clients that use EXT_IP:\n"
	  "internal: source is the router's address on the\n"
	  "  shared link (default)\n"
	  "external: source is EXT_IP\n"
	  "off: destination only: LAN clients of the same\n"
	  "  link fail", set_hairpin),
	CLI_OPT("allow", "PREFIX", "only sources in PREFIX (IPV4/LEN, or IPV4 for one\n"
	  "host, no host bits set) may use the forward;\n"
	  "repeat it for more. Other sources pass untouched,\n"
	  "as if there were no forward", set_allow),
	{ NULL },
};

static void add_init(void *opts)
{
	struct add_opts *o = opts;

	o->hairpin = HP_HAIRPIN_INTERNAL;
}

static void add_fini(void *opts)
{
	struct add_opts *o = opts;

	free(o->allow);
}

/* INT_IP:PORT[-LAST]: as many ports as the external range, or one. */
static int parse_internal(const char *s, const char *ext, struct hp_forward *fwd)
{
	unsigned int n_ext, n_int;

	if (parse_addr_ports(s, &fwd->int_addr, &fwd->int_port_first, &fwd->int_port_last))
		return -1;
	n_ext = fwd->ext_port_last - fwd->ext_port_first + 1;
	n_int = fwd->int_port_last - fwd->int_port_first + 1;
	if (n_int != 1 && n_int != n_ext)
		return errorf("port ranges differ in length: %s has %u port%s, %s has %u "
			      "(give as many internal ports, or one)", ext, n_ext,
			      n_ext == 1 ? "" : "s", s, n_int);
	return 0;
}

/* Every external port is free, or one line naming the rule that has it. */
static int check_ports_free(const struct hp_maps *m, const struct hp_forward_key *key,
			    const struct hp_forward *fwd, const char *name)
{
	char other_name[RULE_NAME_STRLEN];
	struct hp_forward other;
	__u16 port;

	if (!rule_find(m->forwards, key, fwd->ext_port_first, fwd->ext_port_last, &other))
		return 0;
	if (other.ext_port_first == fwd->ext_port_first &&
	    other.ext_port_last == fwd->ext_port_last)
		return errorf("forward %s already exists", name);
	rule_name(other_name, sizeof(other_name), key, &other);
	port = fwd->ext_port_first > other.ext_port_first ? fwd->ext_port_first :
							    other.ext_port_first;
	return errorf("forward %s overlaps forward %s (port %u)", name, other_name, port);
}

/*
 * The smallest rule id no rule uses (ids are reused after a delete), once
 * the table is known to hold the new entries.
 */
static int pick_rule_id(const struct hp_maps *m, struct hp_forward *fwd, const char *name)
{
	unsigned int entries = 0, need = fwd->ext_port_last - fwd->ext_port_first + 1;
	struct hp_forward_key key, *prev = NULL;
	bool used[HP_MAX_RULES] = { false };
	struct hp_forward f;

	for (; !bpf_map_get_next_key(m->forwards, prev, &key); prev = &key) {
		entries++;
		if (!bpf_map_lookup_elem(m->forwards, &key, &f) && f.rule_id < HP_MAX_RULES)
			used[f.rule_id] = true;
	}
	if (entries + need > HP_MAX_FORWARD_PORTS)
		return errorf("forward %s needs %u entries in hp_forwards; %u of %u are free",
			      name, need, entries < HP_MAX_FORWARD_PORTS ?
			      HP_MAX_FORWARD_PORTS - entries : 0, HP_MAX_FORWARD_PORTS);
	for (fwd->rule_id = 0; fwd->rule_id < HP_MAX_RULES; fwd->rule_id++)
		if (!used[fwd->rule_id])
			return 0;
	return errorf("no free rule: at most %u forwards", HP_MAX_RULES);
}

static int insert_failed(const char *what, const char *name, const char *map,
			 unsigned int max)
{
	/* A full hash map says E2BIG, a full LPM trie ENOSPC. */
	if (errno == E2BIG || errno == ENOSPC)
		return errorf("cannot add %s of forward %s: %s is full (%u entries)",
			      what, name, map, max);
	return errorf("cannot add %s of forward %s: %s", what, name, strerror(errno));
}

static int insert_rule(const struct hp_maps *m, const struct hp_forward_key *key,
		       struct hp_forward *fwd, struct add_opts *o, const char *name)
{
	__u16 first = fwd->ext_port_first, last = fwd->ext_port_last;
	bool one_port = fwd->int_port_first == fwd->int_port_last;
	unsigned int stale = 0, p = first;
	__u32 one = 1;
	size_t a = 0;

	/*
	 * A reused id must not show the counters of the rule that had it, nor
	 * keep allow entries a failed delete left behind.
	 */
	if (map_percpu_zero(m->rule_stats, fwd->rule_id, 3) ||
	    rule_delete_allow(m->allow, fwd->rule_id, &stale))
		return -1;
	/* The allow list first: the rule is never live without it. */
	for (; a < o->n_allow; a++) {
		o->allow[a].rule_id = htonl(fwd->rule_id);
		if (bpf_map_update_elem(m->allow, &o->allow[a], &one, BPF_NOEXIST)) {
			insert_failed("the allow list", name, "hp_allow", HP_MAX_ALLOW_PREFIXES);
			goto undo;
		}
	}
	for (; p <= last; p++) {
		struct hp_forward_key k = rule_port_key(key, p);

		fwd->int_port = htons(one_port ? fwd->int_port_first :
					fwd->int_port_first + (p - first));
		if (bpf_map_update_elem(m->forwards, &k, fwd, BPF_NOEXIST)) {
			insert_failed("the entries", name, "hp_forwards", HP_MAX_FORWARD_PORTS);
			goto undo;
		}
	}
	return 0;
undo:
	if (p > first)
		rule_delete_ports(m->forwards, key, first, p - 1, fwd->rule_id);
	for (size_t i = 0; i < a; i++)
		bpf_map_delete_elem(m->allow, &o->allow[i]);
	return -1;
}

static int add_run(void *opts, int argc, char **argv)
{
	struct add_opts *o = opts;
	struct hp_maps m = HP_MAPS_INIT;
	struct hp_forward fwd = { 0 };
	char name[RULE_NAME_STRLEN];
	struct hp_forward_key key;
	int err = -1;

	if (rule_parse_ext(argv[0], argv[1], &key, &fwd) ||
	    parse_internal(argv[2], argv[1], &fwd))
		goto out;
	fwd.hairpin = o->hairpin;
	fwd.flags = o->n_allow ? HP_FWF_ALLOWLIST : 0;
	rule_name(name, sizeof(name), &key, &fwd);

	if (maps_open_loaded(&m) || check_ports_free(&m, &key, &fwd, name) ||
	    pick_rule_id(&m, &fwd, name) || insert_rule(&m, &key, &fwd, o, name))
		goto out;
	if (g_opts.json) {
		json_begin_object();
		json_kv_u64("rule_id", fwd.rule_id);
		json_kv_u64("ports", fwd.ext_port_last - fwd.ext_port_first + 1);
		json_end_object();
	} else {
		pr_info("forward %s added (rule %u)", name, fwd.rule_id);
	}
	err = 0;
out:
	maps_close(&m);
	return err;
}

const struct command cmd_forward_add = {
	.name = "add",
	.args = "tcp|udp EXT_IP:PORT[-LAST] INT_IP:PORT[-LAST]",
	.summary = "add a forward: one port or a range",
	.help = "Forward EXT_IP:PORT to INT_IP:PORT. A range EXT_IP:FIRST-LAST is forwarded\n"
		"port to port onto an internal range of the same length, or as a whole onto\n"
		"one internal port. No port of it may be forwarded already.\n",
	.opts = add_options,
	.opts_size = sizeof(struct add_opts),
	.init = add_init,
	.fini = add_fini,
	.run = add_run,
	.min_args = 3,
	.max_args = 3,
};
