/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The daemon (docs/design.md, "The daemon"): applies the config file at
 * start and on SIGHUP, then follows the kernel over rtnetlink (netlink.h):
 * an address or link change reconciles the forwards by interface name and
 * the hairpin sources (reconcile.h), a route or neighbour change reaches
 * the next-hop cache. The dataplane never needs it: everything it changes
 * is pinned, and a daemon killed at any moment leaves the maps whole.
 */
#ifndef HP_USER_DAEMON_H
#define HP_USER_DAEMON_H

struct daemon_opts {
	const char *config;  /* applied at start and on SIGHUP */
	const char *metrics; /* ADDR:PORT to serve the metrics on; NULL: none */
};

/* Runs until SIGTERM or SIGINT (0) or a failure (-1, after errorf()). */
int daemon_run(const struct daemon_opts *o);

/*
 * Hooks for the parts that other files provide (daemon.c holds them in one
 * place): a route, a neighbour or a link changed (the route-MTU mirror, the
 * next-hop generation, rp_filter); the metrics server's start (it gives an
 * fd to poll, or -1), its work when that fd is readable, its end.
 */
void daemon_routes_changed(void);
void daemon_neighbours_changed(void);
void daemon_links_changed(void);
int daemon_metrics_start(const char *listen, int *fd);
void daemon_metrics_poll(void);
void daemon_metrics_stop(void);

#endif /* HP_USER_DAEMON_H */
