// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"
#include "conf.h"
#include "log.h"

/* Where the current statement is, for the ones that clash with it. */
static int line_no;

struct words {
	char **v;
	int n, cap;
};

/* Split @line in place at blanks; a word starting with '#' ends it. */
static int split_words(char *line, struct words *w)
{
	char *save = NULL, *tok;

	w->n = 0;
	for (tok = strtok_r(line, " \t\r\n", &save); tok; tok = strtok_r(NULL, " \t\r\n", &save)) {
		if (tok[0] == '#')
			break;
		if (w->n + 1 >= w->cap) {
			int cap = w->cap ? w->cap * 2 : 32;
			char **v = realloc(w->v, cap * sizeof(*v));

			if (!v)
				return errorf("out of memory");
			w->v = v;
			w->cap = cap;
		}
		w->v[w->n++] = tok;
	}
	if (w->n)
		w->v[w->n] = NULL; /* getopt wants argv[argc] == NULL */
	return 0;
}

/* One load-time value given on two attach lines must be the same. */
static int merge_u32(__u32 *have, int *have_line, __u32 want, const char *what)
{
	if (*have_line && *have != want)
		return errorf("%s%u, but %u on line %d", what, want, *have, *have_line);
	*have = want;
	*have_line = line_no;
	return 0;
}

/* Lines where the merged settings were given, by field. */
struct origins {
	int snat, max, timeouts[8], switches[8];
	int fast_path_off; /* an attach --no-fast-path */
};

static int merge_timeouts(struct hp_config *into, int *lines, const struct hp_config *given)
{
	for (size_t i = 0; i < timeout_names_count; i++) {
		const struct timeout_name *t = &timeout_names[i];
		__u32 v = config_timeout_val(given, t);
		char what[64];

		if (!v)
			continue;
		snprintf(what, sizeof(what), "--timeout %s=", t->name);
		if (merge_u32(config_timeout(into, t), &lines[i], v, what))
			return -1;
	}
	return 0;
}

static int add_iface(struct conf *c, const char *name, enum xdp_mode mode)
{
	struct conf_iface *f;

	for (size_t i = 0; i < c->n_ifaces; i++)
		if (!strcmp(c->ifaces[i].name, name))
			return errorf("attach: %s is attached on line %d already", name,
				      c->ifaces[i].line);
	f = realloc(c->ifaces, (c->n_ifaces + 1) * sizeof(*f));
	if (!f)
		return errorf("out of memory");
	c->ifaces = f;
	f = &c->ifaces[c->n_ifaces++];
	memset(f, 0, sizeof(*f));
	if (parse_ifname(name, strlen(name), f->name, sizeof(f->name))) {
		c->n_ifaces--;
		return errorf("attach: '%s' is not an interface name", name);
	}
	f->mode = mode;
	f->line = line_no;
	return 0;
}

static int read_attach(struct conf *c, struct origins *org, struct words *w)
{
	struct attach_opts o;
	int first;

	memset(&o, 0, sizeof(o));
	cmd_attach.init(&o);
	if (cli_parse_statement(&cmd_attach, "attach", w->n, w->v, &o, &first))
		return -1;
	if (first >= w->n)
		return errorf("attach: expected IFACE...");
	for (int i = first; i < w->n; i++)
		if (add_iface(c, w->v[i], o.mode))
			return -1;
	if (o.snat_set) {
		__u32 have = (__u32)c->load.given.snat_port_lo << 16 | c->load.given.snat_port_hi;
		__u32 want = (__u32)o.given.snat_port_lo << 16 | o.given.snat_port_hi;

		if (org->snat && have != want)
			return errorf("attach: --snat-ports %u-%u, but %u-%u on line %d",
				      o.given.snat_port_lo, o.given.snat_port_hi,
				      c->load.given.snat_port_lo, c->load.given.snat_port_hi, org->snat);
		c->load.snat_set = true;
		c->load.given.snat_port_lo = o.given.snat_port_lo;
		c->load.given.snat_port_hi = o.given.snat_port_hi;
		org->snat = line_no;
	}
	if (o.max_set) {
		if (merge_u32(&c->load.given.max_sessions, &org->max, o.given.max_sessions,
			      "attach: --max-sessions "))
			return -1;
		c->load.max_set = true;
	}
	if (o.given.flags & HP_CF_NO_FAST_PATH) {
		c->load.given.flags |= HP_CF_NO_FAST_PATH;
		org->fast_path_off = line_no;
	}
	/* Timeouts are runtime settings, wherever they are given. */
	return merge_timeouts(&c->settings.given, org->timeouts, &o.given);
}

static int read_forward(struct conf *c, struct words *w)
{
	struct conf_rule *cr;
	struct rule_opts o;
	struct hp_rule r;
	int first, err = -1;

	memset(&o, 0, sizeof(o));
	cmd_forward_add.init(&o);
	if (cli_parse_statement(&cmd_forward_add, "forward", w->n, w->v, &o, &first))
		goto out;
	if (w->n - first != 3) {
		errorf("forward: expected tcp|udp EXT:PORT[-LAST] INT_IP:PORT[-LAST]");
		goto out;
	}
	if (rule_parse(w->v[first], w->v[first + 1], w->v[first + 2], &r))
		goto out;
	r.hairpin = o.hairpin;
	for (size_t i = 0; i < c->n_rules; i++) {
		struct addr_table none = { 0 };
		char name[RULE_NAME_STRLEN], other[RULE_NAME_STRLEN];
		__u16 port;

		if (!rule_overlaps(&r, &c->rules[i].r, &none, &port))
			continue;
		rule_name(name, sizeof(name), &r);
		rule_name(other, sizeof(other), &c->rules[i].r);
		errorf("forward %s overlaps forward %s on line %d (port %u)", name, other,
		       c->rules[i].line, port);
		goto out;
	}
	cr = realloc(c->rules, (c->n_rules + 1) * sizeof(*cr));
	if (!cr) {
		errorf("out of memory");
		goto out;
	}
	c->rules = cr;
	cr = &c->rules[c->n_rules++];
	cr->r = r;
	cr->opts = o; /* the allow list is the conf's now */
	cr->line = line_no;
	return 0;
out:
	cmd_forward_add.fini(&o);
	return err;
}

static int read_config(struct conf *c, struct origins *org, struct words *w)
{
	struct config_opts o = { 0 };
	int first;

	if (cli_parse_statement(&cmd_config, "config", w->n, w->v, &o, &first))
		return -1;
	if (first < w->n)
		return errorf("config: takes options only, not '%s'", w->v[first]);
	for (size_t i = 0; i < config_switches_count; i++) {
		__u32 flag = config_switches[i].off_flag;
		__u32 off = !!(o.flags_off & flag);

		if (!(o.flags_set & flag))
			continue;
		if (org->switches[i] && !!(c->settings.flags_off & flag) != off)
			return errorf("config: --%s %s, but %s on line %d", config_switches[i].name,
				      off ? "off" : "on", off ? "on" : "off", org->switches[i]);
		org->switches[i] = line_no;
		c->settings.flags_set |= flag;
		c->settings.flags_off = (c->settings.flags_off & ~flag) | (off ? flag : 0);
	}
	return merge_timeouts(&c->settings.given, org->timeouts, &o.given);
}

static int read_statement(struct conf *c, struct origins *org, struct words *w)
{
	const char *s = w->v[0];

	if (!strcmp(s, "attach"))
		return read_attach(c, org, w);
	if (!strcmp(s, "forward"))
		return read_forward(c, w);
	if (!strcmp(s, "config"))
		return read_config(c, org, w);
	return errorf("unknown statement '%s' (expected attach, forward or config)", s);
}

/* --no-fast-path on an attach line and config --fast-path on disagree. */
static int check_across(const struct conf *c, const struct origins *org)
{
	if (org->fast_path_off && org->switches[0] && !(c->settings.flags_off & HP_CF_NO_FAST_PATH)) {
		line_no = org->switches[0];
		return errorf("config: --fast-path on, but attach --no-fast-path on line %d",
			      org->fast_path_off);
	}
	return 0;
}

int conf_read(const char *path, struct conf *c)
{
	struct origins org = { 0 };
	struct words w = { 0 };
	char where[300], *line = NULL;
	size_t cap = 0;
	int err = -1;
	FILE *f;

	memset(c, 0, sizeof(*c));
	snprintf(c->path, sizeof(c->path), "%s", path);
	c->load.mode = XDP_MODE_AUTO;
	f = fopen(path, "r");
	if (!f)
		return errorf("cannot read %s: %s", path, strerror(errno));
	for (line_no = 1; getline(&line, &cap, f) >= 0; line_no++) {
		snprintf(where, sizeof(where), "%s:%d", path, line_no);
		log_context(where);
		if (split_words(line, &w))
			goto out;
		if (w.n && read_statement(c, &org, &w))
			goto out;
	}
	if (ferror(f)) {
		log_context(NULL);
		errorf("cannot read %s: %s", path, strerror(errno));
		goto out;
	}
	snprintf(where, sizeof(where), "%s:%d", path, line_no);
	log_context(where);
	err = check_across(c, &org);
out:
	log_context(NULL);
	free(line);
	free(w.v);
	fclose(f);
	if (err)
		conf_free(c);
	return err;
}

void conf_free(struct conf *c)
{
	for (size_t i = 0; c->rules && i < c->n_rules; i++)
		free(c->rules[i].opts.allow);
	free(c->rules);
	free(c->ifaces);
	c->rules = NULL;
	c->ifaces = NULL;
	c->n_rules = c->n_ifaces = 0;
}

void conf_wanted_config(const struct conf *c, __u32 table_size, struct hp_config *cfg)
{
	config_defaults(cfg);
	if (c->load.snat_set) {
		cfg->snat_port_lo = c->load.given.snat_port_lo;
		cfg->snat_port_hi = c->load.given.snat_port_hi;
	}
	cfg->max_sessions = table_size;
	cfg->flags = c->load.given.flags & HP_CF_NO_FAST_PATH;
	config_apply_opts(cfg, &c->settings);
}
