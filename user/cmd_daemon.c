// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * daemon [--config FILE] [--metrics ADDR:PORT]: the service in the
 * foreground (daemon.c does the work).
 */
#include <arpa/inet.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"
#include "conf.h"
#include "daemon.h"
#include "log.h"
#include "parse.h"

static void daemon_init(void *opts)
{
	((struct daemon_opts *)opts)->config = HP_CONF_DEFAULT;
}

static int set_config(void *opts, const char *arg)
{
	((struct daemon_opts *)opts)->config = arg;
	return 0;
}

/* "A.B.C.D:PORT" or "[IPV6]:PORT", checked here so that a typo stops the start. */
static int set_metrics(void *opts, const char *arg)
{
	const char *colon = strrchr(arg, ':');
	char host[INET6_ADDRSTRLEN + 2];
	unsigned char addr[16];
	size_t len = colon ? (size_t)(colon - arg) : 0;
	bool v6 = len > 2 && arg[0] == '[' && arg[len - 1] == ']';
	__u32 port;

	if (!colon || len >= sizeof(host))
		return errorf("--metrics %s: want ADDR:PORT, e.g. 127.0.0.1:9469", arg);
	memcpy(host, arg + v6, len - 2 * v6);
	host[len - 2 * v6] = '\0';
	if (inet_pton(v6 ? AF_INET6 : AF_INET, host, addr) != 1)
		return errorf("--metrics %s: %s is not an IPv4 address or a bracketed IPv6 one",
			      arg, host);
	if (parse_u32(colon + 1, "--metrics port", 1, 65535, &port))
		return -1;
	((struct daemon_opts *)opts)->metrics = arg;
	return 0;
}

static const struct cli_opt daemon_options[] = {
	CLI_OPT("config", "FILE", "the config file (default " HP_CONF_DEFAULT ")", set_config),
	CLI_OPT("metrics", "ADDR:PORT", "serve the counters over HTTP on ADDR:PORT, in the\n"
		"Prometheus text format (as hairpin-xdp metrics)", set_metrics),
	{ NULL },
};

static int daemon_cmd_run(void *opts, int argc, char **argv)
{
	return daemon_run(opts);
}

const struct command cmd_daemon = {
	.name = "daemon",
	.summary = "the service: apply the config file, follow addresses and routes",
	.help = "Run in the foreground: apply the config file, then watch the kernel\n"
		"(rtnetlink) and keep the dataplane in step: forwards by interface name\n"
		"and the hairpin sources follow their interfaces' addresses, and route and\n"
		"neighbour changes reach the next-hop cache at once. SIGHUP applies the\n"
		"file again (a file that fails changes nothing); SIGTERM and SIGINT end\n"
		"the daemon and leave the dataplane attached and forwarding. Readiness and\n"
		"status go to $NOTIFY_SOCKET (systemd Type=notify); on the journal's stream\n"
		"every line carries its level. One daemon per pin root.\n",
	.opts = daemon_options,
	.opts_size = sizeof(struct daemon_opts),
	.init = daemon_init,
	.run = daemon_cmd_run,
};
