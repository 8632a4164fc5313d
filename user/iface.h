/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Attaching to and detaching from one interface: the XDP link (pinned at
 * ROOT/links/<ifname>_xdp), the TC egress filter on clsact, and the
 * interface's entries in hp_ifaces and hp_tx_ports.
 *
 * Interfaces are resolved with if_nametoindex() and getifaddrs() (ioctl and
 * netlink underneath), never through /sys: under `nsenter --net=...` /sys
 * still shows the root namespace.
 */
#ifndef HP_USER_IFACE_H
#define HP_USER_IFACE_H

#include <stdbool.h>
#include <net/if.h>
#include "hairpin/abi.h"
#include "maps.h"
#include "pins.h"

/*
 * The TC egress filter's handle and priority ("HP" = 0x4850 in ASCII). A
 * fixed pair lets detach find exactly our filter; 0x4850 (18512) sits
 * below tc's automatic priorities (49152 and up) so ours runs before
 * filters added without a priority, and far above the 1..10 that other
 * tools commonly pick.
 */
#define HP_TC_HANDLE 0x4850
#define HP_TC_PRIORITY 0x4850

enum xdp_mode {
	XDP_MODE_AUTO,	  /* native, generic if the driver lacks native XDP */
	XDP_MODE_NATIVE,
	XDP_MODE_GENERIC,
};

struct iface_info {
	char name[IFNAMSIZ];
	__u32 ifindex;
	__be32 addr;	/* primary IPv4 address, 0 if none */
	__u8 prefixlen;
};

/* Resolve @name in the current network namespace; errorf() if unknown. */
int iface_lookup(const char *name, struct iface_info *info);

/*
 * The XDP link pin, relative to the root: links/<name>_xdp with dots in
 * the name escaped (bpffs forbids them).
 */
#define LINK_PIN_SUFFIX "_xdp"
int iface_link_rel(char *buf, size_t len, const char *name);
/* The interface name of a file in links/; -1 if it is not a link pin. */
int iface_link_name(const char *file, char *name, size_t len);

/*
 * Attach XDP and TC egress and fill in the maps. Undoes its own steps on
 * failure. @fell_back is set when AUTO had to use generic mode.
 */
int iface_attach(const struct iface_info *ifi, int xdp_fd, int tc_fd,
		 enum xdp_mode mode, const struct hp_maps *m, bool *fell_back);

/*
 * Find an attached interface by name: by its ifindex when it exists, else
 * (gone with its netns, or renamed) by the name recorded in hp_ifaces.
 * Returns 1 when found, 0 when not, -1 on error.
 */
int iface_find_attached(const struct hp_maps *m, const char *name,
			__u32 *ifindex, struct hp_iface *rec);

/*
 * Undo iface_attach for @ifindex/@rec. Steps that find their object gone
 * (interface deleted) are not errors; the pins and map entries are always
 * cleaned.
 */
int iface_detach(const struct hp_maps *m, __u32 ifindex, const struct hp_iface *rec);
/*
 * Put other programs on an attached interface, each swap atomic for the
 * packets: the XDP link's program (bpf_link_update) and the TC filter's
 * (a replace of the same handle and priority).
 */
int iface_replace_progs(__u32 ifindex, const struct hp_iface *rec, int xdp_fd, int tc_fd);

#endif /* HP_USER_IFACE_H */
