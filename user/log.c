// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <bpf/libbpf.h>

#include "log.h"
#include "json.h"

struct global_opts g_opts;

static bool error_printed;
static char context[256];
/* stderr is the journal: lines carry "<N>" levels instead of our name. */
static bool to_journal;
/* The daemon: info lines on stderr as well. */
static bool daemon_mode;

/* syslog's levels, as sd-daemon(3) prefixes them. */
enum level { LVL_ERR = 3, LVL_WARN = 4, LVL_INFO = 6, LVL_DEBUG = 7 };

/*
 * One line at @lvl: where it goes and how it starts. A command prints info
 * bare on stdout and the rest as "hairpin-xdp: [warning: |debug: ]..." on
 * stderr; in the journal the level says what the words said.
 */
static void vlog(enum level lvl, const char *ctx, const char *fmt, va_list ap)
{
	static const char *const words[] = {
		[LVL_ERR] = "", [LVL_WARN] = "warning: ", [LVL_INFO] = "", [LVL_DEBUG] = "debug: ",
	};
	FILE *f = lvl == LVL_INFO && !daemon_mode ? stdout : stderr;

	if (to_journal && f == stderr)
		fprintf(f, "<%d>", lvl);
	else if (f == stderr)
		fprintf(f, "hairpin-xdp: %s", words[lvl]);
	fputs(ctx, f);
	vfprintf(f, fmt, ap);
	fputc('\n', f);
}

static void log_at(enum level lvl, const char *ctx, const char *fmt, ...) PRINTF(3, 4);
static void log_at(enum level lvl, const char *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(lvl, ctx, fmt, ap);
	va_end(ap);
}

void pr_info(const char *fmt, ...)
{
	va_list ap;

	if (g_opts.json)
		return;
	va_start(ap, fmt);
	vlog(LVL_INFO, "", fmt, ap);
	va_end(ap);
}

void pr_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LVL_WARN, context, fmt, ap);
	va_end(ap);
}

void pr_debug(const char *fmt, ...)
{
	va_list ap;

	if (!g_opts.verbose)
		return;
	va_start(ap, fmt);
	vlog(LVL_DEBUG, "", fmt, ap);
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
		log_at(LVL_ERR, "", "%s", msg);
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

void log_daemon(void)
{
	daemon_mode = true;
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
	if (to_journal)
		fprintf(stderr, "<%d>", LVL_DEBUG);
	fputs("libbpf: ", stderr);
	return vfprintf(stderr, fmt, ap);
}

/* $JOURNAL_STREAM is "DEVICE:INODE" of the stream systemd connected. */
static bool stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	return js && sscanf(js, "%llu:%llu", &dev, &ino) == 2 && !fstat(2, &st) &&
	       st.st_dev == dev && st.st_ino == ino;
}

void log_setup(void)
{
	to_journal = stderr_is_journal();
	libbpf_set_print(libbpf_print);
}
