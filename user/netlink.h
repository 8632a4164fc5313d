/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Watching the kernel for what the dataplane follows: an rtnetlink socket
 * subscribed to links, IPv4 addresses, IPv4 routes and neighbours. The
 * daemon polls its fd; nl_watch_read() drains what is queued and says what
 * kind of thing changed, not what: the daemon then reads the state whole
 * (reconcile() reads every address), so a lost message costs nothing but a
 * resync (NL_OVERRUN, when the socket's queue overflowed: ENOBUFS).
 */
#ifndef HP_USER_NETLINK_H
#define HP_USER_NETLINK_H

enum nl_change {
	NL_ADDRS = 1 << 0,   /* an IPv4 address came, went or changed */
	NL_LINKS = 1 << 1,   /* a link came, went, was renamed or went up/down */
	NL_ROUTES = 1 << 2,  /* an IPv4 route */
	NL_NEIGH = 1 << 3,   /* an IPv4 neighbour (ARP entry) */
	NL_OVERRUN = 1 << 4, /* messages were lost: anything may have changed */
};

/* The subscribed socket (non-blocking), or -1 after errorf(). */
int nl_watch_open(void);
/* Read every queued message; *@changes gets their enum nl_change bits. */
int nl_watch_read(int fd, unsigned int *changes);

#endif /* HP_USER_NETLINK_H */
