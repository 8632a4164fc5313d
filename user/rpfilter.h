/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The reverse-path filter of attached interfaces, as XDP applies it to the
 * packets it translates (bpf/lib/validate.h): net.ipv4.conf.{all,IFACE}.
 * rp_filter, the larger of the two as the kernel takes it (IN_DEV_RPFILTER,
 * IN_DEV_MAXCONF), kept in the interface's hp_ifaces entry.
 *
 * Read from /proc/sys/net, which shows the network namespace of the reader
 * (so also under `nsenter --net=...`). The kernel does not tell XDP when the
 * sysctl changes: attach reads it, `attach` and `apply` of an interface
 * already attached read it again, and a long-running caller (the daemon)
 * calls rp_filter_refresh() when it learns of a change (RTM_NEWNETCONF with
 * NETCONFA_RP_FILTER on RTNLGRP_IPV4_NETCONF) or on SIGHUP.
 */
#ifndef HP_USER_RPFILTER_H
#define HP_USER_RPFILTER_H

#include <linux/types.h>
#include "maps.h"

/* The enum hp_rp_filter in force for @ifname; errorf() on failure. */
int rp_filter_read(const char *ifname, __u8 *mode);

/*
 * Re-read the setting of every attached interface and update its hp_ifaces
 * entry where it changed. Interfaces gone from the namespace are skipped.
 * Returns 0, or -1 after errorf().
 */
int rp_filter_refresh(const struct hp_maps *m);

#endif /* HP_USER_RPFILTER_H */
