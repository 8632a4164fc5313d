// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "fault.h"
#include "iface.h"
#include "log.h"

int iface_lookup(const char *name, struct iface_info *info)
{
	struct ifaddrs *ifa_list, *ifa;

	memset(info, 0, sizeof(*info));
	if (strlen(name) >= IFNAMSIZ)
		return errorf("%s: interface name too long", name);
	info->ifindex = if_nametoindex(name);
	if (!info->ifindex)
		return errorf("%s: no such interface", name);
	snprintf(info->name, sizeof(info->name), "%s", name);

	/*
	 * The first IPv4 address the kernel lists for the device is its
	 * primary one: the address hairpin SNAT uses. None is not an error;
	 * a hairpin flow on that port is then a counted drop.
	 */
	if (getifaddrs(&ifa_list))
		return errorf("%s: cannot read addresses: %s", name, strerror(errno));
	for (ifa = ifa_list; ifa; ifa = ifa->ifa_next) {
		const struct sockaddr_in *sin = (void *)ifa->ifa_addr;
		const struct sockaddr_in *mask = (void *)ifa->ifa_netmask;

		if (!sin || sin->sin_family != AF_INET || strcmp(ifa->ifa_name, name))
			continue;
		info->addr = sin->sin_addr.s_addr;
		info->prefixlen = mask ? __builtin_popcount(mask->sin_addr.s_addr) : 32;
		break;
	}
	freeifaddrs(ifa_list);
	return 0;
}

/*
 * bpffs refuses names with a dot (reserved for its own files, see
 * bpf_lookup() in kernel/bpf/inode.c), and interface names may have dots
 * ("eth0.100"): '.' and the escape character '%' are written as %2e, %25.
 */
int iface_link_rel(char *buf, size_t len, const char *name)
{
	size_t n = snprintf(buf, len, "%s/", PIN_LINKS);

	for (const char *p = name; *p && n < len; p++) {
		if (*p == '.' || *p == '%')
			n += snprintf(buf + n, len - n, "%%%02x", *p);
		else
			buf[n++] = *p;
	}
	if (n < len)
		n += snprintf(buf + n, len - n, "%s", LINK_PIN_SUFFIX);
	if (n >= len)
		return errorf("%s: interface name too long", name);
	return 0;
}

int iface_link_name(const char *file, char *name, size_t len)
{
	size_t flen = strlen(file), slen = strlen(LINK_PIN_SUFFIX), end, n = 0;

	if (flen <= slen || strcmp(file + flen - slen, LINK_PIN_SUFFIX))
		return -1;
	end = flen - slen;
	for (size_t i = 0; i < end; i++) {
		unsigned int c = (unsigned char)file[i];

		if (c == '%') {
			/* "%xx": two hex digits before the suffix. */
			if (i + 2 >= end || sscanf(file + i + 1, "%2x", &c) != 1)
				return -1;
			i += 2;
		}
		if (n + 1 >= len)
			return -1;
		name[n++] = c;
	}
	name[n] = '\0';
	return 0;
}

/* Errors that mean "this driver has no native XDP", not "XDP is broken". */
static bool native_unsupported(int err)
{
	return err == -EOPNOTSUPP || err == -EINVAL;
}

static int xdp_link_create(int prog_fd, __u32 ifindex, bool generic)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts,
		    .flags = generic ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE);

	return bpf_link_create(prog_fd, ifindex, BPF_XDP, &opts);
}

/* Any XDP program on @ifindex; true when the query fails (assume the worst). */
static bool has_xdp_prog(__u32 ifindex)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	return bpf_xdp_query(ifindex, 0, &q) || q.attach_mode != XDP_ATTACHED_NONE;
}

/*
 * Unlinking the pin drops the link's last reference, but the kernel
 * releases a link from a workqueue (bpf_link_put_deferred), so the program
 * may stay on the interface a moment longer: an attach right after would
 * find it there. Wait for it to go, boundedly.
 */
static void wait_xdp_gone(__u32 ifindex, const char *name)
{
	struct timespec ts = { .tv_nsec = 10 * 1000000L };

	for (int i = 0; i < 200; i++) {
		if (!has_xdp_prog(ifindex))
			return;
		nanosleep(&ts, NULL);
	}
	pr_debug("%s: XDP still attached 2 s after its link was unpinned", name);
}

/*
 * EEXIST without a program of its own: dev_xdp_attach() in net/core/dev.c
 * refuses XDP on a device while an upper device has a program ("Cannot
 * attach when an upper device already has a program"), so a trunk must be
 * attached before its VLANs. The other order is allowed.
 *
 * Attach XDP through a bpf_link and pin it: the pin keeps the program on the
 * interface after we exit, and removing the pin detaches it.
 */
static int xdp_attach(const struct iface_info *ifi, int prog_fd,
		      enum xdp_mode mode, bool *generic, bool *fell_back)
{
	char rel[PATH_MAX], path[PATH_MAX];
	int fd, err;

	*generic = mode == XDP_MODE_GENERIC;
	fd = xdp_link_create(prog_fd, ifi->ifindex, *generic);
	if (fd < 0 && mode == XDP_MODE_AUTO && native_unsupported(fd)) {
		pr_debug("%s: native XDP: %s; trying generic", ifi->name, strerror(-fd));
		*generic = true;
		*fell_back = true;
		fd = xdp_link_create(prog_fd, ifi->ifindex, true);
	}
	if (fd < 0) {
		if ((fd == -EBUSY || fd == -EEXIST) && !has_xdp_prog(ifi->ifindex))
			return errorf("%s: a device on top of it (VLAN, macvlan, bond) has an "
				      "XDP program, and the kernel then allows none below; "
				      "attach %s first, then the devices on it",
				      ifi->name, ifi->name);
		if (fd == -EBUSY || fd == -EEXIST)
			return errorf("%s: another XDP program is already attached (%s)",
				      ifi->name, strerror(-fd));
		if (mode == XDP_MODE_NATIVE && native_unsupported(fd))
			return errorf("%s: native XDP not available (%s); try --mode generic",
				      ifi->name, strerror(-fd));
		return errorf("%s: cannot attach XDP (%s mode): %s", ifi->name,
			      *generic ? "generic" : "native", strerror(-fd));
	}

	if (iface_link_rel(rel, sizeof(rel), ifi->name) ||
	    pin_path(path, sizeof(path), "%s", rel)) {
		err = -1;
		goto out;
	}
	err = bpf_obj_pin(fd, path);
	if (err)
		errorf("%s: cannot pin XDP link at %s: %s", ifi->name, path,
		       strerror(errno));
out:
	/* Pinned: the pin holds the link. Not pinned: closing detaches. */
	close(fd);
	return err ? -1 : 0;
}

static void tc_hook_init(struct bpf_tc_hook *hook, __u32 ifindex)
{
	memset(hook, 0, sizeof(*hook));
	hook->sz = sizeof(*hook);
	hook->ifindex = ifindex;
	hook->attach_point = BPF_TC_EGRESS;
}

static void tc_opts_init(struct bpf_tc_opts *opts, int prog_fd)
{
	memset(opts, 0, sizeof(*opts));
	opts->sz = sizeof(*opts);
	opts->prog_fd = prog_fd;
	opts->handle = HP_TC_HANDLE;
	opts->priority = HP_TC_PRIORITY;
}

static int tc_filter_del(__u32 ifindex, const char *name)
{
	struct bpf_tc_hook hook;
	struct bpf_tc_opts opts;
	int err;

	tc_hook_init(&hook, ifindex);
	tc_opts_init(&opts, 0);
	err = bpf_tc_detach(&hook, &opts);
	/* Gone with the interface or removed by hand: nothing left to do. */
	if (err && err != -ENOENT && err != -ENODEV && err != -EINVAL)
		return errorf("%s: cannot remove tc egress filter: %s", name,
			      strerror(-err));
	return 0;
}

/* Removes the whole clsact qdisc: only call when attach created it. */
static int tc_clsact_del(__u32 ifindex, const char *name)
{
	struct bpf_tc_hook hook;
	int err;

	tc_hook_init(&hook, ifindex);
	hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
	err = bpf_tc_hook_destroy(&hook);
	if (err && err != -ENOENT && err != -ENODEV && err != -EINVAL)
		return errorf("%s: cannot remove clsact qdisc: %s", name,
			      strerror(-err));
	return 0;
}

static int tc_attach(const struct iface_info *ifi, int prog_fd, bool *own_clsact)
{
	struct bpf_tc_hook hook;
	struct bpf_tc_opts opts;
	int err;

	tc_hook_init(&hook, ifi->ifindex);
	err = bpf_tc_hook_create(&hook);
	/* EEXIST: a clsact qdisc is already there and is not ours to remove. */
	*own_clsact = !err;
	if (err && err != -EEXIST)
		return errorf("%s: cannot create clsact qdisc: %s", ifi->name,
			      strerror(-err));

	tc_opts_init(&opts, prog_fd);
	err = bpf_tc_attach(&hook, &opts);
	if (!err)
		return 0;
	if (err == -EEXIST)
		errorf("%s: a tc egress filter with pref %u handle 0x%x exists already "
		       "(remove it: tc filter del dev %s egress pref %u)",
		       ifi->name, HP_TC_PRIORITY, HP_TC_HANDLE, ifi->name,
		       HP_TC_PRIORITY);
	else
		errorf("%s: cannot attach tc egress filter: %s", ifi->name,
		       strerror(-err));
	if (*own_clsact)
		tc_clsact_del(ifi->ifindex, ifi->name);
	return -1;
}

static int unpin_link(const char *name)
{
	char rel[PATH_MAX], path[PATH_MAX];

	if (iface_link_rel(rel, sizeof(rel), name) ||
	    pin_path(path, sizeof(path), "%s", rel))
		return -1;
	if (unlink(path) && errno != ENOENT)
		return errorf("%s: cannot unpin %s: %s", name, path, strerror(errno));
	return 0;
}

static int record(const struct hp_maps *m, const struct iface_info *ifi, const struct hp_iface *rec)
{
	if (bpf_map_update_elem(m->ifaces, &ifi->ifindex, rec, BPF_ANY))
		return errorf("%s: cannot write hp_ifaces: %s", ifi->name, strerror(errno));
	return 0;
}

int iface_attach(const struct iface_info *ifi, int xdp_fd, int tc_fd,
		 enum xdp_mode mode, const struct hp_maps *m, bool *fell_back)
{
	struct bpf_devmap_val tx = { .ifindex = ifi->ifindex };
	struct hp_iface rec = {
		.addr = ifi->addr,
		.prefixlen = ifi->prefixlen,
	};
	bool generic = false, own_clsact = false;

	*fell_back = false;
	snprintf(rec.name, sizeof(rec.name), "%s", ifi->name);

	/* First the record that an attach is under way (see HP_IFF_PENDING). */
	rec.flags = HP_IFF_PENDING;
	if (record(m, ifi, &rec) || fault("attach:recorded"))
		goto err_rec;
	if (xdp_attach(ifi, xdp_fd, mode, &generic, fell_back))
		goto err_rec;
	rec.flags |= generic ? HP_IFF_XDP_GENERIC : 0;
	if (record(m, ifi, &rec) || fault("attach:xdp"))
		goto err_xdp;
	/*
	 * A redirect target only in native mode: a device without native XDP
	 * (a bridge, VLAN or macvlan device) cannot send the frames a native
	 * port redirects to it, and the kernel drops them silently. Packets for
	 * such a port take the slow path (slow_not_attached) instead.
	 */
	if (!generic && bpf_map_update_elem(m->tx_ports, &ifi->ifindex, &tx, BPF_ANY)) {
		errorf("%s: cannot add to hp_tx_ports: %s", ifi->name, strerror(errno));
		goto err_xdp;
	}
	if (fault("attach:tx_ports") || tc_attach(ifi, tc_fd, &own_clsact))
		goto err_tx;
	rec.flags |= own_clsact ? HP_IFF_OWN_CLSACT : 0;
	if (record(m, ifi, &rec) || fault("attach:tc"))
		goto err_tc;
	rec.flags &= ~HP_IFF_PENDING;
	if (record(m, ifi, &rec))
		goto err_tc;
	return 0;

err_tc:
	tc_filter_del(ifi->ifindex, ifi->name);
	if (own_clsact)
		tc_clsact_del(ifi->ifindex, ifi->name);
err_tx:
	bpf_map_delete_elem(m->tx_ports, &ifi->ifindex);
err_xdp:
	unpin_link(ifi->name);
err_rec:
	bpf_map_delete_elem(m->ifaces, &ifi->ifindex);
	return -1;
}

int iface_find_attached(const struct hp_maps *m, const char *name,
			__u32 *ifindex, struct hp_iface *rec)
{
	__u32 key, *prev = NULL;

	*ifindex = if_nametoindex(name);
	if (*ifindex && !bpf_map_lookup_elem(m->ifaces, ifindex, rec))
		return 1;
	while (!bpf_map_get_next_key(m->ifaces, prev, &key)) {
		prev = &key;
		if (bpf_map_lookup_elem(m->ifaces, &key, rec))
			continue;
		if (!strncmp(rec->name, name, sizeof(rec->name))) {
			*ifindex = key;
			return 1;
		}
	}
	return 0;
}

int iface_detach(const struct hp_maps *m, __u32 ifindex, const struct hp_iface *rec)
{
	char name[IFNAMSIZ], rel[PATH_MAX];
	bool pinned;
	int err = 0;

	snprintf(name, sizeof(name), "%.*s", (int)sizeof(rec->name), rec->name);
	pinned = !iface_link_rel(rel, sizeof(rel), name) && pin_exists(rel);
	/* The XDP link's only reference is the pin: unlinking detaches it. */
	if (unpin_link(name) || fault("detach:unpinned"))
		err = -1;
	if (ifindex) {
		if (pinned)
			wait_xdp_gone(ifindex, name);
		if (tc_filter_del(ifindex, name) || fault("detach:tc"))
			err = -1;
		if ((rec->flags & HP_IFF_OWN_CLSACT) && tc_clsact_del(ifindex, name))
			err = -1;
		bpf_map_delete_elem(m->ifaces, &ifindex);
		bpf_map_delete_elem(m->tx_ports, &ifindex);
	}
	return err;
}

int iface_replace_progs(__u32 ifindex, const struct hp_iface *rec, int xdp_fd, int tc_fd)
{
	char name[IFNAMSIZ], rel[PATH_MAX], path[PATH_MAX];
	struct bpf_tc_hook hook;
	struct bpf_tc_opts opts;
	int link_fd, err;

	snprintf(name, sizeof(name), "%.*s", (int)sizeof(rec->name), rec->name);
	if (iface_link_rel(rel, sizeof(rel), name) || pin_path(path, sizeof(path), "%s", rel))
		return -1;
	link_fd = bpf_obj_get(path);
	if (link_fd < 0)
		return errorf("%s: cannot open XDP link %s: %s", name, path, strerror(errno));
	err = bpf_link_update(link_fd, xdp_fd, NULL);
	close(link_fd);
	if (err)
		return errorf("%s: cannot replace the XDP program: %s", name, strerror(errno));

	tc_hook_init(&hook, ifindex);
	tc_opts_init(&opts, tc_fd);
	opts.flags = BPF_TC_F_REPLACE;
	err = bpf_tc_attach(&hook, &opts);
	if (err)
		return errorf("%s: cannot replace the tc egress program: %s", name, strerror(-err));
	return 0;
}
