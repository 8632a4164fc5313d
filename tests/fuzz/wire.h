/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Big-endian field access and RFC 1071/1624 checksum arithmetic on frame
 * bytes, for the model and the generator. Sums are of big-endian 16-bit
 * words, kept in 32 or 64 bits and folded at the end.
 */
#ifndef HP_FUZZ_WIRE_H
#define HP_FUZZ_WIRE_H

#include <stddef.h>
#include <linux/types.h>

#define ETH_LEN 14

static inline __u16 get16(const __u8 *p)
{
	return (__u16)(p[0] << 8 | p[1]);
}

static inline __u32 get32(const __u8 *p)
{
	return (__u32)get16(p) << 16 | get16(p + 2);
}

static inline void put16(__u8 *p, __u16 v)
{
	p[0] = (__u8)(v >> 8);
	p[1] = (__u8)v;
}

static inline void put32(__u8 *p, __u32 v)
{
	put16(p, (__u16)(v >> 16));
	put16(p + 2, (__u16)v);
}

static inline __u64 sum16(__u64 sum, const __u8 *p, size_t len)
{
	for (; len > 1; p += 2, len -= 2)
		sum += get16(p);
	if (len)
		sum += (__u32)p[0] << 8;
	return sum;
}

static inline __u16 fold(__u64 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

/* RFC 1624 "~m + m'" of a 16-bit and a 32-bit field. */
static inline __u64 delta16(__u16 from, __u16 to)
{
	return (__u16)~from + (__u64)to;
}

static inline __u64 delta32(__u32 from, __u32 to)
{
	return delta16((__u16)(from >> 16), (__u16)(to >> 16)) + delta16((__u16)from, (__u16)to);
}

/* HC' = ~(~HC + ~m + m') (RFC 1624 eqn. 3). */
static inline __u16 csum_full_update(__u16 check, __u64 delta)
{
	return (__u16)~fold((__u16)~check + delta);
}

/* A partial field holds the pseudo-header sum itself: add the change. */
static inline __u16 csum_partial_update(__u16 check, __u64 delta)
{
	return fold(check + delta);
}

/* The IPv4 header checksum of @ip (@hl bytes) from nothing. */
static inline __u16 ip_csum(const __u8 *ip, size_t hl)
{
	__u64 s = sum16(0, ip, 10) + sum16(0, ip + 12, hl - 12);

	return (__u16)~fold(s);
}

#endif /* HP_FUZZ_WIRE_H */
