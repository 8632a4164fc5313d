// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/libbpf.h>

#include "log.h"
#include "json.h"

struct global_opts g_opts;

static bool error_printed;
static char context[256];

/*
 * Under systemd, stdout and stderr are the journal's stream, whose
 * $JOURNAL_STREAM names it ("DEV:INODE", systemd.exec(5)); a line there
 * that starts with "<N>" gets syslog priority N (sd-daemon(3)). Elsewhere
 * the level is only in the words ("warning:", "debug:").
 */
enum { LVL_ERR = 3, LVL_WARNING = 4, LVL_INFO = 6, LVL_DEBUG = 7 };

static bool is_journal(FILE *f)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	return js && sscanf(js, "%llu:%llu", &dev, &ino) == 2 && !fstat(fileno(f), &st) &&
	       st.st_dev == dev && st.st_ino == ino;
}

static void level_prefix(FILE *f, int level)
{
	static int journal[3] = { -1, -1, -1 }; /* by fd: unknown, no, yes */
	int fd = fileno(f);

	if (fd < 0 || fd > 2)
		return;
	if (journal[fd] < 0)
		journal[fd] = is_journal(f);
	if (journal[fd])
		fprintf(f, "<%d>", level);
}

/* @level < 0: the caller has put the level already. */
static void vlog(FILE *f, int level, const char *prefix, const char *fmt, va_list ap)
{
	if (level >= 0)
		level_prefix(f, level);
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
	vlog(stdout, LVL_INFO, "", fmt, ap);
	va_end(ap);
}

void pr_warn(const char *fmt, ...)
{
	va_list ap;

	level_prefix(stderr, LVL_WARNING);
	fputs("hairpin-xdp: warning: ", stderr);
	va_start(ap, fmt);
	vlog(stderr, -1, context, fmt, ap);
	va_end(ap);
}

void pr_debug(const char *fmt, ...)
{
	va_list ap;

	if (!g_opts.verbose)
		return;
	va_start(ap, fmt);
	vlog(stderr, LVL_DEBUG, "hairpin-xdp: debug: ", fmt, ap);
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
		level_prefix(stderr, LVL_ERR);
		fprintf(stderr, "hairpin-xdp: %s\n", msg);
	}
	return -1;
}

bool error_reported(void)
{
	return error_printed;
}

void log_rearm(void)
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
	level_prefix(stderr, LVL_DEBUG);
	fputs("libbpf: ", stderr);
	return vfprintf(stderr, fmt, ap);
}

void log_setup_libbpf(void)
{
	libbpf_set_print(libbpf_print);
}
