// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <stdint.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "parse.h"

const struct config_switch config_switches[] = {
	{ "fast-path", "fast_path", HP_CF_NO_FAST_PATH },
	{ "nexthop-cache", "nexthop_cache", HP_CF_NO_NEXTHOP_CACHE },
};
const size_t config_switches_count = sizeof(config_switches) / sizeof(config_switches[0]);

#define TIMEOUT(name, field) { name, offsetof(struct hp_config, field) }
const struct timeout_name timeout_names[] = {
	TIMEOUT("tcp-established", timeout_tcp_established),
	TIMEOUT("tcp-transitory", timeout_tcp_transitory),
	TIMEOUT("udp", timeout_udp),
	TIMEOUT("udp-oneway", timeout_udp_oneway),
};
const size_t timeout_names_count = sizeof(timeout_names) / sizeof(timeout_names[0]);

/*
 * The BPF side compares nanoseconds in a __u64; any __u32 of seconds fits.
 * Zero would expire every session at once, so the minimum is one second.
 */
int parse_timeout(const char *s, struct hp_config *cfg)
{
	const char *eq = strchr(s, '=');

	for (size_t i = 0; eq && i < timeout_names_count; i++) {
		const struct timeout_name *t = &timeout_names[i];

		if (strlen(t->name) != (size_t)(eq - s) ||
		    strncmp(s, t->name, eq - s))
			continue;
		return parse_u32(eq + 1, "timeout", 1, UINT32_MAX,
				 config_timeout(cfg, t));
	}
	return errorf("bad timeout '%s': expected NAME=SECONDS with NAME one of "
		      "tcp-established, tcp-transitory, udp, udp-oneway", s);
}

void config_merge_timeouts(struct hp_config *cfg, const struct hp_config *given)
{
	for (size_t i = 0; i < timeout_names_count; i++) {
		__u32 v = config_timeout_val(given, &timeout_names[i]);

		if (v)
			*config_timeout(cfg, &timeout_names[i]) = v;
	}
}

void config_apply_opts(struct hp_config *cfg, const struct config_opts *o)
{
	cfg->flags = (cfg->flags & ~o->flags_set) | o->flags_off;
	config_merge_timeouts(cfg, &o->given);
}

void config_defaults(struct hp_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->snat_port_lo = HP_DEFAULT_SNAT_PORT_LO;
	cfg->snat_port_hi = HP_DEFAULT_SNAT_PORT_HI;
	cfg->timeout_tcp_established = HP_TIMEOUT_TCP_ESTABLISHED;
	cfg->timeout_tcp_transitory = HP_TIMEOUT_TCP_TRANSITORY;
	cfg->timeout_udp = HP_TIMEOUT_UDP;
	cfg->timeout_udp_oneway = HP_TIMEOUT_UDP_ONEWAY;
	cfg->max_sessions = HP_DEFAULT_MAX_SESSIONS;
}
