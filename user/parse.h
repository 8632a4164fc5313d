/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Strict parsing of command line values and their names for printing. Every
 * parse_* reports its own error through errorf() and returns -1, so a bad
 * value is one precise line naming what was wrong.
 */
#ifndef HP_USER_PARSE_H
#define HP_USER_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "hairpin/abi.h"

#define ADDR_PORT_STRLEN sizeof("255.255.255.255:65535")
#define ADDR_PORTS_STRLEN sizeof("255.255.255.255:65535-65535")
/* "/255": gcc cannot see that a prefix length stays within 32. */
#define PREFIX_STRLEN sizeof("255.255.255.255/255")

int parse_proto(const char *s, __u8 *proto);
const char *proto_name(__u8 proto);
/*
 * "a.b.c.d:PORT" or "a.b.c.d:FIRST-LAST", 1 <= FIRST <= LAST <= 65535; not
 * 0.0.0.0 or 255.255.255.255. Address in network order, ports in host
 * order; one port gives *last == *first.
 */
int parse_addr_ports(const char *s, __be32 *addr, __u16 *first, __u16 *last);
/* "PORT" or "FIRST-LAST" (host order); @whole names the word in errors. */
int parse_ports(const char *ports, const char *whole, __u16 *first, __u16 *last);
/*
 * An interface name s[0, len): 1 to 15 bytes, no '/', ':' or blanks, not
 * "." or "..". Into @out; -1 without a message when it is not one.
 */
int parse_ifname(const char *s, size_t len, char *out, size_t out_len);
void format_addr_port(char *buf, size_t len, __be32 addr, __be16 port);
/* "a.b.c.d:PORT", or "a.b.c.d:FIRST-LAST" when they differ (host order). */
void format_addr_ports(char *buf, size_t len, __be32 addr, __u16 first, __u16 last);
/*
 * An IPv4 prefix "a.b.c.d/LEN" (0 <= LEN <= 32) or a bare address (/32).
 * Host bits set are an error: "198.51.100.7/24" is most likely a typo for
 * an address or for 198.51.100.0/24, and the user should say which.
 */
int parse_prefix(const char *s, __be32 *addr, __u8 *plen);
void format_prefix(char *buf, size_t len, __be32 addr, __u8 plen);
/* "LO-HI", 1 <= LO <= HI <= 65535, host order. */
int parse_port_range(const char *s, __u16 *lo, __u16 *hi);
/* Decimal only, no sign, within [min, max]; @what names it in errors. */
int parse_u32(const char *s, const char *what, __u32 min, __u32 max, __u32 *out);
int parse_on_off(const char *s, const char *what, bool *on);

int parse_hairpin_mode(const char *s, __u8 *mode);
const char *hairpin_mode_name(__u8 mode);
const char *state_name(__u8 state);

#endif /* HP_USER_PARSE_H */
