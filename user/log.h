/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Messages of the hairpin-xdp tool. The contract is one clear line on stderr
 * for an error (or {"error": ...} on stdout with --json), so errors go through
 * errorf(), which prints only the first error of a run: a rollback that fails
 * too, or a caller that adds its own context, cannot add a second line.
 */
#ifndef HP_USER_LOG_H
#define HP_USER_LOG_H

#include <stdbool.h>

struct global_opts {
	bool json;		/* -j/--json: machine-readable output */
	int verbose;		/* -v/--verbose: our debug lines and libbpf's */
	const char *bpffs;	/* --bpffs DIR; NULL: $HAIRPIN_XDP_BPFFS or default */
};

extern struct global_opts g_opts;

#define PRINTF(a, b) __attribute__((format(printf, a, b)))

/* Progress and notes on stdout; silent in JSON mode (stdout is the JSON). */
void pr_info(const char *fmt, ...) PRINTF(1, 2);
/* "hairpin-xdp: warning: ..." on stderr. */
void pr_warn(const char *fmt, ...) PRINTF(1, 2);
/* Only with -v, on stderr. */
void pr_debug(const char *fmt, ...) PRINTF(1, 2);
/*
 * Report the error that ends the command. Returns -1 so that callers can
 * write `return errorf(...)`. Later calls only reach the debug log.
 */
int errorf(const char *fmt, ...) PRINTF(1, 2);
/* True once errorf() has printed: the caller need not add a generic line. */
bool error_reported(void);
/*
 * The next errorf() prints again: a long-running command (a metrics scrape,
 * the daemon's events) reports the error of each unit of work.
 */
void log_error_clear(void);
/*
 * Where the words being read come from ("FILE:LINE"), put before every
 * error and warning until cleared with NULL.
 */
void log_context(const char *where);

/* Route libbpf's messages through pr_debug (shown with -v only). */
void log_setup_libbpf(void);

#endif /* HP_USER_LOG_H */
