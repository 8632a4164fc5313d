// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <stdarg.h>
#include <stdio.h>
#include <bpf/libbpf.h>

#include "log.h"
#include "json.h"

struct global_opts g_opts;

static bool error_printed;
static char context[256];

static void vlog(FILE *f, const char *prefix, const char *fmt, va_list ap)
{
	fputs(prefix, f);
	vfprintf(f, fmt, ap);
	fputc('\n', f);
}

void pr_info(const char *fmt, ...)
{
	va_list ap;

	if (g_opts.json)
		return;
	va_start(ap, fmt);
	vlog(stdout, "", fmt, ap);
	va_end(ap);
}

void pr_warn(const char *fmt, ...)
{
	va_list ap;

	fputs("hairpin-xdp: warning: ", stderr);
	va_start(ap, fmt);
	vlog(stderr, context, fmt, ap);
	va_end(ap);
}

void pr_debug(const char *fmt, ...)
{
	va_list ap;

	if (!g_opts.verbose)
		return;
	va_start(ap, fmt);
	vlog(stderr, "hairpin-xdp: debug: ", fmt, ap);
	va_end(ap);
}

int errorf(const char *fmt, ...)
{
	char msg[768];
	size_t n = snprintf(msg, sizeof(msg), "%s", context);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
	va_end(ap);

	if (error_printed) {
		pr_debug("(further error) %s", msg);
		return -1;
	}
	error_printed = true;
	if (g_opts.json) {
		json_begin_object();
		json_kv_str("error", msg);
		json_end_object();
	} else {
		fprintf(stderr, "hairpin-xdp: %s\n", msg);
	}
	return -1;
}

bool error_reported(void)
{
	return error_printed;
}

void log_error_clear(void)
{
	error_printed = false;
}

void log_context(const char *where)
{
	if (where)
		snprintf(context, sizeof(context), "%s: ", where);
	else
		context[0] = '\0';
}

/*
 * libbpf explains its failures in several lines of its own; our errorf() line
 * says what failed in the user's terms, so libbpf speaks only with -v.
 */
static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (!g_opts.verbose)
		return 0;
	fputs("libbpf: ", stderr);
	return vfprintf(stderr, fmt, ap);
}

void log_setup_libbpf(void)
{
	libbpf_set_print(libbpf_print);
}
