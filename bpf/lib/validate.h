/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a router checks before it forwards a packet, for the packets XDP is
 * about to translate (and so forward itself, or hand to the stack already
 * rewritten). Packets that match no session and no rule are not looked at:
 * they go to the stack untouched, which makes the same checks itself.
 *
 * - The IPv4 header checksum (RFC 1812 5.2.2: a router must discard a
 *   packet whose header checksum is wrong; ip_rcv_core() does, before
 *   netfilter ever sees it).
 * - The reverse-path check the ingress port's rp_filter asks for (RFC 3704;
 *   the kernel's fib_validate_source()): strict, the route back to the
 *   source must leave by the ingress port; loose, there must be a unicast
 *   route back at all. Without it a frame from the internet with a LAN
 *   source would be translated as a LAN client's, and reach a LAN server
 *   from the router's own address.
 */
#ifndef HP_BPF_VALIDATE_H
#define HP_BPF_VALIDATE_H

#include "lib/maps.h"
#include "lib/parse.h"
#include "lib/csum.h"
#include "lib/nexthop.h"

/* The furthest the IPv4 header can start: Ethernet and HP_MAX_VLANS tags. */
#define HP_L3_MAX_OFF (ETH_HLEN + HP_MAX_VLANS * 4)

/*
 * The reverse path of @ip as it arrived on the ingress port: the fib lookup
 * of the reversed packet (source and destination swapped, from the ingress
 * port), as fib_validate_source() makes it. The neighbour does not matter,
 * only the route (BPF_FIB_LOOKUP_SKIP_NEIGH). Not a multipath route's every
 * path: the fib picks one, where the kernel accepts any that uses the port.
 */
static __always_inline int hp_rp_check(struct xdp_md *ctx, const struct iphdr *ip)
{
	__u32 ifindex = ctx->ingress_ifindex;
	const struct hp_iface *in = bpf_map_lookup_elem(&hp_ifaces, &ifindex);
	struct bpf_fib_lookup fib = {};
	int rc;

	if (!in || in->rp_filter == HP_RP_OFF)
		return HP_CONTINUE;
	fib.family = HP_AF_INET;
	fib.tos = ip->tos;
	fib.l4_protocol = ip->protocol;
	fib.ifindex = ifindex;
	fib.ipv4_src = ip->daddr;
	fib.ipv4_dst = ip->saddr;
	rc = bpf_fib_lookup(ctx, &fib, sizeof(fib), BPF_FIB_LOOKUP_SKIP_NEIGH);
	/* No unicast route back (unreachable, blackhole, a local address...). */
	if (rc != BPF_FIB_LKUP_RET_SUCCESS)
		return HP_DROP_RP_FILTER;
	if (in->rp_filter == HP_RP_STRICT && fib.ifindex != ifindex)
		return HP_DROP_RP_FILTER;
	return HP_CONTINUE;
}

/*
 * The checks on a packet XDP is about to translate, its IPv4 header at
 * @l3_off: HP_CONTINUE, or the counter of the drop. A global function: the
 * verifier checks it once, not at each of its callers.
 */
__noinline int hp_xdp_validate(struct xdp_md *ctx, __u32 l3_off)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct iphdr *ip;

	if (l3_off > HP_L3_MAX_OFF)
		return HP_DROP_IP_BAD_CSUM;
	ip = data + l3_off;
	if ((void *)(ip + 1) > data_end || !hp_ip_csum_ok(ip, data_end))
		return HP_DROP_IP_BAD_CSUM;
	return hp_rp_check(ctx, ip);
}

#endif /* HP_BPF_VALIDATE_H */
