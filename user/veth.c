// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>

#include "log.h"
#include "veth.h"

/* What RTM_GETLINK tells us about one device. */
struct link_info {
	char name[IFNAMSIZ];
	__u32 link;	/* IFLA_LINK: a veth's peer ifindex */
	int link_netnsid; /* IFLA_LINK_NETNSID: the peer's netns, -1 if ours */
	__u8 xdp_attached; /* IFLA_XDP_ATTACHED: XDP_ATTACHED_NONE, ... */
};

static bool is_veth(const char *ifname)
{
	struct ethtool_drvinfo drv = { .cmd = ETHTOOL_GDRVINFO };
	struct ifreq ifr = { .ifr_data = (void *)&drv };
	int fd, err;

	/* SIOCETHTOOL works on any socket of the current netns. */
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	err = ioctl(fd, SIOCETHTOOL, &ifr);
	close(fd);
	if (err) {
		pr_debug("%s: ETHTOOL_GDRVINFO: %s", ifname, strerror(errno));
		return false;
	}
	return !strcmp(drv.driver, "veth");
}

static void add_attr_s32(struct nlmsghdr *nh, unsigned short type, __s32 value)
{
	struct rtattr *rta = (void *)((char *)nh + NLMSG_ALIGN(nh->nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(sizeof(value));
	memcpy(RTA_DATA(rta), &value, sizeof(value));
	nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

static void parse_xdp(struct rtattr *nest, struct link_info *li)
{
	int len = RTA_PAYLOAD(nest);

	for (struct rtattr *rta = RTA_DATA(nest); RTA_OK(rta, len);
	     rta = RTA_NEXT(rta, len))
		if (rta->rta_type == IFLA_XDP_ATTACHED)
			li->xdp_attached = *(__u8 *)RTA_DATA(rta);
}

static void parse_link(struct nlmsghdr *nh, struct link_info *li)
{
	struct ifinfomsg *ifi = NLMSG_DATA(nh);
	int len = IFLA_PAYLOAD(nh);

	for (struct rtattr *rta = IFLA_RTA(ifi); RTA_OK(rta, len);
	     rta = RTA_NEXT(rta, len)) {
		switch (rta->rta_type) {
		case IFLA_IFNAME:
			snprintf(li->name, sizeof(li->name), "%.*s",
				 (int)RTA_PAYLOAD(rta), (char *)RTA_DATA(rta));
			break;
		case IFLA_LINK:
			li->link = *(__u32 *)RTA_DATA(rta);
			break;
		case IFLA_LINK_NETNSID:
			li->link_netnsid = *(__s32 *)RTA_DATA(rta);
			break;
		case IFLA_XDP:
			parse_xdp(rta, li);
			break;
		}
	}
}

/*
 * RTM_GETLINK for @ifindex, in the netns @netnsid names (as seen from ours;
 * -1: ours). The peer of a veth usually lives in another namespace, which
 * IFLA_TARGET_NETNSID reaches without entering it.
 */
static int get_link(__u32 ifindex, int netnsid, struct link_info *li)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
		char attrs[64];
	} req = {
		.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg)),
		.nh.nlmsg_type = RTM_GETLINK,
		.nh.nlmsg_flags = NLM_F_REQUEST,
		.nh.nlmsg_seq = 1,
		.ifi.ifi_family = AF_UNSPEC,
		.ifi.ifi_index = ifindex,
	};
	static char buf[32768];
	struct nlmsghdr *nh;
	ssize_t len;
	int fd, err = -1;

	memset(li, 0, sizeof(*li));
	li->link_netnsid = -1;
	if (netnsid >= 0)
		add_attr_s32(&req.nh, IFLA_TARGET_NETNSID, netnsid);

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -1;
	if (send(fd, &req, req.nh.nlmsg_len, 0) < 0)
		goto out;
	len = recv(fd, buf, sizeof(buf), 0);
	if (len < 0)
		goto out;
	for (nh = (void *)buf; NLMSG_OK(nh, len); nh = NLMSG_NEXT(nh, len)) {
		if (nh->nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr *e = NLMSG_DATA(nh);

			errno = -e->error;
			goto out;
		}
		if (nh->nlmsg_type == RTM_NEWLINK) {
			parse_link(nh, li);
			err = 0;
			break;
		}
	}
out:
	if (err)
		pr_debug("RTM_GETLINK ifindex %u netnsid %d: %s", ifindex, netnsid,
			 strerror(errno));
	close(fd);
	return err;
}

void veth_check_peer(const char *ifname, __u32 ifindex)
{
	struct link_info self, peer;

	if (!is_veth(ifname))
		return;
	if (get_link(ifindex, -1, &self) || !self.link) {
		pr_debug("%s: veth peer unknown", ifname);
		return;
	}
	if (get_link(self.link, self.link_netnsid, &peer))
		return;
	pr_debug("%s: veth peer %s (ifindex %u, netnsid %d) xdp_attached %u",
		 ifname, peer.name, self.link, self.link_netnsid, peer.xdp_attached);
	if (peer.xdp_attached == XDP_ATTACHED_NONE)
		pr_warn("%s: its veth peer %s has no XDP program, so XDP_TX/XDP_REDIRECT "
			"frames sent into it are dropped; attach one to the peer (even "
			"XDP_PASS) or enable GRO on it so that it runs NAPI",
			ifname, peer.name);
}
