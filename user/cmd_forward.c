// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * forward add|del|list: the port-forward rules in hp_forwards. A rule's id
 * indexes its counters in hp_rule_stats.
 */
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

static const char help_add[] =
	"Usage: hairpin-xdp forward add tcp|udp EXT_IP:PORT INT_IP:PORT [--hairpin MODE]\n"
	"\n"
	"Forward EXT_IP:PORT to INT_IP:PORT. NAT loopback (hairpin) for LAN\n"
	"clients that use EXT_IP:PORT is done with MODE:\n"
	"  internal   source is the router's address on the shared link (default)\n"
	"  external   source is EXT_IP\n"
	"  off        destination only: LAN clients of the same link fail\n";

static const char help_del[] =
	"Usage: hairpin-xdp forward del tcp|udp EXT_IP:PORT\n"
	"\n"
	"Delete the forward and the sessions it created, so the port is closed.\n";

static const char help_list[] =
	"Usage: hairpin-xdp forward list [--json]\n"
	"\n"
	"The forwards with their packets, bytes and sessions created.\n";

enum { OPT_HAIRPIN = 0x200 };

static const struct option add_longopts[] = {
	{ "hairpin", required_argument, NULL, OPT_HAIRPIN },
	{ NULL },
};

static int parse_add_opt(int opt, const char *arg, void *ctx)
{
	return parse_hairpin_mode(arg, ctx);
}

/* "tcp 203.0.113.4:80" for messages. */
static void rule_name(char *buf, size_t len, const struct hp_forward_key *key)
{
	char ext[ADDR_PORT_STRLEN];

	format_addr_port(ext, sizeof(ext), key->ext_addr, key->ext_port);
	snprintf(buf, len, "%s %s", proto_name(key->proto), ext);
}

static int parse_key(const char *proto, const char *ext, struct hp_forward_key *key)
{
	memset(key, 0, sizeof(*key));
	if (parse_proto(proto, &key->proto) ||
	    parse_addr_port(ext, &key->ext_addr, &key->ext_port))
		return -1;
	return 0;
}

/* The smallest rule id no rule uses: ids are reused after a delete. */
static int free_rule_id(const struct hp_maps *m, __u32 *id)
{
	struct hp_forward_key key, *prev = NULL;
	bool used[HP_MAX_RULES] = { false };
	struct hp_forward fwd;

	while (!bpf_map_get_next_key(m->forwards, prev, &key)) {
		prev = &key;
		if (!bpf_map_lookup_elem(m->forwards, &key, &fwd) &&
		    fwd.rule_id < HP_MAX_RULES)
			used[fwd.rule_id] = true;
	}
	for (*id = 0; *id < HP_MAX_RULES; (*id)++)
		if (!used[*id])
			return 0;
	return errorf("no free rule: at most %u forwards", HP_MAX_RULES);
}

static int forward_add(int argc, char **argv)
{
	struct hp_maps m = { -1, -1, -1, -1, -1, -1, -1, -1, -1 };
	struct hp_forward fwd = { .hairpin = HP_HAIRPIN_INTERNAL };
	struct hp_forward existing;
	struct hp_forward_key key;
	char name[64];
	int idx, err = -1;

	idx = cmd_getopt(argc, argv, help_add, add_longopts, parse_add_opt, &fwd.hairpin);
	if (idx < 0)
		return idx == CMD_HELP ? 0 : -1;
	if (argc - idx != 3)
		return usage_error(argv[0], "expected tcp|udp EXT_IP:PORT INT_IP:PORT");
	if (parse_key(argv[idx], argv[idx + 1], &key) ||
	    parse_addr_port(argv[idx + 2], &fwd.int_addr, &fwd.int_port))
		return -1;
	rule_name(name, sizeof(name), &key);

	if (maps_open_loaded(&m))
		goto out;
	/* Checked before touching the counters of a free id. */
	if (!bpf_map_lookup_elem(m.forwards, &key, &existing)) {
		errorf("forward %s already exists", name);
		goto out;
	}
	if (free_rule_id(&m, &fwd.rule_id))
		goto out;
	/* A reused id must not show the counters of the rule that had it. */
	if (map_percpu_zero(m.rule_stats, fwd.rule_id, 3))
		goto out;
	if (bpf_map_update_elem(m.forwards, &key, &fwd, BPF_NOEXIST)) {
		if (errno == EEXIST)
			errorf("forward %s already exists", name);
		else
			errorf("cannot add forward %s: %s", name, strerror(errno));
		goto out;
	}
	if (g_opts.json) {
		json_begin_object();
		json_kv_u64("rule_id", fwd.rule_id);
		json_end_object();
	} else {
		pr_info("forward %s added (rule %u)", name, fwd.rule_id);
	}
	err = 0;
out:
	maps_close(&m);
	return err;
}

/*
 * Delete the entries of @rule_id's sessions from a session map (both halves
 * carry the rule id). Keys are collected first: deleting while walking
 * would restart the walk.
 */
static int delete_rule_sessions(int fd, __u16 rule_id, unsigned int *deleted)
{
	struct hp_session_key key, *prev = NULL, *keys = NULL;
	size_t n = 0, cap = 0;
	struct hp_session s;

	while (!bpf_map_get_next_key(fd, prev, &key)) {
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &s) || s.rule_id != rule_id)
			continue;
		if (n == cap) {
			struct hp_session_key *k;

			cap = cap ? cap * 2 : 256;
			k = realloc(keys, cap * sizeof(*keys));
			if (!k) {
				free(keys);
				return errorf("out of memory");
			}
			keys = k;
		}
		keys[n++] = key;
	}
	for (size_t i = 0; i < n; i++)
		if (!bpf_map_delete_elem(fd, &keys[i]))
			(*deleted)++;
	free(keys);
	return 0;
}

static int forward_del(int argc, char **argv)
{
	struct hp_maps m = { -1, -1, -1, -1, -1, -1, -1, -1, -1 };
	unsigned int sessions = 0, egress = 0;
	struct hp_forward_key key;
	struct hp_forward fwd;
	char name[64];
	int idx, err = -1;

	idx = cmd_getopt(argc, argv, help_del, NULL, NULL, NULL);
	if (idx < 0)
		return idx == CMD_HELP ? 0 : -1;
	if (argc - idx != 2)
		return usage_error(argv[0], "expected tcp|udp EXT_IP:PORT");
	if (parse_key(argv[idx], argv[idx + 1], &key))
		return -1;
	rule_name(name, sizeof(name), &key);

	if (maps_open_loaded(&m))
		goto out;
	if (bpf_map_lookup_elem(m.forwards, &key, &fwd) ||
	    bpf_map_delete_elem(m.forwards, &key)) {
		if (errno == ENOENT)
			errorf("forward %s does not exist", name);
		else
			errorf("cannot delete forward %s: %s", name, strerror(errno));
		goto out;
	}
	/*
	 * Without its rule no new session starts, but live ones would keep
	 * the port open: close them too.
	 */
	if (delete_rule_sessions(m.sessions, fwd.rule_id, &sessions) ||
	    delete_rule_sessions(m.egress, fwd.rule_id, &egress))
		goto out;
	if (g_opts.json) {
		json_begin_object();
		json_kv_u64("rule_id", fwd.rule_id);
		json_kv_u64("session_entries_deleted", sessions);
		json_end_object();
	} else {
		pr_info("forward %s deleted (%u session entries removed)", name, sessions);
	}
	err = 0;
out:
	maps_close(&m);
	return err;
}

static int forward_list(int argc, char **argv)
{
	struct hp_maps m = { -1, -1, -1, -1, -1, -1, -1, -1, -1 };
	struct rule_row *rows = NULL;
	int n, err;

	err = cmd_getopt_noargs(argc, argv, help_list, NULL, NULL, NULL);
	if (err)
		return err == CMD_HELP ? 0 : -1;
	err = -1;
	if (maps_open_loaded(&m) || rules_collect(&m, &rows, &n))
		goto out;
	rules_print(rows, n);
	err = 0;
out:
	free(rows);
	maps_close(&m);
	return err;
}

static const struct cmd forward_cmds[] = {
	{ "add", forward_add, "add a forward" },
	{ "del", forward_del, "delete a forward and its sessions" },
	{ "list", forward_list, "list the forwards and their counters" },
	{ NULL },
};

static const char help[] =
	"Usage: hairpin-xdp forward add tcp|udp EXT_IP:PORT INT_IP:PORT [--hairpin internal|external|off]\n"
	"       hairpin-xdp forward del tcp|udp EXT_IP:PORT\n"
	"       hairpin-xdp forward list [--json]\n"
	"\n";

int cmd_forward(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		if (argc < 2)
			return usage_error(argv[0], "missing add, del or list");
		fputs(help, stdout);
		cmd_print_list(forward_cmds);
		return 0;
	}
	return cmd_dispatch("forward", forward_cmds, argc - 1, argv + 1);
}
