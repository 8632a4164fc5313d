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

/* The idle timeouts of struct hp_config by their command line names. */
struct timeout_name {
	const char *name;	/* tcp-established, ... */
	size_t offset;		/* of its __u32 in struct hp_config */
};
extern const struct timeout_name timeout_names[];
extern const size_t timeout_names_count;

static inline __u32 *config_timeout(struct hp_config *cfg,
				    const struct timeout_name *t)
{
	return (__u32 *)((char *)cfg + t->offset);
}

static inline __u32 config_timeout_val(const struct hp_config *cfg,
				       const struct timeout_name *t)
{
	return *(const __u32 *)((const char *)cfg + t->offset);
}

/* "NAME=SECONDS": sets that timeout in @cfg. */
int parse_timeout(const char *s, struct hp_config *cfg);
/* Copy the timeouts set (non-zero) in @given into @cfg. */
void config_merge_timeouts(struct hp_config *cfg, const struct hp_config *given);
/* The defaults from abi.h (DESIGN.md and the NAT RFCs). */
void config_defaults(struct hp_config *cfg);
/* The idle timeout (seconds) that applies to a session entry now. */
__u32 session_timeout(const struct hp_config *cfg, __u8 state, __u8 flags);

#endif /* HP_USER_PARSE_H */
