// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * forward del: a rule is named exactly as `forward list` shows it, its
 * single port or its whole range. Part of a range is refused rather than
 * taken to mean the whole rule: deleting more than the user named would be
 * a surprise, and the error says what to type instead.
 */
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>

#include "cli.h"
#include "cmd.h"
#include "json.h"
#include "log.h"
#include "pins.h"
#include "rules.h"

static bool session_of_rule(const void *key, const void *value, const void *ctx)
{
	const struct hp_session *s = value;

	return s->rule_id == *(const __u32 *)ctx;
}

static int delete_sessions(int fd, __u32 rule_id, unsigned int *deleted)
{
	return map_delete_matching(fd, sizeof(struct hp_session_key),
				   sizeof(struct hp_session), session_of_rule,
				   &rule_id, deleted);
}

/* The rule @given names exactly, into *@fwd; else one line saying why not. */
static int find_rule(const struct hp_maps *m, const struct hp_forward_key *key,
		     const struct hp_forward *given, struct hp_forward *fwd)
{
	char name[RULE_NAME_STRLEN], other[RULE_NAME_STRLEN];

	rule_name(name, sizeof(name), key, given);
	if (!rule_find(m->forwards, key, given->ext_port_first, given->ext_port_last, fwd))
		return errorf("forward %s does not exist", name);
	if (fwd->ext_port_first == given->ext_port_first &&
	    fwd->ext_port_last == given->ext_port_last)
		return 0;
	rule_name(other, sizeof(other), key, fwd);
	return errorf("forward %s does not exist; it %s forward %s "
		      "(delete a forward by its whole range)", name,
		      given->ext_port_first >= fwd->ext_port_first &&
		      given->ext_port_last <= fwd->ext_port_last ? "is part of" : "overlaps",
		      other);
}

static int del_run(void *opts, int argc, char **argv)
{
	unsigned int sessions = 0, egress = 0, allow = 0;
	struct hp_maps m = HP_MAPS_INIT;
	struct hp_forward given = { 0 }, fwd, left;
	char name[RULE_NAME_STRLEN];
	struct hp_forward_key key;
	int err = -1;

	if (rule_parse_ext(argv[0], argv[1], &key, &given))
		return -1;

	if (maps_open_loaded(&m) || find_rule(&m, &key, &given, &fwd))
		goto out;
	rule_name(name, sizeof(name), &key, &fwd);
	/* The entries first: without them no new session starts. */
	rule_delete_ports(m.forwards, &key, fwd.ext_port_first, fwd.ext_port_last,
			  fwd.rule_id);
	if (rule_find(m.forwards, &key, fwd.ext_port_first, fwd.ext_port_last, &left) &&
	    left.rule_id == fwd.rule_id) {
		errorf("cannot delete every entry of forward %s", name);
		goto out;
	}
	/*
	 * Live sessions would keep the ports open: close them too. The allow
	 * list goes last, so that no entry is ever live without it.
	 */
	if (delete_sessions(m.sessions, fwd.rule_id, &sessions) ||
	    delete_sessions(m.egress, fwd.rule_id, &egress) ||
	    rule_delete_allow(m.allow, fwd.rule_id, &allow))
		goto out;
	if (g_opts.json) {
		json_begin_object();
		json_kv_u64("rule_id", fwd.rule_id);
		json_kv_u64("session_entries_deleted", sessions);
		json_kv_u64("allow_entries_deleted", allow);
		json_end_object();
	} else {
		pr_info("forward %s deleted (%u session entries removed)", name, sessions);
	}
	err = 0;
out:
	maps_close(&m);
	return err;
}

const struct command cmd_forward_del = {
	.name = "del",
	.args = "tcp|udp EXT_IP:PORT[-LAST]",
	.summary = "delete a forward, its sessions and its allow list",
	.help = "Delete the forward with exactly this external port or range, as forward\n"
		"list shows it, with its sessions (so the ports are closed) and its allow\n"
		"list. Part of a range is refused: a forward is deleted whole.\n",
	.run = del_run,
	.min_args = 2,
	.max_args = 2,
};
