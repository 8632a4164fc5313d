// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The model's world: the fixture namespace's routes and neighbours (what
 * bpf_fib_lookup answers there) and the kernel's forwarding between
 * XDP_PASS and TC egress, as far as the fuzzer needs it.
 */
#include <string.h>
#include <arpa/inet.h>

#include "model.h"
#include "wire.h"

static const __u32 if_addr[IF_MAX] = { LAN_ROUTER, PUBLIC, IP4(198, 51, 100, 1) };

const __u8 *model_if_mac(enum netif i)
{
	return i == IF_LAN ? mac_lan : i == IF_WAN ? mac_wan : mac_dmz;
}

__u32 model_if_addr(enum netif i)
{
	return if_addr[i];
}

static const struct {
	__u32 addr;
	const __u8 *mac;
} neighs[] = {
	{ SERVER, mac_server }, { LAN_CLIENT, mac_client }, { SMALL_MTU_HOST, mac_small_mtu },
	{ INET_CLIENT, mac_inet }, { DMZ_HOST, mac_dmzhost },
};

bool model_route(__u32 d, struct model_route *r)
{
	memset(r, 0, sizeof(*r));
	r->mtu = 1500;
	for (int i = 0; i < IF_MAX; i++)
		if (d == if_addr[i]) {
			r->dev = (enum netif)i;
			r->local = true;
			return true;
		}
	if ((d >> 8) == (IP4(192, 168, 0, 0) >> 8))
		r->dev = IF_LAN;
	else if ((d >> 8) == (IP4(203, 0, 113, 0) >> 8))
		r->dev = IF_WAN;
	else if ((d >> 8) == (IP4(198, 51, 100, 0) >> 8))
		r->dev = IF_DMZ;
	else
		return false; /* no default route in the fixture */
	if ((d & 0xff) == 0 || (d & 0xff) == 0xff)
		return false; /* network and broadcast: not forwarded */
	if (d == SMALL_MTU_HOST)
		r->mtu = 300;
	for (size_t i = 0; i < sizeof(neighs) / sizeof(neighs[0]); i++)
		if (neighs[i].addr == d) {
			r->neigh = true;
			r->mac = neighs[i].mac;
		}
	return true;
}

/* rp_filter: 1 strict (the route back leaves by the port), 2 loose (any route). */
static bool reverse_path_ok(int mode, enum netif in_if, __u32 saddr)
{
	struct model_route r;
	bool routed = model_route(saddr, &r) && !r.local;

	switch (mode) {
	case 1:
		return routed && r.dev == in_if;
	case 2:
		return routed;
	default:
		return true;
	}
}

bool model_xdp_rp_ok(const struct model_cfg *cfg, enum netif in_if, __u32 saddr)
{
	return reverse_path_ok(cfg->xdp_rp_filter[in_if], in_if, saddr);
}

/* ip_do_fragment(): pieces of (mtu - header) & ~7 bytes, each header summed anew. */
static int fragment(const __u8 *f, size_t hl, size_t tot, __u16 mtu, struct model_frame *out, int max)
{
	size_t body = tot - hl, at = 0, unit = (mtu - hl) & ~(size_t)7;
	__u16 fo = get16(f + ETH_LEN + 6);
	int n = 0;

	while (at < body) {
		size_t len = body - at > unit ? unit : body - at;
		__u8 *o;

		if (n == max)
			return 0;
		o = out[n].frame;
		memcpy(o, f, ETH_LEN + hl);
		memcpy(o + ETH_LEN + hl, f + ETH_LEN + hl + at, len);
		put16(o + ETH_LEN + 2, (__u16)(hl + len));
		put16(o + ETH_LEN + 6, (__u16)((fo & 0x1fff) + at / 8) |
					       (at + len < body || (fo & 0x2000) ? 0x2000 : 0));
		put16(o + ETH_LEN + 10, ip_csum(o + ETH_LEN, hl));
		out[n].len = ETH_LEN + hl + len;
		at += len;
		n++;
	}
	return n;
}

/*
 * icmp_send(): the router's own error about a packet it would not forward,
 * quoting it as XDP passed it (as much as fits), from the ingress port's
 * address back out of that port. Goes through tc_egress there.
 */
static int icmp_error(enum netif in_if, const __u8 *f, size_t tot, __u8 type, __u8 code, __u16 mtu,
		      struct model_frame *out, enum netif *out_if)
{
	struct model_route back;
	__u8 *o = out[0].frame, *ip = o + ETH_LEN, *icmp = ip + 20;
	size_t quote = tot < PKT_MAX - ETH_LEN - 28 ? tot : PKT_MAX - ETH_LEN - 28;

	if (!model_route(get32(f + ETH_LEN + 12), &back) || back.local || !back.neigh || back.dev != in_if)
		return 0;
	memcpy(o, back.mac, 6);
	memcpy(o + 6, model_if_mac(in_if), 6);
	put16(o + 12, 0x0800);
	memset(ip, 0, 28);
	ip[0] = 0x45;
	ip[1] = 0xc0; /* IPTOS_PREC_INTERNETCONTROL */
	put16(ip + 2, (__u16)(28 + quote));
	ip[8] = 64;
	ip[9] = 1;
	put32(ip + 12, model_if_addr(in_if));
	memcpy(ip + 16, f + ETH_LEN + 12, 4);
	put16(ip + 10, ip_csum(ip, 20));
	icmp[0] = type;
	icmp[1] = code;
	put16(icmp + 6, mtu);
	memcpy(icmp + 8, f + ETH_LEN, quote);
	put16(icmp + 2, (__u16)~fold(sum16(0, icmp, 8 + quote)));
	out[0].len = ETH_LEN + 28 + quote;
	*out_if = in_if;
	return 1;
}

int model_stack_forward(const struct model_cfg *cfg, enum netif in_if, const __u8 *f, size_t len,
			struct model_frame *out, int max, enum netif *out_if)
{
	struct model_route r;
	size_t hl, tot;
	__u32 saddr, daddr;
	__u32 check;
	__u8 *o = out[0].frame;

	if (len < ETH_LEN + 20 || get16(f + 12) != 0x0800)
		return 0; /* tagged frames have no VLAN device here */
	hl = (size_t)(f[ETH_LEN] & 0xf) * 4;
	tot = get16(f + ETH_LEN + 2);
	if ((f[ETH_LEN] >> 4) != 4 || hl < 20 || tot < hl || ETH_LEN + tot > len)
		return 0;
	if (fold(sum16(0, f + ETH_LEN, hl)) != 0xffff)
		return 0; /* ip_rcv: bad header checksum */
	saddr = get32(f + ETH_LEN + 12);
	daddr = get32(f + ETH_LEN + 16);
	if (model_route(saddr, &r) && r.local)
		return 0; /* martian: our own address as source */
	if ((saddr >> 24) == 0 || (saddr >> 24) == 127 || (saddr >> 28) == 0xe || (saddr >> 28) == 0xf)
		return 0;
	if (!reverse_path_ok(cfg->rp_filter[in_if], in_if, saddr))
		return 0;
	if (!model_route(daddr, &r) || r.local)
		return 0; /* delivered locally, or unreachable */
	if (max < 1)
		return 0;
	if (f[ETH_LEN + 8] <= 1)
		return icmp_error(in_if, f, tot, 11, 0, 0, out, out_if);
	if (tot > r.mtu && (get16(f + ETH_LEN + 6) & 0x4000))
		return icmp_error(in_if, f, tot, 3, 4, r.mtu, out, out_if);
	if (!r.neigh)
		return 0; /* waits for ARP */
	memcpy(o, f, ETH_LEN + tot); /* ip_rcv trims the Ethernet padding */
	out[0].len = ETH_LEN + tot;
	/* ip_decrease_ttl() */
	o[ETH_LEN + 8]--;
	check = get16(o + ETH_LEN + 10) + 0x0100;
	put16(o + ETH_LEN + 10, (__u16)(check + (check >= 0xffff)));
	memcpy(o, r.mac, 6);
	memcpy(o + 6, model_if_mac(r.dev), 6);
	*out_if = r.dev;
	if (tot <= r.mtu)
		return 1;
	{
		struct model_frame whole = out[0];

		return fragment(whole.frame, hl, tot, r.mtu, out, max);
	}
}
