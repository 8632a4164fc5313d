// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "log.h"
#include "netlink.h"

/*
 * Room for a burst (a PPPoE reconnect, a routing daemon's table load)
 * before the kernel drops messages; as root SO_RCVBUFFORCE passes the
 * rmem_max sysctl.
 */
#define NL_RCVBUF (4 << 20)

int nl_watch_open(void)
{
	struct sockaddr_nl sa = {
		.nl_family = AF_NETLINK,
		.nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV4_ROUTE | RTMGRP_NEIGH,
	};
	int size = NL_RCVBUF;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);

	if (fd < 0)
		return errorf("cannot open an rtnetlink socket: %s", strerror(errno));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return errorf("cannot subscribe to rtnetlink's link, address, route and neighbour "
			      "groups: %s", strerror(errno));
	}
	return fd;
}

/* The kind of change one message is; 0 for what the dataplane does not follow. */
static unsigned int classify(const struct nlmsghdr *h)
{
	switch (h->nlmsg_type) {
	case RTM_NEWLINK:
	case RTM_DELLINK:
		return NL_LINKS;
	case RTM_NEWADDR:
	case RTM_DELADDR:
		if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifaddrmsg)))
			return 0;
		return ((const struct ifaddrmsg *)NLMSG_DATA(h))->ifa_family == AF_INET ? NL_ADDRS : 0;
	case RTM_NEWROUTE:
	case RTM_DELROUTE:
		return NL_ROUTES; /* the group is IPv4's only */
	case RTM_NEWNEIGH:
	case RTM_DELNEIGH:
		if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct ndmsg)))
			return 0;
		return ((const struct ndmsg *)NLMSG_DATA(h))->ndm_family == AF_INET ? NL_NEIGH : 0;
	default:
		return 0;
	}
}

int nl_watch_read(int fd, unsigned int *changes)
{
	/* 8 KiB per message at most (rtnetlink's own NLMSG_GOODSIZE is below). */
	char buf[32768] __attribute__((aligned(NLMSG_ALIGNTO)));

	*changes = 0;
	for (int batches = 0; batches < 1024; batches++) {
		struct sockaddr_nl from;
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr msg = { .msg_name = &from, .msg_namelen = sizeof(from),
				      .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n = recvmsg(fd, &msg, 0);
		int len;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n < 0 && errno == ENOBUFS) {
			/* The queue overflowed; the socket goes on with what comes next. */
			*changes |= NL_OVERRUN;
			continue;
		}
		if (n < 0)
			return errorf("reading rtnetlink: %s", strerror(errno));
		/* Only the kernel's messages: another process may send to us. */
		if (from.nl_pid != 0)
			continue;
		/* A message longer than the buffer: what it said is lost. */
		if (msg.msg_flags & MSG_TRUNC)
			*changes |= NL_OVERRUN;
		len = (int)n;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, len);
		     h = NLMSG_NEXT(h, len))
			*changes |= classify(h);
	}
	/* Still more queued: the rest waits for the next poll. */
	return 0;
}
