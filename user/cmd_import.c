// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * import openwrt FILE: a hairpin-xdp config file from the port forwards of
 * OpenWrt's firewall (fw4 and fw3 read the same /etc/config/firewall): each
 * `config redirect` with target DNAT becomes one `forward` statement per
 * protocol. A section that cannot be said in hairpin-xdp's words is not
 * half carried over: it becomes a "# skipped:" line with the reason, and
 * one warning on stderr counts them. Nothing is printed unless the whole
 * file was read: a malformed line is one error naming FILE:LINE.
 *
 * The public address of a redirect is its src_dip, else the interface(s)
 * of its source zone, followed as their addresses change (IFACE:PORT).
 * Zones name networks, not devices: the devices come from OpenWrt's
 * network file (--network, by default "network" beside FILE), or the user
 * names the WAN interface with --wan.
 */
#include <arpa/inet.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cmd.h"
#include "log.h"
#include "uci.h"

/* Interfaces of one zone, or of the attach line. */
#define MAX_DEVS 16

struct devs {
	char *name[MAX_DEVS];
	int n;
};

struct import_opts {
	const char *wan;     /* --wan IFACE */
	const char *network; /* --network FILE */
};

/* A forward printed already: one forward per public port. */
struct taken {
	char ext[64]; /* the interface or src_dip */
	bool tcp, udp;
	unsigned int lo, hi;
	const struct uci_section *s;
};

struct import {
	const struct import_opts *o;
	struct uci_file fw, net; /* net: no sections when there is no network file */
	const char *net_path;	 /* the network file read, or NULL */
	struct devs attach;	 /* every interface the forwards need, in order */
	struct devs lost_zones;	 /* zones of forwards whose devices were not found */
	struct taken *taken;	 /* the forwards printed so far */
	size_t n_taken;
	char why[256];		 /* why the section at hand is skipped */
	unsigned int n_redirects, n_skipped, n_forwards;
};

static void devs_add(struct devs *d, const char *name)
{
	for (int i = 0; i < d->n; i++)
		if (!strcmp(d->name[i], name))
			return;
	if (d->n < MAX_DEVS && (d->name[d->n] = strdup(name)))
		d->n++;
}

static void devs_free(struct devs *d)
{
	for (int i = 0; i < d->n; i++)
		free(d->name[i]);
	d->n = 0;
}

/* Skip the section at hand: 1, with the reason for its "# skipped:" line. */
PRINTF(2, 3) static int skip(struct import *im, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	/* The analyzer loses va_start when this runs inside a longer path. */
	vsnprintf(im->why, sizeof(im->why), fmt, ap); /* NOLINT(clang-analyzer-valist.Uninitialized) */
	va_end(ap);
	return 1;
}

/*
 * Each value of an option, and each blank-separated word of it: fw4 reads
 * `option proto 'tcp udp'` and `list proto 'tcp'` + `list proto 'udp'`
 * alike. Calls @fn(word, arg) until it returns non-zero.
 */
static int each_word(const struct uci_section *s, const char *name,
		     int (*fn)(const char *word, void *arg), void *arg)
{
	const struct uci_option *o = uci_option(s, name);
	char word[256];
	int err;

	for (size_t i = 0; o && i < o->n_values; i++) {
		for (const char *p = o->values[i]; *(p += strspn(p, " \t"));) {
			size_t len = strcspn(p, " \t");

			snprintf(word, sizeof(word), "%.*s", (int)len, p);
			if ((err = fn(word, arg)))
				return err;
			p += len;
		}
	}
	return 0;
}

/* ---- interfaces: zone -> networks -> devices ---- */

/*
 * The layer 3 device of network @name (OpenWrt's `config interface`):
 * pppoe-NAME for a PPP uplink, `device` (OpenWrt 21.02 on) or `ifname`
 * (19.07; br-NAME for its bridges), "@other" for an alias of another.
 */
static const char *network_device(const struct import *im, const char *name, char *buf,
				  size_t len, int depth)
{
	const struct uci_section *s = uci_find(&im->net, "interface", NULL, name);
	const char *proto, *dev, *type;

	if (!s)
		return NULL;
	proto = uci_get(s, "proto");
	if (proto && (!strcmp(proto, "pppoe") || !strcmp(proto, "pppoa"))) {
		snprintf(buf, len, "%s-%s", proto, name);
		return buf;
	}
	dev = uci_get(s, "device");
	if (!dev)
		dev = uci_get(s, "ifname");
	type = uci_get(s, "type");
	if (type && !strcmp(type, "bridge")) {
		snprintf(buf, len, "br-%s", name);
		return buf;
	}
	if (dev && dev[0] == '@')
		return depth ? NULL : network_device(im, dev + 1, buf, len, depth + 1);
	if (!dev || !*dev || strchr(dev, ' '))
		return NULL;
	snprintf(buf, len, "%s", dev);
	return buf;
}

struct zone_walk {
	const struct import *im;
	struct devs *out;
};

static int add_network(const char *network, void *arg)
{
	struct zone_walk *w = arg;
	char buf[64];
	const char *dev = network_device(w->im, network, buf, sizeof(buf), 0);

	/* A network without a device this import can find adds none. */
	if (dev)
		devs_add(w->out, dev);
	return 0;
}

static int add_device(const char *dev, void *arg)
{
	devs_add(((struct zone_walk *)arg)->out, dev);
	return 0;
}

/* The devices of zone @zone: its `device` values and its networks' devices. */
static void zone_devices(const struct import *im, const char *zone, struct devs *out)
{
	const struct uci_section *z = uci_find(&im->fw, "zone", "name", zone);
	struct zone_walk w = { .im = im, .out = out };

	if (!z)
		return;
	each_word(z, "device", add_device, &w);
	each_word(z, "network", add_network, &w);
}

/* ---- one redirect ---- */

struct forward {
	bool tcp, udp;
	unsigned int ext_lo, ext_hi, int_lo, int_hi;
	char dest_ip[INET_ADDRSTRLEN];
	char src_dip[INET_ADDRSTRLEN];
	const char *hairpin; /* NULL: internal, the default */
	char allow[256];     /* " --allow P" for each src_ip */
	char notes[512];     /* "#   note: ..." lines */
};

static void note(struct forward *f, const char *text)
{
	size_t n = strlen(f->notes);

	snprintf(f->notes + n, sizeof(f->notes) - n, "#   note: %s\n", text);
}

/* Options that narrow what fw4 matches, which a forward cannot say. */
static const char *const unsupported[] = {
	"src_mac", "src_port", "ipset", "mark", "helper", "extra", "limit", "limit_burst",
	"start_date", "stop_date", "start_time", "stop_time", "weekdays", "monthdays",
	"utc_time", NULL,
};

static int add_proto(const char *p, void *arg)
{
	struct forward *f = arg;

	if (!strcmp(p, "tcp") || !strcmp(p, "tcpudp"))
		f->tcp = true;
	if (!strcmp(p, "udp") || !strcmp(p, "tcpudp"))
		f->udp = true;
	return strcmp(p, "tcp") && strcmp(p, "udp") && strcmp(p, "tcpudp");
}

static int check_proto(struct import *im, const struct uci_section *s, struct forward *f)
{
	const char *first = uci_get(s, "proto");

	if (!first) {
		/* fw4's default for a redirect. */
		f->tcp = f->udp = true;
		note(f, "no proto: fw4's default, tcp and udp");
		return 0;
	}
	if (each_word(s, "proto", add_proto, f))
		return skip(im, "proto '%s': hairpin-xdp forwards tcp and udp only", first);
	if (!f->tcp && !f->udp)
		return skip(im, "proto '%s' names no protocol", first);
	return 0;
}

/* "80", "8000-8010" or "8000:8010" (fw4 takes both range forms). */
static bool parse_ports(const char *s, unsigned int *lo, unsigned int *hi)
{
	char *end;

	if (!s || !*s || !strchr("123456789", *s))
		return false;
	*lo = strtoul(s, &end, 10);
	*hi = *lo;
	if (*end == '-' || *end == ':') {
		if (!strchr("123456789", end[1]))
			return false;
		*hi = strtoul(end + 1, &end, 10);
	}
	return !*end && *lo >= 1 && *lo <= *hi && *hi <= 65535;
}

static int check_ports(struct import *im, const struct uci_section *s, struct forward *f)
{
	const char *ext = uci_get(s, "src_dport"), *in = uci_get(s, "dest_port");

	if (!ext)
		return skip(im, "no src_dport: fw4 forwards every port, hairpin-xdp needs the ports");
	if (ext[0] == '!')
		return skip(im, "src_dport '%s': a negation cannot be carried over", ext);
	if (!parse_ports(ext, &f->ext_lo, &f->ext_hi))
		return skip(im, "src_dport '%s' is not a port or a port range", ext);
	if (!in) {
		/* fw4 keeps the port. */
		f->int_lo = f->ext_lo;
		f->int_hi = f->ext_hi;
		return 0;
	}
	if (!parse_ports(in, &f->int_lo, &f->int_hi))
		return skip(im, "dest_port '%s' is not a port or a port range", in);
	if (f->int_lo != f->int_hi && f->int_hi - f->int_lo != f->ext_hi - f->ext_lo)
		return skip(im, "dest_port '%s' and src_dport '%s' differ in length", in, ext);
	return 0;
}

/* A plain IPv4 address, into @buf in its canonical form. */
static bool ipv4(const char *s, char *buf)
{
	struct in_addr a;

	return s && inet_pton(AF_INET, s, &a) == 1 && inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

static int check_addrs(struct import *im, const struct uci_section *s, struct forward *f)
{
	const char *dest = uci_get(s, "dest_ip"), *dip = uci_get(s, "src_dip");

	if (!dest)
		return skip(im, "no dest_ip: a redirect to the router itself, not a port forward");
	if (!ipv4(dest, f->dest_ip))
		return skip(im, "dest_ip '%s' is not an IPv4 address", dest);
	if (dip && dip[0] == '!')
		return skip(im, "src_dip '%s': a negation cannot be carried over", dip);
	if (dip && !ipv4(dip, f->src_dip))
		return skip(im, "src_dip '%s' is not an IPv4 address", dip);
	return 0;
}

struct allow_walk {
	struct import *im;
	struct forward *f;
};

/* One src_ip: "A.B.C.D" or "A.B.C.D/LEN"; host bits are cleared (as nft does). */
static int add_allow(const char *p, void *arg)
{
	struct allow_walk *w = arg;
	char addr[INET_ADDRSTRLEN], buf[INET_ADDRSTRLEN];
	unsigned long plen = 32;
	const char *slash = strchr(p, '/');
	struct in_addr a;
	size_t n;
	char *end;

	if (p[0] == '!')
		return skip(w->im, "src_ip '%s': a negation cannot be carried over "
			    "(--allow lists who may use a forward)", p);
	snprintf(addr, sizeof(addr), "%.*s", slash ? (int)(slash - p) : (int)strlen(p), p);
	if (slash && (!strchr("0123456789", slash[1]) || (plen = strtoul(slash + 1, &end, 10)) > 32 || *end))
		return skip(w->im, "src_ip '%s' is not an IPv4 address or prefix", p);
	if (inet_pton(AF_INET, addr, &a) != 1)
		return skip(w->im, "src_ip '%s' is not an IPv4 address or prefix", p);
	a.s_addr &= plen ? htonl(~0u << (32 - plen)) : 0;
	inet_ntop(AF_INET, &a, buf, sizeof(buf));
	n = strlen(w->f->allow);
	if (plen == 32)
		snprintf(w->f->allow + n, sizeof(w->f->allow) - n, " --allow %s", buf);
	else
		snprintf(w->f->allow + n, sizeof(w->f->allow) - n, " --allow %s/%lu", buf, plen);
	return 0;
}

static int check_reflection(struct import *im, const struct uci_section *s, struct forward *f)
{
	const char *refl = uci_get(s, "reflection"), *src = uci_get(s, "reflection_src");

	if (refl && (!strcmp(refl, "0") || !strcmp(refl, "off") || !strcmp(refl, "false") ||
		     !strcmp(refl, "no")))
		f->hairpin = "off";
	else if (src && !strcmp(src, "external"))
		f->hairpin = "external";
	else if (src && strcmp(src, "internal"))
		return skip(im, "reflection_src '%s': expected internal or external", src);
	if (f->hairpin && !strcmp(f->hairpin, "off") && src)
		note(f, "reflection_src has no effect with reflection off");
	if (uci_get(s, "reflection_zone"))
		note(f, "reflection_zone not carried over: hairpin applies on every attached LAN link");
	return 0;
}

static int check_allow(struct import *im, const struct uci_section *s, struct forward *f)
{
	struct allow_walk w = { im, f };

	if (each_word(s, "src_ip", add_allow, &w))
		return 1;
	if (f->allow[0])
		note(f, "src_ip is the client: --allow limits LAN clients of the hairpin too");
	return 0;
}

static int check_section(struct import *im, const struct uci_section *s, struct forward *f)
{
	const char *target = uci_get(s, "target"), *family = uci_get(s, "family");

	if (target && strcmp(target, "DNAT"))
		return skip(im, "target '%s': only DNAT redirects are port forwards", target);
	if (family && strcmp(family, "ipv4") && strcmp(family, "any"))
		return skip(im, "family '%s': hairpin-xdp forwards IPv4 only", family);
	for (const char *const *u = unsupported; *u; u++)
		if (uci_option(s, *u))
			return skip(im, "option %s cannot be carried over (a forward matches "
				    "protocol, address, port and source prefix)", *u);
	if (!uci_get(s, "src"))
		return skip(im, "no src zone: fw4 needs one for a DNAT redirect");
	return check_proto(im, s, f) || check_ports(im, s, f) || check_addrs(im, s, f) ||
	       check_reflection(im, s, f) || check_allow(im, s, f);
}

/* ---- output ---- */

/* The public address of statement @i: src_dip, or the @i-th interface. */
static const char *ext_name(const struct forward *f, const struct devs *ext, int i)
{
	return f->src_dip[0] ? f->src_dip : ext->name[i];
}

static void print_ports(FILE *out, unsigned int lo, unsigned int hi)
{
	fprintf(out, hi != lo ? "%u-%u" : "%u", lo, hi);
}

/* One statement per protocol and public address; @prefix "# " comments them out. */
static void print_forward(FILE *out, const struct forward *f, const struct devs *ext,
			  const char *prefix)
{
	for (int p = 0; p < 2; p++) {
		if (!(p ? f->udp : f->tcp))
			continue;
		for (int i = 0; i < (f->src_dip[0] ? 1 : ext->n); i++) {
			fprintf(out, "%sforward %s %s:", prefix, p ? "udp" : "tcp",
				ext_name(f, ext, i));
			print_ports(out, f->ext_lo, f->ext_hi);
			fprintf(out, " %s:", f->dest_ip);
			print_ports(out, f->int_lo, f->int_hi);
			if (f->hairpin)
				fprintf(out, " --hairpin %s", f->hairpin);
			fprintf(out, "%s\n", f->allow);
		}
	}
}

/* "'Web server' (@redirect[0], FILE:12)": how the user finds it again. */
static void label(char *buf, size_t len, const struct import *im, const struct uci_section *s)
{
	const char *name = uci_get(s, "name");

	if (!name || !*name)
		name = s->name;
	if (name)
		snprintf(buf, len, "'%s' (@redirect[%u], %s:%u)", name, s->index, im->fw.path, s->line);
	else
		snprintf(buf, len, "@redirect[%u] (%s:%u)", s->index, im->fw.path, s->line);
}

static void print_label(FILE *out, const struct import *im, const struct uci_section *s)
{
	char buf[512];

	label(buf, sizeof(buf), im, s);
	fputs(buf, out);
}

/*
 * fw4 can tell two redirects of one port apart by src_ip; a forward owns
 * its public port. The second such redirect is skipped.
 */
static int check_taken(struct import *im, const struct forward *f, const struct devs *ext)
{
	char other[512];

	for (size_t t = 0; t < im->n_taken; t++) {
		const struct taken *k = &im->taken[t];

		if (!((f->tcp && k->tcp) || (f->udp && k->udp)) || f->ext_hi < k->lo ||
		    f->ext_lo > k->hi)
			continue;
		for (int i = 0; i < (f->src_dip[0] ? 1 : ext->n); i++) {
			if (strcmp(k->ext, ext_name(f, ext, i)))
				continue;
			label(other, sizeof(other), im, k->s);
			return skip(im, "%s %s:%u is forwarded already, by %s (one forward per "
				    "public port)", f->tcp && k->tcp ? "tcp" : "udp", k->ext,
				    f->ext_lo > k->lo ? f->ext_lo : k->lo, other);
		}
	}
	return 0;
}

static void take(struct import *im, const struct uci_section *s, const struct forward *f,
		 const struct devs *ext)
{
	for (int i = 0; i < (f->src_dip[0] ? 1 : ext->n); i++) {
		struct taken *t = realloc(im->taken, (im->n_taken + 1) * sizeof(*t));

		if (!t)
			return;
		im->taken = t;
		t = &im->taken[im->n_taken++];
		*t = (struct taken){ .tcp = f->tcp, .udp = f->udp, .lo = f->ext_lo, .hi = f->ext_hi,
				     .s = s };
		snprintf(t->ext, sizeof(t->ext), "%s", ext_name(f, ext, i));
	}
}

/*
 * The public side: --wan, else the source zone's devices. With src_dip
 * they are only attached, and need not be found.
 */
static int public_devices(struct import *im, const struct uci_section *s,
			  const struct forward *f, struct devs *ext)
{
	const char *zone = uci_get(s, "src");

	if (im->o->wan)
		devs_add(ext, im->o->wan);
	else
		zone_devices(im, zone, ext);
	if (!ext->n && f->src_dip[0])
		devs_add(&im->lost_zones, zone);
	if (ext->n || f->src_dip[0])
		return 0;
	return skip(im, "no device found for zone '%s'%s: name the WAN interface with --wan IFACE",
		    zone, im->net_path ? "" : " (no network file: --network FILE)");
}

static void print_skipped(FILE *out, const struct import *im, const struct uci_section *s,
			  const char *why, const char *more)
{
	fputs("# skipped: ", out);
	print_label(out, im, s);
	fprintf(out, ": %s%s\n", why, more);
}

/* The interfaces to attach: the public ones, and the destination zone's. */
static void add_interfaces(struct import *im, const char *dest, const struct devs *ext)
{
	struct devs lan = { 0 };

	for (int i = 0; i < ext->n; i++)
		devs_add(&im->attach, ext->name[i]);
	if (dest)
		zone_devices(im, dest, &lan);
	if (dest && !lan.n)
		devs_add(&im->lost_zones, dest);
	for (int i = 0; i < lan.n; i++)
		devs_add(&im->attach, lan.name[i]);
	devs_free(&lan);
}

static void convert(struct import *im, const struct uci_section *s, FILE *out)
{
	const char *enabled = uci_get(s, "enabled");
	bool disabled = enabled && !strcmp(enabled, "0");
	struct forward f = { 0 };
	struct devs ext = { 0 };

	im->n_redirects++;
	fputc('\n', out);
	if (check_section(im, s, &f) || public_devices(im, s, &f, &ext) ||
	    (!disabled && check_taken(im, &f, &ext))) {
		im->n_skipped++;
		print_skipped(out, im, s, im->why, disabled ? " (and it is disabled)" : "");
	} else if (disabled) {
		im->n_skipped++;
		print_skipped(out, im, s, "disabled (enabled '0')", "; as a forward it would be:");
		print_forward(out, &f, &ext, "# ");
	} else {
		fputs("# ", out);
		print_label(out, im, s);
		fprintf(out, "\n%s", f.notes);
		print_forward(out, &f, &ext, "");
		im->n_forwards++;
		take(im, s, &f, &ext);
		add_interfaces(im, uci_get(s, "dest"), &ext);
	}
	devs_free(&ext);
}

static void print_header(FILE *out, const struct import *im)
{
	fprintf(out, "# hairpin-xdp configuration from the redirects of %s\n", im->fw.path);
	fputs("# (hairpin-xdp import openwrt). Check it: hairpin-xdp apply --check FILE.\n"
	      "# The fast path bypasses the firewall's forward chain: see hairpin-xdp(8), FIREWALL.\n",
	      out);
	if (im->net_path)
		fprintf(out, "# Interfaces from %s.\n", im->net_path);
	if (!im->n_forwards) {
		fputs("# No redirect was carried over: nothing to attach.\n", out);
		return;
	}
	if (im->lost_zones.n) {
		fputs("# Interfaces not found for:", out);
		for (int i = 0; i < im->lost_zones.n; i++)
			fprintf(out, "%s zone '%s'", i ? "," : "", im->lost_zones.name[i]);
		fputs("; add them to the attach line.\n", out);
	}
	if (!im->attach.n) {
		fputs("# attach WAN_IFACE LAN_IFACE...\n", out);
		return;
	}
	fputs("attach", out);
	for (int i = 0; i < im->attach.n; i++)
		fprintf(out, " %s", im->attach.name[i]);
	fputc('\n', out);
}

/* ---- the command ---- */

/* --network, or "network" beside FILE when it is there (as on a router). */
static int load_network(struct import *im, const char *fw_path, char *buf, size_t len)
{
	char dir[PATH_MAX];

	if (im->o->network) {
		im->net_path = im->o->network;
	} else {
		snprintf(dir, sizeof(dir), "%s", fw_path);
		snprintf(buf, len, "%s/network", dirname(dir));
		if (access(buf, F_OK))
			return 0;
		im->net_path = buf;
	}
	return uci_load(im->net_path, &im->net);
}

static int openwrt_run(void *opts, int argc, char **argv)
{
	struct import im = { .o = opts };
	char net_buf[PATH_MAX], *body = NULL;
	size_t body_len = 0;
	FILE *out = NULL;
	int err = -1;

	if (uci_load(argv[0], &im.fw) || load_network(&im, argv[0], net_buf, sizeof(net_buf)))
		goto out;
	if (!(out = open_memstream(&body, &body_len))) {
		errorf("out of memory");
		goto out;
	}
	for (size_t i = 0; i < im.fw.n_sections; i++)
		if (!strcmp(im.fw.sections[i].type, "redirect"))
			convert(&im, &im.fw.sections[i], out);
	if (fclose(out)) {
		out = NULL;
		errorf("out of memory");
		goto out;
	}
	out = NULL;
	/* All read and converted: only now print anything. */
	print_header(stdout, &im);
	fputs(body, stdout);
	if (im.n_skipped)
		pr_warn("import openwrt: %u of %u redirects not carried over (the \"# skipped:\" "
			"lines say why)", im.n_skipped, im.n_redirects);
	err = 0;
out:
	if (out)
		fclose(out);
	free(body);
	devs_free(&im.attach);
	devs_free(&im.lost_zones);
	free(im.taken);
	uci_free(&im.fw);
	uci_free(&im.net);
	return err;
}

static int set_wan(void *opts, const char *arg)
{
	((struct import_opts *)opts)->wan = arg;
	return 0;
}

static int set_network(void *opts, const char *arg)
{
	((struct import_opts *)opts)->network = arg;
	return 0;
}

static const struct cli_opt openwrt_options[] = {
	CLI_OPT("wan", "IFACE", "the public interface of every redirect without\n"
	  "src_dip (default: the devices of its source zone)", set_wan),
	CLI_OPT("network", "FILE", "OpenWrt's network config, for the zones' devices\n"
	  "(default: network beside FILE, when it is there)", set_network),
	{ NULL },
};

static const struct command cmd_import_openwrt = {
	.name = "openwrt",
	.args = "FILE",
	.summary = "the port forwards (redirects) of an OpenWrt firewall config",
	.help = "Print a hairpin-xdp config file made from the DNAT redirects of FILE\n"
		"(/etc/config/firewall, fw4 or fw3): one forward per protocol, the public\n"
		"address from src_dip or the source zone's interface, src_ip as --allow,\n"
		"reflection '0' as --hairpin off, reflection_src external as --hairpin\n"
		"external. What cannot be carried over is a \"# skipped:\" line with the\n"
		"reason; stderr counts them. Nothing is changed on this machine.\n",
	.opts = openwrt_options,
	.opts_size = sizeof(struct import_opts),
	.run = openwrt_run,
	.min_args = 1,
	.max_args = 1,
};

static const struct command *const import_cmds[] = {
	&cmd_import_openwrt,
	NULL,
};

const struct command cmd_import = {
	.name = "import",
	.summary = "a config file from another firewall's port forwards",
	.help = "Print a hairpin-xdp config file made from another system's port forwards.\n",
	.subcommands = import_cmds,
};
