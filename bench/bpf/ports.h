/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The XDP_REDIRECT targets of the switch and the ceiling: ifindex -> ifindex.
 * A devmap resolves the ifindex in the namespace of whoever updates it, so
 * bench/lib/bed.sh fills it from inside the namespace of the ports.
 */
#ifndef HPB_PORTS_H
#define HPB_PORTS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u32);
} hpb_ports SEC(".maps");

#endif /* HPB_PORTS_H */
