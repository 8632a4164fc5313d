/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * All checksum arithmetic of the XDP side (TC lets the kernel do it, see
 * rewrite.h). One's complement sums are kept in a 64-bit accumulator of raw
 * (memory order) words and folded at the end, which is right on either byte
 * order: 2^16 and 2^32 are both 1 modulo 0xffff.
 */
#ifndef HP_BPF_CSUM_H
#define HP_BPF_CSUM_H

#include <stdbool.h>
#include <linux/bpf.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

/* Longest L4 segment XDP will sum to finish a partial checksum. */
#define HP_CSUM_MAX_LEN 4096
/* ...and the furthest into the frame it may start (a header's length). */
#define HP_CSUM_MAX_OFF 0x1ff

static __always_inline __u16 csum_fold64(__u64 sum)
{
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

/* RFC 1624 "~m + m'" for a 32-bit and a 16-bit field. */
static __always_inline __u64 csum_delta32(__be32 from, __be32 to)
{
	return (__u64)(__u32)~from + (__u32)to;
}

static __always_inline __u64 csum_delta16(__be16 from, __be16 to)
{
	return (__u64)(__u16)~from + (__u16)to;
}

/* A full checksum after a change: HC' = ~(~HC + ~m + m') (RFC 1624 eqn. 3). */
static __always_inline __sum16 csum_update_full(__sum16 check, __u64 delta)
{
	return (__sum16)~csum_fold64((__u16)~check + delta);
}

/*
 * A partial (CHECKSUM_PARTIAL) field holds the pseudo-header sum itself, not
 * its complement, so a change is added rather than subtracted: what the
 * kernel's inet_proto_csum_replace4() does for such an skb.
 */
static __always_inline __sum16 csum_update_partial(__sum16 check, __u64 delta)
{
	return (__sum16)csum_fold64((__u16)check + delta);
}

/* UDP sends a computed 0 as 0xffff; 0 means "no checksum" (RFC 768). */
static __always_inline __sum16 csum_udp_mangle0(__sum16 check)
{
	return check ? check : (__sum16)0xffff;
}

/*
 * Is the IPv4 header checksum right, options included (RFC 791, RFC 1071:
 * the header's 16-bit words sum to 0xffff)? 32-bit words fold to the same
 * sum. The header must have passed parse_iphdr() (ihl >= 5, within the
 * frame); each word is bounds-checked again for the verifier. At most 15
 * words: a handful of loads, no helper call.
 */
static __always_inline bool hp_ip_csum_ok(const struct iphdr *ip, const void *data_end)
{
	const __u8 *p = (const __u8 *)ip;
	__u32 words = ip->ihl;
	__u64 sum = 0;
	__u32 i;

	for (i = 0; i < 15; i++) {
		if (i >= words)
			break;
		/* Keep the comparison on the pointer, where the verifier sees it. */
		barrier_var(p);
		if (p + 4 > (const __u8 *)data_end)
			return false;
		sum += *(const __u32 *)p;
		p += 4;
	}
	return csum_fold64(sum) == 0xffff;
}

/* Sum of the TCP/UDP pseudo-header (RFC 793, RFC 768). */
static __always_inline __u64 csum_pseudo(__be32 saddr, __be32 daddr, __u8 proto, __u16 l4_len)
{
	return (__u64)saddr + daddr + bpf_htons((__u16)proto) + bpf_htons(l4_len);
}

#define HP_CSUM_STEP(n)                                                        \
	if (len >= (n)) {                                                      \
		if (p + (n) > data_end)                                        \
			return -1;                                             \
		sum += (__u32)bpf_csum_diff(NULL, 0, p, (n), 0);               \
		p += (n);                                                      \
		len -= (n);                                                    \
	}

/*
 * One's complement sum, folded, of @len bytes of the frame at offset @off, or
 * -1 when the segment is longer than HP_CSUM_MAX_LEN or runs past the frame.
 * bpf_csum_diff() takes multiples of 4 up to 512 bytes, so the segment goes
 * in 256-byte blocks, then halving blocks, then the last 0-3 bytes by hand.
 * A global function: the verifier checks it once, not once per caller path.
 */
__noinline int hp_xdp_csum_segment(struct xdp_md *ctx, __u32 off, __u32 len)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u8 tail[4] = {};
	__u64 sum = 0;
	__u8 *b;
	void *p;
	int i;

	if (len > HP_CSUM_MAX_LEN || off > HP_CSUM_MAX_OFF)
		return -1;
	/* Keep the bound where the verifier can see it on the pointer. */
	barrier_var(off);
	off &= HP_CSUM_MAX_OFF;
	p = data + off;
	for (i = 0; i < HP_CSUM_MAX_LEN / 256; i++) {
		if (len < 256)
			break;
		if (p + 256 > data_end)
			return -1;
		sum += (__u32)bpf_csum_diff(NULL, 0, p, 256, 0);
		p += 256;
		len -= 256;
	}
	HP_CSUM_STEP(128)
	HP_CSUM_STEP(64)
	HP_CSUM_STEP(32)
	HP_CSUM_STEP(16)
	HP_CSUM_STEP(8)
	HP_CSUM_STEP(4)
	/* The last bytes, padded with zeros in memory order. */
	b = p;
	if (len >= 1) {
		if ((void *)(b + 1) > data_end)
			return -1;
		tail[0] = b[0];
	}
	if (len >= 2) {
		if ((void *)(b + 2) > data_end)
			return -1;
		tail[1] = b[1];
	}
	if (len >= 3) {
		if ((void *)(b + 3) > data_end)
			return -1;
		tail[2] = b[2];
	}
	sum += *(__u32 *)tail;
	return csum_fold64(sum);
}
#undef HP_CSUM_STEP

/* Block hp_xdp_csum_long() copies out: its frame and the caller's fit 512 B. */
#define HP_CSUM_CHUNK 64

/*
 * The same sum for a segment of any length an IPv4 datagram holds (an ICMP
 * error on a jumbo link, seen by generic XDP), copied out block by block with
 * bpf_xdp_load_bytes(): no packet pointer whose range the verifier must
 * follow through 1000 iterations. Slower; for what hp_xdp_csum_segment()
 * does not take. -1 when it runs past the frame.
 */
__noinline int hp_xdp_csum_long(struct xdp_md *ctx, __u32 off, __u32 len)
{
	__u8 buf[HP_CSUM_CHUNK];
	__u64 sum = 0;
	__u32 rest;
	int i;

	if (len > 0xffff || off > HP_CSUM_MAX_OFF)
		return -1;
	for (i = 0; i < 0x10000 / HP_CSUM_CHUNK; i++) {
		if (len < HP_CSUM_CHUNK)
			break;
		if (bpf_xdp_load_bytes(ctx, off, buf, HP_CSUM_CHUNK))
			return -1;
		sum += (__u32)bpf_csum_diff(NULL, 0, (__be32 *)buf, HP_CSUM_CHUNK, 0);
		off += HP_CSUM_CHUNK;
		len -= HP_CSUM_CHUNK;
	}
	rest = len & (HP_CSUM_CHUNK - 1);
	if (rest) {
		/* Padded with zeros to 4 bytes, in memory order. */
		__u32 padded = (rest + 3) & ~3u;

		if (padded > HP_CSUM_CHUNK)
			return -1;
		__builtin_memset(buf, 0, sizeof(buf));
		if (bpf_xdp_load_bytes(ctx, off, buf, rest))
			return -1;
		sum += (__u32)bpf_csum_diff(NULL, 0, (__be32 *)buf, padded, 0);
	}
	return csum_fold64(sum);
}

#endif /* HP_BPF_CSUM_H */
