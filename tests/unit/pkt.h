/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Packet builder and from-scratch checksum verifier for the unit tests.
 *
 * A struct pkt_spec describes one Ethernet frame field by field (zero means
 * "the usual value"), pkt_build() turns it into bytes with checksums computed
 * from nothing, and struct pkt_edit describes what a NAT step is expected to
 * change, so a golden fixture is {input spec, edit, verdict} and the expected
 * bytes are pkt_build(apply(edit, input)).
 *
 * Addresses are host-order __u32 (IP4(a, b, c, d)) and ports host-order so
 * that the fixture tables are constant initialisers; the builder writes
 * network order.
 */
#ifndef HP_UNIT_PKT_H
#define HP_UNIT_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#define IP4(a, b, c, d) \
	((__u32)(a) << 24 | (__u32)(b) << 16 | (__u32)(c) << 8 | (__u32)(d))

#define PKT_MAX 512

/* How the builder fills the L4 checksum field. */
enum l4_csum {
	CSUM_FULL = 0, /* correct over pseudo-header + segment */
	CSUM_PARTIAL,  /* folded pseudo-header sum, as CHECKSUM_PARTIAL leaves it */
	CSUM_ZERO,     /* 0: UDP "no checksum" (RFC 768) */
};

/* pkt_edit.csum_to: 0 keeps the input's checksum mode. */
#define TO_FULL (CSUM_FULL + 1)
#define TO_PARTIAL (CSUM_PARTIAL + 1)

/*
 * The packet an ICMP error quotes (RFC 792: its IP header and at least 8
 * bytes of what follows), built by the same rules as a pkt_spec: TCP, UDP,
 * or an ICMP echo request; ttl 0 means 64, frag_off 0 means DF.
 */
struct pkt_quote {
	__u32 saddr, daddr;
	__u32 sport, dport; /* host order, or PORT_SNAT */
	__u8 proto;	    /* 0: IPPROTO_TCP */
	__u8 ttl;
	__u8 tcp_flags;
	__u16 frag_off;
	__u16 payload;
	enum l4_csum csum;
	__u16 l4_bytes;	    /* non-zero: quote only this many bytes past the IP header */
};

/* How the builder fills the IPv4 header checksum. */
enum ip_csum {
	IP_CSUM_OK = 0,
	IP_CSUM_BAD,	 /* the right one with two bits flipped */
	IP_CSUM_NO_OPTS, /* summed over the first 20 bytes only, not the options */
};

struct pkt_spec {
	const __u8 *dmac, *smac;
	__u16 ethertype; /* 0: ETH_P_IP */
	__u16 vlan_id;	 /* non-zero: one 802.1Q tag carrying @ethertype */
	/* IPv4 (also used to fill an IPv6 or ARP frame's addresses) */
	__u32 saddr, daddr;
	__u8 proto;	 /* 0: IPPROTO_TCP */
	__u8 ttl;	 /* 0: 64 */
	__u8 ihl;	 /* 0: 5 + opt_words; set to lie about the header */
	__u8 opt_words;	 /* 32-bit words of IP options (NOP ... EOL) */
	__u16 frag_off;	 /* host order: flags | offset; 0: DF */
	__u16 ip_id;	 /* 0: 0x1234 */
	__u8 ip_csum;	 /* enum ip_csum: how the header checksum is filled */
	/* TCP / UDP */
	__u32 sport, dport; /* host order, or PORT_SNAT */
	__u8 tcp_flags;	 /* TH_* bits, byte 13 of the TCP header */
	__u8 doff;	 /* 0: 5; set to lie about the header */
	__u16 payload;	 /* payload bytes (a fixed pattern) */
	__u16 word0;	 /* non-zero: the first payload word, big-endian */
	__u16 udp_len;	 /* non-zero: the UDP length field, to lie about it */
	enum l4_csum csum;
	__u8 pad;	 /* zero bytes after the IP datagram (Ethernet padding) */
	__u16 truncate;	 /* non-zero: cut the frame to this many bytes */
	/*
	 * ICMP (proto IPPROTO_ICMP): an echo request when icmp_type is 0,
	 * else an error of that type and code quoting @quote, with a correct
	 * ICMP checksum unless @icmp_bad_csum.
	 */
	__u8 icmp_type, icmp_code;
	__u16 icmp_mtu;	 /* next-hop MTU (fragmentation needed) */
	bool icmp_bad_csum;
	struct pkt_quote quote;
};

#define ICMP_DEST_UNREACH_ 3
#define ICMP_TIME_EXCEEDED_ 11
#define ICMP_PORT_UNREACH_ 3
#define ICMP_FRAG_NEEDED_ 4

/* A port to be replaced by the hairpin SNAT port the datapath picked. */
#define PORT_SNAT 0x10000u

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PSH 0x08
#define TH_ACK 0x10

#define IP_DF_FLAG 0x4000
#define IP_MF_FLAG 0x2000
#define FRAG_NONE 0xffff /* frag_off value meaning "0, no DF" */

/*
 * The changes a translation makes. Zero fields are left as in the input.
 * A port of PORT_SNAT stands for the hairpin SNAT port, which the datapath
 * picks and the test reads back from hp_sessions.
 */
struct pkt_edit {
	__u32 saddr, daddr;
	__u32 sport, dport; /* host order, or PORT_SNAT */
	const __u8 *dmac, *smac;
	__u8 ttl_dec;	    /* subtract from TTL (the fast path forwards) */
	__u8 csum_to;	    /* 0, TO_FULL or TO_PARTIAL */
	struct {
		__u32 saddr, daddr;
		__u32 sport, dport; /* host order, or PORT_SNAT */
	} q;		    /* an ICMP error's quoted packet */
};

/* Build @s into @buf (PKT_MAX bytes); returns the frame length. */
size_t pkt_build(const struct pkt_spec *s, __u8 *buf);

/* @in with @e applied; @snat_port replaces PORT_SNAT. */
struct pkt_spec pkt_apply(const struct pkt_spec *in, const struct pkt_edit *e,
			  __u16 snat_port);
/*
 * For a frame with a full L4 checksum: the first payload word that makes
 * that checksum compute to 0 (0 when the frame cannot have one).
 */
__u16 pkt_zero_sum_word(const __u8 *frame, size_t len);

/* Replace PORT_SNAT markers in a spec's ports (and its quote's). */
void pkt_resolve(struct pkt_spec *s, __u16 snat_port);
/* Does @s name PORT_SNAT anywhere (ports, quoted ports)? */
bool pkt_has_snat(const struct pkt_spec *s);

/*
 * From-scratch checks on a frame that holds Ethernet + IPv4 + TCP/UDP.
 * Each returns NULL when the frame is right, or a static description.
 */
const char *verify_ip_csum(const __u8 *frame, size_t len);
const char *verify_l4_csum(const __u8 *frame, size_t len);
const char *verify_l4_partial(const __u8 *frame, size_t len);
/*
 * An ICMP error: the outer IPv4 checksum, the ICMP checksum over the whole
 * message, the quoted IPv4 header's checksum and, where the quote holds
 * the whole quoted TCP/UDP datagram, its L4 checksum.
 */
const char *verify_icmp_error(const __u8 *frame, size_t len);

/*
 * Compare @got with @want; on a difference write a one-line description
 * naming the first differing field into @why and return false.
 */
bool pkt_equal(const __u8 *got, size_t got_len, const __u8 *want,
	       size_t want_len, char *why, size_t why_len);

/* Hex dump as "# " comment lines (test output protocol). */
void pkt_dump(const char *label, const __u8 *buf, size_t len);

#endif /* HP_UNIT_PKT_H */
