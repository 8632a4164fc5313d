// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/signalfd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "apply.h"
#include "conf.h"
#include "daemon.h"
#include "iface.h"
#include "log.h"
#include "maps.h"
#include "metrics.h"
#include "metrics_http.h"
#include "netlink.h"
#include "pins.h"
#include "reconcile.h"
#include "routes.h"
#include "rpfilter.h"
#include "sdnotify.h"

/*
 * A change is acted on this long after its first message, so that a burst
 * (an address replaced: deleted, added, its routes) is one reconcile; later
 * messages do not push it back, so a change is followed within this.
 */
#define SETTLE_MS 50
/* A reconcile that failed (a command held the lock too long) is tried again. */
#define RETRY_MS 1000

struct daemon {
	const struct daemon_opts *o;
	int sig_fd, nl_fd, metrics_fd;
	unsigned int pending; /* enum nl_change bits not acted on yet */
	long long due_ms;     /* when to act on them (CLOCK_MONOTONIC) */
	bool stop;
	int err;
};

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static long long now_ms(void)
{
	return now_us() / 1000;
}

/* Is there a dataplane to keep in step? Nothing loaded: nothing to follow. */
static bool loaded(void)
{
	bool exists;

	return !pins_root_check(&exists) && exists && pins_loaded();
}

/* ---- hooks ---- */

/*
 * A route changed: the route-MTU mirror follows it (user/routes.c), and the
 * next-hop generation is bumped, so that no cached next hop answers from
 * before it (hp_routes_sync() bumps it itself when the mirror changed).
 */
void daemon_routes_changed(void)
{
	struct routes_sync_result r = { .bumped = false };

	if (!loaded())
		return;
	if (hp_routes_sync(&r))
		pr_warn("could not follow the routes' MTUs");
	else
		pr_debug("routes changed: %u mirrored prefixes, %u written, %u deleted", r.mirrored,
			 r.written, r.deleted);
	/* Any route change: the next hops cached before it are asked again. */
	if (!r.bumped && hp_nexthop_bump())
		pr_warn("could not bump the next-hop generation");
}

/* A neighbour changed (or a link): every cached next hop is asked again. */
void daemon_neighbours_changed(void)
{
	if (loaded() && hp_nexthop_bump())
		pr_warn("could not bump the next-hop generation");
}

/* A link changed: its rp_filter may have too (hp_ifaces keeps the mode). */
void daemon_links_changed(void)
{
	struct hp_maps m = HP_MAPS_INIT;

	if (loaded() && !maps_open(&m) && rp_filter_refresh(&m))
		pr_warn("could not read the interfaces' rp_filter again");
	maps_close(&m);
}

/* The metrics server (--metrics ADDR:PORT, user/metrics_http.c). */
static struct metrics_http *metrics_server;

int daemon_metrics_start(const char *listen, int *fd)
{
	*fd = -1;
	metrics_server = metrics_http_open(listen, metrics_scrape, NULL);
	if (!metrics_server)
		return -1;
	*fd = metrics_http_fd(metrics_server);
	pr_info("metrics served at http://%s/metrics", listen);
	return 0;
}

void daemon_metrics_poll(void)
{
	if (metrics_server)
		metrics_http_serve(metrics_server);
}

void daemon_metrics_stop(void)
{
	metrics_http_close(metrics_server);
	metrics_server = NULL;
}

/* ---- what the daemon does ---- */

/* Apply the config file: at start and on SIGHUP. */
static int apply_file(const char *path)
{
	struct apply_result res;
	char what[256];
	struct conf c;
	int err;

	if (conf_read(path, &c))
		return -1;
	err = apply_conf(&c, false, &res);
	pins_unlock();
	if (!err) {
		apply_describe(&res, what, sizeof(what));
		pr_info("%s: applied: %s", path, what);
	}
	conf_free(&c);
	return err;
}

/*
 * A link came (back): an interface the file attaches, deleted and made
 * again (a PPPoE session's ppp0, a VLAN or veth re-created), has lost its
 * programs with its old device. Once every interface the file names exists,
 * and one of them is not attached under its present ifindex, the file is
 * applied again, which attaches it (and changes nothing else).
 */
static int reattach_links(const char *path)
{
	struct hp_maps m = HP_MAPS_INIT;
	bool missing = false, absent = false;
	struct conf c;

	if (!loaded() || conf_read(path, &c))
		return 0;
	if (maps_open(&m)) {
		conf_free(&c);
		return -1;
	}
	for (size_t i = 0; i < c.n_ifaces; i++) {
		__u32 ifindex = if_nametoindex(c.ifaces[i].name);
		struct hp_iface rec;

		if (!ifindex)
			absent = true;
		else if (iface_record_get(&m, ifindex, &rec) || strcmp(rec.name, c.ifaces[i].name) ||
			 (rec.flags & HP_IFF_PENDING))
			missing = true;
	}
	maps_close(&m);
	conf_free(&c);
	if (absent || !missing)
		return 0;
	pr_info("an interface of %s came back: applying it again", path);
	return apply_file(path);
}

/* An address or link changed: the forwards by interface and the hairpin sources follow. */
static int follow_addresses(void)
{
	struct hp_maps m = HP_MAPS_INIT;
	struct reconcile_result r;
	int err;

	if (!loaded())
		return 0;
	/* Marked first, as by a command: a daemon killed half way is repaired by the next one. */
	err = pins_lock(false) || maps_open(&m) || reconcile_begin(&m) || reconcile(&m, &r) ?
		      -1 : 0;
	pins_unlock();
	maps_close(&m);
	if (!err && (r.added || r.changed || r.removed || r.readdressed || r.flows_flushed))
		pr_info("addresses changed: forwards %u added, %u changed, %u removed; %u hairpin "
			"sources moved; %u sessions closed", r.added, r.changed, r.removed,
			r.readdressed, r.flows_flushed);
	return err;
}

static void act(struct daemon *d)
{
	unsigned int todo = d->pending;

	d->pending = 0;
	if (todo & NL_OVERRUN)
		pr_warn("rtnetlink messages were lost (the socket's queue overflowed): "
			"reading every address and route again");
	if ((todo & (NL_ADDRS | NL_LINKS | NL_OVERRUN)) && follow_addresses()) {
		pr_warn("could not follow the addresses; trying again in %d s", RETRY_MS / 1000);
		d->pending |= NL_ADDRS;
		d->due_ms = now_ms() + RETRY_MS;
	}
	if (todo & (NL_ROUTES | NL_OVERRUN))
		daemon_routes_changed();
	if (todo & (NL_NEIGH | NL_LINKS | NL_OVERRUN))
		daemon_neighbours_changed();
	if ((todo & (NL_LINKS | NL_OVERRUN)) && reattach_links(d->o->config))
		pr_warn("could not attach an interface that came back; SIGHUP tries again");
	if (todo & (NL_LINKS | NL_OVERRUN))
		daemon_links_changed();
	log_error_clear();
}

static void on_netlink(struct daemon *d)
{
	unsigned int changes;

	if (nl_watch_read(d->nl_fd, &changes)) {
		d->stop = true;
		d->err = -1;
		return;
	}
	if (changes && !d->pending)
		d->due_ms = now_ms() + SETTLE_MS;
	d->pending |= changes;
}

/* SIGHUP: the file again; a file that fails keeps the state as it was. */
static void reload(struct daemon *d)
{
	const char *path = d->o->config;
	bool ok;

	sd_notifyf("RELOADING=1\nMONOTONIC_USEC=%lld\nSTATUS=applying %s", now_us(), path);
	ok = !apply_file(path);
	if (!ok)
		pr_warn("SIGHUP: %s not applied; the state stays as it was", path);
	sd_notifyf("READY=1\nSTATUS=%s %s; following addresses, routes and neighbours",
		   ok ? "applied" : "could not apply (see the log), kept the state of", path);
	log_error_clear();
}

static void on_signal(struct daemon *d)
{
	struct signalfd_siginfo si;

	while (read(d->sig_fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			reload(d);
			continue;
		}
		pr_info("%s: exiting; the dataplane stays attached and forwarding",
			strsignal(si.ssi_signo));
		d->stop = true;
	}
}

static int loop(struct daemon *d)
{
	while (!d->stop) {
		struct pollfd p[3] = {
			{ .fd = d->sig_fd, .events = POLLIN },
			{ .fd = d->nl_fd, .events = POLLIN },
			{ .fd = d->metrics_fd, .events = POLLIN },
		};
		long long wait = d->pending ? d->due_ms - now_ms() : -1;

		if (d->pending && wait < 0)
			wait = 0;
		if (poll(p, d->metrics_fd >= 0 ? 3 : 2, (int)wait) < 0 && errno != EINTR)
			return errorf("poll: %s", strerror(errno));
		if (p[0].revents)
			on_signal(d);
		if (p[1].revents && !d->stop)
			on_netlink(d);
		if (d->metrics_fd >= 0 && p[2].revents)
			daemon_metrics_poll();
		if (d->pending && !d->stop && now_ms() >= d->due_ms)
			act(d);
	}
	return d->err;
}

/* SIGHUP, SIGTERM and SIGINT arrive on an fd, between events, never inside one. */
static int open_signals(void)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return errorf("cannot block signals: %s", strerror(errno));
	fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0)
		return errorf("signalfd: %s", strerror(errno));
	return fd;
}

int daemon_run(const struct daemon_opts *o)
{
	struct daemon d = { .o = o, .sig_fd = -1, .nl_fd = -1, .metrics_fd = -1 };
	int err = -1;

	log_daemon();
	if (pins_daemon_lock())
		return -1;
	/* Subscribed before the first apply: no change between the two is missed. */
	d.sig_fd = open_signals();
	if (d.sig_fd < 0 || (d.nl_fd = nl_watch_open()) < 0 || apply_file(o->config))
		goto out;
	if (o->metrics && daemon_metrics_start(o->metrics, &d.metrics_fd))
		goto out;
	sd_notifyf("READY=1\nSTATUS=applied %s; following addresses, routes and neighbours",
		   o->config);
	pr_info("following addresses, routes and neighbours for %s", pins_root());
	err = loop(&d);
	sd_notifyf("STOPPING=1");
out:
	daemon_metrics_stop();
	if (d.nl_fd >= 0)
		close(d.nl_fd);
	if (d.sig_fd >= 0)
		close(d.sig_fd);
	pins_daemon_unlock();
	return err;
}
