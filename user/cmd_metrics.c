// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * metrics [--listen ADDR:PORT]: every counter in the Prometheus text
 * format (metrics.c) on stdout, or served at http://ADDR:PORT/metrics
 * until SIGTERM or SIGINT: a standalone exporter for a router that does
 * not run the daemon (whose --metrics serves the same).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"
#include "log.h"
#include "metrics.h"
#include "metrics_http.h"

struct metrics_opts {
	const char *listen;
};

static int set_listen(void *opts, const char *arg)
{
	((struct metrics_opts *)opts)->listen = arg;
	return 0;
}

static const struct cli_opt metrics_options[] = {
	CLI_OPT("listen", "ADDR:PORT", "serve them at http://ADDR:PORT/metrics until\n"
		"SIGTERM or SIGINT (127.0.0.1:9100, [::1]:9100)", set_listen),
	{ NULL },
};

/* Rendered whole first: an error prints nothing but its line. */
static int print_metrics(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int err;

	if (!f)
		return errorf("out of memory");
	err = metrics_write(f, NULL);
	if (fclose(f) && !err)
		err = errorf("out of memory");
	if (!err && fwrite(buf, 1, len, stdout) != len)
		err = errorf("cannot write the metrics: %s", strerror(errno));
	free(buf);
	return err;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static int serve(const char *addr)
{
	struct sigaction sa = { .sa_handler = on_signal }; /* no SA_RESTART: poll returns */
	struct metrics_http *h;
	FILE *probe;

	/* Not attached, or not allowed: say so now, not at the first scrape. */
	probe = fopen("/dev/null", "w");
	if (!probe)
		return errorf("/dev/null: %s", strerror(errno));
	if (metrics_write(probe, NULL)) {
		fclose(probe);
		return -1;
	}
	fclose(probe);
	h = metrics_http_open(addr, metrics_scrape, NULL);
	if (!h)
		return -1;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	pr_info("serving metrics at http://%s/metrics", addr);
	fflush(stdout);
	while (!stop) {
		struct pollfd p = { .fd = metrics_http_fd(h), .events = POLLIN };

		if (poll(&p, 1, -1) > 0)
			metrics_http_serve(h);
	}
	metrics_http_close(h);
	return 0;
}

static int metrics_run(void *opts, int argc, char **argv)
{
	const struct metrics_opts *o = opts;

	return o->listen ? serve(o->listen) : print_metrics();
}

const struct command cmd_metrics = {
	.name = "metrics",
	.summary = "counters and table fill in the Prometheus text format",
	.help = "Every counter (by outcome and reason, per forward rule), the sessions by\n"
		"state, the fill of the session tables, the SNAT ports in use and the\n"
		"expiry sweeper's runs and cost, in the Prometheus text exposition format\n"
		"0.0.4. With --listen, a standalone exporter: answers GET /metrics, one\n"
		"scrape at a time, until SIGTERM or SIGINT.\n",
	.opts = metrics_options,
	.opts_size = sizeof(struct metrics_opts),
	.run = metrics_run,
};
