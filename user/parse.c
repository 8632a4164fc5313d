// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "parse.h"

int parse_proto(const char *s, __u8 *proto)
{
	if (!strcmp(s, "tcp"))
		*proto = IPPROTO_TCP;
	else if (!strcmp(s, "udp"))
		*proto = IPPROTO_UDP;
	else
		return errorf("bad protocol '%s': expected tcp or udp", s);
	return 0;
}

const char *proto_name(__u8 proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	default:
		return "?";
	}
}

/*
 * strtoul() alone accepts " 12", "+12", "-1" (as a huge value) and "0x10";
 * an option value is digits only.
 */
static int parse_ulong(const char *s, unsigned long *out)
{
	char *end;

	if (!*s || strspn(s, "0123456789") != strlen(s))
		return -1;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return errno ? -1 : 0;
}

int parse_u32(const char *s, const char *what, __u32 min, __u32 max, __u32 *out)
{
	unsigned long v;

	if (parse_ulong(s, &v) || v < min || v > max)
		return errorf("bad %s '%s': expected a number from %u to %u",
			      what, s, min, max);
	*out = v;
	return 0;
}

/*
 * The dotted quad in s[0, len) into *addr. inet_pton, not inet_aton: only
 * the four-part dotted decimal form ("10.1" and "0x0a.0.0.1" are refused).
 */
static int parse_ipv4(const char *s, size_t len, __be32 *addr)
{
	char host[INET_ADDRSTRLEN];
	struct in_addr in;

	if (len >= sizeof(host))
		return -1;
	memcpy(host, s, len);
	host[len] = '\0';
	if (inet_pton(AF_INET, host, &in) != 1)
		return -1;
	*addr = in.s_addr;
	return 0;
}

/* "LO-HI" with 1 <= LO <= HI <= 65535; -1 without a message. */
static int split_port_range(const char *s, __u16 *lo, __u16 *hi)
{
	const char *dash = strchr(s, '-');
	char first[8];
	unsigned long l, h;

	if (!dash || (size_t)(dash - s) >= sizeof(first))
		return -1;
	memcpy(first, s, dash - s);
	first[dash - s] = '\0';
	if (parse_ulong(first, &l) || parse_ulong(dash + 1, &h))
		return -1;
	if (l < 1 || h > 65535 || l > h)
		return -1;
	*lo = l;
	*hi = h;
	return 0;
}

int parse_ports(const char *ports, const char *s, __u16 *first, __u16 *last)
{
	unsigned long p;

	if (strchr(ports, '-')) {
		if (split_port_range(ports, first, last))
			return errorf("bad port range in '%s': expected FIRST-LAST with "
				      "1 <= FIRST <= LAST <= 65535", s);
		return 0;
	}
	if (parse_ulong(ports, &p) || p > 65535)
		return errorf("bad port in '%s': expected 1-65535", s);
	if (p == 0)
		return errorf("bad port in '%s': port 0 is not a valid port", s);
	*first = *last = p;
	return 0;
}

int parse_addr_ports(const char *s, __be32 *addr, __u16 *first, __u16 *last)
{
	const char *colon = strrchr(s, ':');

	if (!colon)
		return errorf("bad address '%s': expected IPV4:PORT or IPV4:FIRST-LAST, "
			      "e.g. 203.0.113.4:80", s);
	if (parse_ipv4(s, colon - s, addr))
		return errorf("bad address '%s': '%.*s' is not a dotted-quad IPv4 address",
			      s, (int)(colon - s), s);
	if (*addr == htonl(INADDR_ANY) || *addr == htonl(INADDR_BROADCAST))
		return errorf("bad address '%s': %.*s cannot be forwarded", s,
			      (int)(colon - s), s);
	return parse_ports(colon + 1, s, first, last);
}

int parse_ifname(const char *s, size_t len, char *out, size_t out_len)
{
	if (!len || len >= out_len || len >= IFNAMSIZ || memchr(s, '/', len) ||
	    (len <= 2 && !strncmp(s, "..", len)))
		return -1;
	for (size_t i = 0; i < len; i++)
		if (s[i] <= ' ' || s[i] == ':' || s[i] == 0x7f)
			return -1;
	memcpy(out, s, len);
	out[len] = '\0';
	return 0;
}

void format_addr_port(char *buf, size_t len, __be32 addr, __be16 port)
{
	format_addr_ports(buf, len, addr, ntohs(port), ntohs(port));
}

void format_addr_ports(char *buf, size_t len, __be32 addr, __u16 first, __u16 last)
{
	char host[INET_ADDRSTRLEN];
	struct in_addr in = { .s_addr = addr };

	inet_ntop(AF_INET, &in, host, sizeof(host));
	if (first == last)
		snprintf(buf, len, "%s:%u", host, first);
	else
		snprintf(buf, len, "%s:%u-%u", host, first, last);
}

int parse_prefix(const char *s, __be32 *addr, __u8 *plen)
{
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned long len = 32;
	__be32 mask;

	if (parse_ipv4(s, alen, addr))
		return errorf("bad prefix '%s': expected IPV4/LEN or IPV4, e.g. 198.51.100.0/24",
			      s);
	if (slash && (parse_ulong(slash + 1, &len) || len > 32))
		return errorf("bad prefix '%s': length must be 0 to 32", s);
	mask = len ? htonl(~0u << (32 - len)) : 0;
	if (*addr & ~mask) {
		char net[PREFIX_STRLEN];

		format_prefix(net, sizeof(net), *addr & mask, len);
		return errorf("bad prefix '%s': host bits set (the network is %s)", s, net);
	}
	*plen = len;
	return 0;
}

void format_prefix(char *buf, size_t len, __be32 addr, __u8 plen)
{
	char host[INET_ADDRSTRLEN];
	struct in_addr in = { .s_addr = addr };

	inet_ntop(AF_INET, &in, host, sizeof(host));
	snprintf(buf, len, "%s/%u", host, plen);
}

int parse_port_range(const char *s, __u16 *lo, __u16 *hi)
{
	if (split_port_range(s, lo, hi))
		return errorf("bad port range '%s': expected LO-HI with 1 <= LO <= HI <= 65535",
			      s);
	return 0;
}

int parse_on_off(const char *s, const char *what, bool *on)
{
	if (!strcmp(s, "on"))
		*on = true;
	else if (!strcmp(s, "off"))
		*on = false;
	else
		return errorf("bad %s '%s': expected on or off", what, s);
	return 0;
}

static const char *const hairpin_modes[] = {
	[HP_HAIRPIN_INTERNAL] = "internal",
	[HP_HAIRPIN_EXTERNAL] = "external",
	[HP_HAIRPIN_OFF] = "off",
};

int parse_hairpin_mode(const char *s, __u8 *mode)
{
	for (size_t i = 0; i < sizeof(hairpin_modes) / sizeof(hairpin_modes[0]); i++) {
		if (!strcmp(s, hairpin_modes[i])) {
			*mode = i;
			return 0;
		}
	}
	return errorf("bad hairpin mode '%s': expected internal, external or off", s);
}

const char *hairpin_mode_name(__u8 mode)
{
	if (mode < sizeof(hairpin_modes) / sizeof(hairpin_modes[0]))
		return hairpin_modes[mode];
	return "?";
}

const char *state_name(__u8 state)
{
	static const char *const names[HP_STATE_MAX] = {
		[HP_STATE_TCP_SYN_SENT] = "syn_sent",
		[HP_STATE_TCP_ESTABLISHED] = "established",
		[HP_STATE_TCP_CLOSING] = "closing",
		[HP_STATE_UDP] = "udp",
	};

	return state < HP_STATE_MAX ? names[state] : "?";
}

